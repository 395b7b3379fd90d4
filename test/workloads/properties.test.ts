import { Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import { expectPdbsSelectTheirPods, restrictedViolations, testChart } from './support';
import {
  DatabaseCredentials, DatabaseEngine, DisruptionPolicy, SingleWriterDatabase, SingleWriterDatabaseProps, SingleWriterWorkload,
  SingleWriterWorkloadProps,
  RwopErrors, WorkloadContainer,
} from '../../src';
import { validateManifests } from '../harness';
import { propertyRuns } from '../harness/property-runs';

const RUNS = { numRuns: propertyRuns(50) };

// ---- Independent oracles (from the Kubernetes rules and the issue, not from src/) ----

const DNS1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const isPort = (p: unknown) => typeof p === 'number' && Number.isInteger(p) && p >= 1 && p <= 65535;
const isAbsolute = (p: string) => p.startsWith('/') && p !== '/' && !p.includes(':') && !p.split('/').includes('..');

/** `valid` nine times out of ten, else `invalid`, so that accepted and rejected cases are both common. */
function mostly<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: 9 }, { arbitrary: invalid, weight: 1 });
}
function sometimes<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: arb, weight: 1 });
}

const imageArb = mostly(
  fc.constantFrom('registry.example/app:1.2.3', 'app:2', `app@sha256:${'0'.repeat(64)}`, 'localhost:5000/team/app:v1.0', 'ghcr.io/o/a_b:1'),
  fc.constantFrom('app', 'app:latest', 'App:1', 'a b:1', '', 'app@sha256:xyz'),
);
const portArb = mostly(fc.integer({ min: 1, max: 65535 }), fc.oneof(fc.integer({ min: -5, max: 0 }), fc.constant(70000), fc.constant(8.5)));
const pathArb = mostly(fc.constantFrom('/data', '/var/lib/app', '/srv/db/files'), fc.constantFrom('data', '/', '/a:b', '/a/../b', ''));
const secondsArb = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 300 }), weight: 19 }, { arbitrary: fc.constant(2.5), weight: 1 });
const nameArb = sometimes(mostly(fc.stringMatching(DNS1035).filter(s => s.length <= 40), fc.constantFrom('1app', 'App', 'a_b', '-a')));
const labelsArb = sometimes(fc.dictionary(
  mostly(fc.constantFrom('app', 'tier', 'app.kubernetes.io/name'), fc.constantFrom('bad key', '/x')),
  mostly(fc.stringMatching(LABEL_VALUE).filter(s => s.length <= 63), fc.constantFrom('a b', '-x')),
  { maxKeys: 3 },
));
const policyArb = fc.oneof(
  fc.constant({ make: () => DisruptionPolicy.allowEviction(), valid: true, max: 1 as number | undefined }),
  fc.integer({ min: -1, max: 3 }).map(n => ({
    make: () => DisruptionPolicy.allowEviction({ maxUnavailable: n }), valid: n === 1, max: n as number | undefined,
  })),
  fc.option(fc.constantFrom('moved by hand', ' ', 'the DBA is paged'), { nil: undefined })
    .map(reason => ({ make: () => DisruptionPolicy.blockVoluntaryEvictions({ reason }), valid: reason === undefined || reason.trim() !== '', max: 0 as number | undefined })),
  fc.constant({ make: () => DisruptionPolicy.none(), valid: true, max: undefined as number | undefined }),
);

const workloadArb = fc.record({
  name: nameArb,
  image: imageArb,
  port: portArb,
  mountPath: pathArb,
  replicas: sometimes(mostly(fc.constant(1), fc.constantFrom(0, 2, 3))),
  hibernate: sometimes(fc.boolean()),
  user: sometimes(mostly(fc.integer({ min: 1, max: 70000 }), fc.constant(0))),
  preStop: fc.boolean(),
  preStopTimeout: sometimes(secondsArb),
  shutdownBudget: sometimes(secondsArb),
  /** The grace period given, in seconds more than the minimum (preStop + budget + 5), which may be negative. */
  graceDelta: sometimes(fc.integer({ min: -10, max: 100 })),
  podLabels: labelsArb,
  zone: sometimes(mostly(fc.constantFrom('eu-west-1a', 'zone1'), fc.constant(''))),
  policy: policyArb,
});
type WorkloadCase = typeof workloadArb extends fc.Arbitrary<infer T> ? T : never;

