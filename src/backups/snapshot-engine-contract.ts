// What a SnapshotBackupSchedule hands its engine, and what the engine gives back. Each engine (one class per engine,
// made by a static factory of SnapshotEngine) checks what it cannot do before the schedule exists, then renders its
// own objects inside the schedule.
import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CheckedSchedule } from './backup-job';
import { BackupScheduleOptions } from './backup-options';
import { CheckedRetention } from './retention-check';
import { SnapshotRetention } from './snapshot-retention';
import { PropChecker } from '../internal/prop-checker';
import { ExclusiveVolume } from '../volumes/exclusive-volume';
import { SingleWriterDatabase } from '../workloads/single-writer-database';

/** A claim to snapshot: its name, and the volume when it is one of this app. */
export interface SnapshotTarget {
  readonly name: string;
  readonly volume?: ExclusiveVolume;
}

/** The schedule's props, checked: what an engine checks before the schedule exists. */
export interface SnapshotEngineCheck {
  /** The schedule's checker, for errors. */
  readonly check: PropChecker;
  /** The props as given, for what every backup schedule takes. */
  readonly options: BackupScheduleOptions;
  readonly schedule: CheckedSchedule;
  readonly targets: readonly SnapshotTarget[];
  /** The `claimNames` prop as given. */
  readonly claimNames?: string[];
  readonly retention: CheckedRetention;
  /** The `retention` prop as given. */
  readonly givenRetention?: SnapshotRetention;
  /** The VolumeSnapshotClass to use, and the prop that named it. */
  readonly snapshotClass?: { readonly name: string; readonly prop: string };
  /** The `database` prop. */
  readonly database?: SingleWriterDatabase;
  /** Whether the database's checkpoint would run before the cut, and the `checkpoint` prop as given. */
  readonly checkpoint: boolean;
  readonly givenCheckpoint?: boolean;
}

/** What an engine renders from, once the schedule exists. */
export interface SnapshotEngineRender extends SnapshotEngineCheck {
  readonly scheduleName: string;
  /** The metadata of the schedule's main object (the CronJob or the SnapshotSchedule). */
  readonly metadata: ApiObjectMetadata;
  readonly namespace?: string;
  /** Suspended as asked, and always while the checkpointed database hibernates. */
  readonly suspend?: boolean;
  /** Whether the checkpointed database hibernates. */
  readonly hibernating: boolean;
}

/** The objects an engine rendered, for the schedule's properties. */
export interface SnapshotEngineObjects {
  readonly cronJob?: kplus.CronJob;
  readonly initialJob?: kplus.Job;
  readonly serviceAccount?: kplus.ServiceAccount;
  readonly role?: kplus.Role;
  readonly roleBinding?: kplus.RoleBinding;
  readonly scriptConfigMap?: kplus.ConfigMap;
  readonly networkPolicy?: ApiObject;
  readonly snapshotSchedule?: ApiObject;
}

/** One way to take a schedule's snapshots. */
export interface SnapshotEngineStrategy {
  /** The engine's name, e.g. `built-in`. */
  readonly name: string;
  /** Throws the schedule's prop error for what the engine cannot do with these props. */
  check(request: SnapshotEngineCheck): void;
  /** Renders the engine's objects inside `scope`, the schedule. */
  render(scope: Construct, request: SnapshotEngineRender): SnapshotEngineObjects;
}
