// Runs src/backups/scripts/logical-backup-postgres.sh against a real PostgreSQL server (Debian packages; see
// .ci/postgres.sh), started for this file in a temporary directory and removed afterwards.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ThrowawayPostgres } from './support/postgres';
import { list, nextSecond, runScript, startScript, tempDir, until } from './support/run-script';

const SCRIPT = 'logical-backup-postgres.sh';
const RUN = /^\d{8}T\d{6}Z-r[0-9a-f]{8}$/;
const LOCK = '.rwop-backup.lock';
const REPORTS_DUMP = `%${Buffer.from('reports 2024').toString('hex')}.dump`;

let pg: ThrowawayPostgres;
let work: { path: string; cleanup: () => void };
/** The backup claim's mount: its own directory, beside the test's other files. */
let backups: string;

beforeAll(async () => {
  pg = await ThrowawayPostgres.start();
  pg.sql("CREATE ROLE shop_owner LOGIN PASSWORD 'owner-secret'");
  pg.sql('CREATE DATABASE shop OWNER shop_owner');
  pg.sql('CREATE DATABASE "reports 2024"');
  pg.sql(`
    SET ROLE shop_owner;
    CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE, note text);
    CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int REFERENCES customers, total numeric(10,2),
                         placed_at timestamptz, items jsonb);
    CREATE TABLE blobs (id int PRIMARY KEY, data bytea);
    INSERT INTO customers (name, email, note)
      SELECT 'customer ' || g, 'c' || g || '@example.test', CASE WHEN g % 3 = 0 THEN NULL ELSE 'note é ✓ ' || g END
      FROM generate_series(1, 500) g;
    INSERT INTO orders (customer_id, total, placed_at, items)
      SELECT 1 + g % 500, g * 1.25, '2025-01-01'::timestamptz + g * interval '1 hour', jsonb_build_object('sku', g, 'qty', g % 7)
      FROM generate_series(1, 2000) g;
    INSERT INTO blobs SELECT g, decode(md5(g::text), 'hex') FROM generate_series(1, 100) g;
    CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 1000;`, 'shop');
  pg.sql('CREATE TABLE daily (day date PRIMARY KEY, visits int); INSERT INTO daily SELECT d, 7 FROM generate_series(\'2024-01-01\'::date, \'2024-12-31\', \'1 day\') d', 'reports 2024');
});

afterAll(() => {
  pg?.stop();
});

beforeEach(() => {
  work = tempDir('logical-backup');
  backups = join(work.path, 'backups');
  mkdirSync(backups);
});

afterEach(() => {
  work.cleanup();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { ...pg.clientEnv(), BACKUP_ROOT: backups, ...extra };
}

/** Row fingerprints of the seeded data. */
function fingerprint(): Record<string, string> {
  const table = (name: string, database: string, order: string): string =>
    pg.sql(`SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY ${order}), '')) FROM ${name} t`, database);
  return {
    customers: table('customers', 'shop', 'id'),
    orders: table('orders', 'shop', 'id'),
    blobs: table('blobs', 'shop', 'id'),
    bigOrders: table('big_orders', 'shop', 'id'),
    daily: table('daily', 'reports 2024', 'day'),
    owner: pg.sql("SELECT tableowner FROM pg_tables WHERE tablename = 'orders'", 'shop'),
    nextCustomer: pg.sql('SELECT last_value FROM customers_id_seq', 'shop'),
  };
}

/** Complete runs (with the COMPLETE marker) under the backup root. */
function completeRuns(): string[] {
  return list(backups).filter(entry => RUN.test(entry) && existsSync(join(backups, entry, 'COMPLETE')));
}

/** A directory of wrappers that put `tool` on PATH in front of the real one. */
function wrapper(tool: string, body: string): string {
  const dir = join(work.path, 'bin');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, tool);
  writeFileSync(file, `#!/bin/sh\nset -eu\nREAL=${join(pg.bin, tool)}\n${body}\n`);
  chmodSync(file, 0o755);
  return dir;
}

