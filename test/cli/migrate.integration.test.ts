// `rwop migrate`: the plan printed from a realistic input (a kubectl dump of the claim, its PV and its workloads), the
// pre-flight checks that stop it, the plan without input, and the YAML held against what the constructs synthesize.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Size, Yaml } from 'cdk8s';
import * as YAML from 'yaml';
import { rwop } from './support';
import { ExclusiveVolume, VolumeDataSource, VolumeSnapshot, VolumeSnapshotClass, VolumeSnapshotSource } from '../../src';
import type { MigrationPlan } from '../../src/cli/migration-plan';
import { runRules } from '../../src/rules/engine';
import { quantityBytes } from '../../src/rules/support';
import { expectValidManifests } from '../harness';
import { synthValid, testChart } from '../volumes/support';

const FIXTURES = path.join(__dirname, 'fixtures', 'migrate');
const INPUT = 'postgres-rwo.json';
const PV = 'pvc-d8c2d33c-c365-4a87-ac2d-9f03565cc597';
const POD = 'postgres-7c9d8f6b5-x2kqz';

type JsonPlan = MigrationPlan & { schemaVersion: number; exitCode: number };

/** The fixture's List items, to change one thing for a test. */
function fixtureItems(): any[] {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, INPUT), 'utf8')).items;
}

function item(items: any[], kind: string): any {
  return items.find((candidate) => candidate.kind === kind);
}

function asInput(items: any[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}

async function migrate(argv: string[], stdin?: string) {
  return rwop(['migrate', ...argv], { cwd: FIXTURES, stdin });
}

/** The YAML documents of the script's heredocs, as text. */
function heredocs(script: string): string[] {
  const blocks: string[] = [];
  const lines = script.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/<<'?EOF'?$/.test(lines[i])) continue;
    const end = lines.indexOf('EOF', i + 1);
    blocks.push(lines.slice(i + 1, end).join('\n') + '\n');
    i = end;
  }
  return blocks;
}

/** Indices of each line in the script, in the order given; fails if one is missing. */
function positions(script: string, wanted: string[]): number[] {
  const lines = script.split('\n');
  return wanted.map((line) => {
    const at = lines.indexOf(line);
    if (at === -1) throw new Error(`the script has no line:\n${line}\n--- script ---\n${script}`);
    return at;
  });
}

