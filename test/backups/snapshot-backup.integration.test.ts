// Runs src/backups/scripts/snapshot-backup.sh with the real kubectl against a loopback stand-in of the snapshot API
// (test/backups/support/snapshot-api.ts). The test plays the snapshot controller: it cuts, readies or fails snapshots.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseLabelSelector } from './support/label-selector-query';
import { runScript, startScript, tempDir, until } from './support/run-script';
import { SnapshotApiStandIn } from './support/snapshot-api';

const SCRIPT = 'snapshot-backup.sh';
const DAY = 86_400;
const SCHEDULED = '2025-01-31T02:00:00Z';
const RUN = '20250131-0200';

function ourLabels(claim = 'pgdata', schedule = 'nightly'): Record<string, string> {
  return { 'app.kubernetes.io/managed-by': 'cdk8s-rwop', 'rwop.dev/backup-schedule': schedule, 'rwop.dev/claim': claim };
}

beforeAll(() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`these tests run the real kubectl client, which is missing or broken: ${(error as Error).message}`);
  }
});

let api: SnapshotApiStandIn;
let dir: { path: string; cleanup: () => void };
let kubeconfig: string;
let terminationLog: string;

beforeEach(async () => {
  api = await SnapshotApiStandIn.start('db');
  dir = tempDir('snapshot-backup');
  kubeconfig = api.writeKubeconfig(dir.path);
  terminationLog = join(dir.path, 'termination-log');
  writeFileSync(terminationLog, '');
});

afterEach(async () => {
  // Whatever the scenario: deletions name exactly one snapshot, never a collection, and the server never failed.
  for (const request of api.requests) {
    if (request.method === 'DELETE') expect(request.path).toMatch(/\/volumesnapshots\/[a-z0-9.-]+$/);
    expect(request.status).toBeLessThan(500);
  }
  await api.stop();
  dir.cleanup();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    KUBECONFIG: kubeconfig,
    HOME: dir.path,
    SCHEDULE_NAME: 'nightly',
    CLAIMS: 'pgdata',
    NAMESPACE: 'db',
    SCHEDULED_TIME: SCHEDULED,
    POLL_SECONDS: '1',
    CUT_TIMEOUT_SECONDS: '10',
    READY_TIMEOUT_SECONDS: '20',
    TERMINATION_MESSAGE_PATH: terminationLog,
    ...extra,
  };
}

/** The snapshot controller cuts each new snapshot after `cutMs` and makes it ready after `readyMs`. */
function controllerCutsThenReadies(cutMs = 150, readyMs = 400): void {
  api.onCreate = name => {
    api.later(cutMs, () => api.cut(name));
    api.later(readyMs, () => api.ready(name));
  };
}

/** One of our earlier snapshots, cut `daysAgo` days ago. */
function seedOurs(name: string, daysAgo: number, state: { ready?: boolean; error?: string; pinned?: boolean; claim?: string } = {}): void {
  const claim = state.claim ?? 'pgdata';
  api.seed({
    name,
    claim,
    labels: { ...ourLabels(claim), ...(state.pinned ? { 'rwop.dev/pin': 'true' } : {}) },
    annotations: { 'rwop.dev/consistency': 'crash-consistent' },
    createdSecondsAgo: daysAgo * DAY + 5,
    cutSecondsAgo: state.error && !state.ready ? undefined : daysAgo * DAY,
    readyToUse: state.ready ?? !state.error,
    error: state.error,
  });
}

