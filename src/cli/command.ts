// What every `rwop` subcommand provides. The registry is `COMMANDS` in ./commands.ts.
import type { CliIO } from './main';

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
/** The command found what it looks for (audit: findings at or above `--fail-on`). */
export const EXIT_FINDINGS = 1;
/** Bad usage or unreadable input. */
export const EXIT_USAGE = 2;

export interface Command {
  /** The word after `rwop`. */
  readonly name: string;
  /** One line for `rwop --help`. */
  readonly summary: string;
  /** Runs with the arguments after the command name; returns the exit code (never calls process.exit). */
  run(args: readonly string[], io: CliIO): Promise<number>;
}

/** A usage mistake: main prints its message and the command's `--help` hint to stderr and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
