// The package's `main`, what `require('cdk8s-rwop')` loads. The validation plugin loads at once and needs only `yaml`
// (bundled); the constructs, which need cdk8s, constructs and cdk8s-plus-27, load on first use. So `cdk8s synth` can
// load the plugin from a copy of this package installed without those peers, as it does for a plugin named by package.
// The types are those of `index.ts`; the list below names the same exports (a test keeps the two equal) in the form
// Node's CommonJS export detection reads, so that ES module apps can import them by name.
import { RwopValidation } from './plugin/rwop-validation';

exports.VolumeBindingMode = exports.ExclusiveStorageClass = exports.ExclusiveVolume = exports.VolumeDataSource
  = exports.VolumeSnapshotSource = exports.VolumeSnapshot = exports.VolumeSnapshotDeletionPolicy
  = exports.VolumeSnapshotClass = exports.RwopValidation = exports.DatabaseCredentials = exports.DatabaseFamily
  = exports.DatabaseEngine = exports.DisruptionPolicy = exports.LinterExemption = exports.SingleWriterDatabase
  = exports.SingleWriterWorkload = exports.ClaimRetention = exports.ExclusiveStatefulSet = exports.SnapshotEngine
  = exports.SnapshotBackupSchedule = exports.LogicalBackupSchedule = exports.RwopAlertRules = exports.WorkloadContainer
  = exports.RwopErrors = void 0;

const PEERS = ['cdk8s', 'cdk8s-plus-27', 'constructs'];
let library: Record<string, unknown> | undefined;

function loadLibrary(): Record<string, unknown> {
  if (library === undefined) {
    try {
      // A plain require, not an import: loading the constructs is what this file defers.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      library = require('./index') as Record<string, unknown>;
    } catch (e) {
      const missing = PEERS.find((peer) => (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND'
        && (e as Error).message.startsWith(`Cannot find module '${peer}'`));
      if (missing === undefined) throw e;
      throw new Error(`cdk8s-rwop: the constructs need the package "${missing}" next to cdk8s-rwop; install its peers with `
        + '`npm install cdk8s cdk8s-plus-27 constructs` (the validation plugin alone needs none of them)');
    }
  }
  return library;
}

for (const name of Object.keys(exports)) {
  Object.defineProperty(exports, name, {
    enumerable: true,
    get: name === 'RwopValidation' ? () => RwopValidation : () => loadLibrary()[name],
  });
}
