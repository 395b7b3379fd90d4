import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { requireBoolean, requireScheduleOptions, scheduleName } from './backup-job';
import { BackupScheduleOptions } from './backup-options';
import { quiesceCommand } from './database-client';
import { suspendWhileHibernating } from './hibernation-suspend';
import { requireRetention } from './retention-check';
import { SnapshotEngine } from './snapshot-engine';
import { SnapshotEngineCheck, SnapshotTarget } from './snapshot-engine-contract';
import { SnapshotRetention } from './snapshot-retention';
import { DNS1123_SUBDOMAIN_RULE, isDns1123Subdomain } from '../core/names';
import { pathOf } from '../internal/errors';
import { PropChecker } from '../internal/prop-checker';
import { snapshotDriverErrors } from '../internal/snapshot-driver-check';
import { addSynthChecks } from '../internal/synth-checks';
import { ExclusiveVolume } from '../volumes/exclusive-volume';
import { IVolumeSnapshotClass } from '../volumes/volume-snapshot-class';
import { SingleWriterDatabase } from '../workloads/single-writer-database';
import { describeValue } from '../workloads/validation';

/**
 * Properties of a `SnapshotBackupSchedule`.
 */
export interface SnapshotBackupScheduleProps extends BackupScheduleOptions {
  /**
   * The volumes to snapshot, `ExclusiveVolume`s of this app. Give `volumes` and/or `claimNames`, or `database`.
   *
   * @default - none
   */
  readonly volumes?: ExclusiveVolume[];

  /**
   * Names of claims that exist in the schedule's namespace, to snapshot too (each at most 63 characters: it becomes a
   * label value). Built-in engine only: snapscheduler selects claims by a label, which only an `ExclusiveVolume` of
   * this app can be given.
   *
   * @default - none
   */
  readonly claimNames?: string[];

  /**
   * A database whose data volume to snapshot, after the engine's checkpoint (PostgreSQL: `CHECKPOINT`, run over the
   * network through the database's Service with its credentials; the backup pods are let in through its
   * NetworkPolicy). Instead of `volumes` and `claimNames`.
   *
   * @default - none
   */
  readonly database?: SingleWriterDatabase;

  /**
   * Whether to run the database engine's checkpoint before the snapshots are cut (the snapshots are then labelled
   * `checkpointed`, else `crash-consistent`). Only with `database`. The window ends as soon as every snapshot is cut,
   * not when it is ready. MySQL and MariaDB have none (InnoDB's files are crash-consistent); a custom engine's
   * checkpoint command runs inside the database container and is refused: set `false` for crash-consistent snapshots.
   *
   * @default - true when the engine has a checkpoint that runs over the network (PostgreSQL)
   */
  readonly checkpoint?: boolean;

  /**
   * The VolumeSnapshotClass to snapshot with. Give this or `snapshotClassName`.
   *
   * @default - `snapshotClassName`, or the CSI driver's default class
   */
  readonly snapshotClass?: IVolumeSnapshotClass;

  /**
   * The name of a VolumeSnapshotClass of the cluster (e.g. `csi-snapshot-class`), at most 63 characters.
   *
   * @default - the CSI driver's default class
   */
  readonly snapshotClassName?: string;

  /**
   * Which snapshots of each claim to keep.
   *
   * @default - { keepLast: 7 }
   */
  readonly retention?: SnapshotRetention;

  /**
   * What takes the snapshots: `SnapshotEngine.builtIn({...})` (a CronJob of this library) or
   * `SnapshotEngine.snapscheduler()`.
   *
   * @default SnapshotEngine.builtIn()
   */
  readonly engine?: SnapshotEngine;
}

const KIND = 'SnapshotBackupSchedule';

