// The scripts `rwop migrate` prints, run by bash against a stand-in kubectl (fixtures/migrate/fake-kubectl.js: an
// in-memory API with the controller reactions the migration relies on). Catches what `bash -n` cannot: quoting,
// pipefail, heredocs, variables read at run time, and checks that stop the script before it harms the volume.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { rwop } from './support';

const FIXTURES = path.join(__dirname, 'fixtures', 'migrate');
const PV = 'pvc-d8c2d33c-c365-4a87-ac2d-9f03565cc597';

interface Run {
  readonly code: number | null;
  readonly stderr: string;
  /** The objects afterwards. */
  readonly objects: any[];
  /** The PVs the fake deleted with their data (reclaim policy Delete). */
  readonly deletedVolumes: string[];
  /** Every kubectl call, as argv. */
  readonly calls: string[][];
}

let workDir: string;

beforeEach(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rwop-migrate-run-'));
  const bin = path.join(workDir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'kubectl'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(FIXTURES, 'fake-kubectl.js')}" "$@"\n`, { mode: 0o755 });
  // The Used By poll tries 60 times, 10 s apart: here twice, without waiting.
  fs.writeFileSync(path.join(bin, 'sleep'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'seq'), '#!/bin/sh\necho 1; echo 2\n', { mode: 0o755 });
});

afterEach(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

function clusterObjects(): any[] {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, 'postgres-rwo.json'), 'utf8')).items;
}

