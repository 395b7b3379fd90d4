// The fast YAML reader must give exactly what the careful one (the yaml library's document model) gives: the same
// objects with the same YAML 1.1 scalars, at the same lines. Whatever it cannot decide, it hands over.
import * as fs from 'fs';
import * as path from 'path';
import { MAX_NESTING_DEPTH, parseManifests, parseYamlCarefully } from '../../src/core/parse-manifests';
import { readYamlStream } from '../../src/core/yaml-stream';

const ROOT = path.join(__dirname, '..', '..');

function yamlFilesUnder(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath ?? (entry as any).path, entry.name)));
}

function located(manifests: ReturnType<typeof parseManifests>) {
  return manifests.map((manifest) => ({ object: manifest.object, line: manifest.source?.line }));
}

function expectSameAsCareful(text: string) {
  expect(located(parseManifests(text, 'in.yaml'))).toEqual(located(parseYamlCarefully(text, 'in.yaml')));
}

describe('the fast YAML reader', () => {
  const files = [...yamlFilesUnder('test/corpus/cases'), ...yamlFilesUnder('test/cli/fixtures')]
    .filter((file) => {
      try {
        parseYamlCarefully(fs.readFileSync(path.join(ROOT, file), 'utf8'), file);
        return true;
      } catch {
        return false; // files that are meant to fail are checked by the error tests
      }
    });

  test('covers the corpus and the fixtures', () => {
    expect(files.length).toBeGreaterThan(40);
  });

  test.each(files)('%s: the same objects at the same lines as the careful reader', (file) => {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    expect(readYamlStream(text, MAX_NESTING_DEPTH)).toBeDefined();
    expectSameAsCareful(text);
  });

  test('plain scalars as kubectl reads them, in keys and values (the kubectl client itself is compared in test/integration)', () => {
    const scalars = ['yes', 'Yes', 'YES', 'no', 'NO', 'y', 'n', 'on', 'Off', 'true', 'False', '~', 'null', 'Null', '',
      '0755', '0644', '08', '09', '0_7', '0b101', '-0b11', '0x1F', '-0x1a', '1_000', '+12', '-0', '1:30', '190:20:30.15',
      '1e3', '6.8523015e+5', '685_230.15', '0.', '.5', '0o17', '1e400', '.', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
      '=', '<<x', 'yes please', 'apps/v1', '0o17', '12abc', '1.2.3', '- x'.slice(2), 'nope', 'onion', 'Tuesday'];
    const text = [
      'apiVersion: example.com/v1',
      'kind: Sample',
      'metadata: {name: s}',
      'values:',
      ...scalars.map((scalar, i) => `  k${i}: ${scalar}`),
      'keys:',
      ...['yes', 'off', '0755', '1:30', '0x10', 'name'].map((scalar, i) => `  ${scalar}: ${i}`),
      'list: [yes, 0755, 1:30, ~, "yes", \'0755\']',
    ].join('\n');
    expectSameAsCareful(text);
    const [object] = parseManifests(text, 'in.yaml').map((manifest) => manifest.object);
    expect(object.values).toMatchObject({ k0: true, k3: false, k15: 0o755, k20: 5, k27: '1:30', k34: 15, k35: '1e400', k36: '.', k37: '2001-12-14' });
    expect(object.list).toEqual([true, 0o755, '1:30', null, 'yes', '0755']);
  });

  test('plain numbers: decimal digits as they are, a leading zero octal, as kubectl reads them', () => {
    const scalars = ['0', '7', '8080', '00', '010', '12345678901234567890', '1_0', '-5', '1.0', '100m', '2Gi'];
    const text = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: n}', ...scalars.map((scalar, i) => `k${i}: ${scalar}`)].join('\n');
    expectSameAsCareful(text);
    const [object] = parseManifests(text, 'in.yaml').map((manifest) => manifest.object);
    expect(scalars.map((_, i) => object[`k${i}`])).toEqual([0, 7, 8080, 0, 8, 12345678901234567890, 10, -5, 1, '100m', '2Gi']);
  });

  test('a `%` that does not start a line is no directive: the stream is read fast', () => {
    const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  strategy:\n    rollingUpdate: {maxSurge: 25%}\n';
    expect(readYamlStream(text, MAX_NESTING_DEPTH)).toBeDefined();
    expectSameAsCareful(text);
    expect(readYamlStream(`# a comment\r%YAML 1.1\n---\n${text}`, MAX_NESTING_DEPTH)).toBeUndefined();
  });

  test('a `kubectl get -o yaml` List: each item at the line of its dash, at any indentation', () => {
    for (const indent of ['', '  ']) {
      const text = [
        'apiVersion: v1', // 1
        'items:', // 2
        `${indent}- apiVersion: v1`, // 3
        `${indent}  kind: ConfigMap`,
        `${indent}  metadata:`,
        `${indent}    name: a`,
        `${indent}  data:`,
        `${indent}    script: |`,
        `${indent}      - not an item`, // 9
        `${indent}-`, // 10
        `${indent}  # the next item starts below`,
        `${indent}  apiVersion: v1`, // 12
        `${indent}  kind: Secret`,
        `${indent}  metadata: {name: b}`,
        'kind: List',
        'metadata:',
        '  resourceVersion: ""',
      ].join('\n');
      expect(parseManifests(text, 'l.yaml').map((m) => [m.object.kind, m.source?.line])).toEqual([['ConfigMap', 3], ['Secret', 12]]);
      expectSameAsCareful(text);
    }
  });

  test('CRLF line ends, a marker with content, `...` ends, a document starting with comments', () => {
    const text = [
      '# header',
      '--- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}',
      '...',
      '# between',
      '---',
      '# lead comment',
      'apiVersion: v1',
      'kind: Secret',
      'metadata: {name: b}',
      '--- # trailing',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: c}',
    ].join('\r\n');
    expect(parseManifests(text, 'in.yaml').map((m) => [m.object.kind, m.source?.line])).toEqual([['ConfigMap', 2], ['Secret', 7], ['Service', 11]]);
    expectSameAsCareful(text);
  });

  test('a `&` that cannot start a node (`a && b` in a command) keeps the document fast; one that can sends it to the careful reader', () => {
    const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n';
    const fast = [
      'data: {run: "cd /x && make"}',
      'data:\n  run: cd /x && make',
      'command: ["sh", "-c", "a && b", \'c&d\']',
      'data:\n  script: |\n    cd /x &&\n      make & wait',
      'data: {url: "https://x.example/?a=1&b=2"}',
    ];
    for (const body of fast) {
      const text = head + body + '\n';
      expect(readYamlStream(text, MAX_NESTING_DEPTH)!.map((part) => ('deferred' in part ? 'careful' : 'fast'))).toEqual(['fast']);
      expectSameAsCareful(text);
    }
    const anchored = [
      'x: &x {k: v}\ny: *x', 'x: !!map &x {k: v}\ny: *x', 'x:\n  &x\n  k: v\ny: *x', 'l:\n- &x v\n- *x', 'l: [&x v, *x]',
      'm: {a: &x v, b: *x}', 'm: {a:&x v}', '&k key: v', '? &k key\n: v', 'x: "not: &an anchor"', 'l: [a,&x v]',
    ];
    for (const body of anchored) {
      expect(readYamlStream(head + body + '\n', MAX_NESTING_DEPTH)!.map((part) => ('deferred' in part ? 'careful' : 'fast'))).toEqual(['careful']);
    }
    expect(readYamlStream('--- &x\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n', MAX_NESTING_DEPTH)!.map((part) => 'deferred' in part)).toEqual([true]);
  });

  test('a document with anchors goes to the careful reader, lines counted from the stream; the others stay fast', () => {
    const text = [
      'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: a}', // 1
      '---',
      'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: b}', 'x: &x {k: v}', 'y: *x', // 5
      '---',
      'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: c}', // 11
    ].join('\n');
    const parts = readYamlStream(text, MAX_NESTING_DEPTH)!;
    expect(parts.map((part) => ('deferred' in part ? 'careful' : 'fast'))).toEqual(['fast', 'careful', 'fast']);
    expect(parseManifests(text, 'in.yaml').map((m) => [m.object.metadata.name, m.source?.line])).toEqual([['a', 1], ['b', 5], ['c', 11]]);
    expectSameAsCareful(text);
  });

  test('directives, and text that js-yaml rejects, go to the careful reader whole', () => {
    expect(readYamlStream('%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n', MAX_NESTING_DEPTH)).toBeUndefined();
    expect(readYamlStream('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\n', MAX_NESTING_DEPTH)).toBeUndefined();
    expect(readYamlStream('apiVersion: v1\nkind: ConfigMap\nkind: Secret\n', MAX_NESTING_DEPTH)).toBeUndefined();
    expect(() => parseManifests('apiVersion: v1\nkind: ConfigMap\nkind: Secret\n', 'd.yaml')).toThrow(/^d\.yaml:3: duplicate key "kind" \(column 1\)/);
  });

  test('a stream of many documents, read in groups, keeps each object at its line (empty, null and comment-only documents between)', () => {
    const documents: string[] = [];
    for (let i = 0; documents.join('\n---\n').length < 300_000; i++) {
      const extra = ['', '# a comment\n', '\n\n', '---\n', '~\n---\n', '# only a comment\n---\n'][i % 6];
      documents.push(`${extra}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-${i}\n  labels: {app.kubernetes.io/name: application-number-${i % 7}}\ndata:\n  enabled: yes\n  mode: 0755\n`);
    }
    const text = documents.join('---\n');
    const manifests = parseManifests(text, 'in.yaml');
    expect(manifests).toHaveLength(documents.length);
    const lines = text.split('\n');
    for (const [i, manifest] of manifests.entries()) {
      expect(lines[manifest.source!.line! - 1]).toBe('apiVersion: v1');
      expect(manifest.object.metadata.name).toBe(`config-${i}`);
    }
    expect(manifests[0].object.data).toEqual({ enabled: true, mode: 0o755 });
    expectSameAsCareful(text);
  });

  test('line breaks that js-yaml sees and the split does not (a lone CR) leave the documents to be read one by one', () => {
    const text = 'apiVersion: v1\rkind: ConfigMap\rmetadata: {name: a}\r---\rapiVersion: v1\rkind: Secret\rmetadata: {name: b}\r';
    expect(() => parseManifests(text, 'cr.yaml')).toThrow(/^cr\.yaml/);
    expect(() => parseYamlCarefully(text, 'cr.yaml')).toThrow(/^cr\.yaml/);
  });

  test('a document too deep for the limit is refused at its line in a stream', () => {
    const deep = `${'['.repeat(300)}${']'.repeat(300)}`;
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\nx: ${deep}\n`;
    expect(() => parseManifests(text, 'deep.yaml')).toThrow(/^deep\.yaml:5: nested deeper than 256 levels/);
  });

  test('a document nested past js-yaml\'s default limit of 100 but within ours stays on the fast path; one beyond ours is refused', () => {
    const nested = (levels: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nx: ${'['.repeat(levels)}${']'.repeat(levels)}\n`;
    const kinds = (text: string) => readYamlStream(text, MAX_NESTING_DEPTH)?.map((part) => ('deferred' in part ? 'careful' : 'fast'));
    expect(kinds(nested(150))).toEqual(['fast']);
    expect(parseManifests(nested(150), 'deep.yaml')).toHaveLength(1);
    expect(() => parseManifests(nested(MAX_NESTING_DEPTH + 1), 'deep.yaml')).toThrow(/^deep\.yaml:1: nested deeper than 256 levels/);
  });
});
