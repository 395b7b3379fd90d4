// A fast reader for multi-document YAML streams of Kubernetes objects. Manifests of real repositories and clusters
// are large (a `kubectl get -o yaml` dump of a cluster, the rendered output of many Helm charts), and the YAML
// library that reports positions builds a full document model for every object, which costs about ten times what
// js-yaml takes to read the same text. Kubernetes objects need no positions beyond the line where each one starts
// (and where each item of a List starts), so the stream is cut at its document markers, the documents are read by
// js-yaml with the plain scalars as kubectl reads them (a group of them at a time, each document paired with the
// segment it was cut from), and the lines come from the text itself.
//
// Whatever this reader cannot decide on its own goes to the careful reader (the caller's fallback): a document that
// may define anchors (aliases must be counted, so that an alias bomb is refused), a List whose items it cannot locate exactly,
// and any text that js-yaml rejects (the careful reader then names the line and column of the problem).
import * as jsYaml from 'js-yaml';
import { lazy } from './lazy';
import { booleanScalar, isNullScalar, mayBeNumber, numberScalar } from './yaml-scalars';

/** One document of the stream, read. */
export interface StreamDocument {
  /** The document's value (empty and comment-only documents are not read as documents). */
  readonly value: unknown;
  /** 1-based line of the document's content (its first line that is neither blank nor a comment). */
  readonly line: number;
  /** For a List (`items:` at the top level, one item per `- ` at one indentation), the line of each item. */
  readonly itemLines?: readonly number[];
  /** Set when the value nests deeper than the reader was told to accept (it is then not to be used). */
  readonly tooDeep?: boolean;
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
 * or text that js-yaml rejects: then the careful reader reports the error with its position). A document whose
 * mappings and sequences nest deeper than `maxDepth` levels is marked `tooDeep`.
 */
export function readYamlStream(text: string, maxDepth: number): StreamPart[] | undefined {
  // `%YAML` and `%TAG` directives change how the documents are read: rare in manifests, left to the careful reader.
  if (hasDirective(text)) return undefined;
  const segments = documentSegments(text);
  const ampersands = new CharacterFinder(text, '&');
  const carriageReturns = new CharacterFinder(text, '\r');
  const parts: StreamPart[] = [];
  for (let first = 0; first < segments.length;) {
    let last = first;
    while (last + 1 < segments.length && segments[last + 1].end - segments[first].start <= GROUP_SIZE) last++;
    const group = segments.slice(first, last + 1);
    const [from, to] = [group[0].start, group[group.length - 1].end];
    // An anchor is the only way to an alias; aliases are expanded (and counted) by the careful reader. A lone CR is a
    // line break to js-yaml, where the segments see none: such text is read a document at a time.
    const readAlone = mayDefineAnchor(text, ampersands, from, to) || hasLoneCarriageReturn(text, carriageReturns, from, to);
    const together = readAlone ? undefined : readTogether(text, group, maxDepth);
    const read = together ?? readEach(text, group, ampersands, maxDepth);
    if (read === undefined) return undefined;
    for (const part of read) parts.push(part);
    first = last + 1;
  }
  return parts;
}

/**
 * The most characters of the stream that js-yaml reads at once (unless one document is longer). js-yaml reads a copy
 * of its text: a small one is freed young, before the garbage collector moves it to the old generation, and the cost
 * of a call is paid once a group instead of once a document.
 */
const GROUP_SIZE = 65_536;

/**
 * js-yaml's own nesting limit (100 nodes by default) set just past ours, so that a document nested deeper than 100 levels
 * but within ours stays on this fast path, and one beyond ours gets our error (js-yaml counts the leaf too).
 */
function depthLimit(maxDepth: number): jsYaml.LoadOptions {
  // js-yaml 4.1.1+ reads `maxDepth`; its type declarations do not list it yet.
  const options: jsYaml.LoadOptions & { maxDepth: number } = { maxDepth: maxDepth + 2 };
  return options;
}

/**
 * The documents of `group` (consecutive segments) read by one js-yaml call over their text; undefined when js-yaml
 * rejects the text or does not see the documents the segments hold. Each document's top node must start exactly
 * where its segment's content starts (at the start of a line), and each segment with content must hold one: then
 * js-yaml split the text where the segments split it, and every document is read as on its own.
 */
