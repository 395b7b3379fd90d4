import { SEED_ALL } from './seed';
import { findings, names } from './support';
import { removedApiVersions } from '../../src/rules/removed-api-version';

const RULE = 'removed-api-version';

const object = (apiVersion: string, kind: string) => ({ apiVersion, kind, metadata: { name: 'x' }, spec: {} });

describe(RULE, () => {
  test.each([
    ['policy/v1beta1', 'PodDisruptionBudget', 'policy/v1', 'Kubernetes 1.25'],
    ['batch/v1beta1', 'CronJob', 'batch/v1', 'Kubernetes 1.25'],
    ['extensions/v1beta1', 'Deployment', 'apps/v1', 'Kubernetes 1.16'],
    ['extensions/v1beta1', 'DaemonSet', 'apps/v1', 'Kubernetes 1.16'],
    ['apps/v1beta1', 'StatefulSet', 'apps/v1', 'Kubernetes 1.16'],
    ['apps/v1beta2', 'ReplicaSet', 'apps/v1', 'Kubernetes 1.16'],
    ['autoscaling/v2beta1', 'HorizontalPodAutoscaler', 'autoscaling/v2', 'Kubernetes 1.25'],
    ['autoscaling/v2beta2', 'HorizontalPodAutoscaler', 'autoscaling/v2', 'Kubernetes 1.26'],
    ['storage.k8s.io/v1beta1', 'CSIStorageCapacity', 'storage.k8s.io/v1', 'Kubernetes 1.27'],
    ['snapshot.storage.k8s.io/v1beta1', 'VolumeSnapshot', 'snapshot.storage.k8s.io/v1', 'external-snapshotter 6.0'],
    ['snapshot.storage.k8s.io/v1beta1', 'VolumeSnapshotClass', 'snapshot.storage.k8s.io/v1', 'external-snapshotter 6.0'],
    ['scheduling.k8s.io/v1beta1', 'PriorityClass', 'scheduling.k8s.io/v1', 'Kubernetes 1.22'],
    ['flowcontrol.apiserver.k8s.io/v1beta1', 'FlowSchema', 'flowcontrol.apiserver.k8s.io/v1', 'Kubernetes 1.26'],
    ['flowcontrol.apiserver.k8s.io/v1beta2', 'PriorityLevelConfiguration', 'flowcontrol.apiserver.k8s.io/v1', 'Kubernetes 1.29'],
    ['flowcontrol.apiserver.k8s.io/v1beta3', 'FlowSchema', 'flowcontrol.apiserver.k8s.io/v1', 'Kubernetes 1.32'],
    ['networking.k8s.io/v1beta1', 'Ingress', 'networking.k8s.io/v1', 'Kubernetes 1.22'],
    ['networking.k8s.io/v1beta1', 'IngressClass', 'networking.k8s.io/v1', 'Kubernetes 1.22'],
    ['extensions/v1beta1', 'Ingress', 'networking.k8s.io/v1', 'Kubernetes 1.22'],
    ['rbac.authorization.k8s.io/v1beta1', 'ClusterRoleBinding', 'rbac.authorization.k8s.io/v1', 'Kubernetes 1.22'],
    ['rbac.authorization.k8s.io/v1beta1', 'Role', 'rbac.authorization.k8s.io/v1', 'Kubernetes 1.22'],
    ['apiextensions.k8s.io/v1beta1', 'CustomResourceDefinition', 'apiextensions.k8s.io/v1', 'Kubernetes 1.22'],
    ['policy/v1beta1', 'PodSecurityPolicy', 'Pod Security Admission', 'Kubernetes 1.25'],
    ['discovery.k8s.io/v1beta1', 'EndpointSlice', 'discovery.k8s.io/v1', 'Kubernetes 1.25'],
    ['node.k8s.io/v1beta1', 'RuntimeClass', 'node.k8s.io/v1', 'Kubernetes 1.25'],
  ])('%s %s → %s (%s)', (apiVersion, kind, use, removedIn) => {
    const found = findings(RULE, object(apiVersion, kind));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('error');
    expect(found[0].message).toContain(`uses ${apiVersion}, which is no longer served since ${removedIn}`);
    expect(found[0].message).toContain(`use ${use}`);
  });

  test('every row of the table is found, once per removed group/version/kind', () => {
    const rows = removedApiVersions();
    expect(rows.length).toBeGreaterThanOrEqual(50);
    expect(new Set(rows.map(([apiVersion, kind]) => `${apiVersion} ${kind}`)).size).toBe(rows.length);
    for (const [apiVersion, kind, removedIn, use] of rows) {
      const found = findings(RULE, object(apiVersion, kind));
      expect(found.map((each) => each.message)).toEqual([expect.stringContaining(`uses ${apiVersion}, which is no longer served since ${removedIn}`)]);
      expect(found[0].message).toContain(`use ${use}`);
    }
  });

  test('names a cluster-scoped object without a namespace', () => {
    expect(names(findings(RULE, object('snapshot.storage.k8s.io/v1beta1', 'VolumeSnapshotClass'))[0])).toEqual(['VolumeSnapshotClass x']);
  });

  test('near miss: current versions (the whole seed), and a kind that group never had', () => {
    expect(findings(RULE, ...SEED_ALL, object('policy/v1', 'PodDisruptionBudget'), object('autoscaling/v2', 'HorizontalPodAutoscaler'))).toEqual([]);
    expect(findings(RULE, object('batch/v1beta1', 'Job'), object('example.com/v1beta1', 'CronJob'))).toEqual([]);
    // The guide lists no StatefulSet in extensions/v1beta1 and no DaemonSet in apps/v1beta1: those never existed.
    expect(findings(RULE, object('extensions/v1beta1', 'StatefulSet'), object('apps/v1beta1', 'DaemonSet'))).toEqual([]);
    expect(findings(RULE, object('scheduling.k8s.io/v1', 'PriorityClass'), object('flowcontrol.apiserver.k8s.io/v1', 'FlowSchema'))).toEqual([]);
  });
});
