import { Chart, Cron, Duration, Size, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { ExclusiveVolume, SnapshotBackupSchedule, SnapshotEngine, SnapshotRetention } from '../../src';
import { validateManifests } from '../harness';
import { propertyRuns } from '../harness/property-runs';

const RUNS = { numRuns: propertyRuns(50) };

// ---- Cron fields with their meaning known by construction (an oracle independent of src/) ----

interface Token {
  readonly text: string;
  /** The values the field takes; undefined when the CronJob controller refuses the token. */
  readonly values?: number[];
  // robfig/cron's "star" (a bare asterisk, or one with step 1): it decides how day of month and day of week combine.
  readonly star?: boolean;
  // Whether snapscheduler's CRD pattern takes it: numbers, number lists, a-b, a/b, an asterisk with or without a step.
  readonly snapscheduler: boolean;
}

const range = (from: number, to: number, step = 1) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

function numericTokens(min: number, max: number): fc.Arbitrary<Token> {
  const value = fc.integer({ min, max });
  return fc.oneof(
    fc.constant<Token>({ text: '*', values: range(min, max), star: true, snapscheduler: true }),
    fc.integer({ min: 1, max: Math.max(1, Math.floor((max - min) / 2)) })
      .map((n): Token => ({ text: `*/${n}`, values: range(min, max, n), star: n === 1, snapscheduler: true })),
    value.map((a): Token => ({ text: String(a), values: [a], snapscheduler: true })),
    fc.tuple(value, value).map(([a, b]): Token => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      return { text: `${lo}-${hi}`, values: range(lo, hi), snapscheduler: true };
    }),
    fc.tuple(value, value).filter(([a, b]) => a !== b)
      .map(([a, b]): Token => ({ text: `${a},${b}`, values: [a, b].sort((x, y) => x - y), snapscheduler: true })),
    fc.tuple(value, fc.integer({ min: 2, max: 9 })).map(([a, n]): Token => ({ text: `${a}/${n}`, values: range(a, max, n), snapscheduler: true })),
  );
}

function badTokens(min: number, max: number): fc.Arbitrary<Token> {
  return fc.constantFrom<Token>(
    { text: String(max + 1), snapscheduler: true },
    { text: 'x', snapscheduler: false },
    { text: `${max}-${min}`, snapscheduler: true },
    { text: '*/0', snapscheduler: true },
    ...(min > 0 ? [{ text: String(min - 1), snapscheduler: true }] : []),
  );
}

const NAMES_OF_DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** `valid` `odds` times out of `odds + 1`, else `invalid`. */
function mostly<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>, odds = 7): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: odds }, { arbitrary: invalid, weight: 1 });
}

const minuteArb = mostly(numericTokens(0, 59), badTokens(0, 59), 15);
const hourArb = mostly(numericTokens(0, 23), badTokens(0, 23), 15);
// Days up to 28 and whole months or several: every valid schedule fires, and its shortest interval shows within two years.
const dayArb = mostly(fc.oneof(
  fc.constant<Token>({ text: '*', values: range(1, 31), star: true, snapscheduler: true }),
  fc.constantFrom<Token>(
    { text: '1', values: [1], snapscheduler: true },
    { text: '15', values: [15], snapscheduler: true },
    { text: '1-7', values: range(1, 7), snapscheduler: true },
    { text: '*/10', values: [1, 11, 21, 31], snapscheduler: true },
    { text: '28', values: [28], snapscheduler: true },
  ),
), badTokens(1, 31), 15);
const monthArb = mostly(fc.constantFrom<Token>(
  { text: '*', values: range(1, 12), star: true, snapscheduler: true },
  { text: '*/2', values: range(1, 12, 2), snapscheduler: true },
  { text: '1-6', values: range(1, 6), snapscheduler: true },
  { text: '3,9', values: [3, 9], snapscheduler: true },
  { text: 'JAN-JUN', values: range(1, 6), snapscheduler: false },
), badTokens(1, 12), 15);
const weekDayArb = mostly(fc.oneof(
  { arbitrary: fc.constant<Token>({ text: '*', values: range(0, 6), star: true, snapscheduler: true }), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: 6 }).map((d): Token => ({ text: String(d), values: [d], snapscheduler: true })), weight: 1 },
  { arbitrary: fc.constantFrom<Token>({ text: 'MON-FRI', values: range(1, 5), snapscheduler: false }), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 6 }).map((d): Token => ({ text: NAMES_OF_DAYS[d], values: [d], snapscheduler: false })), weight: 1 },
), fc.constantFrom<Token>({ text: '7', snapscheduler: true }, { text: 'SUNDAY', snapscheduler: false }), 15);

