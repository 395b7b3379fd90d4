import * as fs from 'fs';
import * as path from 'path';
import { rwop } from './support';
import { COMMANDS } from '../../src/cli/commands';

const VERSION = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;

describe('rwop', () => {
  test('--help and help: usage with every command, on stdout, exit 0', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const { code, stdout, stderr } = await rwop(argv);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toMatch(/^Usage: rwop <command> \[options\]\n/);
      for (const command of COMMANDS) expect(stdout).toMatch(new RegExp(`^  ${command.name} +${escape(command.summary)}$`, 'm'));
    }
  });

  test('help <command> is <command> --help', async () => {
    const viaHelp = await rwop(['help', 'audit']);
    const viaOption = await rwop(['audit', '--help']);
    expect(viaHelp).toMatchObject({ code: 0, stdout: viaOption.stdout });
    expect(viaHelp.stdout).toMatch(/^Usage: rwop audit /);
  });

  test('--version prints the package version', async () => {
    for (const argv of [['--version'], ['-V']]) {
      expect(await rwop(argv)).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    }
  });

  test.each([
    ['no command', [], /^Usage: rwop <command>/],
    ['an unknown command', ['lint', 'x.yaml'], /^rwop: unknown command "lint"\n\nUsage: rwop <command>/],
    ['an unknown option', ['--verbose'], /^rwop: unknown option "--verbose"\n/],
  ])('%s: usage on stderr, exit 2', async (_name, argv, message) => {
    const { code, stdout, stderr } = await rwop(argv);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(message);
  });

  test('command names are unique', () => {
    expect(new Set(COMMANDS.map((command) => command.name)).size).toBe(COMMANDS.length);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
