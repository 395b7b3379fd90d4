import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as YAML from 'yaml';
import {
  GIB_20, appValidationErrors, expectPropError, only, problemFindings, seedCredentials, synthWorkloads, testChart,
} from './support';
import {
  CustomDatabaseEngineOptions, DatabaseCredentials, DatabaseEngine, DatabaseFamily, ExclusiveVolume, SingleWriterDatabase,
  SingleWriterDatabaseProps, SingleWriterWorkload, WorkloadContainer,
} from '../../src';
import { runRules } from '../../src/rules';

type Extra = Partial<SingleWriterDatabaseProps>;

function build(engine: DatabaseEngine, extra: Extra = {}, credentials?: { passwordKey?: string; username?: string; usernameKey?: string }) {
  const chart = testChart();
  const db = new SingleWriterDatabase(chart, 'Db', {
    metadata: { name: 'db' },
    engine,
    credentials: seedCredentials(chart, credentials),
    storage: GIB_20,
    ...extra,
  });
  return { chart, db };
}

function containerOf(manifests: any[]): any {
  return only(manifests, 'Deployment').spec.template.spec.containers[0];
}

function envOf(container: any): Record<string, unknown> {
  return Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

describe('PostgreSQL', () => {
  const { chart, db } = build(DatabaseEngine.postgres());
  const manifests = synthWorkloads(chart);
  const spec = only(manifests, 'Deployment').spec.template.spec;
  const container = spec.containers[0];

  test('the official image, pinned to a patch release', () => {
    expect(container.name).toBe('postgres');
    expect(container.image).toBe('postgres:15.14');
    expect(db.engine.image).toBe('postgres:15.14');
  });

  test('PGDATA in a subdirectory of the mount; the password from the Secret, never as text', () => {
    expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/postgresql/data' });
    expect(envOf(container)).toEqual({
      POSTGRES_USER: 'postgres',
      POSTGRES_PASSWORD: { secretKeyRef: { name: 'postgres-secret', key: 'password' } },
      PGDATA: '/var/lib/postgresql/data/pgdata',
    });
  });

  test('uid/gid 999 (the image\'s postgres user), which owns the volume through fsGroup', () => {
    expect(spec.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999, runAsNonRoot: true });
    expect(container.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, readOnlyRootFilesystem: true });
  });

  test('the socket directory and /tmp are the only writable paths besides the volume', () => {
    expect(spec.volumes).toEqual([
      { name: 'data', persistentVolumeClaim: { claimName: 'db-data', readOnly: false } },
      { name: 'var-run-postgresql', emptyDir: { sizeLimit: '16Mi' } },
      { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
    ]);
  });

  test('preStop fast shutdown of $PGDATA within 60 s; grace 60 + 10 + 5', () => {
    expect(container.lifecycle.preStop.exec.command).toEqual(['/bin/sh', '-c', 'exec pg_ctl stop -D "$PGDATA" -m fast -t 60']);
    expect(spec.terminationGracePeriodSeconds).toBe(75);
    // The rules engine's own reading of the hook (pg_ctl -t 60) agrees that the grace covers it.
    expect(runRules(manifests.map(object => ({ object })), { only: ['prestop-exceeds-grace'] })).toEqual([]);
  });

  test('pg_isready probes over TCP (so that the entrypoint\'s socket-only init server does not count)', () => {
    const isReady = ['pg_isready', '--host=127.0.0.1', '--port=5432', '--timeout=4', '--username=postgres'];
    expect(container.startupProbe).toEqual({ exec: { command: isReady }, periodSeconds: 10, failureThreshold: 90, timeoutSeconds: 5 });
    expect(container.livenessProbe).toEqual({ exec: { command: isReady }, periodSeconds: 10, failureThreshold: 6, timeoutSeconds: 5 });
    expect(container.readinessProbe).toEqual({ exec: { command: isReady }, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 5 });
  });

  test('resources sized for a small database', () => {
    expect(container.resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '1024Mi' } });
  });

  test('port 5432, named postgres, on the container and the Service', () => {
    expect(container.ports).toEqual([{ containerPort: 5432, name: 'postgres' }]);
    expect(only(manifests, 'Service').spec.ports).toEqual([{ name: 'postgres', port: 5432, targetPort: 5432, protocol: 'TCP' }]);
  });

  test('what clients and backups need', () => {
    expect(db.host).toBe('db');
    expect(db.port).toBe(5432);
    expect(db.engine.name).toBe('postgres');
    expect(db.engine.clientPasswordVariable).toBe('PGPASSWORD');
    expect(db.credentials.secretName).toBe('postgres-secret');
    expect(db.credentials.passwordKey).toBe('password');
    expect(db.volume.name).toBe('db-data');
    expect(db.podLabels).toEqual(only(manifests, 'Deployment').spec.template.metadata.labels);
    expect(db.checkpointCommand).toEqual(['/bin/sh', '-c',
      'PGPASSWORD="$POSTGRES_PASSWORD" exec psql --no-password --host=127.0.0.1 --port=5432 --username="$POSTGRES_USER" '
      + '--dbname="${POSTGRES_DB:-$POSTGRES_USER}" --set=ON_ERROR_STOP=1 --command=CHECKPOINT']);
    expect(db.dumpCommand()).toEqual(['pg_dump', '--host=db', '--port=5432', '--username=postgres', '--format=custom', '--no-password']);
  });

  test('its family, and a CHECKPOINT a backup pod runs over the network', () => {
    expect(db.engine.family).toBe(DatabaseFamily.POSTGRES);
    // Left out: libpq takes host, port and user from PGHOST, PGPORT and PGUSER, and always the password from PGPASSWORD.
    expect(db.engine.networkCheckpointCommand()).toEqual(
      ['psql', '--no-password', '--no-psqlrc', '--set=ON_ERROR_STOP=1', '--dbname=postgres', '--command=CHECKPOINT']);
    expect(db.engine.networkCheckpointCommand({ host: 'db.shop.svc', port: 6432, username: 'backup' })).toEqual(
      ['psql', '--no-password', '--no-psqlrc', '--set=ON_ERROR_STOP=1', '--host=db.shop.svc', '--port=6432',
        '--username=backup', '--dbname=postgres', '--command=CHECKPOINT']);
  });

  test('the rules engine finds nothing wrong', () => {
    expect(problemFindings(manifests)).toEqual([]);
    expect(appValidationErrors(chart)).toEqual([]);
  });

  test('snapshot', () => {
    expect(YAML.stringify(manifests)).toMatchSnapshot();
  });
});

