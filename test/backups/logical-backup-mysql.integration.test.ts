// Runs src/backups/scripts/logical-backup-mysql.sh against a real MariaDB server (Debian packages; see .ci/mariadb.sh),
// started for this file in a temporary directory, and restores its dumps into a second, fresh server.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ThrowawayMariadb } from './support/mariadb';
import { list, nextSecond, runScript, startScript, tempDir, until } from './support/run-script';

const SCRIPT = 'logical-backup-mysql.sh';
const RUN = /^\d{8}T\d{6}Z-r[0-9a-f]{8}$/;
const LOCK = '.rwop-backup.lock';
const REPORTS_DUMP = `%${Buffer.from('reports 2024').toString('hex')}.sql.gz`;

let db: ThrowawayMariadb;
let work: { path: string; cleanup: () => void };
/** The backup claim's mount: its own directory, beside the test's other files. */
let backups: string;

beforeAll(async () => {
  db = await ThrowawayMariadb.start();
  db.sql(`
    CREATE USER shop_owner@'%' IDENTIFIED BY 'owner-secret';
    CREATE DATABASE shop;
    GRANT ALL ON shop.* TO shop_owner@'%';
    CREATE DATABASE \`reports 2024\`;`);
  db.sql(`
    CREATE TABLE customers (id int AUTO_INCREMENT PRIMARY KEY, name varchar(100) NOT NULL, email varchar(100) UNIQUE, note text)
      ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
    CREATE TABLE orders (id bigint AUTO_INCREMENT PRIMARY KEY, customer_id int, total decimal(10,2), placed_at datetime,
      items json, FOREIGN KEY (customer_id) REFERENCES customers (id)) ENGINE=InnoDB;
    CREATE TABLE blobs (id int PRIMARY KEY, data varbinary(64)) ENGINE=InnoDB;
    CREATE TABLE audit (id int AUTO_INCREMENT PRIMARY KEY, order_id bigint) ENGINE=InnoDB;
    INSERT INTO customers (name, email, note)
      SELECT CONCAT('customer ', seq), CONCAT('c', seq, '@example.test'), IF(seq % 3 = 0, NULL, CONCAT('note é ✓ ', seq)) FROM seq_1_to_500;
    INSERT INTO orders (customer_id, total, placed_at, items)
      SELECT 1 + seq % 500, seq * 1.25, '2025-01-01' + INTERVAL seq HOUR, JSON_OBJECT('sku', seq, 'qty', seq % 7) FROM seq_1_to_2000;
    INSERT INTO blobs SELECT seq, UNHEX(MD5(seq)) FROM seq_1_to_100;
    CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 1000;
    CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW INSERT INTO audit (order_id) VALUES (NEW.id);
    CREATE FUNCTION order_total(n bigint) RETURNS decimal(10,2) READS SQL DATA RETURN (SELECT total FROM orders WHERE id = n);
    CREATE EVENT nightly_purge ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM audit;`, 'shop');
  db.sql('CREATE TABLE daily (day date PRIMARY KEY, visits int); INSERT INTO daily SELECT \'2024-01-01\' + INTERVAL seq DAY, 7 FROM seq_0_to_365', 'reports 2024');
});

afterAll(() => {
  db?.stop();
});

beforeEach(() => {
  work = tempDir('logical-backup-mysql');
  backups = join(work.path, 'backups');
  mkdirSync(backups);
  mkdirSync(join(work.path, 'tmp'));
});

afterEach(() => {
  work.cleanup();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { ...db.clientEnv(), BACKUP_ROOT: backups, TMPDIR: join(work.path, 'tmp'), ...extra };
}

/** Every row of the seeded tables and the definitions of the view, trigger, function and event, as text. */
function fingerprint(server: ThrowawayMariadb): Record<string, string> {
  return {
    customers: server.sql('SELECT * FROM customers ORDER BY id', 'shop'),
    orders: server.sql('SELECT * FROM orders ORDER BY id', 'shop'),
    blobs: server.sql('SELECT id, HEX(data) FROM blobs ORDER BY id', 'shop'),
    bigOrders: server.sql('SELECT COUNT(*) FROM big_orders', 'shop'),
    daily: server.sql('SELECT * FROM daily ORDER BY day', 'reports 2024'),
    objects: server.sql(`SELECT CONCAT_WS(' ', 'trigger', trigger_name, action_statement) FROM information_schema.triggers WHERE trigger_schema = 'shop'
      UNION ALL SELECT CONCAT_WS(' ', 'routine', routine_name, routine_definition) FROM information_schema.routines WHERE routine_schema = 'shop'
      UNION ALL SELECT CONCAT_WS(' ', 'event', event_name, event_definition, status) FROM information_schema.events WHERE event_schema = 'shop'`),
    grants: server.sql("SHOW GRANTS FOR shop_owner@'%'"),
  };
}

/** Complete runs (with the COMPLETE marker) under the backup root. */
function completeRuns(): string[] {
  return list(backups).filter(entry => RUN.test(entry) && existsSync(join(backups, entry, 'COMPLETE')));
}

const madeBy = (stdout: string): string => stdout.match(/run (\S+) complete/)![1];

/** A directory of executables put on PATH in front of the real tools. */
function wrapper(tool: string, body: string): string {
  const dir = join(work.path, 'bin');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, tool);
  writeFileSync(file, `#!/bin/sh\nset -eu\nREAL=/usr/bin/${tool}\n${body}\n`);
  chmodSync(file, 0o755);
  return dir;
}

