// A throwaway PostgreSQL cluster for the dump script's tests: initdb into a temporary directory, started on a free
// loopback port with password authentication, stopped and removed afterwards. initdb refuses to run as root, so under
// root the server runs as the `postgres` OS user (created by Debian's postgresql-common).
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './run-script';

const INSTALL_HINT = 'PostgreSQL server binaries are missing: run `bash .ci/postgres.sh` as root (it installs the Debian packages).';

/** The newest /usr/lib/postgresql/<major>/bin that has a server (or PG_BIN when set). */
export function postgresBinDir(): string {
  const candidates = process.env.PG_BIN
    ? [process.env.PG_BIN]
    : (existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql') : [])
      .filter(major => /^\d+$/.test(major))
      .sort((a, b) => Number(b) - Number(a))
      .map(major => `/usr/lib/postgresql/${major}/bin`);
  const found = candidates.find(dir => ['initdb', 'pg_ctl', 'postgres', 'psql', 'pg_dump', 'pg_dumpall', 'pg_restore'].every(tool => existsSync(join(dir, tool))));
  if (!found) throw new Error(`${INSTALL_HINT} Looked in: ${candidates.join(', ') || '/usr/lib/postgresql/*/bin (none)'}`);
  return found;
}

export class ThrowawayPostgres {
  public static async start(): Promise<ThrowawayPostgres> {
    const bin = postgresBinDir();
    const asRoot = userInfo().uid === 0;
    const base = mkdtempSync(join(tmpdir(), 'rwop-pg-'));
    const server = new ThrowawayPostgres(bin, base, await freePort(), asRoot);
    if (asRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
      chownSync(base, uid, gid);
    }
    try {
      writeFileSync(join(base, 'pwfile'), `${server.password}\n`, { mode: 0o644 });
      server.asServer('initdb', ['-D', server.dataDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${join(base, 'pwfile')}`, '--no-sync', '-E', 'UTF8', '--locale=C']);
      server.asServer('pg_ctl', ['-D', server.dataDir, '-l', join(base, 'server.log'), '-w', '-t', '30', 'start', '-o',
        `-p ${server.port} -c listen_addresses=127.0.0.1 -k ${base} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`]);
    } catch (error) {
      const log = existsSync(join(base, 'server.log')) ? readFileSync(join(base, 'server.log'), 'utf8') : '';
      rmSync(base, { recursive: true, force: true });
      throw new Error(`cannot start a throwaway PostgreSQL from ${bin}: ${(error as Error).message}\n${log}`);
    }
    return server;
  }

  public readonly password = 'throwaway-superuser-password';
  public readonly dataDir: string;

  private constructor(public readonly bin: string, public readonly baseDir: string, public readonly port: number, private readonly asRoot: boolean) {
    this.dataDir = join(baseDir, 'data');
  }

  /** libpq environment for a client of this server, as the backup Job would get it. */
  public clientEnv(): Record<string, string> {
    return { PGHOST: '127.0.0.1', PGPORT: String(this.port), PGUSER: 'postgres', PGPASSWORD: this.password };
  }

  /** Runs SQL as the superuser over TCP and returns psql's unaligned, tuples-only output. */
  public sql(sql: string, database = 'postgres'): string {
    return execFileSync(join(this.bin, 'psql'), ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', database, '-c', sql], {
      env: { ...this.clientEnv(), PATH: process.env.PATH },
      encoding: 'utf8',
    }).trim();
  }

  /** Runs a client tool of this installation (psql, pg_restore...) as the superuser over TCP. */
  public tool(tool: string, args: string[], extraEnv: Record<string, string> = {}): string {
    return execFileSync(join(this.bin, tool), args, {
      env: { ...this.clientEnv(), PATH: process.env.PATH, ...extraEnv },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** Starts a long-running psql session (e.g. one holding a lock); kill it when done. */
  public session(sql: string, database = 'postgres'): ChildProcess {
    return spawn(join(this.bin, 'psql'), ['-X', '-v', 'ON_ERROR_STOP=1', '-d', database, '-c', sql], {
      env: { ...this.clientEnv(), PATH: process.env.PATH },
      stdio: 'ignore',
    });
  }

  public stop(): void {
    try {
      this.asServer('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(this.baseDir, { recursive: true, force: true });
    }
  }

  private asServer(tool: string, args: string[]): void {
    const command = join(this.bin, tool);
    const [file, argv] = this.asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    execFileSync(file, argv, { cwd: this.baseDir, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, LANG: 'C.UTF-8' } });
  }
}
