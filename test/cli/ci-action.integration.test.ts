// The GitHub Action (action.yml) and the pre-commit hook (.pre-commit-hooks.yaml): their shape, and the exact
// commands they run, run here with the local `rwop` in place of the published one.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { rwop } from './support';

const ROOT = path.join(__dirname, '..', '..');
const GITOPS = path.join(__dirname, 'fixtures', 'gitops');
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const sarifValid = ajv.compile(JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')));

/** The local `rwop`, from source, as a command line the action's script can word-split (no spaces in these paths). */
const LOCAL_RWOP = `${process.execPath} -r ts-node/register ${path.join(ROOT, 'src', 'cli', 'bin.ts')}`;

interface ActionStep {
  readonly id?: string;
  readonly name?: string;
  readonly uses?: string;
  readonly if?: string;
  readonly shell?: string;
  readonly env?: Record<string, string>;
  readonly run?: string;
  readonly with?: Record<string, string>;
}

const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  name: string;
  description: string;
  inputs: Record<string, { description: string; default?: string }>;
  runs: { using: string; steps: ActionStep[] };
};

describe('action.yml', () => {
  const steps = action.runs.steps;
  const audit = steps.find((step) => step.id === 'audit')!;

  test('a composite action with documented inputs and defaults, and its steps in order', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, input.default]))).toEqual({
      'paths': '.',
      'exclude': '',
      'fail-on': 'error',
      'output': 'rwop.sarif',
      'upload': 'true',
      'category': 'rwop',
      'version': 'latest',
      'node-version': '20',
    });
    for (const input of Object.values(action.inputs)) expect(input.description).toMatch(/\S/);
    expect(steps.map((step) => step.uses ?? step.id ?? step.name)).toEqual([
      'actions/setup-node@v7.0.0', 'audit', 'github/codeql-action/upload-sarif@v4', 'Fail on findings',
    ]);
    // Third-party actions are pinned to a release tag, not a branch.
    for (const step of steps.filter((s) => s.uses)) expect(step.uses).toMatch(/@v\d+(\.\d+\.\d+)?$/);
    expect(steps[2].with).toEqual({ sarif_file: '${{ inputs.output }}', category: '${{ inputs.category }}' });
    // Uploaded whenever rwop reached a verdict, findings or not; the step that fails on findings comes after it.
    expect(steps[2].if).toBe("${{ inputs.upload == 'true' && (steps.audit.outputs.exit-code == '0' || steps.audit.outputs.exit-code == '1') }}");
    expect(steps[3].if).toBe("${{ steps.audit.outputs.exit-code == '1' }}");
  });

  test('the audit runs the published package through npm exec; inputs reach the script only as environment variables', () => {
    expect(audit.shell).toBe('bash');
    expect(audit.env!.RWOP).toBe('npm exec --yes --package=cdk8s-rwop@${{ inputs.version }} -- rwop');
    expect(audit.run).not.toContain('${{');
  });

  /** The audit step's script, run as the runner runs it, with these inputs (the others at their defaults). */
  function runAuditStep(inputs: Record<string, string>, cwd: string) {
    const values = { ...Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, input.default ?? ''])), ...inputs };
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(audit.env!)) {
      env[name] = value.replace(/\$\{\{ inputs\.([\w-]+) \}\}/g, (_match, input: string) => {
        if (!(input in values)) throw new Error(`action.yml uses an undeclared input "${input}"`);
        return values[input];
      });
    }
    expect(env.RWOP).toBe(`npm exec --yes --package=cdk8s-rwop@${values.version} -- rwop`);
    env.RWOP = LOCAL_RWOP;
    const githubOutput = path.join(cwd, 'github-output.txt');
    fs.writeFileSync(githubOutput, '');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', audit.run!], {
      cwd,
      encoding: 'utf8',
      env: {
        ...process.env,
        ...env,
        GITHUB_OUTPUT: githubOutput,
        TS_NODE_TRANSPILE_ONLY: '1',
        TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
        NODE_PATH: path.join(ROOT, 'node_modules'),
      },
      timeout: 120_000,
    });
    if (result.error) throw result.error;
    const outputs = Object.fromEntries(fs.readFileSync(githubOutput, 'utf8').trim().split('\n').map((line) => line.split('=')));
    const sarifFile = path.join(cwd, values.output);
    return { code: result.status, stdout: result.stdout, outputs, sarif: fs.existsSync(sarifFile) ? fs.readFileSync(sarifFile, 'utf8') : '' };
  }

  let tree: string;
  beforeEach(() => {
    tree = fs.mkdtempSync(path.join(os.tmpdir(), 'rwop-action-'));
    fs.cpSync(GITOPS, tree, { recursive: true });
  });
  afterEach(() => fs.rmSync(tree, { recursive: true, force: true }));

  test('fail-on error on a tree with an error: valid SARIF written, the step passes and hands exit code 1 to the fail step', () => {
    const { code, outputs, sarif } = runAuditStep({ 'paths': 'apps\nsecrets cdk8s', 'output': 'out.sarif', 'fail-on': 'error' }, tree);
    expect(code).toBe(0);
    expect(outputs).toEqual({ 'exit-code': '1' });
    const log = JSON.parse(sarif);
    expect(sarifValid(log) ? [] : sarifValid.errors).toEqual([]);
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].results.map((result: any) => result.locations[0].physicalLocation.artifactLocation.uri)).toEqual([
      'apps/web/base/kustomization.yaml', 'apps/web/overlays/staging/kustomization.yaml',
    ]);
    expect(log.runs[0].invocations[0].toolExecutionNotifications.map((n: any) => n.locations[0].physicalLocation.artifactLocation.uri)).toEqual([
      'apps/cache-chart/Chart.yaml', 'apps/mail/configmap.yaml', 'secrets/db-credentials.sops.yaml', 'cdk8s/dist/construct-metadata.json',
    ]);
  });

  test('fail-on none, and exclude patterns that leave out the hazard: exit code 0', () => {
    expect(runAuditStep({ 'fail-on': 'none' }, tree).outputs).toEqual({ 'exit-code': '0' });
    const excluded = runAuditStep({ exclude: 'apps/web/base/\n\napps/web/overlays/staging/\n' }, tree);
    expect(excluded.outputs).toEqual({ 'exit-code': '0' });
    expect(JSON.parse(excluded.sarif).runs[0].results).toEqual([]);
  });

  test('input rwop cannot read: the step itself fails with 2, and nothing is uploaded', () => {
    const { code, stdout, outputs } = runAuditStep({ paths: 'missing-dir' }, tree);
    expect(code).toBe(2);
    expect(outputs).toEqual({ 'exit-code': '2' });
    expect(stdout).toContain('::error::rwop audit did not run to the end (exit 2)');
  });
});

