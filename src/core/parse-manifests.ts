// Parsing manifests: multi-document YAML or JSON (JSON is YAML) text, with `kind: List` expanded the way
// `kubectl get -o json` prints it, as kubectl reads it. Every object keeps the file and line it came from. Shared by the
// command line (which reads the files) and the validation plugin.
import { isAscii, isUtf8 } from 'buffer';
import type { LineCounter, Node as YamlNode, ScalarTag, Tags } from 'yaml';
import { InputError } from './input-error';
import { yamlLibrary } from './lazy';
import type { KubeObject, Manifest } from './manifest';
import { booleanScalar, numberScalar } from './yaml-scalars';
import { readYamlStream } from './yaml-stream';


/**
 * The deepest nesting of mappings and sequences read (a List counts two: itself and its items). Real manifests,
 * CRD schemas included, stay far below it; deeper input would exhaust the stack of the parser and of the checks.
 */
export const MAX_NESTING_DEPTH = 256;

/**
 * The text of `bytes`, which must be UTF-8 (as kubectl writes and the API server accepts): invalid bytes are an
 * InputError naming the line and byte offset, where decoding them into U+FFFD would silently change names.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  // Checked first with the vectorised validators, decoded without a second check. ASCII (most manifests) is decoded
  // as Latin-1, the same characters: Node keeps a large such text outside the JavaScript heap, a third of the time.
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isAscii(bytes)) return buffer.toString('latin1');
  if (isUtf8(bytes)) return buffer.toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const offset = invalidUtf8Offset(bytes);
    let line = 1;
    for (let i = 0; i < offset; i++) if (bytes[i] === 10) line++;
    const byte = bytes[offset].toString(16).padStart(2, '0');
    throw new InputError(file, line, `not UTF-8: invalid byte 0x${byte} at byte offset ${offset}`);
  }
}

/** The offset of the first byte that is not part of valid UTF-8 (only called when there is one). */
function invalidUtf8Offset(bytes: Uint8Array): number {
  // The lenient decoder turns each invalid sequence into U+FFFD; the text before the first one is decoded exactly.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  let offset = 0;
  for (const char of text) {
    const isLiteral = bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd;
    if (char === '\ufffd' && !isLiteral) return offset;
    const codePoint = char.codePointAt(0)!;
    offset += codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
  }
  return offset;
}

/** True when `text` holds no YAML document: nothing but whitespace, comments and document markers. */
export function isBlankInput(text: string): boolean {
  for (let start = 0; start <= text.length;) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    if (!BLANK_LINE.test(text.slice(start, end))) return false;
    start = end + 1;
  }
  return true;
}

const BLANK_LINE = /^(?:\s*|---\s*|\.\.\.\s*|(?:\s*|---\s+)#.*)$/;

/**
 * The Kubernetes objects in `text`, one Manifest per object with `source: { file, line }`. Empty and comment-only
 * documents are skipped; a List's items replace the List. Throws InputError on YAML that does not parse and on a
 * document that is not a Kubernetes object. Objects of any kind (CRDs included) are returned as they are.
 */
export function parseManifests(text: string, file: string): Manifest[] {
  // A byte order mark (some Windows editors write one) is not part of the text.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return parseJsonManifests(body, file) ?? parseYamlManifests(body, file);
}

function parseYamlManifests(text: string, file: string): Manifest[] {
  const parts = readYamlStream(text, MAX_NESTING_DEPTH);
  if (parts === undefined) return parseYamlCarefully(text, file);
  const manifests: Manifest[] = [];
  for (const part of parts) {
    if ('deferred' in part) {
      // Lines of the careful reader count from the deferred text's first line.
      const offset = part.deferred.firstLine - 1;
      for (const manifest of parseYamlCarefully(part.deferred.text, file)) {
        manifests.push({ object: manifest.object, source: { file, line: (manifest.source?.line ?? 1) + offset } });
      }
      continue;
    }
    const { value, line, itemLines, tooDeep } = part.read;
    if (tooDeep) throw new InputError(file, line, TOO_DEEP);
    collect(value, { file, line }, itemLines ? { line: (i) => itemLines[i], of: () => NO_ITEM_LINES } : NO_ITEM_LINES, manifests);
  }
  return manifests;
}

/**
 * Every document through the yaml library's document model: exact positions for errors, aliases counted. Slower than
 * the stream reader, which hands it what it cannot decide; exported so that tests hold both readers to one answer.
 */
export function parseYamlCarefully(text: string, file: string): Manifest[] {
  const yaml = yamlLibrary();
  const lineCounter = new yaml.LineCounter();
  // YAML 1.1, as kubectl and Helm read it (Go's YAML): `defaultMode: 0644` is octal, `yes` a boolean, `<<` merges.
  const manifests: Manifest[] = [];
  for (const doc of yaml.parseAllDocuments(text, { lineCounter, version: '1.1', prettyErrors: false, customTags: kubectlScalarTags })) {
    const error = doc.errors[0];
    if (error) {
      // An error at the very end (an unclosed quote or bracket) is reported on the last line that has text.
      const offset = Math.min(error.pos[0], Math.max(0, text.trimEnd().length - 1));
      const { line, col } = lineCounter.linePos(offset);
      throw new InputError(file, line, yamlErrorDetail(error.code, error.message, text, error.pos[0], col));
    }
    const contents = doc.contents as YamlNode | null;
    if (contents === null || (yaml.isScalar(contents) && contents.value === null)) continue;
    const line = lineOf(contents, lineCounter);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      // Too many aliases ("billion laughs"), an alias to nothing, or nesting that exhausts the stack.
      throw new InputError(file, line, isStackOverflow(e) ? TOO_DEEP : `invalid YAML: ${firstLine((e as Error).message)}`);
    }
    const tooDeep = nestingBeyondLimit(value);
    if (tooDeep) throw new InputError(file, line, TOO_DEEP);
    collect(value, { file, line }, yamlItemLines(contents, lineCounter), manifests);
  }
  return manifests;
}

