import { SEED_PVC, SEED_STATEFULSET } from './seed';
import { findings, names, pvc, storageClass } from './support';

const RULE = 'rwop-in-tree-provisioner';

describe(RULE, () => {
  test('the seed\'s claim on a "standard" class provisioned by kubernetes.io/gce-pd', () => {
    const found = findings(RULE, SEED_PVC, storageClass('standard', 'kubernetes.io/gce-pd'));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('error');
    expect(names(found[0])).toEqual(['PersistentVolumeClaim default/postgres-exclusive-data', 'StorageClass standard']);
    expect(found[0].message).toContain('"kubernetes.io/gce-pd" is an in-tree provisioner, and ReadWriteOncePod is enforced for CSI volumes only; use pd.csi.storage.gke.io');
  });

  test('kubernetes.io/no-provisioner (static local volumes) is in-tree too', () => {
    const found = findings(RULE, pvc('data', ['ReadWriteOncePod'], { storageClassName: 'local' }), storageClass('local', 'kubernetes.io/no-provisioner'));
    expect(found).toHaveLength(1);
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
