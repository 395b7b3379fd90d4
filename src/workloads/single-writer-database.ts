import { Construct } from 'constructs';
import { DatabaseCredentials } from './database-credentials';
import { DatabaseEngine } from './database-engine';
import { CONTAINER, SingleWriterContainer } from './single-writer-container';
import { SingleWriterOptions, SingleWriterWorkload, SingleWriterWorkloadProps } from './single-writer-workload';
import { isPortName, requireNoReservedEnv } from './validation';
import { invalidProp, pathOf } from '../internal/errors';

/**
 * Properties of a `SingleWriterDatabase`.
 */
export interface SingleWriterDatabaseProps extends SingleWriterOptions {
  /** The database server, e.g. `DatabaseEngine.postgres({ version: '15.14' })`. */
  readonly engine: DatabaseEngine;

  /**
   * The superuser's password (and optionally name), from a Secret: `DatabaseCredentials.fromSecret(secret)`.
   * There is no way to give a password as text.
   */
  readonly credentials: DatabaseCredentials;

  /**
   * A database to create at the first start (`POSTGRES_DB`, `MYSQL_DATABASE`, `MARIADB_DATABASE`).
   *
   * @default - PostgreSQL: a database named after the user; MySQL/MariaDB: none
   */
  readonly database?: string;
}

/**
 * A database server run as a `SingleWriterWorkload`: the engine's pinned image, data directory, credentials from a
 * Secret, clean shutdown within the grace period, probes and resources, on a ReadWriteOncePod volume that no other pod
 * can mount. It exposes what clients and backups need: `host`, `port`, `engine`, `credentials`, `volume`, `podLabels`,
 * `allowFrom()`, `checkpointCommand` and `dumpCommand()`.
 */
export class SingleWriterDatabase extends SingleWriterWorkload {
  /** The database server. */
  public readonly engine: DatabaseEngine;

  /** Where the superuser's password is. */
  public readonly credentials: DatabaseCredentials;

  /** The database created at the first start, if one was named. */
  public readonly database?: string;

  public constructor(scope: Construct, id: string, props: SingleWriterDatabaseProps) {
    const kind = new.target.name;
    const path = pathOf(scope, id);
    const container = databaseContainer(path, kind, props);
    super(scope, id, { ...props, [CONTAINER]: container } as unknown as SingleWriterWorkloadProps);
    this.engine = props.engine;
    this.credentials = props.credentials;
    this.database = props.database;
  }

  /** The host name clients use in the namespace: the Service's name. */
  public get host(): string {
    return this.serviceName;
  }

  /**
   * The command that makes the data on disk consistent before a volume snapshot, run in the database container
   * (`kubectl exec`); undefined when the engine needs none.
   */
  public get checkpointCommand(): string[] | undefined {
    return this.engine.checkpointCommand ? [...this.engine.checkpointCommand] : undefined;
  }

  /**
   * The command that writes a logical dump of the database to stdout, from a separate pod through the Service; the
   * password goes in the environment variable `engine.clientPasswordVariable`. Undefined for a custom engine without one.
   */
  public dumpCommand(): string[] | undefined {
    return this.engine.dumpCommand({
      host: this.host,
      port: this.port,
      username: this.credentials.username,
      database: this.database,
    });
  }
}

function databaseContainer(path: string, kind: string, props: SingleWriterDatabaseProps): SingleWriterContainer {
  if (props === undefined || props === null || typeof props !== 'object') {
    throw invalidProp(path, kind, 'props', props, 'accepted: an object with at least engine, credentials and storage or volume');
  }
  const { engine, credentials, database } = props;
  if (!(engine instanceof DatabaseEngine)) {
    throw invalidProp(path, kind, 'engine', engine === undefined ? undefined : String(engine),
      'accepted: DatabaseEngine.postgres(), mysql(), mariadb() or custom({...})');
  }
  if (!(credentials instanceof DatabaseCredentials)) {
    throw invalidProp(path, kind, 'credentials', credentials === undefined ? undefined : String(credentials),
      'accepted: DatabaseCredentials.fromSecret(secret, { passwordKey }); a password cannot be given as text');
  }
  credentials._validate(path, kind, 'credentials');
  engine._validate(path, kind, credentials);
  if (database !== undefined && (typeof database !== 'string' || !DATABASE_NAME.test(database))) {
    throw invalidProp(path, kind, 'database', database, 'accepted: at most 63 letters, digits and "_", starting with a letter or "_"');
  }
  requireNoReservedEnv(path, kind, props.env, engine._reservedEnv(), `the ${engine.name} engine`);

  const server = engine._container(credentials, database);
  return {
    containerName: engine.name,
    image: server.image,
    args: server.args,
    port: engine.port,
    portName: isPortName(engine.name) ? engine.name : 'db',
    mountPath: engine.mountPath,
    identity: { user: engine.user, group: engine.group, fsGroup: engine.group },
    env: server.env,
    writableDirectories: server.writableDirectories,
    preStopCommand: server.preStopCommand,
    preStopTimeout: server.preStopTimeout,
    shutdownBudget: props.shutdownBudget ?? server.shutdownBudget,
    startupProbe: server.startupProbe,
    livenessProbe: server.livenessProbe,
    readinessProbe: server.readinessProbe,
    resources: server.resources,
  };
}

/** A database name that needs no quoting in SQL nor in a shell. */
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
