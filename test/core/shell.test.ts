// The one quoting function: checked by bash itself, which must read back every value as exactly one word.
import { spawnSync } from 'child_process';
import * as fc from 'fast-check';
import { shellComment, shellQuote } from '../../src/core/shell';
import { propertyRuns } from '../harness/property-runs';

const BASH = '/bin/bash';
const RUNS = propertyRuns(25);

/** The words bash makes of `line`, each printed NUL-terminated (no command other than the builtin printf runs). */
function bashWords(line: string): string[] {
  const result = spawnSync(BASH, ['--norc', '--noprofile', '-c', `set -f; printf '%s\\0' ${line}`], { encoding: 'utf8', env: { PATH: '' } });
  expect(result.stderr).toBe('');
  return result.stdout.split('\0').slice(0, -1);
}

test.each([
  ['postgres-data', 'postgres-data'],
  ['pv/pvc-1.2', 'pv/pvc-1.2'],
  ['', "''"],
  ["it's", "'it'\\''s'"],
  ['$(touch canary)', "'$(touch canary)'"],
  ['a\nb', "'a\nb'"],
  ['--all', '--all'],
  ['`id`', "'`id`'"],
  ['*', "'*'"],
])('shellQuote(%j) is %s', (value, quoted) => {
  expect(shellQuote(value)).toBe(quoted);
  expect(bashWords(quoted)).toEqual([value]);
});

test('any string (NUL excepted: no shell word can hold it) is read back by bash as exactly that one word', () => {
  const hostile = fc.stringOf(fc.constantFrom(..."'\"`$()\\;&|<>*?[]{}~#! \t\n-=aZ0".split(''), '$(', '${IFS}'), { maxLength: 30 });
  const anyText = fc.fullUnicodeString({ maxLength: 20 }).map((text) => text.replace(/\0/g, ''));
  fc.assert(fc.property(fc.array(fc.oneof(hostile, anyText), { minLength: 1, maxLength: 4 }), (values) => {
    expect(bashWords(values.map(shellQuote).join(' '))).toEqual(values);
  }), { numRuns: RUNS });
});

test('shellComment keeps a comment on one line', () => {
  expect(shellComment('a\nrm -rf /\r\u001b[31m')).toBe('a\\x0arm -rf /\\x0d\\x1b[31m');
  const result = spawnSync(BASH, ['--norc', '--noprofile', '-c', `# ${shellComment('x\necho ran')}\necho end`], { encoding: 'utf8', env: { PATH: '' } });
  expect(result.stdout).toBe('end\n');
});
