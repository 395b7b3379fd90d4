import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ContainerSpec, tcpProbes } from './container-spec';
import { DatabaseCredentials } from './database-credentials';
import { DatabaseEngine } from './database-engine';
import {
  describeValue, isPortName, requireAbsolutePath, requireCommand, requireDuration, requireId, requireImage, requireNoReservedEnv,
  requirePort, requireWritableDirectories,
} from './validation';
import { WorkloadOptions } from './workload-options';
import { WritableDirectory } from './writable-directory';
import { PropChecker } from '../internal/prop-checker';

/**
 * Options of `WorkloadContainer.fromImage()`: a container described by its image and how it runs.
 */
export interface ImageContainerOptions {
  /** The container image, pinned: a tag other than `latest`, or a digest (`name:tag@sha256:...`). */
  readonly image: string;

  /**
   * The container's entrypoint.
   *
   * @default - the image's
   */
  readonly command?: string[];

  /**
   * Arguments of the entrypoint.
   *
   * @default - the image's
   */
  readonly args?: string[];

  /** The TCP port the process listens on; the workload's Service exposes it. */
  readonly port: number;

  /**
   * The name of the port (an IANA service name: at most 15 lowercase letters, digits and "-").
   *
   * @default "main"
   */
  readonly portName?: string;

  /**
   * Where the data volume is mounted, an absolute path (for an `ExclusiveStatefulSet` with a block volume, the device
   * path).
   */
  readonly mountPath: string;

  /**
   * The uid of the process (never 0).
   *
   * @default 1000
   */
  readonly runAsUser?: number;

  /**
   * The gid of the process.
   *
   * @default 1000
   */
  readonly runAsGroup?: number;

  /**
   * The group that owns the data volume, so that the process can write to it.
   *
   * @default - `runAsGroup`
   */
  readonly fsGroup?: number;

  /**
   * Directories the process writes to besides the data volume; the root filesystem is read-only.
   *
   * @default - `/tmp`, 256Mi
   */
  readonly writableDirectories?: WritableDirectory[];

  /**
   * A command that stops the process cleanly before it gets SIGTERM. It must end on its own within `preStopTimeout`.
   *
   * @default - no preStop hook
   */
  readonly preStopCommand?: string[];

  /**
   * The longest `preStopCommand` runs. Only with `preStopCommand`.
   *
   * @default Duration.seconds(30)
   */
  readonly preStopTimeout?: Duration;
}

/**
 * Options of `WorkloadContainer.fromEngine()`: what the engine's server needs besides the engine.
 */
export interface EngineContainerOptions {
  /**
   * The superuser's password (and optionally name), from a Secret: `DatabaseCredentials.fromSecretName('postgres-secret')`
   * or `DatabaseCredentials.fromSecret(secret)`. There is no way to give a password as text.
   */
  readonly credentials: DatabaseCredentials;

  /**
   * A database the server creates at its first start (`POSTGRES_DB`, `MYSQL_DATABASE`, `MARIADB_DATABASE`).
   *
   * @default - PostgreSQL: a database named after the user; MySQL/MariaDB: none
   */
  readonly database?: string;
}

/** How long the process may take to exit after SIGTERM, unless told. */
const DEFAULT_SHUTDOWN_BUDGET = Duration.seconds(30);
/** The preStop command's bound, unless told. */
const DEFAULT_PRESTOP_TIMEOUT = Duration.seconds(30);
/** A small server's needs, instead of cdk8s-plus's generic 1 CPU / 512Mi requested. */
const DEFAULT_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(1000) },
  memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
};
/** A database name that needs no quoting in SQL nor in a shell. */
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * What a workload runs, as one value: a database engine's server (`fromEngine`) or a container described by its image
 * (`fromImage`). `SingleWriterWorkload` and `ExclusiveStatefulSet` take it as their `container`; the workload checks it,
 * with its construct path, when it is created.
 */
export class WorkloadContainer {
  /**
   * The server of a database engine: its pinned image, data directory, user, credentials from a Secret, clean
   * shutdown, probes and resources, e.g.
   * `WorkloadContainer.fromEngine(DatabaseEngine.postgres(), { credentials: DatabaseCredentials.fromSecretName('pg') })`.
   *
   * @param engine the database server, e.g. `DatabaseEngine.postgres({ version: '15.14' })`
   */
  public static fromEngine(engine: DatabaseEngine, options: EngineContainerOptions): WorkloadContainer {
    const opts = options ?? ({} as EngineContainerOptions);
    return new WorkloadContainer(engine, opts.credentials, opts.database, undefined);
  }

  /**
   * A container described by its image, port and mount path, e.g.
   * `WorkloadContainer.fromImage({ image: 'ghcr.io/example/app:1.4.2', port: 8080, mountPath: '/var/lib/app' })`.
   */
  public static fromImage(options: ImageContainerOptions): WorkloadContainer {
    return new WorkloadContainer(undefined, undefined, undefined, options ?? ({} as ImageContainerOptions));
  }

  /** The database server, for a container made by `fromEngine()`. */
  public readonly engine?: DatabaseEngine;

