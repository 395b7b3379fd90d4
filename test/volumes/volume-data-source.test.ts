import { Chart, Size, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { expectPropError, only, synthValid, testChart } from './support';
import {
  ExclusiveStorageClass, ExclusiveVolume, ExclusiveVolumeProps, VolumeDataSource, VolumeSnapshot, VolumeSnapshotSource,
} from '../../src';

describe('VolumeDataSource', () => {
  test('fromSnapshotName() is a VolumeSnapshot of the snapshot API group', () => {
    const source = VolumeDataSource.fromSnapshotName('postgres-snapshot');
    expect([source.kind, source.apiGroup, source.name]).toEqual(['VolumeSnapshot', 'snapshot.storage.k8s.io', 'postgres-snapshot']);
  });

  test('fromClaimName() is a PersistentVolumeClaim of the core group (no apiGroup)', () => {
    const source = VolumeDataSource.fromClaimName('postgres-data');
    expect([source.kind, source.apiGroup, source.name]).toEqual(['PersistentVolumeClaim', undefined, 'postgres-data']);
  });

  describe('restore from a VolumeSnapshot', () => {
    test('by name: the seed\'s migration step 3 (new RWOP claim from postgres-snapshot)', () => {
      const chart = testChart();
      const claim = new ExclusiveVolume(chart, 'Data', {
        metadata: { name: 'postgres-data' },
        storage: Size.gibibytes(20),
        storageClassName: 'standard',
        dataSource: VolumeDataSource.fromSnapshotName('postgres-snapshot'),
      });

      const manifests = synthValid(chart);
      const pvc = only(manifests, 'PersistentVolumeClaim');
      expect(pvc.metadata.name).toBe('postgres-data');
      expect(pvc.spec.accessModes).toEqual(['ReadWriteOncePod']);
      expect(pvc.spec.resources.requests.storage).toBe('20Gi');
      expect(pvc.spec.storageClassName).toBe('standard');
      expect(pvc.spec.dataSource).toEqual({ name: 'postgres-snapshot', kind: 'VolumeSnapshot', apiGroup: 'snapshot.storage.k8s.io' });
      expect(pvc.spec).not.toHaveProperty('volumeName');
      expect(claim.dataSource?.name).toBe('postgres-snapshot');
      expect(Yaml.stringify(...manifests)).toMatchSnapshot();
    });

    test('from a VolumeSnapshot.fromSnapshotName() reference', () => {
      const chart = testChart();
      const snapshot = VolumeSnapshot.fromSnapshotName(chart, 'Snapshot', 'postgres-snapshot');
      new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(20), dataSource: VolumeDataSource.fromSnapshot(snapshot) });

      const manifests = synthValid(chart);
      expect(manifests).toHaveLength(1);
      expect(only(manifests, 'PersistentVolumeClaim').spec.dataSource)
        .toEqual({ name: 'postgres-snapshot', kind: 'VolumeSnapshot', apiGroup: 'snapshot.storage.k8s.io' });
    });

    test('from a VolumeSnapshot construct of the same namespace', () => {
      const chart = testChart({ namespace: 'db' });
      const original = new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(20), storageClassName: 'standard' });
      const snapshot = new VolumeSnapshot(chart, 'Snapshot', { source: VolumeSnapshotSource.fromClaim(original) });
      new ExclusiveVolume(chart, 'Restored', {
        storage: Size.gibibytes(20),
        storageClassName: 'standard',
        dataSource: VolumeDataSource.fromSnapshot(snapshot),
      });

      const manifests = synthValid(chart);
      const snapshotName = only(manifests, 'VolumeSnapshot').metadata.name;
      const restored = manifests.find(m => m.kind === 'PersistentVolumeClaim' && m.spec.dataSource);
      expect(restored.metadata.namespace).toBe('db');
      expect(restored.spec.dataSource).toEqual({ name: snapshotName, kind: 'VolumeSnapshot', apiGroup: 'snapshot.storage.k8s.io' });
      expect(snapshotName).toBe(snapshot.name);
      expect(Yaml.stringify(...manifests)).toMatchSnapshot();
    });
  });

  describe('clone of a claim', () => {
    test('from an ExclusiveVolume construct: kind PersistentVolumeClaim, no apiGroup', () => {
      const chart = testChart();
      const storageClass = new ExclusiveStorageClass(chart, 'Class', { provisioner: 'ebs.csi.aws.com' });
      const original = new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(20), storageClass });
      new ExclusiveVolume(chart, 'Clone', { storage: Size.gibibytes(20), storageClass, dataSource: VolumeDataSource.fromClaim(original) });

      const manifests = synthValid(chart);
      const clone = manifests.find(m => m.kind === 'PersistentVolumeClaim' && m.spec.dataSource);
      expect(clone.spec.dataSource).toEqual({ kind: 'PersistentVolumeClaim', name: original.name });
      expect(clone.spec.dataSource).not.toHaveProperty('apiGroup');
      expect(clone.spec.accessModes).toEqual(['ReadWriteOncePod']);
      expect(Yaml.stringify(...manifests)).toMatchSnapshot();
    });

    test('by name', () => {
      const chart = testChart();
      new ExclusiveVolume(chart, 'Clone', { storage: Size.gibibytes(20), dataSource: VolumeDataSource.fromClaimName('postgres-data') });

      const pvc = only(synthValid(chart), 'PersistentVolumeClaim');
      expect(pvc.spec.dataSource).toEqual({ kind: 'PersistentVolumeClaim', name: 'postgres-data' });
    });

    test('from a plain kplus claim of the same class and mode, into a larger claim', () => {
      const chart = testChart();
      const original = new kplus.PersistentVolumeClaim(chart, 'Old', {
        storage: Size.gibibytes(10),
        storageClassName: 'standard',
        accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
      });
      new ExclusiveVolume(chart, 'Clone', {
        storage: Size.mebibytes(10 * 1024 + 512),
        storageClassName: 'standard',
        dataSource: VolumeDataSource.fromClaim(original),
      });

      const manifests = synthValid(chart);
      const clone = manifests.find(m => m.kind === 'PersistentVolumeClaim' && m.spec.dataSource);
      expect(clone.spec.resources.requests.storage).toBe('10752Mi');
      expect(clone.spec.dataSource).toEqual({ kind: 'PersistentVolumeClaim', name: original.name });
    });

    test('from a Block claim into a Block claim', () => {
      const chart = testChart();
      const original = new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(20), volumeMode: kplus.PersistentVolumeMode.BLOCK });
      new ExclusiveVolume(chart, 'Clone', {
        storage: Size.gibibytes(20),
        volumeMode: kplus.PersistentVolumeMode.BLOCK,
        dataSource: VolumeDataSource.fromClaim(original),
      });

      const clone = synthValid(chart).find(m => m.kind === 'PersistentVolumeClaim' && m.spec.dataSource);
      expect(clone.spec.volumeMode).toBe('Block');
    });
  });

  describe('refuses a source that cannot work', () => {
    const gi = Size.gibibytes(20);
    const otherChart = (chart: Chart, namespace: string) => new Chart(chart.node.root as Construct, 'Other', { namespace });

    test.each<[string, (chart: Chart) => ExclusiveVolumeProps, string, RegExp]>([
      ['snapshot name with an underscore', () => ({ storage: gi, dataSource: VolumeDataSource.fromSnapshotName('postgres_snapshot') }),
        'dataSource', /is "postgres_snapshot"; accepted: a VolumeSnapshot whose name is at most 253 lowercase/],
      ['empty snapshot name', () => ({ storage: gi, dataSource: VolumeDataSource.fromSnapshotName('') }),
        'dataSource', /is ""; accepted: a VolumeSnapshot whose name/],
      ['claim name uppercase', () => ({ storage: gi, dataSource: VolumeDataSource.fromClaimName('Postgres') }),
        'dataSource', /is "Postgres"; accepted: a PersistentVolumeClaim whose name/],
      ['fromSnapshot(undefined)', () => ({ storage: gi, dataSource: VolumeDataSource.fromSnapshot(undefined as any) }),
        'dataSource', /is missing; accepted: a VolumeSnapshot whose name/],
      ['fromClaim(undefined)', () => ({ storage: gi, dataSource: VolumeDataSource.fromClaim(undefined as any) }),
        'dataSource', /is missing; accepted: a PersistentVolumeClaim whose name/],
      ['clone of a claim in another namespace', chart => ({
        storage: gi,
        dataSource: VolumeDataSource.fromClaim(new ExclusiveVolume(otherChart(chart, 'other'), 'Data', { storage: gi })),
      }), 'dataSource', /in namespace "other" and the claim in "\(default\)"; accepted: a source in the claim's namespace/],
      ['clone of a claim whose metadata names another namespace', chart => ({
        storage: gi,
        dataSource: VolumeDataSource.fromClaim(new ExclusiveVolume(chart, 'Source', { storage: gi, metadata: { namespace: 'other' } })),
      }), 'dataSource', /in namespace "other"/],
      ['clone of a claim of another storage class', chart => ({
        storage: gi,
        storageClassName: 'slow',
        dataSource: VolumeDataSource.fromClaim(new ExclusiveVolume(chart, 'Source', { storage: gi, storageClassName: 'fast' })),
      }), 'dataSource', /a clone must have its source's storage class \("fast"\), not "slow"/],
      ['clone of a default-class claim into a named class', chart => ({
        storage: gi,
        storageClassName: 'standard',
        dataSource: VolumeDataSource.fromClaim(new ExclusiveVolume(chart, 'Source', { storage: gi })),
      }), 'dataSource', /storage class \("\(cluster default\)"\), not "standard"/],
      ['clone of a claim of another volume mode', chart => ({
        storage: gi,
        dataSource: VolumeDataSource.fromClaim(new ExclusiveVolume(chart, 'Source', { storage: gi, volumeMode: kplus.PersistentVolumeMode.BLOCK })),
      }), 'dataSource', /a clone must have its source's volume mode \(Block\), not Filesystem/],
      ['clone of a larger claim', chart => ({
        storage: Size.gibibytes(10),
        dataSource: VolumeDataSource.fromClaim(new ExclusiveVolume(chart, 'Source', { storage: gi })),
      }), 'storage', /is "10485760Ki"; a clone must be at least as large as its source \(20971520Ki\)/],
      ['restore from a VolumeSnapshot construct in another namespace', chart => ({
        storage: gi,
        dataSource: VolumeDataSource.fromSnapshot(new VolumeSnapshot(otherChart(chart, 'backups'), 'Snapshot', {
          source: VolumeSnapshotSource.fromClaimName('postgres-data'),
        })),
      }), 'dataSource', /VolumeSnapshot .* it is in namespace "backups" and the claim in "\(default\)"/],
    ])('%s', (_, props, prop, detail) => {
      const chart = testChart();
      expectPropError(() => new ExclusiveVolume(chart, 'Data', props(chart)), 'Test/Data', 'ExclusiveVolume', prop, detail);
    });

    test('VolumeSnapshot.fromSnapshotName() refuses a bad name itself', () => {
      expectPropError(() => VolumeSnapshot.fromSnapshotName(testChart(), 'Snapshot', 'Postgres_Snapshot'),
        'Test/Snapshot', 'VolumeSnapshot.fromSnapshotName', 'name', /is "Postgres_Snapshot"; accepted: at most 253 lowercase/);
    });
  });
});
