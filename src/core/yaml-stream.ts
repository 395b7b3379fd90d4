// A fast reader for multi-document YAML streams of Kubernetes objects. Manifests of real repositories and clusters
// are large (a `kubectl get -o yaml` dump of a cluster, the rendered output of many Helm charts), and the YAML
// library that reports positions builds a full document model for every object, which costs about ten times what
// js-yaml takes to read the same text. Kubernetes objects need no positions beyond the line where each one starts
// (and where each item of a List starts), so the stream is cut at its document markers, each document is read by
// js-yaml with the plain scalars as kubectl reads them, and the lines come from the text itself.
//
// Whatever this reader cannot decide on its own goes to the careful reader (the caller's fallback): a document that
// may define anchors (aliases must be counted, so that an alias bomb is refused), a List whose items it cannot locate exactly,
// and any text that js-yaml rejects (the careful reader then names the line and column of the problem).
import * as jsYaml from 'js-yaml';
import { lazy } from './lazy';
import { booleanScalar, isNullScalar, mayBeNumber, numberScalar } from './yaml-scalars';

/** One document of the stream, read. */
export interface StreamDocument {
  /** The document's value (undefined for an empty or comment-only document). */
  readonly value: unknown;
  /** 1-based line of the document's content (its first line that is neither blank nor a comment). */
  readonly line: number;
  /** For a List (`items:` at the top level, one item per `- ` at one indentation), the line of each item. */
  readonly itemLines?: readonly number[];
}

/** A document this reader leaves to the careful reader: its text and the line its text starts on. */
export interface DeferredDocument {
  readonly text: string;
  /** 1-based line of the document's first line of text in the whole stream. */
  readonly firstLine: number;
}

/** Each document either read, or deferred to the careful reader. Undefined: read the whole stream carefully. */
export type StreamPart = { readonly read: StreamDocument } | { readonly deferred: DeferredDocument };

/**
 * The documents of `text` in order, or undefined when the stream as a whole needs the careful reader (directives,
 * or text that js-yaml rejects: then the careful reader reports the error with its position).
 */
export function readYamlStream(text: string): StreamPart[] | undefined {
  // `%YAML` and `%TAG` directives change how the documents are read: rare in manifests, left to the careful reader.
  if (hasDirective(text)) return undefined;
  const parts: StreamPart[] = [];
  for (const segment of documentSegments(text)) {
    const content = firstContentLine(segment.text);
    if (content === undefined) continue;
    // An anchor is the only way to an alias; aliases are expanded (and counted) by the careful reader.
    if (mayDefineAnchor(segment.text)) {
      parts.push({ deferred: { text: segment.text, firstLine: segment.firstLine } });
      continue;
    }
    let value: unknown;
    try {
      value = jsYaml.load(segment.text, { schema: kubectlSchema() });
    } catch {
      // The careful reader reports the problem with its line and column.
      return undefined;
    }
    // A document that is only `~` or `null`: kubectl skips it too.
    if (value === null || value === undefined) continue;
    const line = segment.firstLine + content;
    if (!isList(value)) {
      parts.push({ read: { value, line } });
      continue;
    }
    const itemLines = listItemLines(segment.text, segment.firstLine);
    if (itemLines === undefined || itemLines.length !== value.items.length || value.items.some(isList)) {
      parts.push({ deferred: { text: segment.text, firstLine: segment.firstLine } });
    } else {
      parts.push({ read: { value, line, itemLines } });
    }
  }
  return parts;
}

interface Segment {
  readonly text: string;
  /** 1-based line of the segment's first line in the stream. */
  readonly firstLine: number;
}

/**
 * The text between document markers (`---` and `...` at the start of a line). A marker line's own content after
 * `---` (`--- {a: 1}`, a comment) belongs to its document; its columns shift, which changes nothing for values.
 */
function documentSegments(text: string): Segment[] {
  const segments: Segment[] = [];
  let start = 0;
  let startLine = 1;
  for (let lineStart = 0; lineStart < text.length; lineStart = lineEnd(text, lineStart) + 1) {
    const marker = documentMarkerAt(text, lineStart);
    if (marker === undefined) continue;
    segments.push({ text: text.slice(start, lineStart), firstLine: startLine });
    startLine += countNewlines(text, start, lineStart);
    // After `...` nothing but comments may follow on its line; after `---` the document may begin on the same line.
    start = marker === '---' ? lineStart + 3 : lineEnd(text, lineStart);
  }
  segments.push({ text: text.slice(start), firstLine: startLine });
  return segments;
}

/** A line that starts with `%` (what `/^%/m` finds, by visiting each `%` instead of each character). */
function hasDirective(text: string): boolean {
  for (let i = text.indexOf('%'); i >= 0; i = text.indexOf('%', i + 1)) {
    const before = text.charCodeAt(i - 1); // NaN at the start
    if (i === 0 || before === 10 || before === 13 || before === 0x2028 || before === 0x2029) return true;
  }
  return false;
}

