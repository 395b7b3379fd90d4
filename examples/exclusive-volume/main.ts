import { App, Chart, Cron, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  DatabaseCredentials, DatabaseEngine, ExclusiveVolume, SingleWriterDatabase, SnapshotBackupSchedule, VolumeDataSource,
} from '../../src';

/**
 * The claim RWOP tutorials start from: 20Gi of class `standard`, mountable by exactly one pod in the cluster.
 */
export class ExclusiveDataChart extends Chart {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    new ExclusiveVolume(this, 'PostgresData', {
      metadata: { name: 'postgres-exclusive-data', labels: { 'app.kubernetes.io/name': 'postgres' } },
      storage: Size.gibibytes(20),
      storageClassName: 'standard',
    });
  }
}

/** Where a restore of the database stands: what the manifests say at each of its three steps. */
export interface PostgresRestoreProps {
  /** Steps 1 and 2: the database is stopped; its claim and its snapshots are kept, its checkpointed backups suspended. */
  readonly hibernate: boolean;
  /** Steps 2 and 3: the VolumeSnapshot the database's new claim, `postgres-data-restored`, is restored from. */
  readonly restoreFrom?: string;
}

/**
 * A PostgreSQL in namespace `db` on the claim `postgres-data`, with nightly checkpointed snapshots, restored from one
 * of them in three steps, each a change of these manifests synced by GitOps (no `kubectl scale` for a sync to undo):
 *
 * 1. `hibernate: true`: the Deployment runs no pod, the claim stays, the snapshot schedule is suspended (so nothing
 *    snapshots, or prunes, during the restore).
 * 2. The database gets a new claim restored from the snapshot, `postgres-data-restored`, still hibernating. The old
 *    claim leaves the manifests but stays in the cluster (it is protected from prune): keep it until the restored
 *    database has been checked, then delete it by hand.
 * 3. `hibernate: false`: the pod starts on the restored claim, and the schedule resumes, now snapshotting it.
 */
export class PostgresRestoreChart extends Chart {
  public constructor(scope: Construct, id: string, props: PostgresRestoreProps) {
    super(scope, id, { namespace: 'db' });
    const storage = Size.gibibytes(20);
    const data = props.restoreFrom === undefined
      ? new ExclusiveVolume(this, 'Data', { metadata: { name: 'postgres-data' }, storage, storageClassName: 'standard' })
      : new ExclusiveVolume(this, 'Restored', {
        metadata: { name: 'postgres-data-restored' },
        storage,
        storageClassName: 'standard',
        dataSource: VolumeDataSource.fromSnapshotName(props.restoreFrom),
      });

    const postgres = new SingleWriterDatabase(this, 'Postgres', {
      metadata: { name: 'postgres' },
      podLabels: { app: 'postgres' },
      engine: DatabaseEngine.postgres({ version: '15.14' }),
      credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(this, 'PostgresSecret', 'postgres-secret')),
      volume: data,
      hibernate: props.hibernate,
    });

    // Snapshots named postgres-snapshots-<claim>-<YYYYMMDD-HHMM>, taken after a CHECKPOINT, the newest 7 of each claim kept.
    new SnapshotBackupSchedule(this, 'Snapshots', {
      metadata: { name: 'postgres-snapshots' },
      database: postgres,
      schedule: Cron.schedule({ minute: '0', hour: '2' }),
      snapshotClassName: 'csi-snapshot-class',
    });
  }
}

/** The nightly snapshot of 1 December 2026 to restore. */
const SNAPSHOT = 'postgres-snapshots-postgres-data-20261201-0200';

const app = new App();
new ExclusiveDataChart(app, 'postgres-exclusive-data');
app.synth();

// The restore, one file per step: postgres.step-1-hibernate.k8s.yaml, postgres.step-2-restore.k8s.yaml and
// postgres.step-3-start.k8s.yaml. In an app of yours the steps are three successive versions of one chart; here each
// is a chart of the same id in an app of its own, so that the objects keep their names and selectors from step to step.
const steps: Array<[string, PostgresRestoreProps]> = [
  ['step-1-hibernate', { hibernate: true }],
  ['step-2-restore', { hibernate: true, restoreFrom: SNAPSHOT }],
  ['step-3-start', { hibernate: false, restoreFrom: SNAPSHOT }],
];
for (const [step, props] of steps) {
  const stepApp = new App({ outputFileExtension: `.${step}.k8s.yaml` });
  new PostgresRestoreChart(stepApp, 'postgres', props);
  stepApp.synth();
}
