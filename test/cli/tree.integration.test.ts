// `rwop audit` on a tree laid out like a GitOps repository (fixtures/gitops): files that are not manifests are
// skipped and named, kustomizations rendered with the real kubectl, ignore files and git's ignore rules honoured.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { JsonReport } from '../../src/cli/format-json';
import { expectValidManifests, loadManifestFiles } from '../harness';
import { rwop } from './support';

const ROOT = path.join(__dirname, '..', '..');
const GITOPS = path.join(__dirname, 'fixtures', 'gitops');
const SARIF_SCHEMA = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8'));
const validateSarif = new Ajv({ allErrors: true, strict: false });
addFormats(validateSarif);
const sarifValid = validateSarif.compile(SARIF_SCHEMA);

const BASE = path.join('apps', 'web', 'base', 'kustomization.yaml');
const STAGING = path.join('apps', 'web', 'overlays', 'staging', 'kustomization.yaml');

/** What the fixture tree skips, in walk order (byte order of paths). */
const SKIPPED = [
  ['Taskfile.yml', 'not a Kubernetes manifest (no apiVersion and kind)'],
  [path.join('apps', 'cache-chart', 'Chart.yaml'), 'a Helm chart: audit what it renders, e.g. "helm template <release> apps/cache-chart | rwop audit -"'],
  [path.join('apps', 'mail', 'configmap.yaml'),
    'holds unrendered template syntax ({{ ... }}): audit what it renders, e.g. "helm template <release> <chart> | rwop audit -"'],
  [path.join('cdk8s', 'dist', 'construct-metadata.json'), 'not a Kubernetes manifest (no apiVersion and kind)'],
  [path.join('config', 'app-config.json'), 'not a Kubernetes manifest (no apiVersion and kind)'],
  [path.join('infra', 'bucket.yaml'), 'not a Kubernetes manifest (no apiVersion and kind)'],
  [path.join('secrets', 'db-credentials.sops.yaml'), 'encrypted with sops (its apiVersion and kind too): audit it decrypted, e.g. "sops -d <file> | rwop audit -"'],
].map(([file, reason]) => ({ file, reason }));

/** A copy of the fixture tree in a temporary directory (outside any git work tree unless the test makes one). */
function copyTree(): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rwop-tree-'));
  fs.cpSync(GITOPS, tmp, { recursive: true });
  return tmp;
}

function surgeLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.includes('rwop-rolling-update-surge')).map((line) => line.split(': ').slice(0, 3).join(': '));
}

describe('fixtures', () => {
  test('what kubectl renders of the kustomizations, and the plain manifests, are valid Kubernetes objects', () => {
    const rendered = ['base', path.join('overlays', 'staging'), path.join('overlays', 'production')].flatMap((dir) =>
      loadManifestText(execFileSync('kubectl', ['kustomize', path.join(GITOPS, 'apps', 'web', dir)], { encoding: 'utf8' })));
    expect(rendered.map((object) => `${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}`)).toEqual([
      'PersistentVolumeClaim /web-data', 'Deployment /web',
      'PersistentVolumeClaim staging/web-data', 'Deployment staging/web',
      'PersistentVolumeClaim production/web-data', 'Deployment production/web',
    ]);
    expect(rendered[5].spec.strategy).toEqual({ type: 'Recreate' });
    expectValidManifests(rendered);
    expectValidManifests(loadManifestFiles([path.join(GITOPS, 'apps', 'mail', 'service.yaml'), path.join(GITOPS, 'cdk8s', 'dist', 'reports.k8s.yaml')]));
  });
});

