// The way a user meets the library: an app like the one `cdk8s init typescript-app` makes (cdk8s-plus-33 as its L2),
// cdk8s-rwop installed from the `npm pack` output of this repository and cdk8s-plus-27 next to it, everything else from
// the registry, synthesized by the real `cdk8s synth` (ts-node with type checks on, as the template runs it).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as YAML from 'yaml';
import { expectValidManifests } from '../harness';
import { only } from '../volumes/support';

const ROOT = path.resolve(__dirname, '..', '..');
// npm pack, npm install and two cdk8s synth runs took 4 minutes on 2 busy cores (load average 20); building lib/ first
// added 3 more.
const SETUP_TIMEOUT = 600_000;
const run = promisify(execFile);

/** The package.json of `cdk8s init typescript-app`, with cdk8s-rwop and the cdk8s-plus it is built on added. */
function appPackageJson(tarball: string): object {
  return {
    name: 'shop',
    version: '1.0.0',
    private: true,
    scripts: { synth: 'cdk8s synth' },
    dependencies: {
      'cdk8s': '^2.68.12',
      'cdk8s-plus-33': '^2.0.0',
      'cdk8s-plus-27': '^2.9.5',
      'cdk8s-rwop': `file:${tarball}`,
      'constructs': '^10.3.0',
    },
    devDependencies: { '@types/node': '^20', 'cdk8s-cli': '^2.200.0', 'ts-node': '^10', 'typescript': '5.9.x' },
  };
}

/** The tsconfig.json `cdk8s init typescript-app` writes (strict, CommonJS), from the cdk8s CLI's template. */
const TEMPLATE_TSCONFIG = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'tsconfig.json');

/** A shop on cdk8s-plus-33 with a single-writer PostgreSQL and its snapshots, given only plain names and labels. */
const MAIN_TS = `import { App, Chart, ChartProps, Cron, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { DatabaseCredentials, DatabaseEngine, ExclusiveVolume, SingleWriterDatabase, SnapshotBackupSchedule } from 'cdk8s-rwop';
import { Construct } from 'constructs';

export class ShopChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    const web = new kplus.Deployment(this, 'Web', {
      metadata: { name: 'web' },
      podMetadata: { labels: { app: 'web' } },
      containers: [{ image: 'nginx:1.27.3', portNumber: 8080, securityContext: { user: 101, group: 101 } }],
    });
    web.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });

    const worker = new kplus.Deployment(this, 'Worker', {
      metadata: { name: 'worker' },
      podMetadata: { labels: { app: 'worker' } },
      replicas: 1,
      strategy: kplus.DeploymentStrategy.recreate(),
      containers: [{ image: 'busybox:1.37.0', command: ['sleep', 'infinity'], securityContext: { user: 1000 } }],
    });
    const uploads = new ExclusiveVolume(this, 'Uploads', { metadata: { name: 'uploads' }, storage: Size.gibibytes(5) });
    worker.containers[0].mount('/uploads', kplus.Volume.fromPersistentVolumeClaim(this, 'UploadsVolume', uploads));

    const postgres = new SingleWriterDatabase(this, 'Postgres', {
      metadata: { name: 'postgres' },
      podLabels: { app: 'postgres' },
      engine: DatabaseEngine.postgres({ version: '15.14' }),
      credentials: DatabaseCredentials.fromSecretName('postgres-secret', { passwordKey: 'password' }),
      storage: Size.gibibytes(20),
      storageClassName: 'standard',
      database: 'shop',
      allowFromPeers: [{ podLabels: { app: 'web' } }],
    });
    postgres.allowFromPeer({ podLabels: { app: 'worker' }, namespaceNames: ['shop'] });

    new SnapshotBackupSchedule(this, 'Snapshots', {
      metadata: { name: 'postgres-snapshots' },
      database: postgres,
      schedule: Cron.schedule({ minute: '0', hour: '2' }),
      snapshotClassName: 'csi-snapshot-class',
    });
  }
}

const app = new App();
new ShopChart(app, 'shop', { namespace: 'shop' });
app.synth();
`;

