// Runs what the synthesized manifests tell a snapshot pod to run: the ConfigMap's script, the init container's and the
// main container's commands and environment (downward API and Secret values resolved as the kubelet would), with the
// real kubectl against the loopback stand-in of the snapshot API, and for a database, CHECKPOINT against a real
// PostgreSQL. Only what a pod gets from the cluster is replaced: the API server (a kubeconfig instead of the mounted
// token), the Service's address, and where the volumes are mounted.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Chart, Cron, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ThrowawayPostgres, postgresBinDir } from './support/postgres';
import { ScriptResult, runCommand, tempDir } from './support/run-script';
import { SnapshotApiStandIn } from './support/snapshot-api';
import { DatabaseCredentials, DatabaseEngine, SingleWriterDatabase, SnapshotBackupSchedule, SnapshotEngine } from '../../src';
import { expectValidManifests } from '../harness';

const SCHEDULED_MINUTES = Date.UTC(2025, 0, 31, 2, 0) / 60_000;
const RUN = '20250131-0200';

let api: SnapshotApiStandIn;
let dir: { path: string; cleanup: () => void };

beforeEach(async () => {
  api = await SnapshotApiStandIn.start('db');
  dir = tempDir('snapshot-schedule-run');
});

afterEach(async () => {
  await api.stop();
  dir.cleanup();
});

/** A directory of symlinks to the host's tools, standing for an image's PATH. */
function image(name: string, tools: Record<string, string>): string {
  const bin = join(dir.path, 'images', name);
  mkdirSync(bin, { recursive: true });
  for (const [tool, target] of Object.entries(tools)) symlinkSync(target, join(bin, tool));
  return bin;
}

const SHELL_TOOLS = { sh: '/bin/sh', date: '/bin/date', sort: '/usr/bin/sort', sleep: '/bin/sleep', cp: '/bin/cp' };

interface PodRun {
  /** The Job's name, as the CronJob controller gives it. */
  readonly jobName: string;
  /** The Secrets the pod's secretKeyRefs read. */
  readonly secrets?: Record<string, Record<string, string>>;
  /** Where the Service's name resolves to. */
  readonly services?: Record<string, { host: string; port: number }>;
  /** The image's PATH for the main container and for the init container. */
  readonly path: string[];
  readonly initPath?: string[];
}

