import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiObject, Chart, Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as YAML from 'yaml';
import { postgresLookalike } from './support/engines';
import { tempDir } from './support/run-script';
import {
  DatabaseCredentials, DatabaseEngine, ExclusiveStorageClass, ExclusiveVolume, LogicalBackupSchedule, SingleWriterDatabase, SnapshotBackupSchedule,
  SnapshotBackupScheduleProps, SnapshotEngine, VolumeSnapshotClass,
} from '../../src';
import { runRules } from '../../src/rules';
import { expectPropError, only, synthValid, testChart } from '../volumes/support';
import { appValidationErrors, restrictedViolations } from '../workloads/support';

const SCRIPT_PATH = join(__dirname, '..', '..', 'src', 'backups', 'scripts', 'snapshot-backup.sh');
const SCRIPT = readFileSync(SCRIPT_PATH, 'utf8');

/** The variables snapshot-backup.sh documents in its header (`#   NAME   description`). */
function documentedVariables(script: string): string[] {
  const header = script.slice(0, script.indexOf('\nset -'));
  return [...header.matchAll(/^# {3}([A-Z][A-Z0-9_]*) +\S/gm)].map(m => m[1]);
}

/** The RBAC line of the script's header, as verbs. */
function documentedVerbs(script: string): string[] {
  const line = /^# RBAC: volumesnapshots \(group snapshot\.storage\.k8s\.io\) (.+), in NAMESPACE\.$/m.exec(script);
  if (!line) throw new Error('snapshot-backup.sh no longer documents its RBAC needs in the expected form');
  return line[1].split(',').map(verb => verb.trim());
}

function chartIn(namespace = 'db'): Chart {
  return testChart({ namespace });
}

function postgres(chart: Chart, options: { priorityClassName?: string; engine?: DatabaseEngine; name?: string } = {}): SingleWriterDatabase {
  return new SingleWriterDatabase(chart, options.name ?? 'Db', {
    metadata: { name: options.name?.toLowerCase() ?? 'postgres' },
    engine: options.engine ?? DatabaseEngine.postgres({ version: '15.14' }),
    credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(chart, `Secret${chart.node.children.length}`, 'postgres-secret')),
    storage: Size.gibibytes(20),
    priorityClassName: options.priorityClassName,
  });
}

function volume(chart: Chart, name: string): ExclusiveVolume {
  return new ExclusiveVolume(chart, `Volume-${name}`, { metadata: { name }, storage: Size.gibibytes(10) });
}

const DAILY_AT_2 = Cron.schedule({ minute: '0', hour: '2' });

function schedule(chart: Chart, props: Partial<SnapshotBackupScheduleProps>, id = 'Snap'): SnapshotBackupSchedule {
  return new SnapshotBackupSchedule(chart, id, { metadata: { name: 'nightly' }, schedule: DAILY_AT_2, ...props } as SnapshotBackupScheduleProps);
}

const podSpecOf = (workload: any) => (workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template.spec : workload.spec.template.spec);
const containerOf = (workload: any) => podSpecOf(workload).containers.find((c: any) => c.name === 'snapshot');
const envOf = (workload: any): Record<string, any> =>
  Object.fromEntries(containerOf(workload).env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('built-in engine on claims', () => {
  const chart = chartIn();
  const data = volume(chart, 'pgdata');
  schedule(chart, { volumes: [data], claimNames: ['wal'] });
  const manifests = synthValid(chart);
  const cronJob = only(manifests, 'CronJob');
  const spec = podSpecOf(cronJob);

  test('emits exactly a ServiceAccount, a Role, a RoleBinding, the script ConfigMap, the CronJob and its pods\' NetworkPolicy, all named after the schedule', () => {
    expect(manifests.filter(m => m.kind !== 'PersistentVolumeClaim').map(m => `${m.kind} ${m.metadata.namespace}/${m.metadata.name}`)).toEqual([
      'ServiceAccount db/nightly',
      'Role db/nightly',
      'RoleBinding db/nightly',
      'ConfigMap db/nightly-script',
      'CronJob db/nightly',
      'NetworkPolicy db/nightly',
    ]);
  });

  test('the pods\' NetworkPolicy denies all ingress and lets them out to DNS in kube-system and the API server only', () => {
    const policy = only(manifests, 'NetworkPolicy');
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toBeUndefined();
    expect(policy.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'snapshot-backup', 'rwop.dev/backup-schedule': 'nightly' });
    const podLabels = cronJob.spec.jobTemplate.spec.template.metadata.labels;
    expect(Object.entries(policy.spec.podSelector.matchLabels).every(([k, v]) => podLabels[k] === v)).toBe(true);
    expect(policy.spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] },
    ]);
  });

  test('the CronJob never overlaps runs, starts late by at most half a period, and bounds each run', () => {
    expect(cronJob.spec.schedule).toBe('0 2 * * *');
    expect(cronJob.spec.concurrencyPolicy).toBe('Forbid');
    expect(cronJob.spec.startingDeadlineSeconds).toBe(12 * 3600);
    expect(cronJob.spec.suspend).toBe(false);
    expect(cronJob.spec.timeZone).toBeUndefined();
    expect(cronJob.spec.successfulJobsHistoryLimit).toBe(3);
    expect(cronJob.spec.failedJobsHistoryLimit).toBe(3);
    const job = cronJob.spec.jobTemplate.spec;
    expect(job.activeDeadlineSeconds).toBe(3600 + 600);
    expect(job.backoffLimit).toBe(2);
    expect(job.ttlSecondsAfterFinished).toBeUndefined();
    expect(spec.restartPolicy).toBe('Never');
  });

  test('a drained pod is retried without counting; a snapshot error or a bad configuration fails the Job at once', () => {
    expect(cronJob.spec.jobTemplate.spec.podFailurePolicy.rules).toEqual([
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      { action: 'FailJob', onExitCodes: { containerName: 'snapshot', operator: 'In', values: [1, 2] }, onPodConditions: [] },
    ]);
    // The script's exit codes 1 and 2 are "a snapshot reported status.error" and "bad configuration".
    expect(SCRIPT).toMatch(/^#\s+0 success\s+1 a snapshot reported status\.error\s+2 bad configuration/m);
  });

  test('the Role grants exactly the verbs the script documents, on volumesnapshots only, bound to the ServiceAccount', () => {
    const role = only(manifests, 'Role');
    expect(role.rules).toEqual([{ apiGroups: ['snapshot.storage.k8s.io'], resources: ['volumesnapshots'], verbs: documentedVerbs(SCRIPT) }]);
    expect(documentedVerbs(SCRIPT)).toEqual(['get', 'list', 'create', 'delete']);
    expect(manifests.filter(m => ['ClusterRole', 'ClusterRoleBinding'].includes(m.kind))).toEqual([]);
    const binding = only(manifests, 'RoleBinding');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'nightly' });
    expect(binding.subjects).toEqual([{ apiGroup: '', kind: 'ServiceAccount', name: 'nightly', namespace: 'db' }]);
  });

  test('the token is mounted for the snapshot pod only: the ServiceAccount does not automount it elsewhere', () => {
    expect(only(manifests, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe('nightly');
    expect(spec.automountServiceAccountToken).toBe(true);
  });

  test('the pod meets the restricted Pod Security Standard (the token it needs aside) and runs a pinned kubectl image', () => {
    expect(restrictedViolations(spec)).toEqual(['automountServiceAccountToken is not false']);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    const container = containerOf(cronJob);
    expect(container.image).toBe('alpine/k8s:1.33.4');
    expect(container.image).toBe(SnapshotEngine.DEFAULT_KUBECTL_IMAGE);
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(container.command).toEqual(['/bin/sh', '/opt/rwop/scripts/snapshot-backup.sh']);
    expect(container.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    expect(spec.priorityClassName).toBeUndefined();
    expect(spec.initContainers).toBeUndefined();
    expect(runRules(manifests.map(object => ({ object }))).filter(f => f.ruleId === 'unpinned-image')).toEqual([]);
  });

  test('every variable set is one the script documents (or HOME for kubectl), with the claims and the scheduled time', () => {
    const env = envOf(cronJob);
    const documented = documentedVariables(SCRIPT);
    expect(documented).toEqual(expect.arrayContaining(['SCHEDULE_NAME', 'CLAIMS', 'JOB_NAME', 'KEEP_LAST', 'QUIESCE_COMMAND']));
    expect(Object.keys(env).filter(name => !documented.includes(name))).toEqual(['HOME']);
    expect(env).toEqual({
      SCHEDULE_NAME: 'nightly',
      CLAIMS: 'pgdata wal',
      NAMESPACE: { fieldRef: { fieldPath: 'metadata.namespace' } },
      CUT_TIMEOUT_SECONDS: '300',
      READY_TIMEOUT_SECONDS: '3600',
      KEEP_LAST: '7',
      HOME: '/tmp',
      JOB_NAME: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/job-name']" } },
    });
  });

  test('the script is mounted read-only from the ConfigMap, and /tmp is the only writable place', () => {
    const container = containerOf(cronJob);
    expect(container.volumeMounts).toEqual([
      { mountPath: '/opt/rwop/scripts', name: 'script', readOnly: true },
      { mountPath: '/tmp', name: 'tmp' },
    ]);
    expect(spec.volumes).toEqual([
      { name: 'script', configMap: { name: 'nightly-script', defaultMode: 0o444 } },
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
    ]);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  test('the ConfigMap holds the real script, and it parses (sh -n)', () => {
    const text = only(manifests, 'ConfigMap').data['snapshot-backup.sh'];
    expect(text).toBe(SCRIPT);
    const dir = tempDir('snapshot-schedule-syntax');
    try {
      const file = join(dir.path, 'snapshot-backup.sh');
      writeFileSync(file, text);
      expect(() => execFileSync('sh', ['-n', file], { stdio: 'pipe' })).not.toThrow();
      // The same check refuses a broken copy, so it is not vacuous.
      writeFileSync(file, text.replace(/\ndone\n/, '\n'));
      expect(() => execFileSync('sh', ['-n', file], { stdio: 'pipe' })).toThrow();
    } finally {
      dir.cleanup();
    }
  });

  test('the claims it snapshots carry no change, and nothing mounts them', () => {
    const claim = manifests.find(m => m.kind === 'PersistentVolumeClaim');
    expect(claim.metadata.labels).toBeUndefined();
    expect(JSON.stringify(spec)).not.toContain('persistentVolumeClaim');
  });

  test('the synth-time rules find nothing', () => {
    expect(appValidationErrors(chart)).toEqual([]);
  });
});

describe('built-in engine on a database', () => {
  const chart = chartIn();
  const db = postgres(chart, { priorityClassName: 'database-critical' });
  const snapshots = schedule(chart, { database: db, engine: SnapshotEngine.builtIn({ initialSnapshot: true, serviceAccountName: 'snapshot-creator' }) });
  new LogicalBackupSchedule(chart, 'Dump', { metadata: { name: 'dump' }, database: db, schedule: DAILY_AT_2, storage: Size.gibibytes(50) });
  const manifests = synthValid(chart);
  const cronJob = only(manifests, 'CronJob', 'nightly');
  const job = only(manifests, 'Job', 'nightly-initial');

  test('it snapshots the database\'s claim, checkpointed', () => {
    expect(snapshots.claimNames).toEqual(['postgres-data']);
    expect(snapshots.checkpointed).toBe(true);
    expect(envOf(cronJob).CLAIMS).toBe('postgres-data');
  });

  test('CHECKPOINT runs over the network through the Service, with the password from the Secret', () => {
    const env = envOf(cronJob);
    expect(env.QUIESCE_COMMAND).toBe('psql --no-password --no-psqlrc --set=ON_ERROR_STOP=1 --dbname=postgres --command=CHECKPOINT');
    expect(env.PGHOST).toBe(only(manifests, 'Service').metadata.name);
    expect(env.PGPORT).toBe('5432');
    expect(env.PGUSER).toBe('postgres');
    expect(env.PGPASSWORD).toEqual({ secretKeyRef: { name: 'postgres-secret', key: 'password' } });
    expect(env.RESUME_COMMAND).toBeUndefined();
  });

  test('the pod runs the database\'s image for psql, with kubectl copied in by an init container of the kubectl image', () => {
    const spec = podSpecOf(cronJob);
    const container = containerOf(cronJob);
    expect(container.image).toBe('postgres:15.14');
    expect(container.command).toEqual(['/bin/sh', '-c', 'PATH="/opt/rwop/bin:$PATH" exec /bin/sh /opt/rwop/scripts/snapshot-backup.sh']);
    expect(spec.initContainers).toHaveLength(1);
    const [init] = spec.initContainers;
    expect(init.image).toBe('alpine/k8s:1.33.4');
    expect(init.command).toEqual(['/bin/sh', '-c', 'cp "$(command -v kubectl)" /opt/rwop/bin/kubectl']);
    expect(init.volumeMounts).toEqual([{ mountPath: '/opt/rwop/bin', name: 'tools' }]);
    expect(container.volumeMounts).toContainEqual({ mountPath: '/opt/rwop/bin', name: 'tools', readOnly: true });
    expect(spec.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999 });
    expect(restrictedViolations(spec)).toEqual(['automountServiceAccountToken is not false']);
  });

  test('the database\'s NetworkPolicy lets the snapshot pods (CronJob and initial Job) in on its port', () => {
    const policy = manifests.find(m => m.kind === 'NetworkPolicy' && m.metadata.name === 'postgres');
    const peers = policy.spec.ingress.map((rule: any) => ({ ports: rule.ports, pods: rule.from[0].podSelector.matchLabels }));
    for (const workload of [cronJob, job]) {
      const labels = (workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template : workload.spec.template).metadata.labels;
      expect(peers).toContainEqual({ ports: [{ port: 5432, protocol: 'TCP' }], pods: { 'cdk8s.io/metadata.addr': labels['cdk8s.io/metadata.addr'] } });
    }
  });

  test('the snapshot pods\' own NetworkPolicy covers the CronJob\'s and the initial Job\'s pods, not the database\'s nor the dump\'s, and adds the database port', () => {
    const policy = manifests.find(m => m.kind === 'NetworkPolicy' && m.metadata.name === 'nightly');
    const selected = (workload: any) => {
      const labels = (workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template : workload.spec.template).metadata.labels ?? {};
      return Object.entries(policy.spec.podSelector.matchLabels).every(([k, v]) => labels[k] === v);
    };
    expect([cronJob, job, only(manifests, 'Deployment'), only(manifests, 'CronJob', 'dump')].map(selected)).toEqual([true, true, false, false]);
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toBeUndefined();
    expect(policy.spec.egress).toHaveLength(3);
    expect(policy.spec.egress[2]).toEqual({
      to: [{ podSelector: { matchLabels: only(manifests, 'Deployment').spec.selector.matchLabels } }],
      ports: [{ protocol: 'TCP', port: 5432 }],
    });
  });

  test('the snapshot pods get the database\'s PriorityClass, never a higher one', () => {
    const deployment = only(manifests, 'Deployment');
    expect(deployment.spec.template.spec.priorityClassName).toBe('database-critical');
    expect(podSpecOf(cronJob).priorityClassName).toBe('database-critical');
    expect(podSpecOf(job).priorityClassName).toBe('database-critical');
  });

  test('the ServiceAccount is the seed\'s snapshot-creator, and only the snapshot pods mount a token', () => {
    expect(only(manifests, 'ServiceAccount').metadata.name).toBe('snapshot-creator');
    expect(only(manifests, 'RoleBinding').subjects).toEqual([{ apiGroup: '', kind: 'ServiceAccount', name: 'snapshot-creator', namespace: 'db' }]);
    const tokens = manifests.filter(m => ['Deployment', 'CronJob', 'Job'].includes(m.kind))
      .map(m => `${m.kind} ${m.metadata.name}: ${podSpecOf(m).automountServiceAccountToken}`);
    expect(tokens).toEqual(['Deployment postgres: false', 'CronJob nightly: true', 'Job nightly-initial: true', 'CronJob dump: false']);
  });

  test('the initial Job takes the run id "initial" instead of the scheduled time', () => {
    const env = envOf(job);
    expect(env.SNAPSHOT_RUN_ID).toBe('initial');
    expect(env.JOB_NAME).toBeUndefined();
    expect(job.spec.activeDeadlineSeconds).toBe(4200);
    expect(job.spec.backoffLimit).toBe(2);
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(job.spec.podFailurePolicy).toEqual(cronJob.spec.jobTemplate.spec.podFailurePolicy);
  });

  test('the synth-time rules find nothing', () => {
    expect(appValidationErrors(chart)).toEqual([]);
  });
});

describe('checkpoints by engine', () => {
  test('checkpoint: false gives crash-consistent snapshots with the kubectl image, and no path to the database', () => {
    const chart = chartIn();
    const db = postgres(chart);
    const snapshots = schedule(chart, { database: db, checkpoint: false });
    const manifests = synthValid(chart);
    expect(snapshots.checkpointed).toBe(false);
    const cronJob = only(manifests, 'CronJob');
    expect(containerOf(cronJob).image).toBe('alpine/k8s:1.33.4');
    expect(Object.keys(envOf(cronJob)).filter(name => name.startsWith('PG') || name === 'QUIESCE_COMMAND')).toEqual([]);
    expect(only(manifests, 'NetworkPolicy', 'postgres').spec.ingress).toBeUndefined();
    // The snapshot pods' own policy has DNS and the API server only.
    expect(only(manifests, 'NetworkPolicy', 'nightly').spec.egress).toHaveLength(2);
  });

  test.each([
    ['mysql', DatabaseEngine.mysql()],
    ['mariadb', DatabaseEngine.mariadb()],
    ['a custom engine named like PostgreSQL', postgresLookalike()],
  ])('%s has no checkpoint: crash-consistent snapshots, and checkpoint: true is refused', (_name, engine) => {
    const chart = chartIn();
    const db = postgres(chart, { engine });
    expect(schedule(chart, { database: db }).checkpointed).toBe(false);
    expect(envOf(only(synthValid(chart), 'CronJob')).QUIESCE_COMMAND).toBeUndefined();
    const other = chartIn();
    expectPropError(() => schedule(other, { database: postgres(other, { engine }), checkpoint: true }),
      'Test/Snap', 'SnapshotBackupSchedule', 'checkpoint', /has no checkpoint .*crash-consistent/);
  });

  test('a custom engine\'s in-container checkpoint is refused unless checkpoint is false', () => {
    const engine = () => DatabaseEngine.custom({
      name: 'redis',
      image: 'redis:7.4.2',
      port: 6379,
      mountPath: '/data',
      user: 999,
      group: 999,
      passwordVariable: 'REDIS_PASSWORD',
      checkpointCommand: ['redis-cli', 'SAVE'],
    });
    const chart = chartIn();
    expectPropError(() => schedule(chart, { database: postgres(chart, { engine: engine() }) }),
      'Test/Snap', 'SnapshotBackupSchedule', 'checkpoint', /runs inside the database container.*never execs.*checkpoint: false/);
    const other = chartIn();
    expect(schedule(other, { database: postgres(other, { engine: engine() }), checkpoint: false }).checkpointed).toBe(false);
    synthValid(other);
  });
});

describe('schedule, class and retention settings', () => {
  test.each([
    ['every minute', Cron.everyMinute(), 30],
    ['every 15 minutes', Cron.schedule({ minute: '*/15' }), 450],
    ['hourly', Cron.hourly(), 1800],
    ['twice a day, 02:00 and 03:00', Cron.schedule({ minute: '0', hour: '2,3' }), 1800],
    ['daily', Cron.daily(), 43200],
    ['weekdays', Cron.schedule({ minute: '0', hour: '2', weekDay: 'MON-FRI' }), 43200],
    ['weekly', Cron.weekly(), 7 * 43200],
    ['monthly', Cron.monthly(), 28 * 43200],
  ])('%s: startingDeadlineSeconds is half the shortest interval', (_name, cron, seconds) => {
    const chart = chartIn();
    schedule(chart, { claimNames: ['data'], schedule: cron, allowFrequentSchedule: true });
    expect(only(synthValid(chart), 'CronJob').spec.startingDeadlineSeconds).toBe(seconds);
  });

  test('time zone, suspend, snapshot class, retention, timeouts and Job limits reach the CronJob and the script', () => {
    const chart = chartIn();
    const snapshotClass = new VolumeSnapshotClass(chart, 'Class', { metadata: { name: 'csi-snapshot-class' }, driver: 'ebs.csi.aws.com' });
    schedule(chart, {
      claimNames: ['data'],
      timeZone: 'Europe/Berlin',
      suspend: true,
      snapshotClass,
      retention: { keepLast: 3, keepWithin: Duration.days(14), failedGrace: Duration.hours(6) },
      engine: SnapshotEngine.builtIn({
        image: 'alpine/k8s:1.32.3@sha256:' + 'a'.repeat(64),
        cutTimeout: Duration.minutes(2),
        readyTimeout: Duration.minutes(30),
        activeDeadline: Duration.minutes(45),
        startingDeadline: Duration.minutes(10),
        backoffLimit: 0,
        successfulJobsRetained: 1,
        failedJobsRetained: 5,
        resources: { memory: { request: Size.mebibytes(32), limit: Size.mebibytes(128) } },
        priorityClassName: 'backups-low',
      }),
    });
    const cronJob = only(synthValid(chart), 'CronJob');
    // No database is named: the priority class is the user's to keep below the claims' holders.
    expect(podSpecOf(cronJob).priorityClassName).toBe('backups-low');
    expect(cronJob.spec).toMatchObject({
      timeZone: 'Europe/Berlin', suspend: true, startingDeadlineSeconds: 600, successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 5,
    });
    expect(cronJob.spec.jobTemplate.spec).toMatchObject({ activeDeadlineSeconds: 2700, backoffLimit: 0 });
    expect(containerOf(cronJob).image).toBe(`alpine/k8s:1.32.3@sha256:${'a'.repeat(64)}`);
    expect(containerOf(cronJob).resources).toEqual({ requests: { memory: '32Mi' }, limits: { memory: '128Mi' } });
    expect(envOf(cronJob)).toMatchObject({
      SNAPSHOT_CLASS: 'csi-snapshot-class',
      KEEP_LAST: '3',
      KEEP_WITHIN_SECONDS: String(14 * 86400),
      FAILED_GRACE_SECONDS: String(6 * 3600),
      CUT_TIMEOUT_SECONDS: '120',
      READY_TIMEOUT_SECONDS: '1800',
    });
  });

  test('retention by age only leaves KEEP_LAST unset', () => {
    const chart = chartIn();
    schedule(chart, { claimNames: ['data'], retention: { keepWithin: Duration.days(30) } });
    const env = envOf(only(synthValid(chart), 'CronJob'));
    expect(env.KEEP_LAST).toBeUndefined();
    expect(env.KEEP_WITHIN_SECONDS).toBe(String(30 * 86400));
    expect(env.FAILED_GRACE_SECONDS).toBeUndefined();
  });

  test('without metadata the names are generated, fit a CronJob (52 characters) and are shared by every object', () => {
    const chart = chartIn();
    const snapshots = new SnapshotBackupSchedule(chart, 'A-Rather-Long-Construct-Id-For-The-Nightly-Snapshots-Of-The-Database', {
      schedule: DAILY_AT_2, claimNames: ['data'],
    });
    const manifests = synthValid(chart);
    expect(snapshots.scheduleName.length).toBeLessThanOrEqual(52);
    expect(only(manifests, 'CronJob').metadata.name).toBe(snapshots.scheduleName);
    expect(only(manifests, 'Role').metadata.name).toBe(snapshots.scheduleName);
    expect(envOf(only(manifests, 'CronJob')).SCHEDULE_NAME).toBe(snapshots.scheduleName);
  });
});

describe('snapscheduler engine', () => {
  // The harness has no schema for snapscheduler's CRD: the SnapshotSchedule's shape is asserted field by field here,
  // against the CRD (config/crd/bases/snapscheduler.backube_snapshotschedules.yaml).
  const chart = chartIn();
  const pgdata = volume(chart, 'pgdata');
  const wal = volume(chart, 'wal');
  const other = volume(chart, 'other');
  const snapshots = schedule(chart, {
    volumes: [pgdata, wal],
    schedule: Cron.schedule({ minute: '30', hour: '*/6' }),
    snapshotClassName: 'csi-snapshot-class',
    retention: { keepWithin: Duration.days(7) },
    engine: SnapshotEngine.snapscheduler(),
  });
  const manifests = synthValid(chart);
  const snapshotSchedule = only(manifests, 'SnapshotSchedule');

  test('it emits only the SnapshotSchedule: no CronJob, no RBAC, no script', () => {
    expect(manifests.map(m => m.kind).sort()).toEqual(['PersistentVolumeClaim', 'PersistentVolumeClaim', 'PersistentVolumeClaim', 'SnapshotSchedule']);
    expect(snapshots.cronJob).toBeUndefined();
    expect(snapshots.serviceAccount).toBeUndefined();
    expect(snapshots.snapshotSchedule).toBeDefined();
  });

  test('its fields are exactly those of the CRD, with the right types and patterns', () => {
    expect(snapshotSchedule.apiVersion).toBe('snapscheduler.backube/v1');
    expect(snapshotSchedule.metadata).toEqual({ name: 'nightly', namespace: 'db' });
    expect(Object.keys(snapshotSchedule.spec).sort()).toEqual(['claimSelector', 'disabled', 'retention', 'schedule', 'snapshotTemplate']);
    expect(snapshotSchedule.spec.disabled).toBe(false);
    expect(snapshotSchedule.spec.schedule).toBe('30 */6 * * *');
    expect(snapshotSchedule.spec.schedule).toMatch(/^(@(annually|yearly|monthly|weekly|daily|hourly))|((((\d+,)*\d+|(\d+(\/|-)\d+)|\*(\/\d+)?)\s?){5})$/);
    expect(snapshotSchedule.spec.retention).toEqual({ expires: '168h' });
    expect(snapshotSchedule.spec.retention.expires).toMatch(/^\d+(h|m|s)$/);
    expect(snapshotSchedule.spec.snapshotTemplate).toEqual({ snapshotClassName: 'csi-snapshot-class' });
  });

  test('its claim selector matches exactly the targeted claims', () => {
    const selector = snapshotSchedule.spec.claimSelector;
    expect(Object.keys(selector)).toEqual(['matchLabels']);
    const matches = (claim: any) => Object.entries(selector.matchLabels).every(([k, v]) => claim.metadata.labels?.[k] === v);
    const selected = manifests.filter(m => m.kind === 'PersistentVolumeClaim' && matches(m)).map(m => m.metadata.name);
    expect(selected).toEqual(['pgdata', 'wal']);
    expect(other.metadata.getLabel(Object.keys(selector.matchLabels)[0])).toBeUndefined();
  });

  test('keepLast becomes maxCount; suspend becomes disabled; no class leaves no template', () => {
    const c = chartIn();
    schedule(c, { volumes: [volume(c, 'data')], suspend: true, retention: { keepLast: 10 }, engine: SnapshotEngine.snapscheduler() });
    const spec = only(synthValid(c), 'SnapshotSchedule').spec;
    expect(spec.retention).toEqual({ maxCount: 10 });
    expect(spec.disabled).toBe(true);
    expect(spec.snapshotTemplate).toBeUndefined();
  });

  test.each([
    ['36 hours', Duration.hours(36), '36h'],
    ['90 minutes', Duration.minutes(90), '90m'],
    ['3601 seconds', Duration.seconds(3601), '3601s'],
  ])('keepWithin of %s renders as the Go duration %s', (_name, keepWithin, expires) => {
    const c = chartIn();
    schedule(c, { volumes: [volume(c, 'data')], retention: { keepWithin }, engine: SnapshotEngine.snapscheduler() });
    expect(only(synthValid(c), 'SnapshotSchedule').spec.retention).toEqual({ expires });
  });

  test('a database\'s volume with checkpoint: false', () => {
    const c = chartIn();
    schedule(c, { database: postgres(c), checkpoint: false, engine: SnapshotEngine.snapscheduler() });
    const manifests2 = synthValid(c);
    const selector = only(manifests2, 'SnapshotSchedule').spec.claimSelector.matchLabels;
    const claim = only(manifests2, 'PersistentVolumeClaim');
    expect(claim.metadata.name).toBe('postgres-data');
    expect(Object.entries(selector).every(([k, v]) => claim.metadata.labels[k] === v)).toBe(true);
  });
});

test('one engine value serves several schedules, each rendering its own objects', () => {
  const chart = chartIn();
  const engine = SnapshotEngine.builtIn({ initialSnapshot: true });
  const nightly = schedule(chart, { volumes: [volume(chart, 'a')], engine }, 'Nightly');
  const hourly = schedule(chart, { metadata: { name: 'hourly' }, schedule: Cron.hourly(), volumes: [volume(chart, 'b')], engine }, 'Hourly');

  const manifests = synthValid(chart);
  expect(nightly.engine).toBe(hourly.engine);
  expect(engine.name).toBe('built-in');
  const cronJobs = manifests.filter(m => m.kind === 'CronJob');
  expect(cronJobs.map(m => [m.metadata.name, m.spec.schedule, envOf(m).CLAIMS])).toEqual([['nightly', '0 2 * * *', 'a'], ['hourly', '0 * * * *', 'b']]);
  expect(manifests.filter(m => m.kind === 'Job').map(m => m.metadata.name)).toEqual(['nightly-initial', 'hourly-initial']);
  expect(SnapshotEngine.snapscheduler().name).toBe('snapscheduler');
});

describe('bad input is refused early, naming the path, the prop and what is accepted', () => {
  const KIND = 'SnapshotBackupSchedule';
  type Case = [string, (chart: Chart) => Partial<SnapshotBackupScheduleProps>, string, RegExp];
  const cases: Case[] = [
    ['nothing to snapshot', () => ({}), 'volumes', /nothing to snapshot/],
    ['a schedule that is not a Cron', () => ({ claimNames: ['d'], schedule: '0 2 * * *' as unknown as Cron }), 'schedule', /a cdk8s Cron/],
    ['a minute out of range', () => ({ claimNames: ['d'], schedule: Cron.schedule({ minute: '60' }) }), 'schedule', /minute field "60": 60 is outside 0-59/],
    ['Sunday as 7', () => ({ claimNames: ['d'], schedule: Cron.schedule({ minute: '0', weekDay: '7' }) }), 'schedule', /day of week field "7": 7 is outside 0-6/],
    ['a backwards range', () => ({ claimNames: ['d'], schedule: Cron.schedule({ hour: '5-1' }) }), 'schedule', /starts after it ends/],
    ['30 February', () => ({ claimNames: ['d'], schedule: Cron.schedule({ minute: '0', hour: '0', day: '30', month: '2' }) }), 'schedule', /never fires/],
    ['a time zone in the schedule', () => ({ claimNames: ['d'], schedule: Cron.schedule({ minute: 'TZ=UTC 0' }) }), 'schedule', /timeZone prop/],
    ['an unknown time zone', () => ({ claimNames: ['d'], timeZone: 'Mars/Olympus' }), 'timeZone', /IANA time zone/],
    ['a lower-case UTC', () => ({ claimNames: ['d'], timeZone: 'utc' }), 'timeZone', /case-sensitively: write "UTC"/],
    ['a lower-case Europe/Paris', () => ({ claimNames: ['d'], timeZone: 'europe/paris' }), 'timeZone', /case-sensitively: write "Europe\/Paris"/],
    ['a lower-case link name', () => ({ claimNames: ['d'], timeZone: 'us/eastern' }), 'timeZone', /write "America\/New_York"/],
    ['every minute of 02:00-02:59 (hour given, minute left out)', () => ({ claimNames: ['d'], schedule: Cron.schedule({ hour: '2' }) }), 'schedule',
      /cdk8s rendered it as "\* 2 \* \* \*", which runs as often as every 60s.*Cron\.schedule\(\{ minute: '0', hour: '2' \}\)/],
    ['every 15 minutes', () => ({ claimNames: ['d'], schedule: Cron.schedule({ minute: '*/15' }) }), 'schedule', /every 900s.*allowFrequentSchedule: true/],
    ['a cut timeout of NaN', () => ({ claimNames: ['d'], engine: SnapshotEngine.builtIn({ cutTimeout: Duration.seconds(NaN) }) }), 'engine.cutTimeout', /not a finite number \(NaN or Infinity\)/],
    ['a ready timeout of Infinity', () => ({ claimNames: ['d'], engine: SnapshotEngine.builtIn({ readyTimeout: Duration.hours(Infinity) }) }), 'engine.readyTimeout', /not a finite number/],
    ['an active deadline of NaN', () => ({ claimNames: ['d'], engine: SnapshotEngine.builtIn({ activeDeadline: Duration.minutes(NaN) }) }), 'engine.activeDeadline', /not a finite number/],
    ['a starting deadline of Infinity', () => ({ claimNames: ['d'], engine: SnapshotEngine.builtIn({ startingDeadline: Duration.seconds(Infinity) }) }), 'engine.startingDeadline', /not a finite number/],
    ['keepWithin of NaN days', () => ({ claimNames: ['d'], retention: { keepWithin: Duration.days(NaN) } }), 'retention.keepWithin', /not a finite number/],
    ['failedGrace of Infinity', () => ({ claimNames: ['d'], retention: { keepLast: 2, failedGrace: Duration.days(Infinity) } }), 'retention.failedGrace', /not a finite number/],
    ['a claim name with capitals', () => ({ claimNames: ['PgData'] }), 'claimNames[0]', /at most 63 lowercase/],
    ['a claim name of 64 characters', () => ({ claimNames: ['a'.repeat(64)] }), 'claimNames[0]', /label value/],
    ['a claim twice', () => ({ claimNames: ['d', 'd'] }), 'claimNames', /named twice/],
    ['a volume that is not an ExclusiveVolume', (c) => ({ volumes: [kplus.PersistentVolumeClaim.fromClaimName(c, 'Rwo', 'rwo') as unknown as ExclusiveVolume] }), 'volumes[0]', /an ExclusiveVolume/],
    ['a volume of another namespace', (c) => ({ volumes: [new ExclusiveVolume(c, 'Elsewhere', { metadata: { name: 'x', namespace: 'other' }, storage: Size.gibibytes(1) })] }), 'volumes', /namespace other .* in db/],
    ['database and volumes', (c) => ({ database: postgres(c), claimNames: ['d'] }), 'claimNames', /database \(Test\/Db\) is given too/],
    ['checkpoint without a database', () => ({ claimNames: ['d'], checkpoint: true }), 'checkpoint', /only with database/],
    ['both snapshot class props', (c) => ({ claimNames: ['d'], snapshotClass: VolumeSnapshotClass.fromSnapshotClassName(c, 'C', 'a'), snapshotClassName: 'b' }), 'snapshotClassName', /one of snapshotClass or snapshotClassName/],
    ['an empty snapshot class name', () => ({ claimNames: ['d'], snapshotClassName: '' }), 'snapshotClassName', /refused by the snapshot CRD/],
    ['a snapshot class name of 64 characters', () => ({ claimNames: ['d'], snapshotClassName: 'c'.repeat(64) }), 'snapshotClassName', /at most 63/],
    ['retention that keeps everything', () => ({ claimNames: ['d'], retention: {} }), 'retention', /keeps every snapshot forever/],
    ['keepLast 0', () => ({ claimNames: ['d'], retention: { keepLast: 0 } }), 'retention.keepLast', /whole number from 1/],
    ['keepWithin of half a second', () => ({ claimNames: ['d'], retention: { keepWithin: Duration.millis(500) } }), 'retention.keepWithin', /whole seconds/],
    ['a metadata name of 53 characters', () => ({ claimNames: ['d'], metadata: { name: 'n'.repeat(53) } }), 'metadata.name', /at most 52/],
    ['an engine that is not one', () => ({ claimNames: ['d'], engine: 'snapscheduler' as unknown as SnapshotEngine }), 'engine', /SnapshotEngine.builtIn/],
    ['an unpinned image', () => ({ claimNames: ['d'], engine: SnapshotEngine.builtIn({ image: 'bitnami/kubectl:latest' }) }), 'engine.image', /:latest moves/],
    ['a starting deadline under 10 s', () => ({ claimNames: ['d'], engine: SnapshotEngine.builtIn({ startingDeadline: Duration.seconds(5) }) }), 'engine.startingDeadline', /at least 10s/],
    ['a starting deadline of a whole period', () => ({ claimNames: ['d'], schedule: Cron.hourly(), engine: SnapshotEngine.builtIn({ startingDeadline: Duration.hours(1) }) }), 'engine.startingDeadline', /less than 3600s/],
    ['a ready timeout under the cut timeout', () => ({ claimNames: ['d'], engine: SnapshotEngine.builtIn({ readyTimeout: Duration.minutes(1) }) }), 'engine.readyTimeout', /at least the cutTimeout \(300s\)/],
    ['an active deadline within the ready timeout', () => ({ claimNames: ['d'], engine: SnapshotEngine.builtIn({ activeDeadline: Duration.hours(1) }) }), 'engine.activeDeadline', /longer than the readyTimeout/],
    ['an API server CIDR without a prefix', () => ({ claimNames: ['d'], engine: SnapshotEngine.builtIn({ apiServerCidrs: ['10.0.0.1'] }) }), 'engine.apiServerCidrs[0]', /an IPv4 or IPv6 CIDR/],
    ['an API server CIDR with a /33', () => ({ claimNames: ['d'], engine: SnapshotEngine.builtIn({ apiServerCidrs: ['10.0.0.0/8', '10.0.0.1/33'] }) }), 'engine.apiServerCidrs[1]', /IPv4 or IPv6 CIDR/],
    ['no API server CIDR', () => ({ claimNames: ['d'], engine: SnapshotEngine.builtIn({ apiServerCidrs: [] }) }), 'engine.apiServerCidrs', /non-empty list/],
    ['API server CIDRs without a NetworkPolicy', () => ({ claimNames: ['d'], engine: SnapshotEngine.builtIn({ networkPolicy: false, apiServerCidrs: ['10.0.0.1/32'] }) }), 'engine.apiServerCidrs', /networkPolicy is false/],
    ['networkPolicy as text', () => ({ claimNames: ['d'], engine: SnapshotEngine.builtIn({ networkPolicy: 'no' as unknown as boolean }) }), 'engine.networkPolicy', /true or false/],
    ['a negative backoff limit', () => ({ claimNames: ['d'], engine: SnapshotEngine.builtIn({ backoffLimit: -1 }) }), 'engine.backoffLimit', /from 0 to 100/],
    ['another priority than the database\'s', (c) => ({ database: postgres(c, { priorityClassName: 'db' }), engine: SnapshotEngine.builtIn({ priorityClassName: 'system-cluster-critical' }) }), 'engine.priorityClassName', /never out-rank the database Test\/Db \(PriorityClass "db"\)/],
    ['a priority class name that is not one', () => ({ claimNames: ['d'], engine: SnapshotEngine.builtIn({ priorityClassName: 'Low Priority' }) }), 'engine.priorityClassName', /the name of a PriorityClass/],
    ['a priority for a database that has none', (c) => ({ database: postgres(c), engine: SnapshotEngine.builtIn({ priorityClassName: 'high' }) }), 'engine.priorityClassName', /accepted: no priorityClassName/],
    ['snapscheduler with claim names', () => ({ claimNames: ['d'], engine: SnapshotEngine.snapscheduler() }), 'claimNames', /selects claims by label/],
    ['snapscheduler with a time zone', (c) => ({ volumes: [volume(c, 'd')], timeZone: 'UTC', engine: SnapshotEngine.snapscheduler() }), 'timeZone', /no time zone/],
    ['snapscheduler with a named weekday', (c) => ({ volumes: [volume(c, 'd')], schedule: Cron.schedule({ minute: '0', weekDay: 'MON' }), engine: SnapshotEngine.snapscheduler() }), 'schedule', /snapscheduler's CRD accepts only numbers/],
    ['snapscheduler with count and age', (c) => ({ volumes: [volume(c, 'd')], retention: { keepLast: 3, keepWithin: Duration.days(3) }, engine: SnapshotEngine.snapscheduler() }), 'retention', /whichever is stricter/],
    ['snapscheduler with a failed grace', (c) => ({ volumes: [volume(c, 'd')], retention: { keepLast: 3, failedGrace: Duration.days(1) }, engine: SnapshotEngine.snapscheduler() }), 'retention.failedGrace', /#688/],
    ['snapscheduler with a checkpoint', (c) => ({ database: postgres(c), engine: SnapshotEngine.snapscheduler() }), 'checkpoint', /#569/],
  ];

  test.each(cases)('%s', (_name, props, prop, detail) => {
    const chart = chartIn();
    expectPropError(() => schedule(chart, props(chart)), 'Test/Snap', KIND, prop, detail);
  });

  test.each(['UTC', 'Etc/UTC', 'Etc/GMT-2', 'Europe/Paris', 'Asia/Kolkata', 'US/Eastern', 'America/Argentina/Buenos_Aires'])('the time zone %s, spelled exactly, is accepted', zone => {
    const chart = chartIn();
    schedule(chart, { claimNames: ['d'], timeZone: zone });
    expect(only(synthValid(chart), 'CronJob').spec.timeZone).toBe(zone);
  });

  test('apiServerCidrs narrow the API server peer; networkPolicy: false leaves the pods without a policy', () => {
    const narrowed = chartIn();
    schedule(narrowed, { claimNames: ['d'], engine: SnapshotEngine.builtIn({ apiServerCidrs: ['10.0.0.10/32', '172.20.0.1/32', 'fd00::1/128'] }) });
    expect(only(synthValid(narrowed), 'NetworkPolicy').spec.egress[1]).toEqual({
      to: [{ ipBlock: { cidr: '10.0.0.10/32' } }, { ipBlock: { cidr: '172.20.0.1/32' } }, { ipBlock: { cidr: 'fd00::1/128' } }],
      ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }],
    });
    const without = chartIn();
    const snapshots = schedule(without, { claimNames: ['d'], engine: SnapshotEngine.builtIn({ networkPolicy: false }) });
    expect(snapshots.networkPolicy).toBeUndefined();
    expect(synthValid(without).filter(m => m.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('a frequent schedule is accepted when allowFrequentSchedule says it is meant', () => {
    const chart = chartIn();
    schedule(chart, { claimNames: ['d'], schedule: Cron.schedule({ hour: '2' }), allowFrequentSchedule: true });
    expect(only(synthValid(chart), 'CronJob').spec.schedule).toBe('* 2 * * *');
  });

  test('props that are not an object', () => {
    expectPropError(() => new SnapshotBackupSchedule(chartIn(), 'Snap', undefined as unknown as SnapshotBackupScheduleProps),
      'Test/Snap', KIND, 'props', /accepted: an object/);
  });
});

test('snapshot: the seed\'s nightly snapshot of a PostgreSQL volume, checkpointed, with retention', () => {
  const chart = chartIn();
  const db = postgres(chart);
  schedule(chart, {
    database: db,
    snapshotClassName: 'csi-snapshot-class',
    retention: { keepLast: 7, keepWithin: Duration.days(7) },
    engine: SnapshotEngine.builtIn({ serviceAccountName: 'snapshot-creator' }),
  });
  const manifests = synthValid(chart).filter(m => ['ServiceAccount', 'Role', 'RoleBinding', 'CronJob', 'NetworkPolicy'].includes(m.kind));
  expect(YAML.stringify(manifests)).toMatchSnapshot();
});

describe('what the app says about the claims\' storage is checked at synth', () => {
  function inTreeClass(chart: Chart, name: string, provisioner: string): ApiObject {
    return new ApiObject(chart, `Class-${name}`, { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner });
  }

  test('a claim of an in-tree StorageClass of the app: not CSI, so never snapshotted; the error names the class and the provisioner', () => {
    const chart = chartIn();
    inTreeClass(chart, 'gp2', 'kubernetes.io/aws-ebs');
    const data = new ExclusiveVolume(chart, 'Data', { metadata: { name: 'data' }, storage: Size.gibibytes(10), storageClassName: 'gp2' });
    schedule(chart, { volumes: [data] });
    const errors = appValidationErrors(chart);
    expect(errors).toEqual([expect.stringMatching(/^\[Test\/Snap\] Test\/Snap: SnapshotBackupSchedule prop "volumes" is "data"; claim data \(Test\/Data\/Resource\) is of StorageClass gp2 \(Test\/Class-gp2\): /)]);
    expect(errors[0]).toContain('its provisioner "kubernetes.io/aws-ebs" is in-tree, and only CSI volumes can be snapshotted');
    expect(errors[0]).toContain('provision the claim with ebs.csi.aws.com');
  });

  test('a claim named in claimNames, of the app\'s default class kubernetes.io/no-provisioner', () => {
    const chart = chartIn();
    new ApiObject(chart, 'Local', {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      provisioner: 'kubernetes.io/no-provisioner',
      metadata: { name: 'local', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    });
    new kplus.PersistentVolumeClaim(chart, 'Data', { metadata: { name: 'data' }, storage: Size.gibibytes(1) });
    schedule(chart, { claimNames: ['data'] });
    expect(appValidationErrors(chart)).toEqual([expect.stringMatching(
      /^\[Test\/Snap\] Test\/Snap: SnapshotBackupSchedule prop "claimNames" is "data"; claim data \(Test\/Data\/Resource\) is of StorageClass local \(Test\/Local\): its provisioner "kubernetes.io\/no-provisioner" is in-tree/)]);
  });

  test('a VolumeSnapshotClass of the app whose driver is not the claim\'s provisioner: the error names the class, the driver and the provisioner', () => {
    const chart = chartIn();
    const storageClass = new ExclusiveStorageClass(chart, 'Ebs', { metadata: { name: 'ebs' }, provisioner: 'ebs.csi.aws.com' });
    const data = new ExclusiveVolume(chart, 'Data', { metadata: { name: 'data' }, storage: Size.gibibytes(10), storageClass });
    const snapshotClass = new VolumeSnapshotClass(chart, 'Gke', { metadata: { name: 'gke-snapshots' }, driver: 'pd.csi.storage.gke.io' });
    schedule(chart, { volumes: [data], snapshotClass });
    expect(appValidationErrors(chart)).toEqual(['[Test/Snap] Test/Snap: SnapshotBackupSchedule prop "snapshotClass" is "gke-snapshots"; claim data (Test/Data/Resource) is of '
      + 'StorageClass ebs (Test/Ebs/Resource), and VolumeSnapshotClass gke-snapshots (Test/Gke/Resource) has driver "pd.csi.storage.gke.io": '
      + 'the snapshot class\'s driver "pd.csi.storage.gke.io" is not the claim\'s provisioner "ebs.csi.aws.com", and a CSI driver snapshots only its own volumes; '
      + 'use a VolumeSnapshotClass whose driver is "ebs.csi.aws.com", or omit it for the driver\'s default class']);
  });

  test('near misses: the matching driver, classes the app does not define, a claim that names no class', () => {
    const matching = chartIn();
    const storageClass = new ExclusiveStorageClass(matching, 'Ebs', { metadata: { name: 'ebs' }, provisioner: 'ebs.csi.aws.com' });
    const data = new ExclusiveVolume(matching, 'Data', { metadata: { name: 'data' }, storage: Size.gibibytes(10), storageClass });
    new VolumeSnapshotClass(matching, 'Snapshots', { metadata: { name: 'ebs-snapshots' }, driver: 'ebs.csi.aws.com' });
    schedule(matching, { volumes: [data], snapshotClassName: 'ebs-snapshots' });
    expect(appValidationErrors(matching)).toEqual([]);

    const unknown = chartIn();
    const other = new ExclusiveVolume(unknown, 'Data', { metadata: { name: 'data' }, storage: Size.gibibytes(10), storageClassName: 'gp2' });
    schedule(unknown, { volumes: [other], claimNames: ['elsewhere'], snapshotClassName: 'gke-snapshots' });
    expect(appValidationErrors(unknown)).toEqual([]);
  });
});
