#!/bin/sh
# logical-backup-postgres.sh: one run of a cdk8s-rwop LogicalBackupSchedule for PostgreSQL. It needs psql, pg_dump,
# pg_dumpall, pg_restore (the server's major version or newer) and a POSIX shell with the usual utilities (busybox or
# GNU coreutils: date, mv, rm, od, sha256sum, sync, tail). It connects over the network and never mounts the data claim:
# BACKUP_ROOT is the mount of a claim of its own.
#
# One run:
#   0. takes the lock BACKUP_ROOT/.rwop-backup.lock (see Concurrency), released when the run ends;
#   1. removes leftovers of earlier runs that were killed (directories <run>.partial, or <run> without COMPLETE);
#   2. in BACKUP_ROOT/<run>.partial/, dumps the globals (roles, tablespaces) with `pg_dumpall --globals-only` into
#      globals.sql and each non-template database that accepts connections with `pg_dump -Fc` into <database>.dump.
#      Each file is written under a .tmp name, verified (globals.sql: pg_dumpall's closing line; a dump: `pg_restore
#      --list` and a full read with `pg_restore -f /dev/null`), and only then renamed;
#   3. writes SHA256SUMS (sha256sum format), then the COMPLETE marker, then renames the directory to <run>;
#   4. keeps the newest KEEP_LAST complete runs and removes older ones (only after this run completed, see Retention).
# A run directory without COMPLETE never counts as a backup. <run> is the UTC start time and a random suffix,
# YYYYMMDDTHHMMSSZ-r<8 hex digits>, unique even for runs started in the same second; a database name outside
# [A-Za-z0-9_.-] (or starting with ".") is stored as %<hex of its UTF-8 bytes>.dump.
#
# COMPLETE holds key=value lines: run, finished (UTC, YYYY-MM-DDTHH:MM:SSZ), databases, host.
#
# Retention orders the complete runs by the finished time in their COMPLETE marker (runs without a readable one, from
# older versions, by the time in their name), newest first, and keeps the first KEEP_LAST. The run just made is never
# removed, nor the newest complete run, whatever the directory names or a node clock ahead of time say.
#
# Restore: `psql -f <run>/globals.sql postgres`, then `pg_restore --create -d postgres <run>/<database>.dump`
# (after `cd <run> && sha256sum -c SHA256SUMS`).
#
# Environment (BACKUP_ROOT and PGHOST are required):
#   BACKUP_ROOT        directory of the backup claim (must exist and be writable).
#   PGHOST, PGPORT     the database Service (PGPORT default 5432); any other libpq variable (PGSSLMODE,
#                      PGCONNECT_TIMEOUT...) is passed through.
#   PGUSER             role to dump as (default postgres): a superuser, or a role granted pg_read_all_data (PG 14+).
#   PGPASSWORD         password, e.g. from the Secret through secretKeyRef; or
#   PGPASSWORD_FILE    a file holding it (e.g. the Secret mounted as a volume; trailing newlines are ignored).
#   PGDATABASE         database to connect to for the list of databases and the globals (default postgres).
#   DATABASES          space-separated databases to dump (default: every non-template database accepting connections).
#   KEEP_LAST          complete runs to keep (default 7, at least 1).
#   LOCK_WAIT_TIMEOUT  passed to pg_dump --lock-wait-timeout (e.g. 5min): fail instead of waiting forever for a lock.
#   LOCK_STALE_SECONDS age after which a lock counts as abandoned (default 86400; the schedule sets the Job's
#                      activeDeadlineSeconds, past which its pod has been stopped).
#   NO_ROLE_PASSWORDS  "true": pg_dumpall --no-role-passwords, the role password hashes stay out of globals.sql (and
#                      a role that cannot read pg_authid, as on some managed servers, can dump); restored roles then
#                      have no password. Default "false".
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

readonly SCRIPT_NAME=logical-backup-postgres
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

