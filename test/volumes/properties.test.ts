import { Chart, Size, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { PRUNE_PROTECTION, escapeRegExp, testChart } from './support';
import { ExclusiveStorageClass, ExclusiveVolume, RwopErrors, VolumeDataSource } from '../../src';
import { validateManifests } from '../harness';
import { propertyRuns } from '../harness/property-runs';

const RUNS = { numRuns: propertyRuns(60) };

// ---- Independent oracles (from the Kubernetes rules, not from src/) ----

const SUFFIXES = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
const SIZE_OF = [Size.kibibytes, Size.mebibytes, Size.gibibytes, Size.tebibytes, Size.pebibyte];
// A quantity holds at most 2^63-1 (apimachinery Quantity docs): the whole number of KiB under that.
const MAX_KIB = (2n ** 63n - 1n) / 1024n;

/** The exact value of a finite positive double as mantissa * 2^exponent (doubling a double is exact). */
function dyadic(x: number): { mantissa: bigint; exponent: number } {
  let exponent = 0;
  while (!Number.isInteger(x)) {
    x *= 2;
    exponent--;
  }
  return { mantissa: BigInt(x), exponent };
}

/** The quantity `amount` units of 1024^power KiB must render as, or undefined when it must be refused. */
function expectedQuantity(amount: number, power: number): string | undefined {
  if (!Number.isFinite(amount) || amount <= 0) return undefined;
  const { mantissa, exponent } = dyadic(amount);
  const shift = exponent + 10 * power;
  let kib: bigint;
  if (shift >= 0) {
    kib = mantissa * 2n ** BigInt(shift);
  } else {
    const divisor = 2n ** BigInt(-shift);
    if (mantissa % divisor !== 0n) return undefined;
    kib = mantissa / divisor;
  }
  if (kib > MAX_KIB) return undefined;
  for (let p = SUFFIXES.length - 1; p > 0; p--) {
    const unit = 1024n ** BigInt(p);
    if (kib % unit === 0n) return `${kib / unit}${SUFFIXES[p]}`;
  }
  return `${kib}Ki`;
}

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const isSubdomain = (s: string) => s.length > 0 && s.length <= 253 && s.split('.').every(part => LABEL.test(part));
const isLabelValue = (s: string) => s === '' || (s.length <= 63 && NAME_PART.test(s));
function isQualifiedName(s: string): boolean {
  const parts = s.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  return (parts.length === 1 || isSubdomain(parts[0])) && name.length <= 63 && NAME_PART.test(name);
}
const isCsiDriver = (s: unknown) => typeof s === 'string' && s.length <= 63 && !s.startsWith('kubernetes.io/')
  && /^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$/.test(s);

// ---- Generators: mostly valid values, so that both outcomes are common ----

/** `valid` five times out of six, else `invalid`. */
function mostly<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: invalid, weight: 1 });
}

/** Undefined two times out of three. */
function sometimes<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: arb, weight: 1 });
}

const amountArb = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 5000 }), weight: 6 },
  { arbitrary: fc.tuple(fc.integer({ min: 0, max: 8000 }), fc.constantFrom(2, 3, 4, 10, 1000, 1024, 1048576)).map(([n, d]) => n / d), weight: 3 },
  { arbitrary: fc.double({ min: 0, max: 8000 }), weight: 1 },
  { arbitrary: fc.constantFrom(0, NaN, Infinity), weight: 1 },
);

// Beyond the largest quantity (2^63-1 bytes), and where JavaScript switches to exponent notation (1e21).
const hugeAmountArb = fc.oneof(
  fc.constantFrom(8191, 8192, 2 ** 53 - 1, 2 ** 53, 1e21),
  fc.tuple(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 3, max: 30 })).map(([m, e]) => m * 10 ** e),
  fc.double({ min: 1e15, max: 1e300, noNaN: true }),
);

const dnsNameArb = mostly(
  fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?(\.[a-z0-9]{1,5})?$/),
  fc.oneof(fc.constantFrom('Standard', 'fast_ssd', '-data', 'data-', 'a'.repeat(254), 'a..b'), fc.string({ maxLength: 12 })),
);

