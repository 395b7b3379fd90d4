// Reading a repository tree for `rwop audit`: files that are not Kubernetes manifests are skipped with a reason
// (never an error unless --strict), ignore files and git's ignore rules are honoured, kustomizations are rendered
// with `kubectl kustomize`, and Helm charts and unrendered templates are named with the way to audit them.
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputBudget } from './input-limit';
import { childProcess, ignoreLibrary } from './lazy';
import type { CliIO } from './main';
import { readManifestInputs, readText, statOrThrow } from './read-inputs';
import type { ReadOptions } from './read-inputs';
import { InputError } from '../core/input-error';
import { yamlLibrary } from '../core/lazy';
import { isBlankInput, parseManifests } from '../core/parse-manifests';
import type { Manifest } from '../rules';

/** A file or directory under the given paths that was not audited, and why. */
export interface SkippedInput {
  /** As the user would name it: relative to the given path's parent, like the files of findings. */
  readonly file: string;
  readonly reason: string;
}

export interface TreeInputs {
  readonly manifests: Manifest[];
  readonly skipped: SkippedInput[];
}

export interface TreeOptions extends ReadOptions {
  /** gitignore-style patterns, matched relative to each given directory (or to the working directory for files). */
  readonly exclude: readonly string[];
  /** Render directories holding a kustomization with `kubectl kustomize` (else their files are read as they are). */
  readonly kustomize: boolean;
}

/** The file names that make a directory a kustomization, in kustomize's own order of preference. */
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];
/** Never manifests, and large: not even looked into. */
const NEVER_WALKED = new Set(['node_modules']);
export const IGNORE_FILE = '.rwopignore';

/**
 * Every Kubernetes object under `paths` (files, directories, `-` for stdin), and what was skipped. Standard input is
 * read as it is: what is piped in is meant to be manifests.
 */
export async function readRepositoryInputs(paths: readonly string[], io: CliIO, options: TreeOptions): Promise<TreeInputs> {
  const budget = options.inputBudget ?? new InputBudget();
  const tree = new TreeReader(io, { ...options, inputBudget: budget }, budget);
  let stdinRead = false;
  for (const given of paths) {
    if (given === '-') {
      if (stdinRead) continue;
      stdinRead = true;
      tree.add({ manifests: await readManifestInputs(['-'], io, { ...options, inputBudget: budget }) });
      continue;
    }
    await tree.readGiven(given);
  }
  return tree.result();
}

/** What one file, chart or kustomization gave: objects, or the reason it was skipped. */
type Part = { readonly manifests: Manifest[] } | { readonly skipped: SkippedInput };

/** A part that may still be rendering; its failure is kept, not thrown, until its turn comes. */
type PendingPart = Promise<{ readonly part: Part } | { readonly error: unknown }>;

/** A directory as the walk sees it: its path as the user names it, and its absolute path. */
interface Dir {
  readonly shown: string;
  readonly absolute: string;
}

/** The filters of one given directory: patterns relative to it, and the paths git ignores in it. */
interface Filters {
  readonly patterns: PathFilter;
  readonly gitIgnored: ReadonlySet<string>;
}

class TreeReader {
  /** In the order of the walk, whatever order the renders finish in. */
  private readonly parts: PendingPart[] = [];
  /** Renders run a few at a time: a tree may hold a hundred kustomizations. */
  private readonly renders = new Limiter(Math.max(2, Math.min(8, os.cpus().length)));
  /** How many files, kustomizations and charts the walks came upon (read before or not). */
  private found = 0;
  /** How many files read held something (not only whitespace, comments and `---`), and kustomizations rendered. */
  private nonBlankInputs = 0;
  /** How many parts (files read, renders, skipped charts) there are. */
  private get partCount(): number {
    return this.parts.length;
  }
  private readonly seenFiles = new Set<string>();
  private readonly visitedDirs = new Set<string>();
  /** Directories a rendered kustomization already takes in (its resources, bases and components). */
  private readonly consumedDirs = new Set<string>();
  /** The working directory's patterns, for files named on the command line (read once: pre-commit names many). */
  private cwdPatterns?: Promise<PathFilter>;

