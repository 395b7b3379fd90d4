// Runs what the synthesized CronJob of a MariaDB or MySQL database tells a dump pod to run: the ConfigMap's script
// with the container's command and environment (the Secret's password resolved as the kubelet would), against a real
// MariaDB, with nothing on PATH but a shell, the usual utilities and the flavour's two client tools. Only what a pod
// gets from the cluster is replaced: the Service's address, and where the volumes are mounted.
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Chart, Cron, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ThrowawayMariadb } from './support/mariadb';
import { ScriptResult, list, runCommand, tempDir } from './support/run-script';
import { DatabaseCredentials, DatabaseEngine, LogicalBackupSchedule, SingleWriterDatabase } from '../../src';
import { expectValidManifests } from '../harness';

const RUN = /^\d{8}T\d{6}Z-r[0-9a-f]{8}$/;
/** What the script needs from an image besides the client tools. */
const UTILITIES = ['sh', 'cat', 'date', 'grep', 'gzip', 'head', 'id', 'mkdir', 'mktemp', 'mv', 'od', 'rm', 'sed', 'sha256sum', 'sort', 'sync', 'tail', 'tr', 'uname'];
const CLIENT_TOOLS = { mariadb: ['mariadb', 'mariadb-dump'], mysql: ['mysql', 'mysqldump'] };

let db: ThrowawayMariadb;
let dir: { path: string; cleanup: () => void };

beforeAll(async () => {
  db = await ThrowawayMariadb.start();
  db.sql('CREATE DATABASE shop');
  db.sql('CREATE TABLE orders (id int PRIMARY KEY, total decimal(10,2)); INSERT INTO orders SELECT seq, seq * 1.5 FROM seq_1_to_300', 'shop');
});

afterAll(() => db?.stop());

beforeEach(() => {
  dir = tempDir('logical-schedule-run-mysql');
});

afterEach(() => dir.cleanup());

function synth(engine: DatabaseEngine, keepLast: number): any[] {
  const chart = new Chart(Testing.app(), 'Test', { namespace: 'db' });
  const database = new SingleWriterDatabase(chart, 'Db', {
    metadata: { name: 'shop-db' },
    engine,
    credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'Secret', 'shop-db-secret')),
    storage: Size.gibibytes(20),
  });
  new LogicalBackupSchedule(chart, 'Dump', {
    metadata: { name: 'shop-backup' }, database, schedule: Cron.schedule({ minute: '0', hour: '2' }), storage: Size.gibibytes(50), keepLast,
  });
  const manifests = Testing.synth(chart);
  expectValidManifests(manifests);
  return manifests;
}

/** A PATH like the server image's, with only the given client tools. */
function imagePath(clientTools: string[]): string {
  const bin = join(dir.path, 'image-bin');
  if (existsSync(bin)) return bin;
  mkdirSync(bin);
  for (const tool of [...UTILITIES, ...clientTools]) {
    const target = ['/bin', '/usr/bin'].map(d => join(d, tool)).find(path => { try { return statSync(path).isFile(); } catch { return false; } });
    if (!target) throw new Error(`the host has no ${tool}`);
    symlinkSync(target, join(bin, tool));
  }
  return bin;
}

/** Runs the CronJob's pod to the end of its container, with `password` as the Secret's value. */
async function runPod(manifests: any[], password: string, clientTools: string[]): Promise<ScriptResult & { backups: string; tmp: string }> {
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
  // A path under a mount, to where that mount is here (the deepest mount first).
  const localize = (text: string): string => {
    const mountPath = [...mounts.keys()].sort((a, b) => b.length - a.length).find(m => text === m || text.startsWith(`${m}/`));
    return mountPath === undefined ? text : mounts.get(mountPath)! + text.slice(mountPath.length);
  };
  // The pod's /tmp is an emptyDir: mktemp writes the option file there.
  const env: Record<string, string> = { PATH: imagePath(clientTools), TMPDIR: mounts.get('/tmp')! };
  for (const variable of container.env) {
    if (variable.value !== undefined) env[variable.name] = localize(variable.value);
    else if (variable.valueFrom.secretKeyRef?.name === 'shop-db-secret') env[variable.name] = password;
    else throw new Error(`cannot resolve ${JSON.stringify(variable)}`);
  }
  // The Service name resolves to the server.
  expect(env.DB_HOST).toBe('shop-db');
  Object.assign(env, { DB_HOST: '127.0.0.1', DB_PORT: String(db.port) });
  const result = await runCommand(container.command.map(localize), env);
  return { ...result, backups: mounts.get('/backup')!, tmp: mounts.get('/tmp')! };
}

test.each([
  ['MariaDB', DatabaseEngine.mariadb(), CLIENT_TOOLS.mariadb],
  ['MySQL', DatabaseEngine.mysql(), CLIENT_TOOLS.mysql],
])('the %s pod dumps users and every database with its own client names, verified, private to its uid, and keeps keepLast runs', async (_name, engine, tools) => {
  const manifests = synth(engine, 1);
  const first = await runPod(manifests, db.password, tools);
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  const [run] = list(first.backups);
  expect(run).toMatch(RUN);
  expect(list(join(first.backups, run))).toEqual(['COMPLETE', 'SHA256SUMS', 'shop.sql.gz', 'users.sql']);
  // umask 077: only the pod's uid (or fsGroup, on the volume's root) can read the dumps.
  expect((statSync(join(first.backups, run, 'shop.sql.gz')).mode % 0o1000).toString(8)).toBe('600');
  expect(gunzipSync(readFileSync(join(first.backups, run, 'shop.sql.gz'))).toString()).toMatch(/INSERT INTO `orders` VALUES\s*\(1,1\.50\),/);
  // The option file with the password is gone from the pod's /tmp.
  expect(list(first.tmp)).toEqual([]);

  const second = await runPod(manifests, db.password, tools);
  expect(second.code).toBe(0);
  // keepLast 1: only the run just made is left.
  expect(list(second.backups)).toEqual([second.stdout.match(/run (\S+) complete/)![1]]);
}, 60_000);

test('a wrong password fails the pod with exit code 1 (retried by the Job), and leaves nothing that counts as a backup', async () => {
  const manifests = synth(DatabaseEngine.mariadb(), 7);
  const result = await runPod(manifests, 'not-the-password', CLIENT_TOOLS.mariadb);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('Access denied');
  expect(list(result.backups)).toEqual([]);
  const fatal = manifests.find(m => m.kind === 'CronJob').spec.jobTemplate.spec.podFailurePolicy.rules.find((r: any) => r.action === 'FailJob');
  expect(fatal.onExitCodes.values).not.toContain(1);
});
