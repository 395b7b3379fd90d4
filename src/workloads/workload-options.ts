import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ContainerSpec } from './container-spec';
import { DisruptionPolicy } from './disruption-policy';
import { restrictedContainerSecurityContext } from './pod-security';
import { describeValue, refuseOtherCpu, requireDuration, requireEnv, requireLabels } from './validation';
import { OUR_CDK8S_PLUS, refuseOtherCdk8sPlus } from '../internal/cdk8s-plus-origin';
import { invalidProp } from '../internal/errors';
import { DNS1123_SUBDOMAIN_RULE, LABEL_VALUE_RULE, isDns1123Subdomain, isLabelValue } from '../internal/names';

/**
 * What every workload of this library sets about its pods, whatever runs in them: shutdown, probes, resources,
 * environment, placement and disruption policy. `SingleWriterOptions` and `ExclusiveStatefulSetProps` extend it.
 */
export interface WorkloadOptions {
  /**
   * How long the process needs to exit after the preStop hook has ended and it got SIGTERM.
   * `terminationGracePeriodSeconds` is derived from it (see `terminationGracePeriod`).
   *
   * @default - the engine's for a container of an engine; 30 seconds for a container of an image
   */
  readonly shutdownBudget?: Duration;

  /**
   * The pods' termination grace period. It counts from before the preStop hook, so it must cover the preStop timeout
   * plus the shutdown budget plus 5 seconds; a shorter one is an error.
   *
   * @default - preStop timeout + shutdown budget + 5 seconds
   * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-execution
   */
  readonly terminationGracePeriod?: Duration;

  /**
   * Probe that must succeed before liveness and readiness start. Generous by default: crash recovery of a database
   * can take minutes, and a liveness probe that fires during it restarts the recovery from scratch.
   *
   * @default - the engine's check (a TCP connection for an image) every 10 s, for up to 15 minutes
   */
  readonly startupProbe?: kplus.Probe;

  /**
   * Probe that restarts the container when it fails.
   *
   * @default - the engine's check (a TCP connection for an image) every 10 s, restarting after 6 failures
   */
  readonly livenessProbe?: kplus.Probe;

  /**
   * Probe that takes the pod out of its Service while it fails.
   *
   * @default - the engine's check (a TCP connection for an image) every 5 s
   */
  readonly readinessProbe?: kplus.Probe;

  /**
   * CPU, memory and ephemeral storage of the container.
   *
   * @default - the engine's defaults for a small database; for an image 100m CPU and 256Mi memory requested,
   * 1 CPU and 512Mi memory at most
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * More environment variables. Secrets must come from `kplus.EnvValue.fromSecretValue()`: a secret-looking name with a
   * literal value fails synth.
   *
   * @default - none
   */
  readonly env?: { [name: string]: kplus.EnvValue };

  /**
   * Node labels the pods require (all of them), e.g. `{ 'storage-node': 'true' }`.
   *
   * @default - any node
   */
  readonly requiredNodeLabels?: { [key: string]: string };

  /**
   * The zone (`topology.kubernetes.io/zone`) the pods must run in, e.g. the zone of a pre-provisioned volume.
   *
   * @default - any zone
   */
  readonly zone?: string;

  /**
   * Taints the pods tolerate, e.g. `kplus.NodeTaintQuery.is('dedicated', 'database')`.
   *
   * @default - none
   */
  readonly tolerations?: kplus.NodeTaintQuery[];

  /**
   * The PriorityClass of the pods. Backups and other pods must never out-rank them: a higher-priority pod can preempt
   * them.
   *
   * @default - the cluster's default priority
   */
  readonly priorityClassName?: string;

  /**
   * The PodDisruptionBudget the pods get. `allowEviction()` lets a drain evict one pod at a time
   * (`maxUnavailable: 1`, whatever the number of replicas); `blockVoluntaryEvictions()` makes drains hang.
   *
   * @default DisruptionPolicy.allowEviction()
   */
  readonly disruptionPolicy?: DisruptionPolicy;
}

/** Checks of the options every workload shares. */
export function requireWorkloadOptions(path: string, kind: string, props: WorkloadOptions): void {
  if (props.shutdownBudget !== undefined) requireDuration(path, kind, 'shutdownBudget', props.shutdownBudget, 0);
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

/** The container as cdk8s-plus renders it: restricted, with the options' env, resources and probes over its own. */
export function containerProps(spec: ContainerSpec, options: WorkloadOptions): kplus.ContainerProps {
  return {
    name: spec.containerName,
    image: spec.image,
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    command: spec.command,
    args: spec.args,
    ports: [{ number: spec.port, name: spec.portName }],
    envVariables: { ...spec.env, ...options.env },
    securityContext: restrictedContainerSecurityContext(spec.identity),
    resources: options.resources ?? spec.resources,
    startup: options.startupProbe ?? spec.startupProbe,
    liveness: options.livenessProbe ?? spec.livenessProbe,
    readiness: options.readinessProbe ?? spec.readinessProbe,
    lifecycle: spec.preStopCommand ? { preStop: kplus.Handler.fromCommand(spec.preStopCommand) } : undefined,
  };
}

/** Requires the node labels and zone in one term (a node must match all of them), and tolerates the taints. */
export function placePods(scheduling: kplus.WorkloadScheduling, placement: WorkloadOptions): void {
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
