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

readonly RUN_PATTERN='[0-9][0-9][0-9][0-9][01][0-9][0-3][0-9]T[0-2][0-9][0-5][0-9][0-6][0-9]Z'
readonly SUFFIX_PATTERN='r[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'
readonly MARKER=COMPLETE
readonly LOCK_NAME=.rwop-backup.lock

exit_code=0
partial=''
completed=false
lock=''
lock_token=''

log() {
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"
}

fail() {
  exit_code=$1
  shift
  printf 'logical-backup-postgres: %s\n' "$*" >&2
  exit "$exit_code"
}

# On any exit but success, this run's own partial directory goes (a SIGKILL leaves it to the next run); the lock goes
# if it is still ours.
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  if [ "$completed" != true ] && [ -n "$partial" ] && [ -d "$partial" ]; then
    rm -rf -- "$partial"
  fi
  if [ -n "$lock_token" ] && [ "$(lock_field token)" = "$lock_token" ]; then
    rm -f -- "$lock"
  fi
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

is_uint() {
  case $1 in '' | *[!0-9]*) return 1 ;; esac
}

# Eight random hex digits.
random_hex() {
  od -An -N4 -tx1 /dev/urandom | tr -d ' \n'
}

# The value of key $1 in the lock file ("" when absent or unreadable).
lock_field() {
  lf_value=''
  if [ -f "$lock" ]; then
    while IFS= read -r lf_line || [ -n "$lf_line" ]; do
      case $lf_line in "$1="*) lf_value=${lf_line#*=} ;; esac
    done <"$lock" 2>/dev/null || true
  fi
  printf '%s\n' "$lf_value"
}

# Why the present lock is stale (printed), or nothing when it is live.
stale_reason() {
  sr_started=$(lock_field started_epoch)
  sr_pid=$(lock_field pid)
  sr_host=$(lock_field host)
  if ! is_uint "$sr_started"; then
    echo "it holds no readable start time"
  elif [ $(($(date -u +%s) - sr_started)) -gt "$LOCK_STALE_SECONDS" ]; then
    echo "taken at $(lock_field started), more than LOCK_STALE_SECONDS=$LOCK_STALE_SECONDS ago"
  elif [ "$sr_host" = "$(uname -n)" ] && is_uint "$sr_pid" && ! kill -0 "$sr_pid" 2>/dev/null && [ ! -e "/proc/$sr_pid" ]; then
    echo "its holder, pid $sr_pid on $sr_host, is gone"
  fi
}

# Takes the lock or exits 4. The lock file is created with noclobber (O_EXCL), so of two runs only one succeeds.
take_lock() {
  lock="$BACKUP_ROOT/$LOCK_NAME"
  token=$(random_hex)
  for attempt in 1 2; do
    if (
      set -C
      printf 'pid=%s\nhost=%s\nstarted=%s\nstarted_epoch=%s\ntoken=%s\n' "$$" "$(uname -n)" \
        "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(date -u +%s)" "$token" >"$lock"
    ) 2>/dev/null; then
      lock_token=$token
      return 0
    fi
    [ "$attempt" -eq 1 ] || break
    reason=$(stale_reason)
    [ -n "$reason" ] || break
    log "take over the stale lock $LOCK_NAME: $reason"
    rm -f -- "$lock"
  done
  fail 4 "another run holds the lock $lock (pid $(lock_field pid) on $(lock_field host), since $(lock_field started)): nothing done"
}

# The ordering key of complete run $1: the finished time of its marker as YYYYMMDDTHHMMSSZ, else the time in its name.
finished_key() {
  fk_finished=''
  while IFS= read -r fk_line || [ -n "$fk_line" ]; do
    case $fk_line in finished=*) fk_finished=${fk_line#finished=} ;; esac
  done <"$BACKUP_ROOT/$1/$MARKER" 2>/dev/null || true
  case $fk_finished in
    [0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]Z)
      printf '%s\n' "$fk_finished" | tr -d ':-'
      ;;
    *) printf '%s\n' "${1%%Z*}Z" ;;
  esac
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
LOCK_STALE_SECONDS=${LOCK_STALE_SECONDS:-86400}
PGDATABASE=${PGDATABASE:-postgres}
export PGDATABASE
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-postgres}"

[ -n "$BACKUP_ROOT" ] || fail 2 "configuration: BACKUP_ROOT is empty: mount the backup claim and name its path"
[ -d "$BACKUP_ROOT" ] || fail 2 "configuration: BACKUP_ROOT '$BACKUP_ROOT' is not a directory"
[ -w "$BACKUP_ROOT" ] || fail 2 "configuration: BACKUP_ROOT '$BACKUP_ROOT' is not writable by uid $(id -u)"
[ -n "${PGHOST:-}" ] || fail 2 "configuration: PGHOST is empty: name the database Service"
{ is_uint "$KEEP_LAST" && [ "$KEEP_LAST" -ge 1 ]; } || fail 2 "configuration: KEEP_LAST '$KEEP_LAST' must be a whole number >= 1"
{ is_uint "$LOCK_STALE_SECONDS" && [ "$LOCK_STALE_SECONDS" -ge 1 ]; } ||
  fail 2 "configuration: LOCK_STALE_SECONDS '$LOCK_STALE_SECONDS' must be a whole number of seconds >= 1"
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

for entry in "$BACKUP_ROOT"/*; do
  [ -d "$entry" ] || continue
  base=${entry##*/}
  # shellcheck disable=SC2254 # RUN_PATTERN is a pattern on purpose
  case $base in
    $RUN_PATTERN.partial | $RUN_PATTERN-$SUFFIX_PATTERN.partial)
      log "remove $base: left by a run that did not finish"
      rm -rf -- "$entry"
      ;;
    $RUN_PATTERN | $RUN_PATTERN-$SUFFIX_PATTERN)
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

# mkdir fails when the name exists: a new random suffix then.
while :; do
  run="$(date -u +%Y%m%dT%H%M%SZ)-r$(random_hex)"
  if [ ! -e "$BACKUP_ROOT/$run" ] && mkdir -- "$BACKUP_ROOT/$run.partial" 2>/dev/null; then break; fi
done
partial="$BACKUP_ROOT/$run.partial"
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

# --- retention: newest KEEP_LAST complete runs, by the finished time in their markers -------------------------------

runs=''
for entry in "$BACKUP_ROOT"/*; do
  base=${entry##*/}
  # shellcheck disable=SC2254 # the patterns are patterns on purpose
  case $base in
    $RUN_PATTERN | $RUN_PATTERN-$SUFFIX_PATTERN) if [ -f "$entry/$MARKER" ]; then
      # Between runs that finished in the same second, this run counts as the newer (it is 1, the others 0).
      if [ "$base" = "$run" ]; then this=1; else this=0; fi
      runs="$runs$(finished_key "$base") $this $base
"
    fi ;;
  esac
done
rank=0
while read -r key this base; do
  [ -n "$base" ] || continue
  rank=$((rank + 1))
  if [ "$base" = "$run" ]; then
    log "keep $base: made by this run"
  elif [ "$rank" -gt "$KEEP_LAST" ]; then
    log "remove $base: finished $key, older than the newest KEEP_LAST=$KEEP_LAST complete runs"
    rm -rf -- "${BACKUP_ROOT:?}/$base"
  fi
done <<EOF
$(printf '%s' "$runs" | sort -r)
EOF
exit 0
