// The snapscheduler engine: a SnapshotSchedule of backube's snapscheduler operator, which must run in the cluster.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  SnapshotEngineCheck, SnapshotEngineObjects, SnapshotEngineRender, SnapshotEngineStrategy,
} from './snapshot-engine-contract';

/** snapscheduler's CRD pattern for `spec.schedule`. */
const SNAPSCHEDULER_SCHEDULE = /^(@(annually|yearly|monthly|weekly|daily|hourly))|((((\d+,)*\d+|(\d+(\/|-)\d+)|\*(\/\d+)?)\s?){5})$/;

/**
 * A `SnapshotSchedule` (`snapscheduler.backube/v1`) whose claim selector matches exactly the targeted claims, by a
 * label put on them here. What it cannot express is refused rather than dropped.
 */
export class SnapschedulerSnapshotEngine implements SnapshotEngineStrategy {
  public readonly name = 'snapscheduler';

  public check(request: SnapshotEngineCheck): void {
    const { check, options, schedule, retention } = request;
    if (request.checkpoint) {
      throw check.fail('checkpoint', request.givenCheckpoint,
        'snapscheduler cannot run a checkpoint before its snapshots (backube/snapscheduler#569); accepted: checkpoint: false '
        + 'for crash-consistent snapshots, or SnapshotEngine.builtIn()');
    }
    if (request.claimNames !== undefined) {
      throw check.fail('claimNames', request.claimNames,
        'snapscheduler selects claims by label, and only an ExclusiveVolume of this app can be labelled here; accepted: volumes, or SnapshotEngine.builtIn()');
    }
    if (options.timeZone !== undefined) {
      throw check.fail('timeZone', options.timeZone,
        'snapscheduler\'s schedule has no time zone (it runs on the operator\'s clock); accepted: no timeZone, or SnapshotEngine.builtIn()');
    }
    if (!SNAPSCHEDULER_SCHEDULE.test(schedule.expression)) {
      throw check.fail('schedule', schedule.expression,
        'snapscheduler\'s CRD accepts only numbers, "*", "*/n", "a-b", "a/b" and lists of numbers in each field; accepted: such a schedule, or SnapshotEngine.builtIn()');
    }
    if (retention.keepLast !== undefined && retention.keepWithinSeconds !== undefined) {
      throw check.fail('retention', request.givenRetention,
        'with both a count and an age snapscheduler deletes by whichever is stricter, not by either as the built-in engine does; accepted: one of keepLast or keepWithin');
    }
    if (retention.failedGraceSeconds !== undefined) {
      throw check.fail('retention.failedGrace', `${retention.failedGraceSeconds}s`,
        'snapscheduler has no grace for failed snapshots (they count as kept, backube/snapscheduler#688); accepted: no failedGrace, or SnapshotEngine.builtIn()');
    }
  }

  public render(scope: Construct, request: SnapshotEngineRender): SnapshotEngineObjects {
    const { retention, snapshotClass } = request;
    const selectorKey = `snapscheduler.rwop.dev/${request.scheduleName}`;
    for (const target of request.targets) target.volume!.metadata.addLabel(selectorKey, 'true');
    const snapshotSchedule = new ApiObject(scope, 'SnapshotSchedule', {
      apiVersion: 'snapscheduler.backube/v1',
      kind: 'SnapshotSchedule',
      metadata: request.metadata,
      spec: {
        claimSelector: { matchLabels: { [selectorKey]: 'true' } },
        disabled: request.suspend ?? false,
        retention: retention.keepLast !== undefined ? { maxCount: retention.keepLast } : { expires: goDuration(retention.keepWithinSeconds!) },
        schedule: request.schedule.expression,
        ...(snapshotClass !== undefined ? { snapshotTemplate: { snapshotClassName: snapshotClass.name } } : {}),
      },
    });
    return { snapshotSchedule };
  }
}

/** A Go duration in snapscheduler's form (`^\d+(h|m|s)$`), in the largest whole unit. */
function goDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