const labelKeyArb = mostly(
  fc.stringMatching(/^([a-z]{1,8}\.[a-z]{2,3}\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,10}[A-Za-z0-9])?$/),
  fc.oneof(fc.constantFrom('example.com/', '/app', 'a/b/c', '-app', 'a'.repeat(64)), fc.string({ maxLength: 12 })),
);
const labelValueArb = mostly(
  fc.stringMatching(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,10}[A-Za-z0-9])?)?$/),
  fc.oneof(fc.constantFrom('post gres', 'a'.repeat(64), '-x'), fc.string({ maxLength: 12 })),
);
const labelsArb = fc.array(fc.tuple(labelKeyArb, labelValueArb), { maxLength: 2 }).map(entries => Object.fromEntries(entries));

// ---- Outcome checks ----

type Outcome = { ok: true } | { ok: false; error: unknown };

function attempt(build: () => unknown): Outcome {
  try {
    build();
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Our error, and nothing else: an Error whose message starts with the construct path and names a prop. */
function expectOurError(outcome: Outcome, path: string, construct: string): void {
  if (outcome.ok) throw new Error(`expected ${construct} to refuse these props, but it accepted them`);
  expect(outcome.error).toBeInstanceOf(Error);
  expect(outcome.error).not.toBeInstanceOf(TypeError);
  expect((outcome.error as Error).message).toMatch(new RegExp(`^${escapeRegExp(`${path}: ${construct}`)}[.\\w]* prop "`));
  expect(RwopErrors.validationDetails(outcome.error)?.constructPath).toBe(path);
}

function expectAccepted(outcome: Outcome): void {
  if (!outcome.ok) throw outcome.error;
}

function synthAndValidate(chart: Chart): any[] {
  const manifests = Testing.synth(chart);
  expect(validateManifests(manifests)).toEqual([]);
  return manifests;
}

// ---- Properties ----

describe('ExclusiveVolume properties', () => {
  test.each<[number, number, string | undefined]>([
    [500, 1, '500Mi'], [1536, 1, '1536Mi'], [2048, 1, '2Gi'], [1.5, 2, '1536Mi'], [0.5, 0, undefined], [0.1, 3, undefined],
    [0, 2, undefined], [8191, 4, '8191Pi'], [2 ** 53 - 1, 0, '9007199254740991Ki'], [2 ** 53, 0, undefined], [8192, 4, undefined],
  ])('the storage oracle renders %s x 1024^%s KiB as %s', (amount, power, expected) => {
    expect(expectedQuantity(amount, power)).toBe(expected);
  });

  test('storage from any unit and amount: the exact quantity, or our error', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 4 }), fc.oneof(amountArb, hugeAmountArb), (power, amount) => {
      const chart = testChart();
      const storage = SIZE_OF[power](amount);
      const expected = expectedQuantity(amount, power);
      const outcome = attempt(() => new ExclusiveVolume(chart, 'Data', { storage }));
      if (expected === undefined) {
        expectOurError(outcome, 'Test/Data', 'ExclusiveVolume');
        expect((outcome as { error: Error }).error.message).toContain('prop "storage"');
        return;
      }
      expectAccepted(outcome);
      const [pvc] = synthAndValidate(chart);
      expect(pvc.spec.accessModes).toEqual(['ReadWriteOncePod']);
      expect(pvc.spec.resources.requests.storage).toBe(expected);
    }), RUNS);
  });

  test('any props: a valid RWOP claim rendering them, or our error', () => {
    const classArb = fc.oneof(
      { arbitrary: fc.constantFrom({ kind: 'none' as const }, { kind: 'empty' as const }, { kind: 'construct' as const }), weight: 3 },
      { arbitrary: dnsNameArb.map(name => ({ kind: 'name' as const, name })), weight: 2 },
      { arbitrary: fc.constant({ kind: 'both' as const }), weight: 1 },
    );
    const propsArb = fc.record({
      namespace: fc.constantFrom(undefined, 'db'),
      power: fc.integer({ min: 0, max: 4 }),
      amount: amountArb,
      storageClass: classArb,
      volumeMode: mostly(fc.constantFrom(undefined, 'Filesystem', 'Block'), fc.constantFrom('block', 'Raw', '')),
      dataSource: sometimes(fc.record({ kind: fc.constantFrom('VolumeSnapshot', 'PersistentVolumeClaim'), name: dnsNameArb })),
      volumeName: sometimes(dnsNameArb),
      protectFromPrune: sometimes(fc.boolean()),
      labels: labelsArb,
    });

    fc.assert(fc.property(propsArb, (p) => {
      const chart = testChart({ namespace: p.namespace });
      const storageClass = p.storageClass.kind === 'construct' || p.storageClass.kind === 'both'
        ? new ExclusiveStorageClass(chart, 'Class', { provisioner: 'ebs.csi.aws.com' })
        : undefined;
      const storageClassName = p.storageClass.kind === 'name' ? p.storageClass.name
        : p.storageClass.kind === 'empty' ? ''
          : p.storageClass.kind === 'both' ? 'standard' : undefined;
      const dataSource = p.dataSource && (p.dataSource.kind === 'VolumeSnapshot'
        ? VolumeDataSource.fromSnapshotName(p.dataSource.name)
        : VolumeDataSource.fromClaimName(p.dataSource.name));

      const quantity = expectedQuantity(p.amount, p.power);
      const hasClass = p.storageClass.kind !== 'none';
      const accept = quantity !== undefined
        && p.storageClass.kind !== 'both'
        && (p.storageClass.kind !== 'name' || p.storageClass.name === '' || isSubdomain(p.storageClass.name))
        && (p.volumeMode === undefined || p.volumeMode === 'Filesystem' || p.volumeMode === 'Block')
        && (p.dataSource === undefined || isSubdomain(p.dataSource.name))
        && (p.volumeName === undefined || (isSubdomain(p.volumeName) && p.dataSource === undefined && hasClass))
        && Object.entries(p.labels).every(([k, v]) => isQualifiedName(k) && isLabelValue(v));

      let claim: ExclusiveVolume | undefined;
      const outcome = attempt(() => {
        claim = new ExclusiveVolume(chart, 'Data', {
          storage: SIZE_OF[p.power](p.amount),
          storageClass,
          storageClassName,
          volumeMode: p.volumeMode as any,
          dataSource,
          volumeName: p.volumeName,
          protectFromPrune: p.protectFromPrune,
          metadata: { labels: p.labels },
        });
      });
      if (!accept) {
        expectOurError(outcome, 'Test/Data', 'ExclusiveVolume');
        return;
      }
      expectAccepted(outcome);

      const manifests = synthAndValidate(chart);
      const pvc = manifests.find(m => m.kind === 'PersistentVolumeClaim');
      expect(claim!.accessModes).toEqual(['ReadWriteOncePod']);
      expect(pvc.spec.accessModes).toEqual(['ReadWriteOncePod']);
      expect(pvc.spec.resources.requests.storage).toBe(quantity);
      expect(pvc.spec.storageClassName).toBe(storageClass ? storageClass.name : storageClassName);
      expect(pvc.spec.volumeMode).toBe(p.volumeMode ?? 'Filesystem');
      expect(pvc.spec.dataSource).toEqual(p.dataSource && {
        kind: p.dataSource.kind,
        name: p.dataSource.name,
        ...(p.dataSource.kind === 'VolumeSnapshot' ? { apiGroup: 'snapshot.storage.k8s.io' } : {}),
      });
      expect(pvc.spec.volumeName).toBe(p.volumeName);
      expect(pvc.metadata.namespace).toBe(p.namespace);
      expect(pvc.metadata.labels ?? {}).toEqual(p.labels);
      expect(pvc.metadata.annotations ?? {}).toEqual(p.protectFromPrune === false ? {} : PRUNE_PROTECTION);
    }), RUNS);
  });
});

