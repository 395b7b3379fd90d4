import { synthExample } from './synth-example';
import { expectValidManifests } from '../harness';

// The example app is synthesized by the real cdk8s CLI, as the README's main command does.
const manifests = synthExample('exclusive-volume');

test('every object passes the harness', () => {
  expect(manifests.all.length).toBe(2);
  expectValidManifests(manifests.all);
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

test('the migration claim is restored from the VolumeSnapshot postgres-snapshot', () => {
  const [claim] = manifests.byFile['restore-from-snapshot.k8s.yaml'];
  expect(claim.metadata.name).toBe('postgres-data');
  expect(claim.spec.accessModes).toEqual(['ReadWriteOncePod']);
  expect(claim.spec.resources.requests.storage).toBe('20Gi');
  expect(claim.spec.storageClassName).toBe('standard');
  expect(claim.spec.dataSource).toEqual({
    name: 'postgres-snapshot',
    kind: 'VolumeSnapshot',
    apiGroup: 'snapshot.storage.k8s.io',
  });
});
