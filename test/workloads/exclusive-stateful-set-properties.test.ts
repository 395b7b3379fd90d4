import { Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import {
  ClaimRetention, DatabaseCredentials, DatabaseEngine, DisruptionPolicy, ExclusiveStatefulSet, ExclusiveStatefulSetProps,
  ExclusiveStorageClass,
  WorkloadContainer,
} from '../../src';
import { validateManifests } from '../harness';
import { propertyRuns } from '../harness/property-runs';
import { escapeRegExp, testChart } from '../volumes/support';

const RUNS = { numRuns: propertyRuns(100) };

// ---- Independent oracles (from the Kubernetes rules, not from src/) ----

/** The quantity a whole number of KiB renders as: the largest binary unit that holds it exactly. */
function expectedQuantity(kib: number): string | undefined {
  if (!Number.isInteger(kib) || kib <= 0) return undefined;
  const units: Array<[string, number]> = [['Pi', 1024 ** 4], ['Ti', 1024 ** 3], ['Gi', 1024 ** 2], ['Mi', 1024], ['Ki', 1]];
  const [unit, size] = units.find(([, s]) => kib % s === 0)!;
  return `${kib / size}${unit}`;
}

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const isLabel = (s: string) => s.length <= 63 && LABEL.test(s);
const isSubdomain = (s: string) => s.length > 0 && s.length <= 253 && s.split('.').every(part => LABEL.test(part));
const isDns1035 = (s: string) => isLabel(s) && /^[a-z]/.test(s);
const isLabelValue = (s: string) => s === '' || (s.length <= 63 && NAME_PART.test(s));
const isLabelKey = (s: string) => {
  const parts = s.split('/');
  const name = parts[parts.length - 1];
  return parts.length <= 2 && (parts.length === 1 || isSubdomain(parts[0])) && name.length <= 63 && NAME_PART.test(name);
};
/** Pods are labelled `controller-revision-hash: <name>-<10-character hash>`, a label value of at most 63. */
const isStatefulSetName = (s: string) => isLabel(s) && s.length <= 52;

// ---- Generators ----

/** `valid` twelve times out of thirteen: with a dozen props that can each be wrong, both outcomes stay common. */
function mostly<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: invalid, weight: 1 });
}

function sometimes<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: arb, weight: 1 });
}

const nameArb = mostly(
  fc.stringMatching(/^[a-z]([-a-z0-9]{0,58}[a-z0-9])?$/),
  fc.oneof(fc.constantFrom('Postgres', '1db', 'db.cluster', '-db', 'db-', `a${'b'.repeat(52)}`), fc.string({ maxLength: 10 })),
);
const labelsArb = fc.array(fc.tuple(
  mostly(fc.stringMatching(/^([a-z]{1,8}\.io\/)?[a-z]([-a-z0-9]{0,10}[a-z0-9])?$/), fc.constantFrom('-app', 'a/b/c', 'example.com/')),
  mostly(fc.stringMatching(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,10}[A-Za-z0-9])?)?$/), fc.constantFrom('post gres', '-x', 'a'.repeat(64))),
), { maxLength: 2 }).map(entries => Object.fromEntries(entries));
const kibArb = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 2 ** 24 }), weight: 4 },
  { arbitrary: fc.integer({ min: 1, max: 200 }).map(n => n * 1024 * 1024), weight: 2 },
  { arbitrary: fc.constantFrom(0, 0.5, 1 / 3, NaN), weight: 1 },
);
const seconds = (max: number) => fc.integer({ min: 0, max });

interface PreStop {
  readonly preStopCommand?: string[];
  readonly preStopTimeout?: number;
}
const DRAIN = ['/app', 'drain'];
/** A preStop command with or without a timeout, or none; rarely a timeout alone or a zero timeout. */
const preStopArb: fc.Arbitrary<PreStop> = mostly<PreStop>(
  fc.oneof(fc.constant({}), fc.record({ preStopCommand: fc.constant(DRAIN), preStopTimeout: sometimes(fc.integer({ min: 1, max: 120 })) })),
  fc.oneof(fc.record({ preStopTimeout: seconds(120) }), fc.constant({ preStopCommand: DRAIN, preStopTimeout: 0 })),
);
const engineArb = fc.record({ kind: fc.constant('engine' as const) });
const imageArb = fc.record({
  kind: fc.constant('image' as const),
  image: mostly(fc.constantFrom('ghcr.io/example/app:1.4.2', 'redis:7.4.1'), fc.constantFrom('redis', 'redis:latest')),
  port: mostly(fc.integer({ min: 1, max: 65535 }), fc.constantFrom(0, 70000)),
  preStop: preStopArb,
});

