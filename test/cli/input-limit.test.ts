// The input size bound of `rwop audit`, `status` and `migrate`: the flag's values, files measured before they are
// read, the total of several inputs, and standard input cut off at the bound.
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { rwop } from './support';
import { UsageError } from '../../src/cli/errors';
import { DEFAULT_MAX_INPUT_SIZE, parseInputSize } from '../../src/cli/input-limit';

const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n';
const SIZE = Buffer.byteLength(CONFIG_MAP);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rwop-input-limit-'));
  writeFileSync(path.join(dir, 'a.yaml'), CONFIG_MAP);
  writeFileSync(path.join(dir, 'b.yaml'), CONFIG_MAP);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('--max-input-size values', () => {
  test.each([
    ['1024', 1024],
    ['64K', 64 * 1024],
    ['64KiB', 64 * 1024],
    ['500M', 500 * 1024 * 1024],
    ['8m', 8 * 1024 * 1024],
    ['300B', 300],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseInputSize(text)).toBe(bytes);
  });

  test('the default is 256 MiB', () => {
    expect(parseInputSize(undefined)).toBe(256 * 1024 * 1024);
    expect(DEFAULT_MAX_INPUT_SIZE).toBe(268435456);
  });

  test.each(['5X', '', '-1', '1.5M', 'M', '12 MB MB'])('"%s" is refused naming the flag', (text) => {
    expect(() => parseInputSize(text)).toThrow(new UsageError(
      `--max-input-size must be a size in bytes, or with K, M or G (1024-based) such as 64K or 300M; got "${text}"`));
  });

  test('zero is refused', () => {
    expect(() => parseInputSize('0')).toThrow('--max-input-size must be at least 1 byte; got "0"');
  });

  test('more than Node.js can hold as one text is refused, with the largest accepted', () => {
    expect(() => parseInputSize('1G')).toThrow(/^--max-input-size can be at most 536870888 bytes \(512\.0 MiB\), the longest text Node\.js can hold; got "1G"$/);
    expect(parseInputSize('511M')).toBe(511 * 1024 * 1024);
  });

  test.each([['audit'], ['status'], ['migrate', 'db/data']])('rwop %s refuses a bad value with exit 2', async (...command) => {
    const result = await rwop([...command, '--max-input-size', 'lots', path.join(dir, 'a.yaml')], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`rwop ${command[0]}: --max-input-size must be a size in bytes`);
    expect(result.stderr).toContain('got "lots"');
  });

  test.each(['audit', 'status', 'migrate'])('rwop %s --help names the option and its default', async (command) => {
    const result = await rwop([command, '--help']);
    expect(result.stdout).toMatch(/--max-input-size <size>\s+the most input read: all files and standard input together\n +\(default: 256M\)/);
  });
});

describe('files', () => {
  test('a file over the bound is refused with its size, the bound and the flag', async () => {
    const result = await rwop(['audit', '--max-input-size', String(SIZE - 1), 'a.yaml'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`rwop audit: a.yaml: ${SIZE} bytes, over the input size limit of ${SIZE - 1} bytes; --max-input-size raises it\n`);
    expect(result.stdout).toBe('');
  });

  test('a file of exactly the bound is read', async () => {
    const result = await rwop(['audit', '--max-input-size', String(SIZE), 'a.yaml'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  test('the bound is for all the input together: the file that passes it is named, with what came before', async () => {
    const result = await rwop(['audit', '--max-input-size', String(2 * SIZE - 1), '.'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`rwop audit: b.yaml: ${SIZE} bytes, which with the ${SIZE} bytes read before it is over `
      + `the input size limit of ${2 * SIZE - 1} bytes; --max-input-size raises it\n`);
  });

  test('sizes in KiB and MiB are spelled out', async () => {
    writeFileSync(path.join(dir, 'big.yaml'), `${CONFIG_MAP}# ${'x'.repeat(3 * 1024 * 1024)}\n`);
    const result = await rwop(['audit', '--max-input-size', '2M', 'big.yaml'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^rwop audit: big\.yaml: \d+ bytes \(3\.0 MiB\), over the input size limit of 2097152 bytes \(2 MiB\); --max-input-size raises it\n$/);
  });

  test('rwop migrate counts its input files', async () => {
    const result = await rwop(['migrate', 'default/data', '--max-input-size', '10', 'a.yaml'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`rwop migrate: a.yaml: ${SIZE} bytes, over the input size limit of 10 bytes; --max-input-size raises it\n`);
  });
});

describe('standard input', () => {
  test('is read with the bound, 256 MiB by default', async () => {
    const result = await rwop(['audit', '-'], { stdin: CONFIG_MAP });
    expect(result.code).toBe(0);
    expect(result.io.stdinMaxBytes).toBe(268435456);
  });

  test('that passes the bound is refused, naming <stdin>, the bound and the flag', async () => {
    const result = await rwop(['audit', '--max-input-size', '16', '-'], { stdin: CONFIG_MAP });
    expect(result.io.stdinMaxBytes).toBe(16);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('rwop audit: <stdin>: passes the input size limit of 16 bytes: reading stopped there; --max-input-size raises it\n');
  });

  test('gets what the files before it left of the bound', async () => {
    const result = await rwop(['audit', '--max-input-size', String(SIZE + 10), 'a.yaml', '-'], { stdin: CONFIG_MAP, cwd: dir });
    expect(result.io.stdinMaxBytes).toBe(10);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`rwop audit: <stdin>: passes the input size limit of ${SIZE + 10} bytes with the ${SIZE} bytes read before it: `
      + 'reading stopped there; --max-input-size raises it\n');
  });

  test('rwop status refuses it too', async () => {
    const result = await rwop(['status', '--max-input-size', '1K'], { stdin: 'x'.repeat(2000) });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('rwop status: <stdin>: passes the input size limit of 1024 bytes (1 KiB): reading stopped there; --max-input-size raises it\n');
  });
});
