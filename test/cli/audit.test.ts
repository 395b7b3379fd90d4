import * as fs from 'fs';
import * as path from 'path';
import type { JsonReport } from '../../src/cli/format-json';
import { RULES } from '../../src/rules';
import { expectValidManifests, loadManifestFiles } from '../harness';
import { AUDIT_FIXTURES, rwop } from './support';

const HAZARDS = path.join('hazards', 'db.yaml');

function jsonOf(stdout: string): JsonReport {
  return JSON.parse(stdout) as JsonReport;
}

describe('fixtures', () => {
  test('every fixture object that should be valid Kubernetes is (hazards are legal objects, only unwise)', () => {
    // Each set is what one audit reads, so that an object may appear in more than one set.
    const sets = [
      ['hazards/db.yaml', 'hazards/backup.yaml', 'hazards/nested/pdb.yaml'],
      ['clean/storage.yaml', 'clean/postgres.yaml', 'clean/near-misses.yaml'],
      ['unpinned.yaml'], ['drain-blocking-on-purpose.yaml'], ['custom-resources.yaml'],
    ];
    const objects = sets.map((files) => loadManifestFiles(files.map((file) => path.join(AUDIT_FIXTURES, file))));
    expect(objects.map((set) => set.length)).toEqual([5, 9, 1, 3, 4]);
    for (const set of objects) expectValidManifests(set);
    const list = JSON.parse(fs.readFileSync(path.join(AUDIT_FIXTURES, 'kubectl-get-o-json.json'), 'utf8'));
    expectValidManifests(list.items);
  });
});

describe('rwop audit, text', () => {
  test('a directory: one line per finding at file:line, the other objects with theirs, suppressed shown with the reason, a summary', async () => {
    const { code, stdout, stderr } = await rwop(['audit', 'hazards']);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    const db = path.join('hazards', 'db.yaml');
    const backup = path.join('hazards', 'backup.yaml');
    expect(lines[0]).toMatch(new RegExp(`^${escape(db)}:6: error rwop-claim-shared: PersistentVolumeClaim shop/pg-data is ReadWriteOncePod .* `
      + `\\[also: CronJob shop/pg-backup at ${escape(backup)}:2; Deployment shop/postgres at ${escape(db)}:19\\]$`));
    expect(lines[1]).toMatch(new RegExp(`^${escape(backup)}:2: error rwop-job-mounts-held-claim: CronJob shop/pg-backup mounts`));
    expect(lines[2]).toMatch(new RegExp(`^${escape(db)}:19: error rwop-rolling-update-surge: Deployment shop/postgres `));
    expect(lines[3]).toMatch(new RegExp(`^${escape(path.join('hazards', 'nested', 'pdb.yaml'))}:1: warning \\(suppressed\\) pdb-blocks-drains: `));
    expect(lines[3]).toMatch(/ \[suppressed: drains are done by hand after a switchover \(runbook DB-7\)\]$/);
    expect(lines[4]).toBe(`rwop audit: 5 objects, ${RULES.length} rules: 3 errors, 0 warnings, 0 info, 1 suppressed (fails --fail-on error)`);
  });

  test('the hidden editor backup and notes.txt in the directory are not read (reading them would fail)', async () => {
    await expect(rwop(['audit', path.join('hazards', '.editor-backup.yaml')])).resolves.toMatchObject({ code: 2 });
    const { code } = await rwop(['audit', 'hazards']);
    expect(code).toBe(1);
  });

  test('a clean set of files: no finding, exit 0, a summary still', async () => {
    const { code, stdout, stderr } = await rwop(['audit', 'clean/storage.yaml', 'clean/postgres.yaml', 'clean/near-misses.yaml']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(`rwop audit: 9 objects, ${RULES.length} rules: 0 errors, 0 warnings, 0 info, 0 suppressed (passes --fail-on error)\n`);
  });

  test('stdin: "-" and no path at all (stdin not a terminal); lines are those of the piped text', async () => {
    const text = fs.readFileSync(path.join(AUDIT_FIXTURES, 'hazards', 'db.yaml'), 'utf8');
    for (const argv of [['audit', '-'], ['audit']]) {
      const { code, stdout, io } = await rwop(argv, { stdin: text });
      expect(code).toBe(1);
      expect(io.stdinReads).toBe(1);
      expect(stdout).toMatch(/^<stdin>:19: error rwop-rolling-update-surge: /m);
    }
  });

  test('no path and stdin a terminal: usage error, stdin never read', async () => {
    const { code, stderr, io } = await rwop(['audit'], { stdinIsTTY: true });
    expect(code).toBe(2);
    expect(io.stdinReads).toBe(0);
    expect(stderr).toBe('rwop audit: no input: give files or directories, or pipe manifests into "rwop audit -"\nRun "rwop audit --help" for usage.\n');
  });

  test('kubectl get -o json: findings located at the List items', async () => {
    const { code, stdout } = await rwop(['audit', 'kubectl-get-o-json.json']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^kubectl-get-o-json\.json:250: error rwop-claim-shared: PersistentVolumeClaim media\/uploads .*\[also: Deployment media\/api at kubectl-get-o-json\.json:4; Deployment media\/thumbnailer at kubectl-get-o-json\.json:127\]$/m);
  });

  test('CRDs and unknown kinds are read and checked, not a crash', async () => {
    const { code, stdout, stderr } = await rwop(['audit', 'custom-resources.yaml']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^rwop audit: 4 objects, /);
  });

  test('an empty input is refused (exit 2); --allow-empty accepts it with a warning, exit 0', async () => {
    const refused = await rwop(['audit', '-'], { stdin: '# nothing\n---\n' });
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toBe('rwop audit: <stdin>: empty input (nothing but whitespace, comments or "---"): '
      + 'did the command that wrote it fail?; --allow-empty accepts it\n');
    const { code, stdout, stderr } = await rwop(['audit', '--allow-empty', '-'], { stdin: '# nothing\n---\n' });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^rwop audit: 0 objects, /);
    expect(stderr).toBe('rwop audit: warning: the input holds no Kubernetes object\n');
  });
});