describe('PostgreSQL options', () => {
  test('another version, and a digest', () => {
    expect(containerOf(synthWorkloads(build(DatabaseEngine.postgres({ version: '16.10' })).chart)).image).toBe('postgres:16.10');
    const digest = `postgres:15.14@sha256:${'a'.repeat(64)}`;
    expect(containerOf(synthWorkloads(build(DatabaseEngine.postgres({ image: digest })).chart)).image).toBe(digest);
  });

  test('a longer fast shutdown: the hook\'s -t and the grace follow', () => {
    const { chart, db } = build(DatabaseEngine.postgres({ fastShutdownTimeout: Duration.minutes(3) }));
    const manifests = synthWorkloads(chart);
    expect(containerOf(manifests).lifecycle.preStop.exec.command[2]).toBe('exec pg_ctl stop -D "$PGDATA" -m fast -t 180');
    expect(only(manifests, 'Deployment').spec.template.spec.terminationGracePeriodSeconds).toBe(195);
    expect(db.terminationGracePeriod.toSeconds()).toBe(195);
    expect(runRules(manifests.map(object => ({ object })), { only: ['prestop-exceeds-grace'] })).toEqual([]);
  });

  test('a user, a database and another key of the Secret', () => {
    const { chart, db } = build(DatabaseEngine.postgres(), { database: 'shop' }, { username: 'shop_owner', passwordKey: 'pg-password' });
    const container = containerOf(synthWorkloads(chart));
    expect(envOf(container)).toEqual({
      POSTGRES_USER: 'shop_owner',
      POSTGRES_PASSWORD: { secretKeyRef: { name: 'postgres-secret', key: 'pg-password' } },
      POSTGRES_DB: 'shop',
      PGDATA: '/var/lib/postgresql/data/pgdata',
    });
    expect(container.livenessProbe.exec.command).toContain('--username=shop_owner');
    expect(db.dumpCommand()).toEqual(['pg_dump', '--host=db', '--port=5432', '--username=shop_owner', '--dbname=shop', '--format=custom', '--no-password']);
    expect(db.database).toBe('shop');
  });

  test('the user name from the Secret too', () => {
    const { chart } = build(DatabaseEngine.postgres(), {}, { usernameKey: 'username' });
    const container = containerOf(synthWorkloads(chart));
    expect(envOf(container).POSTGRES_USER).toEqual({ secretKeyRef: { name: 'postgres-secret', key: 'username' } });
    expect(container.livenessProbe.exec.command.some((arg: string) => arg.startsWith('--username'))).toBe(false);
  });

  test('overrides of the shared options: probes, resources, shutdown budget, more variables', () => {
    const { chart } = build(DatabaseEngine.postgres(), {
      livenessProbe: kplus.Probe.fromCommand(['pg_isready'], { periodSeconds: Duration.seconds(30) }),
      resources: { memory: { request: Size.gibibytes(4), limit: Size.gibibytes(4) } },
      shutdownBudget: Duration.seconds(30),
      env: { POSTGRES_INITDB_ARGS: kplus.EnvValue.fromValue('--data-checksums') },
    });
    const manifests = synthWorkloads(chart);
    const container = containerOf(manifests);
    expect(container.livenessProbe).toEqual({ exec: { command: ['pg_isready'] }, periodSeconds: 30, failureThreshold: 3 });
    expect(container.resources).toEqual({ requests: { memory: '4096Mi' }, limits: { memory: '4096Mi' } });
    expect(only(manifests, 'Deployment').spec.template.spec.terminationGracePeriodSeconds).toBe(95);
    expect(envOf(container).POSTGRES_INITDB_ARGS).toBe('--data-checksums');
  });

  test('an ExclusiveVolume of the app as its volume', () => {
    const chart = testChart();
    const volume = new ExclusiveVolume(chart, 'Data', { metadata: { name: 'postgres-exclusive-data' }, storage: GIB_20 });
    const db = new SingleWriterDatabase(chart, 'Db', { engine: DatabaseEngine.postgres(), credentials: seedCredentials(chart), volume });
    expect(only(synthWorkloads(chart), 'Deployment').spec.template.spec.volumes[0])
      .toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'postgres-exclusive-data', readOnly: false } });
    expect(db.volume).toBe(volume);
  });
});

