import { GIB_20, expectPropError, only, problemFindings, selects, synthWorkloads, testChart } from './support';
import { DisruptionPolicy, SingleWriterWorkload, SingleWriterWorkloadProps, WorkloadContainer } from '../../src';
import { BLOCKS_DRAINS_REASON_ANNOTATION, runRules } from '../../src/rules';

function workload(policy: DisruptionPolicy | undefined, extra: Partial<SingleWriterWorkloadProps> = {}) {
  const chart = testChart();
  const app = new SingleWriterWorkload(chart, 'App', {
    metadata: { name: 'app' },
    container: WorkloadContainer.fromImage({ image: 'registry.example/app:1.2.3', port: 8080, mountPath: '/data' }),
    storage: GIB_20,
    disruptionPolicy: policy,
    ...extra,
  });
  return { chart, app };
}

describe('the PodDisruptionBudget of each policy', () => {
  test('allowEviction() is the default: maxUnavailable 1, AlwaysAllow, policy/v1', () => {
    const { chart, app } = workload(undefined);
    const pdb = only(synthWorkloads(chart), 'PodDisruptionBudget');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.metadata.name).toBe('app-pdb');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.minAvailable).toBeUndefined();
    expect(pdb.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
    expect(app.disruptionPolicy.maxUnavailable).toBe(1);
    expect(app.disruptionPolicy.blocksDrains).toBe(false);
    expect(app.podDisruptionBudget).toBeDefined();
  });

  test('blockVoluntaryEvictions() is the seed\'s maxUnavailable 0, flagged by the rules engine as blocking drains', () => {
    const { chart, app } = workload(DisruptionPolicy.blockVoluntaryEvictions());
    const manifests = synthWorkloads(chart);
    const pdb = only(manifests, 'PodDisruptionBudget');
    expect(pdb.spec.maxUnavailable).toBe(0);
    expect(pdb.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
    expect(pdb.metadata.annotations?.[BLOCKS_DRAINS_REASON_ANNOTATION]).toBeUndefined();
    expect(app.disruptionPolicy.blocksDrains).toBe(true);
    const drains = runRules(manifests.map(object => ({ object })), { only: ['pdb-blocks-drains'] });
    expect(drains).toHaveLength(1);
    expect(drains[0].severity).toBe('warning');
  });

  test('a reason for blocking drains is written where rwop audit reads it, and turns the finding into info', () => {
    const { chart, app } = workload(DisruptionPolicy.blockVoluntaryEvictions({ reason: '  the DBA moves it by hand  ' }));
    const manifests = synthWorkloads(chart);
    const pdb = only(manifests, 'PodDisruptionBudget');
    expect(pdb.metadata.annotations[BLOCKS_DRAINS_REASON_ANNOTATION]).toBe('the DBA moves it by hand');
    expect(app.disruptionPolicy.reason).toBe('  the DBA moves it by hand  ');
    const drains = runRules(manifests.map(object => ({ object })), { only: ['pdb-blocks-drains'] });
    expect(drains.map(found => found.severity)).toEqual(['info']);
  });

  test('none() creates no budget', () => {
    const { chart, app } = workload(DisruptionPolicy.none());
    const manifests = synthWorkloads(chart);
    expect(manifests.filter(m => m.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(app.podDisruptionBudget).toBeUndefined();
    expect(app.disruptionPolicy.createsBudget).toBe(false);
    expect(app.disruptionPolicy.maxUnavailable).toBeUndefined();
  });

  test('allowEviction() leaves nothing for the rules engine to warn about', () => {
    const { chart } = workload(DisruptionPolicy.allowEviction({ maxUnavailable: 1 }));
    expect(problemFindings(synthWorkloads(chart))).toEqual([]);
  });
});

describe('the selector is the pod template\'s labels', () => {
  test('with the pod labels given, every label of the template is in the selector', () => {
    const { chart, app } = workload(undefined, { podLabels: { 'app': 'shop', 'app.kubernetes.io/component': 'db' } });
    const manifests = synthWorkloads(chart);
    const pdb = only(manifests, 'PodDisruptionBudget');
    const template = only(manifests, 'Deployment').spec.template.metadata.labels;
    expect(pdb.spec.selector).toEqual({ matchLabels: template });
    expect(template).toMatchObject({ 'app': 'shop', 'app.kubernetes.io/component': 'db' });
    expect(app.podLabels).toEqual(template);
  });

  test('labels added to the pod template after construction are in the selector too', () => {
    const { chart, app } = workload(undefined);
    app.deployment.podMetadata.addLabel('tier', 'data');
    const pdb = only(synthWorkloads(chart), 'PodDisruptionBudget');
    expect(pdb.spec.selector.matchLabels.tier).toBe('data');
  });

  test('two workloads in one namespace: each budget selects its own pods only', () => {
    const { chart } = workload(undefined, { podLabels: { app: 'same' } });
    new SingleWriterWorkload(chart, 'Other', {
      metadata: { name: 'other' },
      podLabels: { app: 'same' },
      container: WorkloadContainer.fromImage({ image: 'registry.example/app:1.2.3', port: 8080, mountPath: '/data' }),
      storage: GIB_20,
    });
    const manifests = synthWorkloads(chart);
    const pdbs = manifests.filter(m => m.kind === 'PodDisruptionBudget');
    expect(pdbs).toHaveLength(2);
    const deployments = manifests.filter(m => m.kind === 'Deployment');
    for (const pdb of pdbs) {
      expect(deployments.filter(d => selects(pdb.spec.selector, d.spec.template.metadata.labels))).toHaveLength(1);
    }
  });

  test('the oracle itself: an extra label in the selector selects no pod, a missing one selects both', () => {
    const labels = { app: 'a', addr: 'x' };
    expect(selects({ matchLabels: { ...labels, extra: 'y' } }, labels)).toBe(false);
    expect(selects({ matchLabels: { app: 'a' } }, { app: 'a', addr: 'y' })).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'app', operator: 'In', values: ['a'] }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['a'] }] }, labels)).toBe(false);
    expect(selects({}, labels)).toBe(false);
  });
});

describe('bad policies', () => {
  test.each([
    ['0 (blocks drains)', 0, /from 1 to the 1 replica .*blockVoluntaryEvictions\(\) for 0/],
    ['more than the replicas', 2, /from 1 to the 1 replica/],
    ['a fraction', 1.5, /a whole number/],
    ['negative', -1, /a whole number/],
    ['a string', '1' as unknown as number, /a whole number/],
  ])('allowEviction({ maxUnavailable: %s })', (_name, maxUnavailable, detail) => {
    expectPropError(() => workload(DisruptionPolicy.allowEviction({ maxUnavailable })),
      'Test/App', 'SingleWriterWorkload', 'disruptionPolicy.maxUnavailable', detail);
  });

  test.each([
    ['blank', '   '],
    ['not a string', 42 as unknown as string],
  ])('blockVoluntaryEvictions({ reason: %s })', (_name, reason) => {
    expectPropError(() => workload(DisruptionPolicy.blockVoluntaryEvictions({ reason })),
      'Test/App', 'SingleWriterWorkload', 'disruptionPolicy.reason', /non-empty sentence/);
  });

  test('something that is not a DisruptionPolicy', () => {
    expectPropError(() => workload({ maxUnavailable: 0 } as unknown as DisruptionPolicy),
      'Test/App', 'SingleWriterWorkload', 'disruptionPolicy', /DisruptionPolicy\.allowEviction\(\)/);
  });
});
