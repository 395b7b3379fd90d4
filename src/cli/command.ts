// What every `rwop` subcommand provides. The registry is `COMMANDS` in ./commands.ts. Nothing here reads input: main
// imports this module, and `rwop --version` must not load the readers.
import { parseArgs } from 'util';
import type { ParseArgsConfig } from 'util';
import { UsageError } from './errors';
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

/**
 * A command's arguments: its options plus positionals, strictly (an unknown option is an error). Node's parseArgs errors
 * (unknown option, missing value) are worded for users already, so they become the UsageError as they are.
 */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: O):
ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: O }>> {
  try {
    return parseArgs({ args: [...args], allowPositionals: true, strict: true, options });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
