import { Cron, Duration, Size, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { DAILY_AT_2, alertsFor, monitoredDatabase } from './support';
import {
  DatabaseCredentials, DatabaseEngine, ExclusiveVolume, LogicalBackupSchedule, RwopAlertRules, RwopAlertRulesProps, SingleWriterDatabase,
  SnapshotBackupSchedule, SnapshotEngine,
} from '../../src';
import { expectPropError, only, synthValid, testChart } from '../volumes/support';

const KIND = 'RwopAlertRules';

/** The rules of the synthesized PrometheusRule, by alert name. */
function rulesOf(alerts: RwopAlertRules): Record<string, any> {
  const rule = only(synthValid(alerts.node.scope as any), 'PrometheusRule');
  return Object.fromEntries(rule.spec.groups[0].rules.map((r: any) => [r.alert, r]));
}

/** Every series selector of kube-state-metrics in a PromQL expression, e.g. `kube_pod_status_unschedulable{…}`. */
function selectors(expr: string): string[] {
  return [...expr.matchAll(/\bkube_[a-z_]+(\{[^}]*\})?/g)].map((m) => m[0]);
}

describe('alerts for a database with nightly dumps and weekday snapshots', () => {
  const alerts = alertsFor(monitoredDatabase());
  const manifests = synthValid(alerts.node.scope as any);
  const prometheusRule = only(manifests, 'PrometheusRule');
  const rules = rulesOf(alerts);

  test('one PrometheusRule with its labels, five alerts in one group', () => {
    expect(manifests).toHaveLength(1);
    expect(prometheusRule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(prometheusRule.metadata).toEqual({ name: 'rwop', namespace: 'monitoring', labels: { release: 'prometheus' } });
    expect(alerts.alertNames).toEqual([
      'RwopPodUnschedulable', 'RwopHolderStuckTerminating', 'RwopBackupTooOld', 'RwopLogicalBackupFailed', 'RwopSnapshotBackupFailed',
    ]);
    expect(prometheusRule.spec.groups.map((g: any) => g.name)).toEqual(['rwop']);
    expect(Object.keys(rules)).toEqual(alerts.alertNames);
  });

  test('every alert has a severity, a summary, a description with a command, and a runbook anchor named after it', () => {
    for (const [name, rule] of Object.entries(rules)) {
      expect(['critical', 'warning']).toContain(rule.labels.severity);
      expect(rule.annotations.summary).toMatch(/\S/);
      expect(rule.annotations.description).toMatch(/`(kubectl|rwop) [^`]+`/);
      expect(rule.annotations.runbook_url).toBe(`https://github.com/cdk8s-rwop/cdk8s-rwop/blob/main/README.md#${name.toLowerCase()}`);
    }
    expect(rules.RwopPodUnschedulable.labels.severity).toBe('critical');
    expect(rules.RwopBackupTooOld.labels.severity).toBe('warning');
  });

  test('pods: ReadWriteOncePod claims only, unschedulable for 10 minutes, Terminating 5 minutes past the grace period', () => {
    expect(rules.RwopPodUnschedulable.for).toBe('10m');
    expect(rules.RwopPodUnschedulable.expr).toContain('kube_persistentvolumeclaim_access_mode{access_mode="ReadWriteOncePod"}');
    expect(rules.RwopPodUnschedulable.expr).toContain('(kube_pod_status_unschedulable == 1)');
    expect(rules.RwopHolderStuckTerminating.for).toBeUndefined();
    expect(rules.RwopHolderStuckTerminating.expr).toMatch(/\(time\(\) - max by \(namespace, pod\) \(kube_pod_deletion_timestamp\)\) > 300$/);
  });

  test('backups: each CronJob by namespace and name, allowed twice its longest interval (a day nightly, three days on weekdays)', () => {
    const expr = rules.RwopBackupTooOld.expr;
    expect(expr).toContain('kube_cronjob_status_last_successful_time{namespace="db", cronjob="postgres-dumps"}) > 172800)');
    expect(expr).toContain('kube_cronjob_status_last_successful_time{namespace="db", cronjob="postgres-snapshots"}) > 518400)');
    expect(expr).toMatch(/unless on \(namespace, cronjob\) \(kube_cronjob_spec_suspend == 1\)$/);
    expect(rules.RwopLogicalBackupFailed.expr).toContain('kube_job_owner{namespace="db", owner_name="postgres-dumps", owner_kind="CronJob"}');
    expect(rules.RwopLogicalBackupFailed.expr).not.toContain('postgres-snapshots');
    expect(rules.RwopSnapshotBackupFailed.expr).toContain('kube_job_owner{namespace="db", owner_name="postgres-snapshots", owner_kind="CronJob"}');
    expect(rules.RwopSnapshotBackupFailed.expr).not.toContain('postgres-dumps');
  });

  test('the whole PrometheusRule (reviewed YAML)', () => {
    expect(Yaml.stringify(prometheusRule)).toMatchSnapshot();
  });
});

test('without backups: only the pod alerts, under a generated name in the chart\'s namespace', () => {
  const chart = testChart({ namespace: 'monitoring' });
  const alerts = new RwopAlertRules(chart, 'Alerts');
  const rule = only(synthValid(chart), 'PrometheusRule');
  expect(alerts.alertNames).toEqual(['RwopPodUnschedulable', 'RwopHolderStuckTerminating']);
  expect(rule.metadata.namespace).toBe('monitoring');
  expect(rule.metadata.name).toMatch(/^test-alerts-[0-9a-f]{8}$/);
});

test('thresholds, namespaces, series matchers, alert labels and the runbook page are props', () => {
  const alerts = alertsFor(monitoredDatabase(), {
    unschedulableFor: Duration.minutes(90),
    stuckAfter: Duration.hours(1),
    backupAgeFactor: 1.5,
    namespaces: ['db', 'team-a'],
    seriesMatchers: 'cluster="prod", job=~"kube-state-metrics.*"',
    alertLabels: { team: 'db', severity: 'page' },
    runbookBaseUrl: 'https://wiki.example.com/runbooks/rwop',
  });
  const rules = rulesOf(alerts);
  expect(rules.RwopPodUnschedulable.for).toBe('1h30m');
  expect(rules.RwopHolderStuckTerminating.expr).toMatch(/> 3600$/);
  expect(rules.RwopBackupTooOld.expr).toContain('cronjob="postgres-dumps"}) > 129600)');
  for (const rule of Object.values(rules)) {
    for (const found of selectors(rule.expr)) expect(found).toContain('cluster="prod", job=~"kube-state-metrics.*"');
    expect(rule.labels).toEqual({ severity: 'page', team: 'db' });
    expect(rule.annotations.runbook_url).toBe(`https://wiki.example.com/runbooks/rwop#${rule.alert.toLowerCase()}`);
  }
  for (const name of ['RwopPodUnschedulable', 'RwopHolderStuckTerminating']) {
    for (const found of selectors(rules[name].expr)) expect(found).toContain('namespace=~"db|team-a"');
  }
});

test('a schedule in a chart without namespace is matched by its CronJob name in the watched namespaces', () => {
  const chart = testChart();
  const watched = monitoredDatabase();
  const dumps = new LogicalBackupSchedule(chart, 'Dumps', {
    metadata: { name: 'app-dumps' },
    database: new SingleWriterDatabase(chart, 'Db', {
      engine: DatabaseEngine.postgres({ version: '15.14' }),
      credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'Secret', 'postgres-secret')),
      storage: Size.gibibytes(5),
    }),
    schedule: DAILY_AT_2,
    storage: Size.gibibytes(10),
  });
  const rules = rulesOf(alertsFor(watched, { logicalBackups: [watched.dumps, dumps], namespaces: ['db', 'apps'] }));
  expect(rules.RwopBackupTooOld.expr).toContain('kube_cronjob_status_last_successful_time{namespace="db", cronjob="postgres-dumps"}');
  expect(rules.RwopBackupTooOld.expr).toContain('kube_cronjob_status_last_successful_time{namespace=~"db|apps", cronjob="app-dumps"}');
  expect(rules.RwopLogicalBackupFailed.expr).toContain('kube_job_owner{namespace=~"db|apps", owner_name="app-dumps", owner_kind="CronJob"}');
});

