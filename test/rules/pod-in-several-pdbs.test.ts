import { SEED_PDB, SEED_PDB_DEPLOYMENT } from './seed';
import { deployment, findings, names, pdb, pod, statefulSet } from './support';

const RULE = 'pod-in-several-pdbs';

describe(RULE, () => {
  test('an app: postgres budget that also selects the StatefulSet\'s app: postgres pods names the workload and every budget', () => {
    const found = findings(RULE,
      statefulSet('postgres-cluster', { labels: { app: 'postgres' }, replicas: 3 }),
      pdb('postgres-pdb', { maxUnavailable: 1, selector: { matchLabels: { app: 'postgres' } } }),
      pdb('postgres-cluster-pdb', { minAvailable: 2, selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['postgres'] }] } }));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('error');
    expect(names(found[0])).toEqual(['StatefulSet default/postgres-cluster', 'PodDisruptionBudget default/postgres-pdb', 'PodDisruptionBudget default/postgres-cluster-pdb']);
    expect(found[0].message).toContain('the pods of StatefulSet default/postgres-cluster are selected by 2 PodDisruptionBudgets');
    expect(found[0].message).toContain('This pod has more than one PodDisruptionBudget');
  });

  test('an empty selector selects every pod of its namespace: one finding per workload it overlaps', () => {
    const found = findings(RULE, deployment('a'), deployment('b'), pdb('a', { maxUnavailable: 1, selector: { matchLabels: { app: 'a' } } }),
      pdb('everything', { maxUnavailable: 1, selector: {} }));
    expect(found.map((each) => names(each)[0])).toEqual(['Deployment default/a']);
  });

  test('pods of a controller that is not in the input (a kubectl dump) are one workload', () => {
    const owned = (name: string) => {
      const object = pod(name, { labels: { app: 'web' } });
      return { ...object, metadata: { ...object.metadata, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5d9c', controller: true }] } };
    };
    const found = findings(RULE, owned('web-5d9c-1'), owned('web-5d9c-2'),
      pdb('web', { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } }), pdb('web-too', { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } }));
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('the pods of ReplicaSet default/web-5d9c are selected by 2');
  });

  test('near miss: the seed\'s one budget; two budgets over two workloads; a budget in another namespace', () => {
    expect(findings(RULE, SEED_PDB, SEED_PDB_DEPLOYMENT)).toEqual([]);
    expect(findings(RULE, deployment('a'), deployment('b'),
      pdb('a', { maxUnavailable: 1, selector: { matchLabels: { app: 'a' } } }), pdb('b', { maxUnavailable: 1, selector: { matchLabels: { app: 'b' } } }))).toEqual([]);
    expect(findings(RULE, SEED_PDB, SEED_PDB_DEPLOYMENT, pdb('postgres-pdb', { maxUnavailable: 1, selector: { matchLabels: { app: 'postgres' } } }, 'other'))).toEqual([]);
  });
});