describe('logical-backup-postgres.sh', () => {
  test('dumps globals and every database, verified and checksummed; a restore gives back the rows and the role', async () => {
    const before = fingerprint();
    const passwordFile = join(work.path, 'password');
    writeFileSync(passwordFile, `${pg.password}\n`);
    const result = await runScript(SCRIPT, env({ PGPASSWORD: '', PGPASSWORD_FILE: passwordFile }), [pg.bin]);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const runs = completeRuns();
    expect(runs).toHaveLength(1);
    expect(list(backups)).toEqual(runs);
    const run = join(backups, runs[0]);
    expect(list(run)).toEqual(['%7265706f7274732032303234.dump', 'COMPLETE', 'SHA256SUMS', 'globals.sql', 'postgres.dump', 'shop.dump']);
    expect(REPORTS_DUMP).toBe('%7265706f7274732032303234.dump');
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: run, encoding: 'utf8' })).toBe(
      `globals.sql: OK\n${REPORTS_DUMP}: OK\npostgres.dump: OK\nshop.dump: OK\n`);
    expect(readFileSync(join(run, 'COMPLETE'), 'utf8')).toContain('databases=3');
    expect(readFileSync(join(run, 'globals.sql'), 'utf8')).toMatch(/CREATE ROLE shop_owner;/);

    // Restore into fresh databases, with the role recreated from globals.sql.
    pg.sql('DROP DATABASE shop');
    pg.sql('DROP DATABASE "reports 2024"');
    pg.sql('DROP ROLE shop_owner');
    pg.tool('psql', ['-X', '-q', '-d', 'postgres', '-f', join(run, 'globals.sql')]);
    pg.tool('pg_restore', ['--create', '--exit-on-error', '-d', 'postgres', join(run, 'shop.dump')]);
    pg.tool('pg_restore', ['--create', '--exit-on-error', '-d', 'postgres', join(run, REPORTS_DUMP)]);

    expect(fingerprint()).toEqual(before);
    expect(before.customers).toMatch(/^500:/);
    expect(before.owner).toBe('shop_owner');
    // The role's password came back too: the owner can log in with it.
    expect(pg.tool('psql', ['-X', '-A', '-t', '-U', 'shop_owner', '-d', 'shop', '-c', 'SELECT current_user'], { PGPASSWORD: 'owner-secret' }).trim()).toBe('shop_owner');
  });

  test('a role that is not a superuser (pg_read_all_data) dumps everything; NO_ROLE_PASSWORDS leaves the password hashes out', async () => {
    pg.sql("DROP ROLE IF EXISTS backup_reader; CREATE ROLE backup_reader LOGIN PASSWORD 'reader-secret' IN ROLE pg_read_all_data");
    const asReader = { PGUSER: 'backup_reader', PGPASSWORD: 'reader-secret', DATABASES: 'shop' };
    const withHashes = await runScript(SCRIPT, env(asReader), [pg.bin]);
    expect(withHashes.code).toBe(0);
    const [first] = completeRuns();
    expect(readFileSync(join(backups, first, 'globals.sql'), 'utf8')).toMatch(/ALTER ROLE shop_owner WITH .*PASSWORD 'SCRAM-SHA-256\$/);

    const result = await runScript(SCRIPT, env({ ...asReader, NO_ROLE_PASSWORDS: 'true' }), [pg.bin]);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const second = completeRuns().find(run => run !== first)!;
    expect(list(join(backups, second))).toEqual(['COMPLETE', 'SHA256SUMS', 'globals.sql', 'shop.dump']);
    const globals = readFileSync(join(backups, second, 'globals.sql'), 'utf8');
    expect(globals).toMatch(/CREATE ROLE shop_owner;/);
    expect(globals).not.toMatch(/PASSWORD/);
    expect(pg.tool('pg_restore', ['--list', join(backups, second, 'shop.dump')])).toMatch(/TABLE DATA public orders shop_owner/);
  });

  test('keeps the newest KEEP_LAST complete runs and never touches what is not a run', async () => {
    mkdirSync(join(backups, 'lost+found'));
    mkdirSync(join(backups, '20200101T000000Z-manual'));
    writeFileSync(join(backups, 'README'), 'backups of shop\n');
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const result = await runScript(SCRIPT, env({ KEEP_LAST: '2', DATABASES: 'shop' }), [pg.bin]);
      expect(result.code).toBe(0);
      made.push(result.stdout.match(/run (\S+) complete/)![1]);
      await nextSecond();
    }

    expect(completeRuns().sort()).toEqual(made.slice(1).sort());
    expect(list(backups)).toEqual(['20200101T000000Z-manual', 'README', 'lost+found', ...made.slice(1)].sort());
    expect(list(join(backups, made[2]))).toEqual(['COMPLETE', 'SHA256SUMS', 'globals.sql', 'shop.dump']);
  });

  test('a run killed halfway leaves nothing that counts as a backup, and the next run removes its leftovers', async () => {
    // A session holds a lock on a table of the last database, so pg_dump stops halfway through the run.
    const locker = pg.session('BEGIN; LOCK TABLE orders IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(120);', 'shop');
    let holder = 0;
    try {
      await until(() => pg.sql("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'orders' AND l.mode = 'AccessExclusiveLock' AND l.granted", 'shop') === '1');

      const running = startScript(SCRIPT, env(), [pg.bin]);
      holder = running.child.pid!;
      await until(() => pg.sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pg_dump' AND wait_event_type = 'Lock'") === '1');
      process.kill(-running.child.pid!, 'SIGKILL');
      const killed = await running.done;
      expect(killed.signal).toBe('SIGKILL');

      // The killed run left its partial directory and its lock.
      const left = list(backups);
      expect(left).toHaveLength(2);
      expect(left[0]).toBe(LOCK);
      const partial = left[1];
      expect(partial).toMatch(/^\d{8}T\d{6}Z-r[0-9a-f]{8}\.partial$/);
      expect(list(join(backups, partial))).toEqual(expect.arrayContaining(['globals.sql', 'postgres.dump', REPORTS_DUMP]));
      expect(list(join(backups, partial))).not.toContain('COMPLETE');
      expect(completeRuns()).toEqual([]);
    } finally {
      locker.kill('SIGKILL');
      pg.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(120)%' AND pid <> pg_backend_pid()");
    }

    // Also a run directory that lost its marker (e.g. copied back by hand): not a backup either.
    mkdirSync(join(backups, '20240101T000000Z'));
    writeFileSync(join(backups, '20240101T000000Z', 'shop.dump'), 'an old run without its COMPLETE marker');
    const next = await runScript(SCRIPT, env(), [pg.bin]);

    expect(next.code).toBe(0);
    expect(next.stdout).toMatch(new RegExp(`take over the stale lock ${LOCK}: its holder, pid ${holder} on \\S+, is gone`));
    expect(next.stdout).toMatch(/remove \d{8}T\d{6}Z-r[0-9a-f]{8}\.partial: left by a run that did not finish/);
    expect(next.stdout).toContain('remove 20240101T000000Z: no COMPLETE marker, not a backup');
    expect(list(backups)).toEqual(completeRuns());
    expect(completeRuns()).toHaveLength(1);
  });

  test('with LOCK_WAIT_TIMEOUT a dump blocked by a lock fails instead of hanging, and leaves nothing', async () => {
    const locker = pg.session('BEGIN; LOCK TABLE orders IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(120);', 'shop');
    try {
      await until(() => pg.sql("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'orders' AND l.mode = 'AccessExclusiveLock' AND l.granted", 'shop') === '1');
      const result = await runScript(SCRIPT, env({ DATABASES: 'shop', LOCK_WAIT_TIMEOUT: '1s' }), [pg.bin]);

      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/canceling statement due to statement timeout[\s\S]*LOCK TABLE/);
      expect(result.stderr).toContain("pg_dump of database 'shop' failed");
      expect(list(backups)).toEqual([]);
    } finally {
      locker.kill('SIGKILL');
      pg.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(120)%' AND pid <> pg_backend_pid()");
    }
  });

  test('a failing pg_dump fails the run, removes its own partial run and leaves the earlier backups alone', async () => {
    const first = await runScript(SCRIPT, env({ DATABASES: 'shop' }), [pg.bin]);
    expect(first.code).toBe(0);
    const earlier = completeRuns();

    const bin = wrapper('pg_dump', [
      'for arg in "$@"; do case $arg in --file=*) out=${arg#--file=} ;; esac; done',
      '"$REAL" "$@"',
      'head -c 300 "$out" > "$out.half" && mv "$out.half" "$out"',
      'echo "pg_dump: error: could not write to output file: No space left on device" >&2',
      'exit 1',
    ].join('\n'));
    const result = await runScript(SCRIPT, env({ DATABASES: 'shop', KEEP_LAST: '1' }), [bin, pg.bin]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No space left on device');
    expect(result.stderr).toContain("pg_dump of database 'shop' failed");
    expect(list(backups)).toEqual(earlier);
    expect(completeRuns()).toEqual(earlier);
  });

  test.each([
    ['truncated (its table of contents still reads)', 'size=$(wc -c < "$out"); head -c $((size / 2)) "$out" > "$out.x"', 'pg_restore cannot read its data'],
    ['garbage from the first byte', 'printf "not a dump at all" > "$out.x"', 'pg_restore --list cannot read it'],
  ])('a corrupt dump, %s, fails verification with exit 3 and is never marked complete', async (_, corrupt, message) => {
    const bin = wrapper('pg_dump', [
      'for arg in "$@"; do case $arg in --file=*) out=${arg#--file=} ;; esac; done',
      '"$REAL" "$@"',
      `${corrupt} && mv "$out.x" "$out"`,
    ].join('\n'));
    const result = await runScript(SCRIPT, env({ DATABASES: 'shop' }), [bin, pg.bin]);

    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`the dump of database 'shop' failed verification: ${message}`);
    expect(list(backups)).toEqual([]);
  });

  test('a wrong password fails with exit 1 and leaves nothing behind', async () => {
    const result = await runScript(SCRIPT, env({ PGPASSWORD: 'wrong' }), [pg.bin]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('password authentication failed for user "postgres"');
    expect(result.stderr).toContain(`cannot list the databases on 127.0.0.1:${pg.port} as postgres`);
    expect(list(backups)).toEqual([]);
  });

  test.each([
    [{ BACKUP_ROOT: '' }, 'BACKUP_ROOT is empty'],
    [{ BACKUP_ROOT: '/nonexistent/backups' }, "BACKUP_ROOT '/nonexistent/backups' is not a directory"],
    [{ PGHOST: '' }, 'PGHOST is empty'],
    [{ KEEP_LAST: '0' }, "KEEP_LAST '0' must be a whole number >= 1"],
    [{ PGPASSWORD_FILE: '/nonexistent/password' }, "PGPASSWORD_FILE '/nonexistent/password' is not readable"],
    [{ LOCK_WAIT_TIMEOUT: '5 min; rm' }, 'is not a duration like 5min'],
    [{ NO_ROLE_PASSWORDS: 'yes' }, "NO_ROLE_PASSWORDS 'yes' must be true or false"],
  ])('bad configuration %j exits 2', async (settings, message) => {
    const result = await runScript(SCRIPT, env(settings), [pg.bin]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(list(backups)).toEqual([]);
  });
});