describe.each([
  ['mysql', DatabaseEngine.mysql(), DatabaseFamily.MYSQL, 'mysql:8.4.6', 'MYSQL', 'mysqladmin', 'mysqldump', '/var/run/mysqld', 'var-run-mysqld'],
  ['mariadb', DatabaseEngine.mariadb(), DatabaseFamily.MARIADB, 'mariadb:11.4.7', 'MARIADB', 'mariadb-admin', 'mariadb-dump', '/run/mysqld', 'run-mysqld'],
])('%s', (name, engine, family, image, prefix, admin, dumper, socketDirectory, socketVolume) => {
  const { chart, db } = build(engine, { database: 'shop' });
  const manifests = synthWorkloads(chart);
  const spec = only(manifests, 'Deployment').spec.template.spec;
  const container = spec.containers[0];

  test('image, port, data directory in a subdirectory of the volume', () => {
    expect(container.name).toBe(name);
    expect(container.image).toBe(image);
    expect(container.ports).toEqual([{ containerPort: 3306, name }]);
    expect(container.args).toEqual(['--datadir=/var/lib/mysql/data']);
    expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/mysql' });
  });

  test('root password from the Secret, the database to create', () => {
    expect(envOf(container)).toEqual({
      [`${prefix}_ROOT_PASSWORD`]: { secretKeyRef: { name: 'postgres-secret', key: 'password' } },
      [`${prefix}_DATABASE`]: 'shop',
    });
  });

  test('SIGTERM shutdown (clean in InnoDB) within 60 s: no preStop hook, grace 65', () => {
    expect(container.lifecycle).toBeUndefined();
    expect(spec.terminationGracePeriodSeconds).toBe(65);
  });

  test('ping probes over TCP; uid/gid 999; socket directory and /tmp writable', () => {
    const ping = [admin, 'ping', '--host=127.0.0.1', '--port=3306', '--connect-timeout=4', '--silent'];
    expect(container.startupProbe.exec.command).toEqual(ping);
    expect(container.readinessProbe.exec.command).toEqual(ping);
    expect(spec.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999 });
    expect(spec.volumes).toContainEqual({ name: socketVolume, emptyDir: { sizeLimit: '16Mi' } });
    expect(container.volumeMounts).toContainEqual({ name: socketVolume, mountPath: socketDirectory });
    expect(spec.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '1024Mi' } });
  });

  test('dump over the network; no checkpoint needed', () => {
    expect(db.dumpCommand()).toEqual([dumper, '--host=db', '--port=3306', '--user=root', '--single-transaction', '--routines',
      '--events', '--triggers', '--databases', 'shop']);
    expect(db.engine.dumpCommand({ host: 'db.shop.svc' })).toContain('--all-databases');
    expect(db.engine.clientPasswordVariable).toBe('MYSQL_PWD');
    expect(db.checkpointCommand).toBeUndefined();
    expect(db.engine.networkCheckpointCommand({ host: 'db' })).toBeUndefined();
    expect(db.engine.family).toBe(family);
  });

  test('the rules engine finds nothing wrong', () => {
    expect(problemFindings(manifests)).toEqual([]);
  });

  test('snapshot', () => {
    expect(YAML.stringify(manifests)).toMatchSnapshot();
  });
});

