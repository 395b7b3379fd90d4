import { App, Chart, Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  DatabaseCredentials, DatabaseEngine, ExclusiveVolume, LogicalBackupSchedule, SingleWriterDatabase, SnapshotBackupSchedule,
  SnapshotEngine,
} from '../../src';

/**
 * The two usual backups of a PostgreSQL on an RWOP claim (`postgres-exclusive-data`), done so that they work.
 *
 * A pg_dump CronJob, done correctly: it dumps over the network (`postgres-service`) into `backup-pvc`, a
 * claim of its own (never the database's, which no second pod can mount); the password comes from the Secret; each
 * run is verified, checksummed and renamed into place only when complete; the newest 7 runs are kept; runs never
 * overlap (`Forbid`); the database's NetworkPolicy lets the backup pods in.
 *
 * A snapshot CronJob, done correctly: it runs as the ServiceAccount `snapshot-creator`, which a Role allows
 * exactly get, list, create and delete on VolumeSnapshots of the namespace; its image is pinned (the often-copied
 * `bitnami/kubectl:latest` is neither pinned nor updated any more); PostgreSQL's CHECKPOINT runs first; snapshot names
 * come from the scheduled time, so a retried Job never makes a second one; the Job fails, with the snapshot's error,
 * when a snapshot fails; and retention keeps a week of snapshots and never deletes the newest ready one.
 */
export class PostgresBackupsChart extends Chart {
  public constructor(scope: Construct, id: string) {
    super(scope, id);

    const postgres = new SingleWriterDatabase(this, 'Postgres', {
      metadata: { name: 'postgres' },
      podLabels: { app: 'postgres' },
      engine: DatabaseEngine.postgres({ version: '15.14' }),
      credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(this, 'PostgresSecret', 'postgres-secret')),
      volume: new ExclusiveVolume(this, 'Data', {
        metadata: { name: 'postgres-exclusive-data' },
        storage: Size.gibibytes(20),
        storageClassName: 'standard',
      }),
      serviceName: 'postgres-service',
      database: 'mydatabase',
    });

    // Daily at 02:00.
    const nightly = Cron.schedule({ minute: '0', hour: '2' });

    new LogicalBackupSchedule(this, 'Dump', {
      metadata: { name: 'postgres-backup' },
      database: postgres,
      schedule: nightly,
      volume: new ExclusiveVolume(this, 'BackupVolume', {
        metadata: { name: 'backup-pvc' },
        storage: Size.gibibytes(50),
        storageClassName: 'standard',
      }),
      keepLast: 7,
      lockWaitTimeout: Duration.minutes(5),
    });

    new SnapshotBackupSchedule(this, 'Snapshots', {
      metadata: { name: 'postgres-snapshot-backup' },
      database: postgres,
      schedule: nightly,
      snapshotClassName: 'csi-snapshot-class',
      retention: { keepLast: 7, keepWithin: Duration.days(7), failedGrace: Duration.days(2) },
      engine: SnapshotEngine.builtIn({ serviceAccountName: 'snapshot-creator', initialSnapshot: true }),
    });
  }
}

const app = new App();
new PostgresBackupsChart(app, 'postgres-backups');
app.synth();
