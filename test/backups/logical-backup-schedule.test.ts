import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Chart, Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as YAML from 'yaml';
import { postgresLookalike } from './support/engines';
import { tempDir } from './support/run-script';
import {
  DatabaseCredentials, DatabaseEngine, ExclusiveStorageClass, ExclusiveVolume, LogicalBackupSchedule, LogicalBackupScheduleProps,
  SingleWriterDatabase, SingleWriterWorkload, WorkloadContainer,
} from '../../src';
import { runRules } from '../../src/rules';
import { expectPropError, only, synthValid, testChart } from '../volumes/support';
import { appValidationErrors, restrictedViolations, selects } from '../workloads/support';

const SCRIPT = readFileSync(join(__dirname, '..', '..', 'src', 'backups', 'scripts', 'logical-backup-postgres.sh'), 'utf8');
const MYSQL_SCRIPT = readFileSync(join(__dirname, '..', '..', 'src', 'backups', 'scripts', 'logical-backup-mysql.sh'), 'utf8');
const COMMON_SCRIPT = readFileSync(join(__dirname, '..', '..', 'src', 'backups', 'scripts', 'logical-backup-common.sh'), 'utf8');
const KIND = 'LogicalBackupSchedule';
const DAILY_AT_2 = Cron.schedule({ minute: '0', hour: '2' });

/** The variables a backup script documents in its header (`#   NAME[, NAME]   description`). */
function documentedVariables(script: string): string[] {
  const header = script.slice(0, script.indexOf('\nset -'));
  return [...header.matchAll(/^# {3}([A-Z][A-Z0-9_]*(?:, [A-Z][A-Z0-9_]*)*) +\S/gm)].flatMap(m => m[1].split(', '));
}

function postgres(chart: Chart, options: { engine?: DatabaseEngine; priorityClassName?: string; password?: string } = {}): SingleWriterDatabase {
  return new SingleWriterDatabase(chart, 'Db', {
    metadata: { name: 'postgres' },
    engine: options.engine ?? DatabaseEngine.postgres({ version: '15.14' }),
    credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'Secret', 'postgres-secret'), { passwordKey: options.password ?? 'password' }),
    storage: Size.gibibytes(20),
    priorityClassName: options.priorityClassName,
  });
}

function backup(chart: Chart, database: SingleWriterDatabase, props: Partial<LogicalBackupScheduleProps> = {}): LogicalBackupSchedule {
  return new LogicalBackupSchedule(chart, 'Dump', {
    metadata: { name: 'postgres-backup' },
    database,
    schedule: DAILY_AT_2,
    storage: Size.gibibytes(50),
    ...props,
  } as LogicalBackupScheduleProps);
}

