// What the backup constructs' Jobs and CronJobs share: the scripts they run, the pod spec cdk8s-plus-27 cannot express
// (seccomp, priority class, the pod failure policy), and the checks of the schedule and Job settings.
import * as fs from 'fs';
import { join } from 'path';
import { ApiObject, ApiObjectMetadata, Cron, Duration, JsonPatch, Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { BackupJobOptions, BackupScheduleOptions } from './backup-options';
import { checkTimeZone, parseCron, shortestIntervalSeconds } from './cron-schedule';
import { DNS1123_SUBDOMAIN_RULE, isDns1123Subdomain } from '../core/names';
import { validateMetadata } from '../internal/metadata';
import { PropChecker } from '../internal/prop-checker';
import { completePodTemplate } from '../workloads/pod-template-patches';
import { SingleWriterWorkload } from '../workloads/single-writer-workload';
import { describeValue, refuseOtherCpu, shownValue, wholeSeconds } from '../workloads/validation';

/** Where a script's ConfigMap is mounted in the backup container. */
export const SCRIPTS_MOUNT = '/opt/rwop/scripts';

/**
 * The text of an in-cluster script (src/backups/scripts/<name>, copied next to the compiled module by the build).
 */
export function readScript(name: string): string {
  return fs.readFileSync(join(__dirname, 'scripts', name), 'utf-8');
}

/** What a backup pod gets on top of what cdk8s-plus-27 renders. */
export interface BackupPodCompletion {
  /** The PriorityClass; never one that out-ranks the database. */
  readonly priorityClassName?: string;
  /** The main container, whose exit codes the pod failure policy names. */
  readonly containerName: string;
  /** Exit codes that no retry can fix (bad configuration, a snapshot in error): the Job fails at once. */
  readonly fatalExitCodes: number[];
}

/**
 * A pod evicted by a node drain or preemption (condition DisruptionTarget) is retried without counting against
 * backoffLimit; a fatal exit code fails the Job at once instead of retrying the same error.
 */
function podFailurePolicy(completion: BackupPodCompletion): kplus.k8s.PodFailurePolicy {
  return {
    rules: [
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      // onPodConditions is required in the 1.27 schema that cdk8s-plus-27 was generated from; empty means "none".
      { action: 'FailJob', onExitCodes: { containerName: completion.containerName, operator: 'In', values: completion.fatalExitCodes }, onPodConditions: [] },
    ],
  };
}

/**
 * Adds to a rendered Job spec (at `jobSpec`, a JSON pointer) what cdk8s-plus-27 has no prop for, by JSON patches
 * applied to the rendered object: the pod failure policy, and the seccomp profile and priority class every pod of ours
 * gets. The pod spec always has a security context here: every backup pod is given the restricted one.
 */
function completeBackupJob(workload: kplus.AbstractPod, jobSpec: string, completion: BackupPodCompletion): void {
  ApiObject.of(workload).addJsonPatch(JsonPatch.add(`${jobSpec}/podFailurePolicy`, podFailurePolicy(completion)));
  completePodTemplate(workload, completion, `${jobSpec}/template/spec`);
}

/** cdk8s-plus-27's CronJob, completed with what it cannot express. */
export function backupCronJob(scope: Construct, id: string, props: kplus.CronJobProps, completion: BackupPodCompletion): kplus.CronJob {
  const cronJob = new kplus.CronJob(scope, id, props);
  completeBackupJob(cronJob, '/spec/jobTemplate/spec', completion);
  return cronJob;
}

/** cdk8s-plus-27's Job, completed with what it cannot express. */
export function backupJob(scope: Construct, id: string, props: kplus.JobProps, completion: BackupPodCompletion): kplus.Job {
  const job = new kplus.Job(scope, id, props);
  completeBackupJob(job, '/spec', completion);
  return job;
}

/** The checked schedule: its expression and its shortest interval between two runs. */
export interface CheckedSchedule {
  readonly expression: string;
  readonly intervalSeconds: number;
}

/** A backup schedule that fires more often than this is refused unless the user says it is meant. */
const MIN_INTERVAL_SECONDS = 3600;

/**
 * The schedule must be one the CronJob controller accepts, must fire at all, and must not fire more often than once
 * an hour unless `allowFrequent` (cdk8s fills the fields left out with "*": `Cron.schedule({ hour: '2' })` is
 * "* 2 * * *", every minute from 02:00 to 02:59).
 */
function requireSchedule(check: PropChecker, schedule: unknown, allowFrequent?: unknown): CheckedSchedule {
  requireBoolean(check, 'allowFrequentSchedule', allowFrequent);
  if (!(schedule instanceof Cron)) {
    throw check.fail('schedule', describeValue(schedule), 'accepted: a cdk8s Cron, e.g. Cron.daily() or Cron.schedule({ minute: "0", hour: "2" })');
  }
  const expression = schedule.expressionString;
  const parsed = parseCron(expression);
  if (typeof parsed === 'string') {
    throw check.fail('schedule', expression, `${parsed}; accepted: five cron fields the CronJob controller parses, e.g. "0 2 * * *"`);
  }
  const intervalSeconds = shortestIntervalSeconds(parsed);
  if (intervalSeconds === undefined) {
    throw check.fail('schedule', expression, 'it never fires (no calendar day matches it); accepted: a schedule that runs, e.g. "0 2 * * *"');
  }
  if (intervalSeconds < MIN_INTERVAL_SECONDS && allowFrequent !== true) {
    throw check.fail('schedule', expression,
      `cdk8s rendered it as "${expression}", which runs as often as every ${intervalSeconds}s: a field left out of Cron.schedule() is "*", `
      + 'so Cron.schedule({ hour: \'2\' }) runs every minute from 02:00 to 02:59; daily at 02:00 is Cron.schedule({ minute: \'0\', hour: \'2\' }) '
      + '("0 2 * * *"); accepted: a schedule that runs at most once an hour, or allowFrequentSchedule: true');
  }
  return { expression, intervalSeconds };
}

function requireTimeZone(check: PropChecker, timeZone: unknown): void {
  if (timeZone === undefined) return;
  const zone = checkTimeZone(timeZone);
  if (!zone.accepted) {
    const spelling = zone.suggestion !== undefined ? `the API server reads the name case-sensitively: write "${zone.suggestion}"; ` : '';
    throw check.fail('timeZone', timeZone, `${spelling}accepted: an IANA time zone name spelled exactly, e.g. "Europe/Berlin", "UTC" or "Etc/GMT-2"`);
  }
}

/**
 * `startingDeadlineSeconds`: at least 10 (the controller checks every 10 seconds) and less than the shortest interval,
 * so that a late start never runs into the next run and missed runs are counted within one period only (more than
 * 100 missed runs stop a CronJob that has no deadline). Half the shortest interval by default.
 */
function startingDeadline(check: PropChecker, prop: string, given: unknown, schedule: CheckedSchedule): Duration {
  const seconds = given === undefined ? Math.max(10, Math.floor(schedule.intervalSeconds / 2)) : secondsOf(given);
  if (seconds === undefined || seconds < 10 || seconds >= schedule.intervalSeconds) {
    throw check.fail(prop, shownValue(given),
      `the schedule "${schedule.expression}" runs as often as every ${schedule.intervalSeconds}s; accepted: a Duration of whole seconds, `
      + `at least 10s (the CronJob controller checks every 10 seconds) and less than ${schedule.intervalSeconds}s`);
  }
  return Duration.seconds(seconds);
}

/** A Duration of whole seconds within [min, max], or the default. */
export function requireSeconds(check: PropChecker, prop: string, given: unknown, min: number, fallback: number): number {
  if (given === undefined) return fallback;
  const seconds = secondsOf(given);
  if (seconds === undefined || seconds < min) {
    throw check.fail(prop, shownValue(given),
      `accepted: a Duration of whole seconds, at least ${min}s, e.g. Duration.minutes(5)`);
  }
  return seconds;
}

function secondsOf(value: unknown): number | undefined {
  return value instanceof Duration ? wholeSeconds(value) : undefined;
}

/** A CronJob's Jobs are named `<cronjob>-<minutes since epoch>`, and a Job name must fit a label value. */
const MAX_SCHEDULE_NAME_LENGTH = 52;

/** The checks of what every backup schedule takes; returns the checked schedule. */
export function requireScheduleOptions(check: PropChecker, props: BackupScheduleOptions): CheckedSchedule {
  validateMetadata(check, props.metadata, false);
  if (props.metadata?.name !== undefined && props.metadata.name.length > MAX_SCHEDULE_NAME_LENGTH) {
    throw check.fail('metadata.name', props.metadata.name,
      `a CronJob's Jobs are named <name>-<8+ digits> and must fit 63 characters; accepted: ${DNS1123_SUBDOMAIN_RULE}, at most ${MAX_SCHEDULE_NAME_LENGTH} characters`);
  }
  const schedule = requireSchedule(check, props.schedule, props.allowFrequentSchedule);
  requireTimeZone(check, props.timeZone);
  requireBoolean(check, 'suspend', props.suspend);
  return schedule;
}

/** The schedule's name: the one given, or one cdk8s makes from the construct path, short enough for a CronJob. */
export function scheduleName(schedule: Construct, props: BackupScheduleOptions): string {
  return props.metadata?.name ?? Names.toDnsLabel(schedule, { maxLen: MAX_SCHEDULE_NAME_LENGTH });
}

/** What a schedule's Jobs get when its `BackupJobOptions` leave them out, and the shortest active deadline it takes. */
export interface BackupJobDefaults {
  readonly activeDeadlineSeconds: number;
  readonly minActiveDeadlineSeconds: number;
  readonly resources: kplus.ContainerResources;
}

/** Checked `BackupJobOptions`, defaults filled in. */
export interface CheckedJobOptions {
  readonly activeDeadlineSeconds: number;
  readonly startingDeadline: Duration;
  readonly backoffLimit: number;
  readonly successfulJobsRetained: number;
  readonly failedJobsRetained: number;
  readonly resources: kplus.ContainerResources;
  readonly priorityClassName?: string;
}

/**
 * The checks of a schedule's `BackupJobOptions`; `check` is the checker of the struct that holds them (the schedule, or
 * its `engine` when they are a snapshot engine's options).
 */
export function requireJobOptions(check: PropChecker, options: BackupJobOptions, schedule: CheckedSchedule,
  defaults: BackupJobDefaults, database: SingleWriterWorkload | undefined): CheckedJobOptions {
  const activeDeadlineSeconds = requireSeconds(check, 'activeDeadline', options.activeDeadline,
    defaults.minActiveDeadlineSeconds, defaults.activeDeadlineSeconds);
  if (options.resources !== undefined && (typeof options.resources !== 'object' || options.resources === null)) {
    throw check.fail('resources', options.resources, 'accepted: kplus.ContainerResources, e.g. { memory: { limit: Size.gibibytes(1) } }');
  }
  refuseOtherCpu(check, 'resources', options.resources);
  return {
    activeDeadlineSeconds,
    startingDeadline: startingDeadline(check, 'startingDeadline', options.startingDeadline, schedule),
    backoffLimit: requireCount(check, 'backoffLimit', options.backoffLimit, 0, 100, 2),
    successfulJobsRetained: requireCount(check, 'successfulJobsRetained', options.successfulJobsRetained, 0, 100, 3),
    failedJobsRetained: requireCount(check, 'failedJobsRetained', options.failedJobsRetained, 0, 100, 3),
    resources: options.resources ?? defaults.resources,
    priorityClassName: backupPriorityClassName(check, 'priorityClassName', options.priorityClassName, database),
  };
}

/**
 * The CronJob settings every backup schedule shares: one run at a time (`concurrencyPolicy: Forbid`), a starting
 * deadline sized to the schedule, a deadline and retries per run, pods that never restart in place.
 */
export function backupCronJobProps(metadata: ApiObjectMetadata, props: BackupScheduleOptions, suspend: boolean | undefined,
  job: CheckedJobOptions): kplus.CronJobProps {
  return {
    metadata,
    schedule: props.schedule,
    timeZone: props.timeZone,
    suspend,
    concurrencyPolicy: kplus.ConcurrencyPolicy.FORBID,
    startingDeadline: job.startingDeadline,
    successfulJobsRetained: job.successfulJobsRetained,
    failedJobsRetained: job.failedJobsRetained,
    activeDeadline: Duration.seconds(job.activeDeadlineSeconds),
    backoffLimit: job.backoffLimit,
    restartPolicy: kplus.RestartPolicy.NEVER,
  };
}

/** A whole number within [min, max], or the default. */
export function requireCount(check: PropChecker, prop: string, given: unknown, min: number, max: number, fallback: number): number {
  if (given === undefined) return fallback;
  if (typeof given !== 'number' || !Number.isInteger(given) || given < min || given > max) {
    throw check.fail(prop, given, `accepted: a whole number from ${min} to ${max}`);
  }
  return given;
}

export function requireBoolean(check: PropChecker, prop: string, given: unknown): void {
  if (given !== undefined && typeof given !== 'boolean') {
    throw check.fail(prop, given, 'accepted: true or false');
  }
}

/**
 * A backup pod never out-ranks the database (a higher-priority pod may preempt it): it gets the database's priority
 * class, and no other may be asked for.
 */
function backupPriorityClassName(check: PropChecker, prop: string, given: unknown,
  database: SingleWriterWorkload | undefined): string | undefined {
  if (database === undefined) {
    if (given !== undefined && (typeof given !== 'string' || !isDns1123Subdomain(given))) {
      throw check.fail(prop, given, 'accepted: the name of a PriorityClass no higher than that of the workloads using the claims');
    }
    return given as string | undefined;
  }
  const own = database.priorityClassName;
  if (given !== undefined && given !== own) {
    throw check.fail(prop, given,
      `a backup pod must never out-rank the database ${database.node.path} (${own === undefined ? 'no PriorityClass' : `PriorityClass "${own}"`}), `
      + `or the scheduler may preempt the database for it; accepted: ${own === undefined ? 'no priorityClassName' : `"${own}" (the default)`}`);
  }
  return own;
}
