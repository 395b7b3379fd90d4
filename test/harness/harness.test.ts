import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expectValidManifests, loadManifestFiles, validateManifest, validateManifests } from '.';

// Valid objects, built fresh for each use so that a case can break its own copy.

const claim = (): any => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data', namespace: 'default', labels: { 'app.kubernetes.io/name': 'postgres' } },
  spec: { accessModes: ['ReadWriteOncePod'], storageClassName: 'rwop', resources: { requests: { storage: '10Gi' } } },
});

const volume = (): any => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name: 'pv-data' },
  spec: {
    accessModes: ['ReadWriteOncePod'],
    capacity: { storage: '10Gi' },
    persistentVolumeReclaimPolicy: 'Retain',
    csi: { driver: 'ebs.csi.aws.com', volumeHandle: 'vol-0123' },
  },
});

const podSpec = (): any => ({
  terminationGracePeriodSeconds: 60,
  containers: [{
    name: 'postgres',
    image: 'postgres:17.2',
    ports: [{ name: 'postgres', containerPort: 5432 }],
    resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } },
    volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
  }],
  volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
});

const deployment = (): any => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'postgres', namespace: 'default' },
  spec: {
    replicas: 1,
    strategy: { type: 'Recreate' },
    selector: {
      matchLabels: { 'app.kubernetes.io/name': 'postgres' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }, { key: 'canary', operator: 'DoesNotExist' }],
    },
    template: { metadata: { labels: { 'app.kubernetes.io/name': 'postgres', 'tier': 'db' } }, spec: podSpec() },
  },
});

const statefulSet = (): any => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: 'default' },
  spec: {
    serviceName: 'db',
    replicas: 3,
    selector: { matchLabels: { app: 'db' } },
    template: { metadata: { labels: { app: 'db' } }, spec: podSpec() },
    volumeClaimTemplates: [{
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '5Gi' } } },
    }],
  },
});

const cronJob = (): any => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'snapshot-data', namespace: 'default' },
  spec: {
    schedule: '0 3 * * *',
    concurrencyPolicy: 'Forbid',
    startingDeadlineSeconds: 300,
    jobTemplate: {
      metadata: { labels: { job: 'snapshot' } },
      spec: { template: { metadata: { labels: { job: 'snapshot' } }, spec: { ...podSpec(), restartPolicy: 'Never' } } },
    },
  },
});

const disruptionBudget = (): any => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'postgres', namespace: 'default' },
  spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: { 'app.kubernetes.io/name': 'postgres' } } },
});

const service = (): any => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'postgres', namespace: 'default' },
  spec: { selector: { 'app.kubernetes.io/name': 'postgres' }, ports: [{ name: 'postgres', port: 5432, targetPort: 'postgres' }] },
});

const storageClass = (): any => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'rwop' },
  provisioner: 'ebs.csi.aws.com',
  reclaimPolicy: 'Retain',
  volumeBindingMode: 'WaitForFirstConsumer',
  allowVolumeExpansion: true,
});

const clusterRole = (): any => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'system:rwop:snapshotter' },
  rules: [{ apiGroups: ['snapshot.storage.k8s.io'], resources: ['volumesnapshots'], verbs: ['create', 'list', 'delete'] }],
});

const horizontalAutoscaler = (): any => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 1,
    maxReplicas: 3,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
  },
});

const eventsEvent = (): any => ({
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: 'data.1', namespace: 'default' },
  eventTime: '2025-01-01T00:00:00.000000Z',
  reportingController: 'rwop',
  reportingInstance: 'rwop-1',
  action: 'Audit',
  reason: 'Exclusive',
  type: 'Normal',
  note: 'claim is held by one pod',
});

const volumeSnapshot = (): any => ({
  apiVersion: 'snapshot.storage.k8s.io/v1',
  kind: 'VolumeSnapshot',
  metadata: { name: 'data-20250101', namespace: 'default' },
  spec: { volumeSnapshotClassName: 'csi-snapshots', source: { persistentVolumeClaimName: 'data' } },
});