describe('rwop audit --fail-on', () => {
  test.each([
    // [file, --fail-on, exit code]: unpinned.yaml has one warning, drain-blocking-on-purpose.yaml one info
    ['unpinned.yaml', undefined, 0],
    ['unpinned.yaml', 'error', 0],
    ['unpinned.yaml', 'warning', 1],
    ['unpinned.yaml', 'info', 1],
    ['drain-blocking-on-purpose.yaml', 'warning', 0],
    ['drain-blocking-on-purpose.yaml', 'info', 1],
    [HAZARDS, 'error', 1],
  ])('%s --fail-on %s exits %d', async (file, failOn, expected) => {
    const { code, stdout } = await rwop(['audit', file, ...(failOn ? ['--fail-on', failOn] : [])]);
    expect(code).toBe(expected);
    expect(stdout).toContain(`(${expected === 1 ? 'fails' : 'passes'} --fail-on ${failOn ?? 'error'})`);
  });

  test('suppressed findings never fail the audit, whatever the threshold', async () => {
    const { code, stdout } = await rwop(['audit', 'hazards', '--only', 'pdb-blocks-drains', '--fail-on', 'info']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/warning \(suppressed\) pdb-blocks-drains/);
    expect(stdout).toContain('0 errors, 0 warnings, 0 info, 1 suppressed (passes --fail-on info)');
  });

  test('a bad threshold is a usage error listing the accepted values', async () => {
    const { code, stderr } = await rwop(['audit', HAZARDS, '--fail-on', 'critical']);
    expect(code).toBe(2);
    expect(stderr).toContain('rwop audit: --fail-on must be one of error, warning, info, none; got "critical"');
  });
});

describe('rwop audit --only / --skip', () => {
  test('--only: repeatable and comma-separated; only those rules run', async () => {
    const { code, stdout } = await rwop(['audit', 'hazards', '--only', 'rwop-rolling-update-surge,unpinned-image', '--only', 'rwop-claim-shared']);
    expect(code).toBe(1);
    const ruleIds = stdout.trimEnd().split('\n').slice(0, -1).map((line) => line.split(' ')[2].replace(/:$/, ''));
    expect(ruleIds).toEqual(['rwop-claim-shared', 'rwop-rolling-update-surge']);
    expect(stdout).toMatch(/, 3 rules: 2 errors, /);
  });

  test('--skip: those rules do not run; skipping every error passes', async () => {
    const { code, stdout } = await rwop(['audit', 'hazards', '--skip', 'rwop-claim-shared', '--skip=rwop-job-mounts-held-claim,rwop-rolling-update-surge']);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/ error /);
    expect(stdout).toContain(`, ${RULES.length - 3} rules: 0 errors, 0 warnings, 0 info, 1 suppressed`);
  });

  test.each([['--only'], ['--skip']])('an unknown rule id in %s: exit 2 with the list of rule ids', async (option) => {
    const { code, stdout, stderr } = await rwop(['audit', HAZARDS, option, 'rwop-claim-shared,no-such-rule, other ']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`rwop audit: unknown rule ids in ${option}: "no-such-rule", "other"\nRule ids: ${RULES.map((rule) => rule.id).join(', ')}\n`);
  });
});