/** The script parses (`bash -n`) and ShellCheck finds nothing in it, not even at its info level (CI installs shellcheck). */
function expectCleanScript(script: string): void {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rwop-migrate-')), 'migrate.sh');
  fs.writeFileSync(file, script);
  try {
    execFileSync('bash', ['-n', file], { stdio: 'pipe' });
    const shellcheck = spawnSync('shellcheck', ['--shell=bash', '--severity=style', file], { encoding: 'utf8' });
    expect({ status: shellcheck.status, error: shellcheck.error?.message, findings: shellcheck.stdout }).toEqual({ status: 0, error: undefined, findings: '' });
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

const claimLabels = { 'app.kubernetes.io/instance': 'postgres', 'app.kubernetes.io/name': 'postgres' };

describe('in place, with the input', () => {
  test('the official steps in their order, for the named workload, with its pod waited for', async () => {
    const { code, stdout, stderr } = await migrate(['db/postgres-data', INPUT]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const order = positions(stdout, [
      `kubectl patch pv/${PV} -p '{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}'`,
      'save_replicas deployment/postgres db',
      `kubectl wait --for=delete pod/${POD} -n db --timeout=10m`,
      '[ "$USED_BY" = \'<none>\' ] || stop "pod $USED_BY still mounts db/postgres-data: stop its workload first (kubectl describe pvc/postgres-data -n db, Used By)"',
      '  kubectl get pvc/postgres-data -n db -o yaml > postgres-data.db.pvc-backup.yaml',
      `  [ "$(kubectl get pv/${PV} -o jsonpath='{.spec.persistentVolumeReclaimPolicy}')" = Retain ] || stop "PersistentVolume ${PV} is not Retain: deleting the claim would delete the volume"`,
      '  kubectl delete pvc/postgres-data -n db --timeout=2m',
      `kubectl wait --for=jsonpath='{.status.phase}'=Released pv/${PV} --timeout=2m`,
      `kubectl patch pv/${PV} -p '{"spec":{"claimRef":{"uid":""}}}'`,
      `kubectl patch pv/${PV} -p '{"spec":{"accessModes":["ReadWriteOncePod"]}}'`,
      "kubectl apply -f - <<'EOF'",
      "kubectl wait --for=jsonpath='{.status.phase}'=Bound pvc/postgres-data -n db --timeout=2m",
      'restore_replicas deployment/postgres db',
      `kubectl patch pv/${PV} -p '{"spec":{"persistentVolumeReclaimPolicy":"Delete"}}'`,
    ]);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(stdout.split('\n').slice(0, 3)).toEqual([
      '#!/usr/bin/env bash',
      `# rwop migrate db/postgres-data: ReadWriteOnce -> ReadWriteOncePod in place; the PersistentVolume ${PV} and its data are kept.`,
      '# The official steps: https://kubernetes.io/blog/2021/09/13/read-write-once-pod-access-mode-alpha/#migrating-existing-persistentvolumes',
    ]);
    expect(stdout).toContain('#  passed      workloads       mounted by Deployment/postgres (pods postgres-7c9d8f6b5-x2kqz): stopped first, started again at the end\n');
    expect(stdout).toContain('set -euo pipefail\n');
    expectCleanScript(stdout);
    expect(stdout).toMatchSnapshot();
  });

  test('the new claim: RWOP, volumeName, the class and size, the claim\'s labels and own annotations, no system annotations', async () => {
    const { stdout } = await migrate(['-n', 'db', 'postgres-data', INPUT]);
    const [yaml] = heredocs(stdout);
    const claim = YAML.parse(yaml);
    expect(claim).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        annotations: {
          'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
          'backup.example.com/schedule': 'daily',
          'helm.sh/resource-policy': 'keep',
          'kustomize.toolkit.fluxcd.io/prune': 'disabled',
        },
        labels: claimLabels,
        name: 'postgres-data',
        namespace: 'db',
      },
      spec: { accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '20Gi' } }, storageClassName: 'gp3', volumeMode: 'Filesystem', volumeName: PV },
    });
    expectValidManifests([claim]);
  });

  test('the new claim is what ExclusiveVolume with volumeName synthesizes for the same inputs, to the byte', async () => {
    const { stdout } = await migrate(['db/postgres-data', INPUT]);
    const chart = testChart();
    new ExclusiveVolume(chart, 'Data', {
      metadata: { name: 'postgres-data', namespace: 'db', labels: claimLabels, annotations: { 'backup.example.com/schedule': 'daily' } },
      storage: Size.gibibytes(20),
      storageClassName: 'gp3',
      volumeName: PV,
    });
    const [synthesized] = synthValid(chart);
    expect(heredocs(stdout)).toEqual([Yaml.stringify(synthesized)]);
  });

  test('a volume already Retain: neither set nor restored', async () => {
    const items = fixtureItems();
    item(items, 'PersistentVolume').spec.persistentVolumeReclaimPolicy = 'Retain';
    const { code, stdout } = await migrate(['db/postgres-data', '-'], asInput(items));
    expect(code).toBe(0);
    expect(stdout).not.toContain('"persistentVolumeReclaimPolicy":"Retain"}}\'\n');
    expect(stdout).not.toContain('"persistentVolumeReclaimPolicy":"Delete"');
    expect(stdout).toContain('# 2. Reclaim policy: already Retain (keep the volume when the claim is deleted)\n');
    expect(stdout).toContain('#  passed      reclaim-policy  Retain already: the volume outlives the claim\n');
    expect(stdout).toContain(`echo 'PersistentVolume ${PV}: reclaim policy Retain (it was Retain before).`);
  });

  test('a claim with GitOps tracking gets a step to pause the sync; without, none', async () => {
    const managed = await migrate(['db/postgres-data', INPUT]);
    expect(managed.stdout).toContain('# 1. The claim is managed (app.kubernetes.io/instance): pause its Argo CD / Flux / Helm sync first, or it re-creates the old claim;');
    const items = fixtureItems();
    delete item(items, 'PersistentVolumeClaim').metadata.labels;
    const plain = await migrate(['db/postgres-data', '-'], asInput(items));
    expect(plain.stdout).not.toContain('pause its Argo CD');
    expect(plain.stdout).toContain('# 1. Reclaim policy Retain: keep the volume when the claim is deleted\n');
  });

  test('the user\'s Argo CD sync options are kept, ours appended', async () => {
    const items = fixtureItems();
    item(items, 'PersistentVolumeClaim').metadata.annotations['argocd.argoproj.io/sync-options'] = 'ServerSideApply=true,Prune=false';
    const { stdout } = await migrate(['db/postgres-data', '-'], asInput(items));
    expect(YAML.parse(heredocs(stdout)[0]).metadata.annotations['argocd.argoproj.io/sync-options']).toBe('ServerSideApply=true,Prune=false,Delete=false');
  });

  // One workload at a time: a claim that several workloads mount is refused (the rules find it shared once it is RWOP).
  const podSpec = { containers: [{ name: 'c', image: 'registry.example/c:1.0.0' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'postgres-data' } }] };
  const template = { metadata: { labels: { app: 'x' } }, spec: podSpec };
  const cronJob = (name: string, extra: object) => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'db' },
    spec: { schedule: '0 2 * * *', concurrencyPolicy: 'Forbid', ...extra, jobTemplate: { spec: { template: { ...template, spec: { ...podSpec, restartPolicy: 'OnFailure' } } } } },
  });
  test.each<[string, object, string[]]>([
    ['StatefulSet', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'pg', namespace: 'db' }, spec: { replicas: 1, serviceName: 'pg', selector: { matchLabels: { app: 'x' } }, template } }, [
      'save_replicas statefulset/pg db',
      'restore_replicas statefulset/pg db',
    ]],
    ['CronJob', cronJob('dump', {}), [
      'kubectl patch cronjob/dump -n db -p \'{"spec":{"suspend":true}}\'',
      'kubectl patch cronjob/dump -n db -p \'{"spec":{"suspend":false}}\'',
    ]],
    ['suspended CronJob', cronJob('paused', { suspend: true }), [
      'kubectl patch cronjob/paused -n db -p \'{"spec":{"suspend":true}}\'',
      '# CronJob paused was suspended before the migration: left suspended',
    ]],
    ['Job', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'restore-check', namespace: 'db' }, spec: { template: { ...template, spec: { ...podSpec, restartPolicy: 'Never' } } } }, [
      'kubectl wait --for=condition=complete job/restore-check -n db --timeout=1h',
      '# Job restore-check ran to completion before the migration: nothing to restart',
    ]],
    ['bare Pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'psql-shell', namespace: 'db' }, spec: podSpec, status: { phase: 'Running' } }, [
      'kubectl delete pod/psql-shell -n db',
      'kubectl wait --for=delete pod/psql-shell -n db --timeout=10m',
      '# Pod/psql-shell is not managed by a controller: re-create it from its manifest',
    ]],
  ])('a %s is stopped its way and started again', async (_, workload, lines) => {
    const items = fixtureItems().filter((candidate) => !['Deployment', 'ReplicaSet', 'Pod'].includes(candidate.kind));
    items.push(workload, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'other-namespace', namespace: 'web' }, spec: podSpec, status: { phase: 'Running' } });
    const { code, stdout, stderr } = await migrate(['db/postgres-data', '-'], asInput(items));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const order = positions(stdout, lines);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(stdout).not.toContain('other-namespace');
    expectCleanScript(stdout);
  });

  test('a StatefulSet\'s RWO templates are pointed out', async () => {
    const items = fixtureItems().filter((candidate) => !['Deployment', 'ReplicaSet', 'Pod'].includes(candidate.kind));
    items.push({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'pg', namespace: 'db' }, spec: { replicas: 1, serviceName: 'pg', selector: { matchLabels: { app: 'x' } }, template } });
    const { stdout } = await migrate(['db/postgres-data', '-'], asInput(items));
    expect(stdout).toMatch(/StatefulSet\/pg still asks for ReadWriteOnce in its volumeClaimTemplates \(immutable\)/);
  });
});

