#!/bin/sh
# logical-backup-mysql.sh: one run of a cdk8s-rwop LogicalBackupSchedule for MariaDB or MySQL. It needs the server's
# client and dump tool (MariaDB: mariadb and mariadb-dump; MySQL: mysql and mysqldump), gzip and a POSIX shell with the
# usual utilities (busybox or GNU coreutils: date, grep, head, mktemp, mv, rm, od, sed, sha256sum, sync, tail). It
# connects over the network and never mounts the data claim: BACKUP_ROOT is the mount of a claim of its own.
#
# One run:
#   0. takes the lock BACKUP_ROOT/.rwop-backup.lock (see Concurrency), released when the run ends;
#   1. removes leftovers of earlier runs that were killed (directories <run>.partial, or <run> without COMPLETE);
#   2. in BACKUP_ROOT/<run>.partial/, dumps the users and their grants into users.sql, and each database (the system
#      schemas information_schema, performance_schema, sys and mysql excepted) with
#      `<dump> --single-transaction --routines --events --triggers --hex-blob --databases <name>` into
#      <database>.sql.gz. Each file is written under a .tmp name, verified by reading it back (gzip's check, the dump
#      header in the first lines, the closing "-- Dump completed" line that the dump tool writes last), and only then
#      renamed;
#   3. writes SHA256SUMS (sha256sum format), then the COMPLETE marker, then renames the directory to <run>;
#   4. keeps the newest KEEP_LAST complete runs and removes older ones (only after this run completed, see Retention).
# A run directory without COMPLETE never counts as a backup. <run> is the UTC start time and a random suffix,
# YYYYMMDDTHHMMSSZ-r<8 hex digits>, unique even for runs started in the same second; a database name outside
# [A-Za-z0-9_.-] (or starting with ".") is stored as %<hex of its UTF-8 bytes>.sql.gz.
#
# Users and grants:
#   mariadb  `mariadb-dump --system=users --insert-ignore`: CREATE USER IF NOT EXISTS, GRANT and default roles of every
#            user and role, password hashes included.
#   mysql    mysqldump has no --system option (and mysqlpump is gone from MySQL 8.4): SHOW CREATE USER (hashes in hex,
#            print_identified_with_as_hex) and SHOW GRANTS for every account but MySQL's own locked system accounts,
#            written as CREATE USER IF NOT EXISTS and GRANT statements.
# Restore: `mariadb < users.sql`, then `gunzip -c <database>.sql.gz | mariadb` (each dump creates its database); with
# MySQL, the same with `mysql`. Restore a MariaDB dump with a MariaDB client: recent mariadb-dump versions open their
# files with a sandbox-mode line that MySQL's client refuses. Tables are consistent with --single-transaction only on a
# transactional engine (InnoDB); a table changed by DDL during the dump can make the run fail, and the next run tries
# again.
#
# COMPLETE holds key=value lines: run, finished (UTC, YYYY-MM-DDTHH:MM:SSZ), databases, host, flavour.
# Retention: runs are ordered by the finished time in COMPLETE (a run without a readable time by the time in its name),
# never by name alone, so a run named by a clock that was ahead does not outlive newer ones. A run never removes the
# directory it has just made, and removes nothing when it fails: the newest complete run always survives.
#
# Environment:
#   BACKUP_ROOT        directory of the backup claim (must exist and be writable).
#   DB_FLAVOUR         mariadb (default) or mysql: which client names and users dump to use.
#   DB_HOST, DB_PORT   the database Service (DB_PORT default 3306).
#   DB_USER            account to dump as (default root); it needs SELECT, SHOW VIEW, TRIGGER, EVENT, LOCK TABLES,
#                      PROCESS and read access to mysql.user (for the users), e.g. the root account.
#   MYSQL_PWD          password, e.g. from the Secret through secretKeyRef; or
#   MYSQL_PWD_FILE     a file holding it (e.g. the Secret mounted as a volume; trailing newlines are ignored).
#                      Either way it reaches the clients through an option file (mode 0600, in a directory of its own
#                      under TMPDIR, removed at the end), never on a command line, and MYSQL_PWD is unset for them.
#   DATABASES          space-separated databases to dump (default: every database but the system schemas).
#   KEEP_LAST          complete runs to keep (default 7, at least 1).
#   LOCK_STALE_SECONDS age after which a lock counts as abandoned (default 86400; the schedule sets the Job's
#                      activeDeadlineSeconds, past which its pod has been stopped).
#
# Exit codes: 0 success   1 connection or dump failure   2 bad configuration   3 a dump failed verification
#   4 another run holds the lock
# Concurrency: one run at a time per BACKUP_ROOT (CronJob concurrencyPolicy: Forbid; a ReadWriteOncePod backup claim),
# and a lock file for what those cannot rule out (a Job started by hand, a claim shared by two schedules). The lock,
# BACKUP_ROOT/.rwop-backup.lock, is created atomically and holds the holder's pid, host (uname -n), start time and a
# random token. A later run takes over a lock, with a log line, when it is stale: older than LOCK_STALE_SECONDS, or held
# by a process on this host that no longer exists. Otherwise it exits 4 and touches nothing.
# Files are created with umask 077: give the pod an fsGroup or runAsUser that owns BACKUP_ROOT.
set -eu
umask 077

