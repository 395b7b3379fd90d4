import { SEED_PDB } from './seed';
import { findings, names, pdb } from './support';

const RULE = 'pdb-min-and-max-available';

describe(RULE, () => {
  test('both set: the API server rejects it', () => {
    const found = findings(RULE, pdb('db', { minAvailable: 1, maxUnavailable: 0, selector: { matchLabels: { app: 'db' } } }));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('error');
    expect(names(found[0])).toEqual(['PodDisruptionBudget default/db']);
    expect(found[0].message).toMatch(/minAvailable \(1\) and maxUnavailable \(0\).*cannot be both set/);
  });

  test('near miss: one of them (the seed\'s), or none, or no spec', () => {
    expect(findings(RULE, SEED_PDB, pdb('a', { minAvailable: 1 }), pdb('b', {}), { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'c' } })).toEqual([]);
  });
});
