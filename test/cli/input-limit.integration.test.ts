// The bundled `rwop` executable against input without end or beyond the bound: it stops at once, with exit 2, in
// bounded memory. The peak resident set size comes from GNU time (`/usr/bin/time -v`).
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildSync } from 'esbuild';

const ROOT = path.join(__dirname, '..', '..');
const MAX_RSS_KIB = 200 * 1024;

let dir: string;
let bundle: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rwop-input-limit-'));
  // The executable as the package ships it (one bundled file), built from the sources under test.
  bundle = path.join(dir, 'rwop.js');
  buildSync({ entryPoints: [path.join(ROOT, 'src', 'cli', 'bin.ts')], bundle: true, platform: 'node', target: 'node20', outfile: bundle, logLevel: 'warning' });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Measured {
  readonly code: number | null;
  readonly stderr: string;
  readonly seconds: number;
  readonly maxRssKiB: number;
}

/** `rwop <args>` under GNU time, its stdin `stdin` ('ignore', or the output of another child). */
function measureRwop(args: readonly string[], stdin: 'ignore' | NodeJS.ReadableStream): Promise<Measured> {
  const timeFile = path.join(dir, `time-${Date.now()}.txt`);
  const started = process.hrtime.bigint();
  const child = spawn('/usr/bin/time', ['-v', '-o', timeFile, process.execPath, bundle, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  if (stdin !== 'ignore') stdin.pipe(child.stdin).on('error', () => undefined);
  else child.stdin.end();
  child.stdin.on('error', () => undefined); // the CLI stops reading: the rest of the pipe has nowhere to go
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.resume();
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const report = fs.readFileSync(timeFile, 'utf8');
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(report);
      if (!rss) return reject(new Error(`no peak RSS in the report of GNU time:\n${report}`));
      resolve({ code, stderr, seconds, maxRssKiB: Number(rss[1]) });
    });
  });
}

test('an endless pipe (cat /dev/zero) stops at the bound: exit 2, <stdin> and the bound named, bounded memory', async () => {
  const zeros = spawn('cat', ['/dev/zero'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const result = await measureRwop(['audit', '--max-input-size', '8M', '-'], zeros.stdout);
    expect(result.stderr).toBe('rwop audit: <stdin>: passes the input size limit of 8388608 bytes (8 MiB): reading stopped there; '
      + '--max-input-size raises it\n');
    expect(result.code).toBe(2);
    expect(result.maxRssKiB).toBeLessThan(MAX_RSS_KIB);
    expect(result.seconds).toBeLessThan(10);
  } finally {
    zeros.kill();
  }
});

test('a file larger than the default bound is refused before it is read', async () => {
  // Sparse: a gigabyte that takes no disk space, and that the CLI must not load to know its size.
  const huge = path.join(dir, 'huge.yaml');
  fs.closeSync(fs.openSync(huge, 'w'));
  fs.truncateSync(huge, 1024 * 1024 * 1024);
  const result = await measureRwop(['audit', huge], 'ignore');
  expect(result.stderr).toBe(`rwop audit: ${huge}: 1073741824 bytes (1 GiB), over the input size limit of 268435456 bytes (256 MiB); `
    + '--max-input-size raises it\n');
  expect(result.code).toBe(2);
  expect(result.maxRssKiB).toBeLessThan(MAX_RSS_KIB);
});
