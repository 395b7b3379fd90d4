// analyzeStatus on small hand-made objects: the cases the fixture dumps do not show one by one.
import { analyzeStatus, formatDuration, newestTimestamp } from '../../src/cli/status';
import { parseDuration } from '../../src/cli/status-command';
import type { KubeObject, Manifest } from '../../src/rules';

const NOW = new Date('2025-03-10T12:00:00Z');

function input(...objects: KubeObject[]): Manifest[] {
  return objects.map((object) => ({ object }));
}

function claim(name: string, modes = ['ReadWriteOncePod'], extra: KubeObject = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'app' },
    spec: { accessModes: modes, resources: { requests: { storage: '1Gi' } }, storageClassName: 'csi', volumeName: `pv-${name}`, ...extra },
    status: { phase: 'Bound', capacity: { storage: '1Gi' } },
  };
}

function volume(name: string, spec: KubeObject = { csi: { driver: 'ebs.csi.aws.com', volumeHandle: 'vol-1' } }): KubeObject {
  return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name }, spec: { accessModes: ['ReadWriteOncePod'], capacity: { storage: '1Gi' }, ...spec } };
}

interface PodOptions {
  readonly claims?: readonly string[];
  readonly node?: string;
  readonly phase?: string;
  readonly uid?: string;
  readonly owner?: { kind: string; name: string };
  readonly labels?: Record<string, string>;
  readonly volumes?: KubeObject[];
  readonly conditions?: KubeObject[];
}

function pod(name: string, options: PodOptions = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'app',
      uid: options.uid ?? `uid-${name}`,
      labels: options.labels ?? {},
      ...(options.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: options.owner.kind, name: options.owner.name, uid: 'x', controller: true }] } : {}),
    },
    spec: {
      containers: [{ name: 'app', image: 'registry.example/app:1.0.0' }],
      ...(options.node ? { nodeName: options.node } : {}),
      volumes: options.volumes ?? (options.claims ?? []).map((claimName, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName } })),
    },
    status: { phase: options.phase ?? (options.node ? 'Running' : 'Pending'), ...(options.conditions ? { conditions: options.conditions } : {}) },
  };
}

