import { SEED_MIGRATED_PVC, SEED_PVC, SEED_STATEFULSET } from './seed';
import { deployment, findings, names, pvc, statefulSet } from './support';

const RULE = 'rwop-mixed-access-modes';

describe(RULE, () => {
  test('a claim asking for ReadWriteOncePod and ReadWriteOnce', () => {
    const found = findings(RULE, pvc('data', ['ReadWriteOncePod', 'ReadWriteOnce']));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('error');
    expect(names(found[0])).toEqual(['PersistentVolumeClaim default/data']);
    expect(found[0].message).toMatch(/combines ReadWriteOncePod with ReadWriteOnce: the API server rejects it/);
  });

  test('a PersistentVolume (cluster-scoped: no namespace in its name)', () => {
    const pv = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-1' }, spec: { accessModes: ['ReadOnlyMany', 'ReadWriteOncePod'], csi: { driver: 'x', volumeHandle: 'h' } } };
    const found = findings(RULE, pv);
    expect(found).toHaveLength(1);
    expect(names(found[0])).toEqual(['PersistentVolume pv-1']);
  });

  test('a StatefulSet claim template and a pod\'s ephemeral volume', () => {
    const template = { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOncePod', 'ReadWriteMany'], resources: { requests: { storage: '1Gi' } } } };
    const found = findings(RULE, statefulSet('db', { claimTemplates: [template] }));
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/StatefulSet default\/db claim template "data" combines ReadWriteOncePod with ReadWriteMany/);

    const ephemeral = deployment('app', { spec: { volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce', 'ReadWriteOncePod'] } } } }] } });
    expect(findings(RULE, ephemeral)[0].message).toMatch(/Deployment default\/app ephemeral volume "scratch"/);
  });

  test('near miss: RWOP alone (the seed\'s claims and claim templates), and other modes combined without RWOP', () => {
    expect(findings(RULE, SEED_PVC, SEED_MIGRATED_PVC, SEED_STATEFULSET, pvc('shared', ['ReadWriteOnce', 'ReadOnlyMany']))).toEqual([]);
  });
});
