// A throwaway MariaDB server for the dump script's tests: mariadb-install-db into a temporary directory, mariadbd on a
// free loopback port and a socket of its own, root@'%' with a password (as the official image creates it), stopped and
// removed afterwards. Under root the server runs as the `mysql` OS user (created by Debian's mariadb-server).
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './run-script';

const INSTALL_HINT = 'MariaDB is missing: run `sh .ci/mariadb.sh` as root (it installs the Debian packages).';
const SERVER = ['/usr/sbin/mariadbd', '/usr/bin/mariadbd'];

function which(tool: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise(wake => setTimeout(wake, 100));
  }
  return true;
}

export class ThrowawayMariadb {
  public static async start(): Promise<ThrowawayMariadb> {
    const mariadbd = SERVER.find(existsSync);
    const installDb = which('mariadb-install-db');
    if (!mariadbd || !installDb || !which('mariadb') || !which('mariadb-dump')) throw new Error(INSTALL_HINT);
    const asRoot = userInfo().uid === 0;
    const base = mkdtempSync(join(tmpdir(), 'rwop-mariadb-'));
    const db = new ThrowawayMariadb(base, await freePort());
    if (asRoot) {
      chownSync(base, Number(execFileSync('id', ['-u', 'mysql'], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', 'mysql'], { encoding: 'utf8' })));
    }
    const user = asRoot ? ['--user=mysql'] : [];
    try {
      execFileSync(installDb, ['--no-defaults', `--datadir=${db.dataDir}`, ...user, '--auth-root-authentication-method=normal',
        '--skip-test-db', '--skip-name-resolve'], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } });
      db.server = spawn(mariadbd, ['--no-defaults', `--datadir=${db.dataDir}`, ...user, `--socket=${db.socket}`, `--port=${db.port}`,
        '--bind-address=127.0.0.1', '--skip-name-resolve', `--pid-file=${join(base, 'mariadbd.pid')}`, `--log-error=${join(base, 'error.log')}`,
        '--innodb-buffer-pool-size=32M', '--innodb-log-file-size=16M', '--innodb-flush-log-at-trx-commit=0', '--skip-log-bin'], { stdio: 'ignore' });
      if (!await until(() => db.answers(), 60_000)) throw new Error('mariadbd did not answer within 60 s');
      // As the official image does: root from anywhere, with a password; the socket root keeps no password. The root
      // accounts of 127.0.0.1, ::1 and the host name that mariadb-install-db adds would match first, without one.
      db.socketSql(db.socketSql("SELECT CONCAT('DROP USER ', QUOTE(user), '@', QUOTE(host), ';') FROM mysql.user WHERE user IN ('root', '') AND host <> 'localhost'"));
      db.socketSql(`CREATE USER root@'%' IDENTIFIED BY '${db.password.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'; GRANT ALL ON *.* TO root@'%' WITH GRANT OPTION;`);
    } catch (error) {
      const log = existsSync(join(base, 'error.log')) ? readFileSync(join(base, 'error.log'), 'utf8') : '';
      db.stop();
      throw new Error(`cannot start a throwaway MariaDB: ${(error as Error).message}\n${log}`);
    }
    return db;
  }

  public readonly password = 'throwaway "root" p@ss\\word';
  public readonly dataDir: string;
  public readonly socket: string;
  private server?: ChildProcess;

  private constructor(public readonly baseDir: string, public readonly port: number) {
    this.dataDir = join(baseDir, 'data');
    this.socket = join(baseDir, 'mariadbd.sock');
  }

  /** The environment the backup Job gives the script: the Service, the port, root and the password from the Secret. */
  public clientEnv(): Record<string, string> {
    return { DB_HOST: '127.0.0.1', DB_PORT: String(this.port), DB_USER: 'root', MYSQL_PWD: this.password };
  }

  /** Runs SQL as root over the socket (no password) and returns the tab-separated rows. */
  public sql(sql: string, database?: string): string {
    return this.socketSql(sql, database);
  }

  /** Feeds a file (e.g. a dump, gunzipped by the caller) to the client over the socket. */
  public load(input: Buffer | string): void {
    execFileSync('mariadb', ['--no-defaults', `--socket=${this.socket}`, '--user=root', '--batch'], { input, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** Starts a long-running client session (e.g. one holding a lock); kill it when done. */
  public session(sql: string): ChildProcess {
    return spawn('mariadb', ['--no-defaults', `--socket=${this.socket}`, '--user=root', '--batch', '-e', sql], { stdio: 'ignore' });
  }

  public stop(): void {
    try {
      if (this.server && this.server.exitCode === null) {
        this.server.kill('SIGKILL');
      }
    } finally {
      rmSync(this.baseDir, { recursive: true, force: true });
    }
  }

  private answers(): boolean {
    try {
      this.socketSql('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  private socketSql(sql: string, database?: string): string {
    return execFileSync('mariadb', ['--no-defaults', `--socket=${this.socket}`, '--user=root', '--batch', '--skip-column-names',
      ...(database ? [`--database=${database}`] : []), '-e', sql], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trimEnd();
  }
}
