#!/usr/bin/env node
// The `rwop` executable: runs the bundled command beside it (rwop-bundle.js) with V8's compiled code of earlier runs.
// Compiling the bundle, and then each function the first time it runs, is most of what `rwop` does on a small input.
// Node 22 and later keep that code themselves (module.enableCompileCache, told to use the directory checked below);
// on Node 20 this file keeps it the same way, one cache file per command. NODE_DISABLE_COMPILE_CACHE=1 turns both off.
// Nothing but Node's own modules here: this file is what every run compiles without a cache.
import * as fs from 'fs';
import * as nodeModule from 'module';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';

const BUNDLE = path.join(__dirname, 'rwop-bundle.js');
/** The commands that get a cache file of their own (each compiles different code); anything else shares one. */
const CACHED_COMMANDS = ['audit', 'status', 'migrate'];

const { enableCompileCache } = nodeModule as { enableCompileCache?: (directory?: string) => unknown };
if (process.env.NODE_DISABLE_COMPILE_CACHE || enableCompileCache) {
  // Never Node's default directory, which another user of the machine could have made first.
  const directory = process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : cacheDirectory();
  if (directory !== undefined) enableCompileCache?.(directory);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(BUNDLE);
} else {
  runWithCodeCache();
}

/** Compiles the bundle with the cached code when it is there and still fits, and writes the cache at exit when not. */
function runWithCodeCache(): void {
  // A script starts with `#!` only at its very start: the wrapper comes first, so the line becomes a comment.
  const source = fs.readFileSync(BUNDLE, 'utf8').replace(/^#!/, '//');
  const cache = cacheFile(source);
  const cachedData = cache ? readCache(cache) : undefined;
  const script = new vm.Script(nodeModule.wrap(source), { filename: BUNDLE, cachedData });
  if (cache && (cachedData === undefined || script.cachedDataRejected)) {
    // At exit, so that the cache holds every function the command compiled, not only the first lines.
    process.once('exit', () => writeCache(cache, script));
  }
  const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
  // What Node's module loader passes a CommonJS file (the bundle exports nothing).
  const bundleExports = {};
  run.call(bundleExports, bundleExports, nodeModule.createRequire(BUNDLE), { exports: bundleExports }, BUNDLE, path.dirname(BUNDLE));
}

interface CacheFile {
  readonly path: string;
  /** What the cached code was compiled from: Node, the bundle file as installed. A cache of anything else is not used. */
  readonly key: string;
}

/**
 * A directory of the system's temporary directory that only this user can write (code read from it runs as this
 * user), or undefined when there is no such directory.
 */
function cacheDirectory(): string | undefined {
  try {
    const uid = process.getuid?.();
    const dir = path.join(os.tmpdir(), `rwop-compile-cache${uid === undefined ? '' : `-${uid}`}`);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = fs.lstatSync(dir);
    // eslint-disable-next-line no-bitwise -- the group and others write bits of the permissions
    const writableByOthers = (stat.mode & 0o022) !== 0;
    return !stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || writableByOthers ? undefined : dir;
  } catch {
    return undefined;
  }
}

/**
 * The command's cache file, keyed by Node and by the bundle's content: V8 checks only the source's length, and npm
 * installs every file with the same time, so a cache of another build of the same size would otherwise run old code.
 */
function cacheFile(source: string): CacheFile | undefined {
  const dir = cacheDirectory();
  if (dir === undefined) return undefined;
  const command = CACHED_COMMANDS.includes(process.argv[2] ?? '') ? process.argv[2] : 'other';
  return {
    path: path.join(dir, `${command}.cache`),
    key: [process.version, process.arch, BUNDLE, source.length, contentHash(source)].join(' '),
  };
}

/** FNV-1a of the text, 32 bits in hex: a change of content, not a secret (the directory is already private). */
function contentHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    // eslint-disable-next-line no-bitwise -- FNV-1a works on the bits
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  }
  return hash.toString(16);
}

/** The cached code, when the file holds a cache of this bundle under this Node. */
function readCache(cache: CacheFile): Buffer | undefined {
  let data: Buffer;
  try {
    data = fs.readFileSync(cache.path);
  } catch {
    return undefined;
  }
  const newline = data.indexOf(10);
  return newline >= 0 && data.toString('utf8', 0, newline) === cache.key ? data.subarray(newline + 1) : undefined;
}

/** Writes the cache whole or not at all (a temporary file renamed): runs at once may write it side by side. */
function writeCache(cache: CacheFile, script: vm.Script): void {
  const temporary = `${cache.path}.${process.pid}`;
  try {
    fs.writeFileSync(temporary, Buffer.concat([Buffer.from(`${cache.key}\n`), script.createCachedData()]), { mode: 0o600 });
    fs.renameSync(temporary, cache.path);
  } catch {
    // A full or read-only disk: the next run compiles as this one did. Nothing of it may change how this one ends.
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // left for the system to clear
    }
  }
}
