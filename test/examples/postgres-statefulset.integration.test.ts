import { synthExample } from './synth-example';
import { runRules } from '../../src/rules';
import { expectValidManifests } from '../harness';

// The example app is synthesized by the real cdk8s CLI, as the README's main command does.
const manifests = synthExample('postgres-statefulset');
const [objects] = Object.values(manifests.byFile);
const of = (kind: string) => objects.filter((o: any) => o.kind === kind);

test('one file: the headless Service, the StatefulSet and its PodDisruptionBudget, all passing the harness', () => {
  expect(Object.keys(manifests.byFile)).toEqual(['postgres-statefulset.k8s.yaml']);
  expect(objects.map((o: any) => `${o.kind} ${o.metadata.name}`)).toEqual([
    'Service postgres', 'StatefulSet postgres-cluster', 'PodDisruptionBudget postgres-cluster',
  ]);
  expectValidManifests(manifests.all);
});

test('the seed StatefulSet postgres-cluster: serviceName postgres, 3 replicas, selector and labels app: postgres', () => {
  const [sts] = of('StatefulSet');
  expect(sts.spec.serviceName).toBe('postgres');
  expect(sts.spec.replicas).toBe(3);
  expect(sts.spec.selector.matchLabels.app).toBe('postgres');
  expect(sts.spec.template.metadata.labels.app).toBe('postgres');
  const [service] = of('Service');
  expect(service.spec.clusterIP).toBe('None');
});

test('the claim template data: ReadWriteOncePod only, 20Gi, class standard, mounted at the seed\'s path', () => {
  const [sts] = of('StatefulSet');
  expect(sts.spec.volumeClaimTemplates).toEqual([{
    metadata: { name: 'data', labels: { app: 'postgres' } },
    spec: { accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '20Gi' } }, storageClassName: 'standard' },
  }]);
  const [container] = sts.spec.template.spec.containers;
  expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/postgresql/data' });
  expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
});

test('the container postgres: pinned PostgreSQL 15, password from postgres-secret, PGDATA in a subdirectory', () => {
  const [container] = of('StatefulSet')[0].spec.template.spec.containers;
  expect(container.name).toBe('postgres');
  expect(container.image).toMatch(/^postgres:15\.\d+$/);
  expect(container.env).toContainEqual({ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'postgres-secret', key: 'password' } } });
  expect(container.env.filter((e: any) => e.name === 'POSTGRES_PASSWORD' && e.value !== undefined)).toEqual([]);
  expect(container.env).toContainEqual({ name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' });
});

test('a drain-safe budget, and no finding of the rules engine', () => {
  const [pdb] = of('PodDisruptionBudget');
  expect(pdb.spec).toMatchObject({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  expect(pdb.spec.selector.matchLabels).toEqual(of('StatefulSet')[0].spec.template.metadata.labels);
  expect(runRules(manifests.all.map((object) => ({ object })))).toEqual([]);
});
