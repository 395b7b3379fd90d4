// The `rwop` executable as the compile task builds it: the launcher (lib/cli/rwop.js) running the bundle beside it
// with the compiled code of earlier runs, kept per user in the temporary directory. What it prints and how it exits
// never depend on the cache: a missing, foreign, broken or unsafe cache is compiled around (and replaced when it can be).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as nodeModule from 'module';
import * as os from 'os';
import * as path from 'path';
import { buildSync } from 'esbuild';
import { AUDIT_FIXTURES } from './support';

const ROOT = path.join(__dirname, '..', '..');

let dir: string;
let tmp: string;
let launcher: string;
let bundle: string;
let cacheDir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rwop-launch-'));
  // The package's layout: package.json two levels above the command (where --version reads it).
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'cdk8s-rwop', version: '7.8.9' }));
  const options = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' } as const;
  bundle = path.join(dir, 'lib', 'cli', 'rwop-bundle.js');
  launcher = path.join(dir, 'lib', 'cli', 'rwop.js');
  buildSync({ ...options, entryPoints: [path.join(ROOT, 'src', 'cli', 'bin.ts')], outfile: bundle });
  buildSync({ ...options, entryPoints: [path.join(ROOT, 'src', 'cli', 'launch.ts')], outfile: launcher });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(dir, 'tmp-'));
  cacheDir = path.join(tmp, `rwop-compile-cache-${process.getuid!()}`);
});

/** The launcher (or the bundle itself), its temporary directory `tmp`, run from the audit fixtures. */
function run(args: string[], env: NodeJS.ProcessEnv = {}, file = launcher) {
  const result = spawnSync(process.execPath, [file, ...args], {
    cwd: AUDIT_FIXTURES, encoding: 'utf8', env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: undefined, TMPDIR: tmp, ...env }, timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Node 22 and later keep compiled code themselves (module.enableCompileCache): there the launcher leaves it to them. */
const nodeKeepsItsOwnCache = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';

test('prints and exits as the bundle itself does, for each command', () => {
  for (const args of [['--version'], ['audit', 'hazards/db.yaml'], ['audit', 'hazards', '--format', 'sarif'], ['status', '--help'], ['nonsense']]) {
    const direct = run(args, {}, bundle);
    expect(run(args)).toEqual(direct);
    // The second run starts from the cache the first one wrote.
    expect(run(args)).toEqual(direct);
  }
  expect(run(['--version'])).toEqual({ code: 0, stdout: '7.8.9\n', stderr: '' });
  expect(run(['audit', 'hazards/db.yaml']).code).toBe(1);
});

if (nodeKeepsItsOwnCache) {
  test('leaves the cache to Node', () => {
    expect(run(['--version'])).toEqual({ code: 0, stdout: '7.8.9\n', stderr: '' });
    expect(fs.existsSync(cacheDir)).toBe(false);
  });
} else {
  test('keeps one cache per command in a directory only this user can write, and reads it on the next run', () => {
    run(['audit', 'hazards/db.yaml']);
    run(['--version']);
    expect(fs.readdirSync(cacheDir).sort()).toEqual(['audit.cache', 'other.cache']);
    expect(fs.statSync(cacheDir).mode % 0o1000).toBe(0o700);
    const cache = fs.readFileSync(path.join(cacheDir, 'audit.cache'));
    // The first line says what the code was compiled from; V8's code follows.
    expect(cache.toString('utf8', 0, cache.indexOf(10))).toContain(`${process.version} ${process.arch} ${bundle} `);
    expect(cache.length).toBeGreaterThan(10_000);
    const written = fs.statSync(path.join(cacheDir, 'audit.cache')).mtimeMs;
    expect(run(['audit', 'hazards/db.yaml']).code).toBe(1);
    // A cache that was used is not written again.
    expect(fs.statSync(path.join(cacheDir, 'audit.cache')).mtimeMs).toBe(written);
  });

  test('a cache of another bundle or a broken one is compiled around and replaced', () => {
    const expected = run(['audit', 'hazards/db.yaml'], {}, bundle);
    const cacheFile = path.join(cacheDir, 'audit.cache');
    run(['audit', 'hazards/db.yaml']);
    const good = fs.readFileSync(cacheFile);
    const key = good.subarray(0, good.indexOf(10) + 1);
    for (const planted of [Buffer.from('v0.0.0 x64 /elsewhere/rwop-bundle.js 1 2 3\nnot code'), Buffer.concat([key, Buffer.from('not code')])]) {
      fs.writeFileSync(cacheFile, planted);
      expect(run(['audit', 'hazards/db.yaml'])).toEqual(expected);
      expect(fs.readFileSync(cacheFile).subarray(0, key.length)).toEqual(key);
      expect(fs.readFileSync(cacheFile).length).toBeGreaterThan(10_000);
    }
  });

  test('a bundle changed in place, with the same size and time, is compiled afresh (not run from the old cache)', () => {
    const original = fs.readFileSync(bundle, 'utf8');
    const { mtime } = fs.statSync(bundle);
    try {
      expect(run(['status', '--help']).stdout).toContain('show this help');
      const changed = original.replace(/show this help/g, 'SHOW THIS HELP');
      expect(changed.length).toBe(original.length);
      fs.writeFileSync(bundle, changed);
      fs.utimesSync(bundle, mtime, mtime);
      expect(run(['status', '--help']).stdout).toContain('SHOW THIS HELP');
    } finally {
      fs.writeFileSync(bundle, original);
    }
  });

  test('a cache directory others can write is neither read nor written', () => {
    fs.mkdirSync(cacheDir, { mode: 0o777 });
    fs.chmodSync(cacheDir, 0o777);
    const planted = path.join(cacheDir, 'other.cache');
    fs.writeFileSync(planted, 'planted');
    expect(run(['--version'])).toEqual({ code: 0, stdout: '7.8.9\n', stderr: '' });
    expect(fs.readdirSync(cacheDir)).toEqual(['other.cache']);
    expect(fs.readFileSync(planted, 'utf8')).toBe('planted');
  });
}

test('NODE_DISABLE_COMPILE_CACHE=1 keeps no cache', () => {
  expect(run(['--version'], { NODE_DISABLE_COMPILE_CACHE: '1' })).toEqual({ code: 0, stdout: '7.8.9\n', stderr: '' });
  expect(fs.existsSync(cacheDir)).toBe(false);
});

test('a temporary directory where no cache can be made costs the cache, not the run', () => {
  const notADirectory = path.join(tmp, 'file');
  fs.writeFileSync(notADirectory, '');
  expect(run(['--version'], { TMPDIR: notADirectory })).toEqual({ code: 0, stdout: '7.8.9\n', stderr: '' });
  expect(run(['audit', 'hazards/db.yaml'], { TMPDIR: notADirectory })).toEqual(run(['audit', 'hazards/db.yaml'], {}, bundle));
});