const propsArb = fc.record({
  namespace: fc.constantFrom(undefined, 'db'),
  name: sometimes(nameArb),
  serviceName: sometimes(nameArb),
  podLabels: sometimes(labelsArb),
  replicas: sometimes(mostly(fc.integer({ min: 0, max: 5 }), fc.constantFrom(-1, 1.5, NaN))),
  hibernate: sometimes(fc.boolean()),
  podManagementPolicy: sometimes(mostly(fc.constantFrom(kplus.PodManagementPolicy.ORDERED_READY, kplus.PodManagementPolicy.PARALLEL), fc.constant('Sequential'))),
  update: fc.oneof(fc.constant({ kind: 'default' as const }), fc.constant({ kind: 'onDelete' as const }),
    mostly(fc.integer({ min: 0, max: 4 }), fc.constant(-1)).map(partition => ({ kind: 'rolling' as const, partition }))),
  kib: kibArb,
  storageClass: mostly(fc.constantFrom('none', 'construct', 'empty', 'standard'), fc.constantFrom('both', 'Standard')),
  volumeMode: sometimes(mostly(fc.constantFrom(kplus.PersistentVolumeMode.FILE_SYSTEM, kplus.PersistentVolumeMode.BLOCK), fc.constant('Raw'))),
  claimTemplateName: sometimes(mostly(fc.stringMatching(/^[a-z]([-a-z0-9]{0,20}[a-z0-9])?$/), fc.constantFrom('Data', 'pg.data', ''))),
  whenDeleted: sometimes(mostly(fc.constantFrom(ClaimRetention.RETAIN, ClaimRetention.DELETE), fc.constant('Keep'))),
  whenScaled: sometimes(mostly(fc.constantFrom(ClaimRetention.RETAIN, ClaimRetention.DELETE), fc.constant('delete'))),
  runs: fc.oneof(engineArb, imageArb),
  shutdownBudget: sometimes(seconds(120)),
  grace: sometimes(mostly(fc.integer({ min: 60, max: 300 }), seconds(59))),
  disruption: fc.oneof(
    fc.constant(undefined),
    fc.constant({ kind: 'block' as const }),
    fc.constant({ kind: 'none' as const }),
    mostly(fc.integer({ min: 1, max: 2 }), fc.constantFrom(0, 7)).map(max => ({ kind: 'allow' as const, max })),
  ),
});

type Generated = typeof propsArb extends fc.Arbitrary<infer T> ? T : never;

/** Whether the API server and the StatefulSet controller would take these props, judged from their rules. */
function acceptable(p: Generated): boolean {
  const replicas = p.replicas ?? 1;
  const engine = p.runs.kind === 'engine';
  const preStop = p.runs.kind === 'engine' ? 60 : p.runs.preStop.preStopCommand ? p.runs.preStop.preStopTimeout ?? 30 : 0;
  const shutdown = p.shutdownBudget ?? (engine ? 10 : 30);
  const claimName = p.claimTemplateName ?? 'data';
  return (p.name === undefined || (isStatefulSetName(p.name) && (p.serviceName !== undefined || isDns1035(p.name))))
    && (p.serviceName === undefined || isDns1035(p.serviceName))
    && Object.entries(p.podLabels ?? {}).every(([k, v]) => isLabelKey(k) && isLabelValue(v))
    && Number.isInteger(replicas) && replicas >= 1
    && p.podManagementPolicy !== 'Sequential'
    && (p.update.kind !== 'rolling' || p.update.partition >= 0)
    && expectedQuantity(p.kib) !== undefined
    && !['both', 'Standard'].includes(p.storageClass)
    && p.volumeMode !== 'Raw'
    && !(engine && p.volumeMode === kplus.PersistentVolumeMode.BLOCK)
    && isLabel(claimName)
    && p.whenDeleted !== 'Keep' && p.whenScaled !== 'delete'
    && !(p.hibernate === true && p.whenScaled === ClaimRetention.DELETE)
    && (p.runs.kind === 'engine'
      || (!['redis', 'redis:latest'].includes(p.runs.image) && p.runs.port >= 1 && p.runs.port <= 65535
        && (p.runs.preStop.preStopCommand !== undefined ? (p.runs.preStop.preStopTimeout ?? 30) >= 1 : p.runs.preStop.preStopTimeout === undefined)))
    && (p.grace === undefined || p.grace >= preStop + shutdown + 5)
    && (p.disruption?.kind !== 'allow' || (p.disruption.max >= 1 && p.disruption.max <= Math.max(replicas, 1)));
}

