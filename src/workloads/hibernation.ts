// Hibernation: a workload stopped on purpose, with its claims kept. Shared by the workload constructs.
import { PropChecker } from '../internal/prop-checker';

/** The `hibernate` prop, checked: true or false (absent is false). */
export function requireHibernate(check: PropChecker, hibernate: unknown): boolean {
  if (hibernate !== undefined && typeof hibernate !== 'boolean') {
    throw check.fail('hibernate', hibernate, 'accepted: true (stop the workload and keep its data) or false');
  }
  return hibernate === true;
}

/**
 * The `replicas` of a single writer: 1, or 0 only while it hibernates. Any other count would leave a second pod
 * waiting forever for the ReadWriteOncePod volume.
 */
export function requireSingleReplica(check: PropChecker, replicas: unknown, hibernate: boolean): void {
  if (replicas === undefined || replicas === 1 || (replicas === 0 && hibernate)) return;
  if (replicas === 0) {
    throw check.fail('replicas', replicas,
      'a single writer is stopped with hibernate: true, which keeps its claim and also suspends the backups that would '
      + 'try to reach the stopped database; accepted: hibernate: true (instead of replicas: 0), or replicas: 1');
  }
  throw check.fail('replicas', replicas,
    'a second pod would wait forever (Pending) for the ReadWriteOncePod volume the first one holds; accepted: 1 '
    + '(use ExclusiveStatefulSet for several replicas, each with a volume of its own; hibernate: true to stop the workload)');
}
