import { Chart, Cron, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import { DatabaseCredentials, DatabaseEngine, ExclusiveVolume, LogicalBackupSchedule, SingleWriterDatabase } from '../../src';
import { runRules } from '../../src/rules';
import { validateManifests } from '../harness';
import { propertyRuns } from '../harness/property-runs';

const RUNS = { numRuns: propertyRuns(40) };

/** `valid` `odds` times out of `odds + 1`, else `invalid`. */
function mostly<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>, odds = 6): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: odds }, { arbitrary: invalid, weight: 1 });
}

function sometimes<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: arb, weight: 1 });
}

const ENGINES = {
  postgres: () => DatabaseEngine.postgres({ version: '15.14' }),
  mysql: () => DatabaseEngine.mysql(),
  mariadb: () => DatabaseEngine.mariadb(),
};

const propsArb = fc.record({
  engine: mostly(fc.constant('postgres' as const), fc.constantFrom('mysql' as const, 'mariadb' as const), 8),
  keepLast: sometimes(mostly(fc.integer({ min: 1, max: 10000 }), fc.constantFrom(0, -3, 1.5, 10001))),
  // pg_dump must be of the server's major version (15) or newer.
  imageMajor: sometimes(mostly(fc.integer({ min: 15, max: 18 }), fc.integer({ min: 10, max: 14 }), 3)),
  databases: sometimes(mostly(fc.array(fc.stringMatching(/^[a-z_][a-z0-9_]{0,20}$/), { minLength: 1, maxLength: 4 }),
    fc.constantFrom<string[]>([], ['with space'], ['quo"te']))),
  lockWaitSeconds: sometimes(mostly(fc.integer({ min: 1, max: 3600 }).map(s => ({ ok: true, duration: Duration.seconds(s) })),
    fc.constant({ ok: false, duration: Duration.millis(250) }))),
  ownVolume: fc.boolean(),
  storageGiB: mostly(fc.integer({ min: 1, max: 2000 }).map(g => ({ ok: true, size: Size.gibibytes(g) })),
    fc.constant({ ok: false, size: Size.kibibytes(0.25) })),
  hour: mostly(fc.integer({ min: 0, max: 23 }).map(String), fc.constantFrom('24', 'x')),
  namespace: mostly(fc.constant(undefined), fc.constant('elsewhere'), 8),
});

test('property: a LogicalBackupSchedule is either refused with our error, or valid, Forbid, on a claim of its own, and clean', () => {
  fc.assert(fc.property(propsArb, (p) => {
    const chart = new Chart(Testing.app(), 'Test', { namespace: 'db' });
    const db = new SingleWriterDatabase(chart, 'Db', {
      metadata: { name: 'postgres' },
      engine: ENGINES[p.engine](),
      credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'Secret', 'postgres-secret')),
      storage: Size.gibibytes(20),
    });
    const volume = p.ownVolume && p.storageGiB.ok
      ? new ExclusiveVolume(chart, 'Backups', { metadata: { name: 'backups' }, storage: p.storageGiB.size })
      : undefined;
    const expectAccepted = p.engine === 'postgres'
      && (p.keepLast === undefined || (Number.isInteger(p.keepLast) && p.keepLast >= 1 && p.keepLast <= 10000))
      && (p.imageMajor === undefined || p.imageMajor >= 15)
      && (p.databases === undefined || (p.databases.length > 0 && p.databases.every(d => /^[^\s'"\\]+$/.test(d))))
      && (p.lockWaitSeconds === undefined || p.lockWaitSeconds.ok)
      && (volume !== undefined || p.storageGiB.ok)
      && /^\d+$/.test(p.hour) && Number(p.hour) < 24
      && p.namespace === undefined;

    let dumps: LogicalBackupSchedule;
    try {
      dumps = new LogicalBackupSchedule(chart, 'Dump', {
        metadata: { name: 'dump', namespace: p.namespace },
        database: db,
        schedule: Cron.schedule({ minute: '0', hour: p.hour }),
        keepLast: p.keepLast,
        image: p.imageMajor === undefined ? undefined : `postgres:${p.imageMajor}.1`,
        databases: p.databases,
        lockWaitTimeout: p.lockWaitSeconds?.duration,
        volume,
        storage: volume ? undefined : p.storageGiB.size,
      });
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/^Test\/Dump: LogicalBackupSchedule prop "[^"]+" /);
      expect({ refused: (error as Error).message, expectAccepted }).toEqual({ refused: expect.any(String), expectAccepted: false });
      return;
    }
    expect({ accepted: p, expectAccepted }).toEqual({ accepted: p, expectAccepted: true });
    const manifests = Testing.synth(chart);
    expect(validateManifests(manifests)).toEqual([]);
    expect(runRules(manifests.map(object => ({ object }))).filter(f => f.severity !== 'info')).toEqual([]);
    const cronJob = manifests.find(m => m.kind === 'CronJob');
    expect(cronJob.spec.concurrencyPolicy).toBe('Forbid');
    expect(cronJob.spec.startingDeadlineSeconds).toBe(12 * 3600);
    const spec = cronJob.spec.jobTemplate.spec.template.spec;
    const claims = spec.volumes.filter((v: any) => v.persistentVolumeClaim).map((v: any) => v.persistentVolumeClaim.claimName);
    expect(claims).toEqual([dumps.volume.name]);
    expect(claims).not.toContain(db.volume.name);
    expect(spec.automountServiceAccountToken).toBe(false);
    const env = Object.fromEntries(spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.KEEP_LAST).toBe(String(p.keepLast ?? 7));
    expect(env.DATABASES).toBe(p.databases?.join(' '));
    expect(env.PGPASSWORD).toEqual({ secretKeyRef: { name: 'postgres-secret', key: 'password' } });
    expect(spec.containers[0].image).toBe(p.imageMajor === undefined ? 'postgres:15.14' : `postgres:${p.imageMajor}.1`);
  }), RUNS);
});