const TOO_DEEP = `nested deeper than ${MAX_NESTING_DEPTH} levels of mappings and lists`;

function yamlErrorDetail(code: string, message: string, text: string, offset: number, col: number): string {
  if (message.includes('Maximum call stack size exceeded')) return TOO_DEEP;
  if (code === 'DUPLICATE_KEY') return `duplicate key ${JSON.stringify(keyAt(text, offset))} (column ${col}): a key may appear once in a mapping`;
  return `invalid YAML (column ${col}): ${yamlErrorText(message)}`;
}

/** The key written at `offset` (a plain, single- or double-quoted scalar followed by ":"). */
function keyAt(text: string, offset: number): string {
  const rest = text.slice(offset, text.indexOf('\n', offset) < 0 ? text.length : text.indexOf('\n', offset));
  const quoted = /^"(?:[^"\\]|\\.)*"/.exec(rest) ?? /^'(?:[^']|'')*'/.exec(rest);
  if (quoted) {
    const raw = quoted[0];
    return raw.startsWith('"') ? JSON.parse(raw) as string : raw.slice(1, -1).replace(/''/g, "'");
  }
  return rest.replace(/\s*:(\s.*)?$/, '').replace(/:$/, '').trim();
}

/**
 * True when `value` nests deeper than MAX_NESTING_DEPTH. The recursion stops at that depth, so it cannot overflow the
 * stack, and allocates nothing: it visits every value of every object read.
 */