readonly SCRIPT_NAME=logical-backup-mysql
# The lock, the run directories, the marker and the retention, shared with the other logical backup script.
# Only from the script's own directory, never the working directory (which may be the writable backup claim).
case $0 in
  */*) script_dir=${0%/*} ;;
  *) printf '%s: %s\n' "$SCRIPT_NAME" "run it by its path (e.g. sh /path/to/$SCRIPT_NAME.sh), so that logical-backup-common.sh is read from its directory" >&2; exit 2 ;;
esac
[ -r "$script_dir/logical-backup-common.sh" ] ||
  { printf '%s: %s\n' "$SCRIPT_NAME" "logical-backup-common.sh is missing next to the script in $script_dir" >&2; exit 2; }
# shellcheck source-path=SCRIPTDIR source=logical-backup-common.sh
. "$script_dir/logical-backup-common.sh"

# The first lines of a dump name the tool; the tool writes the closing line last, after everything else.
readonly DUMP_HEADER='^-- (MariaDB|MySQL) dump'
readonly DUMP_TRAILER='^-- Dump completed'
# MySQL's own accounts, locked and present in every server: never restored from a dump.
readonly SYSTEM_ACCOUNTS="'mysql.sys', 'mysql.session', 'mysql.infoschema', 'mariadb.sys'"

# A value for an option file: double-quoted, with backslashes and double quotes escaped.
option_value() {
  printf '"%s"\n' "$(printf '%s' "$1" | sed 's/[\\"]/\\&/g')"
}

# Runs the client with the run's connection options; the rest of the arguments are the client's.
client() {
  "$CLIENT" --defaults-extra-file="$options" "$@"
}

# Why dump file $1 (gzip) is not a complete dump (printed), or nothing when it reads back whole.
dump_defect() {
  if ! gzip -t -- "$1" 2>/dev/null; then
    echo "gzip cannot read it back"
    return 0
  fi
  if ! gzip -dc -- "$1" | head -n 5 | grep -Eq "$DUMP_HEADER"; then
    echo "its dump header is missing"
  elif ! gzip -dc -- "$1" | tail -n 1 | grep -q "$DUMP_TRAILER"; then
    echo 'its closing "-- Dump completed" line is missing: the dump stopped early'
  fi
}

# Runs the dump tool with the run's connection options and the given arguments, gzipped into file $1.
dump_to() {
  dt_out=$1
  shift
  rm -f -- "$private_dir/status"
  {
    dt_status=0
    "$DUMP" --defaults-extra-file="$options" "$@" || dt_status=$?
    echo "$dt_status" >"$private_dir/status"
  } | gzip -c >"$dt_out" || return 1
  dt_status=''
  read -r dt_status <"$private_dir/status" 2>/dev/null || true
  [ "$dt_status" = 0 ]
}

# --- configuration ---------------------------------------------------------------------------------------------------

DB_FLAVOUR=${DB_FLAVOUR:-mariadb}
DB_PORT=${DB_PORT:-3306}
DB_USER=${DB_USER:-root}

check_backup_root
case $DB_FLAVOUR in
  mariadb) CLIENT=mariadb DUMP=mariadb-dump ;;
  mysql) CLIENT=mysql DUMP=mysqldump ;;
  *) fail 2 "configuration: DB_FLAVOUR '$DB_FLAVOUR' must be mariadb or mysql" ;;
esac
[ -n "${DB_HOST:-}" ] || fail 2 "configuration: DB_HOST is empty: name the database Service"
case $DB_HOST in *[!A-Za-z0-9.:_-]*) fail 2 "configuration: DB_HOST '$DB_HOST' is not a host name or address" ;; esac
{ is_uint "$DB_PORT" && [ "$DB_PORT" -ge 1 ] && [ "$DB_PORT" -le 65535 ]; } || fail 2 "configuration: DB_PORT '$DB_PORT' must be a port number"
case $DB_USER in '' | *[![:print:]]*) fail 2 "configuration: DB_USER must be a user name of printable characters" ;; esac
check_run_settings
if [ -n "${MYSQL_PWD_FILE:-}" ]; then
  [ -r "$MYSQL_PWD_FILE" ] || fail 2 "configuration: MYSQL_PWD_FILE '$MYSQL_PWD_FILE' is not readable"
  MYSQL_PWD=$(cat -- "$MYSQL_PWD_FILE")
fi
password=${MYSQL_PWD:-}
unset MYSQL_PWD
case $password in *'
'*) fail 2 "configuration: the password holds a line break, which an option file cannot carry" ;; esac
command -v "$CLIENT" >/dev/null || fail 2 "configuration: $CLIENT is not on PATH: use an image of the $DB_FLAVOUR server"
command -v "$DUMP" >/dev/null || fail 2 "configuration: $DUMP is not on PATH: use an image of the $DB_FLAVOUR server"

# The connection options, password included, in a file only this user can read.
private_dir=$(mktemp -d) || fail 2 "configuration: cannot create a directory under ${TMPDIR:-/tmp} for the option file"
options="$private_dir/client.cnf"
{
  printf '[client]\nhost=%s\nport=%s\nprotocol=tcp\n' "$DB_HOST" "$DB_PORT"
  printf 'user=%s\n' "$(option_value "$DB_USER")"
  if [ -n "$password" ]; then printf 'password=%s\n' "$(option_value "$password")"; fi
} >"$options"

take_lock

# --- leftovers of killed runs ----------------------------------------------------------------------------------------

remove_leftovers

# --- dump ------------------------------------------------------------------------------------------------------------

if [ -n "${DATABASES:-}" ]; then
  databases=$DATABASES
else
  listing=$(client --batch --skip-column-names --raw -e \
    "SELECT IF(schema_name REGEXP '[[:cntrl:]]', 'x', CONCAT('n ', schema_name)) FROM information_schema.schemata
     WHERE schema_name NOT IN ('information_schema', 'performance_schema', 'sys', 'mysql') ORDER BY schema_name") ||
    fail 1 "cannot list the databases on $DB_HOST:$DB_PORT as $DB_USER"
  databases=''
  while IFS= read -r line; do
    case $line in
      '') ;;
      x) fail 1 "a database name contains control characters: name the databases to dump in DATABASES" ;;
      *) databases="$databases
${line#n }" ;;
    esac
  done <<LIST
$listing
LIST
fi

start_run
log "run $run: dumping from $DB_HOST:$DB_PORT ($DB_FLAVOUR) as $DB_USER into $partial"

users_tmp="$partial/users.sql.tmp"
if [ "$DB_FLAVOUR" = mariadb ]; then
  "$DUMP" --defaults-extra-file="$options" --system=users --insert-ignore --result-file="$users_tmp" ||
    fail 1 "$DUMP --system=users failed"
else
  statements=$(client --batch --skip-column-names --raw -e \
    "SELECT CONCAT('SHOW CREATE USER ', QUOTE(user), '@', QUOTE(host), '; SHOW GRANTS FOR ', QUOTE(user), '@', QUOTE(host), ';')
     FROM mysql.user WHERE NOT (user IN ($SYSTEM_ACCOUNTS) AND host = 'localhost') ORDER BY user, host") ||
    fail 1 "cannot list the users on $DB_HOST:$DB_PORT as $DB_USER"
  client --batch --skip-column-names --raw -e "/*!80017 SET SESSION print_identified_with_as_hex = ON */; $statements" \
    >"$users_tmp.rows" || fail 1 "SHOW CREATE USER or SHOW GRANTS failed on $DB_HOST:$DB_PORT as $DB_USER"
  {
    printf -- '-- MySQL dump of users and grants from %s:%s\n' "$DB_HOST" "$DB_PORT"
    sed -e 's/^CREATE USER /CREATE USER IF NOT EXISTS /' -e 's/$/;/' "$users_tmp.rows"
    printf -- '-- Dump completed on %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } >"$users_tmp.body" || fail 1 "cannot write users.sql"
  rm -f -- "$users_tmp.rows"
  mv -- "$users_tmp.body" "$users_tmp"
fi
{ head -n 5 -- "$users_tmp" | grep -Eq "$DUMP_HEADER" && tail -n 1 -- "$users_tmp" | grep -q "$DUMP_TRAILER"; } ||
  fail 3 "users.sql failed verification: its dump header or closing \"-- Dump completed\" line is missing"
mv -- "$users_tmp" "$partial/users.sql"
log "dumped users.sql"

count=0
# Database names may contain spaces: read them line by line (DATABASES is split on blanks below).
case ${DATABASES:-} in
  '') list_ifs='
' ;;
  *) list_ifs=' 	
' ;;
esac
saved_ifs=$IFS
IFS=$list_ifs
set -f
# shellcheck disable=SC2086 # split on list_ifs on purpose
set -- $databases
set +f
IFS=$saved_ifs
for database in "$@"; do
  file=$(dump_file "$database" .sql.gz)
  tmp="$partial/$file.tmp"
  dump_to "$tmp" --single-transaction --routines --events --triggers --hex-blob --databases "$database" ||
    fail 1 "$DUMP of database '$database' failed"
  defect=$(dump_defect "$tmp")
  [ -z "$defect" ] || fail 3 "the dump of database '$database' failed verification: $defect"
  mv -- "$tmp" "$partial/$file"
  count=$((count + 1))
  log "dumped and verified $file (database '$database')"
done

write_checksums users.sql .sql.gz
complete_run "databases=$count" "host=$DB_HOST" "flavour=$DB_FLAVOUR"
log "run $run complete: users.sql and $count database dump(s)"

# --- retention: newest KEEP_LAST complete runs, by the finished time in their markers -------------------------------

apply_retention
exit 0