/** `---` or `...` when the line starting at `index` is a document marker (followed by a blank or the line's end). */
function documentMarkerAt(text: string, index: number): string | undefined {
  const first = text.charCodeAt(index);
  if (first !== 45 /* - */ && first !== 46 /* . */) return undefined;
  // Compared by code, not sliced: every line of a sequence (`- name: x`) starts with a dash.
  if (text.charCodeAt(index + 1) !== first || text.charCodeAt(index + 2) !== first) return undefined;
  const after = text.charCodeAt(index + 3);
  if (!(Number.isNaN(after) || after === 32 || after === 9 || after === 13 || after === 10)) return undefined;
  return first === 45 ? '---' : '...';
}

/**
 * Whether `text` may define an anchor: a `&` where a node can start, that is first on its line or after `:`, `-`,
 * `?`, `[`, `{`, `,` or a tag (`!name`). A `&` after other text, such as `a && b` in a shell command (quoted, plain
 * or in a block scalar), cannot start a node. In doubt (`"x: &y"` in quotes, a comment) the answer is yes.
 */
function mayDefineAnchor(text: string): boolean {
  for (let i = text.indexOf('&'); i >= 0; i = text.indexOf('&', i + 1)) {
    let before = i - 1;
    while (before >= 0 && isSpaceOrTab(text.charCodeAt(before))) before--;
    if (before < 0 || NODE_START_AFTER.includes(text[before])) return true;
    let word = before;
    while (word > 0 && !isBlank(text.charCodeAt(word - 1))) word--;
    if (text[word] === '!') return true;
  }
  return false;
}

/** What a node (and so its anchor) can follow on its line: a line break, an indicator or a flow separator. */
const NODE_START_AFTER = '\n\r:-?[{,';

function isSpaceOrTab(code: number): boolean {
  return code === 32 || code === 9;
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** 0-based index, within `text`, of its first line that is neither blank nor a comment; undefined if none. */
function firstContentLine(text: string): number | undefined {
  let line = 0;
  let index = 0;
  while (index <= text.length) {
    const end = lineEnd(text, index);
    const trimmed = text.slice(index, end).trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) return line;
    index = end + 1;
    line++;
  }
  return undefined;
}

/**
 * The stream lines of the items of a top-level `items:` sequence in block style, one per `-` at the indentation of
 * the first; undefined when the items are not written that way (flow style, or no `items:` key at column 0).
 */
function listItemLines(text: string, firstLine: number): number[] | undefined {
  const lines = text.split('\n');
  const itemsAt = lines.findIndex((line) => /^items:[ \t]*(#.*)?\r?$/.test(line));
  if (itemsAt < 0) return undefined;
  const result: number[] = [];
  let indent: number | undefined;
  for (let i = itemsAt + 1; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const lineIndent = line.length - line.trimStart().length;
    if (lineIndent === 0 && !line.startsWith('-')) break; // the next top-level key
    const dash = /^( *)-(?:[ \t]+(.*))?\r?$/.exec(line);
    if (dash === null || (indent !== undefined && dash[1].length !== indent)) {
      if (indent === undefined) return undefined;
      continue;
    }
    indent ??= dash[1].length;
    const rest = (dash[2] ?? '').trim();
    // `-` alone on its line: the item starts on the next line with content.
    if (rest === '' || rest.startsWith('#')) {
      let next = i + 1;
      while (next < lines.length && (lines[next].trim() === '' || lines[next].trim().startsWith('#'))) next++;
      result.push(firstLine + next);
    } else {
      result.push(firstLine + i);
    }
  }
  return result;
}

function isList(value: unknown): value is { items: unknown[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { kind, items } = value as { kind?: unknown; items?: unknown };
  return typeof kind === 'string' && kind.endsWith('List') && Array.isArray(items);
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end < 0 ? text.length : end;
}

/** `<<` as a key merges the mapping it names into its own (js-yaml merges keys of this tag). */
const MERGE_TYPE = new jsYaml.Type('tag:yaml.org,2002:merge', { kind: 'scalar', resolve: (data: unknown) => data === '<<' });

/** Plain scalars as kubectl reads them (see yaml-scalars.ts); everything else is a string. Built on first use. */
const kubectlSchema = lazy(() => jsYaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    new jsYaml.Type('tag:yaml.org,2002:null', {
      kind: 'scalar',
      resolve: (data: unknown) => data === null || (typeof data === 'string' && isNullScalar(data)),
      construct: () => null,
    }),
    new jsYaml.Type('tag:yaml.org,2002:bool', {
      kind: 'scalar',
      resolve: (data: unknown) => typeof data === 'string' && booleanScalar(data) !== undefined,
      construct: (data: string) => booleanScalar(data),
    }),
    new jsYaml.Type('tag:yaml.org,2002:float', {
      kind: 'scalar',
      resolve: (data: unknown) => typeof data === 'string' && mayBeNumber(data) && numberScalar(data) !== undefined,
      construct: (data: string) => numberScalar(data),
    }),
    MERGE_TYPE,
  ],
}));
