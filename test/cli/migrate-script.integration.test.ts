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

interface RunOptions {
  /** The script's arguments (`--from <step>`, `--rollback`). */
  readonly args?: string[];
  /** A command line to run with `bash -c` instead (one the script printed), in the same directory. */
  readonly commandLine?: string;
  /** Make the kubectl call whose words contain this fail. */
  readonly failOn?: string;
  readonly env?: Record<string, string>;
}

/** Runs the script with bash in a scratch directory against `objects` (undefined: the cluster as the last run left it). */
function runScript(text: string, objects: any[] | undefined, options: RunOptions = {}): Run {
  const statePath = path.join(workDir, 'state.json');
  const logPath = path.join(workDir, 'calls.log');
  if (objects) fs.writeFileSync(statePath, JSON.stringify({ objects }));
  fs.writeFileSync(logPath, '');
  fs.writeFileSync(path.join(workDir, 'migrate.sh'), text);
  const result = spawnSync('bash', options.commandLine ? ['-c', options.commandLine] : ['migrate.sh', ...options.args ?? []], {
    cwd: workDir,
    encoding: 'utf8',
    env: {
      ...process.env,
      ...options.env,
      PATH: `${path.join(workDir, 'bin')}:${process.env.PATH}`,
      FAKE_KUBE_STATE: statePath,
      FAKE_KUBE_LOG: logPath,
      ...(options.failOn ? { FAKE_KUBE_FAIL: options.failOn } : {}),
    },
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
    expect(one(run.objects, 'Deployment', 'postgres').metadata.annotations?.['rwop.dev/migrate-replicas']).toBeUndefined();
    expect(run.calls.map((call) => call.slice(0, 2).join(' '))).toEqual([
      `patch pv/${PV}`, 'get deployment/postgres', 'get deployment/postgres', 'annotate deployment/postgres', 'scale deployment/postgres',
      'wait --for=delete', 'describe pvc/postgres-data', 'get pvc/postgres-data', 'get pvc/postgres-data', `get pv/${PV}`, 'delete pvc/postgres-data',
      'wait --for=jsonpath={.status.phase}=Released', `patch pv/${PV}`, `patch pv/${PV}`, 'apply -f', 'wait --for=jsonpath={.status.phase}=Bound',
      'get deployment/postgres', 'scale deployment/postgres', 'annotate deployment/postgres', `patch pv/${PV}`,
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
    expect(run.stderr).toBe([
      'rwop migrate: stopped: pod psql-shell still mounts db/postgres-data: stop its workload first (kubectl describe pvc/postgres-data -n db, Used By)',
      'rwop migrate: step 3 failed: Stop Deployment/postgres, and check that no pod mounts the claim',
      `PersistentVolume ${PV}: reclaim policy Retain (set at step 2), the data is safe when the claim is deleted. The claim's workloads may be stopped: `
      + 'their replica counts are saved on them (annotation rwop.dev/migrate-replicas). The claim is as it was.',
      'To resume once the cause is fixed: bash migrate.sh --from 3',
      'To roll back instead: bash migrate.sh --rollback',
      '',
    ].join('\n'));
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
    expect(run.stderr).toBe('rwop migrate: stopped: the claim asks for ["ReadWriteOncePod"]: only a ReadWriteOnce-only claim can be migrated in place\n'
      + 'rwop migrate: step 1 failed: Pre-flight checks: read the claim and its volume, stop with the reason if one fails\n'
      + 'Nothing has changed yet: fix the cause and run the script again.\n');
    expect(run.calls.every((call) => call[0] === 'get')).toBe(true);
  });

  test('without input, a volume that is not CSI: stopped, nothing changed', async () => {
    const objects = clusterObjects().filter((o) => o.kind !== 'Pod');
    const volume = one(objects, 'PersistentVolume', PV);
    delete volume.spec.csi;
    volume.spec.awsElasticBlockStore = { volumeID: 'aws://eu-west-1a/vol-0abc', fsType: 'ext4' };
    const run = runScript(await script(['db/postgres-data']), objects);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^rwop migrate: stopped: PersistentVolume ${PV} is not a CSI volume: Kubernetes supports ReadWriteOncePod for CSI volumes only\n`
      + 'rwop migrate: step 1 failed: .*\nNothing has changed yet: fix the cause and run the script again.\n$'));
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

describe('a run that fails midway says where it stopped, and resumes or rolls back from what the cluster keeps', () => {
  /** The fixture, with a Deployment of 3 replicas (so that a lost count would show). */
  function threeReplicas(): any[] {
    const objects = clusterObjects();
    one(objects, 'Deployment', 'postgres').spec.replicas = 3;
    return objects;
  }

  function line(stderr: string, prefix: string): string {
    const found = stderr.split('\n').find((candidate) => candidate.startsWith(prefix));
    if (!found) throw new Error(`no line "${prefix}..." in:\n${stderr}`);
    return found.slice(prefix.length);
  }

  test('failing after the claim is deleted: the step, the volume Retain, the claim\'s copy; resumed, the saved replica count comes back', async () => {
    const text = await script(['db/postgres-data', 'postgres-rwo.json']);
    const failed = runScript(text, threeReplicas(), { failOn: '"accessModes"' });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('rwop migrate: step 6 failed: Make the volume ReadWriteOncePod only (it cannot be combined with another access mode)\n'
      + `PersistentVolume ${PV}: reclaim policy Retain (set at step 2), the data is safe when the claim is deleted. The claim's workloads may be stopped: `
      + 'their replica counts are saved on them (annotation rwop.dev/migrate-replicas). The claim is deleted; its copy is postgres-data.db.pvc-backup.yaml.\n');
    expect(failed.stderr).not.toContain('roll back');
    const deployment = one(failed.objects, 'Deployment', 'postgres');
    expect(deployment.spec.replicas).toBe(0);
    expect(deployment.metadata.annotations['rwop.dev/migrate-replicas']).toBe('3');
    expect(one(failed.objects, 'PersistentVolume', PV).spec.persistentVolumeReclaimPolicy).toBe('Retain');

    const resume = line(failed.stderr, 'To resume once the cause is fixed: ');
    expect(resume).toBe('bash migrate.sh --from 6');
    const resumed = runScript(text, undefined, { commandLine: resume });
    expect({ code: resumed.code, stderr: resumed.stderr }).toEqual({ code: 0, stderr: '' });
    expect(resumed.calls[0]).toEqual(['patch', `pv/${PV}`, '-p', '{"spec":{"accessModes":["ReadWriteOncePod"]}}']);
    const after = one(resumed.objects, 'Deployment', 'postgres');
    expect(after.spec.replicas).toBe(3);
    expect(after.metadata.annotations['rwop.dev/migrate-replicas']).toBeUndefined();
    expect(one(resumed.objects, 'PersistentVolumeClaim', 'postgres-data').spec.accessModes).toEqual(['ReadWriteOncePod']);
    expect(one(resumed.objects, 'PersistentVolume', PV).spec.persistentVolumeReclaimPolicy).toBe('Delete');
    expect(resumed.deletedVolumes).toEqual([]);
  });

  test('failing in the stop step after the scale to zero: resumed at that step, the saved count is not overwritten by 0', async () => {
    const text = await script(['db/postgres-data', 'postgres-rwo.json']);
    const failed = runScript(text, threeReplicas(), { failOn: 'describe' });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('rwop migrate: step 3 failed: Stop Deployment/postgres, and check that no pod mounts the claim\n');
    expect(one(failed.objects, 'Deployment', 'postgres').spec.replicas).toBe(0);
    const resumed = runScript(text, undefined, { commandLine: line(failed.stderr, 'To resume once the cause is fixed: ') });
    expect({ code: resumed.code, stderr: resumed.stderr }).toEqual({ code: 0, stderr: '' });
    expect(resumed.calls.some((call) => call[0] === 'annotate' && call.some((word) => word.startsWith('rwop.dev/migrate-replicas=')))).toBe(false);
    expect(one(resumed.objects, 'Deployment', 'postgres').spec.replicas).toBe(3);
  });

  test('failing before the claim is deleted: the rollback starts the workload with its saved count and restores the policy', async () => {
    const text = await script(['db/postgres-data', 'postgres-rwo.json']);
    const failed = runScript(text, threeReplicas(), { failOn: 'delete pvc' });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('rwop migrate: step 4 failed: Save the claim, then delete it (the volume stays: Retain)\n');
    const rollback = line(failed.stderr, 'To roll back instead: ');
    expect(rollback).toBe('bash migrate.sh --rollback');
    const rolledBack = runScript(text, undefined, { commandLine: rollback });
    expect({ code: rolledBack.code, stderr: rolledBack.stderr }).toEqual({ code: 0, stderr: 'rwop migrate: rolled back\n' });
    const deployment = one(rolledBack.objects, 'Deployment', 'postgres');
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.metadata.annotations['rwop.dev/migrate-replicas']).toBeUndefined();
    expect(one(rolledBack.objects, 'PersistentVolume', PV).spec.persistentVolumeReclaimPolicy).toBe('Delete');
    expect(one(rolledBack.objects, 'PersistentVolumeClaim', 'postgres-data').spec.accessModes).toEqual(['ReadWriteOnce']);
  });

  test('without input: the resume command carries the facts read from the claim, which is gone by then', async () => {
    const objects = clusterObjects().filter((o) => o.kind !== 'Pod');
    one(objects, 'Deployment', 'postgres').spec.replicas = 0;
    const text = await script(['db/postgres-data']);
    const failed = runScript(text, objects, { failOn: '"accessModes"' });
    expect(failed.code).toBe(1);
    const resume = line(failed.stderr, 'To resume once the cause is fixed: ');
    expect(resume).toBe(`PV=${PV} STORAGE=20Gi STORAGE_CLASS=gp3 VOLUME_MODE=Filesystem RECLAIM_POLICY=Delete bash migrate.sh --from 6`);
    const resumed = runScript(text, undefined, { commandLine: resume });
    expect({ code: resumed.code, stderr: resumed.stderr }).toEqual({ code: 0, stderr: '' });
    expect(one(resumed.objects, 'PersistentVolumeClaim', 'postgres-data').spec).toMatchObject({ accessModes: ['ReadWriteOncePod'], volumeName: PV });
    expect(one(resumed.objects, 'PersistentVolume', PV).spec.persistentVolumeReclaimPolicy).toBe('Delete');
    const withoutFacts = runScript(text, undefined, { args: ['--from', '6'] });
    expect(withoutFacts.code).toBe(1);
    expect(withoutFacts.stderr).toBe('rwop migrate: stopped: give PV=<value> as the message of the failed run shows it\n');
  });
});
