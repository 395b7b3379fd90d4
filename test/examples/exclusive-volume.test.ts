import { synthExample } from './synth-example';
import { runRules } from '../../src/rules';
import { expectValidManifests } from '../harness';

// The example app is synthesized by the real cdk8s CLI, as the README's main command does.
const manifests = synthExample('exclusive-volume');
const STEPS = ['postgres.step-1-hibernate.k8s.yaml', 'postgres.step-2-restore.k8s.yaml', 'postgres.step-3-start.k8s.yaml'];
const [hibernated, restored, started] = STEPS.map(file => manifests.byFile[file]);
const SNAPSHOT = 'postgres-snapshots-postgres-data-20261201-0200';

function only(objects: any[], kind: string, name?: string): any {
  const found = objects.filter(o => o.kind === kind && (name === undefined || o.metadata.name === name));
  expect(found).toHaveLength(1);
  return found[0];
}

const podSpecOf = (objects: any[]) => only(objects, 'Deployment', 'postgres').spec.template.spec;
const claimOf = (objects: any[]) => podSpecOf(objects).volumes.find((v: any) => v.name === 'data').persistentVolumeClaim.claimName;
const snapshotsOf = (objects: any[]) => only(objects, 'CronJob', 'postgres-snapshots');
const snapshottedClaims = (objects: any[]) =>
  snapshotsOf(objects).spec.jobTemplate.spec.template.spec.containers[0].env.find((e: any) => e.name === 'CLAIMS').value;

test('every file passes the harness (each step is a whole state of the same objects)', () => {
  expect(Object.keys(manifests.byFile)).toEqual(['postgres-exclusive-data.k8s.yaml', ...STEPS]);
  for (const objects of Object.values(manifests.byFile)) expectValidManifests(objects);
});

test('the seed claim postgres-exclusive-data: 20Gi, class standard, RWOP only', () => {
  const [claim] = manifests.byFile['postgres-exclusive-data.k8s.yaml'];
  expect(claim.kind).toBe('PersistentVolumeClaim');
  expect(claim.metadata.name).toBe('postgres-exclusive-data');
  expect(claim.spec.accessModes).toEqual(['ReadWriteOncePod']);
  expect(claim.spec.resources.requests.storage).toBe('20Gi');
  expect(claim.spec.storageClassName).toBe('standard');
  expect(claim.spec.dataSource).toBeUndefined();
  expect(claim.metadata.annotations['helm.sh/resource-policy']).toBe('keep');
});

test('step 1, hibernate: no pod, the claim kept and protected from prune, the checkpointed snapshots suspended', () => {
  expect(only(hibernated, 'Deployment', 'postgres').spec.replicas).toBe(0);
  const claim = only(hibernated, 'PersistentVolumeClaim', 'postgres-data');
  expect(claim.spec.dataSource).toBeUndefined();
  expect(claim.metadata.annotations).toMatchObject({
    'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
    'kustomize.toolkit.fluxcd.io/prune': 'disabled',
    'helm.sh/resource-policy': 'keep',
  });
  expect(claimOf(hibernated)).toBe('postgres-data');
  expect(snapshotsOf(hibernated).spec.suspend).toBe(true);
});

test('step 2, restore: a new claim from the snapshot, still hibernating; the old claim leaves the manifests', () => {
  const claim = only(restored, 'PersistentVolumeClaim', 'postgres-data-restored');
  expect(claim.spec.accessModes).toEqual(['ReadWriteOncePod']);
  expect(claim.spec.resources.requests.storage).toBe('20Gi');
  expect(claim.spec.dataSource).toEqual({ name: SNAPSHOT, kind: 'VolumeSnapshot', apiGroup: 'snapshot.storage.k8s.io' });
  expect(restored.filter(o => o.kind === 'PersistentVolumeClaim').map(o => o.metadata.name)).toEqual(['postgres-data-restored']);
  expect(claimOf(restored)).toBe('postgres-data-restored');
  expect(only(restored, 'Deployment', 'postgres').spec.replicas).toBe(0);
  expect(snapshotsOf(restored).spec.suspend).toBe(true);
});

test('step 3, start: one pod on the restored claim, the snapshots resumed on it', () => {
  expect(only(started, 'Deployment', 'postgres').spec.replicas).toBe(1);
  expect(claimOf(started)).toBe('postgres-data-restored');
  expect(snapshotsOf(started).spec.suspend).toBe(false);
  expect(snapshottedClaims(started)).toBe('postgres-data-restored');
});

test('from step to step the objects keep their names and selectors, so each step applies over the last', () => {
  const identity = (objects: any[]) => objects.filter(o => o.kind !== 'PersistentVolumeClaim')
    .map(o => [o.kind, o.metadata.namespace, o.metadata.name, o.spec?.selector ?? o.spec?.podSelector ?? null]);
  expect(identity(restored)).toEqual(identity(hibernated));
  expect(identity(started)).toEqual(identity(hibernated));
});

test.each(STEPS)('%s: no rule reports anything', (file) => {
  expect(runRules(manifests.byFile[file].map(object => ({ object }))).map(found => `${found.ruleId}: ${found.message}`)).toEqual([]);
});