const volumeSnapshotClass = (): any => ({
  apiVersion: 'snapshot.storage.k8s.io/v1',
  kind: 'VolumeSnapshotClass',
  metadata: { name: 'csi-snapshots' },
  driver: 'ebs.csi.aws.com',
  deletionPolicy: 'Retain',
  parameters: { tagSpecification_1: 'owner=rwop' },
});

const volumeSnapshotContent = (): any => ({
  apiVersion: 'snapshot.storage.k8s.io/v1',
  kind: 'VolumeSnapshotContent',
  metadata: { name: 'imported-data' },
  spec: {
    deletionPolicy: 'Retain',
    driver: 'ebs.csi.aws.com',
    source: { snapshotHandle: 'snap-0123' },
    volumeSnapshotRef: { name: 'imported-data', namespace: 'default' },
  },
});

const prometheusRule = (): any => ({
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: { name: 'rwop', namespace: 'monitoring', labels: { release: 'prometheus' } },
  spec: {
    groups: [{
      name: 'rwop',
      rules: [{ alert: 'RwopPodUnschedulable', expr: 'kube_pod_status_unschedulable == 1', for: '10m', labels: { severity: 'critical' }, annotations: { summary: 's' } }],
    }],
  },
});

/** A CRD kind the harness has no schema for (snapscheduler's). */
const snapshotSchedule = (): any => ({
  apiVersion: 'snapscheduler.backube/v1',
  kind: 'SnapshotSchedule',
  metadata: { name: 'hourly', namespace: 'default' },
  spec: { schedule: '@hourly', retention: { maxCount: 24 }, claimSelector: { matchLabels: { snapshot: 'yes' } } },
});

/** A copy of a valid object with one thing broken. */
function broken(make: () => any, breakIt: (obj: any) => void): any {
  const obj = make();
  breakIt(obj);
  return obj;
}

/** Problems without the object name, for compact expectations. */
function problemsOf(obj: any): Array<{ path: string; message: string }> {
  return validateManifest(obj).map(({ path: at, message }) => ({ path: at, message }));
}

const LABEL_RULE = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const SUBDOMAIN_RULE = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_RULE = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

describe('valid objects', () => {
  const valid: Array<[string, () => any]> = [
    ['an RWOP PersistentVolumeClaim', claim],
    ['an RWOP PersistentVolume', volume],
    ['a Deployment whose selector matches its template', deployment],
    ['a StatefulSet with an RWOP claim template', statefulSet],
    ['a CronJob', cronJob],
    ['a PodDisruptionBudget', disruptionBudget],
    ['a Service', service],
    ['a StorageClass', storageClass],
    ['a ClusterRole with a colon in its name', clusterRole],
    ['an autoscaling/v2 HorizontalPodAutoscaler', horizontalAutoscaler],
    ['an events.k8s.io/v1 Event (EventsV1Event, not CoreV1Event)', eventsEvent],
    ['a VolumeSnapshot', volumeSnapshot],
    ['a VolumeSnapshot with an integer restoreSize (int-or-string) in its status', () => broken(volumeSnapshot, (o) => {
      o.metadata.name = 'data-20250102';
      o.status = { readyToUse: true, restoreSize: 10737418240, creationTime: '2025-01-02T03:00:00Z' };
    })],
    ['a VolumeSnapshotClass', volumeSnapshotClass],
    ['a VolumeSnapshotContent', volumeSnapshotContent],
    ['a PrometheusRule', prometheusRule],
    ['an unknown CRD kind', snapshotSchedule],
  ];

  test.each(valid)('%s has no problems', (_, make) => {
    expect(validateManifest(make())).toEqual([]);
  });

  test('all of them together pass expectValidManifests', () => {
    expect(() => expectValidManifests(valid.map(([, make]) => make()))).not.toThrow();
  });
});