const cronArb = fc.record({ minute: minuteArb, hour: hourArb, day: dayArb, month: monthArb, weekDay: weekDayArb });
type CronTokens = { minute: Token; hour: Token; day: Token; month: Token; weekDay: Token };

/** The shortest time between two runs, in seconds, by listing every run of 2024 and 2025. */
function shortestInterval(cron: CronTokens): number {
  const times = cron.hour.values!.flatMap(h => cron.minute.values!.map(m => h * 60 + m)).sort((a, b) => a - b);
  const days = new Set(cron.day.values);
  const weekDays = new Set(cron.weekDay.values);
  const months = new Set(cron.month.values);
  const and = cron.day.star === true || cron.weekDay.star === true;
  let previous: number | undefined;
  let shortest = Infinity;
  for (let day = 0; day < 731; day++) {
    const date = new Date(Date.UTC(2024, 0, 1 + day));
    if (!months.has(date.getUTCMonth() + 1)) continue;
    const dom = days.has(date.getUTCDate());
    const dow = weekDays.has(date.getUTCDay());
    if (!(and ? dom && dow : dom || dow)) continue;
    for (const time of times) {
      const at = day * 1440 + time;
      if (previous !== undefined) shortest = Math.min(shortest, at - previous);
      previous = at;
    }
  }
  return shortest * 60;
}

const SNAPSCHEDULER_PATTERN = /^(@(annually|yearly|monthly|weekly|daily|hourly))|((((\d+,)*\d+|(\d+(\/|-)\d+)|\*(\/\d+)?)\s?){5})$/;

// ---- The other props ----

const claimNameArb = mostly(
  fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/),
  fc.oneof(fc.constant('a'.repeat(64)), fc.stringMatching(/^[A-Z_][a-z_]{0,5}$/), fc.constant('')),
);
const isClaimName = (s: string) => s.length >= 1 && s.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(s);

const keepLastArb = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: 100 }), weight: 4 },
  { arbitrary: fc.constantFrom(0, -1, 2.5), weight: 1 },
);
const keepWithinArb = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 3 },
  { arbitrary: fc.integer({ min: 1, max: 3_000_000 }).map(s => ({ seconds: s as number | undefined, duration: Duration.seconds(s) })), weight: 2 },
  { arbitrary: fc.constant({ seconds: undefined, duration: Duration.millis(1500) }), weight: 1 },
);
const timeZoneArb = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 3 },
  { arbitrary: fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'), weight: 3 },
  { arbitrary: fc.constantFrom('Mars/Olympus', 'Local', 'Europe Berlin', 'utc', 'europe/berlin'), weight: 1 },
);
const isZone = (z: string | undefined) => z === undefined || ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'].includes(z);

const propsArb = fc.record({
  cron: cronArb,
  claims: fc.array(claimNameArb, { minLength: 1, maxLength: 3 }),
  asVolumes: fc.boolean(),
  keepLast: keepLastArb,
  keepWithin: keepWithinArb,
  timeZone: timeZoneArb,
  snapscheduler: fc.boolean(),
  suspend: fc.boolean(),
});

