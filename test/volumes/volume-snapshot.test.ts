import { Chart, Size, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { PRUNE_PROTECTION, expectPropError, only, synthValid, testChart } from './support';
import {
  ExclusiveVolume, VolumeSnapshot, VolumeSnapshotClass, VolumeSnapshotClassProps, VolumeSnapshotDeletionPolicy,
  VolumeSnapshotProps, VolumeSnapshotSource,
} from '../../src';

describe('VolumeSnapshotClass', () => {
  test('defaults: deletionPolicy Retain, no parameters, no annotations', () => {
    const chart = testChart();
    const snapshotClass = new VolumeSnapshotClass(chart, 'SnapshotClass', { driver: 'ebs.csi.aws.com' });

    const manifests = synthValid(chart);
    expect(manifests).toHaveLength(1);
    const vsc = manifests[0];
    expect(vsc.apiVersion).toBe('snapshot.storage.k8s.io/v1');
    expect(vsc.kind).toBe('VolumeSnapshotClass');
    expect(vsc.driver).toBe('ebs.csi.aws.com');
    expect(vsc.deletionPolicy).toBe('Retain');
    expect(vsc).not.toHaveProperty('spec');
    expect(vsc).not.toHaveProperty('parameters');
    expect(vsc.metadata).not.toHaveProperty('annotations');
    expect(vsc.metadata).not.toHaveProperty('namespace');
    expect(snapshotClass.name).toBe(vsc.metadata.name);
    expect(snapshotClass.driver).toBe('ebs.csi.aws.com');
    expect(snapshotClass.deletionPolicy).toBe(VolumeSnapshotDeletionPolicy.RETAIN);
    expect(Yaml.stringify(...manifests)).toMatchSnapshot();
  });

  test('renders Delete, parameters and the default-class annotation', () => {
    const chart = testChart();
    new VolumeSnapshotClass(chart, 'SnapshotClass', {
      metadata: { name: 'csi-snapshot-class' },
      driver: 'pd.csi.storage.gke.io',
      deletionPolicy: VolumeSnapshotDeletionPolicy.DELETE,
      parameters: { 'storage-locations': 'europe-west1' },
      defaultClass: true,
    });

    const manifests = synthValid(chart);
    const vsc = only(manifests, 'VolumeSnapshotClass');
    expect(vsc.metadata.name).toBe('csi-snapshot-class');
    expect(vsc.deletionPolicy).toBe('Delete');
    expect(vsc.parameters).toEqual({ 'storage-locations': 'europe-west1' });
    expect(vsc.metadata.annotations).toEqual({ 'snapshot.storage.kubernetes.io/is-default-class': 'true' });
    expect(Yaml.stringify(...manifests)).toMatchSnapshot();
  });

  test('carries no namespace even in a chart that has one (VolumeSnapshotClass is cluster-scoped)', () => {
    const chart = testChart({ namespace: 'db' });
    new VolumeSnapshotClass(chart, 'SnapshotClass', { driver: 'ebs.csi.aws.com' });

    expect(only(synthValid(chart), 'VolumeSnapshotClass').metadata).not.toHaveProperty('namespace');
  });

  test('fromSnapshotClassName() references a class without emitting one', () => {
    const chart = testChart();
    const ref = VolumeSnapshotClass.fromSnapshotClassName(chart, 'SnapshotClass', 'csi-snapshot-class');

    expect(ref.name).toBe('csi-snapshot-class');
    expect(ref.kind).toBe('VolumeSnapshotClass');
    expect(ref.apiVersion).toBe('snapshot.storage.k8s.io/v1');
    expect(synthValid(chart)).toEqual([]);
  });

  describe('refuses bad props', () => {
    test.each<[string, () => VolumeSnapshotClassProps, string, RegExp]>([
      ['in-tree driver', () => ({ driver: 'kubernetes.io/aws-ebs' }),
        'driver', /is "kubernetes.io\/aws-ebs"; .*enforced for CSI volumes only; use ebs\.csi\.aws\.com/],
      ['driver kubernetes.io/no-provisioner', () => ({ driver: 'kubernetes.io/no-provisioner' }), 'driver', /in-tree provisioner/],
      ['empty driver', () => ({ driver: '' }), 'driver', /is ""; accepted: the name of a CSI driver/],
      ['driver missing', () => ({} as any), 'driver', /is missing; accepted: the name of a CSI driver/],
      ['driver with a space', () => ({ driver: 'ebs csi' }), 'driver', /accepted: a CSI driver name of at most 63/],
      ['driver with an underscore', () => ({ driver: 'ebs_csi.aws.com' }), 'driver', /a CSI driver name/],
      ['deletionPolicy Keep', () => ({ driver: 'ebs.csi.aws.com', deletionPolicy: 'Keep' as any }),
        'deletionPolicy', /is "Keep"; accepted: VolumeSnapshotDeletionPolicy.RETAIN, VolumeSnapshotDeletionPolicy.DELETE/],
      ['parameters with a boolean value', () => ({ driver: 'ebs.csi.aws.com', parameters: { incremental: true as any } }),
        'parameters', /accepted: non-empty keys with string values/],
      ['metadata.namespace given', () => ({ driver: 'ebs.csi.aws.com', metadata: { namespace: 'db' } }),
        'metadata.namespace', /is "db"; accepted: nothing, VolumeSnapshotClass is cluster-scoped/],
      ['metadata.name uppercase', () => ({ driver: 'ebs.csi.aws.com', metadata: { name: 'Snapshots' } }), 'metadata.name', /lowercase/],
      ['props undefined', () => undefined as any, 'driver', /is missing/],
    ])('%s', (_, props, prop, detail) => {
      expectPropError(() => new VolumeSnapshotClass(testChart(), 'SnapshotClass', props()),
        'Test/SnapshotClass', 'VolumeSnapshotClass', prop, detail);
    });

    test.each([
      ['empty', ''],
      ['uppercase', 'CSI-Snapshots'],
    ])('fromSnapshotClassName() refuses an %s name', (_, name) => {
      expectPropError(() => VolumeSnapshotClass.fromSnapshotClassName(testChart(), 'C', name),
        'Test/C', 'VolumeSnapshotClass.fromSnapshotClassName', 'name', new RegExp(`is "${name}"; accepted: at most 253 lowercase`));
    });
  });
});

describe('VolumeSnapshot', () => {
  test('of an ExclusiveVolume construct, in its namespace, with a class construct', () => {
    const chart = testChart({ namespace: 'db' });
    const claim = new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(20), storageClassName: 'standard' });
    const snapshotClass = new VolumeSnapshotClass(chart, 'SnapshotClass', { driver: 'ebs.csi.aws.com' });
    const snapshot = new VolumeSnapshot(chart, 'Snapshot', { source: VolumeSnapshotSource.fromClaim(claim), snapshotClass });

    const manifests = synthValid(chart);
    const vs = only(manifests, 'VolumeSnapshot');
    expect(vs.apiVersion).toBe('snapshot.storage.k8s.io/v1');
    expect(vs.metadata.namespace).toBe('db');
    expect(vs.spec).toEqual({
      source: { persistentVolumeClaimName: claim.name },
      volumeSnapshotClassName: only(manifests, 'VolumeSnapshotClass').metadata.name,
    });
    expect(vs.metadata.annotations).toEqual(PRUNE_PROTECTION);
    expect(snapshot.source.claimName).toBe(claim.name);
    expect(snapshot.source.snapshotContentName).toBeUndefined();
    expect(snapshot.snapshotClassName).toBe(snapshotClass.name);
    expect(Yaml.stringify(...manifests)).toMatchSnapshot();
  });

  test('the seed\'s snapshot: claim postgres-exclusive-data by name, class csi-snapshot-class by name', () => {
    const chart = testChart();
    new VolumeSnapshot(chart, 'Snapshot', {
      metadata: { name: 'postgres-backup-20250101-020000' },
      source: VolumeSnapshotSource.fromClaimName('postgres-exclusive-data'),
      snapshotClass: VolumeSnapshotClass.fromSnapshotClassName(chart, 'SnapshotClass', 'csi-snapshot-class'),
    });

    const manifests = synthValid(chart);
    expect(manifests).toHaveLength(1);
    const vs = manifests[0];
    expect(vs.metadata.name).toBe('postgres-backup-20250101-020000');
    expect(vs.spec).toEqual({
      source: { persistentVolumeClaimName: 'postgres-exclusive-data' },
      volumeSnapshotClassName: 'csi-snapshot-class',
    });
    expect(Yaml.stringify(...manifests)).toMatchSnapshot();
  });

  test('without a class has no volumeSnapshotClassName key at all (driver default)', () => {
    const chart = testChart();
    const snapshot = new VolumeSnapshot(chart, 'Snapshot', { source: VolumeSnapshotSource.fromClaimName('postgres-data') });

    const vs = only(synthValid(chart), 'VolumeSnapshot');
    expect(vs.spec).toEqual({ source: { persistentVolumeClaimName: 'postgres-data' } });
    expect(vs.spec).not.toHaveProperty('volumeSnapshotClassName');
    expect(snapshot.snapshotClassName).toBeUndefined();
  });

  test('of a pre-provisioned VolumeSnapshotContent', () => {
    const chart = testChart();
    const snapshot = new VolumeSnapshot(chart, 'Snapshot', {
      source: VolumeSnapshotSource.fromSnapshotContentName('imported-snapshot-content'),
    });

    const vs = only(synthValid(chart), 'VolumeSnapshot');
    expect(vs.spec).toEqual({ source: { volumeSnapshotContentName: 'imported-snapshot-content' } });
    expect(snapshot.source.claimName).toBeUndefined();
    expect(Yaml.stringify(vs)).toMatchSnapshot();
  });

  test('of a plain kplus claim of the same namespace', () => {
    const chart = testChart({ namespace: 'db' });
    const claim = new kplus.PersistentVolumeClaim(chart, 'Data', {
      storage: Size.gibibytes(5),
      accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
    });
    new VolumeSnapshot(chart, 'Snapshot', { source: VolumeSnapshotSource.fromClaim(claim) });

    expect(only(synthValid(chart), 'VolumeSnapshot').spec.source).toEqual({ persistentVolumeClaimName: claim.name });
  });

  describe('prune protection', () => {
    test('merges with the user\'s own annotations', () => {
      const chart = testChart();
      new VolumeSnapshot(chart, 'Snapshot', {
        source: VolumeSnapshotSource.fromClaimName('postgres-data'),
        metadata: { labels: { app: 'postgres' }, annotations: { 'argocd.argoproj.io/sync-options': 'Validate=false', 'example.com/reason': 'pre-upgrade' } },
      });

      const vs = only(synthValid(chart), 'VolumeSnapshot');
      expect(vs.metadata.labels).toEqual({ app: 'postgres' });
      expect(vs.metadata.annotations).toEqual({
        'argocd.argoproj.io/sync-options': 'Validate=false,Prune=false,Delete=false',
        'kustomize.toolkit.fluxcd.io/prune': 'disabled',
        'helm.sh/resource-policy': 'keep',
        'example.com/reason': 'pre-upgrade',
      });
    });

    test('is absent with protectFromPrune: false', () => {
      const chart = testChart();
      new VolumeSnapshot(chart, 'Snapshot', { source: VolumeSnapshotSource.fromClaimName('postgres-data'), protectFromPrune: false });

      expect(only(synthValid(chart), 'VolumeSnapshot').metadata).not.toHaveProperty('annotations');
    });
  });

  describe('refuses bad props', () => {
    const otherNamespace = (chart: Chart) => new Chart(chart.node.root as Construct, 'Other', { namespace: 'other' });
    test.each<[string, (chart: Chart) => VolumeSnapshotProps, string, RegExp]>([
      ['source missing', () => ({} as any), 'source', /is missing; accepted: VolumeSnapshotSource.fromClaim\(\), fromClaimName\(\) or fromSnapshotContentName\(\)/],
      ['source not a VolumeSnapshotSource', () => ({ source: { persistentVolumeClaimName: 'postgres-data' } as any }),
        'source', /accepted: VolumeSnapshotSource.fromClaim\(\)/],
      ['empty claim name', () => ({ source: VolumeSnapshotSource.fromClaimName('') }),
        'source (claim name)', /is ""; accepted: at most 253 lowercase/],
      ['claim name uppercase', () => ({ source: VolumeSnapshotSource.fromClaimName('Postgres-Data') }), 'source (claim name)', /lowercase/],
      ['fromClaim(undefined)', () => ({ source: VolumeSnapshotSource.fromClaim(undefined as any) }), 'source (claim name)', /is missing/],
      ['empty content name', () => ({ source: VolumeSnapshotSource.fromSnapshotContentName('') }),
        'source (snapshot content name)', /is ""; accepted: at most 253 lowercase/],
      ['content name with an underscore', () => ({ source: VolumeSnapshotSource.fromSnapshotContentName('snap_content') }),
        'source (snapshot content name)', /lowercase/],
      ['claim in another namespace', chart => ({
        source: VolumeSnapshotSource.fromClaim(new ExclusiveVolume(otherNamespace(chart), 'Data', { storage: Size.gibibytes(1) })),
      }), 'source', /the claim is in namespace "other" and the snapshot in "\(default\)"; accepted: a claim in the snapshot's namespace/],
      ['claim in another namespace than the snapshot\'s metadata', chart => ({
        metadata: { namespace: 'backups' },
        source: VolumeSnapshotSource.fromClaim(new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(1) })),
      }), 'source', /the claim is in namespace "\(default\)" and the snapshot in "backups"/],
      ['class with an empty name', () => ({ source: VolumeSnapshotSource.fromClaimName('data'), snapshotClass: { name: '' } as any }),
        'snapshotClass', /is ""; accepted: a class whose name is .*or no class for the driver's default/],
      ['metadata.name uppercase', () => ({ source: VolumeSnapshotSource.fromClaimName('data'), metadata: { name: 'Backup' } }),
        'metadata.name', /lowercase/],
      ['annotation key with two slashes', () => ({ source: VolumeSnapshotSource.fromClaimName('data'), metadata: { annotations: { 'a/b/c': 'x' } } }),
        'metadata.annotations', /accepted annotation keys/],
      ['props undefined', () => undefined as any, 'source', /is missing/],
    ])('%s', (_, props, prop, detail) => {
      const chart = testChart();
      expectPropError(() => new VolumeSnapshot(chart, 'Snapshot', props(chart)), 'Test/Snapshot', 'VolumeSnapshot', prop, detail);
    });
  });
});