describe('via snapshot, with the input', () => {
  test('stop, Retain, snapshot and wait for readyToUse, delete, re-create from the snapshot, start; the old volume kept', async () => {
    const { code, stdout } = await migrate(['db/postgres-data', '--via', 'snapshot', INPUT]);
    expect(code).toBe(0);
    const order = positions(stdout, [
      'save_replicas deployment/postgres db',
      `kubectl patch pv/${PV} -p '{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}'`,
      "kubectl apply -f - <<'EOF'",
      "kubectl wait --for=jsonpath='{.status.readyToUse}'=true volumesnapshot/postgres-data-before-rwop -n db --timeout=30m",
      '  kubectl delete pvc/postgres-data -n db --timeout=2m',
      'restore_replicas deployment/postgres db',
      `# kubectl delete pv/${PV}`,
    ]);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(stdout).not.toContain('claimRef');
    expect(stdout).toContain('#  passed      snapshot-class  VolumeSnapshotClass ebs-retain (driver ebs.csi.aws.com)\n');
    expectCleanScript(stdout);
    expect(stdout).toMatchSnapshot();
  });

  test('the snapshot and the claim are what VolumeSnapshot and ExclusiveVolume (fromSnapshotName) synthesize, and valid', async () => {
    const { stdout } = await migrate(['db/postgres-data', '--via', 'snapshot', '--snapshot-name', 'pg-pre-rwop', INPUT]);
    const blocks = heredocs(stdout);
    expect(blocks).toHaveLength(2);
    const chart = testChart();
    new VolumeSnapshot(chart, 'Snapshot', {
      metadata: { name: 'pg-pre-rwop', namespace: 'db' },
      source: VolumeSnapshotSource.fromClaimName('postgres-data'),
      snapshotClass: VolumeSnapshotClass.fromSnapshotClassName(chart, 'Class', 'ebs-retain'),
    });
    new ExclusiveVolume(chart, 'Data', {
      metadata: { name: 'postgres-data', namespace: 'db', labels: claimLabels, annotations: { 'backup.example.com/schedule': 'daily' } },
      storage: Size.gibibytes(20),
      storageClassName: 'gp3',
      dataSource: VolumeDataSource.fromSnapshotName('pg-pre-rwop'),
    });
    const synthesized = synthValid(chart);
    expect(blocks).toEqual(synthesized.map((object) => Yaml.stringify(object)));
    expectValidManifests(blocks.map((block) => YAML.parse(block)));
  });

  test('a restore asks for the old capacity when it is larger than the request (the snapshot is that large)', async () => {
    const items = fixtureItems();
    const claim = item(items, 'PersistentVolumeClaim');
    claim.spec.resources.requests.storage = '500Mi';
    claim.status.capacity.storage = '1Gi';
    const { stdout } = await migrate(['db/postgres-data', '--via', 'snapshot', '-'], asInput(items));
    expect(YAML.parse(heredocs(stdout)[1]).spec.resources.requests.storage).toBe('1Gi');
  });

  test('a ReadWriteMany claim cannot go in place, but can via a snapshot', async () => {
    const items = fixtureItems();
    item(items, 'PersistentVolumeClaim').spec.accessModes = ['ReadWriteMany'];
    const inPlace = await migrate(['db/postgres-data', '-'], asInput(items));
    expect(inPlace.code).toBe(1);
    expect(inPlace.stderr).toMatch(/failed {6}access-modes {4}the claim asks for \[ReadWriteMany\]: only a ReadWriteOnce-only claim can be migrated in place .*use --via snapshot/);
    const viaSnapshot = await migrate(['db/postgres-data', '--via', 'snapshot', '-'], asInput(items));
    expect(viaSnapshot.code).toBe(0);
  });

  test('a class given by name but not in the input, or no class in the input at all, is checked by the script', async () => {
    const given = await migrate(['db/postgres-data', '--via', 'snapshot', '--snapshot-class', 'csi-snapshot-class', INPUT]);
    expect(given.code).toBe(0);
    expect(given.stdout).toContain('#  at-run-time snapshot-class  VolumeSnapshotClass csi-snapshot-class: the script checks that it exists\n');
    expect(given.stdout).toContain('[ "$(kubectl get volumesnapshotclass/csi-snapshot-class -o jsonpath=\'{.driver}\')" = "ebs.csi.aws.com" ] || stop "VolumeSnapshotClass csi-snapshot-class does not exist or is not for driver ebs.csi.aws.com"\n');
    const items = fixtureItems().filter((candidate) => candidate.kind !== 'VolumeSnapshotClass');
    const none = await migrate(['db/postgres-data', '--via', 'snapshot', '-'], asInput(items));
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('kubectl get crd/volumesnapshots.snapshot.storage.k8s.io >/dev/null || stop "the VolumeSnapshot CRDs are not installed (external-snapshotter)"\n');
    expect(none.stdout).toContain('[ -n "$(kubectl get volumesnapshotclass -o jsonpath="{.items[?(@.driver==\\"ebs.csi.aws.com\\")].metadata.name}")" ] || stop "no VolumeSnapshotClass for driver ebs.csi.aws.com"\n');
    expect(YAML.parse(heredocs(none.stdout)[0]).spec).toEqual({ source: { persistentVolumeClaimName: 'postgres-data' } });
    expectCleanScript(none.stdout);
  });
});