/** Restores a run into `server`: users.sql first, then every database dump. */
function restore(server: ThrowawayMariadb, run: string): void {
  server.load(readFileSync(join(run, 'users.sql')));
  for (const file of list(run).filter(name => name.endsWith('.sql.gz'))) server.load(gunzipSync(readFileSync(join(run, file))));
}

describe('logical-backup-mysql.sh against MariaDB', () => {
  test('dumps users and every database, verified and checksummed; a fresh server restored from it has the same rows, objects and users', async () => {
    const before = fingerprint(db);
    const passwordFile = join(work.path, 'password');
    writeFileSync(passwordFile, `${db.password}\n`);
    const result = await runScript(SCRIPT, env({ MYSQL_PWD: '', MYSQL_PWD_FILE: passwordFile }));

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const runs = completeRuns();
    expect(runs).toHaveLength(1);
    expect(list(backups)).toEqual(runs);
    const run = join(backups, runs[0]);
    expect(list(run)).toEqual([REPORTS_DUMP, 'COMPLETE', 'SHA256SUMS', 'shop.sql.gz', 'users.sql']);
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: run, encoding: 'utf8' })).toBe(`users.sql: OK\n${REPORTS_DUMP}: OK\nshop.sql.gz: OK\n`);
    expect(readFileSync(join(run, 'COMPLETE'), 'utf8')).toMatch(/^run=\S+\nfinished=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\ndatabases=2\nhost=127\.0\.0\.1\nflavour=mariadb\n$/);
    const users = readFileSync(join(run, 'users.sql'), 'utf8');
    expect(users).toContain("CREATE USER IF NOT EXISTS `shop_owner`@`%` IDENTIFIED BY PASSWORD '*");
    expect(users).toContain('GRANT ALL PRIVILEGES ON `shop`.* TO `shop_owner`@`%`');
    // The option file with the password is gone.
    expect(list(join(work.path, 'tmp'))).toEqual([]);

    const fresh = await ThrowawayMariadb.start();
    try {
      expect(fresh.sql("SELECT COUNT(*) FROM mysql.user WHERE user = 'shop_owner'")).toBe('0');
      restore(fresh, run);
      expect(fingerprint(fresh)).toEqual(before);
      expect(before.customers.split('\n')).toHaveLength(500);
      expect(before.objects).toMatch(/trigger orders_audit[\s\S]*routine order_total[\s\S]*event nightly_purge .*DISABLED/);
      // The user came back with its password: it logs in over TCP and reads its database.
      const login = execFileSync('mariadb', ['--no-defaults', '--host=127.0.0.1', `--port=${fresh.port}`, '--user=shop_owner', '--password=owner-secret',
        '--batch', '--skip-column-names', '-e', 'SELECT COUNT(*) FROM shop.orders'], { encoding: 'utf8' });
      expect(login.trim()).toBe('2000');
    } finally {
      fresh.stop();
    }
  }, 240_000);

  test('the mysql flavour runs mysql and mysqldump (never the mariadb names) and writes users from SHOW CREATE USER and SHOW GRANTS', async () => {
    // Wrappers that fail loudly if the script reached for the MariaDB names.
    wrapper('mariadb', 'echo "mariadb called" >&2; exit 97');
    const bin = wrapper('mariadb-dump', 'echo "mariadb-dump called" >&2; exit 97');
    const result = await runScript(SCRIPT, env({ DB_FLAVOUR: 'mysql' }), [bin]);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(mysql) as root');
    const run = join(backups, madeBy(result.stdout));
    expect(list(run)).toEqual([REPORTS_DUMP, 'COMPLETE', 'SHA256SUMS', 'shop.sql.gz', 'users.sql']);
    const users = readFileSync(join(run, 'users.sql'), 'utf8');
    expect(users).toMatch(/^-- MySQL dump of users and grants from 127\.0\.0\.1:\d+\n/);
    expect(users).toContain("CREATE USER IF NOT EXISTS `shop_owner`@`%` IDENTIFIED BY PASSWORD '*");
    expect(users).toContain('GRANT ALL PRIVILEGES ON `shop`.* TO `shop_owner`@`%`;\n');
    expect(users).not.toContain('mariadb.sys');
    expect(users).toMatch(/\n-- Dump completed on \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    expect(readFileSync(join(run, 'COMPLETE'), 'utf8')).toContain('flavour=mysql\n');

    // The users file restores over an existing account without error, and the dumps restore over dropped databases.
    const before = fingerprint(db);
    db.sql("DROP DATABASE shop; DROP DATABASE `reports 2024`; DROP USER shop_owner@'%'");
    restore(db, run);
    expect(fingerprint(db)).toEqual(before);
  }, 120_000);

  test('keeps the newest KEEP_LAST complete runs and never touches what is not a run', async () => {
    mkdirSync(join(backups, 'lost+found'));
    mkdirSync(join(backups, '20200101T000000Z-manual'));
    writeFileSync(join(backups, 'README'), 'backups of shop\n');
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const result = await runScript(SCRIPT, env({ KEEP_LAST: '2', DATABASES: 'shop' }));
      expect(result.code).toBe(0);
      made.push(madeBy(result.stdout));
      await nextSecond();
    }

    expect(completeRuns().sort()).toEqual(made.slice(1).sort());
    expect(list(backups)).toEqual(['20200101T000000Z-manual', 'README', 'lost+found', ...made.slice(1)].sort());
    expect(list(join(backups, made[2]))).toEqual(['COMPLETE', 'SHA256SUMS', 'shop.sql.gz', 'users.sql']);
  }, 120_000);

  test('a run killed halfway leaves nothing that counts as a backup, and the next run removes its leftovers', async () => {
    // The dump of shop stalls after its first bytes, as behind a lock or a slow network.
    const bin = wrapper('mariadb-dump', [
      'case " $* " in *" shop "*) "$REAL" "$@" | head -c 2000; exec sleep 120 ;; esac',
      'exec "$REAL" "$@"',
    ].join('\n'));
    const running = startScript(SCRIPT, env(), [bin]);
    const holder = running.child.pid!;
    await until(() => list(backups).some(entry => entry.endsWith('.partial') && list(join(backups, entry)).includes('shop.sql.gz.tmp')));
    process.kill(-holder, 'SIGKILL');
    const killed = await running.done;
    expect(killed.signal).toBe('SIGKILL');

    const left = list(backups);
    expect(left).toHaveLength(2);
    expect(left[0]).toBe(LOCK);
    const partial = left[1];
    expect(partial).toMatch(/^\d{8}T\d{6}Z-r[0-9a-f]{8}\.partial$/);
    expect(list(join(backups, partial))).toEqual([REPORTS_DUMP, 'shop.sql.gz.tmp', 'users.sql']);
    expect(completeRuns()).toEqual([]);

    // Also a run directory that lost its marker (e.g. copied back by hand): not a backup either.
    mkdirSync(join(backups, '20240101T000000Z'));
    writeFileSync(join(backups, '20240101T000000Z', 'shop.sql.gz'), 'an old run without its COMPLETE marker');
    const next = await runScript(SCRIPT, env());

    expect(next.code).toBe(0);
    expect(next.stdout).toMatch(new RegExp(`take over the stale lock ${LOCK}: its holder, pid ${holder} on \\S+, is gone`));
    expect(next.stdout).toContain(`remove ${partial}: left by a run that did not finish`);
    expect(next.stdout).toContain('remove 20240101T000000Z: no COMPLETE marker, not a backup');
    expect(list(backups)).toEqual(completeRuns());
    expect(completeRuns()).toHaveLength(1);
  }, 120_000);

  test.each([
    ['truncated: the closing line never came', 'full="$(dirname "$0")/full"; "$REAL" "$@" > "$full"; head -c $(($(wc -c < "$full") / 2)) "$full"',
      'its closing "-- Dump completed" line is missing: the dump stopped early'],
    ['not a dump at all', 'printf "SELECT 1;\\n-- Dump completed\\n"', 'its dump header is missing'],
  ])('a dump %s fails verification with exit 3, is never marked complete, and leaves the earlier backups alone', async (_, body, message) => {
    const first = await runScript(SCRIPT, env({ DATABASES: 'shop' }));
    expect(first.code).toBe(0);
    const earlier = completeRuns();

    const bin = wrapper('mariadb-dump', `case " $* " in *" shop "*) ${body}; exit 0 ;; esac\nexec "$REAL" "$@"`);
    const result = await runScript(SCRIPT, env({ DATABASES: 'shop', KEEP_LAST: '1' }), [bin]);

    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`the dump of database 'shop' failed verification: ${message}`);
    expect(list(backups)).toEqual(earlier);
    expect(list(join(work.path, 'tmp'))).toEqual([]);
  }, 120_000);

  test('a failing dump tool fails the run with exit 1 even though gzip succeeded, and leaves nothing', async () => {
    const bin = wrapper('mariadb-dump', [
      'case " $* " in *" shop "*) "$REAL" "$@"; echo "mariadb-dump: Got errno 28 on write" >&2; exit 5 ;; esac',
      'exec "$REAL" "$@"',
    ].join('\n'));
    const result = await runScript(SCRIPT, env({ DATABASES: 'shop' }), [bin]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Got errno 28 on write');
    expect(result.stderr).toContain("mariadb-dump of database 'shop' failed");
    expect(list(backups)).toEqual([]);
  });

  test('a wrong password fails with exit 1 and leaves nothing behind', async () => {
    const result = await runScript(SCRIPT, env({ MYSQL_PWD: 'wrong' }));

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Access denied for user 'root'@'127.0.0.1' (using password: YES)");
    expect(result.stderr).toContain(`cannot list the databases on 127.0.0.1:${db.port} as root`);
    expect(list(backups)).toEqual([]);
    expect(list(join(work.path, 'tmp'))).toEqual([]);
  });

  test('a fresh lock held on another host stops the run: exit 4, nothing touched', async () => {
    writeFileSync(join(backups, LOCK), `pid=1\nhost=backup-other-pod\nstarted=2025-01-31T02:00:00Z\nstarted_epoch=${Math.floor(Date.now() / 1000) - 60}\ntoken=abcdef01\n`);
    mkdirSync(join(backups, '20250131T020000Z-r00000001.partial'));
    const result = await runScript(SCRIPT, env({ DATABASES: 'shop' }));

    expect(result.code).toBe(4);
    expect(result.stderr).toContain('(pid 1 on backup-other-pod, since 2025-01-31T02:00:00Z): nothing done');
    expect(list(backups)).toEqual([LOCK, '20250131T020000Z-r00000001.partial']);
  });

  test('runs are ordered by the finished time in their marker, and the run just made is kept', async () => {
    const seed = (name: string, finished: string): void => {
      mkdirSync(join(backups, name));
      writeFileSync(join(backups, name, 'COMPLETE'), `run=${name}\nfinished=${finished}\ndatabases=1\nhost=db\nflavour=mariadb\n`);
    };
    seed('20991231T000000Z', '2024-06-01T00:00:00Z');
    seed('20240101T000000Z-r0123abcd', '2099-07-01T00:00:00Z');
    const result = await runScript(SCRIPT, env({ KEEP_LAST: '1', DATABASES: 'shop' }));

    expect(result.code).toBe(0);
    const run = madeBy(result.stdout);
    expect(result.stdout).toContain(`keep ${run}: made by this run`);
    expect(result.stdout).toContain('remove 20991231T000000Z: finished 20240601T000000Z, older than the newest KEEP_LAST=1');
    expect(list(backups)).toEqual(['20240101T000000Z-r0123abcd', run].sort());
  });

  test.each([
    [{ BACKUP_ROOT: '' }, 'BACKUP_ROOT is empty'],
    [{ BACKUP_ROOT: '/nonexistent/backups' }, "BACKUP_ROOT '/nonexistent/backups' is not a directory"],
    [{ DB_HOST: '' }, 'DB_HOST is empty'],
    [{ DB_HOST: 'db;rm' }, "DB_HOST 'db;rm' is not a host name or address"],
    [{ DB_PORT: '0' }, "DB_PORT '0' must be a port number"],
    [{ DB_FLAVOUR: 'postgres' }, "DB_FLAVOUR 'postgres' must be mariadb or mysql"],
    [{ KEEP_LAST: '0' }, "KEEP_LAST '0' must be a whole number >= 1"],
    [{ LOCK_STALE_SECONDS: '0' }, "LOCK_STALE_SECONDS '0' must be a whole number of seconds >= 1"],
    [{ MYSQL_PWD_FILE: '/nonexistent/password' }, "MYSQL_PWD_FILE '/nonexistent/password' is not readable"],
    [{ MYSQL_PWD: 'two\nlines' }, 'the password holds a line break'],
  ])('bad configuration %j exits 2', async (settings, message) => {
    const result = await runScript(SCRIPT, env(settings));

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(list(backups)).toEqual([]);
  });
});