  constructor(private readonly io: CliIO, private readonly options: TreeOptions, private readonly budget: InputBudget) {}

  add(part: Part): void {
    this.parts.push(Promise.resolve({ part }));
  }

  /** Every part, once the renders are done; the first failure in walk order is thrown. */
  async result(): Promise<TreeInputs> {
    const manifests: Manifest[] = [];
    const skipped: SkippedInput[] = [];
    for (const pending of this.parts) {
      const outcome = await pending;
      if ('error' in outcome) throw outcome.error;
      if ('skipped' in outcome.part) skipped.push(outcome.part.skipped);
      // One by one: spread as arguments, the objects of a large dump (a few hundred thousand) overflow the stack.
      else for (const manifest of outcome.part.manifests) manifests.push(manifest);
    }
    return { manifests, skipped };
  }

  /**
   * Reads a path named on the command line. A file, or a directory of files, that holds nothing but whitespace,
   * comments and `---` is refused unless allowEmpty: it is what a failed `kubectl get ... >file` leaves.
   */
  async readGiven(given: string): Promise<void> {
    const [nonBlankBefore, partsBefore] = [this.nonBlankInputs, this.partCount];
    await this.readGivenPath(given);
    const onlyBlankFiles = this.nonBlankInputs === nonBlankBefore && this.partCount > partsBefore
      && (await Promise.all(this.parts.slice(partsBefore))).every((outcome) => 'part' in outcome && 'manifests' in outcome.part);
    if (onlyBlankFiles && !this.options.allowEmpty) {
      const hint = this.options.emptyHint ? `; ${this.options.emptyHint}` : '';
      throw new InputError(given, undefined, `empty input (nothing but whitespace, comments or "---"): did the command that wrote it fail?${hint}`);
    }
  }

  private async readGivenPath(given: string): Promise<void> {
    const absolute = path.resolve(this.io.cwd, given);
    const stat = await statOrThrow(given, absolute);
    if (!stat.isDirectory()) {
      // A file named on the command line (as pre-commit passes them): filtered by the working directory's rules.
      const relative = toPosix(path.relative(this.io.cwd, absolute));
      const inCwd = relative !== '' && relative !== '..' && !relative.startsWith('../') && !path.isAbsolute(relative);
      this.cwdPatterns ??= patternsOf(this.io.cwd, this.options.exclude);
      if (inCwd && (await this.cwdPatterns).ignores(relative)) return;
      await this.readFile(given, absolute);
      return;
    }
    const filters: Filters = {
      patterns: await patternsOf(absolute, this.options.exclude),
      gitIgnored: await gitIgnoredPaths(absolute),
    };
    const before = this.found;
    await this.walk({ shown: given, absolute }, '', filters, false);
    if (this.found === before) {
      throw new InputError(given, undefined, `directory holds no ${MANIFEST_EXTENSIONS.map((ext) => `*${ext}`).join(', ')} file`);
    }
  }

  /**
   * Reads `dir` (at `relative` from the given directory). Inside a rendered kustomization (`insideRendered`) files
   * are not read again; only nested kustomizations that it does not take in are rendered on their own.
   */
  private async walk(dir: Dir, relative: string, filters: Filters, insideRendered: boolean): Promise<void> {
    const real = await fs.realpath(dir.absolute);
    // A symbolic link back up the tree must not loop, and a directory given twice is read once (but it was found).
    if (this.visitedDirs.has(real)) {
      this.found++;
      return;
    }
    this.visitedDirs.add(real);
    const names = await readDirSorted(dir);
    const kustomization = this.options.kustomize ? KUSTOMIZATION_FILES.find((name) => names.includes(name)) : undefined;
    if (kustomization && !this.consumedDirs.has(real)) {
      this.found++;
      await this.markConsumed(dir, kustomization);
      this.parts.push(this.renders.run(() => this.render(dir, kustomization)).then((part) => ({ part }), (error: unknown) => ({ error })));
      insideRendered = true;
    } else if (!insideRendered && names.includes('Chart.yaml')) {
      this.found++;
      this.add({
        skipped: {
          file: path.join(dir.shown, 'Chart.yaml'),
          reason: `a Helm chart: audit what it renders, e.g. "helm template <release> ${dir.shown} | rwop audit -"`,
        },
      });
      return;
    }
    for (const name of names) {
      if (name.startsWith('.') || NEVER_WALKED.has(name)) continue;
      const childRelative = relative === '' ? name : `${relative}/${name}`;
      const child: Dir = { shown: path.join(dir.shown, name), absolute: path.join(dir.absolute, name) };
      const stat = await statOrThrow(child.shown, child.absolute);
      if (stat.isDirectory()) {
        if (isIgnored(filters, `${childRelative}/`)) continue;
        await this.walk(child, childRelative, filters, insideRendered);
      } else if (!insideRendered && stat.isFile() && MANIFEST_EXTENSIONS.includes(path.extname(name).toLowerCase())) {
        if (isIgnored(filters, childRelative)) continue;
        this.found++;
        await this.readFile(child.shown, child.absolute);
      }
    }
  }