function coreEvent(podName: string, reason: string, message: string, extra: KubeObject = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${podName}.1`, namespace: 'app' },
    involvedObject: { kind: 'Pod', name: podName, namespace: 'app', uid: `uid-${podName}` },
    reason,
    message,
    type: 'Warning',
    count: 3,
    lastTimestamp: '2025-03-10T11:59:00Z',
    source: { component: 'kubelet' },
    ...extra,
  };
}

const csiClass = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'csi' }, provisioner: 'ebs.csi.aws.com' };

function only(objects: KubeObject[], name = 'data') {
  const report = analyzeStatus(input(...objects), { now: NOW });
  const found = report.claims.find((entry) => entry.name === name);
  if (!found) throw new Error(`no claim ${name}`);
  return { report, claim: found };
}

describe('who holds and who waits', () => {
  test('a pending pod with neither event nor condition still waits when another pod holds the RWOP claim ("held")', () => {
    const { report, claim: data } = only([csiClass, claim('data'), volume('pv-data'), pod('holder', { claims: ['data'], node: 'n1' }), pod('late', { claims: ['data'] })]);
    expect(data.waiting).toEqual([expect.objectContaining({ name: 'late', cause: 'held', message: null, evidence: null, waitsFor: ['holder'] })]);
    expect(data.problems.map((problem) => problem.kind)).toEqual(['waiting-on-held-claim']);
    expect(report.healthy).toBe(false);
  });

  test('a pod pending for another reason with no holder is "other", shown but not a problem', () => {
    const { report, claim: data } = only([csiClass, claim('data'), pod('first', {
      claims: ['data'],
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' }],
    })]);
    expect(data.waiting).toEqual([expect.objectContaining({ name: 'first', cause: 'other', evidence: 'PodScheduled condition', message: '0/3 nodes are available: 3 Insufficient cpu.' })]);
    expect(report.healthy).toBe(true);
  });

  test('a pod on a node that is pending for an unrelated reason (image pull) holds the claim', () => {
    const { claim: data } = only([csiClass, claim('data'), pod('pulling', { claims: ['data'], node: 'n1', phase: 'Pending' }),
      coreEvent('pulling', 'Failed', 'Failed to pull image "registry.example/app:1.0.1": not found')]);
    expect(data.holders.map((holder) => holder.name)).toEqual(['pulling']);
    expect(data.waiting).toEqual([]);
  });

  test('terminal pods neither hold nor wait; a running pod\'s old FailedScheduling event is history', () => {
    const { claim: data } = only([csiClass, claim('data'),
      pod('done', { claims: ['data'], node: 'n1', phase: 'Succeeded' }),
      pod('now-running', { claims: ['data'], node: 'n2' }),
      coreEvent('now-running', 'FailedScheduling', '0/3 nodes are available: 3 node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod.')]);
    expect(data.holders.map((holder) => holder.name)).toEqual(['now-running']);
    expect(data.waiting).toEqual([]);
  });

  test('an events.k8s.io/v1 event (regarding, note, deprecatedCount) is read like a core one', () => {
    const { claim: data } = only([csiClass, claim('data'), pod('holder', { claims: ['data'], node: 'n1' }), pod('second', { claims: ['data'] }), {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'second.1', namespace: 'app' },
      regarding: { kind: 'Pod', name: 'second', namespace: 'app', uid: 'uid-second' },
      reason: 'FailedScheduling',
      type: 'Warning',
      reportingController: 'default-scheduler',
      eventTime: '2025-03-10T11:50:00.000000Z',
      note: '0/1 nodes are available: 1 node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod.',
      series: { count: 7, lastObservedTime: '2025-03-10T11:58:00.000000Z' },
    }]);
    expect(data.waiting).toEqual([expect.objectContaining({ cause: 'rwop-scheduler', evidence: 'FailedScheduling event (default-scheduler)', count: 7, lastSeen: '2025-03-10T11:58:00.000000Z' })]);
  });

  test('an event about an earlier pod of the same name (another uid) is not about this one', () => {
    const { claim: data } = only([csiClass, claim('data'), pod('holder', { claims: ['data'], node: 'n1' }), pod('web-0', { claims: ['data'], uid: 'new' }),
      coreEvent('web-0', 'FailedScheduling', 'node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod')]);
    // The event names uid-web-0, the pod is uid "new": only the inference remains.
    expect(data.waiting[0]).toMatchObject({ name: 'web-0', cause: 'held', evidence: null });
  });

  test('the kubelet refusal names the PV: a pod with two claims waits for that one and holds the other', () => {
    const { report } = only([csiClass, claim('a'), claim('b'), volume('pv-a'), volume('pv-b'),
      pod('holder-a', { claims: ['a'], node: 'n1' }),
      pod('both', { claims: ['a', 'b'], node: 'n1', phase: 'Pending' }),
      coreEvent('both', 'FailedMount', 'MountVolume.SetUp failed for volume "pv-a" : volume uses the ReadWriteOncePod access mode and is already in use by another pod')], 'a');
    const a = report.claims.find((entry) => entry.name === 'a')!;
    const b = report.claims.find((entry) => entry.name === 'b')!;
    expect(a.waiting).toEqual([expect.objectContaining({ name: 'both', cause: 'rwop-kubelet', waitsFor: ['holder-a'] })]);
    expect(a.holders.map((holder) => holder.name)).toEqual(['holder-a']);
    expect(b.holders.map((holder) => holder.name)).toEqual(['both']);
    expect(b.waiting).toEqual([]);
  });

  test('a Multi-Attach error on an RWOP claim (a pod that bypassed the scheduler onto another node) is reported without the migration advice', () => {
    const { claim: data } = only([csiClass, claim('data'), volume('pv-data'), pod('holder', { claims: ['data'], node: 'n1' }), pod('pinned', { claims: ['data'], node: 'n2', phase: 'Pending' }),
      coreEvent('pinned', 'FailedAttachVolume', 'Multi-Attach error for volume "pv-data" Volume is already used by pod(s) holder', { source: { component: 'attachdetach-controller' } })]);
    expect(data.waiting[0]).toMatchObject({ cause: 'multi-attach', evidence: 'FailedAttachVolume event (attachdetach-controller)' });
    expect(data.problems.map((problem) => problem.kind)).toEqual(['multi-attach']);
    expect(data.problems[0].actions.join('\n')).not.toContain('rwop migrate');
  });

  test('a generic ephemeral volume is the claim <pod>-<volume>', () => {
    const { claim: data } = only([csiClass, claim('worker-0-scratch'),
      pod('worker-0', { node: 'n1', volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOncePod'] } } } }] })], 'worker-0-scratch');
    expect(data.holders.map((holder) => holder.name)).toEqual(['worker-0']);
  });

  test('two running pods of one ReplicaSet: scale it to one', () => {
    const owner = { kind: 'ReplicaSet', name: 'cache-5d4f8' };
    const { claim: data } = only([csiClass, claim('data'), pod('cache-5d4f8-a', { claims: ['data'], node: 'n1', owner, labels: { 'pod-template-hash': '5d4f8' } }),
      pod('cache-5d4f8-b', { claims: ['data'], owner, labels: { 'pod-template-hash': '5d4f8' } })]);
    expect(data.waiting[0]).toMatchObject({ workload: 'Deployment/cache', controller: 'ReplicaSet/cache-5d4f8' });
    expect(data.problems[0].actions).toEqual(['Deployment/cache runs more than one pod with this claim, and only one can have it: kubectl scale deployment cache -n app --replicas=1']);
  });

  test('workloads come from the ReplicaSet or Job in the input when there is one', () => {
    const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'odd-name', namespace: 'app', ownerReferences: [{ kind: 'Deployment', name: 'api', controller: true }] } };
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'dump-1', namespace: 'app', ownerReferences: [{ kind: 'CronJob', name: 'dump', controller: true }] } };
    const { claim: data } = only([csiClass, claim('data'), rs, job,
      pod('api-x', { claims: ['data'], node: 'n1', owner: { kind: 'ReplicaSet', name: 'odd-name' } }),
      pod('dump-1-y', { claims: ['data'], owner: { kind: 'Job', name: 'dump-1' } })]);
    expect(data.holders[0].workload).toBe('Deployment/api');
    expect(data.waiting[0].workload).toBe('CronJob/dump');
    expect(data.problems[0].actions[0]).toMatch(/^CronJob\/dump mounts a claim that Deployment\/api holds, so it never starts/);
  });
});

describe('storage', () => {
  test('the bound PV decides CSI over its class: a CSI PV is CSI whatever the class says; a hostPath PV is not', () => {
    const inTree = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'gp2' }, provisioner: 'kubernetes.io/aws-ebs' };
    const { report } = only([inTree, claim('data', undefined, { storageClassName: 'gp2' }), volume('pv-data'),
      claim('host', undefined, { storageClassName: '' }), volume('pv-host', { hostPath: { path: '/srv' } })]);
    expect(report.claims.map((entry) => [entry.name, entry.storageClass, entry.provisioner, entry.csi])).toEqual([
      ['data', 'gp2', 'ebs.csi.aws.com', true],
      ['host', '', 'hostPath volume', false],
    ]);
  });

  test('without a PV, the claim\'s class or the default class decides; an unknown class leaves it unknown', () => {
    const defaultClass = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'std', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'pd.csi.storage.gke.io' };
    const pending = (name: string, extra: KubeObject): KubeObject => ({ ...claim(name, undefined, extra), status: { phase: 'Pending' } });
    const noClass = pending('no-class', { volumeName: undefined, storageClassName: undefined });
    delete noClass.spec.storageClassName;
    const { report } = only([defaultClass, noClass, pending('unknown', { volumeName: undefined, storageClassName: 'nowhere' })], 'no-class');
    expect(report.claims.map((entry) => [entry.name, entry.storageClass, entry.provisioner, entry.csi, entry.volume])).toEqual([
      ['no-class', 'std', 'pd.csi.storage.gke.io', true, null],
      ['unknown', 'nowhere', null, null, null],
    ]);
  });

  test('a ReadWriteOnce claim without a Multi-Attach error is not listed', () => {
    const report = analyzeStatus(input(csiClass, claim('rwo', ['ReadWriteOnce']), pod('a', { claims: ['rwo'], node: 'n1' })), { now: NOW });
    expect(report.claims).toEqual([]);
    expect(report.summary.rwopClaims).toBe(0);
  });
});

describe('time', () => {
  test('newestTimestamp: observed moments only, never a deletionTimestamp (a deadline in the future)', () => {
    const dump = input(
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', creationTimestamp: '2025-03-10T10:00:00Z', deletionTimestamp: '2025-03-10T13:00:00Z' } },
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', lastHeartbeatTime: '2025-03-10T11:00:05Z' }] } },
    );
    expect(newestTimestamp(dump)?.toISOString()).toBe('2025-03-10T11:00:05.000Z');
    expect(newestTimestamp(input({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } }))).toBeUndefined();
  });

  test.each([[0, '0s'], [59, '59s'], [60, '1m'], [742, '12m22s'], [3600, '1h'], [3661, '1h1m'], [90061, '1d1h'], [172800, '2d']])('formatDuration(%d) = %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  test.each([['90s', 90], ['10m', 600], ['1h30m', 5400], ['2d', 172800], ['1d2h3m4s', 93784]])('parseDuration(%s) = %d', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  test.each(['', '5', '1.5h', '-1m', 'm'])('parseDuration(%j) is a usage error', (text) => {
    expect(() => parseDuration(text)).toThrow(/--stuck-after must be a duration/);
  });
});
