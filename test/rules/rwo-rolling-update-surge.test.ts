import { deployment, findings, pvc } from './support';

const RWO_RULE = 'rwo-rolling-update-surge';

describe(RWO_RULE, () => {
  test('the same surge on a ReadWriteOnce claim is a warning about other nodes', () => {
    const found = findings(RWO_RULE, pvc('data', ['ReadWriteOnce']), deployment('db', { claims: ['data'], strategy: { type: 'RollingUpdate' } }));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('warning');
    expect(found[0].message).toMatch(/another node.*Multi-Attach error/);
  });

  test('near miss: RWX claims, Recreate, and RWOP claims (the error rule\'s)', () => {
    const rolling = { type: 'RollingUpdate' };
    expect(findings(RWO_RULE, pvc('data', ['ReadWriteMany']), deployment('db', { claims: ['data'], strategy: rolling }))).toEqual([]);
    expect(findings(RWO_RULE, pvc('data', ['ReadWriteOnce']), deployment('db', { claims: ['data'] }))).toEqual([]);
    expect(findings(RWO_RULE, pvc('data'), deployment('db', { claims: ['data'], strategy: rolling }))).toEqual([]);
  });
});
