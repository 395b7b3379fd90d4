// `rwop migrate` against a dump that carries hostile values (metacharacters, quotes, newlines, leading dashes, `$()`,
// backticks, `--all`) in every field the script would use. Each printed script is RUN by bash with nothing on PATH but
// a logging stand-in kubectl and logging stand-ins for the few commands the script calls (seq, sleep, sed): nothing
// else may run, no file may appear, and every kubectl argument must be exactly the word a benign dump gives, with the
// value in its place. A value the API server would refuse must be refused (exit 1, naming it) before any script.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { rwop } from './support';
import { isCsiDriverName, isDns1123Subdomain } from '../../src/core/names';
import { propertyRuns } from '../harness/property-runs';

const RUNS = propertyRuns(10);
// Each run spawns bash and a dozen stand-in kubectl processes.
const TIMEOUT = 60_000 + RUNS * 20_000;
const FIXTURES = path.join(__dirname, 'fixtures', 'migrate');
const PV = 'pvc-d8c2d33c-c365-4a87-ac2d-9f03565cc597';
const BASH = '/bin/bash';
const SED = fs.existsSync('/usr/bin/sed') ? '/usr/bin/sed' : '/bin/sed';

/** Hostile values: each would run `touch canary` (or list, or delete everything) if it reached the shell unquoted. */
const HOSTILE_SEEDS = [
  '$(touch canary)', '`touch canary`', "x'; touch canary; '", 'x"; touch canary; "', 'x\ntouch canary', '--all', '-n', 'a b',
  '$(touch${IFS}canary)', 'x;touch canary', 'x|touch canary', 'x&&touch canary', '>canary', '*', '~', 'x\nEOF\ntouch canary\nEOF',
  '\\', "'", '"', '$HOME', '#', 'x)', '-o=name', 'pv/--all',
];
const hostile = fc.oneof(
  fc.constantFrom(...HOSTILE_SEEDS),
  fc.stringOf(fc.constantFrom('$(', ')', '`', "'", '"', ';', '\n', '-', '--', ' ', '\\', '|', '&', '>', 'touch canary', 'a', '.', '0'), { minLength: 1, maxLength: 12 }),
);
/** Names the API server accepts, odd ones included: every one must reach the script as exactly itself. */
const validName = fc.oneof(
  fc.constantFrom('a', '0', 'all', 'x.y', 'n-1', 'a'.repeat(253), 'rm', 'true', 'eof'),
  fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?(\.[a-z0-9]{1,4})?$/),
);

interface Field {
  readonly name: string;
  /** The value in place of the benign one, in the dump (and the cluster). */
  readonly set: (items: any[], value: string) => void;
  /** Whether the API server accepts the value in this field (else migrate must refuse it). */
  readonly valid: (value: string) => boolean;
  /**
   * For a field whose valid values leave the migration as it is: the kubectl arguments it appears in, as [benign
   * argument, the argument with `value`]; the run must make the benign run's calls with these in their place.
   */
  readonly words?: (value: string) => Array<[string, string]>;
}

const one = (items: any[], kind: string) => items.find((candidate) => candidate.kind === kind);

