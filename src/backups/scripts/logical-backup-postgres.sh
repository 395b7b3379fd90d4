#!/bin/sh
# logical-backup-postgres.sh: one run of a cdk8s-rwop LogicalBackupSchedule for PostgreSQL. It needs psql, pg_dump,
# pg_dumpall, pg_restore (the server's major version or newer) and a POSIX shell with the usual utilities (busybox or
# GNU coreutils: date, mv, rm, od, sha256sum, sync, tail). It connects over the network and never mounts the data claim:
# BACKUP_ROOT is the mount of a claim of its own.
#
# One run:
#   1. removes leftovers of earlier runs that were killed (directories <run>.partial, or <run> without COMPLETE);
#   2. in BACKUP_ROOT/<run>.partial/, dumps the globals (roles, tablespaces) with `pg_dumpall --globals-only` into
#      globals.sql and each non-template database that accepts connections with `pg_dump -Fc` into <database>.dump.
#      Each file is written under a .tmp name, verified (globals.sql: pg_dumpall's closing line; a dump: `pg_restore
#      --list` and a full read with `pg_restore -f /dev/null`), and only then renamed;
#   3. writes SHA256SUMS (sha256sum format), then the COMPLETE marker, then renames the directory to <run>;
#   4. keeps the newest KEEP_LAST complete runs and removes older ones (only after this run completed).
# A run directory without COMPLETE never counts as a backup. <run> is the UTC start time, YYYYMMDDTHHMMSSZ; a database
# name outside [A-Za-z0-9_.-] (or starting with ".") is stored as %<hex of its UTF-8 bytes>.dump.
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
#   NO_ROLE_PASSWORDS  "true": pg_dumpall --no-role-passwords, the role password hashes stay out of globals.sql (and
#                      a role that cannot read pg_authid, as on some managed servers, can dump); restored roles then
#                      have no password. Default "false".
#
# Exit codes: 0 success   1 connection or dump failure   2 bad configuration   3 a dump failed verification
# Concurrency: one run at a time per BACKUP_ROOT (CronJob concurrencyPolicy: Forbid; a ReadWriteOncePod backup claim).
# Files are created with umask 077: give the pod an fsGroup or runAsUser that owns BACKUP_ROOT.
set -eu
umask 077

readonly RUN_PATTERN='[0-9][0-9][0-9][0-9][01][0-9][0-3][0-9]T[0-2][0-9][0-5][0-9][0-6][0-9]Z'
readonly MARKER=COMPLETE

exit_code=0
partial=''
completed=false

log() {
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"
}

fail() {
  exit_code=$1
  shift
  printf 'logical-backup-postgres: %s\n' "$*" >&2
  exit "$exit_code"
}

# On any exit but success, this run's own partial directory goes (a SIGKILL leaves it to the next run).
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  if [ "$completed" != true ] && [ -n "$partial" ] && [ -d "$partial" ]; then
    rm -rf -- "$partial"
  fi
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

is_uint() {
  case $1 in '' | *[!0-9]*) return 1 ;; esac
}

# The file name for a database's dump.
dump_file() {
  case $1 in
    '' | .* | *[!A-Za-z0-9_.-]*) printf '%%%s.dump\n' "$(printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n')" ;;
    *) printf '%s.dump\n' "$1" ;;
  esac
}

# A libpq connection string naming database $1, quoted so that any name is taken literally.
conninfo() {
  printf "dbname='%s'\n" "$(printf '%s' "$1" | sed "s/[\\\\']/\\\\&/g")"
}

# --- configuration ---------------------------------------------------------------------------------------------------

BACKUP_ROOT=${BACKUP_ROOT:-}
KEEP_LAST=${KEEP_LAST:-7}
PGDATABASE=${PGDATABASE:-postgres}
export PGDATABASE
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-postgres}"

[ -n "$BACKUP_ROOT" ] || fail 2 "configuration: BACKUP_ROOT is empty: mount the backup claim and name its path"
[ -d "$BACKUP_ROOT" ] || fail 2 "configuration: BACKUP_ROOT '$BACKUP_ROOT' is not a directory"
[ -w "$BACKUP_ROOT" ] || fail 2 "configuration: BACKUP_ROOT '$BACKUP_ROOT' is not writable by uid $(id -u)"
[ -n "${PGHOST:-}" ] || fail 2 "configuration: PGHOST is empty: name the database Service"
{ is_uint "$KEEP_LAST" && [ "$KEEP_LAST" -ge 1 ]; } || fail 2 "configuration: KEEP_LAST '$KEEP_LAST' must be a whole number >= 1"
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

# --- leftovers of killed runs ----------------------------------------------------------------------------------------

for entry in "$BACKUP_ROOT"/*; do
  [ -d "$entry" ] || continue
  base=${entry##*/}
  # shellcheck disable=SC2254 # RUN_PATTERN is a pattern on purpose
  case $base in
    $RUN_PATTERN.partial)
      log "remove $base: left by a run that did not finish"
      rm -rf -- "$entry"
      ;;
    $RUN_PATTERN)
      if [ ! -f "$entry/$MARKER" ]; then
        log "remove $base: no $MARKER marker, not a backup"
        rm -rf -- "$entry"
      fi
      ;;
  esac
done

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

while :; do
  run=$(date -u +%Y%m%dT%H%M%SZ)
  # One run per second at most: names must sort in time order.
  if [ ! -e "$BACKUP_ROOT/$run" ] && [ ! -e "$BACKUP_ROOT/$run.partial" ]; then break; fi
  sleep 1
done
partial="$BACKUP_ROOT/$run.partial"
mkdir -- "$partial"
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
  file=$(dump_file "$database")
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

(
  cd "$partial"
  set --
  for file in *.dump; do
    if [ -f "$file" ]; then set -- "$@" "$file"; fi
  done
  sha256sum -- globals.sql "$@" >SHA256SUMS.tmp
  mv -- SHA256SUMS.tmp SHA256SUMS
) || fail 1 "cannot write SHA256SUMS"
sync
printf 'run=%s\nfinished=%s\ndatabases=%s\nhost=%s\n' "$run" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$count" "$PGHOST" \
  >"$partial/$MARKER.tmp"
mv -- "$partial/$MARKER.tmp" "$partial/$MARKER"
mv -- "$partial" "$BACKUP_ROOT/$run"
completed=true
sync
log "run $run complete: globals.sql and $count database dump(s)"

# --- retention: newest KEEP_LAST complete runs -----------------------------------------------------------------------

runs=''
for entry in "$BACKUP_ROOT"/*; do
  base=${entry##*/}
  # shellcheck disable=SC2254 # RUN_PATTERN is a pattern on purpose
  case $base in
    $RUN_PATTERN) if [ -f "$entry/$MARKER" ]; then runs="$runs$base
"; fi ;;
  esac
done
kept=0
for base in $(printf '%s' "$runs" | sort -r); do
  kept=$((kept + 1))
  if [ "$kept" -gt "$KEEP_LAST" ]; then
    log "remove $base: older than the newest KEEP_LAST=$KEEP_LAST complete runs"
    rm -rf -- "${BACKUP_ROOT:?}/$base"
  fi
done
exit 0