function readTogether(text: string, group: readonly Segment[], maxDepth: number): StreamPart[] | undefined {
  const from = group[0].start;
  const nodeStarts: number[] = [];
  let depth = 0;
  let values: unknown[];
  try {
    values = jsYaml.loadAll(text.slice(from, group[group.length - 1].end), null, {
      ...depthLimit(maxDepth),
      schema: kubectlSchema(),
      listener: (event, state) => {
        if (event === 'close') depth--;
        else if (depth++ === 0) nodeStarts.push(from + state.position);
      },
    });
  } catch {
    return undefined;
  }
  if (nodeStarts.length !== values.length) return undefined;
  const parts: StreamPart[] = [];
  let next = 0;
  for (let i = 0; i < values.length; i++) {
    const at = nodeStarts[i];
    for (; next < group.length && group[next].end <= at; next++) {
      if (group[next].contentStart >= 0) return undefined; // content js-yaml read in another document
    }
    const segment = group[next] as Segment | undefined;
    const value = values[i];
    if (segment === undefined || at < segment.start) {
      // An empty document after a marker (`---` right before another): nothing to pair.
      if (value !== null && value !== undefined) return undefined;
      continue;
    }
    // A scalar at the top (a block scalar at column 0 may run past a marker) is no object anyway: read it alone.
    if (at !== segment.contentStart || (value !== null && typeof value !== 'object')) return undefined;
    next++;
    const part = documentPart(text, segment, value, maxDepth);
    if (part !== undefined) parts.push(part);
  }
  for (; next < group.length; next++) if (group[next].contentStart >= 0) return undefined;
  return parts;
}

/** The documents of `group`, each read by js-yaml on its own; undefined when js-yaml rejects one. */
function readEach(text: string, group: readonly Segment[], ampersands: CharacterFinder, maxDepth: number): StreamPart[] | undefined {
  const parts: StreamPart[] = [];
  for (const segment of group) {
    if (segment.contentStart < 0) continue;
    if (mayDefineAnchor(text, ampersands, segment.start, segment.end)) {
      parts.push({ deferred: deferredDocument(text, segment) });
      continue;
    }
    let value: unknown;
    try {
      value = jsYaml.load(text.slice(segment.start, segment.end), { ...depthLimit(maxDepth), schema: kubectlSchema() });
    } catch {
      // The careful reader reports the problem with its line and column.
      return undefined;
    }
    const part = documentPart(text, segment, value, maxDepth);
    if (part !== undefined) parts.push(part);
  }
  return parts;
}

/** What the stream holds for a segment read as `value`: nothing for a null document, and a List without the lines of its items deferred. */
function documentPart(text: string, segment: Segment, value: unknown, maxDepth: number): StreamPart | undefined {
  // A document that is only `~` or `null`: kubectl skips it too.
  if (value === null || value === undefined) return undefined;
  if (nestsBeyondSharingStrings(value, maxDepth)) return { read: { value, line: segment.contentLine, tooDeep: true } };
  if (!isList(value)) return { read: { value, line: segment.contentLine } };
  const itemLines = listItemLines(text.slice(segment.start, segment.end), segment.firstLine);
  if (itemLines === undefined || itemLines.length !== value.items.length || value.items.some(isList)) {
    return { deferred: deferredDocument(text, segment) };
  }
  return { read: { value, line: segment.contentLine, itemLines } };
}

function deferredDocument(text: string, segment: Segment): DeferredDocument {
  return { text: text.slice(segment.start, segment.end), firstLine: segment.firstLine };
}

/**
 * Whether `value` nests deeper than `depthLeft` levels of mappings and sequences, with each of its strings made V8's
 * shared copy on the way (one walk for both, over every value read; the recursion stops at `depthLeft`). js-yaml's
 * strings are slices of its copy of the text it read (V8 slices strings of 13 characters and more), and one of them
 * kept by the objects (a name, an image) would keep that whole text alive: as much memory again as the input. Shared,
 * the strings hold nothing else, and a value written many times (`v1`, an image, a label) is held once.
 */
function nestsBeyondSharingStrings(value: unknown, depthLeft: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (depthLeft === 0) return true;
  if (Array.isArray(value)) {
    for (const child of value) {
      if (typeof child === 'string') share(child);
      else if (nestsBeyondSharingStrings(child, depthLeft - 1)) return true;
    }
  } else {
    for (const key in value) {
      const child = (value as Record<string, unknown>)[key];
      if (typeof child === 'string') share(child);
      else if (nestsBeyondSharingStrings(child, depthLeft - 1)) return true;
    }
  }
  return false;
}

/**
 * Makes `text` V8's shared copy of its characters (the one property names use): looking a string up as a property
 * name turns it into a reference to that copy, made if there is none yet, which the garbage collector then puts in
 * its place. Nothing but memory depends on it.
 */
