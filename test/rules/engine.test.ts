import * as fs from 'fs';
import * as path from 'path';
import { SEED_ALL, SEED_DEPLOYMENT, SEED_PVC, SEED_SECOND_POD } from './seed';
import { deployment, manifests, pdb, pod, pvc } from './support';
import { RULES, ruleById, runRules } from '../../src/rules';
import type { Finding, KubeObject } from '../../src/rules';
import * as labelSelector from '../../src/rules/label-selector';

const summary = (found: Finding[]) => found.map((f) => `${f.severity} ${f.ruleId} ${f.objects.map((o) => `${o.kind}/${o.name}`).join(' ')}`);

describe('the rule registry', () => {
  test('ids are unique and kebab-case, each rule lives in src/rules/<id>.ts and is tested in test/rules/<id>.test.ts', () => {
    const ids = RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      expect(fs.existsSync(path.join(__dirname, '..', '..', 'src', 'rules', `${id}.ts`))).toBe(true);
      expect(fs.existsSync(path.join(__dirname, `${id}.test.ts`))).toBe(true);
      expect(ruleById(id)!.id).toBe(id);
    }
  });

  test('every rule has a severity, a one-line summary and a remediation', () => {
    for (const rule of RULES) {
      expect(['error', 'warning', 'info']).toContain(rule.severity);
      expect(rule.summary).toMatch(/^[A-Za-z].*\.$/);
      expect(rule.summary).not.toContain('\n');
      expect(rule.remediation).toMatch(/^[A-Z].*\.$/);
      expect(rule.remediation).not.toContain('\n');
    }
  });
});