describe('ExclusiveStorageClass properties', () => {
  test('any props: a valid cluster-scoped CSI StorageClass rendering them, or our error', () => {
    const provisionerArb = mostly(
      fc.oneof(
        fc.stringMatching(/^[a-z0-9]([-a-zA-Z0-9.]{0,30}[a-z0-9])?$/),
        fc.constantFrom('ebs.csi.aws.com', 'pd.csi.storage.gke.io', 'disk.csi.azure.com', 'topolvm.io', 'driver.longhorn.io'),
      ),
      fc.oneof(
        fc.constantFrom('aws-ebs', 'gce-pd', 'azure-disk', 'cinder', 'vsphere-volume', 'no-provisioner', 'local-volume')
          .map(name => `kubernetes.io/${name}`),
        fc.string({ maxLength: 12 }).map(name => `kubernetes.io/${name}`),
        fc.constantFrom('', 'example.com/nfs', 'a'.repeat(64), 'ebs.csi.aws.com.', 'EBS CSI'),
        fc.string({ maxLength: 16 }),
      ),
    );
    const zoneArb = mostly(fc.constantFrom('eu-west-1a', 'eu-west-1b', 'us-east1-c'), fc.oneof(fc.constantFrom('', 'eu west', 'z'.repeat(64)), fc.string({ maxLength: 8 })));
    const propsArb = fc.record({
      provisioner: provisionerArb,
      reclaimPolicy: mostly(fc.constantFrom(undefined, 'Retain', 'Delete'), fc.constantFrom('Recycle', 'retain')),
      volumeBindingMode: mostly(fc.constantFrom(undefined, 'WaitForFirstConsumer', 'Immediate'), fc.constant('Later')),
      allowVolumeExpansion: sometimes(fc.boolean()),
      parameters: sometimes(fc.array(fc.tuple(mostly(fc.constantFrom('type', 'csi.storage.k8s.io/fstype', 'iops'), fc.oneof(fc.constant(''), fc.string({ maxLength: 8 }))),
        fc.string({ maxLength: 8 })), { maxLength: 3 }).map(entries => Object.fromEntries(entries))),
      mountOptions: sometimes(fc.array(mostly(fc.constantFrom('noatime', 'discard'), fc.oneof(fc.constantFrom('', ' '), fc.string({ maxLength: 8 }))), { maxLength: 2 })),
      // Duplicate zones have their own (failing) test in exclusive-storage-class.test.ts, so as not to mask the rest here.
      allowedZones: sometimes(fc.uniqueArray(zoneArb, { maxLength: 3 })),
      zoneTopologyKey: sometimes(mostly(fc.constantFrom('topology.kubernetes.io/zone', 'topology.ebs.csi.aws.com/zone'), labelKeyArb)),
      defaultClass: sometimes(fc.boolean()),
    });

    fc.assert(fc.property(propsArb, (p) => {
      const chart = testChart({ namespace: 'db' });
      const accept = isCsiDriver(p.provisioner)
        && [undefined, 'Retain', 'Delete'].includes(p.reclaimPolicy)
        && [undefined, 'WaitForFirstConsumer', 'Immediate'].includes(p.volumeBindingMode)
        && Object.keys(p.parameters ?? {}).every(key => key.length > 0)
        && (p.mountOptions ?? []).every(option => option.trim().length > 0)
        && (p.zoneTopologyKey === undefined || (isQualifiedName(p.zoneTopologyKey) && p.allowedZones !== undefined))
        && (p.allowedZones === undefined || (p.allowedZones.length > 0 && p.allowedZones.every(zone => zone !== '' && isLabelValue(zone))));

      const outcome = attempt(() => new ExclusiveStorageClass(chart, 'Class', { ...p, reclaimPolicy: p.reclaimPolicy as any, volumeBindingMode: p.volumeBindingMode as any }));
      if (!accept) {
        expectOurError(outcome, 'Test/Class', 'ExclusiveStorageClass');
        return;
      }
      expectAccepted(outcome);

      const [sc] = synthAndValidate(chart);
      expect(sc.kind).toBe('StorageClass');
      expect(sc.metadata).not.toHaveProperty('namespace');
      expect(sc.provisioner).toBe(p.provisioner);
      expect(sc.reclaimPolicy).toBe(p.reclaimPolicy ?? 'Retain');
      expect(sc.volumeBindingMode).toBe(p.volumeBindingMode ?? 'WaitForFirstConsumer');
      expect(sc.allowVolumeExpansion).toBe(p.allowVolumeExpansion ?? true);
      expect(sc.parameters ?? {}).toEqual(p.parameters ?? {});
      expect(sc.mountOptions ?? []).toEqual(p.mountOptions ?? []);
      expect(sc.allowedTopologies).toEqual(p.allowedZones && [
        { matchLabelExpressions: [{ key: p.zoneTopologyKey ?? 'topology.kubernetes.io/zone', values: p.allowedZones }] },
      ]);
      expect(sc.metadata.annotations ?? {}).toEqual(p.defaultClass ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : {});
    }), RUNS);
  });
});