# A libpq connection string naming database $1, quoted so that any name is taken literally.
conninfo() {
  printf "dbname='%s'\n" "$(printf '%s' "$1" | sed "s/[\\\\']/\\\\&/g")"
}

# --- configuration ---------------------------------------------------------------------------------------------------

PGDATABASE=${PGDATABASE:-postgres}
export PGDATABASE
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-postgres}"

check_backup_root
[ -n "${PGHOST:-}" ] || fail 2 "configuration: PGHOST is empty: name the database Service"
check_run_settings
if [ -n "${PGPASSWORD_FILE:-}" ]; then
  [ -r "$PGPASSWORD_FILE" ] || fail 2 "configuration: PGPASSWORD_FILE '$PGPASSWORD_FILE' is not readable"
  PGPASSWORD=$(cat -- "$PGPASSWORD_FILE")
  export PGPASSWORD
fi
no_role_passwords=''
case ${NO_ROLE_PASSWORDS:-false} in
  true) no_role_passwords=--no-role-passwords ;;
  false) ;;
  *) fail 2 "configuration: NO_ROLE_PASSWORDS '$NO_ROLE_PASSWORDS' must be true or false" ;;
esac
lock_wait=''
if [ -n "${LOCK_WAIT_TIMEOUT:-}" ]; then
  case $LOCK_WAIT_TIMEOUT in '' | *[!0-9a-z]*) fail 2 "configuration: LOCK_WAIT_TIMEOUT '$LOCK_WAIT_TIMEOUT' is not a duration like 5min" ;; esac
  lock_wait="--lock-wait-timeout=$LOCK_WAIT_TIMEOUT"
fi

take_lock

# --- leftovers of killed runs ----------------------------------------------------------------------------------------

remove_leftovers

# --- dump ------------------------------------------------------------------------------------------------------------

if [ -n "${DATABASES:-}" ]; then
  databases=$DATABASES
else
  listing=$(psql -X -A -t -v ON_ERROR_STOP=1 -c \
    "SELECT CASE WHEN datname ~ '[[:cntrl:]]' THEN 'x' ELSE 'n ' || datname END FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname") ||
    fail 1 "cannot list the databases on $PGHOST:$PGPORT as $PGUSER"
  databases=''
  while IFS= read -r line; do
    case $line in
      '') ;;
      x) fail 1 "a database name contains control characters: name the databases to dump in DATABASES" ;;
      *) databases="$databases
${line#n }" ;;
    esac
  done <<EOF
$listing
EOF
fi

start_run
log "run $run: dumping from $PGHOST:$PGPORT as $PGUSER into $partial"

# shellcheck disable=SC2086 # no_role_passwords is one option or nothing
pg_dumpall --globals-only --no-password $no_role_passwords -l "$PGDATABASE" -f "$partial/globals.sql.tmp" ||
  fail 1 "pg_dumpall --globals-only failed"
tail -n 3 "$partial/globals.sql.tmp" | grep -q 'PostgreSQL database cluster dump complete' ||
  fail 3 "globals.sql is incomplete: pg_dumpall's closing line is missing"
mv -- "$partial/globals.sql.tmp" "$partial/globals.sql"
log "dumped globals.sql"

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
  file=$(dump_file "$database" .dump)
  tmp="$partial/$file.tmp"
  # shellcheck disable=SC2086 # lock_wait is one option or nothing
  pg_dump --format=custom --no-password $lock_wait --file="$tmp" --dbname="$(conninfo "$database")" ||
    fail 1 "pg_dump of database '$database' failed"
  pg_restore --list "$tmp" >/dev/null ||
    fail 3 "the dump of database '$database' failed verification: pg_restore --list cannot read it"
  pg_restore --file=/dev/null "$tmp" ||
    fail 3 "the dump of database '$database' failed verification: pg_restore cannot read its data"
  mv -- "$tmp" "$partial/$file"
  count=$((count + 1))
  log "dumped and verified $file (database '$database')"
done

write_checksums globals.sql .dump
complete_run "databases=$count" "host=$PGHOST"
log "run $run complete: globals.sql and $count database dump(s)"

# --- retention: newest KEEP_LAST complete runs, by the finished time in their markers -------------------------------

apply_retention
exit 0
