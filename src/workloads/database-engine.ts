import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { EngineContainer, commandProbes, tcpProbes } from './container-spec';
import { DatabaseCredentials } from './database-credentials';
import { describeValue, requireAbsolutePath, requireDuration, requireId, requireImage, requirePort, requireWritableDirectories } from './validation';
import { WritableDirectory } from './writable-directory';
import { PropChecker } from '../internal/prop-checker';

/**
 * Options of `DatabaseEngine.postgres()`.
 */
export interface PostgresEngineOptions {
  /**
   * The PostgreSQL version, `major.minor` (e.g. `15.14`): the official `postgres:<version>` image. A major version alone
   * is refused, since its tag moves.
   *
   * @default DatabaseEngine.DEFAULT_POSTGRES_VERSION
   */
  readonly version?: string;

  /**
   * The full image reference instead of `postgres:<version>`, e.g. a mirror or a digest
   * (`postgres:15.14@sha256:...`). It must be pinned (a tag other than `latest`, or a digest) and compatible with the
   * official image (its entrypoint, `PGDATA`, uid/gid 999).
   *
   * @default - `postgres:<version>`
   */
  readonly image?: string;

  /**
   * How long the preStop hook's fast shutdown (`pg_ctl stop -m fast -t N`) may take: it disconnects clients, rolls back
   * their transactions and writes a shutdown checkpoint. The grace period is derived from it.
   *
   * @default Duration.seconds(60)
   */
  readonly fastShutdownTimeout?: Duration;
}

/**
 * Options of `DatabaseEngine.mysql()` and `DatabaseEngine.mariadb()`.
 */
export interface MysqlEngineOptions {
  /**
   * The version, `major.minor.patch` (e.g. `8.4.6` for MySQL, `11.4.7` for MariaDB): the official image of that tag.
   *
   * @default - DatabaseEngine.DEFAULT_MYSQL_VERSION or DatabaseEngine.DEFAULT_MARIADB_VERSION
   */
  readonly version?: string;

  /**
   * The full image reference instead of the official one, pinned (a tag other than `latest`, or a digest).
   *
   * @default - the official image of `version`
   */
  readonly image?: string;

  /**
   * How long the server may take to shut down after SIGTERM (InnoDB flushes and closes its files).
   *
   * @default Duration.seconds(60)
   */
  readonly shutdownTimeout?: Duration;
}

/**
 * Options of `DatabaseEngine.custom()`.
 */
export interface CustomDatabaseEngineOptions {
  /** A short name for the engine, e.g. `redis`; also the container's name. */
  readonly name: string;

  /** The image, pinned (a tag other than `latest`, or a digest). */
  readonly image: string;

  /** The TCP port the server listens on. */
  readonly port: number;

  /** Where the data volume is mounted. */
  readonly mountPath: string;

  /** The uid the server runs as (never 0). */
  readonly user: number;

  /** The gid the server runs as, and the group that owns the data volume. */
  readonly group: number;

  /** The environment variable the image reads the password from; it is set from the credentials' Secret. */
  readonly passwordVariable: string;

  /**
   * The environment variable the image reads the user name from.
   *
   * @default - the user name is not passed to the server
   */
  readonly usernameVariable?: string;

  /**
   * The user name when none is given in the credentials.
   *
   * @default - none: the credentials must name one if `usernameVariable` is set
   */
  readonly defaultUsername?: string;

  /**
   * More (non-secret) environment variables of the server.
   *
   * @default - none
   */
  readonly env?: { [name: string]: kplus.EnvValue };

  /**
   * The server's arguments.
   *
   * @default - the image's
   */
  readonly args?: string[];

  /**
   * Directories the server writes to besides the data volume; the root filesystem is read-only.
   *
   * @default - `/tmp`
   */
  readonly writableDirectories?: WritableDirectory[];

  /**
   * A command that stops the server cleanly before SIGTERM; it must end on its own within `preStopTimeout`.
   *
   * @default - none: SIGTERM stops the server
   */
  readonly preStopCommand?: string[];

