import { findings, names } from './support';

const RULE = 'volume-snapshot-invalid';

function snapshot(spec: object | undefined, apiVersion = 'snapshot.storage.k8s.io/v1') {
  return { apiVersion, kind: 'VolumeSnapshot', metadata: { name: 'snap', namespace: 'db' }, ...(spec ? { spec } : {}) };
}

describe(RULE, () => {
  test('both sources set', () => {
    const found = findings(RULE, snapshot({ source: { persistentVolumeClaimName: 'data', volumeSnapshotContentName: 'content' } }));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('error');
    expect(names(found[0])).toEqual(['VolumeSnapshot db/snap']);
    expect(found[0].message).toMatch(/"exactly one of volumeSnapshotContentName and persistentVolumeClaimName must be set" \(both are\)/);
  });

  test('no source field, an empty source, no spec', () => {
    expect(findings(RULE, snapshot({ source: {} }))[0].message).toMatch(/\(neither is\)/);
    expect(findings(RULE, snapshot({ volumeSnapshotClassName: 'csi' }))[0].message).toMatch(/spec.source is required/);
    expect(findings(RULE, snapshot(undefined))[0].message).toMatch(/spec.source is required/);
  });

  test('volumeSnapshotClassName ""', () => {
    const found = findings(RULE, snapshot({ volumeSnapshotClassName: '', source: { persistentVolumeClaimName: 'data' } }));
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/must not be the empty string/);
  });

  test('near miss: the seed\'s snapshot (class named, claim source), a pre-provisioned one, and another group\'s VolumeSnapshot kind', () => {
    expect(findings(RULE,
      snapshot({ volumeSnapshotClassName: 'csi-snapshot-class', source: { persistentVolumeClaimName: 'postgres-exclusive-data' } }),
      snapshot({ source: { volumeSnapshotContentName: 'content' } }),
      snapshot({ whatever: true }, 'example.com/v1'))).toEqual([]);
  });
});