function toProps(p: Generated, chart: ReturnType<typeof testChart>): ExclusiveStatefulSetProps {
  const storageClass = p.storageClass === 'construct' || p.storageClass === 'both'
    ? new ExclusiveStorageClass(chart, 'Class', { provisioner: 'ebs.csi.aws.com' }) : undefined;
  const storageClassName = { none: undefined, construct: undefined, both: 'standard', empty: '', standard: 'standard', Standard: 'Standard' }[p.storageClass];
  const container = p.runs.kind === 'engine'
    ? WorkloadContainer.fromEngine(DatabaseEngine.postgres(), {
      credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'Secret', 'postgres-secret')),
    })
    : WorkloadContainer.fromImage({
      image: p.runs.image,
      port: p.runs.port,
      mountPath: '/var/lib/app',
      preStopCommand: p.runs.preStop.preStopCommand,
      preStopTimeout: p.runs.preStop.preStopTimeout === undefined ? undefined : Duration.seconds(p.runs.preStop.preStopTimeout),
    });
  const disruptionPolicy = p.disruption === undefined ? undefined
    : p.disruption.kind === 'block' ? DisruptionPolicy.blockVoluntaryEvictions()
      : p.disruption.kind === 'none' ? DisruptionPolicy.none()
        : DisruptionPolicy.allowEviction({ maxUnavailable: p.disruption.max });
  return {
    metadata: p.name === undefined ? undefined : { name: p.name },
    serviceName: p.serviceName,
    podLabels: p.podLabels,
    replicas: p.replicas,
    hibernate: p.hibernate,
    podManagementPolicy: p.podManagementPolicy as kplus.PodManagementPolicy | undefined,
    updateStrategy: p.update.kind === 'default' ? undefined
      : p.update.kind === 'onDelete' ? kplus.StatefulSetUpdateStrategy.onDelete()
        : kplus.StatefulSetUpdateStrategy.rollingUpdate({ partition: p.update.partition }),
    storage: Size.kibibytes(p.kib),
    storageClass,
    storageClassName,
    volumeMode: p.volumeMode as kplus.PersistentVolumeMode | undefined,
    claimTemplateName: p.claimTemplateName,
    claimRetentionPolicy: p.whenDeleted === undefined && p.whenScaled === undefined ? undefined
      : { whenDeleted: p.whenDeleted as ClaimRetention | undefined, whenScaled: p.whenScaled as ClaimRetention | undefined },
    container,
    shutdownBudget: p.shutdownBudget === undefined ? undefined : Duration.seconds(p.shutdownBudget),
    terminationGracePeriod: p.grace === undefined ? undefined : Duration.seconds(p.grace),
    disruptionPolicy,
  };
}