describe('pre-flight checks that stop the plan (exit 1, the reasons on stderr, nothing on stdout)', () => {
  const cases: Array<[string, (items: any[]) => void, string, RegExp, string[]?]> = [
    ['already ReadWriteOncePod', (items) => { item(items, 'PersistentVolumeClaim').spec.accessModes = ['ReadWriteOncePod']; }, 'access-modes', /already asks for ReadWriteOncePod \[ReadWriteOncePod\]: nothing to migrate/],
    ['already ReadWriteOncePod (via snapshot too)', (items) => { item(items, 'PersistentVolumeClaim').spec.accessModes = ['ReadWriteOncePod']; }, 'access-modes', /nothing to migrate/, ['--via', 'snapshot']],
    ['RWO and ROX together', (items) => { item(items, 'PersistentVolumeClaim').spec.accessModes = ['ReadWriteOnce', 'ReadOnlyMany']; }, 'access-modes', /\[ReadWriteOnce, ReadOnlyMany\]: only a ReadWriteOnce-only claim/],
    ['not bound', (items) => {
      const claim = item(items, 'PersistentVolumeClaim');
      claim.status = { phase: 'Pending' };
      delete claim.spec.volumeName;
    }, 'bound', /the claim is Pending: only a Bound claim has a volume to migrate/],
    ['an in-tree volume', (items) => {
      const volume = item(items, 'PersistentVolume');
      delete volume.spec.csi;
      volume.spec.awsElasticBlockStore = { fsType: 'ext4', volumeID: 'aws://eu-west-1a/vol-0abc' };
    }, 'csi', new RegExp(`${PV} is not a CSI volume \\(a awsElasticBlockStore volume\\): Kubernetes supports ReadWriteOncePod for CSI volumes only`)],
    ['the PV missing from the input', (items) => { items.splice(items.indexOf(item(items, 'PersistentVolume')), 1); }, 'csi', new RegExp(`the input has no PersistentVolume ${PV}, .*: add it \\(kubectl get pv ${PV} -o json\\)`)],
    ['a file system resize pending', (items) => {
      item(items, 'PersistentVolumeClaim').status.conditions = [{ type: 'FileSystemResizePending', status: 'True', lastTransitionTime: '2025-03-10T09:00:00Z', message: 'Waiting for user to (re-)start a pod to finish file system resize of volume on node.' }];
    }, 'no-resize', /a resize is pending \(condition FileSystemResizePending\): let it finish first/],
    ['a controller resize in progress', (items) => { item(items, 'PersistentVolumeClaim').status.allocatedResourceStatuses = { storage: 'ControllerResizeInProgress' }; }, 'no-resize', /allocatedResourceStatuses.storage ControllerResizeInProgress/],
    ['a request above the capacity', (items) => { item(items, 'PersistentVolumeClaim').spec.resources.requests.storage = '30Gi'; }, 'no-resize', /requested 30Gi is more than the capacity 20Gi/],
    ['a DaemonSet mounting it', (items) => {
      items.push({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'db' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'registry.example/c:1.0.0' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'postgres-data' } }] } } } });
    }, 'workloads', /DaemonSet\/agent mounts the claim: a DaemonSet cannot be scaled to zero/],
    ['a snapshot class of another driver', (items) => { item(items, 'PersistentVolume').spec.csi.driver = 'pd.csi.storage.gke.io'; }, 'snapshot-class', /VolumeSnapshotClass ebs-retain is for driver ebs.csi.aws.com, and the volume's driver is pd.csi.storage.gke.io/, ['--via', 'snapshot', '--snapshot-class', 'ebs-retain']],
    ['no snapshot class for the driver', (items) => { item(items, 'VolumeSnapshotClass').driver = 'disk.csi.azure.com'; }, 'snapshot-class', /no VolumeSnapshotClass in the input is for driver ebs.csi.aws.com/, ['--via', 'snapshot']],
  ];

  test.each(cases)('%s', async (_, change, failedId, detail, extra = []) => {
    const items = fixtureItems();
    change(items);
    const { code, stdout, stderr } = await migrate(['db/postgres-data', ...extra, '-'], asInput(items));
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    const [first, ...checks] = stderr.trimEnd().split('\n');
    expect(first).toMatch(/^rwop migrate: cannot migrate db\/postgres-data (in place|via a snapshot): 1 pre-flight check failed$/);
    const failed = checks.filter((line) => line.startsWith('  failed'));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(new RegExp(`^ {2}failed {6}${failedId} +`));
    expect(failed[0]).toMatch(detail);
  });

  test('a claim the input does not have', async () => {
    const { code, stderr } = await migrate(['db/other-data', INPUT]);
    expect(code).toBe(1);
    expect(stderr).toBe('rwop migrate: cannot migrate db/other-data in place: 1 pre-flight check failed\n'
      + '  failed      claim-found  the input has no PersistentVolumeClaim db/other-data: give its JSON (kubectl get pvc other-data -n db -o json), or no input at all to check everything at run time\n');
  });

  test('json: the blocked plan, with every check and no step', async () => {
    const items = fixtureItems();
    item(items, 'PersistentVolumeClaim').spec.accessModes = ['ReadWriteOncePod'];
    const { code, stdout } = await migrate(['db/postgres-data', '-f', 'json', '-'], asInput(items));
    expect(code).toBe(1);
    const plan = JSON.parse(stdout) as JsonPlan;
    expect(plan).toMatchObject({ schemaVersion: 1, exitCode: 1, blocked: true, steps: [], objects: [], checkedAgainstInput: true, volume: PV });
    expect(plan.checks.map((check) => [check.id, check.status])).toEqual([
      ['claim-found', 'passed'], ['access-modes', 'failed'], ['bound', 'passed'], ['csi', 'passed'], ['no-resize', 'passed'], ['workloads', 'passed'], ['reclaim-policy', 'passed'],
    ]);
    expect(plan.workloads.map((use) => use.workload)).toEqual(['Deployment/postgres']);
  });
});