describe('logical-backup-postgres.sh: retention and concurrency', () => {
  /** A complete run left by an earlier run (its dump is a stand-in: retention never reads it). */
  function seedCompleteRun(name: string, finished: string): void {
    mkdirSync(join(backups, name));
    writeFileSync(join(backups, name, 'shop.dump'), 'an earlier dump');
    writeFileSync(join(backups, name, 'COMPLETE'), `run=${name}\nfinished=${finished}\ndatabases=1\nhost=db\n`);
  }

  function lockFile(fields: Record<string, string | number>): void {
    writeFileSync(join(backups, LOCK), Object.entries(fields).map(([key, value]) => `${key}=${value}\n`).join(''));
  }

  const madeBy = (stdout: string): string => stdout.match(/run (\S+) complete/)![1];

  test('a run named and finished in the future (a node clock ahead) never makes a new run delete itself', async () => {
    seedCompleteRun('20991231T000000Z', '2099-12-31T00:05:00Z');
    const first = await runScript(SCRIPT, env({ KEEP_LAST: '1', DATABASES: 'shop' }), [pg.bin]);
    expect(first.code).toBe(0);
    const firstRun = madeBy(first.stdout);
    // The newest by its marker is the future one; the run just made is kept all the same.
    expect(completeRuns().sort()).toEqual([firstRun]);
    expect(list(backups)).toEqual(['20991231T000000Z', firstRun].sort());
    expect(first.stdout).toContain(`keep ${firstRun}: made by this run`);

    const second = await runScript(SCRIPT, env({ KEEP_LAST: '1', DATABASES: 'shop' }), [pg.bin]);
    expect(second.code).toBe(0);
    const secondRun = madeBy(second.stdout);
    expect(list(backups)).toEqual(['20991231T000000Z', secondRun].sort());
    expect(second.stdout).toContain(`remove ${firstRun}: finished `);
  });

  test('runs are ordered by the finished time in their marker, not by their names', async () => {
    seedCompleteRun('20991231T000000Z', '2024-06-01T00:00:00Z');
    seedCompleteRun('20240101T000000Z-r0123abcd', '2024-07-01T00:00:00Z');
    const result = await runScript(SCRIPT, env({ KEEP_LAST: '2', DATABASES: 'shop' }), [pg.bin]);

    expect(result.code).toBe(0);
    const run = madeBy(result.stdout);
    expect(list(backups)).toEqual(['20240101T000000Z-r0123abcd', run].sort());
    expect(result.stdout).toContain('remove 20991231T000000Z: finished 20240601T000000Z, older than the newest KEEP_LAST=2');
  });

  test('a second run while the first is dumping exits 4 and leaves the first one\'s directory alone', async () => {
    const locker = pg.session('BEGIN; LOCK TABLE orders IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(120);', 'shop');
    let first: ReturnType<typeof startScript> | undefined;
    try {
      await until(() => pg.sql("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'orders' AND l.mode = 'AccessExclusiveLock' AND l.granted", 'shop') === '1');
      first = startScript(SCRIPT, env({ DATABASES: 'shop' }), [pg.bin]);
      await until(() => pg.sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pg_dump' AND wait_event_type = 'Lock'") === '1');
      const inProgress = list(backups).filter(entry => entry.endsWith('.partial'));
      expect(inProgress).toHaveLength(1);

      const second = await runScript(SCRIPT, env({ DATABASES: 'shop' }), [pg.bin]);

      expect(second.code).toBe(4);
      expect(second.stderr).toMatch(new RegExp(`another run holds the lock .*${LOCK.replace('.', '\\.')} \\(pid ${first.child.pid} on ${hostname()}, since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)`));
      expect(list(backups)).toEqual([LOCK, ...inProgress]);
    } finally {
      locker.kill('SIGKILL');
      pg.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(120)%' AND pid <> pg_backend_pid()");
    }
    const firstResult = await first!.done;
    expect(firstResult.code).toBe(0);
    expect(list(backups)).toEqual([madeBy(firstResult.stdout)]);
  });

  test('a fresh lock held on another host stops the run: exit 4, nothing touched', async () => {
    lockFile({ pid: 1, host: 'backup-other-pod', started: '2025-01-31T02:00:00Z', started_epoch: Math.floor(Date.now() / 1000) - 60, token: 'abcdef01' });
    mkdirSync(join(backups, '20250131T020000Z-r00000001.partial'));
    const result = await runScript(SCRIPT, env({ DATABASES: 'shop' }), [pg.bin]);

    expect(result.code).toBe(4);
    expect(result.stderr).toContain('(pid 1 on backup-other-pod, since 2025-01-31T02:00:00Z): nothing done');
    expect(list(backups)).toEqual([LOCK, '20250131T020000Z-r00000001.partial']);
  });

  test('a lock older than LOCK_STALE_SECONDS is taken over with a log line, and released at the end', async () => {
    lockFile({ pid: 1, host: 'backup-other-pod', started: '2025-01-31T02:00:00Z', started_epoch: Math.floor(Date.now() / 1000) - 7200, token: 'abcdef01' });
    const result = await runScript(SCRIPT, env({ DATABASES: 'shop', LOCK_STALE_SECONDS: '3600' }), [pg.bin]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`take over the stale lock ${LOCK}: taken at 2025-01-31T02:00:00Z, more than LOCK_STALE_SECONDS=3600 ago`);
    expect(list(backups)).toEqual(completeRuns());
  });

  test('two runs started in the same second get directories of their own', async () => {
    // A clock stuck on one second: both runs see the same time.
    const bin = join(work.path, 'frozen-clock');
    mkdirSync(bin);
    writeFileSync(join(bin, 'date'), '#!/bin/sh\nfor arg in "$@"; do case $arg in +%Y%m%dT%H%M%SZ) echo 20250131T020000Z; exit 0 ;; esac; done\nexec /bin/date "$@"\n', { mode: 0o755 });
    const runs: string[] = [];
    for (let i = 0; i < 2; i++) {
      const result = await runScript(SCRIPT, env({ DATABASES: 'shop', KEEP_LAST: '2' }), [bin, pg.bin]);
      expect(result.code).toBe(0);
      runs.push(madeBy(result.stdout));
    }

    expect(runs[0]).not.toBe(runs[1]);
    expect(runs.every(run => run.startsWith('20250131T020000Z-r'))).toBe(true);
    expect(completeRuns().sort()).toEqual([...runs].sort());
  }, 60_000);

  test('LOCK_STALE_SECONDS must be a whole number of seconds >= 1', async () => {
    const result = await runScript(SCRIPT, env({ LOCK_STALE_SECONDS: '0' }), [pg.bin]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("LOCK_STALE_SECONDS '0' must be a whole number of seconds >= 1");
  });
});