  private async readFile(file: string, absolute: string): Promise<void> {
    if (this.seenFiles.has(absolute)) return;
    this.seenFiles.add(absolute);
    const text = await readText(file, absolute, this.budget);
    if (!isBlankInput(text)) this.nonBlankInputs++;
    const read = classify(text, file);
    this.add('reason' in read ? { skipped: { file, reason: read.reason } } : read);
  }

  /** `kubectl kustomize <dir>`; its objects are located at the kustomization file (the output has no lines of ours). */
  private async render(dir: Dir, kustomization: string): Promise<Part> {
    this.nonBlankInputs++;
    const file = path.join(dir.shown, kustomization);
    let output: string;
    try {
      output = await kubectlKustomize(dir.absolute, this.budget.limit);
    } catch (e) {
      const error = e as NodeJS.ErrnoException & { stderr?: string };
      if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') throw this.budget.refusal(file, undefined);
      if (error.code === 'ENOENT') {
        throw new InputError(file, undefined, 'a kustomization is rendered with "kubectl kustomize", but kubectl is not on PATH: '
          + 'install kubectl, or pass --no-kustomize to read the files of kustomization directories as they are');
      }
      const detail = (error.stderr ?? error.message).trim().split('\n').find((line) => line.trim() !== '') ?? 'no message';
      return { skipped: { file, reason: `"kubectl kustomize ${dir.shown}" failed: ${detail.replace(/^Error: /, '')}` } };
    }
    this.budget.charge(file, Buffer.byteLength(output));
    return { manifests: parseManifests(output, file).map((manifest) => ({ object: manifest.object, source: { file } })) };
  }

  /**
   * The directories under `dir` that the kustomization takes in: rendered with it, not on their own. A base outside
   * it (`../base`) is rendered on its own too when the walk comes to it, since it is a kustomization of its own.
   */
  private async markConsumed(dir: Dir, kustomization: string): Promise<void> {
    let spec: unknown;
    try {
      spec = yamlLibrary().parse(await fs.readFile(path.join(dir.absolute, kustomization), 'utf8'));
    } catch {
      return; // kubectl says what is wrong with it
    }
    if (typeof spec !== 'object' || spec === null) return;
    const entries = ['resources', 'bases', 'components'].flatMap((key) => {
      const list = (spec as Record<string, unknown>)[key];
      return Array.isArray(list) ? list.filter((entry): entry is string => typeof entry === 'string') : [];
    });
    for (const entry of entries) {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || entry.startsWith('git@')) continue;
      try {
        const real = await fs.realpath(path.resolve(dir.absolute, entry));
        const inside = !path.relative(await fs.realpath(dir.absolute), real).startsWith('..');
        if (inside && (await fs.stat(real)).isDirectory()) this.consumedDirs.add(real);
      } catch {
        // a missing entry: kubectl says so
      }
    }
  }
}