describe('custom engine', () => {
  const REDIS: CustomDatabaseEngineOptions = {
    name: 'redis',
    image: 'redis:7.4.2',
    port: 6379,
    mountPath: '/data',
    user: 999,
    group: 999,
    passwordVariable: 'REDIS_PASSWORD',
    args: ['sh', '-c', 'exec redis-server --appendonly yes --requirepass "$REDIS_PASSWORD"'],
    healthCommand: ['redis-cli', 'ping'],
    preStopCommand: ['sh', '-c', 'redis-cli -a "$REDIS_PASSWORD" shutdown save'],
    preStopTimeout: Duration.seconds(40),
    shutdownBudget: Duration.seconds(5),
    dumpCommand: ['redis-cli', '-h', '{host}', '-p', '{port}', '--rdb', '-'],
  };

  test('everything from the options', () => {
    const { chart, db } = build(DatabaseEngine.custom(REDIS));
    const manifests = synthWorkloads(chart);
    const spec = only(manifests, 'Deployment').spec.template.spec;
    const container = spec.containers[0];
    expect(container.name).toBe('redis');
    expect(container.image).toBe('redis:7.4.2');
    expect(container.args).toEqual(REDIS.args);
    expect(envOf(container)).toEqual({ REDIS_PASSWORD: { secretKeyRef: { name: 'postgres-secret', key: 'password' } } });
    expect(container.livenessProbe.exec.command).toEqual(['redis-cli', 'ping']);
    expect(container.lifecycle.preStop.exec.command).toEqual(REDIS.preStopCommand);
    expect(spec.terminationGracePeriodSeconds).toBe(50);
    expect(container.volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }, { name: 'tmp', mountPath: '/tmp' }]);
    expect(container.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '512Mi' } });
    expect(db.dumpCommand()).toEqual(['redis-cli', '-h', 'db', '-p', '6379', '--rdb', '-']);
    expect(db.checkpointCommand).toBeUndefined();
    expect(db.engine.family).toBe(DatabaseFamily.CUSTOM);
    expect(db.engine.networkCheckpointCommand()).toBeUndefined();
    expect(problemFindings(manifests)).toEqual([]);
  });

  test('a custom engine that looks like PostgreSQL in every way a client can tell is still CUSTOM', () => {
    const engine = DatabaseEngine.custom({
      ...REDIS, name: 'postgres', image: 'postgres:15.14', port: 5432, passwordVariable: 'PGPASSWORD', defaultUsername: 'postgres',
    });
    expect(engine.family).toBe(DatabaseFamily.CUSTOM);
    expect(engine.networkCheckpointCommand()).toBeUndefined();
  });

  test('a user name variable, with the name from the credentials or the default; TCP probes without a health command', () => {
    const engine = DatabaseEngine.custom({ ...REDIS, healthCommand: undefined, usernameVariable: 'REDIS_USER', defaultUsername: 'default' });
    const container = containerOf(synthWorkloads(build(engine).chart));
    expect(envOf(container).REDIS_USER).toBe('default');
    expect(container.startupProbe).toEqual({ tcpSocket: { port: 6379 }, periodSeconds: 10, failureThreshold: 90, timeoutSeconds: 5 });
    const named = containerOf(synthWorkloads(build(engine, {}, { username: 'app' }).chart));
    expect(envOf(named).REDIS_USER).toBe('app');
  });

  const D = 'SingleWriterDatabase';
  test.each<[string, Partial<CustomDatabaseEngineOptions>, string, RegExp]>([
    ['a bad name', { name: 'Redis' }, 'engine.name', /DNS-1035 label/],
    ['an unpinned image', { image: 'redis' }, 'engine.image', /no tag and no digest/],
    ['a bad port', { port: 70000 }, 'engine.port', /1 to 65535/],
    ['a relative mount path', { mountPath: 'data' }, 'engine.mountPath', /absolute path/],
    ['root', { user: 0 }, 'engine.user', /forbids running as root/],
    ['a bad password variable', { passwordVariable: 'REDIS PASSWORD' }, 'engine.passwordVariable', /environment variable name/],
    ['the same variable twice', { usernameVariable: 'REDIS_PASSWORD' }, 'engine.usernameVariable', /passwordVariable too/],
    ['a credential variable in env', { env: { REDIS_PASSWORD: kplus.EnvValue.fromValue('x') } }, 'engine.env["REDIS_PASSWORD"]', /set from the credentials/],
    ['a preStop timeout alone', { preStopCommand: undefined }, 'engine.preStopTimeout', /only applies to preStopCommand/],
    ['an empty health command', { healthCommand: [] }, 'engine.healthCommand', /non-empty list/],
    ['a dump command that is a string', { dumpCommand: 'redis-cli' as unknown as string[] }, 'engine.dumpCommand', /non-empty list/],
    ['a writable directory on the mount', { writableDirectories: [{ path: '/data' }] }, 'engine.writableDirectories[].path', /mountPath/],
    ['a fractional shutdown budget', { shutdownBudget: Duration.millis(100) }, 'engine.shutdownBudget', /whole seconds/],
    ['a username variable without a name', { usernameVariable: 'REDIS_USER' }, 'credentials.username', /no defaultUsername/],
  ])('bad: %s', (_name, change, prop, detail) => {
    expectPropError(() => build(DatabaseEngine.custom({ ...REDIS, ...change })), 'Test/Db', D, prop, detail);
  });
});

