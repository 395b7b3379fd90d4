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
 * of them in three steps, each a change of these manifests synced by GitOps (no `kubectl scale` for a sync to undo);
 * `RESTORE_STEP=<n> npx cdk8s synth` renders step n:
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

/**
 * The manifests at each step of the restore, chosen with RESTORE_STEP (`RESTORE_STEP=2 npx cdk8s synth`); without it,
 * the database as it runs before the restore. In an app of yours the steps are successive versions of the chart.
 */
const STEPS: Record<string, PostgresRestoreProps> = {
  0: { hibernate: false },
  1: { hibernate: true },
  2: { hibernate: true, restoreFrom: SNAPSHOT },
  3: { hibernate: false, restoreFrom: SNAPSHOT },
};
const step = process.env.RESTORE_STEP ?? '0';
if (!Object.keys(STEPS).includes(step)) {
  throw new Error(`RESTORE_STEP is "${step}"; accepted: 1, 2 or 3, or no RESTORE_STEP for the database before the restore`);
}

const app = new App();
new ExclusiveDataChart(app, 'postgres-exclusive-data');
new PostgresRestoreChart(app, 'postgres', STEPS[step]);
app.synth();
