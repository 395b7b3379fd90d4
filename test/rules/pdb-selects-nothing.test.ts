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

  test('near miss: no workload in the PDB\'s namespace (a partial input)', () => {
    expect(findings(RULE, SEED_PDB)).toEqual([]);
    expect(findings(RULE, deployment('postgres', { namespace: 'db' }), SEED_PDB)).toEqual([]);
  });
});