describe('bad input', () => {
  const D = 'SingleWriterDatabase';
  test.each<[string, () => unknown, string, RegExp]>([
    ['a floating PostgreSQL version', () => build(DatabaseEngine.postgres({ version: '15' })), 'engine.version', /moving image tag; accepted: major\.minor/],
    ['a PostgreSQL version that is not one', () => build(DatabaseEngine.postgres({ version: 'latest' })), 'engine.version', /major\.minor/],
    ['an unpinned PostgreSQL image', () => build(DatabaseEngine.postgres({ image: 'postgres:latest' })), 'engine.image', /:latest moves/],
    ['a zero fast shutdown', () => build(DatabaseEngine.postgres({ fastShutdownTimeout: Duration.seconds(0) })), 'engine.fastShutdownTimeout', /at least 1s/],
    ['a MySQL version without patch', () => build(DatabaseEngine.mysql({ version: '8.4' })), 'engine.version', /major\.minor\.patch, e\.g\. "8\.4\.6"/],
    ['a MariaDB version without patch', () => build(DatabaseEngine.mariadb({ version: '11' })), 'engine.version', /"11\.4\.7"/],
    ['a fractional MySQL shutdown', () => build(DatabaseEngine.mysql({ shutdownTimeout: Duration.millis(2500) })), 'engine.shutdownTimeout', /whole seconds/],
    ['a MySQL user other than root', () => build(DatabaseEngine.mysql(), {}, { username: 'shop' }), 'credentials.username', /root password .*MYSQL_ROOT_PASSWORD/],
    ['a MariaDB user from the Secret', () => build(DatabaseEngine.mariadb(), {}, { usernameKey: 'user' }), 'credentials.username', /from key user.*MARIADB_ROOT_PASSWORD/],
    ['a user name and a user name key', () => build(DatabaseEngine.postgres(), {}, { username: 'a', usernameKey: 'b' }), 'credentials.username', /one of username or usernameKey/],
    ['a user name that needs quoting', () => build(DatabaseEngine.postgres(), {}, { username: 'a b' }), 'credentials.username', /letters, digits and "_"/],
    ['a bad password key', () => build(DatabaseEngine.postgres(), {}, { passwordKey: 'pass word' }), 'credentials.passwordKey', /Secret key/],
    ['a database name that needs quoting', () => build(DatabaseEngine.postgres(), { database: 'my-db' }), 'database', /letters, digits and "_"/],
    ['the password variable in env', () => build(DatabaseEngine.postgres(), { env: { POSTGRES_PASSWORD: kplus.EnvValue.fromValue('x') } }),
      'env["POSTGRES_PASSWORD"]', /the postgres engine sets POSTGRES_PASSWORD itself/],
    ['PGDATA in env', () => build(DatabaseEngine.postgres(), { env: { PGDATA: kplus.EnvValue.fromValue('/x') } }), 'env["PGDATA"]', /sets PGDATA itself/],
    ['the MySQL root password in env', () => build(DatabaseEngine.mysql(), { env: { MYSQL_ROOT_PASSWORD: kplus.EnvValue.fromValue('x') } }),
      'env["MYSQL_ROOT_PASSWORD"]', /sets MYSQL_ROOT_PASSWORD itself/],
    ['two replicas', () => build(DatabaseEngine.postgres(), { replicas: 2 }), 'replicas', /wait forever/],
    ['a grace shorter than the fast shutdown', () => build(DatabaseEngine.postgres(), { terminationGracePeriod: Duration.seconds(60) }),
      'terminationGracePeriod', /preStop timeout \(60s\) plus the shutdown budget \(10s\).*at least 75s/],
    ['no engine', () => build(undefined as unknown as DatabaseEngine), 'engine', /DatabaseEngine\.postgres\(\)/],
    ['a plaintext password instead of credentials', () => new SingleWriterDatabase(testChart(), 'Db', {
      engine: DatabaseEngine.postgres(), credentials: 'securepassword' as unknown as DatabaseCredentials, storage: GIB_20,
    }), 'credentials', /"securepassword"; accepted: DatabaseCredentials\.fromSecretName\("postgres-secret", \{ passwordKey \}\) or fromSecret\(secret, \{ passwordKey \}\); a password cannot be given as text/],
    ['credentials without a Secret', () => new SingleWriterDatabase(testChart(), 'Db', {
      engine: DatabaseEngine.postgres(), credentials: DatabaseCredentials.fromSecret(undefined as unknown as kplus.ISecret), storage: GIB_20,
    }), 'credentials.secret', /kplus\.ISecret/],
    ['no props', () => new SingleWriterDatabase(testChart(), 'Db', undefined as unknown as SingleWriterDatabaseProps), 'props', /engine, credentials/],
  ])('%s', (_name, construct, prop, detail) => {
    expectPropError(construct, 'Test/Db', D, prop, detail);
  });
});

