// The constructs depend on how cdk8s-plus-27 renders their objects, so the peer range users are promised must be the
// version the tests run against: this fails when the installed cdk8s-plus-27 falls outside the declared range.
import * as fs from 'fs';
import * as path from 'path';

const PEER = 'cdk8s-plus-27';

/** Whether `version` (x.y.z) is within `range`: an exact version, or `~x.y.z` (the same x.y, patch z or later). */
function satisfies(version: string, range: string): boolean {
  const parse = (text: string) => /^(\d+)\.(\d+)\.(\d+)$/.exec(text)?.slice(1).map(Number);
  const installed = parse(version);
  const tilde = range.startsWith('~');
  const bound = parse(tilde ? range.slice(1) : range);
  if (installed === undefined || bound === undefined) {
    throw new Error(`cannot read "${version}" within "${range}": declare the peer as an exact version or ~x.y.z`);
  }
  if (!tilde) return installed.every((part, i) => part === bound[i]);
  return installed[0] === bound[0] && installed[1] === bound[1] && installed[2] >= bound[2];
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}

describe(`the ${PEER} peer range`, () => {
  const root = path.join(__dirname, '..');
  const declared: string = readJson(path.join(root, 'package.json')).peerDependencies[PEER];
  const installed: string = readJson(require.resolve(`${PEER}/package.json`)).version;

  test('holds the installed version, the one the tests run against', () => {
    expect(satisfies(installed, declared)).toBe(true);
  });

  test('holds the version of the lock file', () => {
    const locked: string = readJson(path.join(root, 'package-lock.json')).packages[`node_modules/${PEER}`].version;
    expect(satisfies(locked, declared)).toBe(true);
    expect(locked).toBe(installed);
  });

  test.each([
    ['2.9.5', '2.9.5', true],
    ['2.9.6', '2.9.5', false],
    ['2.9.6', '~2.9.5', true],
    ['2.9.4', '~2.9.5', false],
    ['2.10.0', '~2.9.5', false],
  ])('reads %s within %s as %s', (version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });

  test('refuses to read a range it does not know', () => {
    expect(() => satisfies('2.9.5', '^2.9.5')).toThrow(/exact version or ~x.y.z/);
  });
});
