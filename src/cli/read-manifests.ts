// Reading `rwop` input: files, directories and stdin holding multi-document YAML or JSON (JSON is YAML), with
// `kind: List` expanded the way `kubectl get -o json` prints it. Every object keeps the file and line it came from.
import { promises as fs } from 'fs';
import * as path from 'path';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { Node as YamlNode, Tags } from 'yaml';
import type { KubeObject, Manifest } from '../rules';
import type { CliIO } from './main';
import { readYamlStream } from './yaml-stream';

/** The file name given to what `-` reads. */
export const STDIN_FILE = '<stdin>';

/** Input that cannot be read or is not Kubernetes objects: a usage error (exit 2) naming the file and line. */
export class InputError extends Error {
  /** The file as the user named it (`<stdin>` for `-`). */
  readonly file: string;
  /** 1-based line of the problem, when there is one. */
  readonly line?: number;

  constructor(file: string, line: number | undefined, detail: string) {
    super(`${line === undefined ? file : `${file}:${line}`}: ${detail}`);
    this.name = 'InputError';
    this.file = file;
    this.line = line;
  }
}

/** The extensions a directory is searched for. */
const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

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
  const parts = readYamlStream(text);
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
    const { value, line, itemLines } = part.read;
    collect(value, { file, line }, itemLines ? { line: (i) => itemLines[i], of: () => NO_ITEM_LINES } : NO_ITEM_LINES, manifests);
  }
  return manifests;
}

/**
 * Every document through the yaml library's document model: exact positions for errors, aliases counted. Slower than
 * the stream reader, which hands it what it cannot decide; exported so that tests hold both readers to one answer.
 */
export function parseYamlCarefully(text: string, file: string): Manifest[] {
  const lineCounter = new LineCounter();
  // YAML 1.1, as kubectl and Helm read it (Go's YAML): `defaultMode: 0644` is octal, `yes` a boolean, `<<` merges.
  const manifests: Manifest[] = [];
  // Timestamps stay strings: Go's YAML keeps them so when it reads into untyped values, as kubectl does.
  const customTags = (tags: Tags) => tags.filter((tag) => typeof tag !== 'object' || tag.tag !== 'tag:yaml.org,2002:timestamp');
  for (const doc of parseAllDocuments(text, { lineCounter, version: '1.1', prettyErrors: false, customTags })) {
    const error = doc.errors[0];
    if (error) {
      // An error at the very end (an unclosed quote or bracket) is reported on the last line that has text.
      const offset = Math.min(error.pos[0], Math.max(0, text.trimEnd().length - 1));
      const { line, col } = lineCounter.linePos(offset);
      throw new InputError(file, line, `invalid YAML (column ${col}): ${yamlErrorText(error.message)}`);
    }
    const contents = doc.contents as YamlNode | null;
    if (contents === null || (isScalar(contents) && contents.value === null)) continue;
    const line = lineOf(contents, lineCounter);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      // Too many aliases ("billion laughs") or an alias to nothing.
      throw new InputError(file, line, `invalid YAML: ${firstLine((e as Error).message)}`);
    }
    collect(value, { file, line }, yamlItemLines(contents, lineCounter), manifests);
  }
  return manifests;
}

/**
 * A text that is one JSON object (what `kubectl get -o json` prints) read with JSON.parse, many times faster than
 * a YAML parser on the large dumps of a cluster; the lines of a List's items come from one scan of the text.
 * Undefined when the text is not that (then it is read as YAML, which also reports where a broken JSON breaks).
 */
function parseJsonManifests(text: string, file: string): Manifest[] | undefined {
  const start = text.search(/\S/);
  if (start < 0 || text[start] !== '{') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { line, itemLines } = scanJsonLines(text, start);
  const manifests: Manifest[] = [];
  // Only the top-level List's items are located; a List nested in a JSON List (rare) locates its items at its own line.
  collect(value, { file, line }, { line: (i) => itemLines[i], of: () => NO_ITEM_LINES }, manifests);
  return manifests;
}

/**
 * The line of the object starting at `start` and of each element of its top-level `items` array, from one pass
 * over valid JSON that follows strings (so that brackets and keys inside them are not counted).
 */
