import { synthExample } from './synth-example';
import { runRules } from '../../src/rules';
import { expectValidManifests } from '../harness';
import { restrictedViolations, selects } from '../workloads/support';

// The example app is synthesized by the real cdk8s CLI, as `npx projen examples` does.
const manifests = synthExample('postgres-backups');
const objects = manifests.byFile['postgres-backups.k8s.yaml'];
const named = (kind: string, name: string) => {
  const found = objects.filter(o => o.kind === kind && o.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};
const podSpec = (workload: any) => (workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template : workload.spec.template);
const envOf = (workload: any): Record<string, any> =>
  Object.fromEntries(podSpec(workload).spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

const dump = named('CronJob', 'postgres-backup');
const snapshots = named('CronJob', 'postgres-snapshot-backup');
const initial = named('Job', 'postgres-snapshot-backup-initial');

test('one file; every object passes the harness, and the rules engine finds nothing', () => {
  expect(Object.keys(manifests.byFile)).toEqual(['postgres-backups.k8s.yaml']);
  expect(objects.map(o => `${o.kind} ${o.metadata.name}`)).toEqual([
    'PersistentVolumeClaim postgres-exclusive-data',
    'Deployment postgres',
    'PodDisruptionBudget postgres-pdb',
    'Service postgres-service',
    'NetworkPolicy postgres',
    'PersistentVolumeClaim backup-pvc',
    'ConfigMap postgres-backup-script',
    'CronJob postgres-backup',
    'NetworkPolicy postgres-backup',
    'ServiceAccount snapshot-creator',
    'Role postgres-snapshot-backup',
    'RoleBinding postgres-snapshot-backup',
    'ConfigMap postgres-snapshot-backup-script',
    'CronJob postgres-snapshot-backup',
    'Job postgres-snapshot-backup-initial',
    'NetworkPolicy postgres-snapshot-backup',
  ]);
  expectValidManifests(objects);
  expect(runRules(objects.map(object => ({ object }))).filter(f => f.severity !== 'info')).toEqual([]);
});

describe('the seed\'s pg_dump CronJob, done correctly', () => {
  test('daily at 02:00, never overlapping, pinned to the server\'s image', () => {
    expect(dump.spec).toMatchObject({ schedule: '0 2 * * *', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 43200 });
    expect(podSpec(dump).spec.containers[0].image).toBe('postgres:15.14');
  });

  test('over the network to postgres-service, with the password from postgres-secret, into backup-pvc, never the data claim', () => {
    const env = envOf(dump);
    expect(env.PGHOST).toBe('postgres-service');
    expect(env.PGPASSWORD).toEqual({ secretKeyRef: { name: 'postgres-secret', key: 'password' } });
    expect(env.KEEP_LAST).toBe('7');
    expect(env.LOCK_WAIT_TIMEOUT).toBe('300s');
    const claims = podSpec(dump).spec.volumes.filter((v: any) => v.persistentVolumeClaim).map((v: any) => v.persistentVolumeClaim.claimName);
    expect(claims).toEqual(['backup-pvc']);
    expect(named('PersistentVolumeClaim', 'backup-pvc').spec.accessModes).toEqual(['ReadWriteOncePod']);
  });

  test('restricted, no token, fsGroup owning the backup volume', () => {
    expect(restrictedViolations(podSpec(dump).spec)).toEqual([]);
    expect(podSpec(dump).spec.securityContext.fsGroup).toBe(999);
  });
});

describe('the seed\'s snapshot CronJob, done correctly', () => {
  test('daily at 02:00, never overlapping, the seed\'s snapshot class and claim, checkpointed, with retention', () => {
    expect(snapshots.spec).toMatchObject({ schedule: '0 2 * * *', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 43200 });
    expect(envOf(snapshots)).toMatchObject({
      CLAIMS: 'postgres-exclusive-data',
      SNAPSHOT_CLASS: 'csi-snapshot-class',
      KEEP_LAST: '7',
      KEEP_WITHIN_SECONDS: String(7 * 86400),
      FAILED_GRACE_SECONDS: String(2 * 86400),
      QUIESCE_COMMAND: expect.stringContaining('--command=CHECKPOINT'),
      PGHOST: 'postgres-service',
    });
    expect(envOf(initial).SNAPSHOT_RUN_ID).toBe('initial');
  });

  test('it runs as the ServiceAccount snapshot-creator, allowed exactly get, list, create and delete on volumesnapshots', () => {
    expect(podSpec(snapshots).spec.serviceAccountName).toBe('snapshot-creator');
    expect(named('Role', 'postgres-snapshot-backup').rules).toEqual([
      { apiGroups: ['snapshot.storage.k8s.io'], resources: ['volumesnapshots'], verbs: ['get', 'list', 'create', 'delete'] },
    ]);
    expect(named('RoleBinding', 'postgres-snapshot-backup').subjects).toEqual([{ apiGroup: '', kind: 'ServiceAccount', name: 'snapshot-creator' }]);
  });

  test('its images are pinned (not the seed\'s bitnami/kubectl:latest), and only its pods mount a token', () => {
    const images = [snapshots, initial].flatMap(w => [...podSpec(w).spec.initContainers, ...podSpec(w).spec.containers].map((c: any) => c.image));
    expect([...new Set(images)].sort()).toEqual(['alpine/k8s:1.33.4', 'postgres:15.14']);
    const tokens = objects.filter(o => ['Deployment', 'CronJob', 'Job'].includes(o.kind))
      .map(o => `${o.metadata.name}: ${podSpec(o).spec.automountServiceAccountToken}`);
    expect(tokens).toEqual(['postgres: false', 'postgres-backup: false', 'postgres-snapshot-backup: true', 'postgres-snapshot-backup-initial: true']);
    expect(named('ServiceAccount', 'snapshot-creator').automountServiceAccountToken).toBe(false);
  });

  test('no backup pod has a PriorityClass above the database\'s (neither has one)', () => {
    for (const workload of [named('Deployment', 'postgres'), dump, snapshots, initial]) {
      expect(podSpec(workload).spec.priorityClassName).toBeUndefined();
    }
  });
});

test('the database\'s NetworkPolicy lets in the backup pods, and only them, on 5432', () => {
  const policy = named('NetworkPolicy', 'postgres');
  for (const workload of [dump, snapshots, initial]) {
    const labels = podSpec(workload).metadata.labels;
    const rules = policy.spec.ingress.filter((rule: any) => rule.from.some((peer: any) => selects(peer.podSelector, labels)));
    expect(rules.map((rule: any) => rule.ports)).toEqual([[{ port: 5432, protocol: 'TCP' }]]);
  }
  expect(policy.spec.ingress).toHaveLength(3);
});