describe('credentials against a Secret the app defines, at synth', () => {
  function database(chart: ReturnType<typeof testChart>, credentials: DatabaseCredentials) {
    return new SingleWriterDatabase(chart, 'Db', { metadata: { name: 'db' }, engine: DatabaseEngine.postgres({ version: '15.14' }), credentials, storage: GIB_20 });
  }

  test('a kplus Secret of the app without the password key: the error names the Secret, the missing key and the keys it has', () => {
    const chart = testChart();
    const secret = new kplus.Secret(chart, 'Secret', { metadata: { name: 'postgres-secret' }, stringData: { 'postgres-password': 'x', 'user': 'app' } });
    database(chart, DatabaseCredentials.fromSecret(secret));
    // Checked by the app's one synth-time validation, on the root: cdk8s prefixes its errors with the root's empty path.
    expect(appValidationErrors(chart)).toEqual(['[] Test/Db: SingleWriterDatabase prop "credentials.passwordKey" is "password"; Secret postgres-secret '
      + '(Test/Secret/Resource) has no key "password", only "postgres-password", "user", so the container would never start (CreateContainerConfigError); '
      + 'accepted: one of its keys, or add the key to the Secret']);
  });

  test('a Secret of the app referenced by name, and the usernameKey: both keys are checked, data and stringData together', () => {
    const chart = testChart();
    const secret = new kplus.Secret(chart, 'Secret', { metadata: { name: 'postgres-secret' }, stringData: { password: 'x' } });
    secret.addStringData('login', 'app');
    database(chart, DatabaseCredentials.fromSecretName('postgres-secret', { usernameKey: 'username' }));
    expect(appValidationErrors(chart)).toEqual([expect.stringContaining('prop "credentials.usernameKey" is "username"; Secret postgres-secret (Test/Secret/Resource) '
      + 'has no key "username", only "login", "password"')]);
  });

  test('near misses: the keys are there; a Secret of another namespace, one the app does not define, or one without data', () => {
    const present = testChart();
    const secret = new kplus.Secret(present, 'Secret', { metadata: { name: 'postgres-secret' }, stringData: { password: 'x' } });
    database(present, DatabaseCredentials.fromSecret(secret));
    expect(appValidationErrors(present)).toEqual([]);

    const elsewhere = testChart();
    new kplus.Secret(elsewhere, 'Secret', { metadata: { name: 'postgres-secret', namespace: 'other' }, stringData: { pass: 'x' } });
    new kplus.Secret(elsewhere, 'Empty', { metadata: { name: 'filled-later' } });
    database(elsewhere, DatabaseCredentials.fromSecretName('postgres-secret'));
    expect(appValidationErrors(elsewhere)).toEqual([]);
    const empty = testChart();
    new kplus.Secret(empty, 'Empty', { metadata: { name: 'postgres-secret' } });
    database(empty, DatabaseCredentials.fromSecretName('postgres-secret'));
    expect(appValidationErrors(empty)).toEqual([]);
  });
});

describe('a SingleWriterWorkload of an engine checks its credentials against the app too', () => {
  test('the Secret without the password key fails synth, naming the workload prop container.credentials', () => {
    const chart = testChart();
    const secret = new kplus.Secret(chart, 'Secret', { metadata: { name: 'postgres-secret' }, stringData: { 'postgres-password': 'x' } });
    new SingleWriterWorkload(chart, 'App', {
      metadata: { name: 'app' },
      container: WorkloadContainer.fromEngine(DatabaseEngine.postgres({ version: '15.14' }), { credentials: DatabaseCredentials.fromSecret(secret) }),
      storage: GIB_20,
    });
    expect(appValidationErrors(chart)).toEqual([expect.stringContaining('[] Test/App: SingleWriterWorkload prop "container.credentials.passwordKey" is "password"; '
      + 'Secret postgres-secret (Test/Secret/Resource) has no key "password", only "postgres-password"')]);
  });
});
