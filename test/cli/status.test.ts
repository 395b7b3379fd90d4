// `rwop status` over realistic `kubectl get pods,pvc,pv,storageclasses,nodes,events -A -o json` dumps, one per situation.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import type { ClaimStatus, StatusReport } from '../../src/cli/status';
import { expectValidManifests } from '../harness';
import { rwop } from './support';

const FIXTURES = path.join(__dirname, 'fixtures', 'status');
const SITUATIONS = ['healthy', 'held-rollout', 'held-second-pod', 'kubelet-mount', 'multi-attach-rwo', 'stuck-terminating', 'node-not-ready', 'not-csi'];

const N1 = 'ip-10-0-1-23.eu-west-1.compute.internal';
const N2 = 'ip-10-0-1-88.eu-west-1.compute.internal';
const N3 = 'ip-10-0-2-41.eu-west-1.compute.internal';
const PG_VOLUME = 'pvc-d8c2d33c-c365-4a87-ac2d-9f03565cc597';
const PROM_VOLUME = 'pvc-d02ff911-8c4a-4226-a63b-d7a2cc7f123f';
const REDIS_VOLUME = 'pvc-c45ff314-98df-4014-a15f-f17e51e71634';
const NEW_WORDING = '0/3 nodes are available: 3 node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod. '
  + 'preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
const OLD_WORDING = '0/3 nodes are available: 3 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode. '
  + 'preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';

type JsonStatus = StatusReport & { schemaVersion: number; nowSource: string; exitCode: number };

async function statusJson(...args: string[]): Promise<{ code: number; report: JsonStatus; stderr: string }> {
  const { code, stdout, stderr } = await rwop(['status', '--format', 'json', ...args], { cwd: FIXTURES });
  return { code, report: JSON.parse(stdout) as JsonStatus, stderr };
}

function claimOf(report: StatusReport, key: string): ClaimStatus {
  const found = report.claims.find((claim) => `${claim.namespace}/${claim.name}` === key);
  if (!found) throw new Error(`no claim ${key} in the report: ${report.claims.map((claim) => `${claim.namespace}/${claim.name}`).join(', ')}`);
  return found;
}

describe('fixtures', () => {
  test.each(SITUATIONS)('%s.json is one List of valid Kubernetes objects, as kubectl prints it', (name) => {
    const text = fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8');
    const list = JSON.parse(text);
    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' } });
    // kubectl -o json: four-space indentation, keys in sorted order.
    expect(text.split('\n')[1]).toBe('    "apiVersion": "v1",');
    expect(new Set(list.items.map((item: any) => item.kind))).toEqual(new Set(['Node', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'Pod', 'Event']));
    expect(list.items.every((item: any) => Array.isArray(item.metadata.managedFields))).toBe(true);
    expectValidManifests(list.items);
  });
});