describe('without input: the checks are steps of the script', () => {
  test.each([['in-place'], ['snapshot']])('--via %s: every check at run time, then the same steps with the facts read by kubectl', async (via) => {
    const { code, stdout } = await migrate(['db/postgres-data', '--via', via]);
    expect(code).toBe(0);
    expect(stdout).toContain('# Pre-flight checks, made by this script (no input was given):\n');
    positions(stdout, [
      'kubectl get pvc/postgres-data -n db >/dev/null || stop "there is no PersistentVolumeClaim db/postgres-data"',
      'PV=$(kubectl get pvc/postgres-data -n db -o jsonpath=\'{.spec.volumeName}\')',
      '[ -n "$DRIVER" ] || stop "PersistentVolume $PV is not a CSI volume: Kubernetes supports ReadWriteOncePod for CSI volumes only"',
      '[ -z "$RESIZING" ] || stop "a resize or modification is pending ($RESIZING): let it finish first"',
      '[ "$USED_BY" = \'<none>\' ] || stop "pod $USED_BY still mounts db/postgres-data: stop its workload first (kubectl describe pvc/postgres-data -n db, Used By)"',
      '  [ "$(kubectl get "pv/$PV" -o jsonpath=\'{.spec.persistentVolumeReclaimPolicy}\')" = Retain ] || stop "PersistentVolume $PV is not Retain: deleting the claim would delete the volume"',
    ]);
    expect(stdout).toContain(via === 'in-place'
      ? '[ "$MODES" = \'["ReadWriteOnce"]\' ] || stop "the claim asks for $MODES: only a ReadWriteOnce-only claim can be migrated in place"\n'
      : 'case "$MODES" in *ReadWriteOncePod*) stop "the claim already asks for ReadWriteOncePod: nothing to migrate" ;; esac\n');
    expectCleanScript(stdout);
    // The claim's YAML reads its facts from the shell: filled in, it is a valid claim; an empty class stays "".
    const claimBlock = heredocs(stdout).find((block) => block.includes('PersistentVolumeClaim'))!;
    const fill = (values: Record<string, string>) => claimBlock.replace(/\$\{(\w+)\}/g, (_, name: string) => values[name]);
    const filled = YAML.parse(fill({ STORAGE: '20Gi', CAPACITY: '20Gi', STORAGE_CLASS: 'gp3', VOLUME_MODE: 'Filesystem', PV }));
    expectValidManifests([filled]);
    expect(filled.spec).toMatchObject({ accessModes: ['ReadWriteOncePod'], storageClassName: 'gp3', resources: { requests: { storage: '20Gi' } } });
    expect(YAML.parse(fill({ STORAGE: '20Gi', CAPACITY: '20Gi', STORAGE_CLASS: '', VOLUME_MODE: 'Filesystem', PV })).spec.storageClassName).toBe('');
  });

  test('json: checks at run time, no workload named', async () => {
    const { code, stdout } = await migrate(['db/postgres-data', '--format', 'json']);
    expect(code).toBe(0);
    const plan = JSON.parse(stdout) as JsonPlan;
    expect(plan).toMatchObject({ exitCode: 0, blocked: false, checkedAgainstInput: false, volume: null, workloads: [], via: 'in-place' });
    expect(new Set(plan.checks.map((check) => check.status))).toEqual(new Set(['at-run-time']));
    expect(plan.steps.map((step) => step.title)).toEqual([
      'Pre-flight checks: read the claim and its volume, stop with the reason if one fails',
      'Reclaim policy Retain: keep the volume when the claim is deleted',
      'Check that no pod mounts the claim: stop its workloads before running this script',
      'Save the claim, then delete it (the volume stays: Retain)',
      'Let a new claim bind the volume: clear its claimRef.uid (the volume stays reserved for the claim name)',
      'Make the volume ReadWriteOncePod only (it cannot be combined with another access mode)',
      'Re-create the claim as ReadWriteOncePod, bound to the volume by volumeName (what ExclusiveVolume with volumeName synthesizes)',
      'Start the workloads that you stopped',
      'Restore the reclaim policy the volume had before',
    ]);
  });
});

