// A CronJob schedule as the Kubernetes CronJob controller reads it (robfig/cron v3, the five fields cdk8s's Cron writes), reduced to
// what the backup constructs need: is it valid, does it ever fire, and how short is its shortest interval (to size
// startingDeadlineSeconds as a fraction of it).

/** One field's bounds and the names it accepts. */
interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  // robfig/cron's day of week is 0-6 (Sunday is 0): the API server refuses 7.
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

interface Field {
  readonly values: ReadonlySet<number>;
  /** robfig's "star bit": the field is `*` or `?` without a step; it decides how day of month and day of week combine. */
  readonly star: boolean;
}

/** A parsed five-field schedule. */
export interface CronSchedule {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: Field;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: Field;
}

/** The schedule, or a message saying why the CronJob controller would refuse it. */
export function parseCron(expression: string): CronSchedule | string {
  if (typeof expression !== 'string') return 'it is not a string';
  const trimmed = expression.trim();
  if (/^(CRON_)?TZ=/.test(trimmed)) return 'a time zone inside the schedule is refused by the API server: use the timeZone prop';
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5) return `it has ${fields.length} field(s); a cron schedule has 5 (minute hour day-of-month month day-of-week)`;
  const parsed: Field[] = [];
  for (let i = 0; i < 5; i++) {
    const field = parseField(fields[i], FIELDS[i]);
    if (typeof field === 'string') return `${FIELDS[i].name} field "${fields[i]}": ${field}`;
    parsed.push(field);
  }
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = parsed;
  return { minutes: minutes.values, hours: hours.values, daysOfMonth, months: months.values, daysOfWeek };
}

function parseField(text: string, spec: FieldSpec): Field | string {
  const values = new Set<number>();
  let star = false;
  for (const part of text.split(',')) {
    const [range, stepText, ...rest] = part.split('/');
    if (rest.length > 0) return `"${part}" has more than one "/"`;
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) return `the step "${stepText}" must be a positive whole number`;
      step = Number(stepText);
    }
    let start: number;
    let end: number;
    if (range === '*' || range === '?') {
      start = spec.min;
      end = spec.max;
      if (step === 1) star = true;
    } else {
      const bounds = range.split('-');
      if (bounds.length > 2) return `"${range}" is not a value or a range`;
      const low = valueOf(bounds[0], spec);
      if (typeof low === 'string') return low;
      start = low;
      if (bounds.length === 2) {
        const high = valueOf(bounds[1], spec);
        if (typeof high === 'string') return high;
        end = high;
      } else {
        // robfig/cron: "N/step" means "N-max/step".
        end = stepText !== undefined ? spec.max : start;
      }
      if (start > end) return `the range "${range}" starts after it ends`;
    }
    for (let v = start; v <= end; v += step) values.add(v);
  }
  return { values, star };
}

function valueOf(text: string, spec: FieldSpec): number | string {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named !== -1) return spec.min + named;
  if (!/^\d+$/.test(text)) return `"${text}" is not a number${spec.names ? ' nor a name' : ''}`;
  const value = Number(text);
  if (value < spec.min || value > spec.max) return `${value} is outside ${spec.min}-${spec.max}`;
  return value;
}

const MINUTES_PER_DAY = 24 * 60;
/** The calendar's leap-year and weekday patterns repeat every 28 years between 1901 and 2099. */
const HORIZON_DAYS = 28 * 365 + 7;
const HORIZON_START = Date.UTC(2024, 0, 1);

/**
 * The shortest time between two consecutive runs, in seconds (wall-clock time, ignoring daylight saving shifts);
 * undefined when the schedule never fires (e.g. 30 February).
 */
export function shortestIntervalSeconds(schedule: CronSchedule): number | undefined {
  const gaps = intervalsMinutes(schedule);
  return gaps === undefined ? undefined : Math.min(...gaps) * 60;
}

/**
 * The longest time between two consecutive runs, in seconds (e.g. three days for "0 2 * * 1-5" over a weekend);
 * undefined when the schedule never fires.
 */
export function longestIntervalSeconds(schedule: CronSchedule): number | undefined {
  const gaps = intervalsMinutes(schedule);
  return gaps === undefined ? undefined : Math.max(...gaps) * 60;
}

/** Every distinct gap between two consecutive runs, in minutes, over the calendar's full cycle. */
function intervalsMinutes(schedule: CronSchedule): Set<number> | undefined {
  const times: number[] = [];
  for (const hour of [...schedule.hours].sort((a, b) => a - b)) {
    for (const minute of [...schedule.minutes].sort((a, b) => a - b)) times.push(hour * 60 + minute);
  }
  const gaps = new Set<number>();
  for (let i = 1; i < times.length; i++) gaps.add(times[i] - times[i - 1]);
  let previousDay: number | undefined;
  for (let day = 0; day < HORIZON_DAYS; day++) {
    if (!firesOn(schedule, new Date(HORIZON_START + day * 86_400_000))) continue;
    if (previousDay !== undefined) gaps.add((day - previousDay) * MINUTES_PER_DAY - times[times.length - 1] + times[0]);
    previousDay = day;
  }
  return previousDay === undefined ? undefined : gaps;
}

/** robfig/cron's day rule: day of month and day of week are ANDed when either is a star, else ORed. */
function firesOn(schedule: CronSchedule, date: Date): boolean {
  if (!schedule.months.has(date.getUTCMonth() + 1)) return false;
  const dom = schedule.daysOfMonth.values.has(date.getUTCDate());
  const dow = schedule.daysOfWeek.values.has(date.getUTCDay());
  return schedule.daysOfMonth.star || schedule.daysOfWeek.star ? dom && dow : dom || dow;
}

/** The verdict on a time zone name: accepted, or refused with the spelling to use when there is one. */
export interface TimeZoneCheck {
  readonly accepted: boolean;
  readonly suggestion?: string;
}

/**
 * Whether `zone` is an IANA time zone name spelled exactly as the API server's time.LoadLocation reads it (the tz
 * database's file names, case-sensitive). The runtime's Intl knows the names case-insensitively and lists only the
 * canonical ones: a name is accepted when Intl knows it and it is either listed exactly, "UTC", or a link name whose
 * parts start with a capital as every tz database name does (e.g. "Asia/Kolkata", "US/Eastern", "Etc/GMT+5").
 */
export function checkTimeZone(zone: unknown): TimeZoneCheck {
  if (typeof zone !== 'string' || zone === '' || zone === 'Local' || /\s/.test(zone)) return { accepted: false };
  const resolved = resolvedTimeZone(zone);
  if (resolved === undefined) return { accepted: false };
  if (zone === 'UTC' || canonicalTimeZones().has(zone)) return { accepted: true };
  const sameLetters = [...canonicalTimeZones(), 'UTC'].find(name => name.toLowerCase() === zone.toLowerCase());
  if (sameLetters !== undefined) return { accepted: false, suggestion: sameLetters };
  if (zone.split('/').every(part => /^[A-Z]/.test(part))) return { accepted: true };
  return { accepted: false, suggestion: resolved };
}

function resolvedTimeZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

let canonical: ReadonlySet<string> | undefined;
function canonicalTimeZones(): ReadonlySet<string> {
  canonical ??= new Set((Intl as unknown as { supportedValuesOf(key: string): string[] }).supportedValuesOf('timeZone'));
  return canonical;
}
