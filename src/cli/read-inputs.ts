// Reading `rwop` input: files, directories (their manifest files, recursively) and stdin, within the input size limit,
// parsed by the manifest parser. Paths stay as the user gave them in each object's source.
import { promises as fs } from 'fs';
import * as path from 'path';
import { InputBudget, readFileWithin } from './input-limit';
import type { CliIO } from './main';
import { InputError } from '../core/input-error';
import type { Manifest } from '../core/manifest';
import { decodeUtf8, isBlankInput, parseManifests } from '../core/parse-manifests';

/** The file name given to what `-` reads. */
export const STDIN_FILE = '<stdin>';

/** The extensions a directory is searched for. */
const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** What `readManifestInputs` accepts beyond the paths. */
export interface ReadOptions {
  /** Accept a path or stdin that is blank (nothing but whitespace, comments and `---`) instead of refusing it. */
  readonly allowEmpty?: boolean;
  /** Said after the refusal of a blank input, e.g. the option that accepts it. */
  readonly emptyHint?: string;
  /** The bound on the bytes read, shared with the caller's other reads (default: a fresh 256 MiB budget). */
  readonly inputBudget?: InputBudget;
}

/**
 * Every Kubernetes object under `paths`: a file, a directory (its `*.yaml`, `*.yml` and `*.json` files, recursively,
 * in sorted order, skipping entries whose name starts with a dot) or `-` for stdin. Paths are relative to `io.cwd`
 * and are kept as given in each object's `source.file`. A path named twice is read once. A path or stdin that is
 * blank is an InputError unless `allowEmpty`: it is what a failed `kubectl get ... >file` or `kubectl get ... |` leaves.
 */
export async function readManifestInputs(paths: readonly string[], io: CliIO, options: ReadOptions = {}): Promise<Manifest[]> {
  const manifests: Manifest[] = [];
  const seen = new Set<string>();
  const budget = options.inputBudget ?? new InputBudget();
  const read = (bytes: Uint8Array, file: string) => {
    const text = decodeUtf8(bytes, file);
    for (const manifest of parseManifests(text, file)) manifests.push(manifest);
    return isBlankInput(text);
  };
  const refuseBlank = (given: string) => {
    if (options.allowEmpty) return;
    const hint = options.emptyHint ? `; ${options.emptyHint}` : '';
    throw new InputError(given, undefined, `empty input (nothing but whitespace, comments or "---"): did the command that wrote it fail?${hint}`);
  };
  for (const given of paths) {
    if (given === '-') {
      if (seen.has(STDIN_FILE)) continue;
      seen.add(STDIN_FILE);
      if (read(await readStdinWithin(io, budget), STDIN_FILE)) refuseBlank(STDIN_FILE);
      continue;
    }
    let readAny = false;
    let allBlank = true;
    for (const file of await filesOf(given, io.cwd)) {
      const absolute = path.resolve(io.cwd, file);
      if (seen.has(absolute)) continue;
      seen.add(absolute);
      readAny = true;
      if (!read(await readBytes(file, absolute, budget), file)) allBlank = false;
    }
    if (readAny && allBlank) refuseBlank(given);
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

/** Standard input within the budget: the reader stops as soon as it passes what the budget holds. */
async function readStdinWithin(io: CliIO, budget: InputBudget): Promise<Uint8Array> {
  const bytes = await io.readStdin(budget.remaining);
  if (bytes === undefined) throw budget.refusal(STDIN_FILE, undefined);
  budget.charge(STDIN_FILE, bytes.length);
  return bytes;
}

/** The file's text, refused (InputError) when it is not UTF-8 or passes the budget. */
export async function readText(file: string, absolute: string, budget: InputBudget): Promise<string> {
  return decodeUtf8(await readBytes(file, absolute, budget), file);
}

async function readBytes(file: string, absolute: string, budget: InputBudget): Promise<Uint8Array> {
  try {
    return await readFileWithin(file, absolute, budget);
  } catch (e) {
    if (e instanceof InputError) throw e;
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