function nestingBeyondLimit(value: unknown, depth = 0): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (depth === MAX_NESTING_DEPTH) return true;
  if (Array.isArray(value)) {
    for (const child of value) if (nestingBeyondLimit(child, depth + 1)) return true;
  } else {
    for (const key in value) if (nestingBeyondLimit((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && e.message.includes('Maximum call stack size exceeded');
}

/**
 * A text that is one JSON object (what `kubectl get -o json` prints) read with JSON.parse, many times faster than
 * a YAML parser on the large dumps of a cluster. JSON.parse keeps the last of duplicate keys, so the keys the text
 * writes are counted too: fewer in the result means a duplicate, which the YAML reader then names (as it does in YAML).
 * The lines of a List's items come from the text's layout when it is printed as kubectl, jq and JSON.stringify print
 * it (one item per line at one indentation), else from a scan of every character.
 * Undefined when the text is not that (then it is read as YAML, which also reports where a broken JSON breaks).
 */
function parseJsonManifests(text: string, file: string): Manifest[] | undefined {
  // Found without a regular expression: V8 keeps the last one's subject (here the whole input) alive until the next.
  let start = 0;
  while (isJsonSpace(text.charCodeAt(start))) start++;
  if (text.charCodeAt(start) !== 123 /* { */) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const keyCount = keysWithin(value, MAX_NESTING_DEPTH);
  let layout = keyCount >= 0 && keysWritten(text, start) === keyCount ? jsonLayout(text, start, value) : undefined;
  if (layout === undefined) {
    const scan = scanJson(text, start);
    if (scan.tooDeepAtLine !== undefined) throw new InputError(file, scan.tooDeepAtLine, TOO_DEEP);
    if (scan.keyCount !== keyCount) return undefined;
    layout = scan;
  }
  const { itemLines } = layout;
  const manifests: Manifest[] = [];
  // Only the top-level List's items are located; a List nested in a JSON List (rare) locates its items at its own line.
  collect(value, { file, line: layout.line }, { line: (i) => itemLines[i], of: () => NO_ITEM_LINES }, manifests);
  return manifests;
}

/** Where a JSON text's object and the items of its top-level `items` list start. */
interface JsonLayout {
  /** The line of the top-level object. */
  readonly line: number;
  /** The line of each element of its top-level `items` array. */
  readonly itemLines: readonly number[];
}

/**
 * The keys of every object in a parsed JSON value, or -1 when it nests deeper than `depthLeft` levels of objects and
 * arrays (the recursion stops there).
 */
function keysWithin(value: unknown, depthLeft: number): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (depthLeft === 0) return -1;
  let count = 0;
  if (Array.isArray(value)) {
    for (const child of value) {
      const keys = keysWithin(child, depthLeft - 1);
      if (keys < 0) return -1;
      count += keys;
    }
  } else {
    for (const key in value) {
      const keys = keysWithin((value as Record<string, unknown>)[key], depthLeft - 1);
      if (keys < 0) return -1;
      count += keys + 1;
    }
  }
  return count;
}

/**
 * At least the number of keys a valid JSON text writes, by visiting only its colons: every key is a string followed
 * by optional whitespace and a colon, and no other colon outside a string follows a quote. A colon inside a string
 * follows an unescaped quote only at the string's start (`": x"`), which counts one too many: so equal to the keys
 * of the parsed value means no key is written twice.
 */
function keysWritten(text: string, start: number): number {
  let count = 0;
  for (let colon = text.indexOf(':', start); colon >= 0; colon = text.indexOf(':', colon + 1)) {
    let before = colon - 1;
    while (isJsonSpace(text.charCodeAt(before))) before--;
    if (text.charCodeAt(before) !== 34 /* " */) continue;
    let backslashes = 0;
    while (text.charCodeAt(before - 1 - backslashes) === 92 /* \\ */) backslashes++;
    if (backslashes % 2 === 0) count++;
  }
  return count;
}

function isJsonSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}

/**
 * The layout of a JSON text from its line breaks alone, when the text is on one line or printed as kubectl, jq and
 * JSON.stringify print it: one top-level key per line at one indentation, in the parsed value's order, and each item of
 * the top-level `items` alone on its line (`{`, or `{}` for an empty one) at twice that indentation, after the `"items": [`
 * line or the previous item's `},`. Undefined for any other layout: the caller scans the text.
 */
function jsonLayout(text: string, start: number, value: unknown): JsonLayout | undefined {
  const line = lineAt(text, start);
  const object = value as KubeObject;
  const items = object.items;
  if (!Array.isArray(items) || items.length === 0) return { line, itemLines: [] };
  const firstBreak = text.indexOf('\n', start);
  if (firstBreak < 0 || text.slice(firstBreak).trim() === '') return { line, itemLines: items.map(() => line) };
  if (!items.every(isPlainObject)) return undefined;
  let keyIndent = 0;
  while (text.charCodeAt(firstBreak + 1 + keyIndent) === 32) keyIndent++;
  if (firstBreak !== start + 1 || keyIndent === 0) return undefined;
  const itemIndent = 2 * keyIndent;
  const keys = Object.keys(object);
  let keyLines = 0;
  // The line before the first item (a top-level key line, checked as such), and before each next one.
  const itemsKeyLine = `\n${' '.repeat(keyIndent)}"items": [`;
  const itemEnd = `\n${' '.repeat(itemIndent)}},`;
  const emptyItemEnd = `\n${' '.repeat(itemIndent)}{},`;
  const itemLines: number[] = [];
  let current = line;
  for (let lineBreak = firstBreak; lineBreak >= 0; lineBreak = text.indexOf('\n', lineBreak + 1)) {
    current++;
    const lineStart = lineBreak + 1;
    if (text.charCodeAt(lineStart + keyIndent) === 34 /* " */ && spacesAt(text, lineStart, keyIndent)) {
      // A top-level key: the next one of the parsed value's, in order (a nested key printed out of place is not).
      const keyEnd = closingQuote(text, lineStart + keyIndent + 1);
      if (text.slice(lineStart + keyIndent + 1, keyEnd) !== keys[keyLines]) return undefined;
      keyLines++;
      continue;
    }
    if (text.charCodeAt(lineStart + itemIndent) !== 123 /* { */ || !spacesAt(text, lineStart, itemIndent)) continue;
    if (itemLines.length === items.length) return undefined;
    const follows = itemLines.length === 0
      ? endsAt(text, lineBreak, itemsKeyLine)
      : endsAt(text, lineBreak, itemEnd) || endsAt(text, lineBreak, emptyItemEnd);
    if (!follows || !isItemLine(text, lineStart + itemIndent, items[itemLines.length])) return undefined;
    itemLines.push(current);
  }
  return keyLines === keys.length && itemLines.length === items.length ? { line, itemLines } : undefined;
}

/** True when the item's line is `{` alone for a mapping with keys, or `{}` (then `,` or the line's end) for an empty one. */
function isItemLine(text: string, brace: number, item: KubeObject): boolean {
  const next = text.charCodeAt(brace + 1);
  if (next === 10 /* \n */) return Object.keys(item).length > 0;
  if (next !== 125 /* } */) return false;
  const after = text.charCodeAt(brace + 2);
  return (after === 10 || after === 44 /* , */) && Object.keys(item).length === 0;
}

/** True when the text before `end` ends with `ending`. */
function endsAt(text: string, end: number, ending: string): boolean {
  return end >= ending.length && text.startsWith(ending, end - ending.length);
}

/** True when the `count` characters from `from` are spaces. */
function spacesAt(text: string, from: number, count: number): boolean {
  for (let i = from; i < from + count; i++) if (text.charCodeAt(i) !== 32) return false;
  return true;
}

/** The 1-based line of `offset`. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

interface JsonScan extends JsonLayout {
  /** How many keys the text writes, in all its objects. */
  readonly keyCount: number;
  /** The line where the nesting first goes beyond MAX_NESTING_DEPTH. */
  readonly tooDeepAtLine?: number;
}

