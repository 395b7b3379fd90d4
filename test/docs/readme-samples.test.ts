import * as fs from 'fs';
import * as path from 'path';
import { rwop } from '../cli/support';

// The README's console samples are what a user compares their own output with: each `$ rwop ...` whose input is in the
// repository is run again, and its output and exit code must be exactly what the README shows.
const ROOT = path.join(__dirname, '..', '..');
const INPUT_DIRS = [ROOT, path.join(ROOT, 'test', 'cli', 'fixtures', 'status')];

interface Sample {
  readonly line: number;
  readonly argv: string[];
  readonly output: string;
  readonly exitCode?: number;
}

function consoleSamples(readme: string): Sample[] {
  const lines = readme.split('\n');
  const samples: Sample[] = [];
  let inConsole = false;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (line.startsWith('```')) {
      inConsole = !inConsole && line.trim() === '```console';
      continue;
    }
    if (!inConsole || !line.startsWith('$ rwop ')) continue;
    const output: string[] = [];
    let next = index + 1;
    while (!lines[next].startsWith('$ ') && !lines[next].startsWith('```')) output.push(lines[next++]);
    const exitCode = lines[next] === '$ echo $?' ? Number(lines[next + 1]) : undefined;
    samples.push({ line: index + 1, argv: line.slice('$ rwop '.length).split(' '), output: output.join('\n'), exitCode });
  }
  return samples;
}

/** The directory the sample's input files are in, or undefined when its input is not in the repository. */
function inputDir(argv: readonly string[]): string | undefined {
  const files = argv.filter((arg) => !arg.startsWith('-') && /\.(ya?ml|json)$|\/$/.test(arg));
  if (files.length === 0) return undefined;
  return INPUT_DIRS.find((dir) => files.every((file) => fs.existsSync(path.join(dir, file))));
}

describe('README console samples', () => {
  const samples = consoleSamples(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'))
    .filter((sample) => inputDir(sample.argv) !== undefined);

  test('the samples run here cover audit and status', () => {
    expect(samples.map((sample) => sample.argv[0])).toEqual(expect.arrayContaining(['audit', 'status']));
    expect(samples.length).toBeGreaterThanOrEqual(4);
  });

  test.each(samples.map((sample) => [`README.md:${sample.line} rwop ${sample.argv.join(' ')}`, sample] as const))('%s', async (_name, sample) => {
    const { code, stdout, stderr } = await rwop(sample.argv, { cwd: inputDir(sample.argv) });
    expect((stdout + stderr).trimEnd()).toBe(sample.output.trimEnd());
    if (sample.exitCode !== undefined) expect(code).toBe(sample.exitCode);
  });
});