test('property: a SnapshotBackupSchedule is either refused with our error, or valid, Forbid, and started late by half its shortest interval', () => {
  fc.assert(fc.property(propsArb, (p) => {
    const chart = new Chart(Testing.app(), 'Test', { namespace: 'db' });
    const retention: SnapshotRetention | undefined = p.keepLast === undefined && p.keepWithin === undefined
      ? undefined
      : { keepLast: p.keepLast, keepWithin: p.keepWithin?.duration };
    const cronText = [p.cron.minute, p.cron.hour, p.cron.day, p.cron.month, p.cron.weekDay].map(t => t.text).join(' ');
    const build = () => {
      // Claims as ExclusiveVolumes (named as given; an invalid name is refused by ExclusiveVolume itself, so only
      // valid names become volumes) or as claim names.
      const volumes = p.asVolumes
        ? p.claims.filter(isClaimName).map((name, i) => new ExclusiveVolume(chart, `V${i}`, { metadata: { name }, storage: Size.gibibytes(1) }))
        : undefined;
      return new SnapshotBackupSchedule(chart, 'Snap', {
        metadata: { name: 'nightly' },
        schedule: Cron.schedule({
          minute: p.cron.minute.text, hour: p.cron.hour.text, day: p.cron.day.text, month: p.cron.month.text, weekDay: p.cron.weekDay.text,
        }),
        timeZone: p.timeZone,
        // How often a schedule may run has targeted tests; here every valid schedule is meant.
        allowFrequentSchedule: true,
        suspend: p.suspend,
        volumes,
        claimNames: p.asVolumes ? undefined : p.claims,
        retention,
        engine: p.snapscheduler ? SnapshotEngine.snapscheduler() : SnapshotEngine.builtIn(),
      });
    };

    const names = p.asVolumes ? p.claims.filter(isClaimName) : p.claims;
    const cronValid = Object.values(p.cron).every(t => t.values !== undefined);
    const claimsValid = names.length > 0 && names.every(isClaimName) && new Set(names).size === names.length;
    const keepLastValid = p.keepLast === undefined || (Number.isInteger(p.keepLast) && p.keepLast >= 1);
    const keepWithinValid = p.keepWithin === undefined || p.keepWithin.seconds !== undefined;
    const snapschedulerValid = !p.snapscheduler || (p.asVolumes && p.timeZone === undefined && SNAPSCHEDULER_PATTERN.test(cronText)
      && !(p.keepLast !== undefined && p.keepWithin !== undefined));
    const expectAccepted = cronValid && claimsValid && keepLastValid && keepWithinValid && isZone(p.timeZone) && snapschedulerValid;

    let schedule: SnapshotBackupSchedule | undefined;
    try {
      schedule = build();
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/^Test\/Snap: SnapshotBackupSchedule prop "[^"]+" /);
      expect({ refused: (error as Error).message, expectAccepted }).toEqual({ refused: expect.any(String), expectAccepted: false });
      return;
    }
    expect({ accepted: cronText, expectAccepted }).toEqual({ accepted: cronText, expectAccepted: true });
    const manifests = Testing.synth(chart);
    expect(validateManifests(manifests)).toEqual([]);
    expect(schedule.claimNames).toEqual(names);
    if (p.snapscheduler) {
      const spec = manifests.find(m => m.kind === 'SnapshotSchedule').spec;
      expect(spec.schedule).toBe(cronText);
      expect(spec.disabled).toBe(p.suspend);
      const selected = manifests.filter(m => m.kind === 'PersistentVolumeClaim'
        && Object.entries(spec.claimSelector.matchLabels).every(([k, v]) => m.metadata.labels?.[k] === v));
      expect(selected.map(m => m.metadata.name)).toEqual(names);
      return;
    }
    const cronJob = manifests.find(m => m.kind === 'CronJob');
    expect(cronJob.spec.concurrencyPolicy).toBe('Forbid');
    expect(cronJob.spec.schedule).toBe(cronText);
    expect(cronJob.spec.timeZone).toBe(p.timeZone);
    expect(cronJob.spec.suspend).toBe(p.suspend);
    const interval = shortestInterval(p.cron);
    expect(cronJob.spec.startingDeadlineSeconds).toBe(Math.max(10, Math.floor(interval / 2)));
    expect(cronJob.spec.startingDeadlineSeconds).toBeLessThan(interval);
    const env = Object.fromEntries(cronJob.spec.jobTemplate.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env.CLAIMS).toBe(names.join(' '));
    expect(env.KEEP_LAST).toBe(retention === undefined ? '7' : p.keepLast === undefined ? undefined : String(p.keepLast));
    expect(env.KEEP_WITHIN_SECONDS).toBe(p.keepWithin?.seconds === undefined ? undefined : String(p.keepWithin.seconds));
  }), RUNS);
});
