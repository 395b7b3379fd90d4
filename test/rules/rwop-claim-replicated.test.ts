import { SEED_DEPLOYMENT, SEED_PVC, SEED_STATEFULSET } from './seed';
import { cronJob, daemonSet, deployment, findings, job, names, pod, pvc, statefulSet } from './support';

const RULE = 'rwop-claim-replicated';

function hpa(target: string, maxReplicas: number, kind = 'Deployment') {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: `${target}-hpa` },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind, name: target }, minReplicas: 1, maxReplicas },
  };
}

describe(RULE, () => {
  test('a Deployment with 3 replicas mounting an RWOP claim', () => {
    const found = findings(RULE, pvc('data'), deployment('db', { claims: ['data'], replicas: 3 }));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('error');
    expect(names(found[0])).toEqual(['Deployment default/db', 'PersistentVolumeClaim default/data']);
    expect(found[0].message).toMatch(/runs 3 pods \(replicas: 3\).*each of the other 2 stays Pending/);
  });

  test('a StatefulSet with replicas 2 mounting a plain RWOP claim (not a claim template)', () => {
    expect(findings(RULE, pvc('data'), statefulSet('db', { claims: ['data'], replicas: 2 }))).toHaveLength(1);
  });

  test('a DaemonSet mounting an RWOP claim', () => {
    const found = findings(RULE, pvc('data'), daemonSet('agent', { claims: ['data'] }));
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/one pod per node/);
  });

  test('a Job with parallelism 2', () => {
    const found = findings(RULE, pvc('data'), job('work', { claims: ['data'], parallelism: 2 }));
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/parallelism: 2/);
  });

  test('an HPA that can scale a one-replica Deployment to 5, naming the HPA', () => {
    const found = findings(RULE, pvc('data'), deployment('db', { claims: ['data'], replicas: 1 }), hpa('db', 5));
    expect(found).toHaveLength(1);
    expect(names(found[0])).toEqual(['Deployment default/db', 'HorizontalPodAutoscaler default/db-hpa', 'PersistentVolumeClaim default/data']);
    expect(found[0].message).toMatch(/can scale Deployment default\/db to 5 pods \(maxReplicas\)/);
  });

  test('near miss: an HPA with maxReplicas 1, or targeting another kind or name', () => {
    const objects = [pvc('data'), deployment('db', { claims: ['data'] })];
    expect(findings(RULE, ...objects, hpa('db', 1))).toEqual([]);
    expect(findings(RULE, ...objects, hpa('db', 5, 'StatefulSet'))).toEqual([]);
    expect(findings(RULE, ...objects, hpa('other', 5))).toEqual([]);
  });

  test('near miss: the seed\'s StatefulSet with 3 replicas and RWOP claim templates (one claim per replica)', () => {
    expect(findings(RULE, SEED_STATEFULSET)).toEqual([]);
  });

  test('near miss: the seed\'s one-replica Deployment, a Pod, a CronJob, replicas unset', () => {
    expect(findings(RULE, SEED_PVC, SEED_DEPLOYMENT)).toEqual([]);
    expect(findings(RULE, pvc('data'), pod('p', { claims: ['data'] }), cronJob('c', { claims: ['data'] }), deployment('d', { claims: ['data'] }))).toEqual([]);
  });

  // `kubectl get pods,pvc` of a two-replica Deployment: its ReplicaSet is not in the input, only its pods
  // (test/corpus/cases/kubectl-get-pvc-pods-two-replicas.json).
  test('a pod dump: two pods of one ReplicaSet that is not in the input, naming both pods', () => {
    const found = findings(RULE, pvc('data'), rsPod('notes-6b8d9c7f5-2xk9p', 'notes-6b8d9c7f5'), rsPod('notes-6b8d9c7f5-f7lzc', 'notes-6b8d9c7f5'));
    expect(found).toHaveLength(1);
    expect(names(found[0])).toEqual(['Pod default/notes-6b8d9c7f5-2xk9p', 'Pod default/notes-6b8d9c7f5-f7lzc', 'PersistentVolumeClaim default/data']);
    expect(found[0].message).toMatch(/2 pods of ReplicaSet default\/notes-6b8d9c7f5 \(not in the input\) mount ReadWriteOncePod PersistentVolumeClaim default\/data/);
  });

  test('near miss: pods of two ReplicaSets (rwop-claim-shared), a finished pod, another claim', () => {
    expect(findings(RULE, pvc('data'), rsPod('a-1', 'a'), rsPod('b-1', 'b'))).toEqual([]);
    const evicted = rsPod('a-2', 'a');
    evicted.status = { phase: 'Failed', reason: 'Evicted' };
    expect(findings(RULE, pvc('data'), rsPod('a-1', 'a'), evicted)).toEqual([]);
    expect(findings(RULE, pvc('data'), pvc('other'), rsPod('a-1', 'a'), rsPod('a-2', 'a', 'other'))).toEqual([]);
  });

  test('near miss: many replicas on a ReadWriteOnce claim', () => {
    expect(findings(RULE, pvc('data', ['ReadWriteOnce']), deployment('db', { claims: ['data'], replicas: 3 }))).toEqual([]);
  });
});

function rsPod(name: string, replicaSet: string, claim = 'data') {
  const child = pod(name, { claims: [claim], labels: { app: 'notes' } });
  child.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: replicaSet, controller: true }];
  return child;
}