describe('usage', () => {
  test.each([
    [[], /name the claim: rwop migrate <namespace>\/<claim>, or rwop migrate -n <namespace> <claim>/],
    [['db/postgres-data', '--via', 'clone'], /--via must be one of in-place, snapshot; got "clone"/],
    [['db/postgres-data', '--snapshot-class', 'x'], /--snapshot-class and --snapshot-name go with --via snapshot/],
    [['db/postgres-data', '-n', 'other'], /the claim "db\/postgres-data" is in namespace "db", but --namespace says "other"/],
    [['db/Postgres_Data'], /claim "Postgres_Data" is not an object name/],
    [['DB/postgres-data'], /"DB" is not a namespace name/],
    [['db/postgres-data', '--format', 'yaml'], /--format must be one of text, json; got "yaml"/],
    [['db/postgres-data', 'missing.json'], /^rwop migrate: missing.json: cannot read: no such file or directory/],
  ])('%j exits 2', async (argv, message) => {
    const { code, stdout, stderr } = await migrate(argv);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(message);
  });

  test('a claim name alone is in namespace "default"', async () => {
    const plan = JSON.parse((await migrate(['postgres-exclusive-data', '-f', 'json'])).stdout) as JsonPlan;
    expect(plan).toMatchObject({ namespace: 'default', claim: 'postgres-exclusive-data' });
  });

  test('--help', async () => {
    const { code, stdout } = await migrate(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: rwop migrate \[options\] <namespace>\/<claim> \[paths\.\.\.\|-\]/);
    expect(stdout).toMatch(/Exit codes: 0 the plan is printed; 1 a pre-flight check failed/);
  });
});

