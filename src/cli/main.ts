// `rwop`: the command line face of the rules engine. main() parses nothing but the command name and hands the
// rest to the command; it returns the exit code so that tests run it in-process.
import { EXIT_OK, EXIT_USAGE } from './command';
import type { Command } from './command';
import { COMMANDS } from './commands';
import { ClusterReadError, UsageError } from './errors';
import { packageInfo } from './package-info';
import { escapeControls, safeLines } from './terminal-safe';
import { InputError } from '../core/input-error';

/** Everything a command touches of the outside world, so that tests can fake it. */
export interface CliIO {
  /** The directory relative paths are resolved against (and SARIF URIs are relative to). */
  readonly cwd: string;
  /** True when standard input is a terminal: then `rwop audit` with no path is a usage error, not a wait. */
  readonly stdinIsTTY?: boolean;
  /**
   * True when run as `kubectl rwop` (the executable is named kubectl-rwop): `rwop status` with no path then asks the
   * cluster even when standard input is not a terminal, as kubectl itself would.
   */
  readonly kubectlPlugin?: boolean;
  /** The environment of the programs a command runs (kubectl for `rwop status`); the process's own when absent. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Writes to standard output as is (the caller ends its lines). */
  stdout(text: string): void;
  /** Writes to standard error as is. */
  stderr(text: string): void;
  /**
   * All of standard input, as bytes (the reader checks that they are UTF-8), or undefined when it passes `maxBytes`:
   * then reading stops as soon as it does, and what was read is let go.
   */
  readStdin(maxBytes: number): Promise<Uint8Array | undefined>;
}

/** Runs `rwop <argv...>` (argv without `node` and the script) and returns its exit code. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr(usage());
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h') {
    io.stdout(usage());
    return EXIT_OK;
  }
  if (first === '--version' || first === '-V') {
    io.stdout(`${packageInfo().version}\n`);
    return EXIT_OK;
  }
  if (first === 'help') return rest.length === 0 ? main(['--help'], io) : main([rest[0], '--help'], io);
  const command = COMMANDS.find((candidate) => candidate.name === first);
  if (!command) {
    io.stderr(`rwop: unknown ${first.startsWith('-') ? 'option' : 'command'} "${escapeControls(first)}"\n\n${usage()}`);
    return EXIT_USAGE;
  }
  return runCommand(command, rest, io);
}

async function runCommand(command: Command, args: readonly string[], io: CliIO): Promise<number> {
  try {
    return await command.run(args, io);
  } catch (e) {
    // The messages quote arguments and input (file names, keys): escaped, as all our text output.
    if (e instanceof UsageError) {
      io.stderr(`rwop ${command.name}: ${safeLines(e.message.split('\n'))}\nRun "rwop ${command.name} --help" for usage.\n`);
      return EXIT_USAGE;
    }
    if (e instanceof InputError) {
      io.stderr(`rwop ${command.name}: ${escapeControls(e.message)}\n`);
      return EXIT_USAGE;
    }
    // kubectl's words (and the server's, in them) on several lines: each escaped.
    if (e instanceof ClusterReadError) {
      io.stderr(`rwop ${command.name}: ${safeLines(e.message.split('\n'))}\n`);
      return EXIT_USAGE;
    }
    // A bug of ours: say so, with the stack, and never exit 0 or 1 (which CI would read as a verdict).
    io.stderr(`rwop ${command.name}: internal error, please report it: ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT_USAGE;
  }
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    'Usage: rwop <command> [options]',
    '',
    'Find and explain ReadWriteOncePod hazards in Kubernetes manifests.',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Options:',
    '  -h, --help     show this help (rwop <command> --help for a command)',
    '  -V, --version  print the version',
    '',
    'Exit codes: 0 success, 1 findings (audit), 2 bad usage, or input that is unreadable or empty.',
    '',
  ].join('\n');
}
