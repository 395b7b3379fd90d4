import { findings, names, pvc, storageClass } from './support';
import type { KubeObject } from '../../src/rules';

const RULE = 'snapshot-driver-mismatch';

function snapshot(claimName: string, className?: string, apiVersion = 'snapshot.storage.k8s.io/v1'): KubeObject {
  return {
    apiVersion,
    kind: 'VolumeSnapshot',
    metadata: { name: 'nightly', namespace: 'db' },
    spec: { ...(className ? { volumeSnapshotClassName: className } : {}), source: { persistentVolumeClaimName: claimName } },
  };
}

function snapshotClass(name: string, driver: string): KubeObject {
  return { apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshotClass', metadata: { name }, driver, deletionPolicy: 'Retain' };
}

const CLAIM = pvc('data', ['ReadWriteOncePod'], { namespace: 'db', storageClassName: 'fast' });

describe(RULE, () => {
  test('a snapshot class of another driver: an error naming the class, the driver and the provisioner', () => {
    const found = findings(RULE, CLAIM, storageClass('fast', 'ebs.csi.aws.com'), snapshotClass('gke-snapshots', 'pd.csi.storage.gke.io'), snapshot('data', 'gke-snapshots'));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('error');
    expect(names(found[0])).toEqual(['VolumeSnapshot db/nightly', 'PersistentVolumeClaim db/data', 'StorageClass fast', 'VolumeSnapshotClass gke-snapshots']);
    expect(found[0].message).toBe('VolumeSnapshot db/nightly snapshots PersistentVolumeClaim db/data of StorageClass fast with VolumeSnapshotClass gke-snapshots, '
      + 'but the snapshot class\'s driver "pd.csi.storage.gke.io" is not the claim\'s provisioner "ebs.csi.aws.com", and a CSI driver snapshots only its own volumes; '
      + 'use a VolumeSnapshotClass whose driver is "ebs.csi.aws.com"');
  });

  test.each([
    ['kubernetes.io/no-provisioner', 'TopoLVM'],
    ['kubernetes.io/aws-ebs', 'ebs.csi.aws.com'],
  ])('a claim of an in-tree class (%s), with or without a snapshot class: not CSI, never snapshotted', (provisioner, use) => {
    const found = findings(RULE, CLAIM, storageClass('fast', provisioner), snapshot('data'));
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain(`its provisioner "${provisioner}" is in-tree, and only CSI volumes can be snapshotted`);
    expect(found[0].message).toContain(use);
    expect(findings(RULE, CLAIM, storageClass('fast', provisioner), snapshotClass('csi', provisioner), snapshot('data', 'csi'))).toHaveLength(1);
  });

  test('the default StorageClass counts when the claim names none', () => {
    const claim = pvc('data', ['ReadWriteOncePod'], { namespace: 'db' });
    expect(findings(RULE, claim, storageClass('standard', 'kubernetes.io/gce-pd', true), snapshot('data'))).toHaveLength(1);
  });

  test('near misses: matching driver, no class named, class or storage class or claim not in the input, another group', () => {
    const csi = storageClass('fast', 'ebs.csi.aws.com');
    expect(findings(RULE, CLAIM, csi, snapshotClass('ebs', 'ebs.csi.aws.com'), snapshot('data', 'ebs'))).toEqual([]);
    expect(findings(RULE, CLAIM, csi, snapshot('data'))).toEqual([]);
    expect(findings(RULE, CLAIM, csi, snapshot('data', 'elsewhere'))).toEqual([]);
    expect(findings(RULE, CLAIM, snapshotClass('gke', 'pd.csi.storage.gke.io'), snapshot('data', 'gke'))).toEqual([]);
    expect(findings(RULE, csi, snapshotClass('gke', 'pd.csi.storage.gke.io'), snapshot('data', 'gke'))).toEqual([]);
    expect(findings(RULE, CLAIM, csi, snapshotClass('gke', 'pd.csi.storage.gke.io'), snapshot('data', 'gke', 'example.com/v1'))).toEqual([]);
  });
});