/**
 * One pass over valid JSON from `start` that follows strings (so that brackets and keys inside them are not counted).
 * It looks at every character of texts of hundreds of MB: codes, not one-character strings, and no slices but the
 * top-level keys. A line break is never inside a JSON string, so every one counts.
 */
function scanJson(text: string, start: number): JsonScan {
  const objectLine = lineAt(text, start);
  let line = objectLine;
  const itemLines: number[] = [];
  let keyCount = 0;
  let depth = 0;
  let lastKey: string | undefined;
  let inItems = false;
  const length = text.length;
  for (let i = start; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) {
      line++;
    } else if (c === 32 || c === 44 /* , */ || c === 9 || c === 13) {
      continue;
    } else if (c === 58 /* : */) {
      // Outside strings, a colon only ever follows a key.
      keyCount++;
    } else if (c === 34 /* " */) {
      if (depth === 2 && inItems) itemLines.push(line);
      const begin = i + 1;
      i = closingQuote(text, begin);
      if (depth === 1) lastKey = text.slice(begin, i);
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (depth === 2 && inItems) itemLines.push(line);
      if (depth === 1 && c === 91 && lastKey === 'items') inItems = true;
      depth++;
      if (depth > MAX_NESTING_DEPTH) return { line: objectLine, itemLines, keyCount, tooDeepAtLine: line };
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
      if (depth === 1) inItems = false;
    } else if (depth === 2 && inItems) {
      // A scalar item (not an object): it gets a line too, for the error that names it.
      itemLines.push(line);
      while (i + 1 < length && !isScalarEnd(text.charCodeAt(i + 1))) i++;
    }
  }
  return { line: objectLine, itemLines, keyCount };
}

/** The index of the quote that closes the JSON string whose text starts at `begin` (one not escaped by a backslash). */
function closingQuote(text: string, begin: number): number {
  let quote = text.indexOf('"', begin);
  for (;;) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 92 /* \\ */) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
}

/** `,`, `]` or a line break: what ends a number, `true`, `false` or `null` in an array (valid JSON has no space inside them). */
function isScalarEnd(code: number): boolean {
  return code === 44 || code === 93 || code === 10;
}

/** Where the items of a List are, when the reader knows: the line of item i, and the same for its own items. */
interface ItemLines {
  line(index: number): number | undefined;
  of(index: number): ItemLines;
}