describe('snapshot-backup.sh: taking snapshots', () => {
  test('first run: one snapshot per claim, deterministic names from the CronJob Job name, our labels and annotations', async () => {
    controllerCutsThenReadies();
    // A CronJob names its Jobs <cronjob>-<scheduled minutes since the epoch>.
    const minutes = Date.UTC(2025, 0, 31, 2, 0) / 60_000;
    const result = await runScript(SCRIPT, env({
      SCHEDULED_TIME: '', JOB_NAME: `db-nightly-${minutes}`, CLAIMS: 'pgdata wal', SNAPSHOT_CLASS: 'csi-hostpath-snapclass',
    }));

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(api.names()).toEqual([`nightly-pgdata-${RUN}`, `nightly-wal-${RUN}`]);
    expect(api.created()).toEqual([`nightly-pgdata-${RUN}`, `nightly-wal-${RUN}`]);
    expect(api.deleted()).toEqual([]);
    const snapshot = api.get(`nightly-wal-${RUN}`)!;
    expect(snapshot.metadata.labels).toEqual(ourLabels('wal'));
    expect(snapshot.metadata.annotations).toEqual({ 'rwop.dev/scheduled-time': SCHEDULED, 'rwop.dev/consistency': 'crash-consistent' });
    expect(snapshot.spec).toEqual({ volumeSnapshotClassName: 'csi-hostpath-snapclass', source: { persistentVolumeClaimName: 'wal' } });
    // kubectl kept its default strict validation, done by the server.
    expect(api.requests.filter(r => r.method === 'POST').map(r => r.fieldValidation)).toEqual(['Strict', 'Strict']);
    expect(result.stdout).toContain(`ready nightly-pgdata-${RUN}`);
    expect(result.stdout).toContain(`ready nightly-wal-${RUN}`);
    expect(result.stdout).toContain(`keep nightly-wal-${RUN}: made by this run`);
    expect(readFileSync(terminationLog, 'utf8')).toBe('');
  });

  test.each([
    ['epoch seconds', { SCHEDULED_TIME: String(Date.UTC(2025, 0, 31, 2) / 1000) }, `nightly-pgdata-${RUN}`, SCHEDULED],
    ['an RFC 3339 time with an offset', { SCHEDULED_TIME: '2025-01-31T03:00:00+01:00' }, `nightly-pgdata-${RUN}`, SCHEDULED],
    ['a run id for a one-shot Job', { SCHEDULED_TIME: '', SNAPSHOT_RUN_ID: 'initial' }, 'nightly-pgdata-initial', undefined],
    ['a Job name without a time (kubectl create job --from)', { SCHEDULED_TIME: '', JOB_NAME: 'nightly-by-hand' }, 'nightly-pgdata-nightly-by-hand', undefined],
  ])('the run is named from %s', async (_, settings, name, scheduled) => {
    controllerCutsThenReadies();
    const result = await runScript(SCRIPT, env(settings));

    expect(result.code).toBe(0);
    expect(api.names()).toEqual([name]);
    const annotation = api.get(name)!.metadata.annotations['rwop.dev/scheduled-time'];
    if (scheduled) expect(annotation).toBe(scheduled);
    else expect(Math.abs(Date.parse(annotation) - Date.now())).toBeLessThan(60_000);
  });

  test('a checkpointed run quiesces before the create and resumes as soon as the snapshot is cut, before it is ready', async () => {
    controllerCutsThenReadies(300, 3000);
    const journal = join(dir.path, 'journal');
    const name = `nightly-pgdata-${RUN}`;
    const probe = `kubectl get volumesnapshots.snapshot.storage.k8s.io ${name} --ignore-not-found -o go-template='{{with .status}}cut={{.creationTime}} ready={{.readyToUse}}{{end}}'`;
    const result = await runScript(SCRIPT, env({
      QUIESCE_COMMAND: `printf 'quiesce exists=[%s]\\n' "$(${probe} -o name)" >> ${journal}`,
      RESUME_COMMAND: `printf 'resume %s\\n' "$(${probe})" >> ${journal}`,
    }));

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('quiesce exists=[]');
    expect(lines[1]).toMatch(/^resume cut=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ready=false$/);
    expect(api.get(name)!.metadata.annotations['rwop.dev/consistency']).toBe('checkpointed');
    expect(api.get(name)!.status.readyToUse).toBe(true);
  });

  test('a failing quiesce command creates no snapshot and exits 5', async () => {
    controllerCutsThenReadies();
    const result = await runScript(SCRIPT, env({ QUIESCE_COMMAND: 'echo "psql: connection refused" >&2; exit 7' }));

    expect(result.code).toBe(5);
    expect(result.stderr).toContain('psql: connection refused');
    expect(result.stderr).toContain('QUIESCE_COMMAND failed with exit code 7');
    expect(api.names()).toEqual([]);
    expect(api.created()).toEqual([]);
  });

  test('status.error fails the Job with the error message, in the log and the termination message', async () => {
    const message = 'Failed to create snapshot: rpc error: code = ResourceExhausted desc = snapshot quota exceeded';
    api.onCreate = name => api.later(200, () => api.fail(name, message));
    seedOurs('nightly-pgdata-20250130-0200', 1);

    const result = await runScript(SCRIPT, env({ KEEP_LAST: '1' }));

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`snapshot nightly-pgdata-${RUN} failed: ${message}`);
    expect(readFileSync(terminationLog, 'utf8')).toContain(message);
    // The failed one stays for inspection (within the grace) and the last good one is kept.
    expect(api.names()).toEqual(['nightly-pgdata-20250130-0200', `nightly-pgdata-${RUN}`]);
  });

  test('a snapshot never cut times out with exit 3', async () => {
    const result = await runScript(SCRIPT, env({ CUT_TIMEOUT_SECONDS: '1' }));

    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`snapshot nightly-pgdata-${RUN} was not cut within CUT_TIMEOUT_SECONDS=1`);
    expect(readFileSync(terminationLog, 'utf8')).toContain('was not cut within');
    expect(api.names()).toEqual([`nightly-pgdata-${RUN}`]);
  });

  test('a snapshot cut but never ready times out with exit 3, and the resume still ran at the cut', async () => {
    api.onCreate = name => api.later(100, () => api.cut(name));
    const journal = join(dir.path, 'journal');
    const result = await runScript(SCRIPT, env({
      READY_TIMEOUT_SECONDS: '2', QUIESCE_COMMAND: `echo quiesce >> ${journal}`, RESUME_COMMAND: `echo resume >> ${journal}`,
    }));

    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`snapshot nightly-pgdata-${RUN} was not readyToUse within READY_TIMEOUT_SECONDS=2`);
    expect(readFileSync(journal, 'utf8')).toBe('quiesce\nresume\n');
  });

  test('a Job stopped by its deadline (SIGTERM) while waiting for the cut still runs the resume command', async () => {
    const journal = join(dir.path, 'journal');
    const running = startScript(SCRIPT, env({ QUIESCE_COMMAND: `echo quiesce >> ${journal}`, RESUME_COMMAND: `echo resume >> ${journal}` }));
    await until(() => api.names().length === 1);
    running.child.kill('SIGTERM');
    const result = await running.done;

    expect(result.code).toBe(3);
    expect(result.stderr).toContain('stopped by a signal');
    expect(readFileSync(journal, 'utf8')).toBe('quiesce\nresume\n');
  });

  test('a re-run after a failure reuses the snapshot of the same name instead of creating another', async () => {
    api.onCreate = name => api.later(100, () => api.cut(name));
    const journal = join(dir.path, 'journal');
    const settings = { READY_TIMEOUT_SECONDS: '1', QUIESCE_COMMAND: `echo quiesce >> ${journal}` };
    const first = await runScript(SCRIPT, env(settings));
    expect(first.code).toBe(3);

    api.ready(`nightly-pgdata-${RUN}`);
    const second = await runScript(SCRIPT, env(settings));

    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`reuse nightly-pgdata-${RUN}: it exists already`);
    expect(api.created()).toEqual([`nightly-pgdata-${RUN}`]);
    expect(api.names()).toEqual([`nightly-pgdata-${RUN}`]);
    // Nothing to create the second time, so nothing to quiesce.
    expect(readFileSync(journal, 'utf8')).toBe('quiesce\n');
  });

  test('a snapshot of the same name that is not ours is left alone and fails the run with exit 4', async () => {
    api.seed({ name: `nightly-pgdata-${RUN}`, claim: 'pgdata', labels: { team: 'dba' }, createdSecondsAgo: 60, cutSecondsAgo: 60, readyToUse: true });
    const result = await runScript(SCRIPT, env({ KEEP_LAST: '1' }));

    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`snapshot nightly-pgdata-${RUN} exists but is not ours`);
    expect(api.created()).toEqual([]);
    expect(api.deleted()).toEqual([]);
    expect(api.get(`nightly-pgdata-${RUN}`)!.metadata.labels).toEqual({ team: 'dba' });
  });

  test('one failing claim fails the run, the other claim is still backed up and pruned', async () => {
    api.onCreate = name => api.later(150, () => (name.includes('-wal-') ? api.fail(name, 'volume wal is not bound') : api.ready(name)));
    seedOurs('nightly-pgdata-20250129-0200', 2);
    seedOurs('nightly-pgdata-20250130-0200', 1);

    const result = await runScript(SCRIPT, env({ CLAIMS: 'pgdata wal', KEEP_LAST: '2' }));

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`snapshot nightly-wal-${RUN} failed: volume wal is not bound`);
    expect(api.names()).toEqual(['nightly-pgdata-20250130-0200', `nightly-pgdata-${RUN}`, `nightly-wal-${RUN}`]);
  });

  test.each([
    [{ CLAIMS: '' }, 'CLAIMS is empty'],
    [{ CLAIMS: ' \t\n ' }, 'CLAIMS is empty or blank'],
    [{ SCHEDULE_NAME: 'Nightly' }, "SCHEDULE_NAME 'Nightly' must be"],
    [{ CLAIMS: `pgdata ${'x'.repeat(64)}` }, 'must be a claim name of at most 63 characters'],
    [{ KEEP_LAST: '0' }, "KEEP_LAST '0' must be a whole number >= 1"],
    [{ SCHEDULED_TIME: 'yesterday' }, "SCHEDULED_TIME 'yesterday' is neither epoch seconds nor an RFC 3339 time"],
    [{ SCHEDULED_TIME: '', JOB_NAME: '' }, 'set SCHEDULED_TIME, JOB_NAME'],
    [{ POLL_SECONDS: 'soon' }, "POLL_SECONDS 'soon' must be a whole number of seconds >= 1"],
    [{ POLL_SECONDS: '0' }, "POLL_SECONDS '0' must be a whole number of seconds >= 1"],
    [{ POLL_SECONDS: '0.5' }, "POLL_SECONDS '0.5' must be a whole number of seconds >= 1"],
  ])('bad configuration %j exits 2 before any API call', async (settings, message) => {
    const result = await runScript(SCRIPT, env(settings));

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(api.requests).toEqual([]);
  });
});

