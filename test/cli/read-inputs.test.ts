import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AUDIT_FIXTURES, fakeIO } from './support';
import { readManifestInputs, STDIN_FILE } from '../../src/cli/read-inputs';
import { readRepositoryInputs } from '../../src/cli/repository-tree';
import { InputError } from '../../src/core/input-error';
import { parseManifests } from '../../src/core/parse-manifests';

function summary(text: string, file = 'in.yaml') {
  return parseManifests(text, file).map((m) => [m.object.kind, m.object.metadata?.name, m.source?.file, m.source?.line]);
}

function inputError(run: () => unknown): InputError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('parseManifests', () => {
  test('multi-document YAML: comments, empty and comment-only documents skipped, line of each object', () => {
    const text = [
      '# header comment', // 1
      '---', // 2
      '---', // 3 (empty document)
      '# only a comment', // 4
      '---', // 5
      '', // 6
      'apiVersion: v1', // 7
      'kind: ConfigMap', // 8
      'metadata: {name: a}', // 9
      '--- # trailing comment', // 10
      'kind: Secret', // 11
      'apiVersion: v1', // 12
      'metadata:', // 13
      '  name: b', // 14
      '...', // 15
      '---', // 16
      '~', // 17 (a null document: kubectl skips it too)
      '',
    ].join('\n');
    expect(summary(text)).toEqual([
      ['ConfigMap', 'a', 'in.yaml', 7],
      ['Secret', 'b', 'in.yaml', 11],
    ]);
  });

  test('a byte order mark is not part of the text, in YAML or JSON', () => {
    expect(summary('\ufeffapiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n')).toEqual([['ConfigMap', 'a', 'in.yaml', 1]]);
    expect(summary('\ufeff{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}}')).toEqual([['ConfigMap', 'j', 'in.yaml', 1]]);
  });

  test('an empty input and a comment-only input hold no object', () => {
    expect(parseManifests('', 'empty.yaml')).toEqual([]);
    expect(parseManifests('# nothing here\n---\n# nor here\n', 'comments.yaml')).toEqual([]);
  });

  test('reads YAML as kubectl does (YAML 1.1): octal file modes, yes/no booleans, merge keys', () => {
    const [object] = parseManifests([
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: p}',
      'x-defaults: &defaults {readOnly: yes}',
      'spec:',
      '  volumes: [{name: c, configMap: {name: c, defaultMode: 0644}}]',
      '  mount: {<<: *defaults, mountPath: /c}',
    ].join('\n'), 'pod.yaml').map((m) => m.object);
    expect(object.spec.volumes[0].configMap.defaultMode).toBe(0o644);
    expect(object.spec.mount).toEqual({ readOnly: true, mountPath: '/c' });
  });

  test('JSON is YAML: a single object', () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, null, 2);
    expect(summary(text, 'ns.json')).toEqual([['Namespace', 'shop', 'ns.json', 1]]);
  });

  test('kind: List from `kubectl get -o json`: items replace the List, each at its own line, status and managedFields kept', () => {
    const file = 'kubectl-get-o-json.json';
    const text = fs.readFileSync(path.join(AUDIT_FIXTURES, file), 'utf8');
    const manifests = parseManifests(text, file);
    expect(manifests.map((m) => [m.object.kind, m.object.metadata.name, m.source?.line])).toEqual([
      ['Deployment', 'api', 4],
      ['Deployment', 'thumbnailer', 127],
      ['PersistentVolumeClaim', 'uploads', 250],
    ]);
    const lines = text.split('\n');
    for (const m of manifests) expect(lines[m.source!.line! - 1].trim()).toBe('{');
    expect(manifests[2].object.status.phase).toBe('Bound');
    expect(manifests[0].object.metadata.managedFields).toHaveLength(2);
  });

  test('JSON read by the fast path gives what the YAML parser gives: objects and lines', () => {
    const tricky = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      metadata: { resourceVersion: '' },
      note: 'a "quoted" string with { braces } and [ brackets ] and an items key: "items": [',
      items: [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { x: '}]\\"', items: '[{' } },
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { volumes: [{ name: 'c', configMap: { name: 'c', items: [{ key: 'k', path: 'p' }] } }] } },
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'b', annotations: { é: 'ünïcode \u2028' } } },
      ],
    }, null, 4);
    const kubectl = fs.readFileSync(path.join(AUDIT_FIXTURES, 'kubectl-get-o-json.json'), 'utf8');
    for (const text of [tricky, kubectl, `\n\n  ${tricky}\n`, JSON.stringify(JSON.parse(tricky))]) {
      const fast = parseManifests(text, 'f.json');
      // A leading YAML comment makes it YAML (not JSON), one line further down.
      const viaYaml = parseManifests(`# yaml\n${text}`, 'f.json');
      expect(fast.map((m) => m.object)).toEqual(viaYaml.map((m) => m.object));
      expect(fast.map((m) => m.source!.line! + 1)).toEqual(viaYaml.map((m) => m.source!.line));
    }
    expect(parseManifests(tricky, 'f.json').map((m) => [m.object.kind, m.source?.line])).toEqual([['ConfigMap', 9], ['Pod', 20], ['Secret', 43]]);
  });

  test('JSON strings that end in backslashes or hold escaped quotes, colons and brackets: items still at their lines', () => {
    const items = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { dir: 'C:\\dir\\', quote: '\\"', colon: '"a": [{', b: '\\\\' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' }, data: { 'k:"[': ']}"' } },
    ];
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 4);
    const manifests = parseManifests(text, 'f.json');
    expect(manifests.map((m) => m.object)).toEqual(items);
    const lines = text.split('\n');
    expect(manifests.map((m) => lines[m.source!.line! - 1].trim())).toEqual(['{', '{']);
    expect(manifests.map((m) => m.source?.line)).toEqual([5, 18]);
  });

  test('a List nested in a JSON List (kubectl never prints one) is expanded, its items located at its own line', () => {
    const text = '{"apiVersion": "v1", "kind": "List", "items": [\n{"apiVersion": "v1", "kind": "PodList", "items": [\n{"metadata": {"name": "p"}}]}]}';
    expect(parseManifests(text, 'n.json').map((m) => [m.object.kind, m.object.metadata.name, m.source?.line])).toEqual([['Pod', 'p', 2]]);
  });

  test('broken JSON is reported by the YAML parser, with its line', () => {
    const error = inputError(() => parseManifests('{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "metadata": {"name": "a"\n}\n', 'broken.json'));
    expect(error.file).toBe('broken.json');
    expect(error.message).toMatch(/^broken\.json:\d+: invalid YAML/);
  });

  test('a JSON List item that is not an object names the item\'s line', () => {
    const error = inputError(() => parseManifests('{"apiVersion": "v1", "kind": "List", "items": [\n{"apiVersion": "v1", "kind": "ConfigMap"},\n "text"\n]}', 'l.json'));
    expect(error.message).toBe('l.json:3: not a Kubernetes object: a string (expected a mapping with apiVersion and kind)');
  });

  test('a typed list of the API (PodList) gets kind and apiVersion back in its items; nested lists are expanded', () => {
    const text = [
      'apiVersion: v1', // 1
      'kind: List', // 2
      'items:', // 3
      '- apiVersion: v1', // 4
      '  kind: PodList', // 5
      '  items:', // 6
      '  - metadata: {name: p1}', // 7
      '  - metadata: {name: p2}', // 8
      '- apiVersion: v1', // 9
      '  kind: ConfigMap', // 10
      '  metadata: {name: c}', // 11
    ].join('\n');
    expect(parseManifests(text, 'l.yaml').map((m) => [m.object.apiVersion, m.object.kind, m.object.metadata.name, m.source?.line])).toEqual([
      ['v1', 'Pod', 'p1', 7],
      ['v1', 'Pod', 'p2', 8],
      ['v1', 'ConfigMap', 'c', 9],
    ]);
  });

  test('an empty List holds no object', () => {
    expect(parseManifests('{"apiVersion": "v1", "kind": "List", "items": [], "metadata": {"resourceVersion": ""}}', 'l.json')).toEqual([]);
  });

  test('CRDs, custom resources and a kind ending in "List" that is no list are read as they are', () => {
    const file = 'custom-resources.yaml';
    const manifests = parseManifests(fs.readFileSync(path.join(AUDIT_FIXTURES, file), 'utf8'), file);
    expect(manifests.map((m) => [m.object.kind, m.source?.line])).toEqual([
      ['CustomResourceDefinition', 2],
      ['Widget', 21],
      ['AccessList', 31],
      ['VolumeSnapshot', 38],
    ]);
    expect(manifests[2].object.spec.items).toBe('not-a-list');
  });

  test('invalid YAML: InputError with the file, the line and the parser\'s reason', () => {
    const error = inputError(() => parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n', 'dup.yaml'));
    expect(error.file).toBe('dup.yaml');
    expect(error.line).toBe(5);
    expect(error.message).toBe('dup.yaml:5: duplicate key "name" (column 3): a key may appear once in a mapping');

    const unclosed = inputError(() => parseManifests('apiVersion: v1\nkind: ConfigMap\ndata: {a: "b}\n\n\n', 'q.yaml'));
    expect(unclosed.line).toBe(3);
    expect(unclosed.message).toMatch(/^q\.yaml:3: invalid YAML \(column \d+\): /);
  });

  test('an error in a later document names that document\'s line', () => {
    const error = inputError(() => parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: [\n', 'two.yaml'));
    expect(error.line).toBeGreaterThanOrEqual(5);
    expect(error.message).toMatch(/^two\.yaml:\d+: invalid YAML/);
  });

  test.each([
    ['a scalar', 'just text\n', 'a string'],
    ['a number', '42\n', 'a number'],
    ['a top-level array', '- apiVersion: v1\n  kind: ConfigMap\n', 'a list'],
    ['no kind', 'apiVersion: v1\nmetadata: {name: a}\n', 'no kind'],
    ['no apiVersion', 'kind: ConfigMap\nmetadata: {name: a}\n', 'no apiVersion'],
    ['neither', 'metadata: {name: a}\n', 'no apiVersion and kind'],
    ['an empty kind', 'apiVersion: v1\nkind: ""\n', 'no kind'],
  ])('not a Kubernetes object (%s): InputError at its line', (_name, body, detail) => {
    const error = inputError(() => parseManifests(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\n# why\n${body}`, 'x.yaml'));
    expect(error.line).toBe(6);
    expect(error.message).toContain(`x.yaml:6: not a Kubernetes object: ${detail}`);
  });

  test('a List item that is not an object names the item\'s line', () => {
    const error = inputError(() => parseManifests('apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n- 7\n', 'l.yaml'));
    expect(error.message).toBe('l.yaml:6: not a Kubernetes object: a number (expected a mapping with apiVersion and kind)');
  });

  test('an alias bomb is refused, not expanded', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${levels.map((l) => `  ${l}`).join('\n')}\n`;
    const error = inputError(() => parseManifests(text, 'bomb.yaml'));
    expect(error.message).toMatch(/^bomb\.yaml:1: invalid YAML: .*alias/i);
  });
});

describe('readManifestInputs', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rwop-read-'));
  });
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function write(relative: string, text: string) {
    const file = path.join(tmp, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }

  const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\n`;

  test('a directory: *.yaml, *.yml and *.json recursively, in byte order, dot-entries and other files skipped', async () => {
    write('b.yaml', configMap('b'));
    write('a/z.yml', configMap('a-z'));
    write('a/y.JSON', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a-y' } }));
    write('C.yaml', configMap('C'));
    write('.git/config.yaml', 'broken: [');
    write('.hidden.yaml', 'broken: [');
    write('README.md', '# not read');
    write('chart/values.txt', 'not: read');
    const manifests = await readManifestInputs(['.'], fakeIO({ cwd: tmp }));
    expect(manifests.map((m) => [m.object.metadata.name, m.source?.file])).toEqual([
      ['C', 'C.yaml'],
      ['a-y', path.join('a', 'y.JSON')],
      ['a-z', path.join('a', 'z.yml')],
      ['b', 'b.yaml'],
    ]);
  });

  test('paths keep the spelling the user gave, relative to cwd; a file named twice is read once', async () => {
    write('dir/one.yaml', configMap('one'));
    write('two.yaml', configMap('two'));
    const manifests = await readManifestInputs(['dir', 'two.yaml', './dir/one.yaml', path.join(tmp, 'two.yaml')], fakeIO({ cwd: tmp }));
    expect(manifests.map((m) => [m.object.metadata.name, m.source?.file])).toEqual([
      ['one', path.join('dir', 'one.yaml')],
      ['two', 'two.yaml'],
    ]);
  });

  test('a symbolic link back up the tree does not loop', async () => {
    write('d/x.yaml', configMap('x'));
    fs.symlinkSync(tmp, path.join(tmp, 'd', 'loop'));
    const manifests = await readManifestInputs(['d'], fakeIO({ cwd: tmp }));
    expect(manifests.map((m) => m.object.metadata.name)).toContain('x');
    expect(manifests.length).toBeLessThan(10);
  });

  test('"-" reads stdin once, as <stdin>, between files in the order given', async () => {
    write('a.yaml', configMap('a'));
    const io = fakeIO({ cwd: tmp, stdin: `# piped\n${configMap('piped')}` });
    const manifests = await readManifestInputs(['-', 'a.yaml', '-'], io);
    expect(manifests.map((m) => [m.object.metadata.name, m.source?.file, m.source?.line])).toEqual([
      ['piped', STDIN_FILE, 2],
      ['a', 'a.yaml', 1],
    ]);
    expect(io.stdinReads).toBe(1);
  });

  test('a missing file, an empty directory and a dangling link are InputErrors naming the path', async () => {
    await expect(readManifestInputs(['nope.yaml'], fakeIO({ cwd: tmp }))).rejects.toThrow('nope.yaml: cannot read: no such file or directory');
    fs.mkdirSync(path.join(tmp, 'empty'));
    await expect(readManifestInputs(['empty'], fakeIO({ cwd: tmp }))).rejects.toThrow('empty: directory holds no *.yaml, *.yml, *.json file');
    fs.symlinkSync(path.join(tmp, 'gone.yaml'), path.join(tmp, 'dangling.yaml'));
    await expect(readManifestInputs(['dangling.yaml'], fakeIO({ cwd: tmp }))).rejects.toThrow('dangling.yaml: cannot read: no such file or directory');
  });

  test('a bad document in a directory names the file under the directory and its line', async () => {
    write('ok.yaml', configMap('ok'));
    write('sub/bad.yaml', `${configMap('fine')}---\nkind: [\n`);
    await expect(readManifestInputs(['.'], fakeIO({ cwd: tmp }))).rejects.toThrow(new RegExp(`^${path.join('sub', 'bad.yaml')}:5: invalid YAML`));
  });
});

describe('readRepositoryInputs', () => {
  test('a dump of 250,000 objects is read whole (the objects are never spread as arguments, which overflows the stack)', async () => {
    const items = Array.from({ length: 250_000 }, (_, i) => `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c${i}"}}`);
    const stdin = `{"apiVersion":"v1","kind":"List","items":[\n${items.join(',\n')}\n]}`;
    const { manifests } = await readRepositoryInputs(['-'], fakeIO({ stdin }), { exclude: [], kustomize: false });
    expect(manifests).toHaveLength(250_000);
    expect([manifests[0].source?.line, manifests[249_999].object.metadata.name, manifests[249_999].source?.line]).toEqual([2, 'c249999', 250_001]);
  });
});
