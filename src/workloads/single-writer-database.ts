import { Construct } from 'constructs';
import { DatabaseCredentials } from './database-credentials';
import { DatabaseEngine } from './database-engine';
import { SingleWriterOptions, SingleWriterWorkload } from './single-writer-workload';
import { WorkloadContainer } from './workload-container';
import { pathOf } from '../internal/errors';
import { PropChecker } from '../internal/prop-checker';

/**
 * Properties of a `SingleWriterDatabase`.
 */
export interface SingleWriterDatabaseProps extends SingleWriterOptions {
  /** The database server, e.g. `DatabaseEngine.postgres({ version: '15.14' })`. */
  readonly engine: DatabaseEngine;

  /**
   * The superuser's password (and optionally name), from a Secret: `DatabaseCredentials.fromSecretName('postgres-secret')`
   * or `DatabaseCredentials.fromSecret(secret)`. There is no way to give a password as text.
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
    const check = new PropChecker(pathOf(scope, id), new.target.name);
    super(scope, id, { ...props, container: databaseContainer(check, props) });
    this.engine = props.engine;
    this.credentials = props.credentials;
    this.database = props.database;
  }

  /** @internal */
  protected _credentialsProp(): string {
    return 'credentials';
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

/**
 * The engine's server as the workload's container. Checked here first, so that a bad engine, credentials or database
 * is reported under the props of the database rather than under `container`.
 */
function databaseContainer(check: PropChecker, props: SingleWriterDatabaseProps): WorkloadContainer {
  if (props === undefined || props === null || typeof props !== 'object') {
    throw check.fail('props', props, 'accepted: an object with at least engine, credentials and storage or volume');
  }
  const container = WorkloadContainer.fromEngine(props.engine, { credentials: props.credentials, database: props.database });
  container._describe(check, props, check);
  return container;
}
