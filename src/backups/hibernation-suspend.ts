// A backup whose runs reach the database stops with it: while the database hibernates its schedule is suspended.
import { PropChecker } from '../internal/prop-checker';
import { SingleWriterDatabase } from '../workloads/single-writer-database';

/**
 * The `suspend` a schedule renders: as given, and true while `reached` (the database its runs connect to, if any)
 * hibernates, when a run could only fail. An explicit `suspend: false` then contradicts the database and is refused.
 */
export function suspendWhileHibernating(check: PropChecker, suspend: boolean | undefined,
  reached: SingleWriterDatabase | undefined): boolean | undefined {
  if (reached === undefined || !reached.hibernate) return suspend;
  if (suspend === false) {
    throw check.fail('suspend', suspend,
      `the database ${reached.node.path} hibernates (hibernate: true), so a run could not reach it; accepted: no suspend `
      + 'prop (the schedule is suspended while the database hibernates and resumes with it), or true');
  }
  return true;
}
