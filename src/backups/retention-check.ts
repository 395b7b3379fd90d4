// The checks of a SnapshotRetention, and its form in the units the engines take.
import { requireCount, requireSeconds } from './backup-job';
import { SnapshotRetention } from './snapshot-retention';
import { PropChecker } from '../internal/prop-checker';
import { describeValue } from '../workloads/validation';

/** The retention a schedule gets when none is given: the newest seven ready snapshots of each claim. */
const DEFAULT_RETENTION: SnapshotRetention = { keepLast: 7 };

/** A checked retention, in the units the engines take. */
export interface CheckedRetention {
  readonly keepLast?: number;
  readonly keepWithinSeconds?: number;
  readonly failedGraceSeconds?: number;
}

const INT32_MAX = 2147483647;

export function requireRetention(check: PropChecker, retention: unknown): CheckedRetention {
  if (retention === undefined) return { keepLast: DEFAULT_RETENTION.keepLast };
  if (typeof retention !== 'object' || retention === null || Array.isArray(retention)) {
    throw check.fail('retention', describeValue(retention), 'accepted: { keepLast?, keepWithin?, failedGrace? }, e.g. { keepLast: 7 }');
  }
  const given = retention as SnapshotRetention;
  const fields = check.nested('retention');
  const keepLast = given.keepLast === undefined ? undefined : requireCount(fields, 'keepLast', given.keepLast, 1, INT32_MAX, 0);
  const keepWithinSeconds = given.keepWithin === undefined ? undefined : requireSeconds(fields, 'keepWithin', given.keepWithin, 1, 0);
  const failedGraceSeconds = given.failedGrace === undefined ? undefined : requireSeconds(fields, 'failedGrace', given.failedGrace, 0, 0);
  if (keepLast === undefined && keepWithinSeconds === undefined) {
    throw check.fail('retention', given,
      'it keeps every snapshot forever, until the storage fills; accepted: keepLast and/or keepWithin, e.g. { keepLast: 7 }');
  }
  return { keepLast, keepWithinSeconds, failedGraceSeconds };
}