describe('snapshot-backup.sh: retention', () => {
  beforeEach(() => controllerCutsThenReadies());

  test('by count: keeps the newest KEEP_LAST ready snapshots, deletes the rest one by one', async () => {
    for (const day of [1, 2, 3, 4, 5]) seedOurs(`nightly-pgdata-202501${31 - day}-0200`, day);
    const result = await runScript(SCRIPT, env({ KEEP_LAST: '3' }));

    expect(result.code).toBe(0);
    expect(api.names()).toEqual(['nightly-pgdata-20250129-0200', 'nightly-pgdata-20250130-0200', `nightly-pgdata-${RUN}`]);
    expect(api.deleted()).toEqual(['nightly-pgdata-20250128-0200', 'nightly-pgdata-20250127-0200', 'nightly-pgdata-20250126-0200']);
    expect(result.stdout).toContain('delete nightly-pgdata-20250126-0200: ready #6');
  });

  test('by age: keeps ready snapshots younger than KEEP_WITHIN_SECONDS', async () => {
    seedOurs('nightly-pgdata-20250130-0200', 1);
    seedOurs('nightly-pgdata-20250129-0200', 2);
    seedOurs('nightly-pgdata-20250127-0200', 4);
    seedOurs('nightly-pgdata-20250121-0200', 10);
    const result = await runScript(SCRIPT, env({ KEEP_WITHIN_SECONDS: String(3 * DAY) }));

    expect(result.code).toBe(0);
    expect(api.names()).toEqual(['nightly-pgdata-20250129-0200', 'nightly-pgdata-20250130-0200', `nightly-pgdata-${RUN}`]);
    expect(api.deleted()).toEqual(['nightly-pgdata-20250127-0200', 'nightly-pgdata-20250121-0200']);
  });

  test('count and age together keep the union', async () => {
    seedOurs('nightly-pgdata-20250130-0200', 1);
    seedOurs('nightly-pgdata-20250129-0200', 2);
    seedOurs('nightly-pgdata-20250121-0200', 10);
    const result = await runScript(SCRIPT, env({ KEEP_LAST: '2', KEEP_WITHIN_SECONDS: String(3 * DAY) }));

    expect(result.code).toBe(0);
    expect(api.names()).toEqual(['nightly-pgdata-20250129-0200', 'nightly-pgdata-20250130-0200', `nightly-pgdata-${RUN}`]);
  });

  test('without KEEP_LAST or KEEP_WITHIN_SECONDS every ready snapshot is kept', async () => {
    seedOurs('nightly-pgdata-20241231-0200', 31);
    const result = await runScript(SCRIPT, env());

    expect(result.code).toBe(0);
    expect(api.names()).toEqual(['nightly-pgdata-20241231-0200', `nightly-pgdata-${RUN}`]);
    expect(api.deleted()).toEqual([]);
  });

  test('the newest ready snapshot is kept when every newer one failed, however old it is', async () => {
    api.onCreate = name => api.later(150, () => api.fail(name, 'csi driver unavailable'));
    seedOurs('nightly-pgdata-20250120-0200', 11);
    seedOurs('nightly-pgdata-20250110-0200', 21);
    seedOurs('nightly-pgdata-20250127-0200', 4, { error: 'csi driver unavailable' });
    seedOurs('nightly-pgdata-20250128-0200', 3, { error: 'csi driver unavailable' });
    seedOurs('nightly-pgdata-20250131-0100', 0.02, { ready: false });

    const result = await runScript(SCRIPT, env({ KEEP_LAST: '1', KEEP_WITHIN_SECONDS: String(DAY), FAILED_GRACE_SECONDS: String(DAY) }));

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('csi driver unavailable');
    // Kept: the newest ready one (11 days old), the one still within the grace, and this run's failed one.
    expect(api.names()).toEqual(['nightly-pgdata-20250120-0200', 'nightly-pgdata-20250131-0100', `nightly-pgdata-${RUN}`]);
    expect(api.deleted().sort()).toEqual(['nightly-pgdata-20250110-0200', 'nightly-pgdata-20250127-0200', 'nightly-pgdata-20250128-0200']);
    expect(result.stdout).toContain('keep nightly-pgdata-20250120-0200: newest ready snapshot');
  });

  test('pinned snapshots are never pruned and do not count towards KEEP_LAST', async () => {
    seedOurs('nightly-pgdata-20250130-0200', 1);
    seedOurs('nightly-pgdata-20250120-0200', 11);
    seedOurs('nightly-pgdata-20250110-0200', 21);
    seedOurs('nightly-pgdata-20241201-0200', 61, { pinned: true });
    seedOurs('nightly-pgdata-20241202-0200', 60, { error: 'failed long ago', pinned: true });
    api.label('nightly-pgdata-20250130-0200', 'rwop.dev/pin', '');

    const result = await runScript(SCRIPT, env({ KEEP_LAST: '2', FAILED_GRACE_SECONDS: '60' }));

    expect(result.code).toBe(0);
    expect(api.names()).toEqual([
      'nightly-pgdata-20241201-0200', 'nightly-pgdata-20241202-0200', 'nightly-pgdata-20250120-0200',
      'nightly-pgdata-20250130-0200', `nightly-pgdata-${RUN}`,
    ]);
    // Ready ranks: this run's #1, 20250120 #2 (the pinned 20250130 does not count), 20250110 #3.
    expect(api.deleted()).toEqual(['nightly-pgdata-20250110-0200']);
    expect(result.stdout).toContain('keep nightly-pgdata-20241201-0200: pinned');
  });

  test("other tools' snapshots and other schedules' are untouched, even when the server ignores the label selector", async () => {
    const foreign = [
      { name: 'velero-pgdata-1', claim: 'pgdata', labels: { 'app.kubernetes.io/managed-by': 'velero' } },
      { name: 'manual-before-upgrade', claim: 'pgdata' },
      { name: 'weekly-pgdata-20250105-0300', claim: 'pgdata', labels: ourLabels('pgdata', 'weekly') },
      { name: 'nightly-other-20250101-0200', claim: 'other', labels: ourLabels('other') },
      // Our labels, but the source is another claim: only the client-side re-check can tell.
      { name: 'nightly-pgdata-20250102-0200', claim: 'other', labels: ourLabels('pgdata') },
    ];
    for (const seed of foreign) api.seed({ ...seed, createdSecondsAgo: 40 * DAY, cutSecondsAgo: 40 * DAY, readyToUse: true });
    seedOurs('nightly-pgdata-20250110-0200', 21);
    api.ignoreLabelSelectors = true;

    const result = await runScript(SCRIPT, env({ KEEP_LAST: '1', FAILED_GRACE_SECONDS: '60' }));

    expect(result.code).toBe(0);
    expect(api.deleted()).toEqual(['nightly-pgdata-20250110-0200']);
    expect(api.names()).toEqual([...foreign.map(f => f.name), `nightly-pgdata-${RUN}`].sort());
    const lists = api.requests.filter(r => r.method === 'GET' && r.path.endsWith('/volumesnapshots'));
    expect(lists.map(r => r.labelSelector)).toEqual(['app.kubernetes.io/managed-by=cdk8s-rwop,rwop.dev/backup-schedule=nightly,rwop.dev/claim=pgdata']);
    expect(result.stdout).toContain('skip nightly-pgdata-20250102-0200');
  });
});

