// The synthesized PrometheusRule's rules, checked and unit-tested by the real promtool (Debian package `prometheus`):
// for each alert, kube-state-metrics series that make it fire and series that must not.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duration, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { expectValidManifests } from '../harness';
import { alertsFor, monitoredDatabase } from '../monitoring/support';

const alerts = alertsFor(monitoredDatabase(), { unschedulableFor: Duration.minutes(10), stuckAfter: Duration.minutes(5) });
const [prometheusRule] = Testing.synth(alerts.node.scope as any);
expectValidManifests([prometheusRule]);

const dir = mkdtempSync(join(tmpdir(), 'rwop-alerts-'));
const rulesFile = join(dir, 'rules.yaml');
// The operator hands Prometheus the PrometheusRule's spec as a rule file: the same `groups:` document.
writeFileSync(rulesFile, YAML.stringify(prometheusRule.spec));

function promtool(args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error('promtool is not on PATH: these tests need it; install the Debian package "prometheus" (apt-get install prometheus), as .ci/run does');
  }
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

type Labels = Record<string, string>;

/** An expected alert: its labels and its annotations rendered as Prometheus renders the rule's templates. */
function firing(alertname: string, labels: Labels, humanizedValue?: string): any {
  const rule = prometheusRule.spec.groups[0].rules.find((r: any) => r.alert === alertname);
  const render = (template: string): string => template
    .replace(/\{\{ \$labels\.([a-z_]+) \}\}/g, (_, name: string) => {
      // A template naming a label the alert does not have would render empty: a mistake, not an expectation.
      if (labels[name] === undefined) throw new Error(`${alertname}: its annotations use the label "${name}", which the alert does not have`);
      return labels[name];
    })
    .replace(/\{\{ \$value \| humanizeDuration \}\}/g, () => {
      if (humanizedValue === undefined) throw new Error(`${alertname}: its annotations show the value: give the expected text`);
      return humanizedValue;
    });
  return {
    exp_labels: { ...labels, ...rule.labels },
    exp_annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, render(v as string)])),
  };
}

