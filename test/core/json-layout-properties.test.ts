// The JSON reader locates a List's items from the text's line breaks when it is laid out as kubectl, jq and
// JSON.stringify print it, and counts the keys written from the colons alone; any other text is scanned character by
// character. Both must agree with the YAML reader (JSON is YAML) on every object and line, and refuse duplicate keys, on
// any layout: generated Lists with hostile strings, printed in the usual layouts and in ones the quick path must refuse.
import * as fc from 'fast-check';
import { InputError } from '../../src/core/input-error';
import { parseManifests } from '../../src/core/parse-manifests';
import { propertyRuns } from '../harness/property-runs';

/** Strings made of the characters that could mislead a reader that does not follow JSON strings. */
const hostileString = fc.stringOf(fc.constantFrom('a', ' ', ':', '"', '\\', '{', '}', '[', ']', ',', '\n', 'é', 'items'), { maxLength: 8 });

const item = fc.record({
  name: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
  data: fc.dictionary(hostileString, hostileString, { maxKeys: 4 }),
  list: fc.array(fc.oneof(hostileString, fc.integer(), fc.constant({})), { maxLength: 3 }),
}).map(({ name, data, list }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, annotations: data }, data, list }));

type Layout = (list: object) => string;

const LAYOUTS: Record<string, Layout> = {
  'kubectl (4 spaces)': (list) => JSON.stringify(list, null, 4),
  'jq (2 spaces)': (list) => JSON.stringify(list, null, 2),
  'one line': (list) => JSON.stringify(list),
  'CRLF line ends': (list) => JSON.stringify(list, null, 2).replace(/\n/g, '\r\n'),
  'one item per line': (list) => {
    const { items, ...rest } = list as { items: object[] };
    const head = JSON.stringify(rest).slice(0, -1);
    return `${head},\n"items": [\n${items.map((entry) => JSON.stringify(entry)).join(',\n')}\n]}\n`;
  },
  'hand-edited (lines indented more)': (list) => JSON.stringify(list, null, 2).split('\n').map((line, i) => (i % 3 === 1 ? `  ${line}` : line)).join('\n'),
};

function expectSameAsYaml(text: string): void {
  const fast = parseManifests(text, 'f.json');
  // A leading comment makes the text YAML (not JSON), one line further down.
  const viaYaml = parseManifests(`# yaml\n${text}`, 'f.json');
  expect(fast.map((m) => m.object)).toEqual(viaYaml.map((m) => m.object));
  expect(fast.map((m) => m.source!.line! + 1)).toEqual(viaYaml.map((m) => m.source!.line));
}

describe('JSON Lists in any layout read as the YAML reader reads them', () => {
  for (const [name, layout] of Object.entries(LAYOUTS)) {
    test(`${name}: the same objects at the same lines`, () => {
      fc.assert(fc.property(fc.array(item, { maxLength: 5 }), (items) => {
        expectSameAsYaml(layout({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items }));
      }), { numRuns: propertyRuns(60) });
    });
  }

  test('a key written twice anywhere is refused, whatever the layout, and named by the YAML reader', () => {
    const items = fc.array(item, { minLength: 1, maxLength: 4 });
    fc.assert(fc.property(items, fc.nat(), fc.constantFrom(...Object.values(LAYOUTS)), (generated, at, layout) => {
      // The duplicate goes into one item's metadata: `"name": ..., "name": ...` in the text.
      const victim = at % generated.length;
      const text = layout({ apiVersion: 'v1', kind: 'List', items: generated.map((entry, i) => (i === victim ? { ...entry, DUPLICATE: true } : entry)) })
        .replace(/"DUPLICATE"\s*:\s*true/, '"kind": "ConfigMap"');
      let error: unknown;
      try {
        parseManifests(text, 'f.json');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(/duplicate key "kind"/);
    }), { numRuns: propertyRuns(60) });
  });

  test('strings that start with a colon (one key too many for the quick count) read right all the same', () => {
    const items = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { port: ':8080', spaced: ' : x' } }];
    expectSameAsYaml(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 4));
  });

  test('hand-made layouts that look like a printed List in places: every item still at its own line', () => {
    // A nested mapping opened on an item's first line, closed at the items' indentation, then an empty one after it.
    expectSameAsYaml([
      '{', '  "apiVersion": "v1",', '  "kind": "List",', '  "items": [',
      '    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "l": [{', '    },', '    {}]},',
      '      {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}', '  ]', '}',
    ].join('\n'));
    // A nested "items" printed at the top-level keys' indentation, the real items on one line.
    expectSameAsYaml([
      '{', '  "apiVersion": "v1",', '  "kind": "List",', '  "metadata": {', '  "items": [', '    {}', '  ]', '  },',
      '  "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}]', '}',
    ].join('\n'));
    // The same with an item-like mapping in the nested "items".
    expectSameAsYaml([
      '{', '  "apiVersion": "v1",', '  "kind": "List",', '  "metadata": {', '  "items": [', '    {', '      "x": 1', '    }', '  ]', '  },',
      '  "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}]', '}',
    ].join('\n'));
  });

  test('a second top-level list of objects does not pass for items', () => {
    const items = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }];
    expectSameAsYaml(JSON.stringify({ apiVersion: 'v1', kind: 'List', extra: [{ a: 1 }, { b: 2 }], items }, null, 2));
    expectSameAsYaml(JSON.stringify({ apiVersion: 'v1', extra: [{ a: 1 }], kind: 'List', items: [...items, ...items.map((i) => ({ ...i, metadata: { name: 'b' } }))] }, null, 2));
  });
});
