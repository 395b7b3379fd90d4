// The container of a single writer, shared by SingleWriterWorkload (and so SingleWriterDatabase) and
// ExclusiveStatefulSet: what runs (a DatabaseEngine's server, or a container described prop by prop), its defaults,
// probes, shutdown and grace period, how it is rendered and where its pods run, so that both workloads run it the same way.
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { DatabaseCredentials } from './database-credentials';
// eslint-disable-next-line import/no-cycle -- the engine and the container it builds still import each other (the one cycle left)
import { DatabaseEngine } from './database-engine';
import { DisruptionPolicy } from './disruption-policy';
import type { ExclusiveStatefulSetProps } from './exclusive-stateful-set';
import { PodIdentity, ScratchDirectory, restrictedContainerSecurityContext } from './pod-security';
import type { SingleWriterOptions, WritableDirectory } from './single-writer-workload';
import {
  describeValue, isPortName, requireAbsolutePath, requireCommand, requireDuration, requireEnv, requireId, requireImage,
  requireLabels, requireNoReservedEnv, requirePort, requireWritableDirectories, refuseOtherCpu, shownValue, wholeSeconds,
} from './validation';
import { OUR_CDK8S_PLUS, refuseOtherCdk8sPlus } from '../internal/cdk8s-plus-origin';
import { invalidProp } from '../internal/errors';
import { DNS1123_SUBDOMAIN_RULE, LABEL_VALUE_RULE, isDns1123Subdomain, isLabelValue } from '../internal/names';

/** Slack between the shutdown budget and SIGKILL. */
export const GRACE_MARGIN_SECONDS = 5;

/**
 * Hands the container a subclass derived (e.g. from a `DatabaseEngine`) to the `SingleWriterWorkload` constructor;
 * a symbol, so that no caller can set it by accident.
 */
export const CONTAINER = Symbol('rwop.singleWriterContainer');

/** What the engine runs in the single-writer container; see SingleWriterDatabase. */
export interface EngineContainer {
  readonly image: string;
  readonly args?: string[];
  readonly env: { [name: string]: kplus.EnvValue };
  readonly writableDirectories: readonly WritableDirectory[];
  readonly preStopCommand?: string[];
  readonly preStopTimeout: Duration;
  readonly shutdownBudget: Duration;
  readonly startupProbe: kplus.Probe;
  readonly livenessProbe: kplus.Probe;
  readonly readinessProbe: kplus.Probe;
  readonly resources: kplus.ContainerResources;
}

/** The container a single writer runs, as `SingleWriterWorkload`, `SingleWriterDatabase` and `ExclusiveStatefulSet` describe it. */
export interface SingleWriterContainer extends EngineContainer {
  readonly containerName: string;
  readonly command?: string[];
  readonly port: number;
  readonly portName: string;
  readonly mountPath: string;
  readonly identity: PodIdentity;
}

/** The props that describe a container by hand (`SingleWriterWorkloadProps` has them too, some required). */
export type ContainerOptions = Pick<ExclusiveStatefulSetProps, 'image' | 'command' | 'args' | 'port' | 'portName' | 'mountPath'
| 'runAsUser' | 'runAsGroup' | 'fsGroup' | 'writableDirectories' | 'preStopCommand' | 'preStopTimeout' | 'shutdownBudget'>;

/** The props that run a database engine (`SingleWriterDatabaseProps` has them too, some required). */
export type EngineOptions = Pick<ExclusiveStatefulSetProps, 'engine' | 'credentials' | 'database' | 'env' | 'shutdownBudget'>;

/** The props every workload has about its pods, beyond what runs in them. */
export type PodOptions = Pick<SingleWriterOptions, 'env' | 'resources' | 'startupProbe' | 'livenessProbe' | 'readinessProbe'
| 'requiredNodeLabels' | 'zone' | 'tolerations' | 'priorityClassName' | 'disruptionPolicy'>;