  /** Where the superuser's password is, for a container made by `fromEngine()`. */
  public readonly credentials?: DatabaseCredentials;

  /** The database created at the first start, if `fromEngine()` named one. */
  public readonly database?: string;

  /** The options of `fromImage()`; undefined for a container of an engine. */
  private readonly imageOptions?: ImageContainerOptions;

  private constructor(engine: DatabaseEngine | undefined, credentials: DatabaseCredentials | undefined,
    database: string | undefined, imageOptions: ImageContainerOptions | undefined) {
    this.engine = engine;
    this.credentials = credentials;
    this.database = database;
    this.imageOptions = imageOptions;
  }

  /**
   * Checks the container and describes it with every default filled in, and with the workload's `env` and
   * `shutdownBudget`. `check` is the checker of the struct that holds the container's options, so that errors name the
   * props as the workload has them (e.g. `container.image`, or `engine` for a database); `workload` is the checker of
   * the workload's own props, which `options` are.
   *
   * @internal
   */
  public _describe(check: PropChecker, options: WorkloadOptions, workload: PropChecker): ContainerSpec {
    const spec = this.imageOptions !== undefined
      ? imageContainer(check, this.imageOptions)
      : engineContainer(check, this, options.env, workload);
    return options.shutdownBudget === undefined ? spec : { ...spec, shutdownBudget: options.shutdownBudget };
  }
}

/** Checks the options of `fromImage()` and fills in the defaults. */
function imageContainer(check: PropChecker, options: ImageContainerOptions): ContainerSpec {
  requireImage(check, 'image', options.image);
  requireCommand(check, 'command', options.command);
  requireCommand(check, 'args', options.args);
  requirePort(check, 'port', options.port);
  if (options.portName !== undefined && !isPortName(options.portName)) {
    throw check.fail('portName', options.portName,
      'accepted: an IANA service name, at most 15 lowercase letters, digits and "-", with at least one letter, e.g. "http"');
  }
  requireAbsolutePath(check, 'mountPath', options.mountPath);
  const user = options.runAsUser ?? 1000;
  const group = options.runAsGroup ?? 1000;
  const fsGroup = options.fsGroup ?? group;
  requireId(check, 'runAsUser', user, true);
  requireId(check, 'runAsGroup', group, false);
  requireId(check, 'fsGroup', fsGroup, false);
  if (options.preStopCommand !== undefined) {
    requireCommand(check, 'preStopCommand', options.preStopCommand);
    if (options.preStopCommand.length === 0) {
      throw check.fail('preStopCommand', options.preStopCommand, 'accepted: a non-empty command, or no preStopCommand');
    }
  } else if (options.preStopTimeout !== undefined) {
    throw check.fail('preStopTimeout', describeValue(options.preStopTimeout),
      'it only applies to preStopCommand; accepted: preStopCommand given too, or no preStopTimeout');
  }
  const writableDirectories = options.writableDirectories ?? [{ path: '/tmp' }];
  requireWritableDirectories(check, 'writableDirectories', writableDirectories, options.mountPath);
  return {
    containerName: 'main',
    image: options.image,
    command: options.command,
    args: options.args,
    port: options.port,
    portName: options.portName ?? 'main',
    mountPath: options.mountPath,
    identity: { user, group, fsGroup },
    env: {},
    writableDirectories,
    preStopCommand: options.preStopCommand,
    preStopTimeout: options.preStopCommand
      ? requireDuration(check, 'preStopTimeout', options.preStopTimeout ?? DEFAULT_PRESTOP_TIMEOUT, 1)
      : Duration.seconds(0),
    shutdownBudget: DEFAULT_SHUTDOWN_BUDGET,
    ...tcpProbes(options.port),
    resources: DEFAULT_RESOURCES,
  };
}

/** Checks the engine, its credentials and database, and describes the container of the engine's server. */
function engineContainer(check: PropChecker, container: WorkloadContainer,
  env: { [name: string]: kplus.EnvValue } | undefined, workload: PropChecker): ContainerSpec {
  const { engine, credentials, database } = container;
  if (!(engine instanceof DatabaseEngine)) {
    throw check.fail('engine', describeValue(engine),
      'accepted: DatabaseEngine.postgres(), mysql(), mariadb() or custom({...})');
  }
  if (!(credentials instanceof DatabaseCredentials)) {
    throw check.fail('credentials', describeValue(credentials),
      'accepted: DatabaseCredentials.fromSecretName("postgres-secret", { passwordKey }) or fromSecret(secret, { passwordKey }); a password cannot be given as text');
  }
  credentials._validate(check.nested('credentials'));
  engine._validate(check, credentials);
  if (database !== undefined && (typeof database !== 'string' || !DATABASE_NAME.test(database))) {
    throw check.fail('database', database, 'accepted: at most 63 letters, digits and "_", starting with a letter or "_"');
  }
  requireNoReservedEnv(workload, env, engine._reservedEnv(), `the ${engine.name} engine`);

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
    shutdownBudget: server.shutdownBudget,
    startupProbe: server.startupProbe,
    livenessProbe: server.livenessProbe,
    readinessProbe: server.readinessProbe,
    resources: server.resources,
  };
}
