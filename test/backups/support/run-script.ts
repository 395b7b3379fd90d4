// Runs the backup scripts the way a Job's container does: `sh script`, a clean environment, nothing else.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const SCRIPTS_DIR = resolve(__dirname, '../../../src/backups/scripts');

export interface ScriptResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningScript {
  readonly child: ChildProcess;
  readonly done: Promise<ScriptResult>;
}

/**
 * The shell that runs the scripts: `/bin/sh` (dash on Debian, with GNU coreutils) by default. With
 * BACKUP_SCRIPT_SHELL=busybox the scripts run under busybox sh with busybox's own utilities first on PATH, as in a
 * busybox-based kubectl image.
 */
function shell(): { command: string; args: string[]; pathPrefix: string[] } {
  if (process.env.BACKUP_SCRIPT_SHELL !== 'busybox') return { command: '/bin/sh', args: [], pathPrefix: [] };
  return { command: 'busybox', args: ['sh'], pathPrefix: [busyboxApplets()] };
}

let appletDir: string | undefined;
function busyboxApplets(): string {
  if (appletDir) return appletDir;
  appletDir = mkdtempSync(join(tmpdir(), 'busybox-applets-'));
  const busybox = execFileSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).trim();
  for (const applet of execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
    symlinkSync(busybox, join(appletDir, applet));
  }
  return appletDir;
}

/**
 * Starts `script` (a file in src/backups/scripts) with exactly `env` plus PATH and HOME, in its own process group so
 * that a test can kill it with everything it started.
 */
export function startScript(script: string, env: Record<string, string>, path: string[] = []): RunningScript {
  const { command, args, pathPrefix } = shell();
  const child = spawn(command, [...args, join(SCRIPTS_DIR, script)], {
    env: {
      PATH: [...path, ...pathPrefix, '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
      LANG: 'C.UTF-8',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  return { child, done: outcomeOf(child) };
}

/** What `child` printed and how it ended, once it has. */
function outcomeOf(child: ChildProcess): Promise<ScriptResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', chunk => stdout += chunk);
  child.stderr!.on('data', chunk => stderr += chunk);
  return new Promise<ScriptResult>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

/** Runs `command` (a file and its arguments, as a container's `command`) with exactly `env`. */
export async function runCommand(command: readonly string[], env: Record<string, string>): Promise<ScriptResult> {
  const [file, ...args] = command;
  return outcomeOf(spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] }));
}

export async function runScript(script: string, env: Record<string, string>, path: string[] = []): Promise<ScriptResult> {
  return startScript(script, env, path).done;
}

/** A fresh temporary directory, removed by `cleanup()`. */
export function tempDir(prefix: string): { path: string; cleanup: () => void } {
  const base = join(tmpdir(), 'cdk8s-rwop-tests');
  if (!existsSync(base)) mkdirSync(base, { recursive: true });
  const path = mkdtempSync(join(base, `${prefix}-`));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** The entries of a directory, sorted; [] when it does not exist. */
export function list(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** Resolves once `condition()` holds, polling every 50 ms; throws after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms`);
    await new Promise(wake => setTimeout(wake, 50));
  }
}

/**
 * Resolves once the wall clock has entered the next whole second. The backup scripts record when a run finished to the
 * second, so runs that must be ordered by age are started in different seconds.
 */
export async function nextSecond(): Promise<void> {
  const second = Math.floor(Date.now() / 1000);
  await until(() => Math.floor(Date.now() / 1000) > second, 2_000);
}

/** A TCP port on loopback that is free now, for a throwaway server to listen on. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolvePort(port));
    });
  });
}