function share(text: string): void {
  text in NO_PROPERTIES;
}

const NO_PROPERTIES: object = Object.freeze(Object.create(null));

/** The text between document markers, as offsets into the stream. */
interface Segment {
  readonly start: number;
  readonly end: number;
  /** 1-based line of the segment's first line in the stream. */
  readonly firstLine: number;
  /** Where the segment's first line that is neither blank nor a comment starts (its start for the marker's line); -1 if none. */
  readonly contentStart: number;
  /** 1-based line of that line in the stream. */
  readonly contentLine: number;
}

/**
 * The text between document markers (`---` and `...` at the start of a line). A marker line's own content after
 * `---` (`--- {a: 1}`, a comment) belongs to its document; its columns shift, which changes nothing for values.
 */
function documentSegments(text: string): Segment[] {
  const segments: Segment[] = [];
  let start = 0;
  let startLine = 1;
  const add = (end: number) => {
    const contentStart = firstContentLineStart(text, start, end);
    const contentLine = contentStart < 0 ? 0 : startLine + countNewlines(text, start, contentStart);
    segments.push({ start, end, firstLine: startLine, contentStart, contentLine });
  };
  for (let lineStart = 0; lineStart < text.length; lineStart = lineEnd(text, lineStart) + 1) {
    const marker = documentMarkerAt(text, lineStart);
    if (marker === undefined) continue;
    add(lineStart);
    startLine += countNewlines(text, start, lineStart);
    // After `...` nothing but comments may follow on its line; after `---` the document may begin on the same line.
    start = marker === '---' ? lineStart + 3 : lineEnd(text, lineStart);
  }
  add(text.length);
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
 * Whether `text` from `from` to `to` may define an anchor: a `&` where a node can start, that is first on its line or
 * after `:`, `-`, `?`, `[`, `{`, `,` or a tag (`!name`). A `&` after other text, such as `a && b` in a shell command
 * (quoted, plain or in a block scalar), cannot start a node. In doubt (`"x: &y"` in quotes, a comment) the answer is yes.
 */
function mayDefineAnchor(text: string, ampersands: CharacterFinder, from: number, to: number): boolean {
  for (let i = ampersands.next(from); i >= 0 && i < to; i = ampersands.next(i + 1)) {
    let before = i - 1;
    while (before >= from && isSpaceOrTab(text.charCodeAt(before))) before--;
    if (before < from || NODE_START_AFTER.includes(text[before])) return true;
    let word = before;
    while (word > from && !isBlank(text.charCodeAt(word - 1))) word--;
    if (text[word] === '!') return true;
  }
  return false;
}

/**
 * Where a character is in a text, at or after an offset. indexOf has no end: asked for each part of a text without
 * the character, it would search to the end every time. The last answer holds for every offset up to it.
 */
class CharacterFinder {
  private askedFrom = 0;
  private found: number;

  constructor(private readonly text: string, private readonly character: string) {
    this.found = text.indexOf(character);
  }

  /** The offset of the first occurrence at or after `offset`; -1 if none. */
  next(offset: number): number {
    if (offset < this.askedFrom || (this.found >= 0 && offset > this.found)) this.found = this.text.indexOf(this.character, offset);
    this.askedFrom = offset;
    return this.found;
  }
}

/** Whether `text` from `from` to `to` holds a CR that is not followed by LF. */
function hasLoneCarriageReturn(text: string, carriageReturns: CharacterFinder, from: number, to: number): boolean {
  for (let i = carriageReturns.next(from); i >= 0 && i < to; i = carriageReturns.next(i + 1)) {
    if (text.charCodeAt(i + 1) !== 10) return true;
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

/** Where the first line from `from` (up to `to`) that is neither blank nor a comment starts; -1 if none. */
function firstContentLineStart(text: string, from: number, to: number): number {
  for (let lineStart = from; lineStart < to;) {
    const end = Math.min(lineEnd(text, lineStart), to);
    if (!isBlankOrComment(text, lineStart, end)) return lineStart;
    lineStart = end + 1;
  }
  return -1;
}

/** Whether the line from `from` to `to` is empty once trimmed (of what String.trim removes) or starts with `#` then. */
function isBlankOrComment(text: string, from: number, to: number): boolean {
  let i = from;
  for (; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code === 32 || (code >= 9 && code <= 13)) continue;
    if (code < 128 || !/\s/.test(text[i])) break;
  }
  return i === to || text.charCodeAt(i) === 35 /* # */;
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
