import { synthExample } from './synth-example';
import { runRules } from '../../src/rules';
import { expectValidManifests } from '../harness';

// The example app is synthesized by the real cdk8s CLI, as the README's main command does: as it stands, and at each
// step of the restore it shows (RESTORE_STEP).
const manifests = synthExample('exclusive-volume');
const STEPS = ['1', '2', '3'];
const [hibernated, restored, started] = STEPS.map(step => synthExample('exclusive-volume', { RESTORE_STEP: step }).byFile['postgres.k8s.yaml']);
const running = manifests.byFile['postgres.k8s.yaml'];
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

test('every object passes the harness, as it stands and at each step', () => {
  expect(Object.keys(manifests.byFile)).toEqual(['postgres-exclusive-data.k8s.yaml', 'postgres.k8s.yaml']);
  for (const objects of [manifests.all, hibernated, restored, started]) expectValidManifests(objects);
});

test('before the restore: one pod on postgres-data, the snapshots running', () => {
  expect(only(running, 'Deployment', 'postgres').spec.replicas).toBe(1);
  expect(claimOf(running)).toBe('postgres-data');
  expect(snapshotsOf(running).spec.suspend).toBe(false);
  expect(snapshottedClaims(running)).toBe('postgres-data');
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
  for (const step of [hibernated, restored, started]) expect(identity(step)).toEqual(identity(running));
});

test.each([['before the restore', () => manifests.all], ['step 1', () => hibernated], ['step 2', () => restored], ['step 3', () => started]])(
  '%s: no rule reports anything', (_, objects) => {
    expect(runRules(objects().map(object => ({ object }))).map(found => `${found.ruleId}: ${found.message}`)).toEqual([]);
  });
