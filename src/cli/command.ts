// What every `rwop` subcommand provides. The registry is `COMMANDS` in ./commands.ts.
import { parseArgs } from 'util';
import type { ParseArgsConfig } from 'util';
import type { Manifest } from '../rules';
import { UsageError } from './errors';
import type { CliIO } from './main';
import { readManifestInputs } from './read-manifests';
import type { ReadOptions } from './read-manifests';

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

/**
 * The objects in `paths`, or on stdin when no path is given. Stdin that is a terminal is a UsageError carrying
 * `noInput`, the command's hint of what to give it. A blank input is refused unless `options.allowEmpty`.
 */
export async function readPathsOrStdin(paths: readonly string[], io: CliIO, noInput: string, options: ReadOptions = {}): Promise<Manifest[]> {
  if (paths.length === 0 && io.stdinIsTTY) throw new UsageError(noInput);
  return readManifestInputs(paths.length === 0 ? ['-'] : paths, io, options);
}