/** Whether the case should be accepted, from the rules alone. */
function workloadAccepted(c: WorkloadCase): boolean {
  const whole = (s: number | undefined) => s === undefined || Number.isInteger(s);
  const labelsOk = Object.entries(c.podLabels ?? {}).every(([k, v]) => /^([a-z0-9.]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(k) && LABEL_VALUE.test(v));
  const minimumGrace = minimumWorkloadGrace(c);
  return (c.name === undefined || DNS1035.test(c.name))
    && labelsOk
    && (c.replicas === undefined || c.replicas === 1 || (c.replicas === 0 && c.hibernate === true))
    && whole(c.shutdownBudget)
    && (c.zone === undefined || c.zone !== '')
    && /^(localhost:5000\/|ghcr\.io\/|registry\.example\/)?[a-z0-9_/]+(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$/.test(c.image) && !c.image.endsWith(':latest') && /[:@]/.test(c.image)
    && isPort(c.port)
    && isAbsolute(c.mountPath)
    && (c.user === undefined || c.user >= 1)
    && (c.preStop || c.preStopTimeout === undefined)
    && (!c.preStop || c.preStopTimeout === undefined || (Number.isInteger(c.preStopTimeout) && c.preStopTimeout >= 1))
    && (c.graceDelta === undefined || (Number.isInteger(minimumGrace) && c.graceDelta >= 0))
    && c.policy.valid;
}

function minimumWorkloadGrace(c: WorkloadCase): number {
  return (c.preStop ? c.preStopTimeout ?? 30 : 0) + (c.shutdownBudget ?? 30) + 5;
}

function buildWorkload(c: WorkloadCase) {
  const chart = testChart();
  // cdk8s itself refuses a negative Duration: a grace below zero is given as zero, still too short.
  const grace = c.graceDelta === undefined ? undefined : Math.max(0, minimumWorkloadGrace(c) + c.graceDelta);
  const props: SingleWriterWorkloadProps = {
    metadata: c.name === undefined ? undefined : { name: c.name },
    container: WorkloadContainer.fromImage({
      image: c.image,
      port: c.port,
      mountPath: c.mountPath,
      runAsUser: c.user,
      preStopCommand: c.preStop ? ['/bin/drain'] : undefined,
      preStopTimeout: c.preStopTimeout === undefined ? undefined : Duration.millis(c.preStopTimeout * 1000),
    }),
    storage: Size.gibibytes(1),
    replicas: c.replicas,
    hibernate: c.hibernate,
    shutdownBudget: c.shutdownBudget === undefined ? undefined : Duration.millis(c.shutdownBudget * 1000),
    terminationGracePeriod: grace === undefined ? undefined : Duration.millis(grace * 1000),
    podLabels: c.podLabels,
    zone: c.zone,
    disruptionPolicy: c.policy.make(),
  };
  const workload = new SingleWriterWorkload(chart, 'App', props);
  return { chart, workload };
}

/** Our errors: a plain Error naming the construct path, the construct and the prop. */
function expectOurError(error: unknown, construct: string): void {
  expect(error).toBeInstanceOf(Error);
  expect(error).not.toBeInstanceOf(TypeError);
  expect(error).not.toBeInstanceOf(RangeError);
  expect((error as Error).message).toMatch(new RegExp(`^Test/(App|Db): ${construct} prop ".+" `));
  expect(RwopErrors.validationDetails(error)).toMatchObject({ construct, message: (error as Error).message });
}

/** What every accepted single writer must be. */
function expectSoundOutput(manifests: any[], minimumGrace: number, maxUnavailable: number | undefined, hibernate = false): void {
  expect(validateManifests(manifests)).toEqual([]);
  const deployment = manifests.find(m => m.kind === 'Deployment');
  expect(deployment.spec.replicas).toBe(hibernate ? 0 : 1);
  expect(deployment.spec.strategy.type).toBe('Recreate');
  const spec = deployment.spec.template.spec;
  expect(restrictedViolations(spec)).toEqual([]);
  expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(minimumGrace);
  const claims = manifests.filter(m => m.kind === 'PersistentVolumeClaim');
  expect(claims.map(c => c.spec.accessModes)).toEqual([['ReadWriteOncePod']]);
  const mounted = spec.volumes.filter((v: any) => v.persistentVolumeClaim).map((v: any) => v.persistentVolumeClaim.claimName);
  expect(mounted).toEqual([claims[0].metadata.name]);
  const pdbs = manifests.filter(m => m.kind === 'PodDisruptionBudget');
  expect(pdbs.map(p => p.spec.maxUnavailable)).toEqual(maxUnavailable === undefined ? [] : [maxUnavailable]);
  expect(pdbs.every(p => p.spec.unhealthyPodEvictionPolicy === 'AlwaysAllow')).toBe(true);
  expectPdbsSelectTheirPods(manifests);
}

test('SingleWriterWorkload: accepted props give sound, harness-valid output; rejected props give our error', () => {
  fc.assert(fc.property(workloadArb, (c) => {
    let built: ReturnType<typeof buildWorkload> | undefined;
    let error: unknown;
    try {
      built = buildWorkload(c);
    } catch (e) {
      error = e;
    }
    if (built === undefined) {
      expectOurError(error, 'SingleWriterWorkload');
      expect(workloadAccepted(c)).toBe(false);
      return;
    }
    expect(workloadAccepted(c)).toBe(true);
    expectSoundOutput(Testing.synth(built.chart), minimumWorkloadGrace(c), c.policy.max, c.hibernate === true);
  }), RUNS);
});

// ---- SingleWriterDatabase ----

const engineArb = fc.oneof(
  fc.record({
    version: sometimes(mostly(fc.constantFrom('15.14', '16.10', '17.6'), fc.constantFrom('15', 'latest', '15.x'))),
    fast: sometimes(secondsArb),
  })
    .map(o => ({
      make: () => DatabaseEngine.postgres({
        version: o.version, fastShutdownTimeout: o.fast === undefined ? undefined : Duration.millis(o.fast * 1000),
      }),
      valid: (o.version === undefined || /^\d+\.\d+$/.test(o.version)) && (o.fast === undefined || (Number.isInteger(o.fast) && o.fast >= 1)),
      preStop: o.fast ?? 60,
      budget: 10,
      root: false,
    })),
  fc.record({ mariadb: fc.boolean(), version: sometimes(mostly(fc.constantFrom('8.4.6', '11.4.7'), fc.constantFrom('8.4', '11'))) })
    .map(o => ({
      make: () => (o.mariadb ? DatabaseEngine.mariadb({ version: o.version }) : DatabaseEngine.mysql({ version: o.version })),
      valid: o.version === undefined || /^\d+\.\d+\.\d+$/.test(o.version),
      preStop: 0,
      budget: 60,
      root: true,
    })),
);

const databaseArb = fc.record({
  engine: engineArb,
  username: sometimes(mostly(fc.constantFrom('postgres', 'root', 'shop_owner'), fc.constantFrom('a b', '1x', ''))),
  passwordKey: sometimes(mostly(fc.constantFrom('password', 'pg.password', 'PASSWORD_1'), fc.constantFrom('pass word', ''))),
  database: sometimes(mostly(fc.constantFrom('shop', '_x', 'db1'), fc.constantFrom('my-db', '1db', ''))),
  graceDelta: sometimes(fc.integer({ min: -10, max: 100 })),
  replicas: sometimes(mostly(fc.constant(1), fc.constantFrom(0, 2))),
  policy: policyArb,
});
type DatabaseCase = typeof databaseArb extends fc.Arbitrary<infer T> ? T : never;

function databaseAccepted(c: DatabaseCase): boolean {
  const identifier = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
  return c.engine.valid
    && (c.username === undefined || (identifier.test(c.username) && (!c.engine.root || c.username === 'root')))
    && (c.passwordKey === undefined || /^[-._a-zA-Z0-9]+$/.test(c.passwordKey))
    && (c.database === undefined || identifier.test(c.database))
    && (c.replicas === undefined || c.replicas === 1)
    && (c.graceDelta === undefined || (Number.isInteger(c.engine.preStop) && c.graceDelta >= 0))
    && c.policy.valid;
}

test('SingleWriterDatabase: accepted props give sound, harness-valid output; rejected props give our error', () => {
  fc.assert(fc.property(databaseArb, (c) => {
    const chart = testChart();
    let error: unknown;
    let db: SingleWriterDatabase | undefined;
    try {
      const props: SingleWriterDatabaseProps = {
        engine: c.engine.make(),
        credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'Secret', 'db-secret'),
          { username: c.username, passwordKey: c.passwordKey }),
        database: c.database,
        storage: Size.gibibytes(1),
        replicas: c.replicas,
        terminationGracePeriod: c.graceDelta === undefined ? undefined
          : Duration.millis((c.engine.preStop + c.engine.budget + 5 + c.graceDelta) * 1000),
        disruptionPolicy: c.policy.make(),
      };
      db = new SingleWriterDatabase(chart, 'Db', props);
    } catch (e) {
      error = e;
    }
    if (db === undefined) {
      expectOurError(error, 'SingleWriterDatabase');
      expect(databaseAccepted(c)).toBe(false);
      return;
    }
    expect(databaseAccepted(c)).toBe(true);
    const manifests = Testing.synth(chart);
    expectSoundOutput(manifests, c.engine.preStop + c.engine.budget + 5, c.policy.max);
    // The password is always a Secret reference.
    const env = manifests.find(m => m.kind === 'Deployment').spec.template.spec.containers[0].env;
    const passwords = env.filter((e: any) => /PASSWORD/.test(e.name));
    expect(passwords).toEqual([expect.objectContaining({ valueFrom: { secretKeyRef: { name: 'db-secret', key: c.passwordKey ?? 'password' } } })]);
  }), RUNS);
});
