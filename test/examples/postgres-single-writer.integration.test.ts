import { synthExample } from './synth-example';
import { runRules } from '../../src/rules';
import { expectValidManifests } from '../harness';
import { expectPdbsSelectTheirPods, restrictedViolations } from '../workloads/support';

// The example app is synthesized by the real cdk8s CLI, as `npx projen examples` does.
const manifests = synthExample('postgres-single-writer');
const objects = manifests.byFile['postgres.k8s.yaml'];
const byKind = (kind: string) => {
  const found = objects.filter(o => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
};
const deployment = byKind('Deployment');
const spec = deployment.spec.template.spec;
const container = spec.containers[0];

test('one file; every object passes the harness, the restricted Pod Security Standard and the PDB selector check', () => {
  expect(Object.keys(manifests.byFile)).toEqual(['postgres.k8s.yaml']);
  expect(objects.map(o => `${o.kind} ${o.metadata.name}`)).toEqual([
    'PersistentVolumeClaim postgres-exclusive-data',
    'Deployment postgres',
    'PodDisruptionBudget postgres-pdb',
    'Service postgres-service',
    'NetworkPolicy postgres',
  ]);
  expectValidManifests(objects);
  expect(restrictedViolations(spec)).toEqual([]);
  expectPdbsSelectTheirPods(objects);
});

describe('the seed\'s claim', () => {
  test('postgres-exclusive-data: ReadWriteOncePod only, 20Gi, class standard', () => {
    const claim = byKind('PersistentVolumeClaim');
    expect(claim.metadata.name).toBe('postgres-exclusive-data');
    expect(claim.spec.accessModes).toEqual(['ReadWriteOncePod']);
    expect(claim.spec.resources.requests.storage).toBe('20Gi');
    expect(claim.spec.storageClassName).toBe('standard');
  });
});

describe('the seed\'s Deployment, field by field', () => {
  test('name postgres, replicas 1 ("Must be 1 for RWOP")', () => {
    expect(deployment.apiVersion).toBe('apps/v1');
    expect(deployment.metadata.name).toBe('postgres');
    expect(deployment.spec.replicas).toBe(1);
  });

  test('selector app: postgres, and the template carries the label', () => {
    expect(deployment.spec.selector.matchLabels.app).toBe('postgres');
    expect(deployment.spec.template.metadata.labels.app).toBe('postgres');
  });

  test('strategy Recreate ("Prevent multiple pods during rollout")', () => {
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
  });

  test('container postgres, image postgres:15 pinned to a patch release', () => {
    expect(spec.containers).toHaveLength(1);
    expect(container.name).toBe('postgres');
    expect(container.image).toMatch(/^postgres:15\.\d+$/);
  });

  test('POSTGRES_PASSWORD from the Secret postgres-secret (the seed\'s plain "securepassword" is its mistake)', () => {
    const password = container.env.find((e: any) => e.name === 'POSTGRES_PASSWORD');
    expect(password).toEqual({ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'postgres-secret', key: 'password' } } });
    expect(JSON.stringify(objects)).not.toContain('securepassword');
  });

  test('PGDATA /var/lib/postgresql/data/pgdata, a subdirectory of the mount', () => {
    expect(container.env).toContainEqual({ name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' });
  });

  test('containerPort 5432', () => {
    expect(container.ports.map((p: any) => p.containerPort)).toEqual([5432]);
  });

  test('volume data = claim postgres-exclusive-data, mounted at /var/lib/postgresql/data', () => {
    expect(spec.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'postgres-exclusive-data', readOnly: false } });
    expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/postgresql/data' });
  });

  test('livenessProbe exec pg_isready as postgres every 10 s; the seed\'s initialDelaySeconds 30 becomes a startup probe', () => {
    expect(container.livenessProbe.exec.command[0]).toBe('pg_isready');
    expect(container.livenessProbe.exec.command).toContain('--username=postgres');
    expect(container.livenessProbe.periodSeconds).toBe(10);
    // The seed waits 30 s before the first liveness check; a startup probe holds liveness back for as long as
    // startup (crash recovery) really takes, up to 15 minutes, instead of a fixed guess.
    expect(container.livenessProbe.initialDelaySeconds).toBeUndefined();
    expect(container.startupProbe.exec.command).toEqual(container.livenessProbe.exec.command);
    expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBeGreaterThanOrEqual(30);
  });
});

describe('the seed\'s "Combining RWOP with Pod Disruption Budgets" variant', () => {
  test('PodDisruptionBudget postgres-pdb, policy/v1, maxUnavailable 0, selecting app: postgres; evicts unhealthy pods', () => {
    const pdb = byKind('PodDisruptionBudget');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.metadata.name).toBe('postgres-pdb');
    expect(pdb.spec.maxUnavailable).toBe(0);
    expect(pdb.spec.selector.matchLabels.app).toBe('postgres');
    expect(pdb.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
  });

  test('the budget blocks drains on purpose, and says why (rwop audit reports it as info)', () => {
    const pdb = byKind('PodDisruptionBudget');
    expect(pdb.metadata.annotations['rwop.dev/blocks-drains-reason']).toMatch(/moves the database by hand/);
    const findings = runRules(objects.map(object => ({ object })), { only: ['pdb-blocks-drains'] });
    expect(findings.map(f => f.severity)).toEqual(['info']);
  });

  test('preStop pg_ctl fast stop, of $PGDATA (the seed\'s -D names the mount, where no cluster is), inside the grace period', () => {
    const command = container.lifecycle.preStop.exec.command;
    expect(command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(command[2]).toMatch(/^exec pg_ctl stop -D "\$PGDATA" -m fast -t (\d+)$/);
    const timeout = Number(/-t (\d+)$/.exec(command[2])![1]);
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThan(timeout);
    expect(runRules(objects.map(object => ({ object })), { only: ['prestop-exceeds-grace'] })).toEqual([]);
  });

  test('node affinity: required, storage-node In ["true"]', () => {
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'storage-node', operator: 'In', values: ['true'] }] },
    ]);
  });
});

describe('beyond the seed', () => {
  test('the Service the seed\'s backup connects to (postgres-service:5432)', () => {
    const service = byKind('Service');
    expect(service.metadata.name).toBe('postgres-service');
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.ports).toEqual([{ name: 'postgres', port: 5432, targetPort: 5432, protocol: 'TCP' }]);
  });

  test('a NetworkPolicy that lets in the client pods only', () => {
    const policy = byKind('NetworkPolicy');
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { 'postgres-client': 'true' } } }], ports: [{ port: 5432, protocol: 'TCP' }] },
    ]);
  });

  test('linter exemptions for the single-writer design, with reasons', () => {
    expect(Object.keys(deployment.metadata.annotations).sort()).toEqual([
      'ignore-check.kube-linter.io/minimum-three-replicas',
      'ignore-check.kube-linter.io/no-rolling-update-strategy',
      'polaris.fairwinds.com/deploymentMissingReplicas-exempt',
      'rwop.dev/polaris-exempt-reason.deploymentMissingReplicas',
    ]);
  });

  test('the rules engine finds no error nor warning', () => {
    expect(runRules(objects.map(object => ({ object }))).filter(f => f.severity !== 'info')).toEqual([]);
  });
});
