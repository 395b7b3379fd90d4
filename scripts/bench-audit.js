#!/usr/bin/env node
// `rwop audit` benchmark: generated inputs of 1,000, 10,000 and 100,000 objects, measured in ONE process
// against the compiled lib/ (run `npx projen compile` first; `npx projen bench:audit` does both).
//
// For each size it times, as medians of a few runs after a warm-up: parsing alone (parseManifests), the rules
// alone (runRules over the parsed objects), and the whole audit as the CLI runs it (main(['audit', '-']) with the
// YAML on a fake stdin: parse + rules + text report), and the same for the objects as one JSON `kind: List` (the
// shape of `kubectl get -o json`, read by the JSON path). It prints objects/s, the ratio audit/parse and the growth
// per 10x (the time ratio between consecutive sizes: ~10 is linear, ~100 quadratic), then the growth of each rule on
// its own, so that a rule that is not linear is named. Last, the CLI's cold start: `rwop --version` and `rwop audit <small
// file>` (lib/cli/rwop.js, as users run it) spawned 15 times, interleaved with `node -e 0` as the baseline; alone with
// RWOP_BENCH_COLD_START_ONLY=1.
//
// Then the peak memory (RSS) of `rwop audit <file>` (the bundled command, spawned on the YAML and the JSON of each size).
//
// Goals: YAML audit <= 1.5x js-yaml loadAll of the same text, JSON audit <= 1.3x JSON.parse (printed beside its floor:
// JSON.parse and the rules alone), linear growth, cold start <= 1.4x node -e 0, peak RSS less the command's own on a
// small input <= 6x the YAML and 4x the JSON at 10k and 100k objects (exit 1 when one is not met). Ratios are what to read: the absolute times depend on the machine and on what else
// runs on it.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const lib = path.join(root, 'lib');
if (!fs.existsSync(path.join(lib, 'cli', 'rwop.js'))) {
  console.error('lib/cli/rwop.js is missing: run `npx projen compile` first');
  process.exit(2);
}
const { parseManifests } = require(path.join(lib, 'core', 'parse-manifests.js'));
const { main } = require(path.join(lib, 'cli', 'main.js'));
const { RULES, runRules, ManifestIndex } = require(path.join(lib, 'rules', 'index.js'));