describe('ExclusiveStatefulSet properties', () => {
  test.each<[number, string | undefined]>([
    [500 * 1024, '500Mi'], [20 * 1024 ** 2, '20Gi'], [1536 * 1024, '1536Mi'], [1, '1Ki'], [1024 ** 4, '1Pi'], [0.5, undefined], [0, undefined],
  ])('the quantity oracle renders %s KiB as %s', (kib, quantity) => {
    expect(expectedQuantity(kib)).toBe(quantity);
  });

  test('any props: a valid StatefulSet with one RWOP claim per replica, or our error (never a TypeError)', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(fc.property(propsArb, (p) => {
      const chart = testChart({ namespace: p.namespace });
      let error: unknown;
      let db: ExclusiveStatefulSet | undefined;
      try {
        db = new ExclusiveStatefulSet(chart, 'Db', toProps(p, chart));
      } catch (e) {
        error = e;
      }
      if (!acceptable(p)) {
        rejected++;
        expect(error).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(TypeError);
        expect((error as Error).message).toMatch(new RegExp(`^${escapeRegExp('Test/Db: ExclusiveStatefulSet prop "')}`));
        return;
      }
      if (error !== undefined) throw error;
      accepted++;
      const manifests = Testing.synth(chart);
      expect(validateManifests(manifests)).toEqual([]);

      const namespaced = manifests.filter(m => m.kind !== 'StorageClass');
      expect(namespaced.map(m => m.metadata.namespace)).toEqual(namespaced.map(() => p.namespace));
      const [sts] = manifests.filter(m => m.kind === 'StatefulSet');
      const services = manifests.filter(m => m.kind === 'Service');
      expect(services).toHaveLength(1);
      expect(sts.spec.serviceName).toBe(services[0].metadata.name);
      expect(services[0].spec.clusterIP).toBe('None');
      expect(sts.metadata.name.length).toBeLessThanOrEqual(52);
      expect(sts.spec.replicas).toBe(p.hibernate === true ? 0 : p.replicas ?? 1);
      expect(db!.replicas).toBe(p.replicas ?? 1);

      const claimName = p.claimTemplateName ?? 'data';
      expect(sts.spec.volumeClaimTemplates).toHaveLength(1);
      const [template] = sts.spec.volumeClaimTemplates;
      expect(template.metadata.name).toBe(claimName);
      expect(template.spec.accessModes).toEqual(['ReadWriteOncePod']);
      expect(template.spec.resources.requests.storage).toBe(expectedQuantity(p.kib));
      expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({
        whenDeleted: p.whenDeleted ?? 'Retain', whenScaled: p.whenScaled ?? 'Retain',
      });
      expect(db!.claimRetentionPolicy).toEqual(sts.spec.persistentVolumeClaimRetentionPolicy);
      expect(db!.claimName(0)).toBe(`${claimName}-${sts.metadata.name}-0`);

      // The claim is the pod's volume only through the template, attached to the main container at the mount path.
      const pod = sts.spec.template.spec;
      expect((pod.volumes ?? []).map((v: any) => v.name)).not.toContain(claimName);
      const container = pod.containers[0];
      const attached = p.volumeMode === kplus.PersistentVolumeMode.BLOCK
        ? container.volumeDevices.map((d: any) => [d.name, d.devicePath])
        : container.volumeMounts.filter((m: any) => m.name === claimName).map((m: any) => [m.name, m.mountPath]);
      expect(attached).toEqual([[claimName, db!.mountPath]]);

      // The grace period covers the preStop timeout plus the shutdown budget plus the margin, or is the one given.
      const preStop = p.runs.kind === 'engine' ? 60 : p.runs.preStop.preStopCommand ? p.runs.preStop.preStopTimeout ?? 30 : 0;
      const minimum = preStop + (p.shutdownBudget ?? (p.runs.kind === 'engine' ? 10 : 30)) + 5;
      expect(pod.terminationGracePeriodSeconds).toBe(p.grace ?? minimum);

      const budgets = manifests.filter(m => m.kind === 'PodDisruptionBudget');
      expect(budgets).toHaveLength(p.disruption?.kind === 'none' ? 0 : 1);
      for (const pdb of budgets) {
        expect(pdb.spec.selector.matchLabels).toEqual(sts.spec.template.metadata.labels);
        expect(pdb.spec.maxUnavailable).toBe(p.disruption?.kind === 'block' ? 0 : p.disruption?.kind === 'allow' ? p.disruption.max : 1);
        expect(pdb.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
      }
    }), RUNS);
    // Both outcomes must be common (a tenth of the runs each, at least), or the property proves little.
    expect(accepted).toBeGreaterThan(RUNS.numRuns / 10);
    expect(rejected).toBeGreaterThan(RUNS.numRuns / 10);
  });
});