const NO_ITEM_LINES: ItemLines = { line: () => undefined, of: () => NO_ITEM_LINES };

/** Adds `value` (a document or a List item) to `out`, expanding Lists; `itemLines` gives the lines of its items. */
function collect(value: unknown, source: { file: string; line: number }, itemLines: ItemLines, out: Manifest[]): void {
  if (!isKubeObject(value)) {
    throw new InputError(source.file, source.line, `not a Kubernetes object: ${describeNonObject(value)}`);
  }
  if (isList(value)) {
    const itemKind = value.kind !== 'List' ? value.kind.slice(0, -'List'.length) : undefined;
    value.items.forEach((item: unknown, i: number) => {
      // The API server's typed lists (`PodList` from `/api/v1/pods`) leave kind and apiVersion out of their items.
      const filled = itemKind && isPlainObject(item) && item.kind === undefined && item.apiVersion === undefined
        ? { apiVersion: value.apiVersion, kind: itemKind, ...item }
        : item;
      collect(filled, { file: source.file, line: itemLines.line(i) ?? source.line }, itemLines.of(i), out);
    });
    return;
  }
  out.push({ object: value, source: { file: source.file, line: source.line } });
}

/** The lines of the items of a List node (nested Lists included, through the recursion of `collect`). */
function yamlItemLines(node: YamlNode | undefined, lineCounter: LineCounter): ItemLines {
  const yaml = yamlLibrary();
  const items = yaml.isMap(node) ? node.get('items', true) : undefined;
  const nodes = yaml.isSeq(items) ? items.items as YamlNode[] : [];
  return {
    line: (i) => (nodes[i] ? lineOf(nodes[i], lineCounter) : undefined),
    of: (i) => yamlItemLines(nodes[i], lineCounter),
  };
}

/** `kind: List` or a typed list (`PodList`, ...) carrying an `items` array. */
function isList(object: KubeObject): object is KubeObject & { kind: string; items: unknown[] } {
  return (object.kind === 'List' || (object.kind as string).endsWith('List')) && Array.isArray(object.items);
}

function isPlainObject(value: unknown): value is KubeObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isKubeObject(value: unknown): value is KubeObject & { kind: string; apiVersion: string } {
  return isPlainObject(value) && typeof value.kind === 'string' && value.kind !== ''
    && typeof value.apiVersion === 'string' && value.apiVersion !== '';
}

function describeNonObject(value: unknown): string {
  if (Array.isArray(value)) return 'a list (expected a mapping with apiVersion and kind)';
  if (!isPlainObject(value)) return `a ${value === null ? 'null' : typeof value} (expected a mapping with apiVersion and kind)`;
  const missing = ['apiVersion', 'kind'].filter((key) => typeof value[key] !== 'string' || value[key] === '');
  return `no ${missing.join(' and ')}`;
}

function lineOf(node: YamlNode, lineCounter: LineCounter): number {
  return lineCounter.linePos(node.range?.[0] ?? 0).line;
}

/**
 * The yaml library's YAML 1.1 tags with the plain scalars (null, booleans, numbers, timestamps) resolved as kubectl
 * resolves them (yaml-scalars.ts), the same way the fast reader does; collections, `!!binary` and `<<` stay as they are.
 */
function kubectlScalarTags(tags: Tags): Tags {
  const replaced = ['null', 'bool', 'int', 'float', 'timestamp'].map((name) => `tag:yaml.org,2002:${name}`);
  const kept = tags.filter((tag) => typeof tag !== 'object' || !(replaced.includes(tag.tag) && 'test' in tag && tag.test));
  const scalar = (tag: string, test: RegExp, resolve: (text: string, onError: (message: string) => void) => unknown): ScalarTag =>
    ({ tag, default: true, test, resolve });
  return [
    scalar('tag:yaml.org,2002:null', /^(?:~|null|Null|NULL)?$/, () => null),
    scalar('tag:yaml.org,2002:bool', /^(?:[yYnN]|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE)$/,
      (text) => booleanScalar(text)),
    // A scalar that starts like a number and is none stays the string it is.
    scalar('tag:yaml.org,2002:float', /^[-+.0-9]/, (text, onError) => {
      try {
        return numberScalar(text) ?? text;
      } catch (e) {
        onError((e as Error).message);
        return text;
      }
    }),
    ...kept,
  ];
}

/** The yaml library's message without a position of its own (InputError gives the position). */
function yamlErrorText(message: string): string {
  return firstLine(message).replace(/ at line \d+, column \d+:?$/, '');
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}