const podSpecOf = (cronJob: any) => cronJob.spec.jobTemplate.spec.template.spec;
const envOf = (cronJob: any): Record<string, any> =>
  Object.fromEntries(podSpecOf(cronJob).containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('a nightly dump of a PostgreSQL database', () => {
  const chart = testChart({ namespace: 'db' });
  const db = postgres(chart, { priorityClassName: 'database' });
  const dumps = backup(chart, db, { keepLast: 5 });
  const manifests = synthValid(chart);
  const cronJob = only(manifests, 'CronJob');
  const spec = podSpecOf(cronJob);
  const container = spec.containers[0];

  test('it emits the backup claim, the script ConfigMap, the CronJob and an egress NetworkPolicy', () => {
    expect(manifests.map(m => `${m.kind} ${m.metadata.name}`).filter(name => !/postgres(-data|-pdb)?$/.test(name))).toEqual([
      'PersistentVolumeClaim postgres-backup-backups',
      'ConfigMap postgres-backup-script',
      'CronJob postgres-backup',
      'NetworkPolicy postgres-backup',
    ]);
  });

  test('the CronJob never overlaps runs, starts late by at most half a period, and bounds a run', () => {
    expect(cronJob.spec).toMatchObject({
      schedule: '0 2 * * *',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 43200,
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
    });
    expect(cronJob.spec.jobTemplate.spec).toMatchObject({ activeDeadlineSeconds: 6 * 3600, backoffLimit: 2 });
    expect(cronJob.spec.jobTemplate.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(cronJob.spec.jobTemplate.spec.podFailurePolicy.rules).toEqual([
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      { action: 'FailJob', onExitCodes: { containerName: 'dump', operator: 'In', values: [2] }, onPodConditions: [] },
    ]);
    expect(SCRIPT).toMatch(/^# Exit codes: 0 success\s+1 connection or dump failure\s+2 bad configuration/m);
  });

  test('it writes into a claim of its own, ReadWriteOncePod, mounted by this CronJob only, never the database\'s', () => {
    const claims = manifests.filter(m => m.kind === 'PersistentVolumeClaim');
    const backupClaim = claims.find(m => m.metadata.name === 'postgres-backup-backups');
    expect(backupClaim.spec).toMatchObject({ accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '50Gi' } } });
    expect(dumps.volume.name).toBe('postgres-backup-backups');
    expect(dumps.volume.name).not.toBe(db.volume.name);
    const mounted = spec.volumes.filter((v: any) => v.persistentVolumeClaim).map((v: any) => v.persistentVolumeClaim.claimName);
    expect(mounted).toEqual(['postgres-backup-backups']);
    expect(container.volumeMounts).toContainEqual({ mountPath: '/backup', name: 'backups' });
    const mounters = manifests.filter(m => JSON.stringify(m.spec ?? {}).includes('"claimName":"postgres-backup-backups"'));
    expect(mounters.map(m => m.kind)).toEqual(['CronJob']);
  });

  test('the pod runs the database\'s pinned image as its uid, owns the backup volume through fsGroup, and mounts no token', () => {
    expect(container.image).toBe('postgres:15.14');
    expect(container.command).toEqual(['/bin/sh', '/opt/rwop/scripts/logical-backup-postgres.sh']);
    expect(spec.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(restrictedViolations(spec)).toEqual([]);
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBeUndefined();
    expect(runRules(manifests.map(object => ({ object }))).filter(f => f.ruleId === 'unpinned-image' || f.ruleId === 'literal-secret-env')).toEqual([]);
  });

  test('it connects through the database\'s Service, with the password from its Secret, and every variable is one the script reads', () => {
    const env = envOf(cronJob);
    expect(env).toEqual({
      BACKUP_ROOT: '/backup',
      PGHOST: 'postgres',
      PGPORT: '5432',
      PGUSER: 'postgres',
      PGPASSWORD: { secretKeyRef: { name: 'postgres-secret', key: 'password' } },
      PGCONNECT_TIMEOUT: '10',
      PGAPPNAME: 'cdk8s-rwop-dump-postgres-backup',
      KEEP_LAST: '5',
      LOCK_STALE_SECONDS: String(cronJob.spec.jobTemplate.spec.activeDeadlineSeconds),
      HOME: '/tmp',
    });
    expect(env.PGHOST).toBe(only(manifests, 'Service').metadata.name);
    // The script passes any other libpq variable (PG*) through; HOME is for psql's files.
    const documented = documentedVariables(SCRIPT);
    expect(documented).toEqual(expect.arrayContaining(['BACKUP_ROOT', 'PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'KEEP_LAST']));
    expect(Object.keys(env).filter(name => !documented.includes(name))).toEqual(['PGCONNECT_TIMEOUT', 'PGAPPNAME', 'HOME']);
  });

  test('the database\'s NetworkPolicy lets the backup pods in on its port, and theirs lets them out to it and DNS only', () => {
    const podLabels = cronJob.spec.jobTemplate.spec.template.metadata.labels;
    const dbPolicy = manifests.find(m => m.kind === 'NetworkPolicy' && m.metadata.name === 'postgres');
    const rule = dbPolicy.spec.ingress.find((r: any) => selects(r.from[0].podSelector, podLabels));
    expect(rule.ports).toEqual([{ port: 5432, protocol: 'TCP' }]);
    expect(rule.from[0].namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': 'db' } });
    const egress = manifests.find(m => m.kind === 'NetworkPolicy' && m.metadata.name === 'postgres-backup');
    expect(selects(egress.spec.podSelector, podLabels)).toBe(true);
    expect(egress.spec.policyTypes).toEqual(['Egress']);
    const dbLabels = only(manifests, 'Deployment').spec.template.metadata.labels;
    expect(egress.spec.egress).toEqual([
      { to: [{ podSelector: expect.anything() }], ports: [{ protocol: 'TCP', port: 5432 }] },
      { ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
    ]);
    expect(selects(egress.spec.egress[0].to[0].podSelector, dbLabels)).toBe(true);
  });

  test('the backup pods get the database\'s PriorityClass, never a higher one', () => {
    expect(spec.priorityClassName).toBe('database');
    expect(only(manifests, 'Deployment').spec.template.spec.priorityClassName).toBe('database');
  });

  test('the ConfigMap holds the real script and the part it sources, and both parse (sh -n)', () => {
    const data = only(manifests, 'ConfigMap').data;
    expect(Object.keys(data).sort()).toEqual(['logical-backup-common.sh', 'logical-backup-postgres.sh']);
    expect(data['logical-backup-postgres.sh']).toBe(SCRIPT);
    expect(data['logical-backup-common.sh']).toBe(COMMON_SCRIPT);
    expect(SCRIPT).toMatch(/^\. "\$script_dir\/logical-backup-common\.sh"$/m);
    const dir = tempDir('logical-schedule-syntax');
    try {
      for (const text of Object.values<string>(data)) {
        const file = join(dir.path, 'script.sh');
        writeFileSync(file, text);
        expect(() => execFileSync('sh', ['-n', file], { stdio: 'pipe' })).not.toThrow();
        writeFileSync(file, text.replace(/\n\}\n/, '\n').replace(/\nfi\n/, '\n'));
        expect(() => execFileSync('sh', ['-n', file], { stdio: 'pipe' })).toThrow();
      }
    } finally {
      dir.cleanup();
    }
  });

  test('a dump script without the part it sources next to it stops at once (exit 2), naming what is missing', () => {
    const dir = tempDir('logical-schedule-alone');
    try {
      const file = join(dir.path, 'logical-backup-postgres.sh');
      writeFileSync(file, SCRIPT);
      const run = spawnSync('sh', [file], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', BACKUP_ROOT: dir.path } });
      expect(run.status).toBe(2);
      expect(run.stderr).toBe(`logical-backup-postgres: logical-backup-common.sh is missing next to the script in ${dir.path}\n`);
    } finally {
      dir.cleanup();
    }
  });

  test('a dump script run by a bare name never reads a shared part from the working directory (exit 2)', () => {
    const dir = tempDir('logical-schedule-cwd');
    try {
      writeFileSync(join(dir.path, 'logical-backup-postgres.sh'), SCRIPT);
      // A planted shared part in the working directory, e.g. on the writable backup claim.
      writeFileSync(join(dir.path, 'logical-backup-common.sh'), 'touch planted\n');
      const run = spawnSync('sh', ['logical-backup-postgres.sh'], { cwd: dir.path, encoding: 'utf8', env: { PATH: '/usr/bin:/bin', BACKUP_ROOT: dir.path } });
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^logical-backup-postgres: run it by its path/);
      expect(existsSync(join(dir.path, 'planted'))).toBe(false);
    } finally {
      dir.cleanup();
    }
  });

  test('the rules engine stays clean on the backup claim and everything else', () => {
    expect(runRules(manifests.map(object => ({ object }))).filter(f => f.severity !== 'info')).toEqual([]);
    expect(appValidationErrors(chart)).toEqual([]);
  });
});

describe.each([
  ['MariaDB', DatabaseEngine.mariadb(), 'mariadb:11.4.7', 'mariadb'],
  ['MySQL', DatabaseEngine.mysql(), 'mysql:8.4.6', 'mysql'],
])('a nightly dump of a %s database', (_name, engine, image, flavour) => {
  const chart = testChart({ namespace: 'db' });
  const db = new SingleWriterDatabase(chart, 'Db', {
    metadata: { name: 'shop-db' },
    engine,
    credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'Secret', 'shop-db-secret'), { passwordKey: 'root-password' }),
    storage: Size.gibibytes(20),
  });
  backup(chart, db, { metadata: { name: 'shop-backup' }, keepLast: 5, databases: ['shop', 'reports'] });
  const manifests = synthValid(chart);
  const cronJob = only(manifests, 'CronJob');
  const spec = podSpecOf(cronJob);
  const container = spec.containers[0];

  test('the pod runs the MariaDB/MySQL script in the database\'s pinned image, as its uid, restricted', () => {
    expect(container.image).toBe(image);
    expect(container.command).toEqual(['/bin/sh', '/opt/rwop/scripts/logical-backup-mysql.sh']);
    expect(only(manifests, 'ConfigMap').data).toEqual({ 'logical-backup-mysql.sh': MYSQL_SCRIPT, 'logical-backup-common.sh': COMMON_SCRIPT });
    expect(spec.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999, runAsNonRoot: true });
    expect(restrictedViolations(spec)).toEqual([]);
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(container.volumeMounts).toEqual(expect.arrayContaining([{ mountPath: '/backup', name: 'backups' }, { mountPath: '/tmp', name: 'tmp' }]));
  });

  test('it names the client flavour and connects through the Service as root, the password from the Secret; the script reads every variable', () => {
    const env = envOf(cronJob);
    expect(env).toEqual({
      BACKUP_ROOT: '/backup',
      DB_FLAVOUR: flavour,
      DB_HOST: 'shop-db',
      DB_PORT: '3306',
      DB_USER: 'root',
      MYSQL_PWD: { secretKeyRef: { name: 'shop-db-secret', key: 'root-password' } },
      KEEP_LAST: '5',
      LOCK_STALE_SECONDS: String(cronJob.spec.jobTemplate.spec.activeDeadlineSeconds),
      DATABASES: 'shop reports',
      HOME: '/tmp',
    });
    expect(env.DB_HOST).toBe(only(manifests, 'Service').metadata.name);
    const documented = documentedVariables(MYSQL_SCRIPT);
    expect(Object.keys(env).filter(name => !documented.includes(name))).toEqual(['HOME']);
    expect(MYSQL_SCRIPT).toMatch(new RegExp(`^  ${flavour}\\) CLIENT=\\S+ DUMP=\\S+ ;;$`, 'm'));
  });

  test('the database lets the backup pods in on 3306, and theirs lets them out to it and DNS only', () => {
    const podLabels = cronJob.spec.jobTemplate.spec.template.metadata.labels;
    const dbPolicy = manifests.find(m => m.kind === 'NetworkPolicy' && m.metadata.name === 'shop-db');
    const rule = dbPolicy.spec.ingress.find((r: any) => selects(r.from[0].podSelector, podLabels));
    expect(rule.ports).toEqual([{ port: 3306, protocol: 'TCP' }]);
    const egress = manifests.find(m => m.kind === 'NetworkPolicy' && m.metadata.name === 'shop-backup');
    expect(selects(egress.spec.podSelector, podLabels)).toBe(true);
    expect(egress.spec.egress).toEqual([
      { to: [{ podSelector: expect.anything() }], ports: [{ protocol: 'TCP', port: 3306 }] },
      { ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
    ]);
    expect(selects(egress.spec.egress[0].to[0].podSelector, only(manifests, 'Deployment').spec.template.metadata.labels)).toBe(true);
  });

  test('the rules engine stays clean', () => {
    expect(runRules(manifests.map(object => ({ object }))).filter(f => f.severity !== 'info')).toEqual([]);
    expect(appValidationErrors(chart)).toEqual([]);
  });
});

describe('settings', () => {
  test('a given volume, databases, lock timeout, role passwords, image, limits and time zone reach the pod', () => {
    const chart = testChart({ namespace: 'db' });
    const db = postgres(chart, { password: 'superuser-password' });
    const storageClass = new ExclusiveStorageClass(chart, 'Class', { metadata: { name: 'backups' }, provisioner: 'ebs.csi.aws.com' });
    const volume = new ExclusiveVolume(chart, 'BackupVolume', { metadata: { name: 'backup-pvc' }, storage: Size.gibibytes(100), storageClass });
    const dumps = backup(chart, db, {
      storage: undefined,
      volume,
      databases: ['shop', 'reports'],
      lockWaitTimeout: Duration.minutes(5),
      noRolePasswords: true,
      image: 'postgres:17.6',
      timeZone: 'Europe/Paris',
      suspend: true,
      activeDeadline: Duration.hours(2),
      startingDeadline: Duration.minutes(30),
      backoffLimit: 1,
      successfulJobsRetained: 1,
      failedJobsRetained: 2,
      resources: { memory: { request: Size.mebibytes(512), limit: Size.gibibytes(2) } },
    });
    const manifests = synthValid(chart);
    const cronJob = only(manifests, 'CronJob');
    expect(dumps.volume).toBe(volume);
    expect(podSpecOf(cronJob).volumes.find((v: any) => v.persistentVolumeClaim).persistentVolumeClaim.claimName).toBe('backup-pvc');
    expect(envOf(cronJob)).toMatchObject({
      DATABASES: 'shop reports',
      LOCK_WAIT_TIMEOUT: '300s',
      NO_ROLE_PASSWORDS: 'true',
      KEEP_LAST: '7',
      PGPASSWORD: { secretKeyRef: { name: 'postgres-secret', key: 'superuser-password' } },
    });
    expect(podSpecOf(cronJob).containers[0].image).toBe('postgres:17.6');
    expect(podSpecOf(cronJob).containers[0].resources).toEqual({ requests: { memory: '512Mi' }, limits: { memory: '2048Mi' } });
    expect(cronJob.spec).toMatchObject({
      timeZone: 'Europe/Paris', suspend: true, startingDeadlineSeconds: 1800, successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 2,
    });
    expect(cronJob.spec.jobTemplate.spec).toMatchObject({ activeDeadlineSeconds: 7200, backoffLimit: 1 });
    expect(manifests.filter(m => m.kind === 'PersistentVolumeClaim').map(m => m.metadata.name)).toEqual(['postgres-data', 'backup-pvc']);
  });

  test('a created volume takes the given class', () => {
    const chart = testChart({ namespace: 'db' });
    backup(chart, postgres(chart), { storageClassName: 'fast-csi' });
    const claim = synthValid(chart).find(m => m.kind === 'PersistentVolumeClaim' && m.metadata.name === 'postgres-backup-backups');
    expect(claim.spec.storageClassName).toBe('fast-csi');
  });

  test('another workload cannot mount the backup volume afterwards', () => {
    const chart = testChart({ namespace: 'db' });
    const dumps = backup(chart, postgres(chart));
    const container = WorkloadContainer.fromImage({ image: 'busybox:1.37.0', port: 8080, mountPath: '/backup' });
    expectPropError(() => new SingleWriterWorkload(chart, 'Reader', { container, volume: dumps.volume }),
      'Test/Reader', 'SingleWriterWorkload', 'volume', /already mounted by the workload Test\/Dump;/);
  });

  test('two schedules cannot share a backup volume, nor a workload\'s volume', () => {
    const chart = testChart({ namespace: 'db' });
    const db = postgres(chart);
    const dumps = backup(chart, db);
    expectPropError(() => new LogicalBackupSchedule(chart, 'Again', { database: db, schedule: DAILY_AT_2, volume: dumps.volume }),
      'Test/Again', KIND, 'volume', /already mounted by the workload Test\/Dump;.*a volume of its own/);
    const app = new SingleWriterWorkload(chart, 'App', {
      container: WorkloadContainer.fromImage({ image: 'busybox:1.37.0', port: 8080, mountPath: '/data' }), storage: Size.gibibytes(1),
    });
    expectPropError(() => new LogicalBackupSchedule(chart, 'Third', { database: db, schedule: DAILY_AT_2, volume: app.volume }),
      'Test/Third', KIND, 'volume', /already mounted by the workload Test\/App;/);
  });
});

describe('bad input is refused early, naming the path, the prop and what is accepted', () => {
  type Case = [string, (chart: Chart) => Partial<LogicalBackupScheduleProps>, string, RegExp];
  const cases: Case[] = [
    ['a custom engine named like PostgreSQL', (c) => ({ database: postgres(c, { engine: postgresLookalike() }) }), 'database',
      /its engine is the custom engine postgres, and a logical dump needs to know the server's protocol and tools; accepted: .*postgres\(\), mariadb\(\) or mysql\(\)/],
    ['a pg_dump lock timeout for MariaDB', (c) => ({ database: postgres(c, { engine: DatabaseEngine.mariadb() }), lockWaitTimeout: Duration.minutes(5) }), 'lockWaitTimeout',
      /it is a pg_dump setting and the database is mariadb; accepted: no lockWaitTimeout for a mariadb database/],
    ['the PostgreSQL image for MariaDB', (c) => ({ database: postgres(c, { engine: DatabaseEngine.mariadb() }), image: 'postgres:17.6' }), 'image',
      /it is the postgres image, which has no mariadb dump tools; accepted: an image of mariadb \(default: the database's, mariadb:11\.4\.7\)/],
    ['the MariaDB image for MySQL', (c) => ({ database: postgres(c, { engine: DatabaseEngine.mysql() }), image: 'docker.io/library/mariadb:11.4.7' }), 'image',
      /it is the mariadb image, which has no mysql dump tools/],
    ['noRolePasswords for MySQL', (c) => ({ database: postgres(c, { engine: DatabaseEngine.mysql() }), noRolePasswords: false }), 'noRolePasswords',
      /it is a pg_dump setting and the database is mysql/],
    ['no database', () => ({ database: undefined }), 'database', /a SingleWriterDatabase/],
    ['the database\'s own volume', (c) => { const db = postgres(c); return { database: db, storage: undefined, volume: db.volume }; }, 'volume', /database's own data volume/],
    ['both volume and storage', (c) => ({ volume: new ExclusiveVolume(c, 'V', { storage: Size.gibibytes(1) }) }), 'storage', /volume \(Test\/V\) is given too/],
    ['neither volume nor storage', () => ({ storage: undefined }), 'storage', /the size of the backup volume/],
    ['a storage of half a KiB', () => ({ storage: Size.kibibytes(0.5) }), 'storage', /whole number of KiB/],
    ['both storage class props', (c) => ({ storageClass: new ExclusiveStorageClass(c, 'C', { provisioner: 'ebs.csi.aws.com' }), storageClassName: 'x' }), 'storageClassName', /one of storageClass or storageClassName/],
    ['another namespace than the database\'s', () => ({ metadata: { name: 'b', namespace: 'elsewhere' } }), 'metadata.namespace', /database is in namespace db/],
    ['a volume of another namespace', (c) => ({ storage: undefined, volume: new ExclusiveVolume(c, 'V', { metadata: { namespace: 'x' }, storage: Size.gibibytes(1) }) }), 'volume', /in namespace x/],
    ['keepLast 0', () => ({ keepLast: 0 }), 'keepLast', /whole number from 1/],
    ['an unpinned image', () => ({ image: 'postgres:latest' }), 'image', /:latest moves/],
    ['an older pg_dump', () => ({ image: 'postgres:14.19' }), 'image', /pg_dump 14 cannot dump a PostgreSQL 15 server/],
    ['an empty database list', () => ({ databases: [] }), 'databases', /non-empty list/],
    ['a database name with a blank', () => ({ databases: ['my db'] }), 'databases[0]', /without blanks/],
    ['a lock timeout in milliseconds', () => ({ lockWaitTimeout: Duration.millis(1500) }), 'lockWaitTimeout', /whole seconds/],
    ['a starting deadline of a day for a daily schedule', () => ({ startingDeadline: Duration.days(1) }), 'startingDeadline', /less than 86400s/],
    ['an every-minute schedule with a 1-minute deadline', () => ({ schedule: Cron.everyMinute(), allowFrequentSchedule: true, startingDeadline: Duration.minutes(1) }), 'startingDeadline', /less than 60s/],
    ['every minute of 02:00-02:59 (hour given, minute left out)', () => ({ schedule: Cron.schedule({ hour: '2' }) }), 'schedule',
      /^[^;]+"\* 2 \* \* \*"; cdk8s rendered it as "\* 2 \* \* \*", which runs as often as every 60s.*Cron\.schedule\(\{ minute: '0', hour: '2' \}\).*allowFrequentSchedule: true$/],
    ['allowFrequentSchedule as text', () => ({ allowFrequentSchedule: 'yes' as unknown as boolean }), 'allowFrequentSchedule', /true or false/],
    ['a lower-case UTC', () => ({ timeZone: 'utc' }), 'timeZone', /case-sensitively: write "UTC"/],
    ['a lower-case Europe/Paris', () => ({ timeZone: 'europe/paris' }), 'timeZone', /case-sensitively: write "Europe\/Paris"/],
    ['an active deadline of NaN seconds', () => ({ activeDeadline: Duration.seconds(NaN) }), 'activeDeadline', /is "a Duration that is not a finite number \(NaN or Infinity\)"; accepted: a Duration of whole seconds/],
    ['a lock timeout of Infinity', () => ({ lockWaitTimeout: Duration.minutes(Infinity) }), 'lockWaitTimeout', /not a finite number/],
    ['a starting deadline of NaN', () => ({ startingDeadline: Duration.hours(NaN) }), 'startingDeadline', /not a finite number/],
    ['an invalid schedule', () => ({ schedule: Cron.schedule({ hour: '25' }) }), 'schedule', /hour field "25"/],
    ['a time zone that is not one', () => ({ timeZone: 'CEST' }), 'timeZone', /IANA/],
    ['noRolePasswords as text', () => ({ noRolePasswords: 'yes' as unknown as boolean }), 'noRolePasswords', /true or false/],
    ['another priority than the database\'s', () => ({ priorityClassName: 'system-node-critical' }), 'priorityClassName', /never out-rank the database/],
    ['a name of 53 characters', () => ({ metadata: { name: 'b'.repeat(53) } }), 'metadata.name', /at most 52/],
  ];

  test.each(cases)('%s', (_name, props, prop, detail) => {
    const chart = testChart({ namespace: 'db' });
    const overrides = props(chart);
    const database = 'database' in overrides ? overrides.database : postgres(chart);
    expectPropError(() => backup(chart, database as SingleWriterDatabase, overrides), 'Test/Dump', KIND, prop, detail);
  });
});

test('snapshot: the seed\'s nightly pg_dump, done correctly', () => {
  const chart = testChart({ namespace: 'db' });
  backup(chart, postgres(chart), { keepLast: 7 });
  const manifests = synthValid(chart).filter(m => ['CronJob', 'NetworkPolicy', 'PersistentVolumeClaim'].includes(m.kind));
  expect(YAML.stringify(manifests)).toMatchSnapshot();
});

test('snapshot: a nightly MariaDB dump with users and grants', () => {
  const chart = testChart({ namespace: 'db' });
  const db = new SingleWriterDatabase(chart, 'Db', {
    metadata: { name: 'mariadb' },
    engine: DatabaseEngine.mariadb(),
    credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'Secret', 'mariadb-secret'), { passwordKey: 'password' }),
    storage: Size.gibibytes(20),
  });
  backup(chart, db, { metadata: { name: 'mariadb-backup' }, keepLast: 7 });
  const manifests = synthValid(chart).filter(m => ['CronJob', 'NetworkPolicy', 'PersistentVolumeClaim'].includes(m.kind));
  expect(YAML.stringify(manifests)).toMatchSnapshot();
});