const SIZES = (process.env.RWOP_BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
// The baselines: the fastest well-kept YAML reader and the JSON reader built into Node, on the same text.
const jsYaml = require(path.join(root, 'node_modules', 'js-yaml'));
/** Rounds of measurements at each size (the median is kept); fewer at 100k, where one round takes minutes. */
const REPEATS = { 1000: 9, 10000: 5, 100000: 3 };
const COLD_START_RUNS = 15;
/** Runs of each rule alone at each size (the best is kept). */
const RULE_REPEATS = 7;

// ---------------------------------------------------------------------------------------------------------------
// Input: apps of a realistic mix, each a few objects, spread over namespaces of bounded size, with some hazards.

const NAMESPACE_APPS = 25;

/** The YAML documents of app number `i`; every app kind has its own shape, a few carry a hazard. */
function appDocuments(i) {
  const ns = `team-${Math.floor(i / NAMESPACE_APPS)}`;
  const name = `app-${i}`;
  switch (i % 6) {
    case 0: return database(ns, name, i);
    case 1: return statefulSet(ns, name, i);
    case 2: return webService(ns, name, i);
    case 3: return batch(ns, name, i);
    case 4: return database(ns, name, i);
    default: return webService(ns, name, i);
  }
}

function labels(name, indent) {
  return `${indent}app.kubernetes.io/name: ${name}\n${indent}app.kubernetes.io/part-of: shop`;
}

function container(name, image, extra = '') {
  return `      containers:
        - name: ${name}
          image: ${image}
          ports:
            - containerPort: 8080
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: [ALL]${extra}`;
}

/** One writer on an RWOP claim, its PDB, Service, config and a logical backup; hazards every few apps. */
function database(ns, name, i) {
  const surge = i % 20 === 0; // rwop-rolling-update-surge
  const backupMountsClaim = i % 25 === 4; // rwop-job-mounts-held-claim + rwop-claim-shared
  const literalPassword = i % 40 === 0; // literal-secret-env
  const blocksDrains = i % 50 === 4; // pdb-blocks-drains
  const env = literalPassword
    ? '\n          env:\n            - name: POSTGRES_PASSWORD\n              value: changeme'
    : '\n          env:\n            - name: POSTGRES_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: '
      + `${name}-credentials\n                  key: password`;
  const mounts = '\n          volumeMounts:\n            - name: data\n              mountPath: /var/lib/postgresql/data';
  return [`apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ${name}-data
  namespace: ${ns}
spec:
  accessModes: [ReadWriteOncePod]
  storageClassName: csi-exclusive-${Math.floor(i / 6) % 3}
  resources:
    requests:
      storage: 20Gi`, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
${labels(name, '    ')}
spec:
  replicas: 1
  strategy:
    type: ${surge ? 'RollingUpdate' : 'Recreate'}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
${labels(name, '        ')}
    spec:
      terminationGracePeriodSeconds: 90
${container('postgres', 'postgres:16.4', env + mounts)}
      volumes:
        - name: data
          persistentVolumeClaim:
            claimName: ${name}-data`, `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  maxUnavailable: ${blocksDrains ? 0 : 1}
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}`, service(ns, name), configMap(ns, name), `apiVersion: batch/v1
kind: CronJob
metadata:
  name: ${name}-backup
  namespace: ${ns}
spec:
  schedule: "${i % 60} 2 * * *"
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: 600
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: dump
              image: postgres:16.4
              command: ["sh", "-c", "pg_dump -h ${name} -U app app > /dumps/app.sql"]
              volumeMounts:
                - name: dumps
                  mountPath: /dumps
          volumes:
            - name: dumps
              persistentVolumeClaim:
                claimName: ${backupMountsClaim ? `${name}-data` : `${name}-dumps`}`, `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ${name}-dumps
  namespace: ${ns}
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 50Gi`];
}

/** Three replicas, one RWOP claim each from the claim template (a near miss), its Service and PDB. */
function statefulSet(ns, name, i) {
  return [`apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  serviceName: ${name}
  replicas: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
${labels(name, '        ')}
    spec:
${container('broker', `registry.example.com/broker:3.${i % 9}.1`, '\n          volumeMounts:\n            - name: log\n              mountPath: /var/lib/broker')}
  volumeClaimTemplates:
    - metadata:
        name: log
      spec:
        accessModes: [ReadWriteOncePod]
        resources:
          requests:
            storage: 100Gi`, service(ns, name), `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  minAvailable: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}`];
}

/** A stateless Deployment with an HPA, its Service and config; an unpinned image now and then. */
function webService(ns, name, i) {
  const image = i % 30 === 2 ? 'nginx:latest' : `registry.example.com/web:1.${i % 17}.0`;
  return [`apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  replicas: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
${labels(name, '        ')}
    spec:
${container('web', image)}`, service(ns, name), configMap(ns, name), `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: ${name}
  minReplicas: 3
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70`];
}

/** A one-off Job on an RWO scratch claim. */
function batch(ns, name, i) {
  return [`apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
${container('task', `registry.example.com/task:0.${i % 7}.3`, '\n          volumeMounts:\n            - name: scratch\n              mountPath: /scratch')}
      volumes:
        - name: scratch
          persistentVolumeClaim:
            claimName: ${name}-scratch`, `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ${name}-scratch
  namespace: ${ns}
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 5Gi`];
}

function service(ns, name) {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    app.kubernetes.io/name: ${name}
  ports:
    - port: 80
      targetPort: 8080`;
}