function scanJsonLines(text: string, start: number): { line: number; itemLines: number[] } {
  let line = 1;
  for (let i = 0; i < start; i++) if (text.charCodeAt(i) === 10) line++;
  const objectLine = line;
  const itemLines: number[] = [];
  let depth = 0;
  let lastKey: string | undefined;
  let inItems = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
    } else if (c === '"') {
      const begin = i + 1;
      if (depth === 2 && inItems) itemLines.push(line);
      for (i = begin; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      if (depth === 1) lastKey = text.slice(begin, i);
    } else if (c === '{' || c === '[') {
      if (depth === 2 && inItems) itemLines.push(line);
      if (depth === 1 && c === '[' && lastKey === 'items') inItems = true;
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 1) inItems = false;
    } else if (depth === 2 && inItems && c !== ',' && c !== ' ' && c !== '\t' && c !== '\r') {
      // A scalar item (not an object): it gets a line too, for the error that names it.
      itemLines.push(line);
      while (i + 1 < text.length && !',]\n'.includes(text[i + 1])) i++;
    }
  }
  return { line: objectLine, itemLines };
}

/**
 * Every Kubernetes object under `paths`: a file, a directory (its `*.yaml`, `*.yml` and `*.json` files, recursively,
 * in sorted order, skipping entries whose name starts with a dot) or `-` for stdin. Paths are relative to `io.cwd`
 * and are kept as given in each object's `source.file`. A path named twice is read once.
 */
export async function readManifestInputs(paths: readonly string[], io: CliIO): Promise<Manifest[]> {
  const manifests: Manifest[] = [];
  const seen = new Set<string>();
  const read = (text: string, file: string) => {
    for (const manifest of parseManifests(text, file)) manifests.push(manifest);
  };
  for (const given of paths) {
    if (given === '-') {
      if (seen.has(STDIN_FILE)) continue;
      seen.add(STDIN_FILE);
      read(await io.readStdin(), STDIN_FILE);
      continue;
    }
    for (const file of await filesOf(given, io.cwd)) {
      const absolute = path.resolve(io.cwd, file);
      if (seen.has(absolute)) continue;
      seen.add(absolute);
      read(await readText(file, absolute), file);
    }
  }
  return manifests;
}

/** `given` itself when it is a file; the manifest files under it when it is a directory. */
async function filesOf(given: string, cwd: string): Promise<string[]> {
  const stat = await statOrThrow(given, path.resolve(cwd, given));
  if (!stat.isDirectory()) return [given];
  const files: string[] = [];
  await walk(given, path.resolve(cwd, given), files, new Set());
  if (files.length === 0) {
    throw new InputError(given, undefined, `directory holds no ${MANIFEST_EXTENSIONS.map((ext) => `*${ext}`).join(', ')} file`);
  }
  return files;
}

async function walk(dir: string, absolute: string, files: string[], visited: Set<string>): Promise<void> {
  // A symbolic link back up the tree must not loop.
  const real = await fs.realpath(absolute);
  if (visited.has(real)) return;
  visited.add(real);
  let names: string[];
  try {
    names = await fs.readdir(absolute);
  } catch (e) {
    throw new InputError(dir, undefined, `cannot read directory: ${describeFsError(e)}`);
  }
  // Byte order, not locale order: the same tree reads in the same order on every machine.
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const file = path.join(dir, name);
    const stat = await statOrThrow(file, path.join(absolute, name));
    if (stat.isDirectory()) await walk(file, path.join(absolute, name), files, visited);
    else if (stat.isFile() && MANIFEST_EXTENSIONS.includes(path.extname(name).toLowerCase())) files.push(file);
  }
}

export async function statOrThrow(file: string, absolute: string) {
  try {
    return await fs.stat(absolute);
  } catch (e) {
    throw new InputError(file, undefined, `cannot read: ${describeFsError(e)}`);
  }
}

export async function readText(file: string, absolute: string): Promise<string> {
  try {
    return await fs.readFile(absolute, 'utf8');
  } catch (e) {
    throw new InputError(file, undefined, `cannot read: ${describeFsError(e)}`);
  }
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    default: return (e as Error).message;
  }
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
  const items = isMap(node) ? node.get('items', true) : undefined;
  const nodes = isSeq(items) ? items.items as YamlNode[] : [];
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

/** The yaml library's message without a position of its own (InputError gives the position). */
function yamlErrorText(message: string): string {
  return firstLine(message).replace(/ at line \d+, column \d+:?$/, '');
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}