/**
 * Scheduled CSI snapshots of one or more ReadWriteOncePod claims, with retention; a snapshot never mounts the claim,
 * so it works while the database runs. The built-in engine is a CronJob (`concurrencyPolicy: Forbid`, a starting
 * deadline sized to the schedule, a deadline and retries per run, restricted pods that never out-rank the database)
 * running a tested script with `kubectl`, as its own ServiceAccount allowed exactly `get`, `list`, `create` and
 * `delete` on VolumeSnapshots of its namespace. The snapscheduler engine emits a `SnapshotSchedule` instead.
 *
 * The schedule's name (`metadata.name`) names the snapshots (`<name>-<claim>-<YYYYMMDD-HHMM>`), labels them
 * (`rwop.dev/backup-schedule`), and names the ServiceAccount, Role, RoleBinding and script ConfigMap (`<name>-script`);
 * its namespace must be the claims'. While the checkpointed `database` hibernates the schedule is suspended and the
 * first snapshot's Job is left out; without a checkpoint the schedule keeps running (the volume is quiet).
 *
 * Snapshots need the snapshot CRDs, the snapshot controller and a CSI driver that supports snapshots.
 *
 * @see https://kubernetes.io/docs/concepts/storage/volume-snapshots/
 */
export class SnapshotBackupSchedule extends Construct {
  /** The schedule's name: the CronJob's (or SnapshotSchedule's), and the prefix of its snapshots' names. */
  public readonly scheduleName: string;

  /** The claims snapshotted. */
  public readonly claimNames: string[];

  /** Whether the database's checkpoint runs before each cut. */
  public readonly checkpointed: boolean;

  /** The engine in use. */
  public readonly engine: SnapshotEngine;

  /** The CronJob (built-in engine). */
  public readonly cronJob?: kplus.CronJob;

  /** The one-shot Job of the first snapshot (built-in engine, `initialSnapshot`, unless the checkpointed database hibernates). */
  public readonly initialJob?: kplus.Job;

  /** The ServiceAccount the snapshot pods run as (built-in engine). */
  public readonly serviceAccount?: kplus.ServiceAccount;

  /** The Role: get, list, create and delete on VolumeSnapshots of the namespace (built-in engine). */
  public readonly role?: kplus.Role;

  /** The RoleBinding of the Role to the ServiceAccount (built-in engine). */
  public readonly roleBinding?: kplus.RoleBinding;

  /** The ConfigMap that holds the snapshot script (built-in engine). */
  public readonly scriptConfigMap?: kplus.ConfigMap;

  /** The snapshot pods' NetworkPolicy: no ingress, egress to DNS, the API server and the checkpointed database (built-in engine). */
  public readonly networkPolicy?: ApiObject;

  /** snapscheduler's `SnapshotSchedule` (snapscheduler engine). */
  public readonly snapshotSchedule?: ApiObject;