/**
 * The first mistake such an app makes: its own cdk8s-plus-33 object where cdk8s-rwop takes one of cdk8s-plus-27.
 * The compiler refuses it (the directive fails the type check if it ever compiles); at run time the error says why.
 */
const OTHER_CDK8S_PLUS_TS = `import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { DatabaseCredentials, DatabaseEngine, SingleWriterDatabase } from 'cdk8s-rwop';

const app = new App();
new SingleWriterDatabase(new Chart(app, 'shop'), 'Postgres', {
  engine: DatabaseEngine.postgres({ version: '15.14' }),
  credentials: DatabaseCredentials.fromSecretName('postgres-secret'),
  storage: Size.gibibytes(20),
  // @ts-expect-error a DeploymentStrategy of cdk8s-plus-33 is not one of cdk8s-plus-27
  strategy: kplus.DeploymentStrategy.recreate(),
});
app.synth();
`;

interface CommandResult {
  readonly code: number;
  /** stdout and stderr. */
  readonly output: string;
}

/** The environment of a user's shell: none of the npm_* variables of the npm that runs these tests. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { CDK8S_CHECK_UPGRADE: 'false' };
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith('npm_')) env[key] = value;
  }
  return env;
}

async function command(file: string, args: string[], cwd: string): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, env: userEnv(), maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string; message: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stdout ?? ''}${failed.stderr ?? failed.message}` };
  }
}

async function mustSucceed(file: string, args: string[], cwd: string): Promise<void> {
  const result = await command(file, args, cwd);
  if (result.code !== 0) throw new Error(`${file} ${args.join(' ')} (in ${cwd}) exited ${result.code}:\n${result.output}`);
}

function newestMtime(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(entry => entry.isFile())
    .reduce((newest, entry) => Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs), 0);
}

/** The package is packed from lib/, which `compile` and `post-compile` (the backup scripts) make: build it when it is missing or older than src/. */
async function buildLibIfStale(): Promise<void> {
  const built = [path.join(ROOT, 'lib', 'index.js'), path.join(ROOT, 'lib', 'backups', 'scripts', 'snapshot-backup.sh')];
  const fresh = built.every(file => fs.existsSync(file) && fs.statSync(file).mtimeMs >= newestMtime(path.join(ROOT, 'src')));
  if (fresh) return;
  await mustSucceed('npx', ['projen', 'compile'], ROOT);
  await mustSucceed('npx', ['projen', 'post-compile'], ROOT);
}

