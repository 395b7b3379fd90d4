// Shared by rwop-rolling-update-surge and rwo-rolling-update-surge: does a Deployment's rollout start a pod before stopping one?
import type { PodTemplate } from './manifest-index';
import { asObject } from './support';
import { deadlockingRollout } from '../core/rollout';

/**
 * How a Deployment's update deadlocks on a single-attach volume, or undefined when it cannot (see
 * `deadlockingRollout`, which the workload constructs use too).
 */
export function deadlockingSurge(template: PodTemplate): string | undefined {
  if (template.workload.kind !== 'Deployment') return undefined;
  const strategy = asObject(asObject(template.workload.object.spec).strategy);
  return deadlockingRollout({ type: strategy.type, rollingUpdate: asObject(strategy.rollingUpdate) }, template.replicas ?? 1);
}