const FIELDS: readonly Field[] = [
  {
    name: 'PersistentVolume name',
    set: (items, value) => {
      one(items, 'PersistentVolumeClaim').spec.volumeName = value;
      one(items, 'PersistentVolume').metadata.name = value;
    },
    valid: isDns1123Subdomain,
    words: (value) => [[`pv/${PV}`, `pv/${value}`]],
  },
  {
    name: 'pod name',
    set: (items, value) => { one(items, 'Pod').metadata.name = value; },
    valid: isDns1123Subdomain,
    words: (value) => [['pod/postgres-7c9d8f6b5-x2kqz', `pod/${value}`]],
  },
  {
    name: 'Deployment name (and the ReplicaSet\'s owner reference)',
    set: (items, value) => {
      one(items, 'Deployment').metadata.name = value;
      one(items, 'ReplicaSet').metadata.ownerReferences[0].name = value;
    },
    valid: isDns1123Subdomain,
    words: (value) => [['deployment/postgres', `deployment/${value}`]],
  },
  // Another owner: another workload to stop (one the fake cluster does not have), so no benign run to compare with.
  { name: 'the pod\'s owner reference name', set: (items, value) => { one(items, 'Pod').metadata.ownerReferences[0].name = value; }, valid: isDns1123Subdomain },
  { name: 'the ReplicaSet\'s owner reference kind', set: (items, value) => { one(items, 'ReplicaSet').metadata.ownerReferences[0].kind = value; }, valid: (value) => /^[A-Za-z][A-Za-z0-9]*$/.test(value) },
  {
    name: 'storage class',
    set: (items, value) => {
      one(items, 'PersistentVolumeClaim').spec.storageClassName = value;
      one(items, 'PersistentVolume').spec.storageClassName = value;
    },
    valid: isDns1123Subdomain,
    words: () => [],
  },
  { name: 'CSI driver', set: (items, value) => { one(items, 'PersistentVolume').spec.csi.driver = value; }, valid: isCsiDriverName },
  {
    name: 'reclaim policy',
    set: (items, value) => { one(items, 'PersistentVolume').spec.persistentVolumeReclaimPolicy = value; },
    valid: (value) => value === 'Delete',
  },
  { name: 'volume mode', set: (items, value) => { one(items, 'PersistentVolumeClaim').spec.volumeMode = value; }, valid: (value) => value === 'Filesystem' },
  // Free text: it reaches the script (the claim's YAML), so it must stay data whatever it holds.
  {
    name: 'claim annotation value',
    set: (items, value) => { one(items, 'PersistentVolumeClaim').metadata.annotations['backup.example.com/schedule'] = value; },
    valid: () => true,
    words: () => [],
  },
];

let workDir: string;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rwop-migrate-hostile-'));
});

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

function fixtureItems(): any[] {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, 'postgres-rwo.json'), 'utf8')).items;
}

interface Sandboxed {
  readonly code: number | null;
  readonly stderr: string;
  readonly calls: string[][];
  /** The other commands the script ran (stand-ins log them), and those it tried that do not exist. */
  readonly others: string[];
  readonly notFound: string[];
  /** Files the run left in its directory, beyond the claim's saved copy. */
  readonly strayFiles: string[];
}

/** Runs `script` in a fresh directory against `objects`, with only the stand-ins on PATH. */
function runSandboxed(script: string, objects: any[]): Sandboxed {
  const dir = fs.mkdtempSync(path.join(workDir, 'run-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const log = (name: string) => `printf '%s\\n' "${name} $*" >> "${path.join(dir, 'others.log')}"`;
  fs.writeFileSync(path.join(bin, 'kubectl'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(FIXTURES, 'fake-kubectl.js')}" "$@"\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'seq'), `#!/bin/sh\n${log('seq')}\necho 1; echo 2\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'sleep'), `#!/bin/sh\n${log('sleep')}\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'sed'), `#!/bin/sh\n${log('sed')}\nexec ${SED} "$@"\n`, { mode: 0o755 });
  const bashEnv = path.join(dir, 'bash-env');
  fs.writeFileSync(bashEnv, `command_not_found_handle() { printf '%s\\n' "$1" >> "${path.join(dir, 'not-found.log')}"; return 127; }\n`);
  for (const file of ['state.json', 'calls.log', 'others.log', 'not-found.log']) fs.writeFileSync(path.join(dir, file), '');
  fs.writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ objects }));
  fs.writeFileSync(path.join(dir, 'migrate.sh'), script);
  const known = new Set(fs.readdirSync(dir));
  const result = spawnSync(BASH, ['migrate.sh'], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: bin, BASH_ENV: bashEnv, FAKE_KUBE_STATE: path.join(dir, 'state.json'), FAKE_KUBE_LOG: path.join(dir, 'calls.log') },
  });
  const lines = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8').split('\n').filter((line) => line !== '');
  return {
    code: result.status,
    stderr: result.stderr,
    calls: lines('calls.log').map((line) => JSON.parse(line)),
    others: lines('others.log'),
    notFound: lines('not-found.log'),
    strayFiles: fs.readdirSync(dir).filter((file) => !known.has(file) && file !== 'postgres-data.db.pvc-backup.yaml'),
  };
}