  /**
   * The longest `preStopCommand` runs.
   *
   * @default Duration.seconds(30) with a preStopCommand
   */
  readonly preStopTimeout?: Duration;

  /**
   * How long the server may take to exit after SIGTERM.
   *
   * @default Duration.seconds(30)
   */
  readonly shutdownBudget?: Duration;

  /**
   * A command, run in the database container, that succeeds when the server accepts connections; it drives the
   * startup, liveness and readiness probes.
   *
   * @default - a TCP connection to the port
   */
  readonly healthCommand?: string[];

  /**
   * The container's resources.
   *
   * @default - 250m CPU and 256Mi memory requested, 1 CPU and 512Mi memory at most
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * A command, run in the database container, that makes the data on disk consistent before a volume snapshot.
   *
   * @default - none: the engine's data on disk is crash-consistent at any time
   */
  readonly checkpointCommand?: string[];

  /**
   * A command that writes a logical dump to stdout, run from a separate pod over the network. `{host}`, `{port}`,
   * `{username}` and `{database}` in its arguments are replaced; the password is in the `passwordVariable` variable.
   *
   * @default - no logical dump
   */
  readonly dumpCommand?: string[];
}

/**
 * Where a logical dump connects to.
 */
export interface DumpTarget {
  /** The host (the database's Service name, or `<service>.<namespace>.svc`). */
  readonly host: string;

  /**
   * The port.
   *
   * @default - the engine's port
   */
  readonly port?: number;

  /**
   * The user.
   *
   * @default - the engine's superuser
   */
  readonly username?: string;

  /**
   * The database to dump.
   *
   * @default - every database (MySQL, MariaDB); the user's database (PostgreSQL)
   */
  readonly database?: string;
}

/**
 * Where a checkpoint run over the network connects to. A field left out is for the client to find in its environment
 * (PostgreSQL: libpq's `PGHOST`, `PGPORT` and `PGUSER`), which is how a user name kept in a Secret reaches it.
 */
export interface CheckpointTarget {
  /**
   * The host (the database's Service name, or `<service>.<namespace>.svc`).
   *
   * @default - the client's environment (`PGHOST`)
   */
  readonly host?: string;

  /**
   * The port.
   *
   * @default - the client's environment (`PGPORT`), else the engine's port
   */
  readonly port?: number;

  /**
   * The user; it needs the right to checkpoint (PostgreSQL: a superuser, or `pg_checkpoint` from version 15).
   *
   * @default - the client's environment (`PGUSER`)
   */
  readonly username?: string;
}

/**
 * The kind of server a `DatabaseEngine` runs, for code that must speak its protocol or use its client tools (backups).
 */
export enum DatabaseFamily {
  /** `DatabaseEngine.postgres()`: libpq clients (`psql`, `pg_dump`), `CHECKPOINT`. */
  POSTGRES = 'postgres',
  /** `DatabaseEngine.mysql()`: MySQL clients (`mysqladmin`, `mysqldump`). */
  MYSQL = 'mysql',
  /** `DatabaseEngine.mariadb()`: MariaDB clients (`mariadb-admin`, `mariadb-dump`). */
  MARIADB = 'mariadb',
  /** `DatabaseEngine.custom()`: only what its options describe is known, whatever its image or name. */
  CUSTOM = 'custom',
}

