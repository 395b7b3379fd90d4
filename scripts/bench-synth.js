#!/usr/bin/env node
// Synthesis cost of our constructs against the same objects written by hand with cdk8s-plus-27.
// In one process, for N = 10, 100 and 1,000 PostgreSQL single-writer stacks (RWOP claim, Deployment, Service,
// PodDisruptionBudget, NetworkPolicy), builds an app each way and synthesizes it as `cdk8s synth` does, without the
// file writes: `app.synthYaml()` resolves, runs every validation (ours include the rules engine) and renders YAML.
// Prints the median CPU time and retained heap of each (the hand-written side is the baseline), the ratios, the
// growth per 10x more stacks, and each goal passed or failed: ratio <= 1.15 in time and in heap at every N, growth
// <= 12x per 10x. Exits 1 when a goal fails.
//
//   npx projen compile && node --expose-gc scripts/bench-synth.js [--runs 5] [--sizes 10,100,1000]
'use strict';
const path = require('node:path');
const { App, Chart, Duration, JsonPatch, ApiObject, Size } = require('cdk8s');
const kplus = require('cdk8s-plus-27');

const lib = require(path.resolve(__dirname, '..', 'lib', 'index.js'));

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : args[at + 1];
};
const RUNS = Number(option('runs', 5));
const SIZES = option('sizes', '10,100,1000').split(',').map(Number);
const GOAL_RATIO = 1.15;
const GOAL_GROWTH = 12;

if (typeof global.gc !== 'function') {
  console.error('run with node --expose-gc, so that the heap is measured after a full collection');
  process.exit(2);
}

// ---- The stacks ----

/** One stack with our constructs. */
function ours(chart, i) {
  const db = new lib.SingleWriterDatabase(chart, `Postgres${i}`, {
    metadata: { name: `postgres-${i}` },
    podLabels: { app: `postgres-${i}` },
    engine: lib.DatabaseEngine.postgres({ version: '15.14' }),
    credentials: lib.DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(chart, `Secret${i}`, `postgres-${i}`)),
    storage: Size.gibibytes(20),
    storageClassName: 'standard',
    requiredNodeLabels: { 'storage-node': 'true' },
  });
  db.allowFrom(kplus.Pods.select(chart, `Clients${i}`, { labels: { app: `client-${i}` } }));
}

/** The same objects, field for field, written by hand with cdk8s-plus-27 L2s and the PDB L1. */
function handWritten(chart, i) {
  const name = `postgres-${i}`;
  const claim = new kplus.PersistentVolumeClaim(chart, `Data${i}`, {
    metadata: {
      name: `${name}-data`,
      annotations: {
        'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
        'kustomize.toolkit.fluxcd.io/prune': 'disabled',
        'helm.sh/resource-policy': 'keep',
      },
    },
    accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD],
    storage: Size.gibibytes(20),
    storageClassName: 'standard',
    volumeMode: kplus.PersistentVolumeMode.FILE_SYSTEM,
  });
  const identity = { user: 999, group: 999 };
  const deployment = new kplus.Deployment(chart, `Deployment${i}`, {
    metadata: { name },
    podMetadata: { labels: { app: name } },
    replicas: 1,
    strategy: kplus.DeploymentStrategy.recreate(),
    terminationGracePeriod: Duration.seconds(75),
    automountServiceAccountToken: false,
    securityContext: { ensureNonRoot: true, ...identity, fsGroup: 999, fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH },
  });
  deployment.select(kplus.LabelSelector.of({ labels: { app: name } }));
  const isReady = ['pg_isready', '--host=127.0.0.1', '--port=5432', '--timeout=4', '--username=postgres'];
  const probe = (period, failures) => kplus.Probe.fromCommand(isReady, {
    periodSeconds: Duration.seconds(period), failureThreshold: failures, timeoutSeconds: Duration.seconds(5),
  });
  const container = deployment.addContainer({
    name: 'postgres',
    image: 'postgres:15.14',
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    ports: [{ number: 5432, name: 'postgres' }],
    envVariables: {
      POSTGRES_USER: kplus.EnvValue.fromValue('postgres'),
      POSTGRES_PASSWORD: kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(chart, `Secret${i}`, name), key: 'password' }),
      PGDATA: kplus.EnvValue.fromValue('/var/lib/postgresql/data/pgdata'),
    },
    securityContext: {
      ensureNonRoot: true, ...identity, privileged: false, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    },
    resources: {
      cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.millis(1000) },
      memory: { request: Size.mebibytes(512), limit: Size.gibibytes(1) },
    },
    startup: probe(10, 90),
    liveness: probe(10, 6),
    readiness: probe(5, 3),
    lifecycle: { preStop: kplus.Handler.fromCommand(['/bin/sh', '-c', 'exec pg_ctl stop -D "$PGDATA" -m fast -t 60']) },
  });
  container.mount('/var/lib/postgresql/data', kplus.Volume.fromPersistentVolumeClaim(chart, `DataVolume${i}`, claim, { name: 'data' }));
  container.mount('/var/run/postgresql', kplus.Volume.fromEmptyDir(chart, `Run${i}`, 'var-run-postgresql', { sizeLimit: Size.mebibytes(16) }));
  container.mount('/tmp', kplus.Volume.fromEmptyDir(chart, `Tmp${i}`, 'tmp', { sizeLimit: Size.mebibytes(256) }));
  deployment.scheduling.attract(kplus.Node.labeled(kplus.NodeLabelQuery.is('storage-node', 'true')));
  // cdk8s-plus-27 has no seccomp profile: an escape hatch, as a user would write it.
  ApiObject.of(deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }));

  new kplus.k8s.KubePodDisruptionBudget(chart, `Pdb${i}`, {
    metadata: { name: `${name}-pdb` },
    spec: {
      maxUnavailable: kplus.k8s.IntOrString.fromNumber(1),
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
      selector: { matchLabels: deployment.podMetadata.toJson().labels },
    },
  });
  new kplus.Service(chart, `Service${i}`, {
    metadata: { name },
    type: kplus.ServiceType.CLUSTER_IP,
    selector: deployment,
    ports: [{ port: 5432, targetPort: 5432, name: 'postgres', protocol: kplus.Protocol.TCP }],
  });
  const policy = new kplus.NetworkPolicy(chart, `NetworkPolicy${i}`, {
    metadata: { name },
    selector: deployment,
    ingress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
  });
  policy.addIngressRule(kplus.Pods.select(chart, `Clients${i}`, { labels: { app: `client-${i}` } }), [kplus.NetworkPolicyPort.tcp(5432)]);
}

