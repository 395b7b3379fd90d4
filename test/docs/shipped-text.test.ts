import * as fs from 'fs';
import * as path from 'path';
import { COMMANDS } from '../../src/cli/commands';
import { RULES } from '../../src/rules';
import { rwop } from '../cli/support';

// What users read (the README on the npm page, API.md, doc comments, example comments, CLI output, rule messages)
// must not speak of how the project is made: design notes, issue numbers, the documents the product started from.
const ROOT = path.join(__dirname, '..', '..');
const CONTRIBUTOR_VOCABULARY = /\bthe seed\b|\bseed's\b|\bseed tutorial\b|\bissue #?\d+\b|DESIGN\.md|§\s?\d/i;

function filesUnder(dir: string, extensions: readonly string[]): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && extensions.some((extension) => entry.name.endsWith(extension)))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath ?? (entry as any).path, entry.name)))
    .filter((file) => !file.split(path.sep).some((part) => part === 'node_modules' || part === 'dist' || part === 'imports'));
}

function offendingLines(file: string): string[] {
  return fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n')
    .map((line, index) => `${file}:${index + 1}: ${line.trim()}`)
    .filter((line) => CONTRIBUTOR_VOCABULARY.test(line.slice(line.indexOf(': ') + 2)));
}

describe('shipped text speaks to users', () => {
  const shippedFiles = [
    'README.md', 'API.md',
    ...filesUnder('src', ['.ts', '.sh']),
    ...filesUnder('examples', ['.ts', '.yaml']),
    ...['action.yml', '.pre-commit-hooks.yaml'].filter((file) => fs.existsSync(path.join(ROOT, file))),
  ];

  test('the files cover the README, the API reference, the sources and every example', () => {
    expect(shippedFiles).toEqual(expect.arrayContaining(['README.md', 'API.md', 'src/index.ts', 'examples/postgres-backups/main.ts']));
  });

  test('no design notes, issue numbers or source-document names in README, API.md, sources, scripts and examples', () => {
    expect(shippedFiles.flatMap(offendingLines)).toEqual([]);
  });

  test('no contributor vocabulary in the rules\' texts or in any command\'s help', async () => {
    const texts = RULES.flatMap((rule) => [rule.summary, rule.remediation]);
    for (const command of COMMANDS) texts.push((await rwop([command.name, '--help'])).stdout);
    texts.push((await rwop(['--help'])).stdout);
    expect(texts.filter((text) => CONTRIBUTOR_VOCABULARY.test(text))).toEqual([]);
  });

  test('README links are absolute or in-page: the npm page shows the README without the repository\'s files', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]);
    expect(targets.length).toBeGreaterThan(10);
    expect(targets.filter((target) => !/^(https?:\/\/|#)/.test(target))).toEqual([]);
  });

  test('the vocabulary check catches what it is for', () => {
    for (const sample of ['as the seed says', "the seed's claim", 'fixed in issue #5', 'see DESIGN.md', '(§4)', 'issue 12']) {
      expect(CONTRIBUTOR_VOCABULARY.test(sample)).toBe(true);
    }
    for (const sample of ['seeded random numbers', 'a tissue', 'the issuer']) expect(CONTRIBUTOR_VOCABULARY.test(sample)).toBe(false);
  });
});
