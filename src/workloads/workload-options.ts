import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { DisruptionPolicy } from './disruption-policy';

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
