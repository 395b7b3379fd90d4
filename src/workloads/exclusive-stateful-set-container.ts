// What runs in each pod of an ExclusiveStatefulSet: a DatabaseEngine's server, or a container described prop by prop.
// Internal: the result has the shape SingleWriterWorkload uses (single-writer-container.ts), so that both workloads
// render probes, shutdown, security and scratch directories the same way.
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { DatabaseCredentials } from './database-credentials';
import { DatabaseEngine } from './database-engine';
import type { ScratchDirectory } from './pod-security';
import { GRACE_MARGIN_SECONDS, SingleWriterContainer } from './single-writer-container';
import type { WritableDirectory } from './single-writer-workload';
import {
  describeValue, isPortName, requireAbsolutePath, requireCommand, requireDuration, requireId, requireImage,
  requireNoReservedEnv, requirePort, requireWritableDirectories, wholeSeconds,
} from './validation';
import { invalidProp } from '../internal/errors';

/** The props that say what runs in the pods; `ExclusiveStatefulSetProps` has them all. */
export interface StatefulContainerProps {
  readonly engine?: DatabaseEngine;
  readonly credentials?: DatabaseCredentials;
  readonly database?: string;
  readonly image?: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly port?: number;
  readonly portName?: string;
  readonly mountPath?: string;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly fsGroup?: number;
  readonly writableDirectories?: WritableDirectory[];
  readonly preStopCommand?: string[];
  readonly preStopTimeout?: Duration;
  readonly shutdownBudget?: Duration;
  readonly env?: { [name: string]: kplus.EnvValue };
}

/** Props that describe a container by hand; with an engine they would be silently overridden, so they are refused. */
const CONTAINER_PROPS = [
  'image', 'command', 'args', 'port', 'portName', 'mountPath', 'runAsUser', 'runAsGroup', 'fsGroup',
  'writableDirectories', 'preStopCommand', 'preStopTimeout',
] as const;

const DEFAULT_SHUTDOWN_BUDGET = Duration.seconds(30);
const DEFAULT_PRESTOP_TIMEOUT = Duration.seconds(30);
const DEFAULT_SCRATCH_SIZE = Size.mebibytes(256);
/** A small server's needs, instead of cdk8s-plus's generic 1 CPU / 512Mi requested. */
const DEFAULT_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(1000) },
  memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
};
/** A database name that needs no quoting in SQL nor in a shell. */
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Checks the props and describes the container: the engine's when one is given, else the one the props describe. */
export function statefulContainer(path: string, kind: string, props: StatefulContainerProps): SingleWriterContainer {
  if (props.engine !== undefined) return engineContainer(path, kind, props);
  if (props.image === undefined) {
    throw invalidProp(path, kind, 'image', undefined,
      'accepted: a pinned image (with port and mountPath), or an engine such as DatabaseEngine.postgres() instead');
  }
  for (const prop of ['credentials', 'database'] as const) {
    if (props[prop] !== undefined) {
      throw invalidProp(path, kind, prop, describeValue(props[prop]), 'it only applies to an engine; accepted: engine given too, or no ' + prop);
    }
  }
  return customContainer(path, kind, props);
}