/** The settings every engine is made of. */
interface EngineSettings {
  readonly family: DatabaseFamily;
  readonly name: string;
  readonly image: string;
  readonly port: number;
  readonly mountPath: string;
  readonly dataDirectory: string;
  readonly user: number;
  readonly group: number;
  readonly defaultUsername?: string;
  readonly clientPasswordVariable: string;
  readonly checkpointCommand?: string[];
  readonly resources: kplus.ContainerResources;
  /** Variables the engine sets itself; the user's `env` may not set them. */
  readonly reservedEnv: readonly string[];
  readonly container: (credentials: DatabaseCredentials, database: string | undefined) => EngineContainer;
  readonly dump: (target: Required<Pick<DumpTarget, 'host' | 'port'>> & DumpTarget) => string[] | undefined;
  readonly networkCheckpoint?: (target: CheckpointTarget) => string[];
  /**
   * Checks of the factory's options, run by the workload that runs the engine with the checker of its `engine` prop
   * (e.g. `container.engine`).
   */
  readonly validate: (check: PropChecker) => void;
  /** Checks of the credentials against the engine, with the checker of the workload's `credentials` prop. */
  readonly validateCredentials?: (check: PropChecker, credentials: DatabaseCredentials) => void;
}

/**
 * A database server for `SingleWriterDatabase`, or for any workload through `WorkloadContainer.fromEngine()`: its image
 * (pinned), port, data directory, user, credentials, shutdown, probes, resources, and the commands backups need.
 */
export class DatabaseEngine {
  /** The PostgreSQL version `postgres()` runs unless told: PostgreSQL 15, pinned to a patch release. */
  public static readonly DEFAULT_POSTGRES_VERSION = '15.14';

  /** The MySQL version `mysql()` runs unless told (8.4 LTS). */
  public static readonly DEFAULT_MYSQL_VERSION = '8.4.6';

  /** The MariaDB version `mariadb()` runs unless told (11.4 LTS). */
  public static readonly DEFAULT_MARIADB_VERSION = '11.4.7';

