import { findings, names, pvc, statefulSet } from './support';
import type { KubeObject } from '../../src/rules';

const RULE = 'restore-smaller-than-source';

function claim(name: string, storage: string, dataSource?: KubeObject, field = 'dataSource'): KubeObject {
  const base = pvc(name, ['ReadWriteOncePod'], { namespace: 'db' });
  return { ...base, spec: { ...base.spec, resources: { requests: { storage } }, ...(dataSource ? { [field]: dataSource } : {}) } };
}

function snapshot(name: string, claimName: string, apiVersion = 'snapshot.storage.k8s.io/v1'): KubeObject {
  return { apiVersion, kind: 'VolumeSnapshot', metadata: { name, namespace: 'db' }, spec: { source: { persistentVolumeClaimName: claimName } } };
}

const FROM_SNAPSHOT = { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'nightly' };

describe(RULE, () => {
  test('10Gi restored from a snapshot of a 20Gi claim: an error naming both sizes and all three objects', () => {
    const found = findings(RULE, claim('data', '20Gi'), snapshot('nightly', 'data'), claim('restored', '10Gi', FROM_SNAPSHOT));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('error');
    expect(names(found[0])).toEqual(['PersistentVolumeClaim db/restored', 'VolumeSnapshot db/nightly', 'PersistentVolumeClaim db/data']);
    expect(found[0].message).toBe('PersistentVolumeClaim db/restored asks for 10Gi but is restored from VolumeSnapshot db/nightly, a snapshot of '
      + 'PersistentVolumeClaim db/data, which asks for 20Gi: the CSI provisioner refuses a volume smaller than its source, so the claim stays Pending; '
      + 'request at least 20Gi (spec.resources.requests.storage)');
  });

  test('units are compared as bytes: 20G is less than 20Gi; dataSourceRef counts; a clone too; a claim template too', () => {
    expect(findings(RULE, claim('data', '20Gi'), snapshot('nightly', 'data'), claim('restored', '20G', FROM_SNAPSHOT))).toHaveLength(1);
    expect(findings(RULE, claim('data', '20Gi'), snapshot('nightly', 'data'), claim('restored', '10Gi', FROM_SNAPSHOT, 'dataSourceRef'))).toHaveLength(1);
    const clone = findings(RULE, claim('data', '2Gi'), claim('copy', '1024Mi', { kind: 'PersistentVolumeClaim', name: 'data' }));
    expect(clone).toHaveLength(1);
    expect(clone[0].message).toContain('is restored from a clone of PersistentVolumeClaim db/data, which asks for 2Gi');
    const template = claim('data', '5Gi', FROM_SNAPSHOT);
    const sts = statefulSet('replica', { namespace: 'db', claimTemplates: [{ metadata: template.metadata, spec: template.spec }] });
    const found = findings(RULE, claim('source', '20Gi'), snapshot('nightly', 'source'), sts);
    expect(found.map((each) => each.message)).toEqual([expect.stringContaining('StatefulSet db/replica claim template "data" asks for 5Gi')]);
  });

  test('near misses: as large or larger, a source not in the input, another namespace, another group, a snapshot of a content', () => {
    const source = claim('data', '20Gi');
    expect(findings(RULE, source, snapshot('nightly', 'data'), claim('same', '20Gi', FROM_SNAPSHOT), claim('larger', '21474836481', FROM_SNAPSHOT))).toEqual([]);
    expect(findings(RULE, snapshot('nightly', 'data'), claim('restored', '10Gi', FROM_SNAPSHOT))).toEqual([]);
    expect(findings(RULE, source, claim('restored', '10Gi', FROM_SNAPSHOT))).toEqual([]);
    expect(findings(RULE, source, snapshot('nightly', 'data'), claim('restored', '10Gi', { ...FROM_SNAPSHOT, namespace: 'backup' }, 'dataSourceRef'))).toEqual([]);
    expect(findings(RULE, source, snapshot('nightly', 'data', 'example.com/v1'), claim('restored', '10Gi', FROM_SNAPSHOT))).toEqual([]);
    const fromContent = { ...snapshot('nightly', 'data'), spec: { source: { volumeSnapshotContentName: 'content' } } };
    expect(findings(RULE, source, fromContent, claim('restored', '10Gi', FROM_SNAPSHOT))).toEqual([]);
  });
});
