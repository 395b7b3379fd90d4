// Runs what the synthesized CronJob tells a dump pod to run: the ConfigMap's script with the container's command and
// environment (the Secret's password resolved as the kubelet would), against a real PostgreSQL. Only what a pod gets
// from the cluster is replaced: the Service's address, and where the volumes are mounted.
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Chart, Cron, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ThrowawayPostgres, postgresBinDir } from './support/postgres';
import { ScriptResult, list, runCommand, tempDir } from './support/run-script';
import { DatabaseCredentials, DatabaseEngine, LogicalBackupSchedule, SingleWriterDatabase } from '../../src';
import { expectValidManifests } from '../harness';

const RUN = /^\d{8}T\d{6}Z-r[0-9a-f]{8}$/;

let pg: ThrowawayPostgres;
let dir: { path: string; cleanup: () => void };

beforeAll(async () => {
  pg = await ThrowawayPostgres.start();
  pg.sql('CREATE DATABASE shop');
  pg.sql('CREATE TABLE orders (id int PRIMARY KEY, total numeric); INSERT INTO orders SELECT g, g * 1.5 FROM generate_series(1, 300) g', 'shop');
});

afterAll(() => pg?.stop());

beforeEach(() => {
  dir = tempDir('logical-schedule-run');
});

afterEach(() => dir.cleanup());

function synth(keepLast: number): any[] {
  const chart = new Chart(Testing.app(), 'Test', { namespace: 'db' });
  const db = new SingleWriterDatabase(chart, 'Db', {
    metadata: { name: 'postgres' },
    engine: DatabaseEngine.postgres({ version: '15.14' }),
    credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'Secret', 'postgres-secret')),
    storage: Size.gibibytes(20),
  });
  new LogicalBackupSchedule(chart, 'Dump', {
    metadata: { name: 'postgres-backup' }, database: db, schedule: Cron.schedule({ minute: '0', hour: '2' }), storage: Size.gibibytes(50), keepLast,
  });
  const manifests = Testing.synth(chart);
  expectValidManifests(manifests);
  return manifests;
}

/** The official postgres image's tools, as a PATH: a shell and coreutils, and the client binaries of the server. */
function postgresImagePath(): string[] {
  const bin = join(dir.path, 'image-bin');
  if (existsSync(bin)) return [bin, postgresBinDir()];
  mkdirSync(bin);
  for (const tool of ['sh', 'date', 'mv', 'rm', 'od', 'tr', 'sed', 'sha256sum', 'sync', 'tail', 'grep', 'cat', 'sort', 'id', 'mkdir', 'sleep']) {
    const target = ['/bin', '/usr/bin'].map(d => join(d, tool)).find(path => { try { return statSync(path).isFile(); } catch { return false; } });
    if (!target) throw new Error(`the host has no ${tool}`);
    symlinkSync(target, join(bin, tool));
  }
  return [bin, postgresBinDir()];
}

/** Runs the CronJob's pod to the end of its container, with `password` as the Secret's value. */
async function runPod(manifests: any[], password: string): Promise<ScriptResult & { backups: string }> {
  const cronJob = manifests.find(m => m.kind === 'CronJob');
  const spec = cronJob.spec.jobTemplate.spec.template.spec;
  const [container] = spec.containers;
  const mounts = new Map<string, string>();
  for (const mount of container.volumeMounts) {
    const path = join(dir.path, 'volumes', mount.name);
    mkdirSync(path, { recursive: true });
    const volume = spec.volumes.find((v: any) => v.name === mount.name);
    if (volume.configMap) {
      const configMap = manifests.find(m => m.kind === 'ConfigMap' && m.metadata.name === volume.configMap.name);
      for (const [key, text] of Object.entries<string>(configMap.data)) writeFileSync(join(path, key), text, { mode: volume.configMap.defaultMode });
    }
    mounts.set(mount.mountPath, path);
  }
  const pattern = new RegExp([...mounts.keys()].sort((a, b) => b.length - a.length).map(p => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'g');
  const localize = (text: string) => text.replace(pattern, path => mounts.get(path)!);
  const env: Record<string, string> = { PATH: postgresImagePath().join(':') };
  for (const variable of container.env) {
    if (variable.value !== undefined) env[variable.name] = localize(variable.value);
    else if (variable.valueFrom.secretKeyRef?.name === 'postgres-secret') env[variable.name] = password;
    else throw new Error(`cannot resolve ${JSON.stringify(variable)}`);
  }
  // The Service name resolves to the server.
  expect(env.PGHOST).toBe('postgres');
  Object.assign(env, { PGHOST: '127.0.0.1', PGPORT: String(pg.port) });
  const result = await runCommand(container.command.map(localize), env);
  return { ...result, backups: mounts.get('/backup')! };
}

test('the pod dumps every database into the backup volume, verified and checksummed, private to its uid, and keeps keepLast runs', async () => {
  const manifests = synth(1);
  const first = await runPod(manifests, pg.password);
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  const [run] = list(first.backups);
  expect(run).toMatch(RUN);
  const files = list(join(first.backups, run));
  expect(files).toEqual(['COMPLETE', 'SHA256SUMS', 'globals.sql', 'postgres.dump', 'shop.dump']);
  expect(readFileSync(join(first.backups, run, 'SHA256SUMS'), 'utf8')).toContain('shop.dump');
  // umask 077: only the pod's uid (or fsGroup, on the volume's root) can read the dumps.
  expect((statSync(join(first.backups, run, 'shop.dump')).mode % 0o1000).toString(8)).toBe('600');
  const listing = pg.tool('pg_restore', ['--list', join(first.backups, run, 'shop.dump')]);
  expect(listing).toContain('TABLE DATA public orders');

  const second = await runPod(manifests, pg.password);
  expect(second.code).toBe(0);
  const runs = list(second.backups);
  // keepLast 1: only the run just made is left.
  expect(runs).toEqual([second.stdout.match(/run (\S+) complete/)![1]]);
  expect(runs[0]).not.toBe(run);
});

test('a wrong password fails the pod with exit code 1 (retried by the Job), and leaves nothing that counts as a backup', async () => {
  const manifests = synth(7);
  const result = await runPod(manifests, 'not-the-password');
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('password authentication failed');
  expect(list(result.backups)).toEqual([]);
  const fatal = manifests.find(m => m.kind === 'CronJob').spec.jobTemplate.spec.podFailurePolicy.rules.find((r: any) => r.action === 'FailJob');
  expect(fatal.onExitCodes.values).not.toContain(1);
});