  public constructor(scope: Construct, id: string, props: SnapshotBackupScheduleProps) {
    const check = new PropChecker(pathOf(scope, id), KIND);
    if (props === undefined || props === null || typeof props !== 'object') {
      throw check.fail('props', props, 'accepted: an object with at least schedule and volumes, claimNames or database');
    }
    const schedule = requireScheduleOptions(check, props);
    const engine = props.engine ?? SnapshotEngine.builtIn();
    if (!(engine instanceof SnapshotEngine)) {
      throw check.fail('engine', describeValue(engine), 'accepted: SnapshotEngine.builtIn({...}) or SnapshotEngine.snapscheduler()');
    }
    const targets = requireTargets(check, props);
    const namespace = props.metadata?.namespace ?? Chart.of(scope).namespace;
    requireSameNamespace(check, props, targets, namespace);
    const checkpoint = requireCheckpoint(check, props);
    const snapshotClassName = requireSnapshotClass(check, props);
    const request: SnapshotEngineCheck = {
      check,
      options: props,
      schedule,
      targets,
      claimNames: props.claimNames,
      retention: requireRetention(check, props.retention),
      givenRetention: props.retention,
      snapshotClass: snapshotClassName === undefined ? undefined
        : { name: snapshotClassName, prop: props.snapshotClass !== undefined ? 'snapshotClass' : 'snapshotClassName' },
      database: props.database,
      checkpoint,
      givenCheckpoint: props.checkpoint,
    };
    engine._strategy.check(request);
    // A checkpoint reaches the database; a snapshot alone does not, and a hibernating database's volume is quiet.
    const suspend = suspendWhileHibernating(check, props.suspend, checkpoint ? props.database : undefined);

    super(scope, id);
    addSynthChecks(this);
    const snapshotTargets = targets.map((target) => ({
      claimName: target.name,
      claim: target.volume,
      prop: props.database !== undefined ? 'database' : target.volume ? 'volumes' : 'claimNames',
    }));
    this.node.addValidation({ validate: () => snapshotDriverErrors(this, check, namespace, snapshotTargets, request.snapshotClass) });
    this.engine = engine;
    this.checkpointed = checkpoint;
    this.claimNames = targets.map(target => target.name);
    this.scheduleName = scheduleName(this, props);

    const objects = engine._strategy.render(this, {
      ...request,
      scheduleName: this.scheduleName,
      metadata: { ...props.metadata, name: this.scheduleName, namespace },
      namespace,
      suspend,
      hibernating: checkpoint && props.database!.hibernate,
    });
    this.cronJob = objects.cronJob;
    this.initialJob = objects.initialJob;
    this.serviceAccount = objects.serviceAccount;
    this.role = objects.role;
    this.roleBinding = objects.roleBinding;
    this.scriptConfigMap = objects.scriptConfigMap;
    this.networkPolicy = objects.networkPolicy;
    this.snapshotSchedule = objects.snapshotSchedule;
  }
}

/** A VolumeSnapshot lives in its claim's namespace, and so does the schedule that makes it. */
function requireSameNamespace(check: PropChecker, props: SnapshotBackupScheduleProps, targets: SnapshotTarget[],
  namespace: string | undefined): void {
  for (const target of targets) {
    const claimNamespace = target.volume?.metadata.namespace;
    if (target.volume !== undefined && claimNamespace !== namespace) {
      throw check.fail(props.database ? 'database' : 'volumes', target.volume.node.path,
        `the claim is in namespace ${claimNamespace ?? '(none)'} and the schedule in ${namespace ?? '(none)'}, but a VolumeSnapshot `
        + 'must be in its claim\'s namespace; accepted: volumes of the schedule\'s namespace (set metadata.namespace)');
    }
  }
}

/** The claims to snapshot: volumes and claim names, or the database's volume. */
function requireTargets(check: PropChecker, props: SnapshotBackupScheduleProps): SnapshotTarget[] {
  const { volumes, claimNames, database } = props;
  if (database !== undefined) {
    if (!(database instanceof SingleWriterDatabase)) {
      throw check.fail('database', describeValue(database), 'accepted: a SingleWriterDatabase');
    }
    for (const prop of ['volumes', 'claimNames'] as const) {
      if (props[prop] !== undefined) {
        throw check.fail(prop, describeValue(props[prop]),
          `database (${database.node.path}) is given too, and its data volume is what gets snapshotted; accepted: database alone, or volumes and/or claimNames`);
      }
    }
    return [claimTarget(check, 'database', database.volume)];
  }
  const targets: SnapshotTarget[] = [];
  if (volumes !== undefined) {
    if (!Array.isArray(volumes)) throw check.fail('volumes', describeValue(volumes), 'accepted: a list of ExclusiveVolume');
    volumes.forEach((volume, i) => {
      if (!(volume instanceof ExclusiveVolume)) {
        throw check.fail(`volumes[${i}]`, describeValue(volume), 'accepted: an ExclusiveVolume of this app (or its name in claimNames)');
      }
      targets.push(claimTarget(check, `volumes[${i}]`, volume));
    });
  }
  if (claimNames !== undefined) {
    if (!Array.isArray(claimNames)) throw check.fail('claimNames', describeValue(claimNames), 'accepted: a list of claim names');
    claimNames.forEach((name, i) => {
      if (typeof name !== 'string' || !isClaimLabelValue(name)) {
        throw check.fail(`claimNames[${i}]`, name,
          'accepted: the name of a PersistentVolumeClaim of at most 63 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit (it becomes a label value)');
      }
      targets.push({ name });
    });
  }
  if (targets.length === 0) {
    throw check.fail('volumes', volumes,
      'nothing to snapshot; accepted: one or more ExclusiveVolumes in volumes, claim names in claimNames, or a SingleWriterDatabase in database');
  }
  const seen = new Set<string>();
  for (const target of targets) {
    if (seen.has(target.name)) {
      throw check.fail(target.volume ? 'volumes' : 'claimNames', target.name, 'that claim is named twice; accepted: each claim once');
    }
    seen.add(target.name);
  }
  return targets;
}

