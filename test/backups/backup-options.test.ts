// Both backup schedules take the same schedule options, and their Jobs the same Job options (a LogicalBackupSchedule
// directly, a SnapshotBackupSchedule through its built-in engine): each refuses the same bad value with the same words,
// and renders a good one into its CronJob the same way.
import { Chart, Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  BackupJobOptions, BackupScheduleOptions, DatabaseCredentials, DatabaseEngine, LogicalBackupSchedule, SingleWriterDatabase,
  SnapshotBackupSchedule, SnapshotEngine,
} from '../../src';
import { expectPropError, only, synthValid, testChart } from '../volumes/support';

const DAILY_AT_2 = Cron.schedule({ minute: '0', hour: '2' });

function postgres(chart: Chart): SingleWriterDatabase {
  return new SingleWriterDatabase(chart, 'Db', {
    metadata: { name: 'postgres' },
    engine: DatabaseEngine.postgres({ version: '15.14' }),
    credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'Secret', 'postgres-secret')),
    storage: Size.gibibytes(20),
  });
}

/** One schedule of each kind, given the same schedule options and the same Job options, and the prefix of its Job options. */
const SCHEDULES = [
  {
    kind: 'LogicalBackupSchedule',
    jobPrefix: '',
    build: (chart: Chart, options: Partial<BackupScheduleOptions>, job: BackupJobOptions) =>
      new LogicalBackupSchedule(chart, 'Backup', { database: postgres(chart), storage: Size.gibibytes(50), schedule: DAILY_AT_2, ...options, ...job }),
  },
  {
    kind: 'SnapshotBackupSchedule',
    jobPrefix: 'engine.',
    build: (chart: Chart, options: Partial<BackupScheduleOptions>, job: BackupJobOptions) =>
      new SnapshotBackupSchedule(chart, 'Backup', { database: postgres(chart), schedule: DAILY_AT_2, ...options, engine: SnapshotEngine.builtIn(job) }),
  },
];

describe.each(SCHEDULES)('$kind', ({ kind, jobPrefix, build }) => {
  test.each([
    ['a name longer than 52 characters', { metadata: { name: 'a'.repeat(53) } }, 'metadata.name', /at most 52 characters/],
    ['a schedule that fires every minute of an hour', { schedule: Cron.schedule({ hour: '2' }) }, 'schedule', /runs as often as every 60s/],
    ['a schedule that never fires', { schedule: Cron.schedule({ minute: '0', hour: '2', day: '30', month: '2' }) }, 'schedule', /it never fires/],
    ['a time zone in the wrong case', { timeZone: 'europe/berlin' }, 'timeZone', /write "Europe\/Berlin"/],
    ['a suspend that is not a boolean', { suspend: 'yes' as unknown as boolean }, 'suspend', /accepted: true or false/],
  ])('refuses %s', (_, options, prop, detail) => {
    expectPropError(() => build(testChart(), options, {}), 'Test/Backup', kind, prop, detail);
  });

  test.each([
    ['a starting deadline under 10 s', { startingDeadline: Duration.seconds(5) }, 'startingDeadline', /at least 10s/],
    ['a starting deadline of a whole period', { startingDeadline: Duration.days(1) }, 'startingDeadline', /less than 86400s/],
    ['a backoff limit over 100', { backoffLimit: 101 }, 'backoffLimit', /a whole number from 0 to 100/],
    ['a fractional history', { successfulJobsRetained: 1.5 }, 'successfulJobsRetained', /a whole number from 0 to 100/],
    ['a negative failed history', { failedJobsRetained: -1 }, 'failedJobsRetained', /a whole number from 0 to 100/],
    ['resources that are not an object', { resources: 'small' as unknown as kplus.ContainerResources }, 'resources', /kplus.ContainerResources/],
    ['another priority class than the database\'s', { priorityClassName: 'critical' }, 'priorityClassName', /must never out-rank the database/],
  ])('refuses a Job option: %s', (_, job, prop, detail) => {
    expectPropError(() => build(testChart(), {}, job), 'Test/Backup', kind, `${jobPrefix}${prop}`, detail);
  });

  test('renders the Job options and the schedule options into its CronJob', () => {
    const chart = testChart();
    build(chart, { metadata: { name: 'nightly' }, timeZone: 'Europe/Berlin', suspend: true }, {
      activeDeadline: Duration.hours(2),
      startingDeadline: Duration.minutes(30),
      backoffLimit: 4,
      successfulJobsRetained: 1,
      failedJobsRetained: 5,
      resources: { memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) } },
    });

    const cronJob = only(synthValid(chart), 'CronJob');
    expect(cronJob.metadata.name).toBe('nightly');
    expect(cronJob.spec).toMatchObject({
      schedule: '0 2 * * *',
      timeZone: 'Europe/Berlin',
      suspend: true,
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 1800,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 5,
    });
    const jobSpec = cronJob.spec.jobTemplate.spec;
    expect(jobSpec).toMatchObject({ activeDeadlineSeconds: 7200, backoffLimit: 4 });
    expect(jobSpec.podFailurePolicy.rules[0]).toEqual({ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] });
    const podSpec = jobSpec.template.spec;
    expect(podSpec.restartPolicy).toBe('Never');
    expect(podSpec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(podSpec.priorityClassName).toBeUndefined();
    expect(podSpec.containers[0].resources).toEqual({ requests: { memory: '128Mi' }, limits: { memory: '512Mi' } });
  });
});