/** Runs one promtool unit test group against the rule file, evaluated at the group's interval; shows promtool's output when it fails. */
function expectPromtoolTest(name: string, group: { interval: string; input_series: any[]; alert_rule_test: any[] }): void {
  const testFile = join(dir, `${name}.test.yaml`);
  writeFileSync(testFile, YAML.stringify({ rule_files: [rulesFile], evaluation_interval: group.interval, tests: [group] }));
  const run = promtool(['test', 'rules', testFile]);
  expect({ status: run.status, output: run.output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
}

const series = (metric: string, labels: Labels, values: string) =>
  ({ series: `${metric}{${Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`, values });

/** A pod that mounts a claim, as kube-state-metrics reports it, and the claim's access mode. */
const mounts = (namespace: string, pod: string, claim: string, accessMode: string, values = '1x60') => [
  series('kube_pod_spec_volumes_persistentvolumeclaims_info', { namespace, pod, uid: `uid-${pod}`, volume: 'data', persistentvolumeclaim: claim, ephemeral: 'false' }, values),
  series('kube_persistentvolumeclaim_access_mode', { namespace, persistentvolumeclaim: claim, access_mode: accessMode }, values),
];

test('promtool check rules accepts the synthesized rules', () => {
  const run = promtool(['check', 'rules', rulesFile]);
  expect(run).toEqual({ status: 0, output: expect.stringContaining('SUCCESS: 5 rules found') });
});

test('RwopPodUnschedulable fires for a pod unschedulable on a ReadWriteOncePod claim for 10 minutes, and for nothing else', () => {
  expectPromtoolTest('unschedulable', {
    interval: '1m',
    input_series: [
      // The holder runs; its replacement waits for the claim from minute 0.
      ...mounts('db', 'postgres-a', 'data', 'ReadWriteOncePod'),
      ...mounts('db', 'postgres-b', 'data', 'ReadWriteOncePod'),
      series('kube_pod_status_unschedulable', { namespace: 'db', pod: 'postgres-b', uid: 'uid-postgres-b' }, '1x60'),
      // A pod on a ReadWriteOnce claim, unschedulable just as long: not ours to report.
      ...mounts('app', 'web-b', 'cache', 'ReadWriteOnce'),
      series('kube_pod_status_unschedulable', { namespace: 'app', pod: 'web-b', uid: 'uid-web-b' }, '1x60'),
      // A pod on another ReadWriteOncePod claim, unschedulable for five minutes only (minutes 20-24).
      ...mounts('db', 'redis-0', 'redis-data', 'ReadWriteOncePod'),
      series('kube_pod_status_unschedulable', { namespace: 'db', pod: 'redis-0', uid: 'uid-redis-0' }, '_x19 1x4 _x36'),
    ],
    alert_rule_test: [
      { eval_time: '9m', alertname: 'RwopPodUnschedulable', exp_alerts: [] },
      {
        eval_time: '11m',
        alertname: 'RwopPodUnschedulable',
        exp_alerts: [firing('RwopPodUnschedulable', { namespace: 'db', pod: 'postgres-b', persistentvolumeclaim: 'data' })],
      },
      {
        eval_time: '30m',
        alertname: 'RwopPodUnschedulable',
        exp_alerts: [firing('RwopPodUnschedulable', { namespace: 'db', pod: 'postgres-b', persistentvolumeclaim: 'data' })],
      },
    ],
  });
});

test('RwopHolderStuckTerminating fires once a pod on a ReadWriteOncePod claim is Terminating 5 minutes past its grace period', () => {
  expectPromtoolTest('terminating', {
    interval: '1m',
    input_series: [
      // Deleted at 0 with a grace period of 10 minutes: its deletionTimestamp is the end of the grace, 600 s.
      ...mounts('db', 'postgres-a', 'data', 'ReadWriteOncePod'),
      series('kube_pod_deletion_timestamp', { namespace: 'db', pod: 'postgres-a', uid: 'uid-postgres-a' }, '600x60'),
      // The same, on a ReadWriteOnce claim: not ours.
      ...mounts('app', 'web-a', 'cache', 'ReadWriteOnce'),
      series('kube_pod_deletion_timestamp', { namespace: 'app', pod: 'web-a', uid: 'uid-web-a' }, '600x60'),
      // A holder that is not being deleted.
      ...mounts('db', 'redis-0', 'redis-data', 'ReadWriteOncePod'),
    ],
    alert_rule_test: [
      // Within the grace period, then exactly 5 minutes past it: not yet.
      { eval_time: '9m', alertname: 'RwopHolderStuckTerminating', exp_alerts: [] },
      { eval_time: '15m', alertname: 'RwopHolderStuckTerminating', exp_alerts: [] },
      {
        eval_time: '16m',
        alertname: 'RwopHolderStuckTerminating',
        exp_alerts: [firing('RwopHolderStuckTerminating', { namespace: 'db', pod: 'postgres-a', persistentvolumeclaim: 'data' }, '6m 0s')],
      },
    ],
  });
});

const HOUR = 3600;
const cronJob = (cronjob: string) => ({ namespace: 'db', cronjob });

test('RwopBackupTooOld fires per schedule: twice its longest interval without a success (two days nightly, six days on weekdays)', () => {
  expectPromtoolTest('too-old', {
    interval: '1h',
    input_series: [
      // Nightly dumps: created at 0, last success at 02:00 on day 0.
      series('kube_cronjob_created', cronJob('postgres-dumps'), '0x200'),
      series('kube_cronjob_spec_suspend', cronJob('postgres-dumps'), '0x200'),
      series('kube_cronjob_status_last_successful_time', cronJob('postgres-dumps'), `${2 * HOUR}x200`),
      // Weekday snapshots: last success at 03:00 on day 0.
      series('kube_cronjob_created', cronJob('postgres-snapshots'), '0x200'),
      series('kube_cronjob_spec_suspend', cronJob('postgres-snapshots'), '0x200'),
      series('kube_cronjob_status_last_successful_time', cronJob('postgres-snapshots'), `${3 * HOUR}x200`),
      // A CronJob the rules do not watch, as old.
      series('kube_cronjob_created', cronJob('cleanup'), '0x200'),
      series('kube_cronjob_status_last_successful_time', cronJob('cleanup'), '0x200'),
    ],
    alert_rule_test: [
      { eval_time: '49h', alertname: 'RwopBackupTooOld', exp_alerts: [] },
      {
        eval_time: '51h',
        alertname: 'RwopBackupTooOld',
        exp_alerts: [firing('RwopBackupTooOld', cronJob('postgres-dumps'), '2d 1h 0m 0s')],
      },
      {
        eval_time: '148h',
        alertname: 'RwopBackupTooOld',
        exp_alerts: [
          firing('RwopBackupTooOld', cronJob('postgres-dumps'), '6d 2h 0m 0s'),
          firing('RwopBackupTooOld', cronJob('postgres-snapshots'), '6d 1h 0m 0s'),
        ],
      },
    ],
  });
});

test('RwopBackupTooOld counts from the creation of a CronJob that never succeeded, and leaves suspended ones alone', () => {
  expectPromtoolTest('too-old-never', {
    interval: '1h',
    input_series: [
      series('kube_cronjob_created', cronJob('postgres-dumps'), '0x100'),
      series('kube_cronjob_spec_suspend', cronJob('postgres-dumps'), '0x100'),
      // Suspended since hour 1 (a hibernated database), never succeeded.
      series('kube_cronjob_created', cronJob('postgres-snapshots'), '0x200'),
      series('kube_cronjob_spec_suspend', cronJob('postgres-snapshots'), '0 1x199'),
    ],
    alert_rule_test: [
      { eval_time: '47h', alertname: 'RwopBackupTooOld', exp_alerts: [] },
      { eval_time: '49h', alertname: 'RwopBackupTooOld', exp_alerts: [firing('RwopBackupTooOld', cronJob('postgres-dumps'), '2d 1h 0m 0s')] },
      { eval_time: '190h', alertname: 'RwopBackupTooOld', exp_alerts: [] },
    ],
  });
});

/** A Job of a CronJob that started at `start` (seconds) and failed, reported from the `seenFrom`th sample on. */
const failedJob = (owner: string, jobName: string, start: number, seenFrom = 0) => {
  const values = (value: number) => `${'_ '.repeat(seenFrom)}${value}x100`;
  return [
    series('kube_job_owner', { namespace: 'db', job_name: jobName, owner_kind: 'CronJob', owner_name: owner, owner_is_controller: 'true' }, values(1)),
    series('kube_job_status_start_time', { namespace: 'db', job_name: jobName }, values(start)),
    series('kube_job_failed', { namespace: 'db', job_name: jobName, condition: 'true' }, values(1)),
    series('kube_job_failed', { namespace: 'db', job_name: jobName, condition: 'false' }, values(0)),
  ];
};

test('RwopLogicalBackupFailed fires for a failed dump run until a later run succeeds; other CronJobs\' failures are not dumps', () => {
  expectPromtoolTest('logical-failed', {
    interval: '1h',
    input_series: [
      // Success on day 0 at 02:00, the run of day 1 failed, the run of day 2 succeeded (seen from hour 51).
      series('kube_cronjob_status_last_successful_time', cronJob('postgres-dumps'), `${2 * HOUR}x50 ${50 * HOUR}x50`),
      ...failedJob('postgres-dumps', 'postgres-dumps-29000120', 26 * HOUR, 26),
      // A failed run of a CronJob the rules do not watch.
      ...failedJob('cleanup', 'cleanup-29000120', 26 * HOUR, 26),
      // A Job that has not failed.
      series('kube_job_owner', { namespace: 'db', job_name: 'postgres-dumps-29000000', owner_kind: 'CronJob', owner_name: 'postgres-dumps', owner_is_controller: 'true' }, '1x100'),
      series('kube_job_status_start_time', { namespace: 'db', job_name: 'postgres-dumps-29000000' }, `${2 * HOUR}x100`),
      series('kube_job_failed', { namespace: 'db', job_name: 'postgres-dumps-29000000', condition: 'false' }, '1x100'),
    ],
    alert_rule_test: [
      { eval_time: '25h', alertname: 'RwopLogicalBackupFailed', exp_alerts: [] },
      {
        eval_time: '30h',
        alertname: 'RwopLogicalBackupFailed',
        exp_alerts: [firing('RwopLogicalBackupFailed', { namespace: 'db', job_name: 'postgres-dumps-29000120', owner_name: 'postgres-dumps' })],
      },
      { eval_time: '30h', alertname: 'RwopSnapshotBackupFailed', exp_alerts: [] },
      { eval_time: '52h', alertname: 'RwopLogicalBackupFailed', exp_alerts: [] },
    ],
  });
});

test('RwopSnapshotBackupFailed fires for a failed snapshot run of a schedule that never succeeded, not as a dump failure', () => {
  expectPromtoolTest('snapshot-failed', {
    interval: '1h',
    // Failed at hour 3; the schedule has never succeeded.
    input_series: failedJob('postgres-snapshots', 'postgres-snapshots-29000180', 3 * HOUR, 3),
    alert_rule_test: [
      { eval_time: '2h', alertname: 'RwopSnapshotBackupFailed', exp_alerts: [] },
      {
        eval_time: '4h',
        alertname: 'RwopSnapshotBackupFailed',
        exp_alerts: [firing('RwopSnapshotBackupFailed', { namespace: 'db', job_name: 'postgres-snapshots-29000180', owner_name: 'postgres-snapshots' })],
      },
      { eval_time: '4h', alertname: 'RwopLogicalBackupFailed', exp_alerts: [] },
    ],
  });
});