describe('snapshot-backup.sh: hostile snapshot names', () => {
  beforeEach(() => controllerCutsThenReadies());

  test('a listed snapshot named --all is refused and logged; only the intended snapshot is deleted', async () => {
    // A real API server never stores such a name; a stand-in does, as a compromised or broken server could.
    seedOurs('nightly-pgdata-20250130-0200', 1);
    seedOurs('nightly-pgdata-20250120-0200', 11);
    seedOurs('--all', 21);
    seedOurs('nightly-pgdata-20241201-0200', 61, { pinned: true });
    api.seed({ name: 'velero-pgdata-1', claim: 'pgdata', labels: { 'app.kubernetes.io/managed-by': 'velero' }, createdSecondsAgo: 40 * DAY, cutSecondsAgo: 40 * DAY, readyToUse: true });

    const result = await runScript(SCRIPT, env({ KEEP_LAST: '2' }));

    expect(api.deleted()).toEqual(['nightly-pgdata-20250120-0200']);
    expect(api.names()).toEqual([
      '--all', 'nightly-pgdata-20241201-0200', 'nightly-pgdata-20250130-0200', `nightly-pgdata-${RUN}`, 'velero-pgdata-1',
    ]);
    expect(result.stderr).toContain("refusing snapshot '--all': not a DNS-1123 subdomain name");
    expect(result.code).toBe(4);
  });

  test.each([
    ['an option', '-n'], ['an empty label', 'a..b'], ['upper case', 'UPPER'], ['254 characters', 'x'.repeat(254)],
    ['a trailing dash', 'name-'], ['a leading dot', '.hidden'],
  ])('a name with %s is never passed to kubectl', async (_, name) => {
    seedOurs('nightly-pgdata-20250130-0200', 1);
    seedOurs(name, 21);

    const result = await runScript(SCRIPT, env({ KEEP_LAST: '1' }));

    expect(api.deleted()).toEqual(['nightly-pgdata-20250130-0200']);
    expect(api.names()).toContain(name);
    expect(result.stderr).toContain('not a DNS-1123 subdomain name');
  });

  test('every delete names the snapshot in kind/name form', async () => {
    const journal = join(dir.path, 'kubectl-calls');
    const shim = join(dir.path, 'bin');
    mkdirSync(shim);
    const kubectl = execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();
    writeFileSync(join(shim, 'kubectl'), `#!/bin/sh\nprintf '%s\\n' "$*" >> ${journal}\nexec ${kubectl} "$@"\n`, { mode: 0o755 });
    seedOurs('nightly-pgdata-20250130-0200', 1);

    const result = await runScript(SCRIPT, env({ KEEP_LAST: '1' }), [shim]);

    expect(result.code).toBe(0);
    const deletes = readFileSync(journal, 'utf8').split('\n').filter(line => / delete /.test(line));
    expect(deletes).toEqual([
      '--namespace db delete volumesnapshots.v1.snapshot.storage.k8s.io/nightly-pgdata-20250130-0200 --ignore-not-found --wait=false',
    ]);
  });
});

