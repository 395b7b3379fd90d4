// Running `rwop` in-process with a fake CliIO, or as the real executable in a child process.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/main';

/** The audit fixtures; tests run with this as the working directory so that paths stay short. */
export const AUDIT_FIXTURES = path.join(__dirname, 'fixtures', 'audit');

export interface RunOptions {
  /** Standard input: text (sent as UTF-8) or raw bytes. */
  readonly stdin?: string | Uint8Array;
  readonly cwd?: string;
  readonly stdinIsTTY?: boolean;
  readonly kubectlPlugin?: boolean;
  /** The environment of the programs the command runs (kubectl). */
  readonly env?: Record<string, string | undefined>;
}

export interface FakeIO extends CliIO {
  readonly out: string[];
  readonly err: string[];
  /** How many times the command read stdin. */
  stdinReads: number;
  /** The bound the command gave its last read of stdin. */
  stdinMaxBytes?: number;
}

export function fakeIO(options: RunOptions = {}): FakeIO {
  const io: FakeIO = {
    out: [],
    err: [],
    stdinReads: 0,
    stdout: (text) => io.out.push(text),
    stderr: (text) => io.err.push(text),
    readStdin: async (maxBytes) => {
      io.stdinReads++;
      io.stdinMaxBytes = maxBytes;
      const stdin = options.stdin ?? '';
      const bytes = typeof stdin === 'string' ? new TextEncoder().encode(stdin) : stdin;
      // As the real reader: nothing when the input passes the bound.
      return bytes.length > maxBytes ? undefined : bytes;
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

const ROOT = path.join(__dirname, '..', '..');

/** What a shell sees of a child process. */
export interface SpawnResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment that runs `src/cli/bin.ts` through ts-node (transpile only): no `projen compile` needed first. */
export const TS_NODE_ENV = {
  ...process.env,
  TS_NODE_TRANSPILE_ONLY: '1',
  TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
  NODE_PATH: path.join(ROOT, 'node_modules'),
};

/** The command line that runs the real `rwop` executable from source. */
export const RWOP_COMMAND: readonly string[] = [process.execPath, '-r', 'ts-node/register', path.join(ROOT, 'src', 'cli', 'bin.ts')];

/** `rwop <args>` as a child process, with `input` piped to its stdin (text as UTF-8, or raw bytes). */
export function spawnRwop(args: readonly string[], input?: string | Uint8Array, cwd = AUDIT_FIXTURES): SpawnResult {
  const [command, ...commandArgs] = RWOP_COMMAND;
  const result = spawnSync(command, [...commandArgs, ...args], {
    cwd,
    input,
    encoding: 'utf8',
    env: TS_NODE_ENV,
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