function configMap(ns, name) {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
  namespace: ${ns}
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "checkout,search"`;
}

/** StorageClasses, one of them in-tree (a hazard for the RWOP claims that name it), then apps up to `count` objects. */
function generate(count) {
  const documents = [
    '# generated by scripts/bench-audit.js',
    storageClass('csi-exclusive-0', 'ebs.csi.aws.com'),
    storageClass('csi-exclusive-1', 'pd.csi.storage.gke.io'),
    storageClass('csi-exclusive-2', 'kubernetes.io/aws-ebs'),
  ];
  let objects = 3;
  for (let i = 0; objects < count; i++) {
    for (const document of appDocuments(i)) {
      if (objects === count) break;
      documents.push(document);
      objects++;
    }
  }
  return { text: documents.join('\n---\n') + '\n', objects };
}

function storageClass(name, provisioner) {
  return `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: ${name}
provisioner: ${provisioner}
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Retain
allowVolumeExpansion: true`;
}

/** The objects as one `kind: List` in JSON, as `kubectl get -o json` prints them (read by the JSON path). */
function jsonList(manifests) {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests.map((m) => m.object), metadata: { resourceVersion: '' } }, null, 4);
}

// ---------------------------------------------------------------------------------------------------------------
// Measuring

function now() {
  return Number(process.hrtime.bigint()) / 1e6;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function collectGarbage() {
  if (global.gc) global.gc();
}

/** Wall time (ms) of one run of `fn`, after a full GC. */
function time(fn) {
  collectGarbage();
  const start = now();
  const result = fn();
  return { ms: now() - start, result };
}

async function timeAsync(fn) {
  collectGarbage();
  const start = now();
  const result = await fn();
  return { ms: now() - start, result };
}

/** Each input as the bytes the command reads from stdin, encoded once (outside the timings after the warm-up). */
const stdinBytes = new Map();

function auditIO(stdin) {
  if (!stdinBytes.has(stdin)) stdinBytes.set(stdin, Buffer.from(stdin, 'utf8'));
  const bytes = stdinBytes.get(stdin);
  const out = [];
  const io = {
    cwd: root,
    stdinIsTTY: false,
    stdout: (text) => out.push(text),
    stderr: (text) => out.push(text),
    readStdin: async () => bytes,
  };
  return { io, out };
}

async function auditOnce(text) {
  const { io, out } = auditIO(text);
  const code = await main(['audit', '-'], io);
  return { code, bytes: out.reduce((sum, chunk) => sum + chunk.length, 0) };
}

function format(value, digits = 0) {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function pad(cells, widths) {
  return cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ');
}

async function benchSizes() {
  if (!global.gc) console.log('(run with node --expose-gc for a GC between runs)');
  // Warm-up: every code path (parser, index, rules, formatter) compiled and optimized before the first timing.
  const warm = generate(2_000).text;
  const warmJson = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: parseManifests(warm, 'warm.yaml').map((m) => m.object) });
  for (let i = 0; i < 3; i++) {
    await auditOnce(warm);
    await auditOnce(warmJson);
  }

  const rows = [];
  for (const size of SIZES) {
    const { text, objects } = generate(size);
    let manifests;
    let json;
    let jsonManifests;
    // Interleaved, one of each per round, so that a burst of load on the machine hits all of them alike.
    const times = { jsYaml: [], parse: [], rules: [], audit: [], jsonBaseline: [], jsonParse: [], jsonRules: [], jsonAudit: [] };
    let findings = [];
    for (let round = 0; round < REPEATS[size]; round++) {
      times.jsYaml.push(time(() => jsYaml.loadAll(text)).ms);
      const parsed = time(() => parseManifests(text, 'bench.yaml'));
      times.parse.push(parsed.ms);
      if (!manifests) {
        manifests = parsed.result;
        if (manifests.length !== objects) throw new Error(`parsed ${manifests.length} objects, generated ${objects}`);
        json = jsonList(manifests);
      }
      const rules = time(() => runRules(manifests));
      times.rules.push(rules.ms);
      findings = rules.result;
      const audit = await timeAsync(() => auditOnce(text));
      if (audit.result.code !== 1) throw new Error(`the audit of ${size} objects exited ${audit.result.code}, expected 1 (it has hazards)`);
      times.audit.push(audit.ms);
      times.jsonBaseline.push(time(() => JSON.parse(json)).ms);
      const jsonParsed = time(() => parseManifests(json, 'bench.json'));
      times.jsonParse.push(jsonParsed.ms);
      jsonManifests ??= jsonParsed.result;
      // The rules over the JSON objects: with JSON.parse, the least any audit that checks every object can take.
      times.jsonRules.push(time(() => runRules(jsonManifests)).ms);
      times.jsonAudit.push((await timeAsync(() => auditOnce(json))).ms);
    }

    // Each rule alone over one index, to name a rule that does not grow linearly. These take milliseconds, where
    // a pause of the process weighs most: the best of several runs is their cost.
    const index = new ManifestIndex(manifests);
    const best = (fn) => Math.min(...Array.from({ length: RULE_REPEATS }, () => time(fn).ms));
    const perRule = {};
    for (const rule of RULES) perRule[rule.id] = best(() => rule.check(index));
    const indexBuild = best(() => new ManifestIndex(manifests));
    // The floor any rule pays: reading a few fields of every object. Past the CPU caches (100k objects is a heap of
    // hundreds of MB) each read costs more, so this grows faster than 10x too; a rule is judged against it.
    const walk = best(() => {
      let length = 0;
      for (const entry of index.objects) length += String(entry.object.apiVersion).length + String(entry.object.metadata?.name).length;
      return length;
    });

    const medians = Object.fromEntries(Object.entries(times).map(([key, values]) => [key, median(values)]));
    rows.push({ size, mb: text.length / 1e6, jsonMb: json.length / 1e6, ...medians, findings: findings.length, perRule, indexBuild, walk });
    console.log(`  measured ${format(size)} objects (${format(text.length / 1e6, 1)} MB of YAML, ${format(json.length / 1e6, 1)} MB as JSON, `
      + `${format(findings.length)} findings)`);
  }
  return rows;
}

/** (JSON.parse + the rules alone) / JSON.parse. */
function jsonFloor(row) {
  return (row.jsonBaseline + row.jsonRules) / row.jsonBaseline;
}

function printSizes(rows) {
  console.log('\nrwop audit on generated multi-document YAML (median of runs; times in ms); baseline: js-yaml loadAll of the same text');
  const widths = [9, 8, 10, 10, 10, 10, 13, 13, 12, 9];
  console.log(pad(['objects', 'MB', 'js-yaml', 'parse', 'rules', 'audit', 'parse obj/s', 'audit obj/s', 'audit/js-yaml', 'findings'], widths));
  for (const row of rows) {
    console.log(pad([format(row.size), format(row.mb, 1), format(row.jsYaml, 1), format(row.parse, 1), format(row.rules, 1), format(row.audit, 1),
      format(row.size / (row.parse / 1000)), format(row.size / (row.audit / 1000)), format(row.audit / row.jsYaml, 2) + 'x',
      format(row.findings)], widths));
  }

  console.log('\nthe same objects as one kind: List in JSON (kubectl get -o json), read by the JSON path (median; ms); baseline: JSON.parse');
  const jsonWidths = [9, 8, 11, 10, 10, 10, 13, 17, 17];
  console.log(pad(['objects', 'MB', 'JSON.parse', 'parse', 'rules', 'audit', 'parse obj/s', 'audit/JSON.parse', 'floor/JSON.parse'], jsonWidths));
  for (const row of rows) {
    console.log(pad([format(row.size), format(row.jsonMb, 1), format(row.jsonBaseline, 1), format(row.jsonParse, 1), format(row.jsonRules, 1),
      format(row.jsonAudit, 1), format(row.size / (row.jsonParse / 1000)), format(row.jsonAudit / row.jsonBaseline, 2) + 'x',
      format(jsonFloor(row), 2) + 'x'], jsonWidths));
  }
  console.log('  floor: JSON.parse and the rules alone, the least an audit that checks every object can take');

  console.log('\ngrowth per 10x objects (time ratio between consecutive sizes; linear is ~10, quadratic ~100)');
  const growthWidths = [17, 8, 8, 8, 11, 11, 10];
  console.log(pad(['sizes', 'parse', 'rules', 'audit', 'json parse', 'json audit', 'findings'], growthWidths));
  for (let i = 1; i < rows.length; i++) {
    const [a, b] = [rows[i - 1], rows[i]];
    console.log(pad([`${format(a.size)} -> ${format(b.size)}`, format(b.parse / a.parse, 1), format(b.rules / a.rules, 1),
      format(b.audit / a.audit, 1), format(b.jsonParse / a.jsonParse, 1), format(b.jsonAudit / a.jsonAudit, 1),
      format(b.findings / a.findings, 1)], growthWidths));
  }

  console.log(`\neach rule alone over one index (best of ${RULE_REPEATS} runs, ms at each size; growth per 10x)`);
  const ruleWidths = [29, ...rows.map(() => 9), ...rows.slice(1).map(() => 8)];
  const header = ['rule', ...rows.map((row) => format(row.size)), ...rows.slice(1).map((_, i) => `x${i + 1}`)];
  console.log(pad(header, ruleWidths));
  const entries = [
    ['(read 2 fields of each)', rows.map((row) => row.walk)],
    ['(index build)', rows.map((row) => row.indexBuild)],
    ...RULES.map((rule) => [rule.id, rows.map((row) => row.perRule[rule.id])]),
  ];
  const floorGrowth = rows.slice(1).map((row, i) => row.walk / rows[i].walk);
  const suspects = [];
  for (const [id, times] of entries) {
    const growth = times.slice(1).map((t, i) => t / times[i]);
    console.log(pad([id, ...times.map((t) => format(t, 2)), ...growth.map((g) => format(g, 1))], ruleWidths));
    // Below a few ms timer noise dominates: judge only the last step, where the larger time means something, and
    // against the floor: a quadratic rule grows ~10 times more than reading every object does.
    const last = growth.length - 1;
    if (times[last + 1] > 20 && growth[last] > 3 * Math.max(10, floorGrowth[last])) suspects.push(`${id} (x${format(growth[last], 1)})`);
  }
  console.log(suspects.length === 0
    ? `no rule grows more than 3x faster than reading every object does (x${floorGrowth.map((g) => format(g, 1)).join(', x')})`
    : `NOT LINEAR: ${suspects.join(', ')}`);

  const worst = rows[rows.length - 1];
  const growth = (key) => rows.slice(1).map((row, i) => row[key] / rows[i][key]);
  console.log('\ngoals:');
  goal('YAML audit <= 1.5x js-yaml loadAll', rows.every((row) => row.audit / row.jsYaml <= 1.5),
    rows.map((row) => `${format(row.size)}: ${format(row.audit / row.jsYaml, 2)}x`).join(', '));
  goal('JSON audit <= 1.3x JSON.parse at 10k and 100k', rows.filter((row) => row.size >= 10_000).every((row) => row.jsonAudit / row.jsonBaseline <= 1.3),
    rows.map((row) => `${format(row.size)}: ${format(row.jsonAudit / row.jsonBaseline, 2)}x, floor ${format(jsonFloor(row), 2)}x`).join('; '));
  goal('growth per 10x <= 12x (YAML and JSON audit)', [...growth('audit'), ...growth('jsonAudit')].every((g) => g <= 12),
    `YAML ${growth('audit').map((g) => format(g, 1)).join(', ')}; JSON ${growth('jsonAudit').map((g) => format(g, 1)).join(', ')}`);
  console.log(`  ${format(worst.size)} objects audited at ${format(worst.size / (worst.audit / 1000))} objects/s (YAML)`);
}

// ---------------------------------------------------------------------------------------------------------------
// Memory

/** Runs of the command on each input for its peak RSS (the median is kept); one at 100k, where a run takes seconds. */
const MEMORY_RUNS = { 1000: 3, 10000: 3, 100000: 1 };
const GNU_TIME = '/usr/bin/time';

/**
 * Peak RSS (bytes) of `node lib/cli/rwop.js audit <file>`, which must exit 1 (the inputs have hazards): from GNU time
 * where the machine has it, else from the command itself, with a preloaded module that writes its maxRSS at exit.
 */
function peakRss(file, dir) {
  const bin = path.join(lib, 'cli', 'rwop.js');
  const report = path.join(dir, 'max-rss.txt');
  fs.rmSync(report, { force: true });
  const useTime = fs.existsSync(GNU_TIME);
  let result;
  if (useTime) {
    result = spawnSync(GNU_TIME, ['-f', '%M', '-o', report, process.execPath, bin, 'audit', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  } else {
    const preload = path.join(dir, 'max-rss.js');
    fs.writeFileSync(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(report)}, String(process.resourceUsage().maxRSS)));\n`);
    result = spawnSync(process.execPath, ['-r', preload, bin, 'audit', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  if (result.error) throw result.error;
  if (result.status !== 1) throw new Error(`rwop audit ${file} exited ${result.status}: ${result.stderr}`);
  // GNU time writes "Command exited with non-zero status 1" before the figure: the last line is the KiB.
  const kib = Number(fs.readFileSync(report, 'utf8').trim().split('\n').pop());
  if (!Number.isFinite(kib) || kib <= 0) throw new Error(`no peak RSS for ${file}: ${fs.readFileSync(report, 'utf8')}`);
  return { bytes: kib * 1024, how: useTime ? 'GNU time' : 'process.resourceUsage().maxRSS' };
}

/**
 * The peak RSS of the command on the YAML and the JSON of each size, against the input's size. Node and the command
 * alone (an audit of 12 objects) take some 45 MB, which is more than 6x a YAML of 10k objects: the goals are judged
 * on what the input adds to that, and the plain ratio is printed beside it.
 */
function benchMemory() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rwop-bench-memory-'));
  try {
    const small = path.join(dir, 'small.yaml');
    fs.writeFileSync(small, generate(12).text);
    const own = median(Array.from({ length: 3 }, () => peakRss(small, dir).bytes));
    const rows = [];
    let how;
    for (const size of SIZES) {
      const { text } = generate(size);
      const inputs = { YAML: text, JSON: jsonList(parseManifests(text, 'bench.yaml')) };
      for (const [kind, content] of Object.entries(inputs)) {
        const file = path.join(dir, `bench.${kind.toLowerCase()}`);
        fs.writeFileSync(file, content);
        const runs = Array.from({ length: MEMORY_RUNS[size] ?? 1 }, () => peakRss(file, dir));
        how = runs[0].how;
        rows.push({ size, kind, input: Buffer.byteLength(content), peak: median(runs.map((run) => run.bytes)) });
        fs.rmSync(file);
      }
    }
    const mb = (bytes) => format(bytes / 1e6, 1);
    console.log(`\npeak RSS of rwop audit <file> (lib/cli/rwop.js, ${how}; median of runs, MB); the command on 12 objects: ${mb(own)} MB`);
    const widths = [9, 6, 9, 9, 11, 16];
    console.log(pad(['objects', 'input', 'MB', 'peak', 'peak/input', '(peak-own)/input'], widths));
    for (const row of rows) {
      console.log(pad([format(row.size), row.kind, mb(row.input), mb(row.peak), format(row.peak / row.input, 2) + 'x',
        format((row.peak - own) / row.input, 2) + 'x'], widths));
    }
    for (const [kind, limit] of [['YAML', 6], ['JSON', 4]]) {
      const judged = rows.filter((row) => row.kind === kind && row.size >= 10_000);
      goal(`peak RSS less the command's own <= ${limit}x the ${kind} at 10k and 100k`, judged.every((row) => (row.peak - own) / row.input <= limit),
        rows.filter((row) => row.kind === kind).map((row) => `${format(row.size)}: ${format((row.peak - own) / row.input, 2)}x`).join(', '));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Cold start

function benchColdStart() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rwop-bench-'));
  try {
    const small = path.join(dir, 'small.yaml');
    fs.writeFileSync(small, generate(12).text);
    const bin = path.join(lib, 'cli', 'rwop.js');
    const commands = {
      'node -e 0': { args: ['-e', '0'], status: 0 },
      'rwop --version': { args: [bin, '--version'], status: 0 },
      'rwop audit <12 objects>': { args: [bin, 'audit', small], status: 1 },
    };
    const runs = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
    const time = (name) => {
      const { args, status } = commands[name];
      const start = now();
      const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
      const ms = now() - start;
      if (result.error) throw result.error;
      if (result.status !== status) throw new Error(`${name} exited ${result.status}: ${result.stderr}`);
      return ms;
    };
    time('node -e 0'); // page cache and the first fork out of the way
    for (let i = 0; i < COLD_START_RUNS; i++) {
      // Interleaved, so that every command sees the same load on the machine.
      for (const name of Object.keys(commands)) runs[name].push(time(name));
    }
    const baseline = median(runs['node -e 0']);
    console.log(`\ncold start (median of ${COLD_START_RUNS} interleaved spawns, wall time; baseline node -e 0 ${format(baseline, 0)} ms):`);
    for (const name of Object.keys(commands).slice(1)) {
      const ratio = median(runs[name]) / baseline;
      goal(`${name} <= 1.4x node -e 0`, ratio <= 1.4, `${format(median(runs[name]), 0)} ms, ${format(ratio, 2)}x`);
    }
    console.log(`  all runs (ms): ${Object.entries(runs).map(([name, ms]) => `${name}: ${ms.map((m) => format(m)).join(' ')}`).join(' | ')}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Prints one goal with its figure; a goal that does not hold makes the benchmark exit 1. */
function goal(name, holds, figure) {
  console.log(`  goal ${name}: ${holds ? 'met' : 'NOT met'} (${figure})`);
  if (!holds) process.exitCode = 1;
}

async function run() {
  console.log(`rwop audit benchmark: node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), `
    + `load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  // RWOP_BENCH_COLD_START_ONLY=1: the cold start alone (seconds instead of minutes), for work on the start-up path.
  if (!process.env.RWOP_BENCH_COLD_START_ONLY) {
    printSizes(await benchSizes());
    benchMemory();
  }
  benchColdStart();
}

run().catch((e) => {
  console.error(e);
  process.exitCode = 2;
});