describe('a fresh cdk8s app on cdk8s-plus-33, with the packed library', () => {
  let workDir: string;
  let synth: CommandResult;
  let otherCdk8sPlus: CommandResult;
  let manifests: any[];

  beforeAll(async () => {
    await buildLibIfStale();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rwop-fresh-app-'));
    await mustSucceed('npm', ['pack', '--pack-destination', workDir], ROOT);
    const tarball = path.join(workDir, fs.readdirSync(workDir).find(file => file.endsWith('.tgz'))!);
    const appDir = path.join(workDir, 'shop');
    fs.mkdirSync(appDir);
    fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify(appPackageJson(tarball), undefined, 2));
    fs.copyFileSync(TEMPLATE_TSCONFIG, path.join(appDir, 'tsconfig.json'));
    fs.writeFileSync(path.join(appDir, 'cdk8s.yaml'), 'language: typescript\napp: npx ts-node main.ts\n');
    fs.writeFileSync(path.join(appDir, 'main.ts'), MAIN_TS);
    fs.writeFileSync(path.join(appDir, 'other-cdk8s-plus.ts'), OTHER_CDK8S_PLUS_TS);
    await mustSucceed('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], appDir);
    [synth, otherCdk8sPlus] = await Promise.all([
      command('npx', ['cdk8s', 'synth'], appDir),
      command('npx', ['cdk8s', 'synth', '--app', 'npx ts-node other-cdk8s-plus.ts', '--output', 'dist-other'], appDir),
    ]);
    const output = path.join(appDir, 'dist', 'shop.k8s.yaml');
    manifests = fs.existsSync(output) ? YAML.parseAllDocuments(fs.readFileSync(output, 'utf-8')).map(doc => doc.toJS()) : [];
  }, SETUP_TIMEOUT);

  afterAll(() => {
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  test('the app installs cdk8s-plus-33 as its own L2 and cdk8s-plus-27 next to it', () => {
    const appDir = path.join(workDir, 'shop', 'node_modules');
    const version = (name: string) => JSON.parse(fs.readFileSync(path.join(appDir, name, 'package.json'), 'utf-8')).version;
    expect(version('cdk8s-plus-33')).toMatch(/^2\./);
    expect(version('cdk8s-plus-27')).toMatch(/^2\./);
    for (const script of ['snapshot-backup.sh', 'logical-backup-postgres.sh', 'logical-backup-mysql.sh', 'logical-backup-common.sh']) {
      expect(fs.existsSync(path.join(appDir, 'cdk8s-rwop', 'lib', 'backups', 'scripts', script))).toBe(true);
    }
  });

  test('cdk8s synth type-checks and writes the app\'s Deployments next to the database and its backups, all valid', () => {
    expect(synth).toEqual({ code: 0, output: expect.stringContaining('dist/shop.k8s.yaml') });
    expect(manifests.map(m => `${m.kind} ${m.metadata.name}`)).toEqual([
      'Deployment web', expect.stringMatching(/^Service /), 'Deployment worker', 'PersistentVolumeClaim uploads',
      'PersistentVolumeClaim postgres-data', 'Deployment postgres', 'PodDisruptionBudget postgres-pdb', 'Service postgres',
      'NetworkPolicy postgres',
      'ServiceAccount postgres-snapshots', 'Role postgres-snapshots', 'RoleBinding postgres-snapshots', 'ConfigMap postgres-snapshots-script',
      'CronJob postgres-snapshots', 'NetworkPolicy postgres-snapshots',
    ]);
    expectValidManifests(manifests);
  });

  test('the password comes from the Secret named, and the peers named by labels are let in', () => {
    const database = only(manifests, 'Deployment', 'postgres');
    expect(database.spec.template.spec.containers[0].env).toContainEqual(
      { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'postgres-secret', key: 'password' } } });
    const ingress = only(manifests, 'NetworkPolicy', 'postgres').spec.ingress;
    expect(ingress.slice(0, 2)).toEqual([
      { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432, protocol: 'TCP' }] },
      {
        from: [{ podSelector: { matchLabels: { app: 'worker' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }],
        ports: [{ port: 5432, protocol: 'TCP' }],
      },
    ]);
    const snapshotPods = only(manifests, 'CronJob', 'postgres-snapshots').spec.jobTemplate.spec.template.metadata.labels;
    expect(ingress[2].from[0].podSelector.matchLabels).toEqual(
      { 'cdk8s.io/metadata.addr': snapshotPods['cdk8s.io/metadata.addr'] });
  });

  test('the app\'s own cdk8s-plus-33 Deployment mounts an ExclusiveVolume', () => {
    const spec = only(manifests, 'Deployment', 'worker').spec.template.spec;
    expect(spec.volumes).toEqual([expect.objectContaining({ persistentVolumeClaim: { claimName: 'uploads', readOnly: false } })]);
    expect(only(manifests, 'PersistentVolumeClaim', 'uploads').spec.accessModes).toEqual(['ReadWriteOncePod']);
  });

  test('a cdk8s-plus-33 object passed to our construct fails the type check, and at run time names both packages', () => {
    expect(otherCdk8sPlus.code).not.toBe(0);
    expect(otherCdk8sPlus.output).toContain('shop/Postgres: SingleWriterDatabase prop "strategy" is "a DeploymentStrategy from cdk8s-plus-33"; '
      + 'this library is built on cdk8s-plus-27 and cannot use objects of another cdk8s-plus');
    expect(otherCdk8sPlus.output).toContain('pass kplus.DeploymentStrategy.recreate() of cdk8s-plus-27, or omit strategy: Recreate is the default');
  });
});
