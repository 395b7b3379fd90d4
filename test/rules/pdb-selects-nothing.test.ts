import { SEED_PDB, SEED_PDB_DEPLOYMENT } from './seed';
import { deployment, findings, names, pdb } from './support';

const RULE = 'pdb-selects-nothing';

describe(RULE, () => {
  test('a selector with a typo in its labels', () => {
    const found = findings(RULE, deployment('postgres'), pdb('pg', { maxUnavailable: 1, selector: { matchLabels: { app: 'postgress' } } }));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('warning');
    expect(names(found[0])).toEqual(['PodDisruptionBudget default/pg']);
    expect(found[0].message).toMatch(/protects nothing: its selector .*postgress.* matches no pod template in namespace default/);
  });

  test('no selector at all selects nothing', () => {
    expect(findings(RULE, deployment('postgres'), pdb('pg', { maxUnavailable: 1 }))[0].message).toMatch(/no selector/);
  });

  test('near miss: the seed\'s PDB over its Deployment; an empty selector selects every pod', () => {
    expect(findings(RULE, SEED_PDB, SEED_PDB_DEPLOYMENT)).toEqual([]);
    expect(findings(RULE, deployment('postgres'), pdb('all', { maxUnavailable: 1, selector: {} }))).toEqual([]);
  });

  test('an empty selector of a policy/v1beta1 budget selects nothing (policy/v1 reads it as every pod)', () => {
    const old = { ...pdb('all', { maxUnavailable: 1, selector: {} }), apiVersion: 'policy/v1beta1' };
    const found = findings(RULE, deployment('postgres'), old);
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/it is policy\/v1beta1, where an empty selector selects no pod/);
    expect(findings(RULE, deployment('postgres'), { ...old, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'postgres' } } } })).toEqual([]);
  });

  test('near miss: no workload in the PDB\'s namespace (a partial input)', () => {
    expect(findings(RULE, SEED_PDB)).toEqual([]);
    expect(findings(RULE, deployment('postgres', { namespace: 'db' }), SEED_PDB)).toEqual([]);
  });
});
