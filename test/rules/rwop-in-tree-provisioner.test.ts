import { SEED_PVC, SEED_STATEFULSET } from './seed';
import { findings, names, pvc, storageClass } from './support';

const RULE = 'rwop-in-tree-provisioner';

describe(RULE, () => {
  test('the seed\'s claim on a "standard" class provisioned by kubernetes.io/gce-pd: a warning, CSI migration serves it', () => {
    const found = findings(RULE, SEED_PVC, storageClass('standard', 'kubernetes.io/gce-pd'));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('warning');
    expect(names(found[0])).toEqual(['PersistentVolumeClaim default/postgres-exclusive-data', 'StorageClass standard']);
    expect(found[0].message).toContain('whose provisioner "kubernetes.io/gce-pd" is in-tree: since Kubernetes 1.25 CSI migration serves it with the CSI driver pd.csi.storage.gke.io');
    expect(found[0].message).toContain('name pd.csi.storage.gke.io as the provisioner');
  });

  test.each([
    ['kubernetes.io/aws-ebs', '1.25', 'ebs.csi.aws.com'],
    ['kubernetes.io/gce-pd', '1.25', 'pd.csi.storage.gke.io'],
    ['kubernetes.io/azure-disk', '1.24', 'disk.csi.azure.com'],
    ['kubernetes.io/cinder', '1.24', 'cinder.csi.openstack.org'],
    ['kubernetes.io/vsphere-volume', '1.26', 'csi.vsphere.vmware.com'],
    ['kubernetes.io/azure-file', '1.26', 'file.csi.azure.com'],
    ['kubernetes.io/portworx-volume', '1.33', 'pxd.portworx.com'],
  ])('%s is migrated since Kubernetes %s to %s: warning', (provisioner, since, driver) => {
    const found = findings(RULE, pvc('data', ['ReadWriteOncePod'], { storageClassName: 'legacy' }), storageClass('legacy', provisioner));
    expect(found.map((each) => each.severity)).toEqual(['warning']);
    expect(found[0].message).toContain(`since Kubernetes ${since} CSI migration serves it with the CSI driver ${driver}`);
  });

  test.each([
    ['kubernetes.io/rbd', 'rbd.csi.ceph.com'],
    ['kubernetes.io/cephfs', 'cephfs.csi.ceph.com'],
    ['kubernetes.io/local-volume', 'TopoLVM'],
    ['kubernetes.io/glusterfs', 'the CSI driver of your storage system'],
  ])('%s: nothing migrates it, an error that names %s', (provisioner, use) => {
    const found = findings(RULE, pvc('data', ['ReadWriteOncePod'], { storageClassName: 'legacy' }), storageClass('legacy', provisioner));
    expect(found.map((each) => each.severity)).toEqual(['error']);
    expect(found[0].message).toContain(`"${provisioner}" is an in-tree provisioner, and ReadWriteOncePod is enforced for CSI volumes only; use`);
    expect(found[0].message).toContain(use);
  });

  test('kubernetes.io/no-provisioner (static local volumes) is in-tree too', () => {
    const found = findings(RULE, pvc('data', ['ReadWriteOncePod'], { storageClassName: 'local' }), storageClass('local', 'kubernetes.io/no-provisioner'));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('error');
    expect(found[0].message).toMatch(/statically provisioned local PersistentVolumes are not CSI/);
  });

  test('a claim without storageClassName gets the default class of the input', () => {
    const found = findings(RULE, pvc('data'), storageClass('csi', 'ebs.csi.aws.com'), storageClass('old', 'kubernetes.io/aws-ebs', true));
    expect(found).toHaveLength(1);
    expect(names(found[0])).toContain('StorageClass old');
  });

  test('a StatefulSet RWOP claim template (the seed\'s) on an in-tree class', () => {
    const found = findings(RULE, SEED_STATEFULSET, storageClass('standard', 'kubernetes.io/aws-ebs'));
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/StatefulSet default\/postgres-cluster claim template "data"/);
  });

  test('near miss: a CSI provisioner, an RWO claim, storageClassName "", a class not in the input', () => {
    expect(findings(RULE, SEED_PVC, storageClass('standard', 'pd.csi.storage.gke.io'))).toEqual([]);
    expect(findings(RULE, pvc('data', ['ReadWriteOnce'], { storageClassName: 'old' }), storageClass('old', 'kubernetes.io/aws-ebs'))).toEqual([]);
    expect(findings(RULE, pvc('data', ['ReadWriteOncePod'], { storageClassName: '' }), storageClass('old', 'kubernetes.io/aws-ebs', true))).toEqual([]);
    expect(findings(RULE, SEED_PVC)).toEqual([]);
  });
});