describe('.pre-commit-hooks.yaml', () => {
  const hooks = parse(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Array<Record<string, unknown>>;

  test('one node hook, rwop audit, on YAML and JSON files, in one process', () => {
    expect(hooks).toEqual([{
      id: 'rwop-audit',
      name: 'rwop audit',
      description: expect.stringMatching(/ReadWriteOncePod/),
      entry: 'rwop audit',
      language: 'node',
      files: '\\.(ya?ml|json)$',
      require_serial: true,
    }]);
  });

  test('its entry on the files pre-commit would pass (those its pattern matches): findings fail the commit', async () => {
    const [hook] = hooks;
    const files = listFiles(GITOPS).filter((file) => new RegExp(hook.files as string).test(file));
    expect(files).toContain('Taskfile.yml');
    expect(files).not.toContain(path.join('scripts', 'deploy.sh'));
    const [command, ...args] = (hook.entry as string).split(' ');
    expect(command).toBe('rwop');
    // Files one by one: kustomizations are not rendered; the base Deployment is found in its own file.
    const { code, stdout } = await rwop([...args, ...files], { cwd: GITOPS });
    expect(code).toBe(1);
    expect(stdout).toMatch(/^apps\/web\/base\/deployment\.yaml:1: error rwop-rolling-update-surge: /m);
    expect(stdout).not.toContain('scratch');
  });
});

function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(prefix, entry.name);
    return entry.isDirectory() ? listFiles(dir, relative) : [relative];
  }).sort();
}