describe('rwop audit on a repository tree', () => {
  let tree: string;
  beforeEach(() => {
    tree = copyTree();
  });
  afterEach(() => fs.rmSync(tree, { recursive: true, force: true }));

  test('text: findings of the rendered kustomizations name their kustomization file, skipped files are listed, exit 1', async () => {
    const { code, stdout, stderr } = await rwop(['audit', '.'], { cwd: tree });
    expect(stderr).toBe('');
    expect(code).toBe(1);
    // The production overlay patches the strategy to Recreate: no finding there. The base is audited on its own too.
    expect(surgeLines(stdout)).toEqual([
      `${BASE}: error rwop-rolling-update-surge: Deployment default/web updates with RollingUpdate (the default strategy) with maxSurge 25% (the default) and maxUnavailable 25% (the default, 0 pods) and mounts ReadWriteOncePod PersistentVolumeClaim default/web-data`,
      `${STAGING}: error rwop-rolling-update-surge: Deployment staging/web updates with RollingUpdate (the default strategy) with maxSurge 25% (the default) and maxUnavailable 25% (the default, 0 pods) and mounts ReadWriteOncePod PersistentVolumeClaim staging/web-data`,
    ]);
    expect(stdout).toContain(`[also: PersistentVolumeClaim staging/web-data at ${STAGING}]`);
    const skippedLines = stdout.split('\n').filter((line) => line.includes(': skipped: '));
    expect(skippedLines).toEqual(SKIPPED.map(({ file, reason }) => `${file}: skipped: ${reason}`));
    // 6 rendered objects, the Service, the cdk8s claim and kind's cluster config (it has apiVersion and kind).
    expect(stdout).toMatch(/\nrwop audit: 9 objects, \d+ rules: 2 errors, 0 warnings, 0 info, 0 suppressed \(fails --fail-on error\); 7 files skipped\n$/);
    // A directory given again, whole or in part, is read once.
    expect((await rwop(['audit', '.', 'apps', path.join('apps', 'web')], { cwd: tree })).stdout).toBe(stdout);
  });

  test('json: the skipped files with their reasons; findings of rendered output have the kustomization file and no line', async () => {
    const { code, stdout } = await rwop(['audit', '.', '--format', 'json'], { cwd: tree });
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.summary).toMatchObject({ objects: 9, error: 2, failed: true, skipped: 7, strict: false });
    expect(report.skipped).toEqual(SKIPPED);
    expect(report.findings.map((found) => found.objects.map((object) => [object.kind, object.namespace, object.file, object.line]))).toEqual([
      [['Deployment', 'default', BASE, null], ['PersistentVolumeClaim', 'default', BASE, null]],
      [['Deployment', 'staging', STAGING, null], ['PersistentVolumeClaim', 'staging', STAGING, null]],
    ]);
  });

  test('sarif: valid SARIF 2.1.0; skipped files are tool notifications, not results; rendered findings link to the kustomization', async () => {
    const { code, stdout } = await rwop(['audit', '.', '--format', 'sarif'], { cwd: tree });
    expect(code).toBe(1);
    const log = JSON.parse(stdout);
    expect(sarifValid(log) ? [] : sarifValid.errors).toEqual([]);
    const [run] = log.runs;
    expect(run.results.map((result: any) => [result.ruleId, result.locations[0].physicalLocation])).toEqual([
      ['rwop-rolling-update-surge', { artifactLocation: { uri: 'apps/web/base/kustomization.yaml' } }],
      ['rwop-rolling-update-surge', { artifactLocation: { uri: 'apps/web/overlays/staging/kustomization.yaml' } }],
    ]);
    expect(run.invocations).toHaveLength(1);
    expect(run.invocations[0].executionSuccessful).toBe(true);
    const notifications = run.invocations[0].toolExecutionNotifications;
    expect(notifications.map((n: any) => [n.level, n.locations[0].physicalLocation.artifactLocation.uri])).toEqual(
      SKIPPED.map(({ file }) => ['note', file.split(path.sep).join('/')]));
    expect(notifications[0].message.text).toBe(`Taskfile.yml: skipped: ${SKIPPED[0].reason}`);
  });

  test('--strict: the report is printed, skipped files are errors, exit 2', async () => {
    const text = await rwop(['audit', '.', '--strict'], { cwd: tree });
    expect(text.code).toBe(2);
    expect(text.stdout).toContain(`Taskfile.yml: error (--strict): ${SKIPPED[0].reason}\n`);
    expect(text.stdout).toMatch(/; 7 files skipped \(errors under --strict\)\n$/);
    expect(text.stderr).toBe(`rwop audit: 7 files are not audited (--strict): ${SKIPPED.map(({ file }) => file).join(', ')}\n`);
    const sarif = JSON.parse((await rwop(['audit', '.', '--strict', '-f', 'sarif'], { cwd: tree })).stdout);
    expect(sarifValid(sarif) ? [] : sarifValid.errors).toEqual([]);
    expect(sarif.runs[0].invocations[0].executionSuccessful).toBe(false);
    expect(new Set(sarif.runs[0].invocations[0].toolExecutionNotifications.map((n: any) => n.level))).toEqual(new Set(['error']));
    // Nothing skipped, nothing to be strict about: findings decide the exit code as usual.
    expect((await rwop(['audit', path.join('apps', 'mail', 'service.yaml'), '--strict'], { cwd: tree })).code).toBe(0);
  });

  test('--no-kustomize: the files are read as they are (the base Deployment found at its own line, the patch read as an object)', async () => {
    const { code, stdout } = await rwop(['audit', '.', '--no-kustomize', '-f', 'json'], { cwd: tree });
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as JsonReport;
    // Read as it is, the overlay's patch is a second Deployment of the same name: what rendering avoids.
    expect(report.findings.map((found) => [found.ruleId, found.objects[0].file, found.objects[0].line])).toEqual([
      ['duplicate-object', path.join('apps', 'web', 'base', 'deployment.yaml'), 1],
      ['rwop-rolling-update-surge', path.join('apps', 'web', 'base', 'deployment.yaml'), 1],
    ]);
    // The three kustomization files (Kustomization objects), claim, Deployment, patch, Service, cdk8s claim, kind config.
    expect(report.summary.objects).toBe(9);
  });

  test('.rwopignore and --exclude (gitignore syntax, repeatable); without the ignore file the broken draft is an error', async () => {
    const excluded = await rwop(['audit', '.', '--exclude', 'apps/web/', '--exclude', '*.sops.yaml', '-f', 'json'], { cwd: tree });
    expect(excluded.code).toBe(0);
    const report = JSON.parse(excluded.stdout) as JsonReport;
    expect(report.findings).toEqual([]);
    expect(report.skipped.map(({ file }) => file)).toEqual(SKIPPED.map(({ file }) => file).filter((file) => !file.endsWith('.sops.yaml')));

    fs.rmSync(path.join(tree, '.rwopignore'));
    const { code, stdout, stderr } = await rwop(['audit', '.'], { cwd: tree });
    // It has apiVersion and kind: a YAML error in it stays an error.
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(/^rwop audit: scratch\/draft\.yaml:3: invalid YAML/);
  });

  test('a git work tree: files git ignores are skipped; outside git the same file is read', async () => {
    fs.mkdirSync(path.join(tree, 'generated'));
    fs.writeFileSync(path.join(tree, 'generated', 'broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n');
    fs.writeFileSync(path.join(tree, '.gitignore'), 'generated/\n');
    expect((await rwop(['audit', 'apps/mail/service.yaml', '.'], { cwd: tree })).code).toBe(2);

    execFileSync('git', ['init', '--quiet', tree]);
    const { code, stderr } = await rwop(['audit', '.'], { cwd: tree });
    expect({ code, stderr }).toEqual({ code: 1, stderr: '' });
    // A directory named on the command line is read even when git ignores it (as cdk8s apps ignore dist/).
    expect(await rwop(['audit', 'generated'], { cwd: tree })).toMatchObject({ code: 2, stderr: expect.stringMatching(/^rwop audit: generated\/broken\.yaml:3: invalid YAML/) });
    // A subdirectory of the work tree given on its own: git's rules still apply.
    fs.mkdirSync(path.join(tree, 'apps', 'mail', 'out'));
    fs.writeFileSync(path.join(tree, 'apps', 'mail', 'out', 'broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n');
    fs.appendFileSync(path.join(tree, '.gitignore'), 'out/\n');
    expect(await rwop(['audit', path.join('apps', 'mail')], { cwd: tree })).toMatchObject({ code: 0, stderr: '' });
  });

  test('files named on the command line (as pre-commit passes them) are skipped the same way; stdin is read as it is', async () => {
    const named = await rwop(['audit', 'Taskfile.yml', path.join('apps', 'mail', 'service.yaml'), path.join('scratch', 'draft.yaml')], { cwd: tree });
    // scratch/ is in the working directory's .rwopignore.
    expect(named.code).toBe(0);
    expect(named.stdout).toBe(`Taskfile.yml: skipped: ${SKIPPED[0].reason}\nrwop audit: 1 object, ${/(\d+) rules/.exec(named.stdout)![1]} rules: 0 errors, 0 warnings, 0 info, 0 suppressed (passes --fail-on error); 1 file skipped\n`);
    const piped = await rwop(['audit', '-'], { cwd: tree, stdin: fs.readFileSync(path.join(tree, 'Taskfile.yml'), 'utf8') });
    expect(piped.code).toBe(2);
    expect(piped.stderr).toMatch(/^rwop audit: <stdin>:1: not a Kubernetes object: no apiVersion and kind/);
  });

  test('a kustomization kubectl cannot render is skipped with kubectl\'s reason', async () => {
    fs.writeFileSync(path.join(tree, 'apps', 'web', 'overlays', 'staging', 'kustomization.yaml'), 'resources:\n  - ../../missing\n');
    const { code, stdout } = await rwop(['audit', path.join('apps', 'web'), '-f', 'json'], { cwd: tree });
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.skipped).toEqual([{ file: STAGING, reason: expect.stringMatching(/^"kubectl kustomize apps\/web\/overlays\/staging" failed: .*missing/) }]);
  });

  test('a kustomization that takes in a subdirectory renders it once, as part of itself', async () => {
    fs.writeFileSync(path.join(tree, 'apps', 'web', 'kustomization.yaml'), 'resources:\n  - overlays/staging\n');
    const { stdout } = await rwop(['audit', path.join('apps', 'web'), '-f', 'json'], { cwd: tree });
    const files = (JSON.parse(stdout) as JsonReport).findings.map((found) => found.objects[0].file);
    // base and production are kustomizations of their own that it does not take in: rendered on their own.
    expect(files).toEqual([BASE, path.join('apps', 'web', 'kustomization.yaml')]);
  });
});

