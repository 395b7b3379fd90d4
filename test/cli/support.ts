// Running `rwop` in-process with a fake CliIO.
import * as path from 'path';
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/main';

/** The audit fixtures; tests run with this as the working directory so that paths stay short. */
export const AUDIT_FIXTURES = path.join(__dirname, 'fixtures', 'audit');

export interface FakeIO extends CliIO {
  readonly out: string[];
  readonly err: string[];
  /** How many times the command read stdin. */
  stdinReads: number;
}

export interface RunOptions {
  readonly stdin?: string;
  readonly cwd?: string;
  readonly stdinIsTTY?: boolean;
  readonly kubectlPlugin?: boolean;
  /** The environment of the programs the command runs (kubectl). */
  readonly env?: Record<string, string | undefined>;
}

export function fakeIO(options: RunOptions = {}): FakeIO {
  const io: FakeIO = {
    out: [],
    err: [],
    stdinReads: 0,
    stdout: (text) => io.out.push(text),
    stderr: (text) => io.err.push(text),
    readStdin: async () => {
      io.stdinReads++;
      return options.stdin ?? '';
    },
    cwd: options.cwd ?? AUDIT_FIXTURES,
    stdinIsTTY: options.stdinIsTTY ?? false,
    env: options.env,
    kubectlPlugin: options.kubectlPlugin,
  };
  return io;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly io: FakeIO;
}

/** `rwop <argv>` in-process. */
export async function rwop(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const io = fakeIO(options);
  const code = await main(argv, io);
  return { code, stdout: io.out.join(''), stderr: io.err.join(''), io };
}