describe('the snapshot API stand-in', () => {
  test('evaluates label selectors on the server as kube-apiserver does (kubectl get -l)', async () => {
    api.seed({ name: 'a', labels: { tier: 'db', pin: 'yes' } });
    api.seed({ name: 'b', labels: { tier: 'cache' } });
    api.seed({ name: 'c', labels: { tier: 'web', team: 'x' } });
    api.seed({ name: 'd' });
    const get = async (selector: string): Promise<string> => {
      const { stdout } = await promisify(execFile)('kubectl', ['get', 'volumesnapshots', '-l', selector, '-o', 'go-template={{range .items}}{{.metadata.name}} {{end}}'],
        { env: { PATH: process.env.PATH, KUBECONFIG: kubeconfig, HOME: dir.path } });
      return stdout.trim();
    };
    expect(await get('tier=db')).toBe('a');
    expect(await get('tier!=db')).toBe('b c d');
    expect(await get('tier in (db,cache)')).toBe('a b');
    expect(await get('tier notin (db,cache)')).toBe('c d');
    expect(await get('pin')).toBe('a');
    expect(await get('!pin')).toBe('b c d');
    expect(await get('tier,!team,tier notin (cache)')).toBe('a');
    expect(api.requests.filter(r => r.labelSelector).map(r => r.labelSelector)).toContain('tier in (db,cache)');
  });

  test('rejects selectors the API server rejects', () => {
    expect(() => parseLabelSelector('tier in db')).toThrow(/unable to parse/);
    expect(() => parseLabelSelector('Bad Key=1')).toThrow();
    expect(() => parseLabelSelector('a=b,')).toThrow(/empty requirement/);
    expect(parseLabelSelector('a==b, c')).toEqual({ matchLabels: { a: 'b' }, matchExpressions: [{ key: 'c', operator: 'Exists' }] });
  });
});