// ---- Measuring ----

/** Builds and synthesizes an app of n stacks; returns the YAML length, so that the work cannot be skipped. */
function synthesize(build, n) {
  const app = new App({ outdir: '/dev/null' });
  const chart = new Chart(app, 'bench');
  for (let i = 0; i < n; i++) build(chart, i);
  const yaml = app.synthYaml();
  return { app, length: yaml.length };
}

function measure(build, n) {
  global.gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const cpuBefore = process.cpuUsage();
  const result = synthesize(build, n);
  const cpu = process.cpuUsage(cpuBefore);
  // The heap the finished app holds (constructs, resolved objects), measured while it is still referenced.
  global.gc();
  const heapMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  if (result.length === 0) throw new Error('empty synthesis');
  return { ms: (cpu.user + cpu.system) / 1000, heapMiB };
}

const median = values => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Both sides at one size: a warm-up of each (JIT, module caches), then runs that alternate which side goes first, so
 * that load from other processes and leftover garbage fall on both alike. CPU time, not wall time, for the same reason.
 */
function benchPair(n) {
  measure(handWritten, n);
  measure(ours, n);
  const runs = { own: [], hand: [] };
  for (let r = 0; r < RUNS; r++) {
    const order = r % 2 === 0 ? ['hand', 'own'] : ['own', 'hand'];
    for (const side of order) runs[side].push(measure(side === 'own' ? ours : handWritten, n));
  }
  const summary = list => ({ ms: median(list.map(run => run.ms)), heapMiB: median(list.map(run => run.heapMiB)) });
  return { own: summary(runs.own), hand: summary(runs.hand) };
}

// Same objects both ways: the YAML must be close in size (generated label values differ in length).
const check = { ours: synthesize(ours, 1).length, hand: synthesize(handWritten, 1).length };
if (Math.abs(check.ours - check.hand) / check.hand > 0.05) {
  console.error(`the two stacks differ: ${check.ours} vs ${check.hand} characters of YAML for one stack`);
  process.exit(1);
}

console.log(`synth of N PostgreSQL single-writer stacks (5 objects each): median CPU time and retained heap of ${RUNS} runs `
  + `per side, alternating, after a warm-up; node ${process.version}`);
console.log('     N |  ours ms | hand ms (baseline) | ratio | ours heap MiB | hand heap MiB (baseline) | heap ratio');
const results = new Map();
for (const n of SIZES) {
  const { own, hand } = benchPair(n);
  results.set(n, { own, hand });
  console.log(`${String(n).padStart(6)} | ${own.ms.toFixed(1).padStart(8)} | ${hand.ms.toFixed(1).padStart(18)} | ${(own.ms / hand.ms).toFixed(2).padStart(5)} | `
    + `${own.heapMiB.toFixed(1).padStart(13)} | ${hand.heapMiB.toFixed(1).padStart(24)} | ${(own.heapMiB / hand.heapMiB).toFixed(2).padStart(10)}`);
}

// Goals: ours within 15% of the hand-written objects in CPU time and in retained heap at every N, and ours growing at
// most 12x for each 10x more stacks (linear is 10x).
const goals = [];
for (const [n, { own, hand }] of results) {
  goals.push({ what: `time at N=${n}: ours ${own.ms.toFixed(1)} ms / hand-written ${hand.ms.toFixed(1)} ms`, value: own.ms / hand.ms, limit: GOAL_RATIO });
  goals.push({ what: `retained heap at N=${n}: ours ${own.heapMiB.toFixed(2)} MiB / hand-written ${hand.heapMiB.toFixed(2)} MiB`, value: own.heapMiB / hand.heapMiB, limit: GOAL_RATIO });
}
for (const n of SIZES) {
  const bigger = results.get(n * 10);
  if (!bigger) continue;
  const small = results.get(n);
  for (const [label, unit, of] of [['time', 'ms', (side) => side.ms], ['retained heap', 'MiB', (side) => side.heapMiB]]) {
    goals.push({
      what: `${label} growth N=${n} → ${n * 10}: ours ${of(small.own).toFixed(1)} → ${of(bigger.own).toFixed(1)} ${unit} `
        + `(hand-written ${(of(bigger.hand) / of(small.hand)).toFixed(1)}x)`,
      value: of(bigger.own) / of(small.own),
      limit: GOAL_GROWTH,
      unit: 'x',
    });
  }
}
console.log('goals:');
for (const goal of goals) {
  const pass = goal.value <= goal.limit;
  console.log(`  ${pass ? 'pass' : 'FAIL'}  ${goal.what} = ${goal.value.toFixed(2)}${goal.unit ?? ''} (goal ≤ ${goal.limit}${goal.unit ?? ''})`);
}
const failed = goals.filter((goal) => goal.value > goal.limit).length;
console.log(failed === 0 ? 'all goals met' : `${failed} of ${goals.length} goals failed`);
process.exitCode = failed === 0 ? 0 : 1;