function engineContainer(path: string, kind: string, props: StatefulContainerProps): SingleWriterContainer {
  const { engine, credentials, database } = props;
  if (!(engine instanceof DatabaseEngine)) {
    throw invalidProp(path, kind, 'engine', describeValue(engine), 'accepted: DatabaseEngine.postgres(), mysql(), mariadb() or custom({...})');
  }
  for (const prop of CONTAINER_PROPS) {
    if (props[prop] !== undefined) {
      throw invalidProp(path, kind, prop, describeValue(props[prop]),
        `the ${engine.name} engine sets it; accepted: no ${prop} with an engine (use DatabaseEngine.custom() to choose it)`);
    }
  }
  if (!(credentials instanceof DatabaseCredentials)) {
    throw invalidProp(path, kind, 'credentials', describeValue(credentials),
      'accepted: DatabaseCredentials.fromSecret(secret, { passwordKey }); a password cannot be given as text');
  }
  credentials._validate(path, kind, 'credentials');
  engine._validate(path, kind, credentials);
  if (database !== undefined && (typeof database !== 'string' || !DATABASE_NAME.test(database))) {
    throw invalidProp(path, kind, 'database', database, 'accepted: at most 63 letters, digits and "_", starting with a letter or "_"');
  }
  requireNoReservedEnv(path, kind, props.env, engine._reservedEnv(), `the ${engine.name} engine`);
  if (props.shutdownBudget !== undefined) requireDuration(path, kind, 'shutdownBudget', props.shutdownBudget, 0);

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

function customContainer(path: string, kind: string, props: StatefulContainerProps): SingleWriterContainer {
  requireImage(path, kind, 'image', props.image);
  requireCommand(path, kind, 'command', props.command);
  requireCommand(path, kind, 'args', props.args);
  requirePort(path, kind, 'port', props.port);
  if (props.portName !== undefined && !isPortName(props.portName)) {
    throw invalidProp(path, kind, 'portName', props.portName,
      'accepted: an IANA service name, at most 15 lowercase letters, digits and "-", with at least one letter, e.g. "http"');
  }
  requireAbsolutePath(path, kind, 'mountPath', props.mountPath);
  const user = props.runAsUser ?? 1000;
  const group = props.runAsGroup ?? 1000;
  const fsGroup = props.fsGroup ?? group;
  requireId(path, kind, 'runAsUser', user, true);
  requireId(path, kind, 'runAsGroup', group, false);
  requireId(path, kind, 'fsGroup', fsGroup, false);
  if (props.preStopCommand !== undefined) {
    requireCommand(path, kind, 'preStopCommand', props.preStopCommand);
    if (props.preStopCommand.length === 0) {
      throw invalidProp(path, kind, 'preStopCommand', props.preStopCommand, 'accepted: a non-empty command, or no preStopCommand');
    }
  } else if (props.preStopTimeout !== undefined) {
    throw invalidProp(path, kind, 'preStopTimeout', describeValue(props.preStopTimeout),
      'it only applies to preStopCommand; accepted: preStopCommand given too, or no preStopTimeout');
  }
  const writableDirectories = props.writableDirectories ?? [{ path: '/tmp' }];
  requireWritableDirectories(path, kind, 'writableDirectories', writableDirectories, props.mountPath!);
  const port = props.port!;
  const probe = (period: number, failures: number) => kplus.Probe.fromTcpSocket({
    port, periodSeconds: Duration.seconds(period), failureThreshold: failures, timeoutSeconds: Duration.seconds(5),
  });
  return {
    containerName: 'main',
    image: props.image!,
    command: props.command,
    args: props.args,
    port,
    portName: props.portName ?? 'main',
    mountPath: props.mountPath!,
    identity: { user, group, fsGroup },
    env: {},
    writableDirectories,
    preStopCommand: props.preStopCommand,
    preStopTimeout: props.preStopCommand
      ? requireDuration(path, kind, 'preStopTimeout', props.preStopTimeout ?? DEFAULT_PRESTOP_TIMEOUT, 1)
      : Duration.seconds(0),
    shutdownBudget: requireDuration(path, kind, 'shutdownBudget', props.shutdownBudget ?? DEFAULT_SHUTDOWN_BUDGET, 0),
    // Crash recovery can take minutes: up to 15 minutes to start before liveness may restart the container.
    startupProbe: probe(10, 90),
    livenessProbe: probe(10, 6),
    readinessProbe: probe(5, 3),
    resources: DEFAULT_RESOURCES,
  };
}

/**
 * The pod's termination grace period: it counts from before the preStop hook, so it covers the preStop timeout, then
 * the shutdown budget after SIGTERM, plus a margin. A given one shorter than that is an error.
 */
export function terminationGrace(path: string, kind: string, spec: SingleWriterContainer, given: Duration | undefined): Duration {
  const minimum = spec.preStopTimeout.toSeconds() + spec.shutdownBudget.toSeconds() + GRACE_MARGIN_SECONDS;
  if (given === undefined) return Duration.seconds(minimum);
  const seconds = given instanceof Duration ? wholeSeconds(given) : undefined;
  if (seconds === undefined || seconds < minimum) {
    throw invalidProp(path, kind, 'terminationGracePeriod', seconds === undefined ? describeValue(given) : `${seconds}s`,
      `it counts from before the preStop hook, so it must cover the preStop timeout (${spec.preStopTimeout.toSeconds()}s) `
      + `plus the shutdown budget (${spec.shutdownBudget.toSeconds()}s) plus ${GRACE_MARGIN_SECONDS}s, or the process is killed `
      + `mid-shutdown; accepted: a Duration of whole seconds, at least ${minimum}s`);
  }
  return given;
}

/**
 * emptyDir volumes named after their paths (`/var/run/postgresql` → `var-run-postgresql`), unique, and never the name
 * of the claim template (the pod's volume of that name comes from the template).
 */
export function scratchVolumes(directories: readonly WritableDirectory[], claimTemplateName: string): ScratchDirectory[] {
  const names = new Set<string>([claimTemplateName]);
  return directories.map((directory) => {
    const base = directory.path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50).replace(/-+$/, '') || 'root';
    let name = base;
    for (let i = 2; names.has(name); i++) name = `${base}-${i}`;
    names.add(name);
    return { name, path: directory.path, sizeLimit: directory.sizeLimit ?? DEFAULT_SCRATCH_SIZE };
  });
}