test('README.md, Operations: its rwop migrate example is the real output', async () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const shown = /\n\$ cat migrate\.sh\n([\s\S]*?)\n\$ bash migrate\.sh\n/.exec(doc);
  expect(shown).not.toBeNull();
  const { stdout } = await migrate(['db/postgres-data', INPUT]);
  expect(shown![1] + '\n').toBe(stdout);
});

test.each([
  ['20Gi', 20 * 2 ** 30], ['500Mi', 500 * 2 ** 20], ['1.5Ti', 1.5 * 2 ** 40], ['10G', 1e10], ['1e9', 1e9], ['100', 100], ['250m', 0.25],
])('quantityBytes(%s)', (quantity, bytes) => {
  expect(quantityBytes(quantity)).toBe(bytes);
});

test.each(['', 'Gi', '20 Gi', '20GB', 'twenty'])('quantityBytes(%j) is not a quantity', (quantity) => {
  expect(quantityBytes(quantity)).toBeUndefined();
});

describe('pre-flight: the rules over the input as if the claim were already ReadWriteOncePod', () => {
  /** The fixture with its Deployment on the default strategy (RollingUpdate) and a nightly CronJob that mounts the claim. */
  function rollingUpdateAndCronJob(): any[] {
    const items = fixtureItems();
    delete item(items, 'Deployment').spec.strategy;
    items.push({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly-dump', namespace: 'db' },
      spec: {
        schedule: '0 2 * * *',
        jobTemplate: {
          spec: {
            template: {
              spec: {
                restartPolicy: 'OnFailure',
                containers: [{ name: 'dump', image: 'postgres:16.4' }],
                volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'postgres-data' } }],
              },
            },
          },
        },
      },
    });
    return items;
  }

  test('a default-RollingUpdate Deployment and a CronJob on the claim: refused, each new hazard with its fix and the patch command', async () => {
    const { code, stdout, stderr } = await migrate(['db/postgres-data', '-'], asInput(rollingUpdateAndCronJob()));
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toContain('  failed      new-hazards     once the claim is ReadWriteOncePod, the rules find 4 new hazards; fix each first, then run rwop migrate again:\n');
    const hazards = stderr.split('\n').filter((line) => line.startsWith('    - ')).map((line) => line.split(':')[0]);
    expect(hazards).toEqual([
      '    - error rwop-claim-shared', '    - error rwop-job-mounts-held-claim', '    - error rwop-rolling-update-surge', '    - warning rwop-cronjob-overlap',
    ]);
    expect(stderr).toContain('Before the migration: kubectl patch deployment/postgres -n db --type=merge -p \'{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}\'\n');
    expect(stderr).toContain('Before the migration: kubectl patch cronjob/nightly-dump -n db --type=merge -p \'{"spec":{"concurrencyPolicy":"Forbid"}}\'\n');
  });

  test('the Deployment alone, switched to Recreate as the fix says: the migration is printed', async () => {
    const items = rollingUpdateAndCronJob().filter((candidate) => candidate.kind !== 'CronJob');
    const refused = await migrate(['db/postgres-data', '-'], asInput(items));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/the rules find 1 new hazard; fix it first[^]*rwop-rolling-update-surge/);
    item(items, 'Deployment').spec.strategy = { type: 'Recreate' };
    const { code, stdout } = await migrate(['db/postgres-data', '-'], asInput(items));
    expect(code).toBe(0);
    expect(stdout).toContain('#  passed      new-hazards     the rules find no hazard that ReadWriteOncePod would create in the input\n');
  });

  test('a hazard the input already has is not the migration\'s: it does not stop it', async () => {
    const items = fixtureItems();
    item(items, 'Deployment').spec.template.spec.containers[0].image = 'postgres:latest';
    expect(runRules(items.map((object) => ({ object }))).map((found) => found.ruleId)).toContain('unpinned-image');
    const { code } = await migrate(['db/postgres-data', '-'], asInput(items));
    expect(code).toBe(0);
  });
});

