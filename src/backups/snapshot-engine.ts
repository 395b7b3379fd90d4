import { BuiltInSnapshotEngine, DEFAULT_KUBECTL_IMAGE } from './built-in-snapshot-engine';
import { SnapschedulerSnapshotEngine } from './snapscheduler-snapshot-engine';
import { SnapshotEngineStrategy } from './snapshot-engine-contract';
import { BuiltInSnapshotEngineOptions } from './snapshot-engine-options';

/**
 * What takes the snapshots of a `SnapshotBackupSchedule`: the built-in engine or snapscheduler, made by the static
 * methods. Each engine checks what it cannot do with the schedule's props and renders its own objects.
 */
export class SnapshotEngine {
  /** The image `builtIn()` runs unless told: Alpine with kubectl 1.33 (see `BuiltInSnapshotEngineOptions.image`). */
  public static readonly DEFAULT_KUBECTL_IMAGE = DEFAULT_KUBECTL_IMAGE;

  /**
   * A CronJob of this library: a POSIX shell script with `kubectl`, run as its own ServiceAccount, allowed only `get`,
   * `list`, `create` and `delete` on VolumeSnapshots of its namespace. It names snapshots after the claim and the
   * scheduled time (a retried run never duplicates one), runs the database's checkpoint before the cut and ends the
   * window as soon as every snapshot is cut, waits until they are ready (failing with the snapshot's error message or
   * on a timeout), and prunes by `SnapshotRetention` without ever deleting the newest ready snapshot.
   */
  public static builtIn(options: BuiltInSnapshotEngineOptions = {}): SnapshotEngine {
    return new SnapshotEngine(new BuiltInSnapshotEngine(options ?? {}));
  }

  /**
   * A `SnapshotSchedule` of backube's snapscheduler operator (`snapscheduler.backube/v1`), which must be installed
   * in the cluster. Its claim selector matches exactly the targeted claims, by a label this construct puts on them.
   *
   * Differences from the built-in engine: snapscheduler's pruning counts snapshots that are not ready, so it can delete
   * the last ready one (backube/snapscheduler#688); it runs no checkpoint before the cut (backube/snapscheduler#569); its schedule has no time
   * zone (the operator's clock); and with both a count and an age it deletes by whichever is stricter, so this
   * construct takes one of `keepLast` or `keepWithin` for it, and no `failedGrace`.
   *
   * @see https://backube.github.io/snapscheduler/usage.html
   * @see https://github.com/backube/snapscheduler/issues/688
   */
  public static snapscheduler(): SnapshotEngine {
    return new SnapshotEngine(new SnapschedulerSnapshotEngine());
  }

  /** `built-in` or `snapscheduler`. */
  public readonly name: string;

  /** @internal */
  public readonly _strategy: SnapshotEngineStrategy;

  private constructor(strategy: SnapshotEngineStrategy) {
    this.name = strategy.name;
    this._strategy = strategy;
  }
}