function claimTarget(check: PropChecker, prop: string, volume: ExclusiveVolume): SnapshotTarget {
  if (!isClaimLabelValue(volume.name)) {
    throw check.fail(prop, volume.name,
      'the claim\'s name labels its snapshots (rwop.dev/claim), and a label value has at most 63 characters; accepted: a claim named with at most 63 characters');
  }
  return { name: volume.name, volume };
}

/** A claim name the script takes: a DNS subdomain that is also a label value. */
function isClaimLabelValue(name: string): boolean {
  return name.length <= 63 && isDns1123Subdomain(name);
}

/** Whether the database's checkpoint would run before the cut; an engine that cannot run one refuses it. */
function requireCheckpoint(check: PropChecker, props: SnapshotBackupScheduleProps): boolean {
  requireBoolean(check, 'checkpoint', props.checkpoint);
  const database = props.database;
  if (database === undefined) {
    if (props.checkpoint !== undefined) {
      throw check.fail('checkpoint', props.checkpoint, 'a checkpoint is the database\'s; accepted: checkpoint only with database');
    }
    return false;
  }
  const networked = quiesceCommand(database.engine) !== undefined;
  const inContainerOnly = !networked && database.engine.checkpointCommand !== undefined;
  if (props.checkpoint === false) return false;
  if (inContainerOnly) {
    throw check.fail('checkpoint', props.checkpoint,
      `the ${database.engine.name} engine's checkpointCommand runs inside the database container, and a backup never execs into it `
      + '(pods/exec in the namespace would hand it the database\'s secrets); accepted: checkpoint: false for crash-consistent snapshots');
  }
  if (!networked) {
    if (props.checkpoint === true) {
      throw check.fail('checkpoint', true,
        `the ${database.engine.name} engine has no checkpoint (its files are crash-consistent); accepted: false, or no checkpoint prop`);
    }
    return false;
  }
  return true;
}

function requireSnapshotClass(check: PropChecker, props: SnapshotBackupScheduleProps): string | undefined {
  const { snapshotClass, snapshotClassName } = props;
  if (snapshotClass !== undefined) {
    if (typeof snapshotClass !== 'object' || snapshotClass === null || typeof snapshotClass.name !== 'string') {
      throw check.fail('snapshotClass', describeValue(snapshotClass),
        'accepted: a VolumeSnapshotClass, or VolumeSnapshotClass.fromSnapshotClassName(scope, id, name)');
    }
    if (snapshotClassName !== undefined) {
      throw check.fail('snapshotClassName', snapshotClassName,
        `snapshotClass (${snapshotClass.name}) is given too; accepted: one of snapshotClass or snapshotClassName`);
    }
    return snapshotClass.name;
  }
  if (snapshotClassName !== undefined && (typeof snapshotClassName !== 'string' || !isDns1123Subdomain(snapshotClassName))) {
    throw check.fail('snapshotClassName', snapshotClassName,
      `"" would be refused by the snapshot CRD (leave it out for the driver's default); accepted: ${DNS1123_SUBDOMAIN_RULE}`);
  }
  return snapshotClassName;
}
