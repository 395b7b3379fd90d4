// Input written to break the CLI, and pipelines that end early: every case is a clean exit 2 naming the file (or the
// verdict exit code), never a stack trace, and nothing from the input reaches the terminal as a control sequence.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RWOP_COMMAND, rwop, spawnRwop, TS_NODE_ENV } from './support';
import { MAX_NESTING_DEPTH } from '../../src/core/parse-manifests';

const STATUS_FIXTURES = path.join(__dirname, 'fixtures', 'status');
const MIGRATE_FIXTURES = path.join(__dirname, 'fixtures', 'migrate');
const COMMANDS = [['audit'], ['status'], ['migrate', 'db/data']];

/** A directory holding `files`, for one test. */
function tmpDir(files: Record<string, string | Uint8Array>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rwop-hostile-'));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${JSON.stringify(name)}\n`;

/** A Deployment whose image tag moves: one unpinned-image warning (and no error) each. */
const unpinned = (name: string) => ['apiVersion: apps/v1', 'kind: Deployment', `metadata: {name: ${JSON.stringify(name)}}`,
  'spec:', '  template:', '    spec:', '      containers: [{name: app, image: "nginx:latest"}]', ''].join('\n');

describe('empty input is refused (exit 2): a failed kubectl must not read as healthy', () => {
  test.each(COMMANDS)('rwop %s: empty, whitespace-only and comment-only stdin', async (...command) => {
    for (const stdin of ['', ' \n\t\n', '# kubectl printed nothing\n---\n...\n']) {
      const { code, stdout, stderr } = await rwop([...command, '-'], { stdin });
      expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
      expect(stderr).toMatch(new RegExp(`^rwop ${command[0]}: <stdin>: empty input \\(nothing but whitespace, comments or "---"\\): did the command that wrote it fail\\?`));
    }
  });

  test.each(COMMANDS)('rwop %s: an empty file among good ones is named', async (...command) => {
    const dir = tmpDir({ 'pods.yaml': configMap('a'), 'events.json': '' });
    const { code, stderr } = await rwop([...command, 'pods.yaml', 'events.json'], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^rwop ${command[0]}: events.json: empty input `));
  });

  test('a directory of blank files is empty; one blank file among manifests in a directory is not', async () => {
    const blank = tmpDir({ 'a.yaml': '# placeholder\n', 'b.yaml': '' });
    expect((await rwop(['audit', '.'], { cwd: blank })).stderr).toMatch(/^rwop audit: \.: empty input /);
    const mixed = tmpDir({ 'a.yaml': '# placeholder\n', 'b.yaml': configMap('b') });
    expect((await rwop(['audit', '.'], { cwd: mixed })).code).toBe(0);
  });

  test('rwop audit --allow-empty accepts an empty input: exit 0, with a warning', async () => {
    const { code, stdout, stderr } = await rwop(['audit', '--allow-empty'], { stdin: '' });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^rwop audit: 0 objects, /);
    expect(stderr).toBe('rwop audit: warning: the input holds no Kubernetes object\n');
  });

  test('an empty List is an answer (kubectl found nothing), not an empty input', async () => {
    const { code, stderr } = await rwop(['status', '-'], { stdin: '{"apiVersion": "v1", "kind": "List", "items": []}' });
    expect(code).toBe(0);
    expect(stderr).toBe('rwop status: warning: the input holds no Kubernetes object\n');
  });

  test('the real executable in a pipeline: an empty stdin is exit 2', () => {
    expect(spawnRwop(['status'], '')).toMatchObject({ code: 2, stdout: '' });
  });
});

describe('input strings that are names of Object.prototype properties', () => {
  test('apiVersion: constructor and kind: toString are objects like any other', async () => {
    const stdin = 'apiVersion: constructor\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: toString\nmetadata: {name: __proto__}\n';
    for (const command of [['audit'], ['status']]) {
      const { code, stderr } = await rwop([...command, '-'], { stdin });
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    }
  });

  test('a PriorityClass named "constructor" still ranks the pods that use it', async () => {
    const stdin = [
      'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec: {accessModes: [ReadWriteOncePod], resources: {requests: {storage: 1Gi}}}',
      'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: constructor}\nvalue: 1000',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: db}\nspec:\n  strategy: {type: Recreate}\n  template:\n    spec:\n'
        + '      containers: [{name: db, image: "postgres@sha256:0000000000000000000000000000000000000000000000000000000000000000"}]\n'
        + '      volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: backup}\nspec:\n  priorityClassName: constructor\n'
        + '  containers: [{name: b, image: "busybox@sha256:0000000000000000000000000000000000000000000000000000000000000000"}]\n'
        + '  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]',
    ].join('\n---\n');
    const { stdout } = await rwop(['audit', '-f', 'json', '--only', 'rwop-preempts-holder', '-'], { stdin });
    const findings = JSON.parse(stdout).findings;
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toMatch(/^Pod default\/backup \(priority 1000, PriorityClass constructor\) and Deployment default\/db \(priority 0/);
  });

  test('a label named "__proto__" is a label: a PodDisruptionBudget selecting it selects the pods', async () => {
    const stdin = [
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {__proto__: web}}\n  template:\n'
        + '    metadata: {labels: {__proto__: web}}\n    spec: {containers: [{name: a, image: "nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000"}]}',
      'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec: {maxUnavailable: 1, selector: {matchLabels: {__proto__: web}}}',
    ].join('\n---\n');
    const { code, stdout } = await rwop(['audit', '-f', 'json', '--only', 'pdb-selects-nothing', '-'], { stdin });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).findings).toEqual([]);
  });
});

describe('nesting deeper than the limit is an input error naming the file', () => {
  const nestedLists = (levels: number) => {
    let json = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}';
    for (let i = 0; i < levels; i++) json = `{"apiVersion": "v1", "kind": "List", "items": [${json}]}`;
    return json;
  };
  const tooDeep = `nested deeper than ${MAX_NESTING_DEPTH} levels of mappings and lists`;

  test.each(COMMANDS)('rwop %s: a kind: List nested 2,500 deep (JSON)', async (...command) => {
    const dir = tmpDir({ 'deep.json': nestedLists(2500) });
    const { code, stdout, stderr } = await rwop([...command, 'deep.json'], { cwd: dir });
    expect({ code, stdout, stderr }).toEqual({ code: 2, stdout: '', stderr: `rwop ${command[0]}: deep.json:1: ${tooDeep}\n` });
  });

  test.each([
    ['a flow mapping', (n: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: ${'{a: '.repeat(n)}x${'}'.repeat(n)}\n`],
    ['a block mapping', (n: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i + 1)}a:\n`).join('')}`],
    ['the same List in YAML', (n: number) => nestedLists(n).replace(/^\{/, '# YAML\n{')],
  ])('%s nested 300 and 3,000 deep (YAML)', async (_, text) => {
    for (const levels of [300, 3000]) {
      const { code, stderr } = await rwop(['audit', '-'], { stdin: text(levels) });
      expect(code).toBe(2);
      expect(stderr).toMatch(new RegExp(`^rwop audit: <stdin>:\\d+: ${tooDeep}\\n$`));
    }
  });

  test('nesting up to the limit is read', async () => {
    // The ConfigMap is 2 levels (itself and metadata); each List adds 2 (itself and its items).
    const levels = (MAX_NESTING_DEPTH - 2) / 2;
    for (const text of [nestedLists(levels), `# YAML\n${nestedLists(levels)}`]) {
      const { code, stdout } = await rwop(['audit', '-'], { stdin: text });
      expect(code).toBe(0);
      expect(stdout).toMatch(/^rwop audit: 1 object, /);
    }
    expect((await rwop(['audit', '-'], { stdin: nestedLists(levels + 1) })).code).toBe(2);
  });

  test('the real executable prints no stack trace', () => {
    const { code, stdout, stderr } = spawnRwop(['status', '-'], nestedLists(2500));
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe(`rwop status: <stdin>:1: ${tooDeep}\n`);
  });
});

describe('a reader that stops early (rwop audit | head -1)', () => {
  // 3,000 warnings: far more than a pipe buffer, so that the writes meet the closed pipe.
  const dir = tmpDir({ 'big.yaml': Array.from({ length: 3000 }, (_, i) => unpinned(`web-${i}`)).join('---\n') });
  const quote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;

  test.each([
    ['--fail-on error', 0],
    ['--fail-on warning', 1],
  ])('%s: the exit code is the verdict, and nothing on stderr', (failOn, expected) => {
    const rwopLine = [...RWOP_COMMAND.map(quote), 'audit', ...failOn.split(' '), 'big.yaml'].join(' ');
    const script = `set -o pipefail; ${rwopLine} 2>stderr.txt | head -1; echo "exit \${PIPESTATUS[0]}"`;
    const result = spawnSync('bash', ['-c', script], { cwd: dir, env: TS_NODE_ENV, encoding: 'utf8', timeout: 60_000 });
    expect(result.stdout).toMatch(/^big\.yaml:1: warning unpinned-image: Deployment default\/web-0 /);
    expect(result.stdout).toMatch(new RegExp(`\\nexit ${expected}\\n$`));
    expect(fs.readFileSync(path.join(dir, 'stderr.txt'), 'utf8')).toBe('');
  });
});

describe('control characters from the input are printed as visible escapes', () => {
  const hostile = 'web\u001b[2J\r\u009b31m\u202eevil\u2028x';
  const escaped = 'web\\x1b[2J\\x0d\\x9b31m\\u202eevil\\u2028x';
  const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

  test('rwop audit text: object names and file names', async () => {
    const dir = tmpDir({ [`${hostile}.yaml`]: unpinned(hostile) });
    const { code, stdout } = await rwop(['audit', '--fail-on', 'info', '.'], { cwd: dir });
    expect(code).toBe(1);
    expect(stdout).not.toMatch(RAW_CONTROL);
    expect(stdout).toContain(`${escaped}.yaml:1: warning unpinned-image: Deployment default/${escaped} `);
  });

  test('rwop audit json and sarif: the same names, escaped as JSON, nothing raw', async () => {
    for (const format of ['json', 'sarif']) {
      const { stdout } = await rwop(['audit', '-f', format, '-'], { stdin: unpinned(hostile) });
      expect(stdout).not.toMatch(RAW_CONTROL);
      expect(stdout).toContain(hostile.replace('\u001b', '\\u001b').replace('\r', '\\r').replace('\u009b', '\\u009b')
        .replace('\u202e', '\\u202e').replace('\u2028', '\\u2028'));
    }
    const { stdout } = await rwop(['audit', '-f', 'json', '-'], { stdin: unpinned(hostile) });
    expect(JSON.parse(stdout).findings[0].objects[0].name).toBe(hostile);
  });

  test('rwop status text and json: Event messages and pod names', async () => {
    const dump = fs.readFileSync(path.join(STATUS_FIXTURES, 'held-second-pod.json'), 'utf8')
      .replace(/(ReadWriteOncePod access mode)/g, `$1 ${JSON.stringify(hostile).slice(1, -1)}`);
    const text = await rwop(['status', '-'], { stdin: dump });
    expect(text.stdout).toContain(escaped);
    expect(text.stdout).not.toMatch(RAW_CONTROL);
    const json = await rwop(['status', '-f', 'json', '-'], { stdin: dump });
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain(JSON.stringify(hostile).slice(1, -1));
  });

  test('error messages: a file name with an escape sequence', async () => {
    const { code, stderr } = await rwop(['audit', `${hostile}.yaml`]);
    expect(code).toBe(2);
    expect(stderr).toBe(`rwop audit: ${escaped}.yaml: cannot read: no such file or directory\n`);
  });
});

describe('input that is not UTF-8 is refused, naming the file, line and byte offset', () => {
  const bad = Buffer.concat([Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]);

  test.each(COMMANDS)('rwop %s: a file and stdin', async (...command) => {
    const dir = tmpDir({ 'latin1.yaml': bad });
    const file = await rwop([...command, 'latin1.yaml'], { cwd: dir });
    expect(file).toMatchObject({ code: 2, stdout: '', stderr: `rwop ${command[0]}: latin1.yaml:4: not UTF-8: invalid byte 0xc3 at byte offset 62\n` });
    const stdin = await rwop([...command, '-'], { stdin: bad });
    expect(stdin.stderr).toBe(`rwop ${command[0]}: <stdin>:4: not UTF-8: invalid byte 0xc3 at byte offset 62\n`);
  });

  test('valid UTF-8 is read as it is: a written U+FFFD, other scripts, a byte order mark', async () => {
    const stdin = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${configMap('a')}data: {k: "\ufffd \u00e9\u4e2d\ud83d\ude00"}\n`)]);
    const { code, stdout } = await rwop(['audit', '-'], { stdin });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^rwop audit: 1 object, /);
  });

  test('the real executable reads stdin as bytes', () => {
    expect(spawnRwop(['audit'], bad)).toMatchObject({ code: 2, stderr: 'rwop audit: <stdin>:4: not UTF-8: invalid byte 0xc3 at byte offset 62\n' });
  });
});

describe('duplicate keys are refused in JSON as in YAML, naming the key', () => {
  test.each([
    ['in an object', '{"apiVersion": "v1", "kind": "ConfigMap",\n "metadata": {"name": "a", "name": "b"}}', 2, 'name'],
    ['at the top', '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"},\n\n "kind": "Secret"}', 3, 'kind'],
    ['in a List item', '{"apiVersion": "v1", "kind": "List", "items": [\n {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k\\"": "1", "k\\u0022": "2"}}]}', 2, 'k"'],
  ])('%s', async (_, json, line, key) => {
    const dir = tmpDir({ 'dump.json': json });
    const { code, stderr } = await rwop(['audit', 'dump.json'], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^rwop audit: dump\\.json:${line}: duplicate key ${JSON.stringify(key).replace(/\\/g, '\\\\')} \\(column \\d+\\): a key may appear once in a mapping\\n$`));
  });

  test('in YAML, a quoted key', async () => {
    const { stderr } = await rwop(['audit', '-'], { stdin: `${configMap('a')}data:\n  'it''s': a\n  "it's": b\n` });
    expect(stderr).toBe('rwop audit: <stdin>:7: duplicate key "it\'s" (column 3): a key may appear once in a mapping\n');
  });

  test('keys that JSON.parse orders or treats apart are no duplicates: integer-like keys, "__proto__", keys in strings', async () => {
    const json = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "labels": {"__proto__": "x", "constructor": "y"}},'
      + ' "data": {"2": "b", "1": "a", "note": "\\"key\\": 1, {\\"key\\": 2}"}}';
    const { code, stderr } = await rwop(['audit', '-'], { stdin: json });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  test('a large kubectl dump stays on the fast path', async () => {
    // 4,000 items of a real dump's shape: read in well under the time the YAML parser would need.
    const pod = JSON.parse(fs.readFileSync(path.join(MIGRATE_FIXTURES, 'postgres-rwo.json'), 'utf8')).items[0];
    const items = Array.from({ length: 4000 }, (_, i) => ({ ...pod, metadata: { ...pod.metadata, name: `pod-${i}` } }));
    const stdin = JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 4);
    const started = Date.now();
    const { code } = await rwop(['audit', '--only', 'unpinned-image', '-'], { stdin });
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('--now takes strict RFC 3339 times that exist', () => {
  test.each([
    '2025-02-30', '2025-02-30T00:00:00Z', '2025-02-29T12:00:00Z', '1900-02-29T00:00:00Z', '2025-04-31T00:00:00Z',
    '2025-13-01T00:00:00Z', '2025-01-01T24:00:00Z', '2025-01-01T00:60:00Z', '2025-01-01T00:00:60Z',
    '2025-01-01T00:00:00+24:00', '2025-01-01T00:00:00', '2025-01-01 00:00:00Z', 'March 3, 2025',
  ])('%s is refused, naming the flag and an accepted example', async (now) => {
    const { code, stderr } = await rwop(['status', '--now', now, 'healthy.json'], { cwd: STATUS_FIXTURES });
    expect(code).toBe(2);
    expect(stderr).toContain(`--now must be an RFC 3339 time that exists, such as 2025-03-10T09:45:00Z or 2025-03-10T10:45:00+01:00; got "${now}"`);
  });

  test.each([
    ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00.000Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'],
    ['2025-03-10T10:45:00.25+01:00', '2025-03-10T09:45:00.250Z'],
    ['2025-01-01T00:30:00-05:30', '2025-01-01T06:00:00.000Z'],
    ['0099-12-31T23:59:59Z', '0099-12-31T23:59:59.000Z'],
  ])('%s is the instant %s', async (now, instant) => {
    const { code, stdout } = await rwop(['status', '-f', 'json', '--now', now, 'healthy.json'], { cwd: STATUS_FIXTURES });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).now).toBe(instant);
  });
});
