import { findings, names } from './support';

const RULE = 'volume-snapshot-class-invalid';

function snapshotClass(fields: object) {
  return { apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshotClass', metadata: { name: 'csi-snapshot-class' }, ...fields };
}

describe(RULE, () => {
  test('fields put under spec: both required fields missing, with the hint', () => {
    const found = findings(RULE, snapshotClass({ spec: { driver: 'ebs.csi.aws.com', deletionPolicy: 'Delete' } }));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('error');
    expect(names(found[0])).toEqual(['VolumeSnapshotClass csi-snapshot-class']);
    expect(found[0].message).toMatch(/driver is missing.*deletionPolicy is missing.*a VolumeSnapshotClass has no spec/);
  });

  test('a bad deletionPolicy, a driver that is not a CSI name', () => {
    expect(findings(RULE, snapshotClass({ driver: 'ebs.csi.aws.com', deletionPolicy: 'Keep' }))[0].message).toMatch(/deletionPolicy "Keep" is not Delete or Retain/);
    expect(findings(RULE, snapshotClass({ driver: '', deletionPolicy: 'Retain' }))[0].message).toMatch(/driver "" is not a CSI driver name/);
    expect(findings(RULE, snapshotClass({ driver: 'bad driver!', deletionPolicy: 'Retain' }))).toHaveLength(1);
  });

  test('near miss: Delete and Retain with a valid driver', () => {
    expect(findings(RULE, snapshotClass({ driver: 'ebs.csi.aws.com', deletionPolicy: 'Delete' }), snapshotClass({ driver: 'pd.csi.storage.gke.io', deletionPolicy: 'Retain' }))).toEqual([]);
  });
});