describe('rwop status, per situation (json)', () => {
  test('healthy: each RWOP claim held by its one pod, the RWO claim not listed, exit 0', async () => {
    const { code, report, stderr } = await statusJson('healthy.json');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(report).toMatchObject({ schemaVersion: 1, exitCode: 0, nowSource: 'input', now: '2025-03-10T09:42:17.000Z', namespace: null, stuckAfterSeconds: 300, healthy: true });
    expect(report.summary).toEqual({ rwopClaims: 2, held: 2, waitingOnHeldClaim: 0, stuckHolders: 0, notCsi: 0, multiAttach: 0 });
    expect(report.claims.map((claim) => `${claim.namespace}/${claim.name}`)).toEqual(['db/postgres-data', 'monitoring/data-prometheus-0']);
    expect(claimOf(report, 'db/postgres-data')).toEqual({
      namespace: 'db',
      name: 'postgres-data',
      accessModes: ['ReadWriteOncePod'],
      phase: 'Bound',
      requested: '20Gi',
      capacity: '20Gi',
      storageClass: 'gp3',
      provisioner: 'ebs.csi.aws.com',
      csi: true,
      volume: PG_VOLUME,
      holders: [{
        namespace: 'db',
        name: 'postgres-7c9d8f6b5-x2kqz',
        node: N1,
        phase: 'Running',
        ready: true,
        workload: 'Deployment/postgres',
        controller: 'ReplicaSet/postgres-7c9d8f6b5',
        createdAt: '2025-03-04T11:26:40Z',
        finalizers: [],
        terminating: null,
        nodeNotReady: null,
        stuck: false,
      }],
      waiting: [],
      problems: [],
    });
    const prometheus = claimOf(report, 'monitoring/data-prometheus-0');
    expect(prometheus.holders).toEqual([expect.objectContaining({ name: 'prometheus-0', node: N3, workload: 'StatefulSet/prometheus', stuck: false })]);
    expect(prometheus.volume).toBe(PROM_VOLUME);
  });

  test('held-rollout: a surged pod of the same Deployment waits (new scheduler wording); the fix is Recreate', async () => {
    const { code, report } = await statusJson('held-rollout.json');
    expect(code).toBe(1);
    expect(report.summary).toEqual({ rwopClaims: 2, held: 2, waitingOnHeldClaim: 1, stuckHolders: 0, notCsi: 0, multiAttach: 0 });
    const claim = claimOf(report, 'db/postgres-data');
    expect(claim.waiting).toEqual([{
      namespace: 'db',
      name: 'postgres-5f7b9c4d8-mn4vp',
      node: null,
      phase: 'Pending',
      ready: false,
      workload: 'Deployment/postgres',
      controller: 'ReplicaSet/postgres-5f7b9c4d8',
      createdAt: '2025-03-10T09:29:55Z',
      cause: 'rwop-scheduler',
      message: NEW_WORDING,
      evidence: 'FailedScheduling event (default-scheduler)',
      count: 14,
      lastSeen: '2025-03-10T09:41:55.118305Z',
      waitsFor: ['postgres-7c9d8f6b5-x2kqz'],
      handOff: false,
    }]);
    expect(claim.problems).toHaveLength(1);
    expect(claim.problems[0].kind).toBe('waiting-on-held-claim');
    expect(claim.problems[0].message).toBe(`pod postgres-5f7b9c4d8-mn4vp (Deployment/postgres) waits for the ReadWriteOncePod claim, held by pod postgres-7c9d8f6b5-x2kqz (Deployment/postgres) on node ${N1}: the scheduler will not place it`);
    expect(claim.problems[0].actions).toEqual([expect.stringContaining(
      'a rolling update surged a second pod, which waits forever for the old one (the rollout deadlocks); switch the Deployment to Recreate: '
      + 'kubectl patch deployment postgres -n db -p \'{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}\'')]);
  });

  test('held-second-pod: the seed\'s second pod (old wording, an event) and a backup Job pod (the PodScheduled condition, its events expired)', async () => {
    const { code, report } = await statusJson('held-second-pod.json');
    expect(code).toBe(1);
    const claim = claimOf(report, 'default/postgres-exclusive-data');
    expect(claim.holders.map((holder) => [holder.name, holder.workload, holder.node])).toEqual([['postgres-5d8f7b9c6-h7k2p', 'Deployment/postgres', N2]]);
    const waiting = claim.waiting.map(({ name, workload, cause, evidence, count, message }) => ({ name, workload, cause, evidence, count, message }));
    expect(waiting).toEqual([
      { name: 'postgres-backup-28950840-7xk2m', workload: 'Job/postgres-backup-28950840', cause: 'rwop-scheduler', evidence: 'PodScheduled condition', count: null, message: OLD_WORDING },
      { name: 'postgres-second-attempt', workload: 'Pod/postgres-second-attempt', cause: 'rwop-scheduler', evidence: 'FailedScheduling event (default-scheduler)', count: 4, message: OLD_WORDING },
    ]);
    expect(claim.problems.map((problem) => problem.actions[0])).toEqual([
      expect.stringMatching(/^Job\/postgres-backup-28950840 mounts a claim that Deployment\/postgres holds, so it never starts: back up with a VolumeSnapshot or over the network .* kubectl delete pod postgres-backup-28950840-7xk2m -n default$/),
      expect.stringMatching(/^Pod\/postgres-second-attempt and Deployment\/postgres both mount the claim, .*kubectl delete pod postgres-second-attempt -n default\)$/),
    ]);
    expect(report.summary.waitingOnHeldClaim).toBe(2);
  });

  test('kubelet-mount: a pod that set spec.nodeName on the holder\'s node is refused by the kubelet; the unrelated FailedMount timeout is not taken for the reason', async () => {
    const { code, report } = await statusJson('kubelet-mount.json');
    expect(code).toBe(1);
    const [pod] = claimOf(report, 'db/postgres-data').waiting;
    expect(pod).toMatchObject({
      name: 'postgres-debug',
      node: N1,
      phase: 'Pending',
      workload: 'Pod/postgres-debug',
      cause: 'rwop-kubelet',
      evidence: 'FailedMount event (kubelet)',
      count: 8,
      message: `MountVolume.SetUp failed for volume "${PG_VOLUME}" : volume uses the ReadWriteOncePod access mode and is already in use by another pod`,
      waitsFor: ['postgres-7c9d8f6b5-x2kqz'],
    });
    expect(claimOf(report, 'db/postgres-data').holders.map((holder) => holder.name)).toEqual(['postgres-7c9d8f6b5-x2kqz']);
    expect(claimOf(report, 'db/postgres-data').problems[0].actions).toEqual(['delete the pod that bypassed the scheduler: kubectl delete pod postgres-debug -n db']);
  });

  test('multi-attach-rwo: the RWO claim is listed because of the Multi-Attach error, with the migration as a way out', async () => {
    const { code, report } = await statusJson('multi-attach-rwo.json');
    expect(code).toBe(1);
    expect(report.summary).toEqual({ rwopClaims: 2, held: 2, waitingOnHeldClaim: 1, stuckHolders: 0, notCsi: 0, multiAttach: 1 });
    const claim = claimOf(report, 'shop/redis-data');
    expect(claim.accessModes).toEqual(['ReadWriteOnce']);
    expect(claim.holders.map((holder) => [holder.name, holder.node])).toEqual([['redis-6d4b7c8f9-qx7zt', N2]]);
    expect(claim.waiting).toEqual([expect.objectContaining({
      name: 'redis-58c7d9f6b4-w9tlm',
      node: N1,
      cause: 'multi-attach',
      evidence: 'FailedAttachVolume event (attachdetach-controller)',
      count: 1,
      message: `Multi-Attach error for volume "${REDIS_VOLUME}" Volume is already used by pod(s) redis-6d4b7c8f9-qx7zt`,
    })]);
    expect(claim.problems).toHaveLength(1);
    expect(claim.problems[0].kind).toBe('multi-attach');
    expect(claim.problems[0].actions).toContain('if the volume must only ever have one writer, migrate the claim to ReadWriteOncePod: rwop migrate shop/redis-data');
  });

  test('stuck-terminating: the holder is 24m30s past its grace period; the seed\'s force delete comes with its caveat', async () => {
    const { code, report } = await statusJson('stuck-terminating.json');
    expect(code).toBe(1);
    const claim = claimOf(report, 'db/postgres-data');
    expect(claim.holders).toEqual([expect.objectContaining({
      name: 'postgres-7c9d8f6b5-x2kqz',
      stuck: true,
      nodeNotReady: null,
      terminating: { deletionTimestamp: '2025-03-10T09:17:47Z', overdueSeconds: 1470 },
    })]);
    expect(claim.problems.map((problem) => problem.kind)).toEqual(['stuck-holder', 'waiting-on-held-claim']);
    const [stuck, waiting] = claim.problems;
    expect(stuck.message).toBe('pod postgres-7c9d8f6b5-x2kqz holds the claim and is stuck: it is Terminating 24m30s past the end of its grace period (2025-03-10T09:17:47Z)');
    expect(stuck.actions[0]).toBe('kubectl describe pod postgres-7c9d8f6b5-x2kqz -n db');
    expect(stuck.actions[1]).toMatch(/kubectl delete pod postgres-7c9d8f6b5-x2kqz -n db --grace-period=0 --force \(a force delete only removes the API object: if a container still runs, a second writer can start/);
    // Same ReplicaSet: a replacement, not a rollout surge.
    expect(waiting.actions).toEqual([
      'the holder is stuck: see the stuck-holder problem of postgres-7c9d8f6b5-x2kqz first',
      'postgres-7c9d8f6b5-9tq4z replaces postgres-7c9d8f6b5-x2kqz, which is being deleted: it starts once postgres-7c9d8f6b5-x2kqz is gone',
    ]);
  });

  test('stuck-terminating with --stuck-after 1h: a hand-off in progress, shown but healthy (exit 0)', async () => {
    const { code, report } = await statusJson('--stuck-after', '1h', 'stuck-terminating.json');
    expect(code).toBe(0);
    expect(report.stuckAfterSeconds).toBe(3600);
    const claim = claimOf(report, 'db/postgres-data');
    expect(claim.holders[0].stuck).toBe(false);
    expect(claim.waiting[0]).toMatchObject({ name: 'postgres-7c9d8f6b5-9tq4z', cause: 'rwop-scheduler', handOff: true });
    expect(claim.problems).toEqual([]);
    expect(report.summary.waitingOnHeldClaim).toBe(0);
  });

  test('node-not-ready: the holder\'s node stopped reporting; the out-of-service taint and the detach are suggested', async () => {
    const { code, report } = await statusJson('node-not-ready.json');
    expect(code).toBe(1);
    // The lost node's heartbeat is old: "now" is the newest heartbeat of the others.
    expect(report.now).toBe('2025-03-10T09:42:13.000Z');
    const claim = claimOf(report, 'monitoring/data-prometheus-0');
    expect(claim.holders).toEqual([expect.objectContaining({
      name: 'prometheus-0',
      node: N3,
      ready: false,
      stuck: true,
      nodeNotReady: { status: 'Unknown', reason: 'NodeStatusUnknown', since: '2025-03-10T09:27:17Z' },
      terminating: { deletionTimestamp: '2025-03-10T09:34:22Z', overdueSeconds: 471 },
    })]);
    expect(claim.waiting).toEqual([]);
    const [problem] = claim.problems;
    expect(problem.kind).toBe('stuck-holder');
    expect(problem.actions).toEqual([
      'kubectl describe pod prometheus-0 -n monitoring',
      `kubectl describe node ${N3}`,
      `if ${N3} is shut down for good, mark it out of service so that its pods are deleted and their volumes detached (non-graceful node shutdown, Kubernetes >= 1.28): kubectl taint nodes ${N3} node.kubernetes.io/out-of-service=nodeshutdown:NoExecute`,
      `check the attachment: kubectl get volumeattachments | grep ${PROM_VOLUME}; if it stays attached to the dead node, detach it with your storage provider's tooling (EBS: aws ec2 detach-volume --volume-id vol-041d4d17e3bc2d6e3, after the instance is stopped)`,
      expect.stringMatching(/^once you are sure its containers no longer run .*kubectl delete pod prometheus-0 -n monitoring --grace-period=0 --force/),
    ]);
    expect(report.summary).toMatchObject({ stuckHolders: 1, waitingOnHeldClaim: 0 });
  });

  test('not-csi: a static local PV and the seed\'s kubernetes.io/local-volume class; the waiting pod there is not "held"', async () => {
    const { code, report } = await statusJson('not-csi.json');
    expect(code).toBe(1);
    expect(report.summary).toMatchObject({ rwopClaims: 4, notCsi: 2, waitingOnHeldClaim: 0 });
    const cache = claimOf(report, 'legacy/data-cache-0');
    expect(cache).toMatchObject({ storageClass: 'local-storage', provisioner: 'kubernetes.io/no-provisioner', csi: false, volume: 'local-pv-8c1f2d0e' });
    expect(cache.problems[0].message).toMatch(/^the claim asks for ReadWriteOncePod, but its volume local-pv-8c1f2d0e is not a CSI volume \(kubernetes.io\/no-provisioner\): "kubernetes.io\/no-provisioner" is an in-tree provisioner/);
    const reports = claimOf(report, 'legacy/reports-data');
    expect(reports).toMatchObject({ phase: 'Pending', storageClass: 'local-volume', provisioner: 'kubernetes.io/local-volume', csi: false, volume: null, holders: [] });
    expect(reports.problems.map((problem) => problem.kind)).toEqual(['not-csi']);
    expect(reports.problems[0].message).toMatch(/the claim is Pending \(ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'kubernetes.io\/local-volume'/);
    expect(reports.waiting).toEqual([expect.objectContaining({
      name: 'report-builder-6f8d9c7b5-zt4qp',
      cause: 'other',
      workload: 'Deployment/report-builder',
      message: 'running PreBind plugin "VolumeBinding": binding volumes: context deadline exceeded',
    })]);
  });
});

describe('rwop status, text', () => {
  test('held-rollout: the whole report', async () => {
    const { code, stdout, stderr } = await rwop(['status', 'held-rollout.json'], { cwd: FIXTURES });
    expect({ code, stderr }).toEqual({ code: 1, stderr: '' });
    expect(stdout).toBe([
      'rwop status at 2025-03-10T09:42:17.000Z (the newest timestamp in the input), all namespaces',
      '',
      `db/postgres-data  ReadWriteOncePod  Bound  20Gi  class gp3 (ebs.csi.aws.com, CSI)  volume ${PG_VOLUME}`,
      `  holder   postgres-7c9d8f6b5-x2kqz  Deployment/postgres  node ${N1}  Running, ready`,
      '  waiting  postgres-5f7b9c4d8-mn4vp  Deployment/postgres  Pending for 12m22s, not scheduled, waits for postgres-7c9d8f6b5-x2kqz [rwop-scheduler]',
      `           FailedScheduling event (default-scheduler), 14 times, last 21s ago: ${NEW_WORDING}`,
      `  PROBLEM  waiting-on-held-claim: pod postgres-5f7b9c4d8-mn4vp (Deployment/postgres) waits for the ReadWriteOncePod claim, held by pod postgres-7c9d8f6b5-x2kqz (Deployment/postgres) on node ${N1}: the scheduler will not place it`,
      '           - both pods belong to Deployment postgres: a rolling update surged a second pod, which waits forever for the old one (the rollout deadlocks); '
      + 'switch the Deployment to Recreate: kubectl patch deployment postgres -n db -p \'{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}\'',
      '',
      `monitoring/data-prometheus-0  ReadWriteOncePod  Bound  50Gi  class gp3 (ebs.csi.aws.com, CSI)  volume ${PROM_VOLUME}`,
      `  holder   prometheus-0  StatefulSet/prometheus  node ${N3}  Running, ready`,
      '',
      'rwop status: 2 ReadWriteOncePod claims (2 held), 1 pod waiting on a held claim, 0 stuck holders, 0 Multi-Attach errors, 0 claims not CSI: exit 1',
      '',
    ].join('\n'));
  });

  test('stuck and not-Ready holders are marked on their line', async () => {
    const stuck = await rwop(['status', 'stuck-terminating.json'], { cwd: FIXTURES });
    expect(stuck.stdout).toContain(`  holder   postgres-7c9d8f6b5-x2kqz  Deployment/postgres  node ${N1}  Running, ready, Terminating, 24m30s past its grace period, STUCK\n`);
    const lost = await rwop(['status', 'node-not-ready.json'], { cwd: FIXTURES });
    expect(lost.stdout).toContain(`  holder   prometheus-0  StatefulSet/prometheus  node ${N3}  Running, not ready, Terminating, 7m51s past its grace period, node Ready=Unknown, STUCK\n`);
    const handOff = await rwop(['status', '--stuck-after', '1h', 'stuck-terminating.json'], { cwd: FIXTURES });
    expect(handOff.stdout).toContain('[rwop-scheduler, hand-off in progress]');
  });

  test('healthy: one line per claim and holder, and the summary', async () => {
    const { code, stdout } = await rwop(['status', 'healthy.json'], { cwd: FIXTURES });
    expect(code).toBe(0);
    expect(stdout).not.toContain('PROBLEM');
    expect(stdout.trimEnd().split('\n').pop()).toBe('rwop status: 2 ReadWriteOncePod claims (2 held), 0 pods waiting on a held claim, 0 stuck holders, 0 Multi-Attach errors, 0 claims not CSI: exit 0');
  });

  test('an input without RWOP claims says so', async () => {
    const only = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', creationTimestamp: '2025-01-01T00:00:00Z' } }] });
    const { code, stdout } = await rwop(['status', '-'], { stdin: only });
    expect(code).toBe(0);
    expect(stdout).toContain('\nNo ReadWriteOncePod claim in the input.\n');
  });
});

describe('rwop status, options and exit codes', () => {
  test('--namespace keeps the claims of one namespace: the problem elsewhere does not count', async () => {
    const monitoring = await statusJson('-n', 'monitoring', 'held-rollout.json');
    expect(monitoring.code).toBe(0);
    expect(monitoring.report.namespace).toBe('monitoring');
    expect(monitoring.report.claims.map((claim) => claim.name)).toEqual(['data-prometheus-0']);
    const db = await statusJson('--namespace', 'db', 'held-rollout.json');
    expect(db.code).toBe(1);
    expect(db.report.claims.map((claim) => claim.name)).toEqual(['postgres-data']);
    const text = await rwop(['status', '-n', 'db', 'held-rollout.json'], { cwd: FIXTURES });
    expect(text.stdout.split('\n')[0]).toBe('rwop status at 2025-03-10T09:42:17.000Z (the newest timestamp in the input), namespace db');
  });

  test('each situation exits 1, the healthy cluster 0', async () => {
    const codes: Record<string, number> = {};
    for (const name of SITUATIONS) codes[name] = (await rwop(['status', `${name}.json`], { cwd: FIXTURES })).code;
    expect(codes).toEqual(Object.fromEntries(SITUATIONS.map((name) => [name, name === 'healthy' ? 0 : 1])));
  });

  test('--now judges the dump at another moment; the clock is used when the input has no timestamp', async () => {
    const later = await statusJson('--now', '2025-03-10T10:42:17Z', 'held-rollout.json');
    expect(later.report).toMatchObject({ now: '2025-03-10T10:42:17.000Z', nowSource: 'option' });
    const text = await rwop(['status', '--now', '2025-03-10T10:42:17+00:00', 'held-rollout.json'], { cwd: FIXTURES });
    expect(text.stdout).toContain('Pending for 1h12m, not scheduled');
    const before = Date.now();
    const bare = JSON.stringify({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'db' }, spec: { accessModes: ['ReadWriteOncePod'] } });
    const clock = await rwop(['status', '-f', 'json', '-'], { stdin: bare });
    const report = JSON.parse(clock.stdout) as JsonStatus;
    expect(report.nowSource).toBe('clock');
    expect(Date.parse(report.now)).toBeGreaterThanOrEqual(before - 1000);
    expect(report.claims[0]).toMatchObject({ name: 'data', phase: null, csi: null, holders: [], waiting: [], problems: [] });
  });

  test('stdin, and several files (a dump split by kind) read as one', async () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'held-rollout.json'), 'utf8');
    const fromStdin = await rwop(['status', '-f', 'json'], { stdin: text });
    expect(fromStdin.code).toBe(1);
    expect((JSON.parse(fromStdin.stdout) as JsonStatus).summary.waitingOnHeldClaim).toBe(1);

    const list = JSON.parse(text);
    const podsAndEvents = { ...list, items: list.items.filter((item: any) => item.kind === 'Pod' || item.kind === 'Event') };
    const rest = { ...list, items: list.items.filter((item: any) => item.kind !== 'Pod' && item.kind !== 'Event') };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rwop-status-'));
    try {
      fs.writeFileSync(path.join(dir, 'a-storage.json'), JSON.stringify(rest));
      // As `kubectl get -o yaml` writes it: strings that look like timestamps are quoted.
      fs.writeFileSync(path.join(dir, 'b-pods.yaml'), YAML.stringify(podsAndEvents, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' }));
      const split = await rwop(['status', '-f', 'json', dir], { cwd: FIXTURES });
      expect(split.code).toBe(1);
      expect(JSON.parse(split.stdout).claims).toEqual((JSON.parse(fromStdin.stdout) as JsonStatus).claims);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('unquoted YAML timestamps are read as the strings kubectl reads, and are times all the same', async () => {
    const list = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'stuck-terminating.json'), 'utf8'));
    const yaml = YAML.stringify(list);
    expect(yaml).toMatch(/^ {6}deletionTimestamp: 2025-03-10T09:17:47Z$/m);
    const { code, stdout } = await rwop(['status', '-f', 'json', '-'], { stdin: yaml });
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as JsonStatus;
    expect(report.now).toBe('2025-03-10T09:42:17.000Z');
    expect(claimOf(report, 'db/postgres-data').holders[0].terminating).toEqual({ deletionTimestamp: '2025-03-10T09:17:47Z', overdueSeconds: 1470 });
  });

  test.each([
    [['status', '--format', 'sarif', 'healthy.json'], /--format must be one of text, json; got "sarif"/],
    [['status', '--now', 'yesterday', 'healthy.json'], /--now must be an RFC 3339 time that exists, such as 2025-03-10T09:45:00Z or 2025-03-10T10:45:00\+01:00; got "yesterday"/],
    [['status', '--stuck-after', '5 minutes', 'healthy.json'], /--stuck-after must be a duration such as 90s, 10m or 1h30m; got "5 minutes"/],
    [['status', '-n', 'Prod_DB', 'healthy.json'], /--namespace must be a namespace name/],
    [['status', '--bogus', 'healthy.json'], /Unknown option '--bogus'/],
    [['status', 'missing.json'], /^rwop status: missing.json: cannot read: no such file or directory/],
  ])('bad usage or input exits 2: %j', async (argv, message) => {
    const { code, stdout, stderr } = await rwop(argv, { cwd: FIXTURES });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  test('YAML that does not parse exits 2 with the line', async () => {
    const { code, stderr } = await rwop(['status', '-'], { stdin: 'apiVersion: v1\nkind: List\nitems: [\n' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^rwop status: <stdin>:\d+: invalid YAML/);
  });

  test('no path with a terminal on stdin asks the cluster, not a wait (here kubectl is missing: exit 2)', async () => {
    const { code, stderr, io } = await rwop(['status'], { stdinIsTTY: true, env: { PATH: '' } });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^rwop status: kubectl was not found on PATH; .* or pipe a dump: kubectl get pods,pvc,pv,storageclasses,nodes,events -A -o json \| rwop status -\n$/);
    expect(io.stdinReads).toBe(0);
  });

  test('--help documents the exit codes', async () => {
    const { code, stdout } = await rwop(['status', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Exit codes: 0 healthy; 1 a pod waits on a held claim, a holder is stuck, a Multi-Attach error, or a\nReadWriteOncePod claim that is not CSI; 2 bad usage, input that is unreadable or empty \(a failed kubectl\), or\nkubectl could not read the cluster \(not found, server unreachable, a list forbidden\)\./);
  });
});

describe('README.md, Operations', () => {
  test('its rwop status example is the real output', async () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const shown = /\n\$ rwop status held-rollout\.json\n([\s\S]*?)\n\$ echo \$\?\n1\n/.exec(doc);
    expect(shown).not.toBeNull();
    const { stdout } = await rwop(['status', 'held-rollout.json'], { cwd: FIXTURES });
    expect(shown![1] + '\n').toBe(stdout);
  });
});