describe('broken objects', () => {
  const cases: Array<[string, any, Array<{ path: string; message: string }>]> = [
    // Official schema (kubernetes-models)
    ['wrong type', broken(deployment, (o) => { o.spec.replicas = '1'; }),
      [{ path: '/spec/replicas', message: 'must be integer, got "1"' }]],
    ['bad enum', broken(claim, (o) => { o.spec.volumeMode = 'Files'; }),
      [{ path: '/spec/volumeMode', message: 'must be one of "Block", "Filesystem", got "Files"' }]],
    ['bad quantity (one problem, not the oneOf noise)', broken(claim, (o) => { o.spec.resources.requests.storage = '10 Gi'; }),
      [{ path: '/spec/resources/requests/storage', message: 'must be number or string in "quantity" format, got "10 Gi"' }]],
    ['bad int-or-string', broken(disruptionBudget, (o) => { o.spec.maxUnavailable = true; }),
      [{ path: '/spec/maxUnavailable', message: 'must be string or integer, got true' }]],
    ['missing required field', broken(deployment, (o) => { delete o.spec.template.spec.containers[0].name; }),
      [{ path: '/spec/template/spec/containers/0/name', message: 'missing required field "name"' }]],

    // Unknown fields (client-node field tables)
    ['unknown field (typo)', broken(claim, (o) => { o.spec.acessModes = o.spec.accessModes; delete o.spec.accessModes; }), [
      { path: '/spec/acessModes', message: 'unknown field "acessModes"' },
      { path: '/spec/accessModes', message: 'at least 1 access mode is required' },
    ]],
    ['unknown field deep in a pod template container', broken(deployment, (o) => { o.spec.template.spec.containers[0].ports[0].hostPortt = 80; }),
      [{ path: '/spec/template/spec/containers/0/ports/0/hostPortt', message: 'unknown field "hostPortt"' }]],
    ['unknown field under a map of models', broken(cronJob, (o) => { o.spec.jobTemplate.spec.template.spec.volumes[0].persistentVolumeClaim.readonly = true; }),
      [{ path: '/spec/jobTemplate/spec/template/spec/volumes/0/persistentVolumeClaim/readonly', message: 'unknown field "readonly"' }]],
    ['fields of an events.k8s.io/v1 Event on a core v1 Event', { ...eventsEvent(), apiVersion: 'v1', involvedObject: { kind: 'Pod', name: 'p' } }, [
      { path: '/reportingController', message: 'unknown field "reportingController"' },
      { path: '/note', message: 'unknown field "note"' },
    ]],

    // Snapshot CRDs: schema
    ['unknown field in a VolumeSnapshot spec', broken(volumeSnapshot, (o) => { o.spec.retainPolicy = 'Keep'; }),
      [{ path: '/spec/retainPolicy', message: 'unknown field "retainPolicy"' }]],
    ['unknown field in a VolumeSnapshot metadata', broken(volumeSnapshot, (o) => { o.metadata.label = { a: 'b' }; }),
      [{ path: '/metadata/label', message: 'unknown field "label"' }]],
    ['VolumeSnapshotClass with a bad deletionPolicy', broken(volumeSnapshotClass, (o) => { o.deletionPolicy = 'Keep'; }),
      [{ path: '/deletionPolicy', message: 'must be one of "Delete", "Retain", got "Keep"' }]],
    ['VolumeSnapshotClass without a driver', broken(volumeSnapshotClass, (o) => { delete o.driver; }),
      [{ path: '/driver', message: 'missing required field "driver"' }]],
    ['VolumeSnapshotClass with a spec (it has none)', broken(volumeSnapshotClass, (o) => { o.spec = { driver: 'x' }; }),
      [{ path: '/spec', message: 'unknown field "spec"' }]],
    ['VolumeSnapshot with a restoreSize that is neither integer nor string', broken(volumeSnapshot, (o) => { o.status = { restoreSize: true }; }),
      [{ path: '/status/restoreSize', message: 'must be integer or string, got true' }]],
    ['VolumeSnapshot with a creationTime that is not a date-time', broken(volumeSnapshot, (o) => { o.status = { creationTime: 'yesterday' }; }),
      [{ path: '/status/creationTime', message: 'must be a string in "date-time" format, got "yesterday"' }]],
    ['VolumeSnapshot with a label of the wrong type', broken(volumeSnapshot, (o) => { o.metadata.labels = { keep: true }; }),
      [{ path: '/metadata/labels/keep', message: 'must be string, got true' }]],

    // Snapshot CRDs: CEL rules
    ['VolumeSnapshot with both sources', broken(volumeSnapshot, (o) => { o.spec.source.volumeSnapshotContentName = 'content'; }),
      [{ path: '/spec/source', message: 'exactly one of volumeSnapshotContentName and persistentVolumeClaimName must be set' }]],
    ['VolumeSnapshot with neither source', broken(volumeSnapshot, (o) => { o.spec.source = {}; }),
      [{ path: '/spec/source', message: 'exactly one of volumeSnapshotContentName and persistentVolumeClaimName must be set' }]],
    ['VolumeSnapshot with an empty class name', broken(volumeSnapshot, (o) => { o.spec.volumeSnapshotClassName = ''; }),
      [{ path: '/spec/volumeSnapshotClassName', message: 'volumeSnapshotClassName must not be the empty string when set' }]],
    ['VolumeSnapshotContent with both handles', broken(volumeSnapshotContent, (o) => { o.spec.source.volumeHandle = 'vol-0123'; }),
      [{ path: '/spec/source', message: 'exactly one of volumeHandle and snapshotHandle must be set' }]],
    ['VolumeSnapshotContent bound to a snapshot without namespace', broken(volumeSnapshotContent, (o) => { delete o.spec.volumeSnapshotRef.namespace; }),
      [{ path: '/spec/volumeSnapshotRef', message: 'both spec.volumeSnapshotRef.name and spec.volumeSnapshotRef.namespace must be set' }]],

    // PrometheusRule CRD: schema
    ['PrometheusRule with a `for` that is not a Prometheus duration', broken(prometheusRule, (o) => { o.spec.groups[0].rules[0].for = '10 minutes'; }),
      [{ path: '/spec/groups/0/rules/0/for', message: expect.stringContaining('must match pattern') }]],
    ['PrometheusRule rule without expr', broken(prometheusRule, (o) => { delete o.spec.groups[0].rules[0].expr; }),
      [{ path: '/spec/groups/0/rules/0/expr', message: 'missing required field "expr"' }]],
    ['PrometheusRule with an unknown rule field', broken(prometheusRule, (o) => { o.spec.groups[0].rules[0].severity = 'critical'; }),
      [{ path: '/spec/groups/0/rules/0/severity', message: 'unknown field "severity"' }]],
    ['PrometheusRule with a numeric label value', broken(prometheusRule, (o) => { o.spec.groups[0].rules[0].labels.priority = 1; }),
      [{ path: '/spec/groups/0/rules/0/labels/priority', message: 'must be string, got 1' }]],

    // Access modes
    ['RWOP mixed with RWO on a claim', broken(claim, (o) => { o.spec.accessModes = ['ReadWriteOncePod', 'ReadWriteOnce']; }),
      [{ path: '/spec/accessModes', message: 'may not use ReadWriteOncePod with other access modes' }]],
    ['RWOP mixed with ROX on a volume', broken(volume, (o) => { o.spec.accessModes = ['ReadOnlyMany', 'ReadWriteOncePod']; }),
      [{ path: '/spec/accessModes', message: 'may not use ReadWriteOncePod with other access modes' }]],
    ['RWOP mixed with RWX in a StatefulSet claim template', broken(statefulSet, (o) => { o.spec.volumeClaimTemplates[0].spec.accessModes.push('ReadWriteMany'); }),
      [{ path: '/spec/volumeClaimTemplates/0/spec/accessModes', message: 'may not use ReadWriteOncePod with other access modes' }]],
    ['an access mode that does not exist (official schema)', broken(claim, (o) => { o.spec.accessModes = ['ReadWriteOnePod']; }), [{
      path: '/spec/accessModes/0',
      message: 'must be one of "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod", got "ReadWriteOnePod"',
    }]],
    ['a claim without access modes', broken(claim, (o) => { o.spec.accessModes = []; }),
      [{ path: '/spec/accessModes', message: 'at least 1 access mode is required' }]],
    ['a claim without a storage request', broken(claim, (o) => { delete o.spec.resources; }),
      [{ path: '/spec/resources/requests/storage', message: 'missing required field "storage"' }]],
    ['a claim template without a storage request', broken(statefulSet, (o) => { o.spec.volumeClaimTemplates[0].spec.resources.requests = {}; }),
      [{ path: '/spec/volumeClaimTemplates/0/spec/resources/requests/storage', message: 'missing required field "storage"' }]],
    ['a volume without capacity', broken(volume, (o) => { delete o.spec.capacity; }),
      [{ path: '/spec/capacity/storage', message: 'missing required field "storage"' }]],

    // Names
    ['an uppercase name', broken(claim, (o) => { o.metadata.name = 'Data'; }),
      [{ path: '/metadata/name', message: `invalid name "Data": ${SUBDOMAIN_RULE}` }]],
    ['a name with an underscore', broken(deployment, (o) => { o.metadata.name = 'my_db'; }),
      [{ path: '/metadata/name', message: `invalid name "my_db": ${SUBDOMAIN_RULE}` }]],
    ['a name longer than 253 characters', broken(claim, (o) => { o.metadata.name = 'a'.repeat(254); }),
      [{ path: '/metadata/name', message: `invalid name "${'a'.repeat(254)}": must be no more than 253 characters` }]],
    ['a Service name longer than 63 characters', broken(service, (o) => { o.metadata.name = 's'.repeat(64); }),
      [{ path: '/metadata/name', message: `invalid name "${'s'.repeat(64)}": must be no more than 63 characters` }]],
    ['a Service name starting with a digit', broken(service, (o) => { o.metadata.name = '1db'; }), [{
      path: '/metadata/name',
      message: "invalid name \"1db\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
    }]],
    ['a namespace with a dot', broken(claim, (o) => { o.metadata.namespace = 'team.a'; }),
      [{ path: '/metadata/namespace', message: `invalid namespace "team.a": ${LABEL_RULE}` }]],
    ['no name', broken(storageClass, (o) => { delete o.metadata.name; }),
      [{ path: '/metadata/name', message: 'missing required field "name"' }]],
    ['an uppercase container name', broken(deployment, (o) => { o.spec.template.spec.containers[0].name = 'Postgres'; }),
      [{ path: '/spec/template/spec/containers/0/name', message: `invalid container name "Postgres": ${LABEL_RULE}` }]],
    ['an init container name with a dot', broken(statefulSet, (o) => { o.spec.template.spec.initContainers = [{ name: 'init.db', image: 'busybox:1.37' }]; }),
      [{ path: '/spec/template/spec/initContainers/0/name', message: `invalid container name "init.db": ${LABEL_RULE}` }]],
    ['a volume name longer than 63 characters', broken(cronJob, (o) => { o.spec.jobTemplate.spec.template.spec.volumes[0].name = 'v'.repeat(64); }),
      [{ path: '/spec/jobTemplate/spec/template/spec/volumes/0/name', message: `invalid volume name "${'v'.repeat(64)}": must be no more than 63 characters` }]],
    ['a port name longer than 15 characters', broken(deployment, (o) => { o.spec.template.spec.containers[0].ports[0].name = 'postgres-primary'; }),
      [{ path: '/spec/template/spec/containers/0/ports/0/name', message: 'invalid port name "postgres-primary": must be no more than 15 characters' }]],
    ['a bare Pod with a numeric port name', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x:1', ports: [{ name: '5432', containerPort: 5432 }] }] },
    }, [{ path: '/spec/containers/0/ports/0/name', message: 'invalid port name "5432": must contain at least one letter (a-z)' }]],

    // Labels and annotations
    ['a bad label value', broken(claim, (o) => { o.metadata.labels['app.kubernetes.io/name'] = 'my postgres'; }),
      [{ path: '/metadata/labels/app.kubernetes.io~1name', message: `invalid label value "my postgres": ${LABEL_VALUE_RULE}` }]],
    ['a label value longer than 63 characters in a pod template', broken(deployment, (o) => { o.spec.template.metadata.labels.build = 'b'.repeat(64); }),
      [{ path: '/spec/template/metadata/labels/build', message: `invalid label value "${'b'.repeat(64)}": must be no more than 63 characters` }]],
    ['a bad label key in a selector', broken(disruptionBudget, (o) => { o.spec.selector.matchLabels = { 'Example.com/app': 'postgres' }; }),
      [{ path: '/spec/selector/matchLabels/Example.com~1app', message: `invalid label key "Example.com/app": prefix part ${SUBDOMAIN_RULE}` }]],
    ['a bad label in a CronJob job template', broken(cronJob, (o) => { o.spec.jobTemplate.metadata.labels = { job: '-snapshot' }; }),
      [{ path: '/spec/jobTemplate/metadata/labels/job', message: `invalid label value "-snapshot": ${LABEL_VALUE_RULE}` }]],
    ['a bad annotation key', broken(service, (o) => { o.metadata.annotations = { 'rwop.dev/reason why': 'x' }; }), [{
      path: '/metadata/annotations/rwop.dev~1reason why',
      message: "invalid annotation key \"rwop.dev/reason why\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
    }]],

    // Other cross-field rules
    ['a PodDisruptionBudget with minAvailable and maxUnavailable', broken(disruptionBudget, (o) => { o.spec.minAvailable = 1; }),
      [{ path: '/spec', message: 'minAvailable and maxUnavailable cannot be both set' }]],
    ['a selector that does not match the template (matchLabels)', broken(deployment, (o) => { o.spec.template.metadata.labels['app.kubernetes.io/name'] = 'pg'; }),
      [{ path: '/spec/template/metadata/labels', message: '`selector` does not match template `labels`' }]],
    ['a selector that does not match the template (matchExpressions)', broken(deployment, (o) => { o.spec.template.metadata.labels.canary = 'true'; }),
      [{ path: '/spec/template/metadata/labels', message: '`selector` does not match template `labels`' }]],
    ['an empty selector', broken(statefulSet, (o) => { o.spec.selector = {}; }),
      [{ path: '/spec/selector', message: 'empty selector is invalid for StatefulSet' }]],
    ['a selector expression without values', broken(deployment, (o) => { o.spec.selector.matchExpressions[0].values = []; }), [
      { path: '/spec/selector/matchExpressions/0/values', message: "must be specified when `operator` is 'In' or 'NotIn'" },
      { path: '/spec/template/metadata/labels', message: '`selector` does not match template `labels`' },
    ]],
    ['a selector expression with an unknown operator', broken(deployment, (o) => { o.spec.selector.matchExpressions[1].operator = 'Absent'; }), [
      { path: '/spec/selector/matchExpressions/1/operator', message: 'unsupported operator "Absent": must be one of In, NotIn, Exists, DoesNotExist' },
      { path: '/spec/template/metadata/labels', message: '`selector` does not match template `labels`' },
    ]],
    ['a namespace on a StorageClass', broken(storageClass, (o) => { o.metadata.namespace = 'default'; }),
      [{ path: '/metadata/namespace', message: 'StorageClass is cluster-scoped and must not have a namespace' }]],
    ['a namespace on a VolumeSnapshotClass', broken(volumeSnapshotClass, (o) => { o.metadata.namespace = 'default'; }),
      [{ path: '/metadata/namespace', message: 'VolumeSnapshotClass is cluster-scoped and must not have a namespace' }]],

    // API versions and kinds
    ['a removed API version (policy/v1beta1)', broken(disruptionBudget, (o) => { o.apiVersion = 'policy/v1beta1'; }),
      [{ path: '/apiVersion', message: 'no such kind in Kubernetes 1.33: policy/v1beta1 PodDisruptionBudget (served as policy/v1)' }]],
    ['a removed API version (batch/v1beta1)', broken(cronJob, (o) => { o.apiVersion = 'batch/v1beta1'; }),
      [{ path: '/apiVersion', message: 'no such kind in Kubernetes 1.33: batch/v1beta1 CronJob (served as batch/v1)' }]],
    ['a removed API group (extensions)', { apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'web' }, spec: {} },
      [{ path: '/kind', message: 'no such kind in Kubernetes 1.33: extensions/v1beta1 Ingress' }]],
    ['a kind added after 1.33 (resource.k8s.io/v1)', { apiVersion: 'resource.k8s.io/v1', kind: 'DeviceClass', metadata: { name: 'gpu' }, spec: {} },
      [{ path: '/kind', message: 'no such kind in Kubernetes 1.33: resource.k8s.io/v1 DeviceClass' }]],
    ['a misspelled built-in kind', broken(claim, (o) => { o.kind = 'PersistentVolumeClain'; }),
      [{ path: '/kind', message: 'no such kind in Kubernetes 1.33: v1 PersistentVolumeClain' }]],
    ['a VolumeSnapshot version that is no longer served', broken(volumeSnapshot, (o) => { o.apiVersion = 'snapshot.storage.k8s.io/v1beta1'; }), [{
      path: '/apiVersion',
      message: 'no such kind in the snapshot.storage.k8s.io CRDs: snapshot.storage.k8s.io/v1beta1 VolumeSnapshot (served as snapshot.storage.k8s.io/v1)',
    }]],
    ['a missing kind', broken(claim, (o) => { delete o.kind; }),
      [{ path: '/kind', message: 'missing required field "kind"' }]],
    ['not an object', ['a list'],
      [{ path: '', message: 'must be an object' }]],

    // Unknown CRD kinds: metadata only
    ['an unknown CRD kind with a bad name (its spec is not checked)', broken(snapshotSchedule, (o) => { o.metadata.name = 'Hourly'; o.spec.anything = 1; }),
      [{ path: '/metadata/name', message: `invalid name "Hourly": ${SUBDOMAIN_RULE}` }]],
  ];

  test.each(cases)('%s', (_, obj, expected) => {
    expect(problemsOf(obj)).toEqual(expected);
  });
});

