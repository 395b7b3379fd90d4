// `rwop status` asking the cluster: the real kubectl against a loopback API server serving a recorded cluster (the
// status fixtures), through a temporary kubeconfig. The report must be the one the same cluster gives when piped.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { build } from 'esbuild';
import { ClusterApiStandIn } from './cluster-api';
import { rwop } from './support';
import type { RunOptions } from './support';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(__dirname, 'fixtures', 'status');
// Every situation is judged at one moment, so that piped and live reports can be compared whole.
const NOW = '2025-03-10T09:45:00Z';

const ALL_NAMESPACES_LISTS = [
  '/api/v1/events', '/api/v1/nodes', '/api/v1/persistentvolumeclaims', '/api/v1/persistentvolumes', '/api/v1/pods',
  '/apis/apps/v1/replicasets', '/apis/batch/v1/jobs', '/apis/storage.k8s.io/v1/storageclasses',
];

function recorded(situation: string): any[] {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${situation}.json`), 'utf8')).items;
}

let dir: string;
let api: ClusterApiStandIn | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rwop-status-live-'));
});

afterEach(async () => {
  await api?.stop();
  api = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Starts the stand-in with a recorded situation and returns the environment of a user whose kubeconfig points to it. */
async function cluster(situation: string, kubeconfig: { currentContext?: string; namespace?: string } = {}) {
  api = await ClusterApiStandIn.start(recorded(situation));
  const config = api.writeKubeconfig(dir, kubeconfig);
  // HOME: kubectl caches discovery under ~/.kube/cache; each test starts without one.
  return { config, env: { ...process.env, HOME: dir, KUBECONFIG: config } };
}

/** `rwop status` typed in a terminal (no input piped). */
function live(args: string[], options: RunOptions = {}) {
  return rwop(['status', ...args], { cwd: FIXTURES, stdinIsTTY: true, ...options });
}

function piped(situation: string, args: string[] = []) {
  return rwop(['status', `${situation}.json`, ...args], { cwd: FIXTURES });
}

describe('rwop status with no input asks the cluster through kubectl', () => {
  test.each(['healthy', 'held-second-pod', 'held-rollout', 'stuck-terminating'])('%s: the same report as the piped dump', async (situation) => {
    const { env } = await cluster(situation);
    const fromCluster = await live(['--now', NOW, '--format', 'json'], { env });
    const fromDump = await piped(situation, ['--now', NOW, '--format', 'json']);
    expect(fromCluster.stderr).toBe('');
    expect({ code: fromCluster.code, report: JSON.parse(fromCluster.stdout) }).toEqual({ code: fromDump.code, report: JSON.parse(fromDump.stdout) });
    expect(fromCluster.io.stdinReads).toBe(0);
    expect(api!.listPaths()).toEqual(ALL_NAMESPACES_LISTS);
  });

  test('text: a held claim is reported and exits 1, judged at the clock', async () => {
    const { env } = await cluster('held-second-pod');
    const fromCluster = await live([], { env });
    const fromDump = await piped('held-second-pod', ['--now', new Date().toISOString().replace(/\.\d+Z$/, 'Z')]);
    expect(fromCluster.code).toBe(1);
    expect(fromCluster.stdout).toMatch(/^rwop status at \S+ \(the clock\), all namespaces\n/);
    // Everything but the header and the ages (seconds apart) matches the piped report.
    const shape = (text: string) => text.split('\n').slice(1).join('\n').replace(/\d+[dhms]\b/g, 'N');
    expect(shape(fromCluster.stdout)).toBe(shape(fromDump.stdout));
    expect(fromCluster.stdout).toMatch(/^rwop status: 3 ReadWriteOncePod claims \(3 held\), 2 pods waiting on a held claim, .*: exit 1$/m);
  });

  test('-n is passed on: namespaced lists in that namespace only, and the report is the piped one with -n', async () => {
    const { env } = await cluster('held-rollout');
    const fromCluster = await live(['-n', 'db', '--now', NOW], { env });
    const fromDump = await piped('held-rollout', ['-n', 'db', '--now', NOW]);
    expect({ code: fromCluster.code, stdout: fromCluster.stdout }).toEqual({ code: fromDump.code, stdout: fromDump.stdout });
    expect(fromCluster.code).toBe(1);
    expect(api!.listPaths()).toEqual([
      '/api/v1/namespaces/db/events', '/api/v1/namespaces/db/persistentvolumeclaims', '/api/v1/namespaces/db/pods',
      '/api/v1/nodes', '/api/v1/persistentvolumes',
      '/apis/apps/v1/namespaces/db/replicasets', '/apis/batch/v1/namespaces/db/jobs', '/apis/storage.k8s.io/v1/storageclasses',
    ]);
  });

  test('-A asks every namespace even when the context has a namespace', async () => {
    const { env } = await cluster('healthy', { namespace: 'db' });
    const { code, stdout } = await live(['-A', '--now', NOW], { env });
    expect(code).toBe(0);
    expect(stdout).toMatch(/, all namespaces\n/);
    expect(api!.listPaths()).toEqual(ALL_NAMESPACES_LISTS);
  });

  test('--context and --kubeconfig are passed on (and imply --live with stdin not a terminal)', async () => {
    const { config } = await cluster('healthy', { currentContext: 'other' });
    const env = { ...process.env, HOME: dir, KUBECONFIG: path.join(dir, 'no-such-kubeconfig') };
    const { code, stdout, stderr, io } = await rwop(['status', '--kubeconfig', config, '--context', 'stand-in', '--now', NOW],
      { cwd: FIXTURES, env, stdin: 'never read' });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^rwop status: 2 ReadWriteOncePod claims \(2 held\), 0 pods waiting on a held claim, .*: exit 0$/m);
    expect(io.stdinReads).toBe(0);
    expect(api!.listPaths()).toEqual(ALL_NAMESPACES_LISTS);
  });

  test('--live reads the cluster from a script (stdin not a terminal)', async () => {
    const { env } = await cluster('stuck-terminating');
    const { code, io, stdout } = await rwop(['status', '--live', '--now', NOW], { cwd: FIXTURES, env, stdin: '' });
    expect(code).toBe(1);
    expect(stdout).toMatch(/STUCK/);
    expect(io.stdinReads).toBe(0);
  });

  test('"-" still reads stdin, and no path from a pipe too: kubectl is not run', async () => {
    const { env } = await cluster('healthy');
    const dump = fs.readFileSync(path.join(FIXTURES, 'healthy.json'), 'utf8');
    for (const args of [['-'], []]) {
      const { code, io } = await rwop(['status', ...args], { cwd: FIXTURES, env, stdin: dump, stdinIsTTY: args.length > 0 });
      expect({ code, stdinReads: io.stdinReads }).toEqual({ code: 0, stdinReads: 1 });
    }
    expect(api!.requests).toEqual([]);
  });
});

describe('when kubectl cannot read the cluster: a clear error, exit 2', () => {
  test('the server is unreachable (a closed port)', async () => {
    const { env } = await cluster('healthy');
    const url = api!.url;
    await api!.stop();
    api = undefined;
    const { code, stdout, stderr } = await live([], { env });
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe(`rwop status: kubectl could not reach the API server: The connection to the server ${url.replace('http://', '')} was refused - did you specify the right host or port?\n`
      + 'Check the context (kubectl config current-context) or pass --context or --kubeconfig.\n');
  });

  test('a cluster-scoped list is forbidden: which resource, which verb', async () => {
    const { env } = await cluster('healthy');
    api!.forbidden.add('nodes');
    const { code, stdout, stderr } = await live(['-n', 'db'], { env });
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe('rwop status: User "jane" may not list nodes (API group core) at the cluster scope. rwop status needs get and list on '
      + 'pods, persistentvolumeclaims, persistentvolumes, storageclasses.storage.k8s.io, nodes, events, replicasets.apps, jobs.batch\n');
  });

  test('pods forbidden at the cluster scope: the hint to give -n', async () => {
    const { env } = await cluster('healthy');
    api!.forbidden.add('pods');
    const { code, stderr } = await live([], { env });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^rwop status: User "jane" may not list pods \(API group core\) at the cluster scope\. .*; to look at one namespace, give -n <namespace>\n$/);
  });

  test('a namespaced list forbidden in the namespace given', async () => {
    const { env } = await cluster('healthy');
    api!.forbidden.add('replicasets');
    const { code, stderr } = await live(['-n', 'shop'], { env });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^rwop status: User "jane" may not list replicasets \(API group apps\) in namespace shop\. rwop status needs get and list on [^;]*\n$/);
  });

  test('kubectl is not on PATH', async () => {
    const empty = fs.mkdtempSync(path.join(dir, 'bin-'));
    const { code, stdout, stderr } = await live([], { env: { ...process.env, PATH: empty } });
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe('rwop status: kubectl was not found on PATH; install it (https://kubernetes.io/docs/tasks/tools/), '
      + 'or pipe a dump: kubectl get pods,pvc,pv,storageclasses,nodes,events -A -o json | rwop status -\n');
  });

  test('an unknown context: kubectl\'s own words', async () => {
    const { env } = await cluster('healthy');
    const { code, stderr } = await live(['--context', 'prod'], { env });
    expect(code).toBe(2);
    expect(stderr).toBe('rwop status: kubectl exited with code 1: Error in configuration: context was not found for specified context: prod\n');
  });
});

describe('usage', () => {
  test.each([
    [['--live', 'healthy.json'], '--live, --context and --kubeconfig ask the cluster and read no path; got "healthy.json"'],
    [['--context', 'prod', '-'], '--live, --context and --kubeconfig ask the cluster and read no path; got "-"'],
    [['-n', 'db', '-A'], 'give -n/--namespace or -A/--all-namespaces, not both'],
    [['--context', ''], '--context must name a context of the kubeconfig; got ""'],
  ])('rwop status %j', async (args, message) => {
    const { code, stderr } = await live(args, { env: { ...process.env, PATH: '' } });
    expect({ code, stderr }).toEqual({ code: 2, stderr: `rwop status: ${message}\nRun "rwop status --help" for usage.\n` });
  });
});

describe('kubectl rwop: the kubectl plugin', () => {
  test('package.json installs kubectl-rwop as the same bundled command as rwop', () => {
    const bin = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).bin;
    expect(bin).toEqual({ 'rwop': 'lib/cli/rwop.js', 'kubectl-rwop': 'lib/cli/rwop.js' });
  });

  test('"kubectl rwop status -n db" runs the bundled command found on PATH as kubectl-rwop', async () => {
    const { env } = await cluster('held-rollout');
    // The bundle as the compile task builds it, linked under the plugin's name as npm links a package's bins.
    const binDir = path.join(dir, 'bin');
    fs.mkdirSync(binDir);
    const bundle = path.join(dir, 'lib', 'cli', 'rwop.js');
    await build({ entryPoints: [path.join(ROOT, 'src', 'cli', 'bin.ts')], bundle: true, platform: 'node', target: 'node20', outfile: bundle, logLevel: 'warning' });
    fs.chmodSync(bundle, 0o755);
    fs.symlinkSync(bundle, path.join(binDir, 'kubectl-rwop'));
    const plugins = await run('kubectl', ['plugin', 'list'], { ...env, PATH: `${binDir}:${process.env.PATH}` });
    expect(plugins.stdout).toContain(path.join(binDir, 'kubectl-rwop'));
    const result = await run('kubectl', ['rwop', 'status', '-n', 'db', '--now', NOW], { ...env, PATH: `${binDir}:${process.env.PATH}` });
    const fromDump = await piped('held-rollout', ['-n', 'db', '--now', NOW]);
    expect(result).toEqual({ code: 1, stdout: fromDump.stdout, stderr: '' });
    expect(api!.listPaths()).toContain('/api/v1/namespaces/db/pods');
  });
});

/** A program run as a shell would run it, stdin not a terminal; asynchronous, so that the stand-in keeps answering. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { env, cwd: FIXTURES, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as NodeJS.ErrnoException).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}
