import { SEED_DEPLOYMENT, SEED_PVC } from './seed';
import { deployment, findings, names, pvc } from './support';

const RWOP_RULE = 'rwop-rolling-update-surge';

describe(RWOP_RULE, () => {
  test('the default strategy (RollingUpdate 25%/25%) with an RWOP claim deadlocks', () => {
    const db = deployment('db', { claims: ['data'] });
    delete db.spec.strategy;
    const found = findings(RWOP_RULE, pvc('data'), db);
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('error');
    expect(names(found[0])).toEqual(['Deployment default/db', 'PersistentVolumeClaim default/data']);
    expect(found[0].message).toMatch(/RollingUpdate \(the default strategy\) with maxSurge 25% \(the default\)/);
    expect(found[0].message).toMatch(/ReadWriteOncePod access mode.*never finishes/);
  });

  test('an explicit RollingUpdate with maxSurge 1 and maxUnavailable 0', () => {
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
    expect(findings(RWOP_RULE, pvc('data'), deployment('db', { claims: ['data'], strategy }))).toHaveLength(1);
  });

  test.each([
    ['Recreate (the seed)', { type: 'Recreate' }],
    ['maxSurge 0', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } }],
    ['maxSurge "0%"', { type: 'RollingUpdate', rollingUpdate: { maxSurge: '0%', maxUnavailable: 1 } }],
    ['maxUnavailable 1 (the old pod is stopped without waiting)', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } }],
  ])('near miss: %s', (_, strategy) => {
    expect(findings(RWOP_RULE, pvc('data'), deployment('db', { claims: ['data'], strategy }))).toEqual([]);
  });

  test('near miss: the seed\'s Deployment', () => {
    expect(findings(RWOP_RULE, SEED_PVC, SEED_DEPLOYMENT)).toEqual([]);
  });

  test('near miss: an RWO claim is not this rule\'s', () => {
    expect(findings(RWOP_RULE, pvc('data', ['ReadWriteOnce']), deployment('db', { claims: ['data'], strategy: { type: 'RollingUpdate' } }))).toEqual([]);
  });
});
