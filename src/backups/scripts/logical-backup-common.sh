# shellcheck shell=sh
# logical-backup-common.sh: what the logical backup scripts (logical-backup-postgres.sh, logical-backup-mysql.sh) share,
# sourced by them from their own directory: the lock, the run directories, the COMPLETE marker and the retention. See
# either script for what a run does, its Concurrency and its Retention. Before sourcing it, a script sets
# SCRIPT_NAME (its name in error messages) and the shell options `set -eu` and `umask 077`; it then checks
# BACKUP_ROOT, KEEP_LAST and LOCK_STALE_SECONDS with check_backup_root and check_run_settings.

readonly RUN_PATTERN='[0-9][0-9][0-9][0-9][01][0-9][0-3][0-9]T[0-2][0-9][0-5][0-9][0-6][0-9]Z'
readonly SUFFIX_PATTERN='r[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'
readonly MARKER=COMPLETE
readonly LOCK_NAME=.rwop-backup.lock

exit_code=0
# The run's name and its directory while it is written (BACKUP_ROOT/<run>.partial), set by start_run.
run=''
partial=''
completed=false
lock=''
lock_token=''
# A directory of the run's own outside BACKUP_ROOT (e.g. for an option file holding the password), removed at the end
# whatever happens.
private_dir=''

log() {
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"
}

fail() {
  exit_code=$1
  shift
  printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2
  exit "$exit_code"
}

# On any exit but success, this run's own partial directory goes (a SIGKILL leaves it to the next run); the private
# directory always goes; the lock goes if it is still ours.
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  if [ "$completed" != true ] && [ -n "$partial" ] && [ -d "$partial" ]; then
    rm -rf -- "$partial"
  fi
  if [ -n "$private_dir" ]; then
    rm -rf -- "$private_dir"
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

# BACKUP_ROOT must name a writable directory.
check_backup_root() {
  BACKUP_ROOT=${BACKUP_ROOT:-}
  [ -n "$BACKUP_ROOT" ] || fail 2 "configuration: BACKUP_ROOT is empty: mount the backup claim and name its path"
  [ -d "$BACKUP_ROOT" ] || fail 2 "configuration: BACKUP_ROOT '$BACKUP_ROOT' is not a directory"
  [ -w "$BACKUP_ROOT" ] || fail 2 "configuration: BACKUP_ROOT '$BACKUP_ROOT' is not writable by uid $(id -u)"
}

# KEEP_LAST (default 7) and LOCK_STALE_SECONDS (default 86400) must be whole numbers of at least 1.
check_run_settings() {
  KEEP_LAST=${KEEP_LAST:-7}
  LOCK_STALE_SECONDS=${LOCK_STALE_SECONDS:-86400}
  { is_uint "$KEEP_LAST" && [ "$KEEP_LAST" -ge 1 ]; } || fail 2 "configuration: KEEP_LAST '$KEEP_LAST' must be a whole number >= 1"
  { is_uint "$LOCK_STALE_SECONDS" && [ "$LOCK_STALE_SECONDS" -ge 1 ]; } ||
    fail 2 "configuration: LOCK_STALE_SECONDS '$LOCK_STALE_SECONDS' must be a whole number of seconds >= 1"
}

# The value of key $1 in the lock file, or in file $2 when given ("" when absent or unreadable).
lock_field() {
  lf_value=''
  lf_file=${2:-$lock}
  if [ -f "$lf_file" ]; then
    while IFS= read -r lf_line || [ -n "$lf_line" ]; do
      case $lf_line in "$1="*) lf_value=${lf_line#*=} ;; esac
    done <"$lf_file" 2>/dev/null || true
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
    stale_token=$(lock_field token)
    reason=$(stale_reason)
    [ -n "$reason" ] || break
    # Two runs may both find the lock stale. Each moves it aside under a name of its own and then checks that it moved
    # the lock it judged: the later one has moved the first one's new lock instead, puts it back, and stops.
    aside="$lock.$token.stale"
    mv -f -- "$lock" "$aside" 2>/dev/null || continue
    if [ "$(lock_field token "$aside")" != "$stale_token" ]; then
      ln -- "$aside" "$lock" 2>/dev/null || true
      rm -f -- "$aside"
      break
    fi
    log "take over the stale lock $LOCK_NAME: $reason"
    rm -f -- "$aside"
  done
  fail 4 "another run holds the lock $lock (pid $(lock_field pid) on $(lock_field host), since $(lock_field started)): nothing done"
}

# Removes what earlier runs that were killed left: <run>.partial directories, and <run> directories without a marker.
remove_leftovers() {
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
}

# The file name for database $1's dump, ending in $2 (e.g. .dump): the name itself, or %<hex of its UTF-8 bytes> when it
# holds a character outside [A-Za-z0-9_.-] or starts with ".".
dump_file() {
  case $1 in
    '' | .* | *[!A-Za-z0-9_.-]*) printf '%%%s%s\n' "$(printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n')" "$2" ;;
    *) printf '%s%s\n' "$1" "$2" ;;
  esac
}

# Names the run (UTC start time and a random suffix) and creates its partial directory; mkdir fails when the name
# exists: a new random suffix then.
start_run() {
  while :; do
    run="$(date -u +%Y%m%dT%H%M%SZ)-r$(random_hex)"
    if [ ! -e "$BACKUP_ROOT/$run" ] && mkdir -- "$BACKUP_ROOT/$run.partial" 2>/dev/null; then break; fi
  done
  partial="$BACKUP_ROOT/$run.partial"
}

# Writes SHA256SUMS over file $1 and every file of the run ending in $2 (e.g. .dump).
write_checksums() {
  # `set -e` does not apply inside a subshell tested by `||`: each step says itself that it failed.
  (
    cd "$partial" || exit 1
    first=$1
    suffix=$2
    set --
    for file in *"$suffix"; do
      if [ -f "$file" ]; then set -- "$@" "$file"; fi
    done
    sha256sum -- "$first" "$@" >SHA256SUMS.tmp || exit 1
    mv -- SHA256SUMS.tmp SHA256SUMS || exit 1
  ) || fail 1 "cannot write SHA256SUMS"
}

# Writes the COMPLETE marker (run, finished, then the key=value lines given, one an argument) and renames the run into
# place: from here on it is a backup.
complete_run() {
  sync
  {
    printf 'run=%s\nfinished=%s\n' "$run" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    for field in "$@"; do printf '%s\n' "$field"; done
  } >"$partial/$MARKER.tmp"
  mv -- "$partial/$MARKER.tmp" "$partial/$MARKER"
  mv -- "$partial" "$BACKUP_ROOT/$run"
  completed=true
  sync
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

# Keeps the newest KEEP_LAST complete runs, by the finished time in their markers, and never the run just made.
apply_retention() {
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
  done <<RUNS
$(printf '%s' "$runs" | sort -r)
RUNS
}
