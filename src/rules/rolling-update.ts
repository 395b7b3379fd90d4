// Shared by rwop-rolling-update-surge and rwo-rolling-update-surge: does a Deployment's rollout start a pod before stopping one?
import type { PodTemplate } from './manifest-index';
import { asObject, scaledIntOrPercent } from './support';

/**
 * How a Deployment's update deadlocks on a single-attach volume, or undefined when it cannot: its strategy is
 * RollingUpdate (the default) with a surge above 0 (default 25%, rounded up) and no room to stop an old pod first
 * (maxUnavailable, default 25%, rounded down, is 0). With `Recreate`, `maxSurge: 0`, or `maxUnavailable` ≥ 1 the old
 * pod is stopped without waiting for the new one.
 */
export function deadlockingSurge(template: PodTemplate): string | undefined {
  if (template.workload.kind !== 'Deployment') return undefined;
  const strategy = asObject(asObject(template.workload.object.spec).strategy);
  const type = strategy.type ?? 'RollingUpdate';
  if (type !== 'RollingUpdate') return undefined;
  const replicas = Math.max(template.replicas ?? 1, 1);
  const rollingUpdate = asObject(strategy.rollingUpdate);
  const maxSurge = rollingUpdate.maxSurge ?? '25%';
  const maxUnavailable = rollingUpdate.maxUnavailable ?? '25%';
  const surge = scaledIntOrPercent(maxSurge, replicas);
  const unavailable = typeof maxUnavailable === 'string' && maxUnavailable.endsWith('%')
    ? Math.floor((Number(maxUnavailable.slice(0, -1)) * replicas) / 100)
    : scaledIntOrPercent(maxUnavailable, replicas);
  if (surge === undefined || surge <= 0 || unavailable === undefined || unavailable > 0) return undefined;
  const typeText = strategy.type === undefined ? 'RollingUpdate (the default strategy)' : 'RollingUpdate';
  const surgeText = rollingUpdate.maxSurge === undefined ? 'maxSurge 25% (the default)' : `maxSurge ${JSON.stringify(maxSurge)}`;
  const unavailableText = rollingUpdate.maxUnavailable === undefined ? 'maxUnavailable 25% (the default, 0 pods)' : `maxUnavailable ${JSON.stringify(maxUnavailable)}`;
  return `${typeText} with ${surgeText} and ${unavailableText}`;
}