function one(objects: any[], kind: string, name: string): any {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

/** Runs the script with bash in a scratch directory against `objects`. */
function runScript(text: string, objects: any[]): Run {
  const statePath = path.join(workDir, 'state.json');
  const logPath = path.join(workDir, 'calls.log');
  fs.writeFileSync(statePath, JSON.stringify({ objects }));
  fs.writeFileSync(logPath, '');
  fs.writeFileSync(path.join(workDir, 'migrate.sh'), text);
  const result = spawnSync('bash', ['migrate.sh'], {
    cwd: workDir,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${path.join(workDir, 'bin')}:${process.env.PATH}`, FAKE_KUBE_STATE: statePath, FAKE_KUBE_LOG: logPath },
  });
  const state = JSON.parse(fs.readFileSync(statePath, 'utf8'));
  return {
    code: result.status,
    stderr: result.stderr,
    objects: state.objects,
    deletedVolumes: state.deletedVolumes ?? [],
    calls: fs.readFileSync(logPath, 'utf8').trim().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line)),
  };
}

async function script(argv: string[]): Promise<string> {
  const { code, stdout, stderr } = await rwop(['migrate', ...argv], { cwd: FIXTURES });
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return stdout;
}

describe('in place', () => {
  test('with the input: the claim ends ReadWriteOncePod on the same volume, the workload back, the policy restored', async () => {
    const run = runScript(await script(['db/postgres-data', 'postgres-rwo.json']), clusterObjects());
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const claim = one(run.objects, 'PersistentVolumeClaim', 'postgres-data');
    const volume = one(run.objects, 'PersistentVolume', PV);
    expect(claim.spec).toMatchObject({ accessModes: ['ReadWriteOncePod'], volumeName: PV, storageClassName: 'gp3' });
    expect(claim.status.phase).toBe('Bound');
    expect(volume.spec.accessModes).toEqual(['ReadWriteOncePod']);
    expect(volume.spec.persistentVolumeReclaimPolicy).toBe('Delete');
    expect(volume.spec.claimRef.uid).toBe(claim.metadata.uid);
    expect(volume.status.phase).toBe('Bound');
    expect(one(run.objects, 'Deployment', 'postgres').spec.replicas).toBe(1);
    expect(run.deletedVolumes).toEqual([]);
    expect(fs.existsSync(path.join(workDir, 'postgres-data.db.pvc-backup.yaml'))).toBe(true);
    expect(run.calls.map((call) => call.slice(0, 2).join(' '))).toEqual([
      'patch pv', 'get deployment', 'scale deployment', 'wait --for=delete', 'describe pvc', 'get pvc', 'get pv', 'delete pvc',
      'wait --for=jsonpath={.status.phase}=Released', 'patch pv', 'patch pv', 'apply -f', 'wait --for=jsonpath={.status.phase}=Bound', 'scale deployment', 'patch pv',
    ]);
  });

  test('a pod the input did not show still mounts the claim: the script stops before deleting it', async () => {
    const objects = clusterObjects();
    objects.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'psql-shell', namespace: 'db' },
      spec: { containers: [{ name: 'psql', image: 'postgres:16.4' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'postgres-data' } }] },
      status: { phase: 'Running' },
    });
    const run = runScript(await script(['db/postgres-data', 'postgres-rwo.json']), objects);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('rwop migrate: stopped: pod psql-shell still mounts db/postgres-data: stop its workload first (kubectl describe pvc postgres-data -n db, Used By)\n');
    expect(one(run.objects, 'PersistentVolumeClaim', 'postgres-data').spec.accessModes).toEqual(['ReadWriteOnce']);
    expect(run.calls.filter((call) => call[0] === 'describe')).toHaveLength(2);
    expect(run.calls.some((call) => call[0] === 'delete')).toBe(false);
  });

  test('without input, the workloads stopped by hand: the facts are read, the claim re-created, the old policy restored', async () => {
    const objects = clusterObjects().filter((o) => o.kind !== 'Pod');
    one(objects, 'Deployment', 'postgres').spec.replicas = 0;
    const run = runScript(await script(['db/postgres-data']), objects);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const claim = one(run.objects, 'PersistentVolumeClaim', 'postgres-data');
    expect(claim.spec).toEqual({
      accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '20Gi' } }, storageClassName: 'gp3', volumeMode: 'Filesystem', volumeName: PV,
    });
    expect(claim.status.phase).toBe('Bound');
    expect(one(run.objects, 'PersistentVolume', PV).spec.persistentVolumeReclaimPolicy).toBe('Delete');
  });

  test('without input, a claim already ReadWriteOncePod: stopped at the first check, nothing changed', async () => {
    const objects = clusterObjects();
    one(objects, 'PersistentVolumeClaim', 'postgres-data').spec.accessModes = ['ReadWriteOncePod'];
    const run = runScript(await script(['db/postgres-data']), objects);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('rwop migrate: stopped: the claim asks for ["ReadWriteOncePod"]: only a ReadWriteOnce-only claim can be migrated in place\n');
    expect(run.calls.every((call) => call[0] === 'get')).toBe(true);
  });

  test('without input, a volume that is not CSI: stopped, nothing changed', async () => {
    const objects = clusterObjects().filter((o) => o.kind !== 'Pod');
    const volume = one(objects, 'PersistentVolume', PV);
    delete volume.spec.csi;
    volume.spec.awsElasticBlockStore = { volumeID: 'aws://eu-west-1a/vol-0abc', fsType: 'ext4' };
    const run = runScript(await script(['db/postgres-data']), objects);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`rwop migrate: stopped: PersistentVolume ${PV} is not a CSI volume: Kubernetes supports ReadWriteOncePod for CSI volumes only\n`);
    expect(run.calls.every((call) => call[0] === 'get')).toBe(true);
  });
});

describe('via snapshot', () => {
  test('with the input: the snapshot is cut, the claim re-created from it, the old volume kept', async () => {
    const run = runScript(await script(['db/postgres-data', '--via', 'snapshot', 'postgres-rwo.json']), clusterObjects());
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const snapshot = one(run.objects, 'VolumeSnapshot', 'postgres-data-before-rwop');
    expect(snapshot.spec).toEqual({ source: { persistentVolumeClaimName: 'postgres-data' }, volumeSnapshotClassName: 'ebs-retain' });
    const claim = one(run.objects, 'PersistentVolumeClaim', 'postgres-data');
    expect(claim.spec).toMatchObject({ accessModes: ['ReadWriteOncePod'], dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'postgres-data-before-rwop' } });
    const old = one(run.objects, 'PersistentVolume', PV);
    expect(old.spec.persistentVolumeReclaimPolicy).toBe('Retain');
    expect(old.status.phase).toBe('Released');
    expect(run.deletedVolumes).toEqual([]);
    expect(one(run.objects, 'Deployment', 'postgres').spec.replicas).toBe(1);
  });

  test('without input and without the snapshot CRDs: stopped at the check', async () => {
    const objects = clusterObjects().filter((o) => o.kind !== 'Pod');
    const run = runScript(await script(['db/postgres-data', '--via', 'snapshot']), objects);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('rwop migrate: stopped: the VolumeSnapshot CRDs are not installed (external-snapshotter)\n');
    expect(run.calls.every((call) => call[0] === 'get')).toBe(true);
  });

  test('without input, with the CRDs and a class for the driver: done', async () => {
    const objects = clusterObjects().filter((o) => o.kind !== 'Pod');
    objects.push({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'volumesnapshots.snapshot.storage.k8s.io' }, spec: {} });
    const run = runScript(await script(['db/postgres-data', '--via', 'snapshot']), objects);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(one(run.objects, 'PersistentVolumeClaim', 'postgres-data').spec).toMatchObject({ accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '20Gi' } } });
    expect(one(run.objects, 'VolumeSnapshot', 'postgres-data-before-rwop').spec).toEqual({ source: { persistentVolumeClaimName: 'postgres-data' } });
  });
});
