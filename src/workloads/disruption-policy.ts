import { PropChecker } from '../internal/prop-checker';

/**
 * Options of `DisruptionPolicy.allowEviction()`.
 */
export interface AllowEvictionOptions {
  /**
   * How many pods of the workload a voluntary disruption (node drain, cluster autoscaler) may evict at a time.
   * For a single writer, one: the pod is evicted, the volume detaches, and the pod starts again on another node.
   *
   * @default 1
   */
  readonly maxUnavailable?: number;
}

/**
 * Options of `DisruptionPolicy.blockVoluntaryEvictions()`.
 */
export interface BlockVoluntaryEvictionsOptions {
  /**
   * Why blocking node drains is what you want, e.g. "the DBA moves this database by hand in a maintenance window".
   * Written to the budget as the `rwop.dev/blocks-drains-reason` annotation, which `rwop audit` reads to report the
   * `pdb-blocks-drains` finding as accepted (info) instead of as a warning.
   *
   * @default - no reason: `rwop audit` warns that the budget blocks drains
   */
  readonly reason?: string;
}

/**
 * How voluntary disruptions (node drains, upgrades, the cluster autoscaler) may evict the pods of a single-writer
 * workload: the `PodDisruptionBudget` it gets, or none.
 *
 * Every budget is `policy/v1`, selects exactly the workload's pods (its selector is the pod template's labels) and
 * has `unhealthyPodEvictionPolicy: AlwaysAllow`, so that a pod that is not Ready can always be evicted and never
 * holds up a drain.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/pods/disruptions/
 * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/#unhealthy-pod-eviction-policy
 */
export class DisruptionPolicy {
  /**
   * Allow evictions, at most `maxUnavailable` (default 1) pods at a time. This is the drain-safe default: a drain
   * evicts the pod (its preStop hook stops the process cleanly), the ReadWriteOncePod volume follows the new pod, and
   * `Recreate` plus ReadWriteOncePod keep it to one writer. The budget still stops a drain from evicting more pods than
   * that at once.
   */
  public static allowEviction(options: AllowEvictionOptions = {}): DisruptionPolicy {
    const maxUnavailable = options?.maxUnavailable ?? 1;
    return new DisruptionPolicy(maxUnavailable, undefined, options?.maxUnavailable !== undefined);
  }

  /**
   * `maxUnavailable: 0`: no voluntary eviction is ever allowed.
   *
   * **This makes every node drain hang until someone moves the pod.** `kubectl drain` and the cluster autoscaler
   * retry forever for an eviction the budget never allows, so the node is never emptied until an operator deletes the
   * pod (or the budget) by hand; managed node-pool upgrades stall until their own timeout, after which some evict the
   * pod anyway (GKE respects a budget for one hour), so the budget does not even hold there. It does not protect against
   * involuntary disruptions (node failure, OOM kill, preemption). Prefer `allowEviction()` unless someone is on hand to
   * move the database in every maintenance window; give a `reason` to say who.
   *
   * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/#think-about-how-your-application-reacts-to-disruptions
   */
  public static blockVoluntaryEvictions(options: BlockVoluntaryEvictionsOptions = {}): DisruptionPolicy {
    return new DisruptionPolicy(0, options?.reason, false);
  }

  /**
   * No PodDisruptionBudget: a drain evicts the pod whenever it likes, together with any other pods on the node.
   */
  public static none(): DisruptionPolicy {
    return new DisruptionPolicy(undefined, undefined, false);
  }

  /** The budget's `maxUnavailable`; undefined for `none()`, which creates no budget. */
  public readonly maxUnavailable?: number;

  /** Whether node drains hang on this workload's pods (`blockVoluntaryEvictions()`). */
  public readonly blocksDrains: boolean;

  /** The reason given to `blockVoluntaryEvictions()`. */
  public readonly reason?: string;

  private readonly maxUnavailableGiven: boolean;

  private constructor(maxUnavailable: number | undefined, reason: string | undefined, maxUnavailableGiven: boolean) {
    this.maxUnavailable = maxUnavailable;
    this.blocksDrains = maxUnavailable === 0;
    this.reason = reason;
    this.maxUnavailableGiven = maxUnavailableGiven;
  }

  /** Whether this policy creates a PodDisruptionBudget. */
  public get createsBudget(): boolean {
    return this.maxUnavailable !== undefined;
  }

  /**
   * Checks the policy against the workload it is for, with the checker of the workload's `disruptionPolicy` prop;
   * throws one of our prop errors when it cannot apply.
   *
   * @internal
   */
  public _validate(check: PropChecker, replicas: number): void {
    const max = this.maxUnavailable;
    if (max !== undefined && this.maxUnavailableGiven && !(Number.isInteger(max) && max >= 1 && max <= replicas)) {
      throw check.fail('maxUnavailable', max,
        `accepted: a whole number from 1 to the ${replicas} replica${replicas === 1 ? '' : 's'} of the workload `
        + '(use DisruptionPolicy.blockVoluntaryEvictions() for 0, which makes node drains hang)');
    }
    if (this.reason !== undefined && (typeof this.reason !== 'string' || this.reason.trim() === '')) {
      throw check.fail('reason', this.reason, 'accepted: a non-empty sentence saying why node drains may hang, or no reason');
    }
  }
}