/** At most `max` tasks at a time; the others wait their turn in order. */
class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.max) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // the finishing task hands its slot over
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/** The manifests of a file, or why it is skipped. Throws InputError for a broken file that looks like Kubernetes. */
function classify(text: string, file: string): { manifests: Manifest[] } | { reason: string } {
  let manifests: Manifest[];
  try {
    manifests = parseManifests(text, file);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    if (looksLikeKubernetes(text)) {
      // A manifest with template actions in it (a Helm template): not broken, only not rendered yet.
      if (/\{\{.*\}\}/.test(text)) {
        return { reason: 'holds unrendered template syntax ({{ ... }}): audit what it renders, e.g. "helm template <release> <chart> | rwop audit -"' };
      }
      throw e;
    }
    const where = e.line === undefined ? e.file : `${e.file}:${e.line}`;
    const detail = e.message.slice(where.length + 2);
    return {
      reason: detail.startsWith('not a Kubernetes object')
        ? 'not a Kubernetes manifest (no apiVersion and kind)'
        : `not a Kubernetes manifest (no apiVersion and kind), and not YAML that parses: ${detail}`,
    };
  }
  if (manifests.some((manifest) => isSopsEncrypted(manifest.object))) {
    return { reason: 'encrypted with sops (its apiVersion and kind too): audit it decrypted, e.g. "sops -d <file> | rwop audit -"' };
  }
  return { manifests };
}

/** A top-level `apiVersion:` and `kind:` (YAML) or both keys (JSON): a broken file like that is a broken manifest. */
function looksLikeKubernetes(text: string): boolean {
  return (/^apiVersion:\s*\S/m.test(text) && /^kind:\s*\S/m.test(text)) || (/"apiVersion"\s*:/.test(text) && /"kind"\s*:/.test(text));
}

function isSopsEncrypted(object: Record<string, unknown>): boolean {
  return typeof object.sops === 'object' && [object.apiVersion, object.kind].some((value) => String(value).startsWith('ENC['));
}

function isIgnored(filters: Filters, relative: string): boolean {
  return filters.gitIgnored.has(relative) || filters.patterns.ignores(relative);
}

/** What a set of gitignore-style patterns says of a relative path. */
interface PathFilter {
  ignores(relative: string): boolean;
}

/** No pattern at all: the gitignore matcher is not even loaded. */
const NO_PATTERNS: PathFilter = { ignores: () => false };

/** `--exclude` patterns and the `.rwopignore` file at the root of `dir`, both in gitignore syntax. */
async function patternsOf(dir: string, exclude: readonly string[]): Promise<PathFilter> {
  let ignoreFile: string | undefined;
  try {
    ignoreFile = await fs.readFile(path.join(dir, IGNORE_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new InputError(path.join(dir, IGNORE_FILE), undefined, `cannot read: ${(e as Error).message}`);
  }
  if (exclude.length === 0 && ignoreFile === undefined) return NO_PATTERNS;
  const patterns = ignoreLibrary()().add([...exclude]);
  if (ignoreFile !== undefined) patterns.add(ignoreFile);
  return patterns;
}

/**
 * The paths under `dir` that git ignores (relative, `/`-separated, directories ending in `/`), when `dir` is in a
 * git work tree. Empty when git is not installed or `dir` is not in a repository: then every file is read. When git
 * ignores `dir` itself, git answers `./`, which matches no path under it: a directory the user names is read.
 */
async function gitIgnoredPaths(dir: string): Promise<Set<string>> {
  const output = await new Promise<string | undefined>((resolve) => {
    childProcess().execFile('git', ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory'],
      { cwd: dir, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout) => resolve(error ? undefined : stdout));
  });
  return new Set(output ? output.split('\0').filter((entry) => entry !== '') : []);
}

function kubectlKustomize(dir: string, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    childProcess().execFile('kubectl', ['kustomize', dir], { maxBuffer: maxBytes, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr }));
      else resolve(stdout);
    });
  });
}

async function readDirSorted(dir: Dir): Promise<string[]> {
  try {
    // Byte order, not locale order: the same tree reads in the same order on every machine.
    return (await fs.readdir(dir.absolute)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  } catch (e) {
    throw new InputError(dir.shown, undefined, `cannot read directory: ${(e as Error).message}`);
  }
}

function toPosix(file: string): string {
  return file.split(path.sep).join('/');
}
