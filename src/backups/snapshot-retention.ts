import { Duration } from 'cdk8s';

/**
 * Which snapshots of each claim a `SnapshotBackupSchedule` keeps. With the built-in engine, per claim and over this
 * schedule's snapshots only:
 * - the newest snapshot that is ready to use is always kept, whatever the rest says;
 * - a ready snapshot is kept when it is among the newest `keepLast` ready ones, or younger than `keepWithin` (from the
 *   moment it was cut);
 * - a snapshot that failed or never became ready counts for nothing, and is deleted `failedGrace` after its creation;
 * - a snapshot labelled `rwop.dev/pin` (any value) is never deleted and is outside the count;
 * - snapshots without this schedule's labels are never touched.
 */
export interface SnapshotRetention {
  /**
   * Keep the newest N ready snapshots of each claim (N ≥ 1).
   *
   * @default - not by count: `keepWithin` decides
   */
  readonly keepLast?: number;

  /**
   * Keep the ready snapshots younger than this, counted from the moment each was cut (`status.creationTime`).
   * Whole seconds.
   *
   * @default - not by age: `keepLast` decides
   */
  readonly keepWithin?: Duration;

  /**
   * How long a snapshot that never became ready (failed, or still pending) is left for inspection before it is
   * deleted, counted from its creation. Built-in engine only. Whole seconds.
   *
   * @default Duration.days(1)
   */
  readonly failedGrace?: Duration;
}