/** How long the process may take to exit after SIGTERM, unless told. */
const DEFAULT_SHUTDOWN_BUDGET = Duration.seconds(30);
/** The preStop command's bound, unless told. */
const DEFAULT_PRESTOP_TIMEOUT = Duration.seconds(30);
const DEFAULT_SCRATCH_SIZE = Size.mebibytes(256);
/** A small server's needs, instead of cdk8s-plus's generic 1 CPU / 512Mi requested. */
const DEFAULT_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(1000) },
  memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
};
/** A database name that needs no quoting in SQL nor in a shell. */
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Checks the props that describe a container by hand, and fills in the defaults. */
export function customContainer(path: string, kind: string, props: ContainerOptions): SingleWriterContainer {
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
  const port = props.port!;
  const mountPath = props.mountPath!;
  const writableDirectories = props.writableDirectories ?? [{ path: '/tmp' }];
  requireWritableDirectories(path, kind, 'writableDirectories', writableDirectories, mountPath);
  return {
    containerName: 'main',
    image: props.image!,
    command: props.command,
    args: props.args,
    port,
    portName: props.portName ?? 'main',
    mountPath,
    identity: { user, group, fsGroup },
    env: {},
    writableDirectories,
    preStopCommand: props.preStopCommand,
    preStopTimeout: props.preStopCommand
      ? requireDuration(path, kind, 'preStopTimeout', props.preStopTimeout ?? DEFAULT_PRESTOP_TIMEOUT, 1)
      : Duration.seconds(0),
    shutdownBudget: requireDuration(path, kind, 'shutdownBudget', props.shutdownBudget ?? DEFAULT_SHUTDOWN_BUDGET, 0),
    ...tcpProbes(port),
    resources: DEFAULT_RESOURCES,
  };
}

