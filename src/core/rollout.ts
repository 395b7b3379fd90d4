// When a Deployment's rollout deadlocks on a volume only one pod can hold: the one definition that the workload
// constructs (which refuse such a strategy) and the rules (which report it in manifests) both use.
import { scaledIntOrPercent } from './int-or-percent';

/** A Deployment's `spec.strategy` as it appears in a manifest: every field optional, values as written. */
export interface DeploymentStrategyFields {
  readonly type?: unknown;
  readonly rollingUpdate?: {
    readonly maxSurge?: unknown;
    readonly maxUnavailable?: unknown;
  };
}

/**
 * Why updating a Deployment of `replicas` pods with this strategy never finishes when each pod needs a volume that only
 * one pod can hold, or undefined when it does finish. It deadlocks when the strategy is RollingUpdate (the default)
 * with a surge above 0 (default 25%, rounded up) and no room to stop an old pod first (maxUnavailable, default 25%,
 * rounded down, is 0): the surged pod waits for the volume the old pod keeps. With `Recreate`, `maxSurge: 0`, or
 * `maxUnavailable` of at least one pod the old pod is stopped without waiting for the new one. Values that are
 * neither a whole number nor a percentage are left to the API server's validation (undefined).
 */
export function deadlockingRollout(strategy: DeploymentStrategyFields | undefined, replicas: number): string | undefined {
  const type = strategy?.type ?? 'RollingUpdate';
  if (type !== 'RollingUpdate') return undefined;
  const pods = Math.max(replicas, 1);
  const rollingUpdate = strategy?.rollingUpdate ?? {};
  const maxSurge = rollingUpdate.maxSurge ?? '25%';
  const maxUnavailable = rollingUpdate.maxUnavailable ?? '25%';
  // The Deployment controller rounds a surge percentage up and an unavailability percentage down.
  const surge = scaledIntOrPercent(maxSurge, pods, Math.ceil);
  const unavailable = scaledIntOrPercent(maxUnavailable, pods, Math.floor);
  if (surge === undefined || surge <= 0 || unavailable === undefined || unavailable > 0) return undefined;
  const typeText = strategy?.type === undefined ? 'RollingUpdate (the default strategy)' : 'RollingUpdate';
  const surgeText = rollingUpdate.maxSurge === undefined ? 'maxSurge 25% (the default)' : `maxSurge ${JSON.stringify(maxSurge)}`;
  const unavailableText = rollingUpdate.maxUnavailable === undefined
    ? 'maxUnavailable 25% (the default, 0 pods)'
    : `maxUnavailable ${JSON.stringify(maxUnavailable)}`;
  return `${typeText} with ${surgeText} and ${unavailableText}`;
}
