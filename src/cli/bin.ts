#!/usr/bin/env node
// The `rwop` command: main() with the process's I/O, bundled into one file that the executable runs (launch.ts).
// Imports nothing heavy (no cdk8s): it must start fast.
import * as path from 'path';
import { main } from './main';
import type { CliIO } from './main';

// process.stdin, process.stdout and process.stderr are each created on first use, and creating one takes a few
// milliseconds: only the streams a command uses are created (a file, or --version, never touches standard input).

// A reader that stops early (`rwop audit | head -1`) closes the pipe: what is left to print has nowhere to go, and
// the exit code must still be the command's verdict. Any other write error (a full disk) makes the output incomplete.
let stdoutFailed = false;
let stdoutClosed = false;
let stdoutWatched = false;
/** process.stdout, its error handler attached before the first write (the only thing that can fail). */
function stdout(): NodeJS.WriteStream {
  if (!stdoutWatched) {
    stdoutWatched = true;
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      stdoutClosed = true;
      if (e.code === 'EPIPE') return;
      stdoutFailed = true;
      process.exitCode = 2;
      stderr().write(`rwop: cannot write to standard output: ${e.message}\n`);
    });
  }
  return process.stdout;
}
let stderrClosed = false;
let stderrWatched = false;
/** process.stderr, its error handler attached before the first write. */
function stderr(): NodeJS.WriteStream {
  if (!stderrWatched) {
    stderrWatched = true;
    process.stderr.on('error', () => {
      stderrClosed = true;
    });
  }
  return process.stderr;
}

const io: CliIO = {
  stdout: (text) => {
    const stream = stdout();
    if (!stdoutClosed) stream.write(text);
  },
  stderr: (text) => {
    const stream = stderr();
    if (!stderrClosed) stream.write(text);
  },
  readStdin,
  cwd: process.cwd(),
  get stdinIsTTY() {
    return process.stdin.isTTY === true;
  },
  // npm links this file as both `rwop` and `kubectl-rwop`; kubectl runs plugins by the name found on PATH.
  kubectlPlugin: path.basename(process.argv[1] ?? '') === 'kubectl-rwop',
};

function readStdin(maxBytes: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    process.stdin.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      // An endless pipe (`cat /dev/zero |`) must not grow the process: stop at the bound, the caller says why.
      if (size > maxBytes) {
        chunks = [];
        process.stdin.destroy();
        resolve(undefined);
      }
    });
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', reject);
  });
}

// exitCode, not exit(): pending writes to a pipe are flushed before the process ends.
main(process.argv.slice(2), io).then((code) => {
  if (!stdoutFailed) process.exitCode = code;
}, (e: unknown) => {
  stderr().write(`rwop: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = 2;
});