/** Checks the engine, its credentials and database, and describes the container of the engine's server. */
export function engineContainer(path: string, kind: string, props: EngineOptions): SingleWriterContainer {
  const { engine, credentials, database } = props;
  if (!(engine instanceof DatabaseEngine)) {
    throw invalidProp(path, kind, 'engine', describeValue(engine), 'accepted: DatabaseEngine.postgres(), mysql(), mariadb() or custom({...})');
  }
  if (!(credentials instanceof DatabaseCredentials)) {
    throw invalidProp(path, kind, 'credentials', describeValue(credentials),
      'accepted: DatabaseCredentials.fromSecretName("postgres-secret", { passwordKey }) or fromSecret(secret, { passwordKey }); a password cannot be given as text');
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

/**
 * The pod's termination grace period: it counts from before the preStop hook, so it covers the preStop timeout, then
 * the shutdown budget after SIGTERM, plus a margin. A given one shorter than that is an error.
 */
export function terminationGrace(path: string, kind: string, spec: SingleWriterContainer, given: Duration | undefined): Duration {
  const minimum = spec.preStopTimeout.toSeconds() + spec.shutdownBudget.toSeconds() + GRACE_MARGIN_SECONDS;
  if (given === undefined) return Duration.seconds(minimum);
  const seconds = given instanceof Duration ? wholeSeconds(given) : undefined;
  if (seconds === undefined || seconds < minimum) {
    const shown = seconds !== undefined ? `${seconds}s` : shownValue(given);
    throw invalidProp(path, kind, 'terminationGracePeriod', shown,
      `it counts from before the preStop hook, so it must cover the preStop timeout (${spec.preStopTimeout.toSeconds()}s) `
      + `plus the shutdown budget (${spec.shutdownBudget.toSeconds()}s) plus ${GRACE_MARGIN_SECONDS}s, or the process is killed `
      + `mid-shutdown; accepted: a Duration of whole seconds, at least ${minimum}s`);
  }
  return given;
}

/**
 * emptyDir volumes named after their paths (`/var/run/postgresql` → `var-run-postgresql`), unique, and never
 * `dataVolumeName`, the name of the pod's data volume.
 */
export function scratchDirectories(directories: readonly WritableDirectory[], dataVolumeName: string): ScratchDirectory[] {
  const names = new Set<string>([dataVolumeName]);
  return directories.map((directory) => {
    const base = directory.path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50).replace(/-+$/, '') || 'root';
    let name = base;
    for (let i = 2; names.has(name); i++) name = `${base}-${i}`;
    names.add(name);
    return { name, path: directory.path, sizeLimit: directory.sizeLimit ?? DEFAULT_SCRATCH_SIZE };
  });
}

/** The container as cdk8s-plus renders it: restricted, with the given overrides of env, resources and probes. */
export function containerProps(spec: SingleWriterContainer, overrides: PodOptions): kplus.ContainerProps {
  return {
    name: spec.containerName,
    image: spec.image,
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    command: spec.command,
    args: spec.args,
    ports: [{ number: spec.port, name: spec.portName }],
    envVariables: { ...spec.env, ...overrides.env },
    securityContext: restrictedContainerSecurityContext(spec.identity),
    resources: overrides.resources ?? spec.resources,
    startup: overrides.startupProbe ?? spec.startupProbe,
    liveness: overrides.livenessProbe ?? spec.livenessProbe,
    readiness: overrides.readinessProbe ?? spec.readinessProbe,
    lifecycle: spec.preStopCommand ? { preStop: kplus.Handler.fromCommand(spec.preStopCommand) } : undefined,
  };
}

/** Checks of the pod options every workload shares. */
export function requirePodOptions(path: string, kind: string, props: PodOptions): void {
  for (const prop of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const) {
    refuseOtherCdk8sPlus(path, kind, prop, props[prop],
      `pass a Probe of ${OUR_CDK8S_PLUS} (kplus.Probe.fromCommand([...]) or kplus.Probe.fromTcpSocket()), or omit ${prop}: `
      + 'the default checks the port, or runs the database engine\'s own check');
    if (props[prop] !== undefined && !(props[prop] instanceof kplus.Probe)) {
      throw invalidProp(path, kind, prop, describeValue(props[prop]), 'accepted: a kplus.Probe, e.g. kplus.Probe.fromCommand([...])');
    }
  }
  if (props.resources !== undefined && (typeof props.resources !== 'object' || props.resources === null || Array.isArray(props.resources))) {
    throw invalidProp(path, kind, 'resources', props.resources, 'accepted: kplus.ContainerResources, e.g. { memory: { request: Size.mebibytes(512) } }');
  }
  refuseOtherCpu(path, kind, 'resources', props.resources);
  requireEnv(path, kind, props.env);
  requireLabels(path, kind, 'requiredNodeLabels', props.requiredNodeLabels);
  if (props.zone !== undefined && (typeof props.zone !== 'string' || props.zone === '' || !isLabelValue(props.zone))) {
    throw invalidProp(path, kind, 'zone', props.zone, `accepted: a zone name (a label value: ${LABEL_VALUE_RULE}), e.g. "eu-west-1a"`);
  }
  for (const toleration of Array.isArray(props.tolerations) ? props.tolerations : []) {
    refuseOtherCdk8sPlus(path, kind, 'tolerations', toleration,
      `pass kplus.NodeTaintQuery.is(key, value) of ${OUR_CDK8S_PLUS}`);
  }
  if (props.tolerations !== undefined && (!Array.isArray(props.tolerations) || !props.tolerations.every(t => t instanceof kplus.NodeTaintQuery))) {
    throw invalidProp(path, kind, 'tolerations', describeValue(props.tolerations),
      'accepted: a list of kplus.NodeTaintQuery, e.g. [kplus.NodeTaintQuery.is("dedicated", "database")]');
  }
  if (props.priorityClassName !== undefined && (typeof props.priorityClassName !== 'string' || !isDns1123Subdomain(props.priorityClassName))) {
    throw invalidProp(path, kind, 'priorityClassName', props.priorityClassName, `accepted: the name of a PriorityClass, ${DNS1123_SUBDOMAIN_RULE}`);
  }
  if (props.disruptionPolicy !== undefined && !(props.disruptionPolicy instanceof DisruptionPolicy)) {
    throw invalidProp(path, kind, 'disruptionPolicy', describeValue(props.disruptionPolicy),
      'accepted: DisruptionPolicy.allowEviction(), DisruptionPolicy.blockVoluntaryEvictions() or DisruptionPolicy.none()');
  }
}

/** Requires the node labels and zone in one term (a node must match all of them), and tolerates the taints. */
export function placePods(scheduling: kplus.WorkloadScheduling, placement: PodOptions): void {
  const required = [
    ...Object.entries(placement.requiredNodeLabels ?? {}).map(([key, value]) => kplus.NodeLabelQuery.is(key, value)),
    ...(placement.zone !== undefined ? [kplus.NodeLabelQuery.is('topology.kubernetes.io/zone', placement.zone)] : []),
  ];
  if (required.length > 0) {
    scheduling.attract(kplus.Node.labeled(...required));
  }
  for (const toleration of placement.tolerations ?? []) {
    scheduling.tolerate(kplus.Node.tainted(toleration));
  }
}

/**
 * Startup, liveness and readiness probes from one health command. Crash recovery can take minutes: up to 15 minutes
 * to start before liveness may restart the container.
 */
export function commandProbes(command: string[]): Pick<SingleWriterContainer, 'startupProbe' | 'livenessProbe' | 'readinessProbe'> {
  return probes(options => kplus.Probe.fromCommand(command, options));
}

/** The same probes as `commandProbes`, by a TCP connection to the port. */
export function tcpProbes(port: number): Pick<SingleWriterContainer, 'startupProbe' | 'livenessProbe' | 'readinessProbe'> {
  return probes(options => kplus.Probe.fromTcpSocket({ port, ...options }));
}

function probes(probe: (options: kplus.ProbeOptions) => kplus.Probe): Pick<SingleWriterContainer, 'startupProbe' | 'livenessProbe' | 'readinessProbe'> {
  const every = (period: number, failures: number) => probe({
    periodSeconds: Duration.seconds(period), failureThreshold: failures, timeoutSeconds: Duration.seconds(5),
  });
  return { startupProbe: every(10, 90), livenessProbe: every(10, 6), readinessProbe: every(5, 3) };
}