/** Runs the pod of `workload` (a CronJob's job template or a Job) as the kubelet would, to the end of its main container. */
async function runPod(manifests: any[], workload: any, run: PodRun): Promise<ScriptResult> {
  const spec = workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template.spec : workload.spec.template.spec;
  const mounts: Record<string, string> = {};
  for (const volume of spec.volumes) {
    const path = join(dir.path, 'volumes', volume.name);
    mkdirSync(path, { recursive: true });
    if (volume.configMap) {
      const configMap = manifests.find(m => m.kind === 'ConfigMap' && m.metadata.name === volume.configMap.name);
      for (const [key, text] of Object.entries<string>(configMap.data)) writeFileSync(join(path, key), text, { mode: volume.configMap.defaultMode });
    }
    mounts[volume.name] = path;
  }
  // Every mount path at once (a path that is a prefix of another, such as /tmp, must not rewrite the result).
  const localize = (container: any, text: string) => {
    const byPath = new Map<string, string>(container.volumeMounts.map((mount: any) => [mount.mountPath, mounts[mount.name]]));
    const pattern = new RegExp([...byPath.keys()].sort((a, b) => b.length - a.length).map(p => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'g');
    return text.replace(pattern, path => byPath.get(path)!);
  };
  for (const init of spec.initContainers ?? []) {
    const result = await runCommand(init.command.map((arg: string) => localize(init, arg)), { PATH: run.initPath!.join(':') });
    expect({ init: init.name, code: result.code, stderr: result.stderr }).toEqual({ init: init.name, code: 0, stderr: '' });
  }
  const [main] = spec.containers;
  const env: Record<string, string> = { PATH: run.path.join(':') };
  for (const variable of main.env) {
    const from = variable.valueFrom;
    if (variable.value !== undefined) env[variable.name] = localize(main, variable.value);
    else if (from.fieldRef?.fieldPath === 'metadata.namespace') env[variable.name] = 'db';
    else if (from.fieldRef?.fieldPath === "metadata.labels['batch.kubernetes.io/job-name']") env[variable.name] = run.jobName;
    else if (from.secretKeyRef) env[variable.name] = run.secrets![from.secretKeyRef.name][from.secretKeyRef.key];
    else throw new Error(`cannot resolve ${JSON.stringify(variable)}`);
  }
  if (env.PGHOST !== undefined) {
    const service = run.services![env.PGHOST];
    Object.assign(env, { PGHOST: service.host, PGPORT: String(service.port) });
  }
  // Outside a cluster: the API server from a kubeconfig, and the shortest poll the script accepts.
  Object.assign(env, { KUBECONFIG: api.writeKubeconfig(dir.path), HOME: mounts.tmp, POLL_SECONDS: '1' });
  return runCommand(main.command.map((arg: string) => localize(main, arg)), env);
}


function controllerCutsThenReadies(onCreate: (name: string) => void = () => undefined): void {
  api.onCreate = name => {
    onCreate(name);
    api.later(100, () => api.cut(name));
    api.later(300, () => api.ready(name));
  };
}

const OURS = (claim: string) => ({ 'app.kubernetes.io/managed-by': 'cdk8s-rwop', 'rwop.dev/backup-schedule': 'nightly', 'rwop.dev/claim': claim });

describe('the built-in engine\'s pods, run', () => {
  function synth(props: { initialSnapshot?: boolean } = {}): any[] {
    const chart = new Chart(Testing.app(), 'Test', { namespace: 'db' });
    new SnapshotBackupSchedule(chart, 'Snap', {
      metadata: { name: 'nightly' },
      schedule: Cron.schedule({ minute: '0', hour: '2' }),
      claimNames: ['pgdata', 'wal'],
      snapshotClassName: 'csi-snapclass',
      retention: { keepLast: 2 },
      engine: SnapshotEngine.builtIn({ initialSnapshot: props.initialSnapshot }),
    });
    const manifests = Testing.synth(chart);
    expectValidManifests(manifests);
    return manifests;
  }

  test('the CronJob\'s pod snapshots every claim under the scheduled time, prunes to keepLast, and a retry creates nothing', async () => {
    const manifests = synth();
    const cronJob = manifests.find(m => m.kind === 'CronJob');
    for (const day of [1, 2, 3]) {
      const name = `nightly-pgdata-202501${31 - day}-0200`;
      api.seed({ name, claim: 'pgdata', labels: OURS('pgdata'), createdSecondsAgo: day * 86400, cutSecondsAgo: day * 86400, readyToUse: true });
    }
    controllerCutsThenReadies();
    const kubectlImage = image('kubectl', { ...SHELL_TOOLS, kubectl: '/usr/bin/kubectl' });
    const run = { jobName: `nightly-${SCHEDULED_MINUTES}`, path: [kubectlImage] };

    const first = await runPod(manifests, cronJob, run);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(api.created()).toEqual([`nightly-pgdata-${RUN}`, `nightly-wal-${RUN}`]);
    const snapshot = api.get(`nightly-wal-${RUN}`)!;
    expect(snapshot.metadata.labels).toEqual(OURS('wal'));
    expect(snapshot.metadata.annotations).toEqual({ 'rwop.dev/scheduled-time': '2025-01-31T02:00:00Z', 'rwop.dev/consistency': 'crash-consistent' });
    expect(snapshot.spec).toEqual({ volumeSnapshotClassName: 'csi-snapclass', source: { persistentVolumeClaimName: 'wal' } });
    expect(api.names()).toEqual(['nightly-pgdata-20250130-0200', `nightly-pgdata-${RUN}`, `nightly-wal-${RUN}`]);

    const retry = await runPod(manifests, cronJob, run);
    expect(retry.code).toBe(0);
    expect(api.created()).toHaveLength(2);
    expect(retry.stdout).toContain(`reuse nightly-pgdata-${RUN}`);
  });

  test('the initial Job\'s pod takes the run id "initial"', async () => {
    const manifests = synth({ initialSnapshot: true });
    controllerCutsThenReadies();
    const result = await runPod(manifests, manifests.find(m => m.kind === 'Job'), {
      jobName: 'nightly-initial', path: [image('kubectl', { ...SHELL_TOOLS, kubectl: '/usr/bin/kubectl' })],
    });
    expect(result.code).toBe(0);
    expect(api.created()).toEqual(['nightly-pgdata-initial', 'nightly-wal-initial']);
  });

  test('a snapshot in error fails the pod with exit code 1, which the pod failure policy makes fatal', async () => {
    const manifests = synth();
    api.onCreate = name => api.later(100, () => api.fail(name, 'rpc error: code = ResourceExhausted desc = quota exceeded'));
    const cronJob = manifests.find(m => m.kind === 'CronJob');
    const result = await runPod(manifests, cronJob, {
      jobName: `nightly-${SCHEDULED_MINUTES}`, path: [image('kubectl', { ...SHELL_TOOLS, kubectl: '/usr/bin/kubectl' })],
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('quota exceeded');
    const fatal = cronJob.spec.jobTemplate.spec.podFailurePolicy.rules.find((rule: any) => rule.action === 'FailJob');
    expect(fatal.onExitCodes.values).toContain(result.code);
  });
});

describe('the built-in engine\'s pod for a database, run against a real PostgreSQL', () => {
  let pg: ThrowawayPostgres;
  beforeAll(async () => {
    pg = await ThrowawayPostgres.start();
  });
  afterAll(() => pg?.stop());

  function synth(): any[] {
    const chart = new Chart(Testing.app(), 'Test', { namespace: 'db' });
    const db = new SingleWriterDatabase(chart, 'Db', {
      metadata: { name: 'postgres' },
      engine: DatabaseEngine.postgres({ version: '15.14' }),
      credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'Secret', 'postgres-secret')),
      storage: Size.gibibytes(20),
    });
    new SnapshotBackupSchedule(chart, 'Snap', { metadata: { name: 'nightly' }, schedule: Cron.schedule({ minute: '0', hour: '2' }), database: db });
    const manifests = Testing.synth(chart);
    expectValidManifests(manifests);
    return manifests;
  }

  /** The database image: a shell and psql, and no kubectl (the init container copies it in). */
  function postgresImage(): string[] {
    return [image('postgres', SHELL_TOOLS), postgresBinDir()];
  }

  const checkpoints = () => Number(pg.sql('SELECT checkpoints_req FROM pg_stat_bgwriter'));

  test('kubectl is copied in, CHECKPOINT runs through the Service with the Secret\'s password before the create, and the snapshot is checkpointed', async () => {
    const manifests = synth();
    const before = checkpoints();
    let atCreate: number | undefined;
    controllerCutsThenReadies(() => atCreate = checkpoints());

    const result = await runPod(manifests, manifests.find(m => m.kind === 'CronJob'), {
      jobName: `nightly-${SCHEDULED_MINUTES}`,
      secrets: { 'postgres-secret': { password: pg.password } },
      services: { postgres: { host: '127.0.0.1', port: pg.port } },
      path: postgresImage(),
      initPath: [image('kubectl', { ...SHELL_TOOLS, kubectl: '/usr/bin/kubectl' })],
    });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('QUIESCE_COMMAND: done');
    expect(atCreate).toBe(before + 1);
    expect(api.created()).toEqual([`nightly-postgres-data-${RUN}`]);
    expect(api.get(`nightly-postgres-data-${RUN}`)!.metadata.annotations['rwop.dev/consistency']).toBe('checkpointed');
  });

  test('a wrong password fails the checkpoint (exit 5) and no snapshot is taken', async () => {
    const manifests = synth();
    controllerCutsThenReadies();
    const result = await runPod(manifests, manifests.find(m => m.kind === 'CronJob'), {
      jobName: `nightly-${SCHEDULED_MINUTES}`,
      secrets: { 'postgres-secret': { password: 'not-the-password' } },
      services: { postgres: { host: '127.0.0.1', port: pg.port } },
      path: postgresImage(),
      initPath: [image('kubectl', { ...SHELL_TOOLS, kubectl: '/usr/bin/kubectl' })],
    });
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('password authentication failed');
    expect(api.created()).toEqual([]);
  });
});