describe('bad props are refused at construction', () => {
  const build = (props: Partial<RwopAlertRulesProps>) => () => new RwopAlertRules(testChart(), 'Alerts', props as RwopAlertRulesProps);
  const cases: Array<[string, Partial<RwopAlertRulesProps>, RegExp]> = [
    ['unschedulableFor', { unschedulableFor: Duration.seconds(90) }, /"90 seconds"; accepted: a cdk8s Duration of whole minutes, at least one/],
    ['stuckAfter', { stuckAfter: Duration.seconds(0) }, /accepted: a cdk8s Duration of whole minutes/],
    ['stuckAfter', { stuckAfter: 600 as unknown as Duration }, /is 600; accepted: a cdk8s Duration/],
    ['backupAgeFactor', { backupAgeFactor: 1 }, /is 1; accepted: a number more than 1 and at most 100/],
    ['backupAgeFactor', { backupAgeFactor: NaN }, /accepted: a number more than 1/],
    ['namespaces', { namespaces: [] }, /accepted: a non-empty list of namespace names/],
    ['namespaces', { namespaces: ['Team_A'] }, /is "Team_A"; accepted: namespace names/],
    ['seriesMatchers', { seriesMatchers: 'cluster=prod' }, /accepted: PromQL label matchers/],
    ['seriesMatchers', { seriesMatchers: '{cluster="prod"}' }, /accepted: PromQL label matchers/],
    ['alertLabels', { alertLabels: { 'team-name': 'db' } }, /is "team-name"; accepted label names/],
    ['alertLabels["team"]', { alertLabels: { team: 1 as unknown as string } }, /is 1; accepted: a string/],
    ['runbookBaseUrl', { runbookBaseUrl: 'https://example.com/README.md#alerts' }, /accepted: an http\(s\) URL without a "#" fragment/],
    ['metadata.name', { metadata: { name: 'RWOP' } }, /accepted: at most 253 lowercase/],
  ];
  test.each(cases)('%s (case %#)', (prop, props, detail) => {
    expectPropError(build(props), 'Test/Alerts', KIND, prop, detail);
  });

  test('props that are not an object', () => {
    expectPropError(() => new RwopAlertRules(testChart(), 'Alerts', null as unknown as RwopAlertRulesProps),
      'Test/Alerts', KIND, 'props', /is null; accepted: an object of RwopAlertRulesProps, or nothing/);
  });

  test('a snapshot schedule among the logical backups', () => {
    const watched = monitoredDatabase();
    expectPropError(() => alertsFor(watched, { logicalBackups: [watched.snapshots as any] }),
      'Test/Alerts', KIND, 'logicalBackups[0]', /is "Test\/Snapshots"; accepted: a LogicalBackupSchedule of this library/);
  });

  test('a snapscheduler schedule: its runs are no Jobs kube-state-metrics reports', () => {
    const watched = monitoredDatabase();
    const snapscheduler = new SnapshotBackupSchedule(watched.chart, 'Snapscheduler', {
      schedule: Cron.daily(),
      engine: SnapshotEngine.snapscheduler(),
      volumes: [new ExclusiveVolume(watched.chart, 'Cache', { metadata: { name: 'cache' }, storage: Size.gibibytes(1) })],
    });
    expectPropError(() => alertsFor(watched, { snapshotBackups: [snapscheduler] }),
      'Test/Alerts', KIND, 'snapshotBackups[0]', /is "Test\/Snapscheduler"; its engine \(snapscheduler\) runs no Jobs/);
  });
});