function expectOnlyKubectlRan(run: Sandboxed): void {
  expect({ notFound: run.notFound, strayFiles: run.strayFiles }).toEqual({ notFound: [], strayFiles: [] });
  for (const other of run.others) expect(other).toMatch(/^(seq 60|sleep 10|sed -n s\/\^Used By:\[\[:space:\]\]\*\/\/p)$/);
}

const baselines = new Map<string, string[][]>();

/** The kubectl calls of the benign dump's script, per path. */
async function baseline(via: string): Promise<string[][]> {
  let calls = baselines.get(via);
  if (!calls) {
    const { code, stdout } = await rwop(['migrate', 'db/postgres-data', '--via', via, '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: fixtureItems() }) });
    expect(code).toBe(0);
    const run = runSandboxed(stdout, fixtureItems());
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    calls = run.calls;
    baselines.set(via, calls);
  }
  return calls;
}

test('hostile values in the dump: refused by name, or a script that runs nothing but kubectl, each argument exactly one intended word', async () => {
  const cases = fc.record({
    field: fc.constantFrom(...FIELDS),
    value: fc.oneof(hostile, validName),
    via: fc.constantFrom('in-place', 'snapshot'),
  });
  await fc.assert(fc.asyncProperty(cases, async ({ field, value, via }) => {
    const items = fixtureItems();
    field.set(items, value);
    const { code, stdout, stderr } = await rwop(['migrate', 'db/postgres-data', '--via', via, '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) });
    if (!field.valid(value)) {
      expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
      expect(stderr).toContain('input-values  the input has values that the API server would not accept and that the script would have to use: ');
      expect(stderr).toContain(JSON.stringify(value));
      return;
    }
    expect(stderr).not.toContain('input-values');
    if (code !== 0) return; // refused for another reason (e.g. no snapshot class for that driver): no script
    const run = runSandboxed(stdout, items);
    expectOnlyKubectlRan(run);
    if (!field.words) return;
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const words = new Map(field.words(value));
    const expected = (await baseline(via)).map((call) => call.map((word) => words.get(word) ?? word));
    expect(run.calls).toEqual(expected);
  }), { numRuns: RUNS });
}, TIMEOUT);

test('hostile values in the cluster, read at run time by the script made without input: it stops at its checks, nothing else runs', async () => {
  const scripts = new Map<string, string>();
  for (const via of ['in-place', 'snapshot']) {
    const { code, stdout } = await rwop(['migrate', 'db/postgres-data', '--via', via]);
    expect(code).toBe(0);
    scripts.set(via, stdout);
  }
  const runTimeFields = FIELDS.filter((field) => ['PersistentVolume name', 'storage class', 'CSI driver', 'reclaim policy', 'volume mode'].includes(field.name));
  const cases = fc.record({ field: fc.constantFrom(...runTimeFields), value: hostile, via: fc.constantFrom('in-place', 'snapshot') });
  await fc.assert(fc.asyncProperty(cases, async ({ field, value, via }) => {
    // Stopped by hand, as the script without input expects: no pods.
    const objects = fixtureItems().filter((candidate) => candidate.kind !== 'Pod');
    field.set(objects, value);
    objects.push({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'volumesnapshots.snapshot.storage.k8s.io' }, spec: {} });
    const run = runSandboxed(scripts.get(via)!, objects);
    expectOnlyKubectlRan(run);
    if (/[^A-Za-z0-9.-]/.test(value)) {
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^rwop migrate: stopped: /);
      // Stopped at the first step, before any change: only reads.
      expect(run.calls.filter((call) => call[0] !== 'get')).toEqual([]);
    }
  }), { numRuns: RUNS });
}, TIMEOUT);
