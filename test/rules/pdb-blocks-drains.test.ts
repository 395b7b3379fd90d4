import { SEED_PDB, SEED_PDB_DEPLOYMENT, SEED_PVC, SEED_STATEFULSET } from './seed';
import { deployment, findings, names, pdb, pvc, statefulSet } from './support';

const RULE = 'pdb-blocks-drains';
const selector = { matchLabels: { app: 'db' } };

describe(RULE, () => {
  test('the seed\'s maxUnavailable: 0 over its one-pod RWOP Deployment: drains hang', () => {
    const found = findings(RULE, SEED_PVC, SEED_PDB, SEED_PDB_DEPLOYMENT);
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('warning');
    expect(names(found[0])).toEqual(['PodDisruptionBudget default/postgres-pdb', 'Deployment default/postgres']);
    expect(found[0].message).toMatch(/allows no voluntary eviction \(maxUnavailable 0\).*kubectl drain.*never finish/);
  });

  test.each([
    ['maxUnavailable "0%"', { maxUnavailable: '0%' }],
    ['minAvailable 1 of 1', { minAvailable: 1 }],
    ['minAvailable "100%"', { minAvailable: '100%' }],
    ['minAvailable "50%" (rounded up to 1 of 1)', { minAvailable: '50%' }],
  ])('%s', (_, budget) => {
    expect(findings(RULE, pvc('data'), deployment('db', { claims: ['data'] }), pdb('db', { ...budget, selector }))).toHaveLength(1);
  });

  test('a one-replica StatefulSet with an RWOP claim template, selected by matchExpressions', () => {
    const claimTemplates = [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOncePod'] } }];
    const budget = pdb('db', { maxUnavailable: 0, selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'x'] }] } });
    expect(findings(RULE, statefulSet('db', { replicas: 1, claimTemplates }), budget)).toHaveLength(1);
  });

  test('lowered to info, with the reason, when the PDB carries rwop.dev/blocks-drains-reason', () => {
    const budget = pdb('db', { maxUnavailable: 0, selector }, undefined, { 'rwop.dev/blocks-drains-reason': 'drains are done by hand after a dump' });
    const found = findings(RULE, pvc('data'), deployment('db', { claims: ['data'] }), budget);
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('info');
    expect(found[0].message).toMatch(/accepted on purpose .*"drains are done by hand after a dump"/);
  });

  test('a blank reason does not lower it', () => {
    const budget = pdb('db', { maxUnavailable: 0, selector }, undefined, { 'rwop.dev/blocks-drains-reason': '  ' });
    expect(findings(RULE, pvc('data'), deployment('db', { claims: ['data'] }), budget)[0].severity).toBe('warning');
  });

  test.each([
    ['maxUnavailable 1 (the library default)', { maxUnavailable: 1 }],
    ['maxUnavailable "10%" (rounded up to 1)', { maxUnavailable: '10%' }],
    ['minAvailable 0', { minAvailable: 0 }],
  ])('near miss: %s', (_, budget) => {
    expect(findings(RULE, pvc('data'), deployment('db', { claims: ['data'] }), pdb('db', { ...budget, selector }))).toEqual([]);
  });

  test('near miss: not a single writer (RWO claim; 3 replicas with claim templates like the seed\'s StatefulSet) or another namespace', () => {
    expect(findings(RULE, pvc('data', ['ReadWriteOnce']), deployment('db', { claims: ['data'] }), pdb('db', { maxUnavailable: 0, selector }))).toEqual([]);
    expect(findings(RULE, SEED_STATEFULSET, pdb('pg', { maxUnavailable: 0, selector: { matchLabels: { app: 'postgres' } } }))).toEqual([]);
    expect(findings(RULE, pvc('data'), deployment('db', { claims: ['data'] }), pdb('db', { maxUnavailable: 0, selector }, 'other'))).toEqual([]);
  });

  test('near miss: minAvailable 1 over a single writer plus a 2-replica workload with the same labels leaves room', () => {
    const other = deployment('db-readers', { labels: { app: 'db' }, replicas: 2 });
    expect(findings(RULE, pvc('data'), deployment('db', { claims: ['data'] }), other, pdb('db', { minAvailable: 1, selector }))).toEqual([]);
    expect(findings(RULE, pvc('data'), deployment('db', { claims: ['data'] }), other, pdb('db', { minAvailable: 3, selector }))).toHaveLength(1);
  });
});

describe(`${RULE}: pods it cannot count`, () => {
  test('a DaemonSet among the selected pods: maxUnavailable 0 still blocks, minAvailable cannot be judged', () => {
    const agent = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { template: { metadata: { labels: { app: 'db' } }, spec: {} } } };
    const objects = [pvc('data'), deployment('db', { claims: ['data'] }), agent];
    expect(findings(RULE, ...objects, pdb('db', { maxUnavailable: 0, selector }))).toHaveLength(1);
    expect(findings(RULE, ...objects, pdb('db', { minAvailable: 5, selector }))).toEqual([]);
  });

  test('both minAvailable and maxUnavailable: left to pdb-min-and-max-available', () => {
    expect(findings(RULE, pvc('data'), deployment('db', { claims: ['data'] }), pdb('db', { minAvailable: 1, maxUnavailable: 0, selector }))).toEqual([]);
  });
});