describe('rwop audit --format json', () => {
  test('the documented shape: summary, findings with objects (file, line), remediation, suppressed', async () => {
    const { code, stdout } = await rwop(['audit', '--format', 'json', 'hazards']);
    expect(code).toBe(1);
    const report = jsonOf(stdout);
    expect(report.schemaVersion).toBe(1);
    expect(report.tool).toEqual({ name: 'rwop', version: JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version });
    expect(report.summary).toEqual({ objects: 5, error: 3, warning: 0, info: 0, suppressed: 1, failOn: 'error', failed: true, skipped: 0, strict: false });
    expect(report.skipped).toEqual([]);
    expect(report.findings.map((f) => [f.ruleId, f.severity, f.suppressed])).toEqual([
      ['rwop-claim-shared', 'error', null],
      ['rwop-job-mounts-held-claim', 'error', null],
      ['rwop-rolling-update-surge', 'error', null],
      ['pdb-blocks-drains', 'warning', { reason: 'drains are done by hand after a switchover (runbook DB-7)' }],
    ]);
    const shared = report.findings[0];
    expect(shared.objects).toEqual([
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: 'pg-data', namespace: 'shop', file: path.join('hazards', 'db.yaml'), line: 6 },
      { apiVersion: 'batch/v1', kind: 'CronJob', name: 'pg-backup', namespace: 'shop', file: path.join('hazards', 'backup.yaml'), line: 2 },
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'postgres', namespace: 'shop', file: path.join('hazards', 'db.yaml'), line: 19 },
    ]);
    expect(shared.message).toMatch(/^PersistentVolumeClaim shop\/pg-data is ReadWriteOncePod/);
    expect(shared.remediation).toBe(RULES.find((rule) => rule.id === 'rwop-claim-shared')!.remediation);
  });

  test('a cluster-scoped object has namespace null; every key is always present', async () => {
    const stdin = 'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: legacy}\nprovisioner: kubernetes.io/no-provisioner\n'
      + '---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: d}\nspec: {accessModes: [ReadWriteOncePod], storageClassName: legacy, resources: {requests: {storage: 1Gi}}}\n';
    const { stdout } = await rwop(['audit', '-f', 'json', '--only', 'rwop-in-tree-provisioner'], { stdin });
    const [found] = jsonOf(stdout).findings;
    expect(found.objects.map((o) => [o.kind, o.namespace, o.file, o.line])).toEqual([
      ['PersistentVolumeClaim', 'default', '<stdin>', 6],
      ['StorageClass', null, '<stdin>', 1],
    ]);
    for (const object of found.objects) expect(Object.keys(object).sort()).toEqual(['apiVersion', 'file', 'kind', 'line', 'name', 'namespace']);
  });

  test('no finding: an empty findings array and failed false', async () => {
    const report = jsonOf((await rwop(['audit', '-f', 'json', 'clean'])).stdout);
    expect(report.findings).toEqual([]);
    expect(report.summary).toMatchObject({ objects: 9, failed: false });
  });
});

describe('usage and input errors: exit 2, message on stderr, nothing on stdout', () => {
  test.each([
    ['an unreadable (missing) file', ['audit', 'missing.yaml'], 'rwop audit: missing.yaml: cannot read: no such file or directory\n'],
    ['invalid YAML, with its line', ['audit', 'clean', 'bad-yaml.yaml'], 'rwop audit: bad-yaml.yaml:11: invalid YAML (column 20): Missing closing "quote\n'],
    ['a document that is not an object', ['audit', 'not-an-object.yaml'],
      'rwop audit: not-an-object.yaml:7: not a Kubernetes object: a string (expected a mapping with apiVersion and kind)\n'],
    ['an unknown format', ['audit', '--format', 'xml', HAZARDS], 'rwop audit: --format must be one of text, json, sarif; got "xml"\nRun "rwop audit --help" for usage.\n'],
    ['an unknown option', ['audit', '--colour', HAZARDS], 'rwop audit: Unknown option \'--colour\''],
    ['an option without its value', ['audit', HAZARDS, '--only'], 'rwop audit: Option \'--only <value>\' argument missing'],
    ['--list-rules as sarif', ['audit', '--list-rules', '-f', 'sarif'], 'rwop audit: --list-rules prints text or json, not sarif\n'],
  ])('%s', async (_name, argv, message) => {
    const { code, stdout, stderr } = await rwop(argv);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr.startsWith(message)).toBe(true);
  });
});

describe('rwop audit --list-rules and --help', () => {
  test('--list-rules prints every rule with its severity and summary', async () => {
    const { code, stdout } = await rwop(['audit', '--list-rules']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RULE +SEVERITY +SUMMARY$/);
    expect(lines.slice(1).map((line) => line.split(/ +/).slice(0, 2))).toEqual(RULES.map((rule) => [rule.id, rule.severity]));
    for (const rule of RULES) expect(stdout).toContain(rule.summary);
  });

  test('--list-rules --format json', async () => {
    const { stdout } = await rwop(['audit', '--list-rules', '--format', 'json']);
    expect(JSON.parse(stdout)).toEqual(RULES.map(({ id, severity, summary, remediation }) => ({ id, severity, summary, remediation })));
  });

  test('--help documents formats, thresholds, suppression and exit codes', async () => {
    const { code, stdout } = await rwop(['audit', '--help']);
    expect(code).toBe(0);
    for (const text of ['--format <text|json|sarif>', '--fail-on <error|warning|info|none>', '--exclude <pattern>', '--no-kustomize', '--strict', '.rwopignore', '--only', '--skip', 'rwop.dev/suppress-reason', 'Exit codes: 0']) {
      expect(stdout).toContain(text);
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
