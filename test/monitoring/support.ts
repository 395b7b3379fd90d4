import { Chart, Cron, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  DatabaseCredentials, DatabaseEngine, LogicalBackupSchedule, RwopAlertRules, RwopAlertRulesProps, SingleWriterDatabase, SnapshotBackupSchedule,
} from '../../src';
import { testChart } from '../volumes/support';

/** Nightly dumps at 02:00: one day between two runs. */
export const DAILY_AT_2 = Cron.schedule({ minute: '0', hour: '2' });
/** Snapshots at 03:00 on weekdays: three days from Friday to Monday. */
export const WEEKDAYS_AT_3 = Cron.schedule({ minute: '0', hour: '3', weekDay: '1-5' });

export interface MonitoredDatabase {
  readonly chart: Chart;
  readonly dumps: LogicalBackupSchedule;
  readonly snapshots: SnapshotBackupSchedule;
}

/**
 * A PostgreSQL database in namespace `db` with nightly dumps (`postgres-dumps`) and weekday snapshots
 * (`postgres-snapshots`): what the alerts watch.
 */
export function monitoredDatabase(): MonitoredDatabase {
  const chart = testChart({ namespace: 'db' });
  const database = new SingleWriterDatabase(chart, 'Db', {
    metadata: { name: 'postgres' },
    engine: DatabaseEngine.postgres({ version: '15.14' }),
    credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'Secret', 'postgres-secret')),
    storage: Size.gibibytes(20),
  });
  const dumps = new LogicalBackupSchedule(chart, 'Dumps', {
    metadata: { name: 'postgres-dumps' }, database, schedule: DAILY_AT_2, storage: Size.gibibytes(50),
  });
  const snapshots = new SnapshotBackupSchedule(chart, 'Snapshots', {
    metadata: { name: 'postgres-snapshots' }, schedule: WEEKDAYS_AT_3, database,
  });
  return { chart, dumps, snapshots };
}

/** The alert rules for `monitoredDatabase()`, in their own chart in namespace `monitoring`. */
export function alertsFor(watched: MonitoredDatabase, props: Partial<RwopAlertRulesProps> = {}): RwopAlertRules {
  return new RwopAlertRules(testChart({ namespace: 'monitoring' }), 'Alerts', {
    metadata: { name: 'rwop', labels: { release: 'prometheus' } },
    logicalBackups: [watched.dumps],
    snapshotBackups: [watched.snapshots],
    ...props,
  });
}