describe('values from the input that the script would use are checked against their Kubernetes syntax', () => {
  const cases: Array<[string, (items: any[]) => void, string]> = [
    ['a PV name with a command substitution', (items) => {
      item(items, 'PersistentVolumeClaim').spec.volumeName = '$(touch canary)';
      item(items, 'PersistentVolume').metadata.name = '$(touch canary)';
    }, 'PersistentVolumeClaim db/"postgres-data": spec.volumeName "$(touch canary)" is not a DNS-1123 subdomain'],
    ['a pod named --all', (items) => { item(items, 'Pod').metadata.name = '--all'; }, 'Pod db/"--all": metadata.name "--all" is not a DNS-1123 subdomain'],
    ['an owner name with a newline', (items) => { item(items, 'ReplicaSet').metadata.ownerReferences[0].name = 'postgres\ntouch canary'; },
      'ReplicaSet db/"postgres-7c9d8f6b5": metadata.ownerReferences[0].name "postgres\\ntouch canary" is not a DNS-1123 subdomain'],
    ['an owner kind toString', (items) => { item(items, 'Pod').metadata.ownerReferences[0].kind = 'to String'; },
      'Pod db/"postgres-7c9d8f6b5-x2kqz": metadata.ownerReferences[0].kind "to String" is not a kind'],
    ['a reclaim policy with a quote', (items) => { item(items, 'PersistentVolume').spec.persistentVolumeReclaimPolicy = "Delete'; touch canary; '"; },
      `PersistentVolume "${PV}": spec.persistentVolumeReclaimPolicy "Delete'; touch canary; '" is not Retain, Delete, Recycle`],
    ['a CSI driver with backticks', (items) => { item(items, 'PersistentVolume').spec.csi.driver = 'ebs`touch canary`'; },
      `PersistentVolume "${PV}": spec.csi.driver "ebs\`touch canary\`" is not a CSI driver name`],
  ];

  test.each(cases)('%s: refused with exit 1, naming the object, the field and the value', async (_, change, problem) => {
    const items = fixtureItems();
    change(items);
    for (const via of ['in-place', 'snapshot']) {
      const { code, stdout, stderr } = await migrate(['db/postgres-data', '--via', via, '-'], asInput(items));
      expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
      expect(stderr).toContain(`  failed      input-values  the input has values that the API server would not accept and that the script would have to use: ${problem}`);
    }
  });
});