describe('runRules', () => {
  test('the whole seed: the second pod, the drain-blocking PDB, the short grace, the plaintext password, the :latest image', () => {
    expect(summary(runRules(manifests(...SEED_ALL)))).toEqual([
      // The tutorial defines Deployment postgres twice: first plain, then again with the preStop hook of its PDB section.
      'error duplicate-object Deployment/postgres Deployment/postgres',
      'error literal-secret-env Deployment/postgres',
      'error rwop-claim-shared PersistentVolumeClaim/postgres-exclusive-data Deployment/postgres Pod/postgres-second-attempt',
      'warning pdb-blocks-drains PodDisruptionBudget/postgres-pdb Deployment/postgres',
      'warning prestop-exceeds-grace Deployment/postgres',
      'warning unpinned-image CronJob/postgres-snapshot-backup',
    ]);
  });

  test('findings are sorted the same whatever the input order', () => {
    const forward = runRules(manifests(...SEED_ALL));
    const backward = runRules(manifests(...[...SEED_ALL].reverse()));
    expect(summary(backward)).toEqual(summary(forward));
    expect(forward.map((f) => f.severity)).toEqual([...forward.map((f) => f.severity)].sort());
  });

  test('only and skip choose rules; an unknown id is an error that lists the known ones', () => {
    const input = manifests(...SEED_ALL);
    expect(new Set(runRules(input, { only: ['unpinned-image'] }).map((f) => f.ruleId))).toEqual(new Set(['unpinned-image']));
    const skipped = runRules(input, { skip: ['unpinned-image', 'literal-secret-env'] }).map((f) => f.ruleId);
    expect(skipped).not.toContain('unpinned-image');
    expect(skipped).not.toContain('literal-secret-env');
    expect(skipped).toContain('rwop-claim-shared');
    expect(() => runRules(input, { only: ['no-such-rule'] })).toThrow(/unknown rule id "no-such-rule" in "only"; rule ids: rwop-claim-shared, /);
    expect(() => runRules(input, { skip: ['a', 'b'] })).toThrow(/unknown rule ids "a", "b" in "skip"/);
  });

  test('a suppression with a reason marks the finding suppressed, on any object it involves, and keeps it', () => {
    const secondPod = structuredClone(SEED_SECOND_POD);
    secondPod.metadata.annotations = { 'rwop.dev/suppress': 'unpinned-image, rwop-claim-shared', 'rwop.dev/suppress-reason': 'the failure demo of the tutorial' };
    const found = runRules(manifests(SEED_PVC, SEED_DEPLOYMENT, secondPod), { only: ['rwop-claim-shared', 'suppression-without-reason'] });
    expect(found).toHaveLength(1);
    expect(found[0].ruleId).toBe('rwop-claim-shared');
    expect(found[0].suppressed).toEqual({ reason: 'the failure demo of the tutorial' });
  });

  test('a suppression of another rule, or without a reason, does not suppress; the latter is reported', () => {
    const otherRule = structuredClone(SEED_SECOND_POD);
    otherRule.metadata.annotations = { 'rwop.dev/suppress': 'unpinned-image', 'rwop.dev/suppress-reason': 'x' };
    expect(runRules(manifests(SEED_PVC, SEED_DEPLOYMENT, otherRule), { only: ['rwop-claim-shared'] })[0].suppressed).toBeUndefined();

    const noReason = structuredClone(SEED_SECOND_POD);
    noReason.metadata.annotations = { 'rwop.dev/suppress': 'rwop-claim-shared' };
    const found = runRules(manifests(SEED_PVC, SEED_DEPLOYMENT, noReason), { only: ['rwop-claim-shared', 'suppression-without-reason'] });
    expect(found.map((f) => [f.ruleId, f.suppressed])).toEqual([['rwop-claim-shared', undefined], ['suppression-without-reason', undefined]]);
  });

  test('reads the items of kind: List (kubectl get -o json), nested too, and keeps their source', () => {
    const source = { file: 'dump.json', line: 1 };
    const list = { apiVersion: 'v1', kind: 'List', items: [SEED_PVC, { apiVersion: 'v1', kind: 'PodList', items: [SEED_SECOND_POD] }] };
    const found = runRules([{ object: list, source }, { object: SEED_DEPLOYMENT }], { only: ['rwop-claim-shared'] });
    expect(found).toHaveLength(1);
    expect(found[0].objects.map((o) => o.source)).toEqual([source, source, undefined]);
    expect(found[0].objects.map((o) => o.kind)).toEqual(['PersistentVolumeClaim', 'Pod', 'Deployment']);
  });

  test('namespaces: an object without one is in "default"', () => {
    const found = runRules(manifests(pvc('data', ['ReadWriteOncePod'], { namespace: 'default' }), deployment('a', { claims: ['data'] }), pod('b', { claims: ['data'], namespace: 'default' })));
    expect(summary(found)).toContain('error rwop-claim-shared PersistentVolumeClaim/data Deployment/a Pod/b');
  });

  test('unknown kinds, CRDs and malformed objects are read, not a crash', () => {
    const garbage: KubeObject[] = [
      null as any, 'text' as any, [1, 2] as any, {}, { kind: 'List', items: 'x' }, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { x: 1 } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: 'x', spec: { replicas: '3', template: { spec: { volumes: 'x', containers: 5 } } } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: { volumes: [null, { persistentVolumeClaim: null }], containers: [null, { env: 'x', lifecycle: { preStop: { exec: { command: [1] } } } }] } } } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations: { 'rwop.dev/suppress': 5 } }, spec: null },
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'b' }, spec: { selector: { matchExpressions: [null, { key: 'a', operator: 'Weird' }] }, maxUnavailable: 0 } },
      { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' }, spec: { scaleTargetRef: 'x', maxReplicas: '5' } },
      { apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshot', metadata: { name: 's' }, spec: { source: [] } },
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, spec: { accessModes: 'ReadWriteOncePod' } },
      { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'x' }, value: 'high', globalDefault: true },
    ];
    expect(() => runRules(manifests(...garbage))).not.toThrow();
    const found = runRules(manifests(...garbage));
    expect(found.every((f) => f.objects.every((o) => typeof o.kind === 'string' && typeof o.name === 'string'))).toBe(true);
  });
});

describe('linearity', () => {
  // Not a timing test: the rules reach objects through the index's maps, so the work a selector costs is counted directly.
  test('20,000 objects in one namespace: each PDB tests only the templates sharing its most selective label', () => {
    const spy = jest.spyOn(labelSelector, 'matchesSelector');
    const count = 5000;
    const objects: KubeObject[] = [];
    for (let i = 0; i < count; i++) {
      const labels = { 'tier': 'db', 'app.kubernetes.io/name': `db-${i}` };
      objects.push(pvc(`data-${i}`));
      objects.push(deployment(`db-${i}`, { claims: [`data-${i}`], labels }));
      objects.push(pdb(`db-${i}`, { maxUnavailable: 0, selector: { matchLabels: labels } }));
      objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: `db-${i}` }, spec: { selector: labels } });
    }
    const found = runRules(manifests(...objects));
    expect(found.filter((f) => f.ruleId === 'pdb-blocks-drains')).toHaveLength(count);
    expect(found.filter((f) => f.ruleId !== 'pdb-blocks-drains')).toEqual([]);
    // Three rules read the PDB selections (pdb-blocks-drains, pdb-selects-nothing, pod-in-several-pdbs), made once per
    // run: one candidate per PDB, not 5,000.
    expect(spy.mock.calls.length).toBeGreaterThanOrEqual(count); // the spy sees the index's calls
    expect(spy.mock.calls.length).toBeLessThanOrEqual(count);
    spy.mockRestore();
  }, 120_000);
});