describe('problem reports', () => {
  test('name the object by kind, namespace and name', () => {
    const problems = validateManifest(broken(claim, (o) => { o.spec.volumeMode = 'Files'; }));
    expect(problems).toEqual([{ object: 'PersistentVolumeClaim default/data', path: '/spec/volumeMode', message: 'must be one of "Block", "Filesystem", got "Files"' }]);
  });

  test('collect every problem of an object instead of stopping at the first', () => {
    const obj = broken(claim, (o) => {
      o.metadata.name = 'Data';
      o.spec.accessModes = ['ReadWriteOncePod', 'ReadWriteOnce'];
      o.spec.volumeMode = 'Files';
      o.spec.storageClass = 'rwop';
    });
    expect(problemsOf(obj).map((p) => p.path)).toEqual(['/spec/volumeMode', '/spec/storageClass', '/metadata/name', '/spec/accessModes']);
  });

  test('duplicate objects are reported once per repeat', () => {
    const problems = validateManifests([claim(), deployment(), claim(), broken(claim, (o) => { o.metadata.namespace = 'other'; })]);
    expect(problems).toEqual([{
      object: 'PersistentVolumeClaim default/data',
      path: '',
      message: 'duplicate of object #0: same kind, namespace and name (object #2)',
    }]);
  });

  test('expectValidManifests lists every problem on its own line', () => {
    const objs = [broken(deployment, (o) => { o.spec.replicas = '1'; }), broken(disruptionBudget, (o) => { o.spec.minAvailable = 1; })];
    expect(() => expectValidManifests(objs)).toThrow([
      '2 manifest problem(s):',
      'Deployment default/postgres /spec/replicas: must be integer, got "1"',
      'PodDisruptionBudget default/postgres /spec: minAvailable and maxUnavailable cannot be both set',
    ].join('\n'));
  });
});

describe('loadManifestFiles', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('reads every document of every file and skips empty ones', () => {
    fs.writeFileSync(path.join(dir, 'a.yaml'), '---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n---\n# only a comment\n');
    fs.writeFileSync(path.join(dir, 'b.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n');
    const objs = loadManifestFiles([path.join(dir, 'a.yaml'), path.join(dir, 'b.yaml')]);
    expect(objs.map((o) => o.metadata.name)).toEqual(['a', 'b']);
  });

  test('reads YAML 1.1, as kubectl does, so an unquoted yes is a boolean', () => {
    fs.writeFileSync(path.join(dir, 'c.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  enabled: yes\n');
    const objs = loadManifestFiles([path.join(dir, 'c.yaml')]);
    expect(problemsOf(objs[0])).toEqual([{ path: '/data/enabled', message: 'must be string, got true' }]);
  });

  test('fails on invalid YAML, naming the file', () => {
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, 'metadata: [unclosed\n');
    expect(() => loadManifestFiles([file])).toThrow(file);
  });
});