  /**
   * The official PostgreSQL image, pinned (default `postgres:15.14`): `PGDATA` in the subdirectory `pgdata` of the
   * volume (an ext4 volume's root holds `lost+found`, which initdb refuses), uid/gid 999, password from the Secret
   * (`POSTGRES_PASSWORD`), a preStop fast shutdown `pg_ctl stop -m fast -t N` (SIGTERM alone is a "smart" shutdown
   * that waits for every client, and usually ends in SIGKILL and crash recovery), `pg_isready` probes over TCP.
   *
   * @see https://hub.docker.com/_/postgres
   * @see https://www.postgresql.org/docs/current/server-shutdown.html
   */
  public static postgres(options: PostgresEngineOptions = {}): DatabaseEngine {
    const opts = options ?? {};
    const version = opts.version ?? DatabaseEngine.DEFAULT_POSTGRES_VERSION;
    const image = opts.image ?? `postgres:${version}`;
    const fastShutdown = opts.fastShutdownTimeout ?? Duration.seconds(60);
    const port = 5432;
    const mountPath = '/var/lib/postgresql/data';
    const dataDirectory = `${mountPath}/pgdata`;
    const database = 'POSTGRES_DB';
    const resources: kplus.ContainerResources = {
      cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.millis(1000) },
      memory: { request: Size.mebibytes(512), limit: Size.gibibytes(1) },
    };
    return new DatabaseEngine({
      family: DatabaseFamily.POSTGRES,
      name: 'postgres',
      image,
      port,
      mountPath,
      dataDirectory,
      user: 999,
      group: 999,
      defaultUsername: 'postgres',
      clientPasswordVariable: 'PGPASSWORD',
      checkpointCommand: ['/bin/sh', '-c',
        `PGPASSWORD="$POSTGRES_PASSWORD" exec psql --no-password --host=127.0.0.1 --port=${port} --username="$POSTGRES_USER" `
        + `--dbname="\${${database}:-$POSTGRES_USER}" --set=ON_ERROR_STOP=1 --command=CHECKPOINT`],
      resources,
      reservedEnv: ['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_PASSWORD_FILE', database, 'PGDATA'],
      container: (credentials, db) => {
        // pg_isready only asks whether the server accepts connections (no login); over TCP, so that the entrypoint's
        // socket-only init server does not count as started.
        const isReady = ['pg_isready', '--host=127.0.0.1', `--port=${port}`, '--timeout=4',
          ...(credentials.usernameKey === undefined ? [`--username=${credentials.username ?? 'postgres'}`] : [])];
        return {
          image,
          env: {
            POSTGRES_USER: credentials.usernameValue('postgres'),
            POSTGRES_PASSWORD: credentials.passwordValue(),
            ...(db !== undefined ? { [database]: kplus.EnvValue.fromValue(db) } : {}),
            PGDATA: kplus.EnvValue.fromValue(dataDirectory),
          },
          writableDirectories: [{ path: '/var/run/postgresql', sizeLimit: Size.mebibytes(16) }, { path: '/tmp' }],
          preStopCommand: ['/bin/sh', '-c', `exec pg_ctl stop -D "$PGDATA" -m fast -t ${fastShutdown.toSeconds()}`],
          preStopTimeout: fastShutdown,
          // After a fast stop the server is gone; this covers SIGTERM when pg_ctl timed out.
          shutdownBudget: Duration.seconds(10),
          ...commandProbes(isReady),
          resources,
        };
      },
      // CHECKPOINT writes every dirty buffer to disk, so that a snapshot cut right after it needs little WAL replay.
      networkCheckpoint: target => ['psql', '--no-password', '--no-psqlrc', '--set=ON_ERROR_STOP=1',
        ...(target.host !== undefined ? [`--host=${target.host}`] : []),
        ...(target.port !== undefined ? [`--port=${target.port}`] : []),
        ...(target.username !== undefined ? [`--username=${target.username}`] : []),
        '--dbname=postgres', '--command=CHECKPOINT'],
      dump: target => ['pg_dump', `--host=${target.host}`, `--port=${target.port}`, `--username=${target.username ?? 'postgres'}`,
        ...(target.database !== undefined ? [`--dbname=${target.database}`] : []), '--format=custom', '--no-password'],
      validate: (check) => {
        requireVersion(check, 'version', opts.version, /^\d+\.\d+$/, 'major.minor, e.g. "15.14"');
        if (opts.image !== undefined) requireImage(check, 'image', opts.image);
        requireDuration(check, 'fastShutdownTimeout', fastShutdown, 1);
      },
    });
  }

  /**
   * The official MySQL image, pinned (default `mysql:8.4.6`): data in the subdirectory `data` of the volume, uid/gid
   * 999, root password from the Secret (`MYSQL_ROOT_PASSWORD`), SIGTERM shutdown (clean in MySQL), `mysqladmin ping`
   * probes over TCP.
   *
   * @see https://hub.docker.com/_/mysql
   */
  public static mysql(options: MysqlEngineOptions = {}): DatabaseEngine {
    return DatabaseEngine.mysqlFamily(DatabaseFamily.MYSQL, 'MYSQL', 'mysqladmin', 'mysqldump', '/var/run/mysqld', DatabaseEngine.DEFAULT_MYSQL_VERSION, options ?? {});
  }

  /**
   * The official MariaDB image, pinned (default `mariadb:11.4.7`): data in the subdirectory `data` of the volume,
   * uid/gid 999, root password from the Secret (`MARIADB_ROOT_PASSWORD`), SIGTERM shutdown, `mariadb-admin ping`
   * probes over TCP.
   *
   * @see https://hub.docker.com/_/mariadb
   */
  public static mariadb(options: MysqlEngineOptions = {}): DatabaseEngine {
    return DatabaseEngine.mysqlFamily(DatabaseFamily.MARIADB, 'MARIADB', 'mariadb-admin', 'mariadb-dump', '/run/mysqld', DatabaseEngine.DEFAULT_MARIADB_VERSION, options ?? {});
  }

  /**
   * Any other single-writer server (Redis with persistence, an SQLite-backed app, ...), described by its options.
   */
  public static custom(options: CustomDatabaseEngineOptions): DatabaseEngine {
    const opts = options ?? ({} as CustomDatabaseEngineOptions);
    const preStopTimeout = opts.preStopCommand ? opts.preStopTimeout ?? Duration.seconds(30) : Duration.seconds(0);
    const shutdownBudget = opts.shutdownBudget ?? Duration.seconds(30);
    const resources = opts.resources ?? {
      cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.millis(1000) },
      memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
    };
    const reserved = [opts.passwordVariable, ...(opts.usernameVariable ? [opts.usernameVariable] : [])];
    return new DatabaseEngine({
      family: DatabaseFamily.CUSTOM,
      name: opts.name,
      image: opts.image,
      port: opts.port,
      mountPath: opts.mountPath,
      dataDirectory: opts.mountPath,
      user: opts.user,
      group: opts.group,
      defaultUsername: opts.defaultUsername,
      clientPasswordVariable: opts.passwordVariable,
      checkpointCommand: opts.checkpointCommand,
      resources,
      reservedEnv: reserved,
      container: credentials => ({
        image: opts.image,
        args: opts.args,
        env: {
          ...opts.env,
          [opts.passwordVariable]: credentials.passwordValue(),
          ...(opts.usernameVariable ? { [opts.usernameVariable]: credentials.usernameValue(opts.defaultUsername!) } : {}),
        },
        writableDirectories: opts.writableDirectories ?? [{ path: '/tmp' }],
        preStopCommand: opts.preStopCommand,
        preStopTimeout,
        shutdownBudget,
        ...(opts.healthCommand ? commandProbes(opts.healthCommand) : tcpProbes(opts.port)),
        resources,
      }),
      dump: target => opts.dumpCommand?.map(arg => arg
        .replace(/\{host\}/g, target.host)
        .replace(/\{port\}/g, String(target.port))
        .replace(/\{username\}/g, target.username ?? opts.defaultUsername ?? '')
        .replace(/\{database\}/g, target.database ?? '')),
      validate: (check) => {
        if (typeof opts.name !== 'string' || !/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/.test(opts.name)) {
          throw check.fail('name', opts.name, 'accepted: a DNS-1035 label (lowercase letters, digits and "-", starting with a letter), e.g. "redis"');
        }
        requireImage(check, 'image', opts.image);
        requirePort(check, 'port', opts.port);
        requireAbsolutePath(check, 'mountPath', opts.mountPath);
        requireId(check, 'user', opts.user, true);
        requireId(check, 'group', opts.group, false);
        if (opts.writableDirectories !== undefined) {
          requireWritableDirectories(check, 'writableDirectories', opts.writableDirectories, opts.mountPath);
        }
        if (opts.defaultUsername !== undefined && (typeof opts.defaultUsername !== 'string' || opts.defaultUsername === '')) {
          throw check.fail('defaultUsername', opts.defaultUsername, 'accepted: a non-empty user name');
        }
        for (const prop of ['passwordVariable', 'usernameVariable'] as const) {
          const value = opts[prop];
          if ((prop === 'passwordVariable' || value !== undefined) && (typeof value !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value))) {
            throw check.fail(prop, value, 'accepted: an environment variable name, e.g. "REDIS_PASSWORD"');
          }
        }
        if (opts.usernameVariable !== undefined && opts.usernameVariable === opts.passwordVariable) {
          throw check.fail('usernameVariable', opts.usernameVariable, 'it is the passwordVariable too; accepted: another variable');
        }
        for (const name of Object.keys(opts.env ?? {})) {
          if (reserved.includes(name)) {
            throw check.fail(`env["${name}"]`, name, 'it is set from the credentials; accepted: any other variable');
          }
        }
        if (opts.preStopCommand !== undefined) {
          requireDuration(check, 'preStopTimeout', preStopTimeout, 1);
        } else if (opts.preStopTimeout !== undefined) {
          throw check.fail('preStopTimeout', describeValue(opts.preStopTimeout),
            'it only applies to preStopCommand; accepted: preStopCommand given too, or no preStopTimeout');
        }
        requireDuration(check, 'shutdownBudget', shutdownBudget, 0);
        for (const prop of ['healthCommand', 'checkpointCommand', 'dumpCommand', 'preStopCommand', 'args'] as const) {
          const command = opts[prop];
          if (command !== undefined && (!Array.isArray(command) || !command.every(part => typeof part === 'string') || (prop !== 'args' && command.length === 0))) {
            throw check.fail(prop, command, 'accepted: a non-empty list of strings');
          }
        }
      },
      validateCredentials: (check, credentials) => {
        if (opts.usernameVariable !== undefined && credentials.username === undefined && credentials.usernameKey === undefined
          && opts.defaultUsername === undefined) {
          throw check.fail('username', undefined,
            `the engine passes the user name in ${opts.usernameVariable} and has no defaultUsername; accepted: a username or usernameKey`);
        }
      },
    });
  }

  private static mysqlFamily(family: DatabaseFamily, prefix: string, admin: string, dumper: string, socketDirectory: string,
    defaultVersion: string, opts: MysqlEngineOptions): DatabaseEngine {
    const name: string = family;
    const version = opts.version ?? defaultVersion;
    const image = opts.image ?? `${name}:${version}`;
    const shutdown = opts.shutdownTimeout ?? Duration.seconds(60);
    const port = 3306;
    const mountPath = '/var/lib/mysql';
    const dataDirectory = `${mountPath}/data`;
    const resources: kplus.ContainerResources = {
      cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.millis(1000) },
      memory: { request: Size.mebibytes(512), limit: Size.gibibytes(1) },
    };
    // `ping` exits 0 whenever the server answers, even "access denied", so it needs no password; over TCP, so that
    // the entrypoint's networkless init server does not count as started.
    const ping = [admin, 'ping', '--host=127.0.0.1', `--port=${port}`, '--connect-timeout=4', '--silent'];
    return new DatabaseEngine({
      family,
      name,
      image,
      port,
      mountPath,
      dataDirectory,
      user: 999,
      group: 999,
      defaultUsername: 'root',
      clientPasswordVariable: 'MYSQL_PWD',
      resources,
      reservedEnv: [`${prefix}_ROOT_PASSWORD`, `${prefix}_ROOT_PASSWORD_FILE`, `${prefix}_DATABASE`],
      container: (credentials, db) => ({
        image,
        // A subdirectory of the volume: --initialize refuses a data directory that holds ext4's lost+found.
        args: [`--datadir=${dataDirectory}`],
        env: {
          [`${prefix}_ROOT_PASSWORD`]: credentials.passwordValue(),
          ...(db !== undefined ? { [`${prefix}_DATABASE`]: kplus.EnvValue.fromValue(db) } : {}),
        },
        writableDirectories: [{ path: socketDirectory, sizeLimit: Size.mebibytes(16) }, { path: '/tmp', sizeLimit: Size.gibibytes(1) }],
        preStopTimeout: Duration.seconds(0),
        shutdownBudget: shutdown,
        ...commandProbes(ping),
        resources,
      }),
      dump: target => [dumper, `--host=${target.host}`, `--port=${target.port}`, `--user=${target.username ?? 'root'}`,
        '--single-transaction', '--routines', '--events', '--triggers',
        ...(target.database !== undefined ? ['--databases', target.database] : ['--all-databases'])],
      validate: (check) => {
        requireVersion(check, 'version', opts.version, /^\d+\.\d+\.\d+$/, `major.minor.patch, e.g. "${defaultVersion}"`);
        if (opts.image !== undefined) requireImage(check, 'image', opts.image);
        requireDuration(check, 'shutdownTimeout', shutdown, 1);
      },
      validateCredentials: (check, credentials) => {
        if ((credentials.username !== undefined && credentials.username !== 'root') || credentials.usernameKey !== undefined) {
          throw check.fail('username', credentials.username ?? `from key ${credentials.usernameKey}`,
            `the ${name} engine's credentials are the root password (${prefix}_ROOT_PASSWORD); accepted: "root" or no username`);
        }
      },
    });
  }

  /** The kind of server: set by the factory, so a custom engine is `CUSTOM` whatever its name or image. */
  public readonly family: DatabaseFamily;

  /** The engine's name: `postgres`, `mysql`, `mariadb`, or a custom engine's. */
  public readonly name: string;

  /** The image the server runs, pinned. */
  public readonly image: string;

  /** The TCP port the server listens on. */
  public readonly port: number;

  /** Where the data volume is mounted. */
  public readonly mountPath: string;

  /** Where the server keeps its data (a subdirectory of the mount for the built-in engines). */
  public readonly dataDirectory: string;

  /** The uid the server runs as. */
  public readonly user: number;

  /** The gid the server runs as, and the group that owns the data volume. */
  public readonly group: number;

  /** The superuser of the engine, used when the credentials name no user. */
  public readonly defaultUsername?: string;

  /** The environment variable a client (psql, pg_dump, mysqldump) reads the password from. */
  public readonly clientPasswordVariable: string;

  /**
   * A command, run in the database container, that makes the data on disk consistent before a volume snapshot
   * (PostgreSQL: `CHECKPOINT`); undefined when the engine needs none. A backup pod uses `networkCheckpointCommand()`.
   */
  public readonly checkpointCommand?: string[];

  /** The engine's default container resources. */
  public readonly resources: kplus.ContainerResources;

  private readonly settings: EngineSettings;

  private constructor(settings: EngineSettings) {
    this.settings = settings;
    this.family = settings.family;
    this.name = settings.name;
    this.image = settings.image;
    this.port = settings.port;
    this.mountPath = settings.mountPath;
    this.dataDirectory = settings.dataDirectory;
    this.user = settings.user;
    this.group = settings.group;
    this.defaultUsername = settings.defaultUsername;
    this.clientPasswordVariable = settings.clientPasswordVariable;
    this.checkpointCommand = settings.checkpointCommand;
    this.resources = settings.resources;
  }

  /**
   * A command that writes a logical dump to stdout, run from a separate pod over the network (never by mounting the
   * volume); the password must be in the `clientPasswordVariable` environment variable. Undefined for a custom engine
   * without a dump command.
   */
  public dumpCommand(target: DumpTarget): string[] | undefined {
    return this.settings.dump({ ...target, port: target.port ?? this.port });
  }

  /**
   * A command that makes the data on disk consistent before a volume snapshot, run from a separate pod over the
   * network (never in the database container); the password must be in the `clientPasswordVariable` environment
   * variable. Unlike `checkpointCommand`, it needs no access to the database's pod. Undefined when the engine has none
   * (MySQL, MariaDB and custom engines: their files are crash-consistent, or their checkpoint runs in the container).
   *
   * @param target where to connect; what is left out comes from the client's environment
   */
  public networkCheckpointCommand(target: CheckpointTarget = {}): string[] | undefined {
    return this.settings.networkCheckpoint?.(target ?? {});
  }

  /**
   * Checks the engine's options and the credentials against the engine; `check` is the checker of the struct that
   * holds `engine` and `credentials` (the workload, or its `container`).
   *
   * @internal
   */
  public _validate(check: PropChecker, credentials: DatabaseCredentials): void {
    this.settings.validate(check.nested('engine'));
    this.settings.validateCredentials?.(check.nested('credentials'), credentials);
  }

  /** @internal */
  public _reservedEnv(): readonly string[] {
    return this.settings.reservedEnv;
  }

  /** @internal */
  public _container(credentials: DatabaseCredentials, database: string | undefined): EngineContainer {
    return this.settings.container(credentials, database);
  }
}

function requireVersion(check: PropChecker, prop: string, version: unknown, form: RegExp, accepted: string): void {
  if (version !== undefined && !(typeof version === 'string' && form.test(version))) {
    throw check.fail(prop, version, `a version that is not exact names a moving image tag; accepted: ${accepted}`);
  }
}
