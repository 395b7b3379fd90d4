import { SEED_DEPLOYMENT, SEED_DUMP_CRONJOB, SEED_PVC, SEED_SECOND_POD, SEED_STATEFULSET } from './seed';
import { cronJob, daemonSet, deployment, findings, job, names, pod, pvc, statefulSet } from './support';

const RULE = 'rwop-claim-shared';

describe(RULE, () => {
  test('finds the seed\'s second pod sharing postgres-exclusive-data with the Deployment, naming all three objects', () => {
    const found = findings(RULE, SEED_PVC, SEED_DEPLOYMENT, SEED_SECOND_POD);
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('error');
    expect(names(found[0])).toEqual([
      'PersistentVolumeClaim default/postgres-exclusive-data', 'Deployment default/postgres', 'Pod default/postgres-second-attempt',
    ]);
    expect(found[0].message).toMatch(/mounted by 2 workloads \(Deployment default\/postgres, Pod default\/postgres-second-attempt\)/);
    expect(found[0].message).toMatch(/stays Pending with a FailedScheduling event .*ReadWriteOncePod access mode/);
  });

  test.each([
    ['StatefulSet', statefulSet('other', { claims: ['data'] })],
    ['DaemonSet', daemonSet('other', { claims: ['data'] })],
    ['Job', job('other', { claims: ['data'] })],
    ['CronJob', cronJob('other', { claims: ['data'] })],
    ['Pod', pod('other', { claims: ['data'] })],
  ])('finds a %s sharing the claim with a Deployment', (kind, other) => {
    const found = findings(RULE, pvc('data'), deployment('db', { claims: ['data'] }), other);
    expect(found).toHaveLength(1);
    expect(names(found[0])).toContain(`${kind} default/other`);
  });

  test('names every workload when three share one claim', () => {
    const found = findings(RULE, pvc('data'), deployment('a', { claims: ['data'] }), deployment('b', { claims: ['data'] }), pod('c', { claims: ['data'] }));
    expect(found).toHaveLength(1);
    expect(found[0].objects).toHaveLength(4);
  });

  test('near miss: a ReadWriteOnce claim shared on purpose', () => {
    expect(findings(RULE, pvc('data', ['ReadWriteOnce']), deployment('a', { claims: ['data'] }), pod('b', { claims: ['data'] }))).toEqual([]);
  });

  test('near miss: same claim name in another namespace', () => {
    expect(findings(RULE,
      pvc('data'), pvc('data', ['ReadWriteOncePod'], { namespace: 'other' }),
      deployment('a', { claims: ['data'] }), deployment('b', { claims: ['data'], namespace: 'other' }))).toEqual([]);
  });

  test('near miss: a claim not in the input is not judged', () => {
    expect(findings(RULE, deployment('a', { claims: ['data'] }), pod('b', { claims: ['data'] }))).toEqual([]);
  });

  test('near miss: the seed\'s RWOP claim templates and its network-dump CronJob', () => {
    expect(findings(RULE, SEED_PVC, SEED_DEPLOYMENT, SEED_STATEFULSET, SEED_DUMP_CRONJOB, pvc('backup-pvc', ['ReadWriteOnce']))).toEqual([]);
  });

  test('one workload mounting the claim twice is one workload', () => {
    const twice = deployment('a', { spec: { volumes: [{ name: 'x', persistentVolumeClaim: { claimName: 'data' } }, { name: 'y', persistentVolumeClaim: { claimName: 'data' } }] } });
    expect(findings(RULE, pvc('data'), twice)).toEqual([]);
  });

  test('a cluster dump: a Deployment, its ReplicaSet and its Pod are one workload', () => {
    const rs = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'a-123', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'a', controller: true }] },
      spec: { replicas: 1, template: { metadata: { labels: { app: 'a' } }, spec: { volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'data' } }] } } },
    };
    const child = pod('a-123-xyz', { claims: ['data'] });
    child.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a-123', controller: true }];
    expect(findings(RULE, pvc('data'), deployment('a', { claims: ['data'] }), rs, child)).toEqual([]);
  });

  test('a pod dump: two pods of one ReplicaSet that is not in the input are one workload; a pod of another is not', () => {
    const owned = (name: string, owner: string) => {
      const p = pod(name, { claims: ['data'] });
      p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, controller: true }];
      return p;
    };
    expect(findings(RULE, pvc('data'), owned('a-1', 'a'), owned('a-2', 'a'))).toEqual([]);
    expect(findings(RULE, pvc('data'), owned('a-1', 'a'), owned('b-1', 'b'))).toHaveLength(1);
  });

  // `kubectl get deploy,pvc,pods` and `kubectl get cronjob,pvc,pods` print the workload and its pods, not the
  // ReplicaSets or Jobs in between (test/corpus/cases/kubectl-get-deploy-pvc-pods.json, kubectl-get-cronjob-pvc-pods.json).
  test('a dump without the ReplicaSets: the Pod of ReplicaSet <deployment>-<pod-template-hash> belongs to that Deployment', () => {
    const child = ownedPod('db-5d8f9c7b6-x2kqp', 'ReplicaSet', 'db-5d8f9c7b6', { 'app': 'db', 'pod-template-hash': '5d8f9c7b6' });
    expect(findings(RULE, pvc('data'), deployment('db', { claims: ['data'] }), child)).toEqual([]);

    // Near miss: the hash does not end the ReplicaSet's name, or no Deployment of that name is in the input.
    const stranger = ownedPod('db-5d8f9c7b6-x2kqp', 'ReplicaSet', 'db-5d8f9c7b6', { 'app': 'db', 'pod-template-hash': '7c4b9d8f6' });
    expect(findings(RULE, pvc('data'), deployment('db', { claims: ['data'] }), stranger)).toHaveLength(1);
    expect(findings(RULE, pvc('data'), deployment('web', { claims: ['data'] }), child)).toHaveLength(1);
  });

  test('a dump without the Jobs: the Pod of Job <cronjob>-<scheduled minutes> belongs to that CronJob', () => {
    const run = ownedPod('dump-28867080-7hxkq', 'Job', 'dump-28867080', { 'job-name': 'dump-28867080' });
    expect(findings(RULE, pvc('dumps'), cronJob('dump', { claims: ['dumps'] }), run)).toEqual([]);

    const manual = ownedPod('dump-manual-7hxkq', 'Job', 'dump-manual', { 'job-name': 'dump-manual' });
    expect(findings(RULE, pvc('dumps'), cronJob('dump', { claims: ['dumps'] }), manual)).toHaveLength(1);
  });

  test.each(['Succeeded', 'Failed'])('a %s Pod (a finished Job run, an evicted pod) holds no claim any more', (phase) => {
    const finished = ownedPod('dump-28867080-7hxkq', 'Job', 'dump-28867080', {});
    finished.status = { phase };
    expect(findings(RULE, pvc('data'), deployment('db', { claims: ['data'] }), finished)).toEqual([]);

    const running = ownedPod('dump-28867080-7hxkq', 'Job', 'dump-28867080', {});
    running.status = { phase: 'Running' };
    expect(findings(RULE, pvc('data'), deployment('db', { claims: ['data'] }), running)).toHaveLength(1);
  });
});

function ownedPod(name: string, ownerKind: string, ownerName: string, labels: Record<string, string>) {
  const child = pod(name, { claims: ['data', 'dumps'], labels });
  child.metadata.ownerReferences = [{ apiVersion: ownerKind === 'Job' ? 'batch/v1' : 'apps/v1', kind: ownerKind, name: ownerName, controller: true }];
  return child;
}