describe('the real executable', () => {
  /** `rwop` as a child process with a PATH of our choosing. */
  function bin(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register', path.join(ROOT, 'src', 'cli', 'bin.ts'), ...args], {
      cwd,
      encoding: 'utf8',
      env: { ...env, TS_NODE_TRANSPILE_ONLY: '1', TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'), NODE_PATH: path.join(ROOT, 'node_modules') },
      timeout: 60_000,
    });
    if (result.error) throw result.error;
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  test('on the whole tree: the same report as in-process, exit 1', async () => {
    const tree = copyTree();
    const { code, stdout, stderr } = bin(['audit', '.'], tree);
    expect({ code, stderr }).toEqual({ code: 1, stderr: '' });
    expect(stdout).toBe((await rwop(['audit', '.'], { cwd: tree })).stdout);
    fs.rmSync(tree, { recursive: true, force: true });
  });

  test('kubectl not on PATH: exit 2 with a message that names --no-kustomize, which then works', () => {
    const tree = copyTree();
    // The executable is started by its absolute path: an empty PATH leaves out kubectl (and git) only.
    const noKubectl = { ...process.env, PATH: fs.mkdtempSync(path.join(os.tmpdir(), 'rwop-empty-path-')) };
    const missing = bin(['audit', '.'], tree, noKubectl);
    expect({ code: missing.code, stdout: missing.stdout }).toEqual({ code: 2, stdout: '' });
    expect(missing.stderr).toBe(`rwop audit: ${BASE}: a kustomization is rendered with "kubectl kustomize", but kubectl is not on PATH: `
      + 'install kubectl, or pass --no-kustomize to read the files of kustomization directories as they are\n');
    expect(bin(['audit', '.', '--no-kustomize'], tree, noKubectl).code).toBe(1);
    fs.rmSync(tree, { recursive: true, force: true });
  });
});

function loadManifestText(text: string): any[] {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rwop-rendered-')), 'out.yaml');
  fs.writeFileSync(file, text);
  return loadManifestFiles([file]);
}
