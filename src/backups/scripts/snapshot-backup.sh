#!/bin/sh
# snapshot-backup.sh: one run of a cdk8s-rwop SnapshotBackupSchedule. It needs kubectl and a POSIX shell with the
# usual utilities (busybox or GNU coreutils: date, sort, sleep); it never mounts the claims it backs up.
#
# One run, for the claims in CLAIMS:
#   1. Names each snapshot <SCHEDULE_NAME>-<claim>-<run>, where <run> is the scheduled time (YYYYMMDD-HHMM, UTC) or a
#      run id. A retried Job computes the same names: a snapshot that already exists (and is ours) is reused, never
#      created twice.
#   2. If any snapshot has to be created and QUIESCE_COMMAND is set, runs it once (e.g. a CHECKPOINT over the network),
#      creates the snapshots, waits until every one is cut (status.creationTime set) and then runs RESUME_COMMAND at
#      once: the quiesce window ends at the cut, not at readyToUse.
#   3. Waits until every snapshot is readyToUse. status.error or a timeout fails the run with the error's message.
#   4. Prunes each claim's snapshots of this schedule, also after a failed run (see Retention).
# A retried Job whose snapshot reported status.error fails again with that message (the snapshot is reused, not
# recreated); the next scheduled run makes a new one. SIGTERM (e.g. activeDeadlineSeconds) runs RESUME_COMMAND and
# exits 3. kubectl runs in-cluster: the pod needs its ServiceAccount token mounted.
#
# Environment (SCHEDULE_NAME and CLAIMS are required):
#   SCHEDULE_NAME            the schedule's name; label value, lowercase letters, digits, "-" and ".", <= 63 chars.
#   CLAIMS                   space-separated PersistentVolumeClaim names (each <= 63 chars: it becomes a label value);
#                            blank is a configuration error.
#   NAMESPACE                namespace of the claims and snapshots (default: kubectl's; in a pod, the pod's own).
#   SNAPSHOT_CLASS           volumeSnapshotClassName (default: unset, the driver's default class).
#   SCHEDULED_TIME           the run's scheduled time: epoch seconds or RFC 3339 (e.g. 2025-01-31T02:00:00Z).
#   JOB_NAME                 when SCHEDULED_TIME is unset: a CronJob's Job is named <cronjob>-<minutes since epoch>, so
#                            its suffix gives the scheduled time (pass the pod label batch.kubernetes.io/job-name through
#                            the downward API). Any other Job name becomes the run id.
#   SNAPSHOT_RUN_ID          overrides both: the run id, e.g. "initial" for a one-shot first snapshot.
#   QUIESCE_COMMAND          shell command run before the cut (default: none; then snapshots are crash-consistent).
#   RESUME_COMMAND           shell command run as soon as every snapshot is cut, or when the run ends early.
#   CUT_TIMEOUT_SECONDS      how long to wait for the cut, from the start of the run (default 300).
#   READY_TIMEOUT_SECONDS    how long to wait for readyToUse, from the start of the run (default 3600).
#   POLL_SECONDS             pause between status reads, whole seconds >= 1 (default 5).
#   KEEP_LAST                keep the newest N ready snapshots per claim (N >= 1).
#   KEEP_WITHIN_SECONDS      keep ready snapshots younger than this (age from the cut).
#   FAILED_GRACE_SECONDS     snapshots not ready this long after creation are deleted (default 86400).
#   TERMINATION_MESSAGE_PATH file for the failure summary (default /dev/termination-log, written only if it exists).
#
# Retention, per claim, over the snapshots of this schedule only, newest first by status.creationTime (the cut; for a
# snapshot never cut, metadata.creationTimestamp):
#   - a ready snapshot is kept if it is the newest ready one (always), among the newest KEEP_LAST ready ones, or younger
#     than KEEP_WITHIN_SECONDS; with neither KEEP_LAST nor KEEP_WITHIN_SECONDS set, every ready snapshot is kept;
#   - a snapshot that is not ready (failed, or never became ready) counts for nothing and is deleted once it is older
#     than FAILED_GRACE_SECONDS; this run's own snapshots are never deleted;
#   - a snapshot carrying the label rwop.dev/pin (any value) is never deleted and is outside the count;
#   - only snapshots selected by our labels AND re-checked here (labels and source claim) are considered: anything else
#     is never touched. Each deletion names exactly one snapshot, as volumesnapshots.<group>/<name>; a listed name that
#     is not a DNS-1123 subdomain (e.g. "--all") is refused, logged and fails the run with exit 4.
#
# Labels set: app.kubernetes.io/managed-by=cdk8s-rwop, rwop.dev/backup-schedule=<SCHEDULE_NAME>, rwop.dev/claim=<claim>.
# Annotations set: rwop.dev/scheduled-time=<RFC 3339, UTC>, rwop.dev/consistency=crash-consistent|checkpointed.
#
# RBAC: volumesnapshots (group snapshot.storage.k8s.io) get, list, create, delete, in NAMESPACE.
#
# Exit codes (the first failure decides; every failure is printed to stderr and to the termination message):
#   0 success   1 a snapshot reported status.error   2 bad configuration   3 timed out waiting for the cut or readyToUse
#   4 Kubernetes API error, or a snapshot of the same name that is not ours   5 QUIESCE_COMMAND or RESUME_COMMAND failed
set -euf

readonly RESOURCE=volumesnapshots.v1.snapshot.storage.k8s.io
readonly MANAGED_BY_KEY=app.kubernetes.io/managed-by
readonly MANAGED_BY=cdk8s-rwop
readonly SCHEDULE_KEY=rwop.dev/backup-schedule
readonly CLAIM_KEY=rwop.dev/claim
readonly PIN_KEY=rwop.dev/pin
readonly SCHEDULED_TIME_KEY=rwop.dev/scheduled-time
readonly CONSISTENCY_KEY=rwop.dev/consistency

# shellcheck disable=SC2016 # Go template variables, not shell ones
# One line per snapshot: name, ",key=value,..." labels, source claim, created, cut, ready ("-" when absent).
readonly ITEM_TEMPLATE='{{.metadata.name}} ,{{range $k, $v := .metadata.labels}}{{$k}}={{$v}},{{end}} {{with .spec.source}}{{with .persistentVolumeClaimName}}{{.}}{{else}}-{{end}}{{else}}-{{end}} {{.metadata.creationTimestamp}} {{with .status}}{{with .creationTime}}{{.}}{{else}}-{{end}} {{if .readyToUse}}true{{else}}false{{end}}{{else}}- false{{end}}{{"\n"}}'
# cut time, readyToUse, then "E <message>" or "-".
readonly STATUS_TEMPLATE='{{with .status}}{{with .creationTime}}{{.}}{{else}}-{{end}} {{if .readyToUse}}true{{else}}false{{end}} {{with .error}}E {{with .message}}{{.}}{{else}}(no message){{end}}{{else}}-{{end}}{{else}}- false -{{end}}'

exit_code=0
failures=''
quiesced=false

log() {
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"
}

# Remembers a failure (the first code wins) and reports it at once.
record_failure() {
  if [ "$exit_code" -eq 0 ]; then exit_code=$1; fi
  failures="${failures}$2
"
  printf 'snapshot-backup: %s\n' "$2" >&2
}

config_error() {
  record_failure 2 "configuration: $*"
  finish
}

finish() {
  if [ "$exit_code" -ne 0 ]; then
    message_path=${TERMINATION_MESSAGE_PATH:-/dev/termination-log}
    if [ -f "$message_path" ] && [ -w "$message_path" ]; then
      printf '%s' "$failures" >"$message_path" || true
    fi
  fi
  exit "$exit_code"
}

kc() {
  if [ -n "${NAMESPACE:-}" ]; then
    kubectl --namespace "$NAMESPACE" "$@"
  else
    kubectl "$@"
  fi
}

now() {
  date -u +%s
}

is_uint() {
  case $1 in '' | *[!0-9]*) return 1 ;; esac
}

# A DNS-1123 subdomain (the syntax of a snapshot's name): at most 253 characters, dot-separated labels of lowercase
# letters, digits and "-", each starting and ending with a letter or digit.
is_dns_subdomain() {
  [ "${#1}" -le 253 ] || return 1
  case $1 in '' | *[!a-z0-9.-]* | [!a-z0-9]* | *[!a-z0-9]) return 1 ;; esac
  case $1 in *.-* | *-.* | *..*) return 1 ;; esac
}

# $1 with every character outside letters, digits and "._-" shown as "?", safe to print to a terminal.
printable() {
  printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '?'
}

# A label value that is also usable inside an object name.
is_name_part() {
  [ "${#1}" -le 63 ] && is_dns_subdomain "$1"
}

# Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
days_from_civil() {
  dfc_y=$(($1 - ($2 <= 2)))
  dfc_era=$(((dfc_y >= 0 ? dfc_y : dfc_y - 399) / 400))
  dfc_yoe=$((dfc_y - dfc_era * 400))
  dfc_doy=$(((153 * ($2 > 2 ? $2 - 3 : $2 + 9) + 2) / 5 + $3 - 1))
  dfc_doe=$((dfc_yoe * 365 + dfc_yoe / 4 - dfc_yoe / 100 + dfc_doy))
  echo $((dfc_era * 146097 + dfc_doe - 719468))
}

# Epoch seconds of an RFC 3339 time (Z or a numeric offset, optional fraction); fails on anything else.
epoch_of() {
  eo=$1
  case $eo in
    [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][Tt][0-9][0-9]:[0-9][0-9]:[0-9][0-9]*) ;;
    *) return 1 ;;
  esac
  eo_rest=${eo#??????????[Tt]}
  # Two-digit fields lose one leading zero so that "08" is not read as octal.
  eo_year=${eo%%-*}
  eo_md=${eo#*-}
  eo_month=${eo_md%%-*}
  eo_month=${eo_month#0}
  eo_day=${eo_md#*-}
  eo_day=${eo_day%%[Tt]*}
  eo_day=${eo_day#0}
  eo_hour=${eo_rest%%:*}
  eo_hour=${eo_hour#0}
  eo_rest=${eo_rest#*:}
  eo_minute=${eo_rest%%:*}
  eo_minute=${eo_minute#0}
  eo_rest=${eo_rest#*:}
  eo_zone=${eo_rest#??}
  eo_second=${eo_rest%"$eo_zone"}
  eo_second=${eo_second#0}
  case $eo_zone in
    .*)
      eo_zone=${eo_zone#.}
      while :; do
        case $eo_zone in [0-9]*) eo_zone=${eo_zone#?} ;; *) break ;; esac
      done
      ;;
  esac
  case $eo_zone in
    Z | z) eo_offset=0 ;;
    [+-][0-9][0-9]:[0-9][0-9])
      eo_offset_hours=${eo_zone#?}
      eo_offset_hours=${eo_offset_hours%%:*}
      eo_offset_minutes=${eo_zone##*:}
      eo_offset=$((${eo_offset_hours#0} * 3600 + ${eo_offset_minutes#0} * 60))
      case $eo_zone in -*) eo_offset=$((-eo_offset)) ;; esac
      ;;
    *) return 1 ;;
  esac
  eo_days=$(days_from_civil "$eo_year" "$eo_month" "$eo_day")
  echo $((eo_days * 86400 + eo_hour * 3600 + eo_minute * 60 + eo_second - eo_offset))
}

# Prints "YYYY MM DD hh mm ss" (UTC) of epoch seconds (Howard Hinnant's civil_from_days).
civil_of() {
  co_days=$(($1 / 86400))
  co_secs=$(($1 - co_days * 86400))
  co_z=$((co_days + 719468))
  co_era=$(((co_z >= 0 ? co_z : co_z - 146096) / 146097))
  co_doe=$((co_z - co_era * 146097))
  co_yoe=$(((co_doe - co_doe / 1460 + co_doe / 36524 - co_doe / 146096) / 365))
  co_doy=$((co_doe - (365 * co_yoe + co_yoe / 4 - co_yoe / 100)))
  co_mp=$(((5 * co_doy + 2) / 153))
  co_day=$((co_doy - (153 * co_mp + 2) / 5 + 1))
  co_month=$((co_mp < 10 ? co_mp + 3 : co_mp - 9))
  co_year=$((co_yoe + co_era * 400 + (co_month <= 2)))
  printf '%04d %02d %02d %02d %02d %02d\n' "$co_year" "$co_month" "$co_day" \
    $((co_secs / 3600)) $((co_secs % 3600 / 60)) $((co_secs % 60))
}

rfc3339_of() {
  # shellcheck disable=SC2046 # the six fields are meant to be split
  set -- $(civil_of "$1")
  printf '%s-%s-%sT%s:%s:%sZ\n' "$1" "$2" "$3" "$4" "$5" "$6"
}

stamp_of() {
  # shellcheck disable=SC2046 # the six fields are meant to be split
  set -- $(civil_of "$1")
  printf '%s%s%s-%s%s\n' "$1" "$2" "$3" "$4" "$5"
}

# Reads one snapshot's status into st_cut ("-" or a time), st_ready (true|false), st_error ("" or its message).
read_status() {
  st_raw=$(kc get "$RESOURCE" "$1" -o "go-template=$STATUS_TEMPLATE") || return 1
  st_cut=${st_raw%% *}
  st_raw=${st_raw#* }
  st_ready=${st_raw%% *}
  st_raw=${st_raw#* }
  case $st_raw in
    'E '*) st_error=${st_raw#E } ;;
    *) st_error='' ;;
  esac
}

# Waits for snapshot $1 to reach $2 (cut|ready) until epoch $3. Returns 0, 1 on status.error, 3 on timeout,
# 4 when the status cannot be read.
wait_for() {
  while :; do
    read_status "$1" || return 4
    case $2 in
      cut) if [ "$st_cut" != - ]; then return 0; fi ;;
      ready) if [ "$st_ready" = true ]; then return 0; fi ;;
    esac
    if [ -n "$st_error" ]; then return 1; fi
    if [ "$(now)" -ge "$3" ]; then return 3; fi
    sleep "$POLL_SECONDS"
  done
}

# True when an item line (ITEM_TEMPLATE) carries our labels for claim $2 and has that claim as its source.
is_ours() {
  # shellcheck disable=SC2086 # the line's fields are meant to be split
  set -- $1 "$2"
  case $2 in *",$MANAGED_BY_KEY=$MANAGED_BY,"*) ;; *) return 1 ;; esac
  case $2 in *",$SCHEDULE_KEY=$SCHEDULE_NAME,"*) ;; *) return 1 ;; esac
  case $2 in *",$CLAIM_KEY=$7,"*) ;; *) return 1 ;; esac
  [ "$3" = "$7" ]
}

run_hook() {
  log "$1: running"
  if sh -c "$2"; then
    log "$1: done"
  else
    hook_status=$?
    record_failure 5 "$1 failed with exit code $hook_status"
    return 1
  fi
}

resume() {
  if [ "$quiesced" = true ]; then
    quiesced=false
    if [ -n "${RESUME_COMMAND:-}" ]; then run_hook RESUME_COMMAND "$RESUME_COMMAND" || true; fi
  fi
}

snapshot_manifest() {
  printf '{"apiVersion":"snapshot.storage.k8s.io/v1","kind":"VolumeSnapshot","metadata":{"name":"%s",' "$1"
  printf '"labels":{"%s":"%s","%s":"%s","%s":"%s"},' \
    "$MANAGED_BY_KEY" "$MANAGED_BY" "$SCHEDULE_KEY" "$SCHEDULE_NAME" "$CLAIM_KEY" "$2"
  printf '"annotations":{"%s":"%s","%s":"%s"}},' "$SCHEDULED_TIME_KEY" "$scheduled_time" "$CONSISTENCY_KEY" "$consistency"
  printf '"spec":{'
  if [ -n "${SNAPSHOT_CLASS:-}" ]; then printf '"volumeSnapshotClassName":"%s",' "$SNAPSHOT_CLASS"; fi
  printf '"source":{"persistentVolumeClaimName":"%s"}}}\n' "$2"
}

# Prunes the snapshots of claim $1 (see Retention in the header).
prune_claim() {
  pc_lines=$(kc get "$RESOURCE" \
    -l "$MANAGED_BY_KEY=$MANAGED_BY,$SCHEDULE_KEY=$SCHEDULE_NAME,$CLAIM_KEY=$1" \
    -o "go-template={{range .items}}$ITEM_TEMPLATE{{end}}") || {
    record_failure 4 "cannot list the snapshots of claim $1"
    return 0
  }
  pc_now=$(now)
  pc_sorted=''
  while read -r pc_name pc_labels pc_source pc_created pc_cut pc_ready; do
    [ -n "$pc_name" ] || continue
    if ! is_dns_subdomain "$pc_name"; then
      record_failure 4 "refusing snapshot '$(printable "$pc_name")': not a DNS-1123 subdomain name, so not one a Kubernetes API server stores; never deleted"
      continue
    fi
    if ! is_ours "$pc_name $pc_labels $pc_source $pc_created $pc_cut $pc_ready" "$1"; then
      log "skip $pc_name: the server returned it for our selector but its labels or source are not ours"
      continue
    fi
    if ! pc_created_at=$(epoch_of "$pc_created"); then
      log "skip $pc_name: unreadable creationTimestamp $pc_created"
      continue
    fi
    pc_taken_at=$pc_created_at
    if [ "$pc_cut" != - ]; then pc_taken_at=$(epoch_of "$pc_cut") || pc_taken_at=$pc_created_at; fi
    case $pc_labels in *",$PIN_KEY="*) pc_pinned=pinned ;; *) pc_pinned=unpinned ;; esac
    pc_sorted="${pc_sorted}$pc_taken_at $pc_name $pc_ready $pc_pinned $pc_created_at
"
  done <<EOF
$pc_lines
EOF
  pc_sorted=$(printf '%s' "$pc_sorted" | sort -k1,1nr -k2,2r)
  pc_rank=0
  while read -r pc_taken_at pc_name pc_ready pc_pinned pc_created_at; do
    [ -n "$pc_name" ] || continue
    if [ "$pc_pinned" = pinned ]; then
      log "keep $pc_name: pinned ($PIN_KEY)"
      continue
    fi
    if [ "$pc_ready" = true ]; then pc_rank=$((pc_rank + 1)); fi
    case " $run_names " in *" $pc_name "*)
      log "keep $pc_name: made by this run"
      continue
      ;;
    esac
    if [ "$pc_ready" = true ]; then
      pc_age=$((pc_now - pc_taken_at))
      if [ "$pc_rank" -eq 1 ]; then
        log "keep $pc_name: newest ready snapshot"
      elif [ -n "${KEEP_LAST:-}" ] && [ "$pc_rank" -le "$KEEP_LAST" ]; then
        log "keep $pc_name: ready #$pc_rank of KEEP_LAST=$KEEP_LAST"
      elif [ -n "${KEEP_WITHIN_SECONDS:-}" ] && [ "$pc_age" -le "$KEEP_WITHIN_SECONDS" ]; then
        log "keep $pc_name: ${pc_age}s old, within KEEP_WITHIN_SECONDS=$KEEP_WITHIN_SECONDS"
      elif [ -z "${KEEP_LAST:-}" ] && [ -z "${KEEP_WITHIN_SECONDS:-}" ]; then
        log "keep $pc_name: no retention configured"
      else
        delete_snapshot "$pc_name" "ready #$pc_rank, ${pc_age}s old, outside retention"
      fi
    else
      pc_age=$((pc_now - pc_created_at))
      if [ "$pc_age" -gt "$FAILED_GRACE_SECONDS" ]; then
        delete_snapshot "$pc_name" "not ready ${pc_age}s after creation (FAILED_GRACE_SECONDS=$FAILED_GRACE_SECONDS)"
      else
        log "keep $pc_name: not ready, within FAILED_GRACE_SECONDS"
      fi
    fi
  done <<EOF
$pc_sorted
EOF
}

# Deletes exactly one snapshot, named in kind/name form so that no name can read as an option or a second argument.
delete_snapshot() {
  if ! is_dns_subdomain "$1"; then
    record_failure 4 "refusing to delete snapshot '$(printable "$1")': not a DNS-1123 subdomain name"
    return 0
  fi
  log "delete $1: $2"
  kc delete "$RESOURCE/$1" --ignore-not-found --wait=false >/dev/null ||
    record_failure 4 "cannot delete snapshot $1"
}

# shellcheck disable=SC2317 # called by the trap below
finish_on_signal() {
  record_failure 3 "stopped by a signal"
  resume
  finish
}
trap finish_on_signal TERM INT

# --- configuration ---------------------------------------------------------------------------------------------------

SCHEDULE_NAME=${SCHEDULE_NAME:-}
CLAIMS=${CLAIMS:-}
CUT_TIMEOUT_SECONDS=${CUT_TIMEOUT_SECONDS:-300}
READY_TIMEOUT_SECONDS=${READY_TIMEOUT_SECONDS:-3600}
POLL_SECONDS=${POLL_SECONDS:-5}
FAILED_GRACE_SECONDS=${FAILED_GRACE_SECONDS:-86400}

is_name_part "$SCHEDULE_NAME" || config_error "SCHEDULE_NAME '$SCHEDULE_NAME' must be 1-63 lowercase letters, digits, '-' or '.', alphanumeric at both ends"
claim_count=0
for claim in $CLAIMS; do
  is_name_part "$claim" || config_error "claim '$(printable "$claim")' in CLAIMS must be a claim name of at most 63 characters (it is a label value)"
  claim_count=$((claim_count + 1))
done
[ "$claim_count" -ge 1 ] || config_error "CLAIMS is empty or blank: name at least one PersistentVolumeClaim"
if [ -n "${NAMESPACE:-}" ]; then
  is_name_part "$NAMESPACE" || config_error "NAMESPACE '$NAMESPACE' is not a namespace name"
fi
if [ -n "${SNAPSHOT_CLASS:-}" ]; then
  is_name_part "$SNAPSHOT_CLASS" || config_error "SNAPSHOT_CLASS '$SNAPSHOT_CLASS' is not a VolumeSnapshotClass name"
fi
is_uint "$CUT_TIMEOUT_SECONDS" || config_error "CUT_TIMEOUT_SECONDS '$CUT_TIMEOUT_SECONDS' must be a whole number of seconds"
is_uint "$READY_TIMEOUT_SECONDS" || config_error "READY_TIMEOUT_SECONDS '$READY_TIMEOUT_SECONDS' must be a whole number of seconds"
is_uint "$FAILED_GRACE_SECONDS" || config_error "FAILED_GRACE_SECONDS '$FAILED_GRACE_SECONDS' must be a whole number of seconds"
{ is_uint "$POLL_SECONDS" && [ "$POLL_SECONDS" -ge 1 ]; } ||
  config_error "POLL_SECONDS '$POLL_SECONDS' must be a whole number of seconds >= 1"
if [ -n "${KEEP_LAST:-}" ]; then
  { is_uint "$KEEP_LAST" && [ "$KEEP_LAST" -ge 1 ]; } || config_error "KEEP_LAST '$KEEP_LAST' must be a whole number >= 1"
fi
if [ -n "${KEEP_WITHIN_SECONDS:-}" ]; then
  { is_uint "$KEEP_WITHIN_SECONDS" && [ "$KEEP_WITHIN_SECONDS" -ge 1 ]; } ||
    config_error "KEEP_WITHIN_SECONDS '$KEEP_WITHIN_SECONDS' must be a whole number of seconds >= 1"
fi

scheduled_epoch=''
if [ -n "${SNAPSHOT_RUN_ID:-}" ]; then
  run_id=$SNAPSHOT_RUN_ID
elif [ -n "${SCHEDULED_TIME:-}" ]; then
  if is_uint "$SCHEDULED_TIME"; then
    scheduled_epoch=$SCHEDULED_TIME
  else
    scheduled_epoch=$(epoch_of "$SCHEDULED_TIME") ||
      config_error "SCHEDULED_TIME '$SCHEDULED_TIME' is neither epoch seconds nor an RFC 3339 time"
  fi
elif [ -n "${JOB_NAME:-}" ]; then
  job_suffix=${JOB_NAME##*-}
  if [ "$job_suffix" != "$JOB_NAME" ] && is_uint "$job_suffix" && [ "${#job_suffix}" -ge 7 ]; then
    scheduled_epoch=$((job_suffix * 60))
  else
    run_id=$JOB_NAME
  fi
else
  config_error "set SCHEDULED_TIME, JOB_NAME (a CronJob's Job name) or SNAPSHOT_RUN_ID: the snapshot names derive from it"
fi
if [ -n "$scheduled_epoch" ]; then
  run_id=$(stamp_of "$scheduled_epoch")
  scheduled_time=$(rfc3339_of "$scheduled_epoch")
else
  is_name_part "$run_id" || config_error "run id '$run_id' must be 1-63 lowercase letters, digits, '-' or '.'"
  scheduled_time=$(rfc3339_of "$(now)")
fi
if [ -n "${QUIESCE_COMMAND:-}" ]; then consistency=checkpointed; else consistency=crash-consistent; fi

run_names=''
for claim in $CLAIMS; do
  name="$SCHEDULE_NAME-$claim-$run_id"
  [ "${#name}" -le 253 ] || config_error "snapshot name '$name' is longer than 253 characters"
  run_names="$run_names $name"
done
run_names=${run_names# }

# --- take the snapshots ----------------------------------------------------------------------------------------------

run_started=$(now)
log "run $run_id of schedule $SCHEDULE_NAME (scheduled $scheduled_time, $consistency): $run_names"

# Which snapshots exist already (a retried Job) and which must be created.
to_create=''
to_wait=''
for claim in $CLAIMS; do
  name="$SCHEDULE_NAME-$claim-$run_id"
  if ! existing=$(kc get "$RESOURCE" "$name" --ignore-not-found -o "go-template=$ITEM_TEMPLATE"); then
    record_failure 4 "cannot read snapshot $name"
  elif [ -z "$existing" ]; then
    to_create="$to_create $claim"
  elif is_ours "$existing" "$claim"; then
    log "reuse $name: it exists already (a retried run)"
    to_wait="$to_wait $name"
  else
    record_failure 4 "snapshot $name exists but is not ours (labels or source claim differ): left untouched"
  fi
done

if [ -n "$to_create" ] && [ -n "${QUIESCE_COMMAND:-}" ]; then
  quiesced=true
  trap resume EXIT
  if ! run_hook QUIESCE_COMMAND "$QUIESCE_COMMAND"; then
    resume
    to_create=''
  fi
fi

for claim in $to_create; do
  name="$SCHEDULE_NAME-$claim-$run_id"
  if snapshot_manifest "$name" "$claim" | kc create -f - -o name >/dev/null; then
    log "created $name from claim $claim"
    to_wait="$to_wait $name"
  elif existing=$(kc get "$RESOURCE" "$name" --ignore-not-found -o "go-template=$ITEM_TEMPLATE") &&
    [ -n "$existing" ] && is_ours "$existing" "$claim"; then
    log "reuse $name: created concurrently"
    to_wait="$to_wait $name"
  else
    record_failure 4 "cannot create snapshot $name of claim $claim"
  fi
done

# Every snapshot cut, then the quiesce window closes.
cut_deadline=$((run_started + CUT_TIMEOUT_SECONDS))
to_ready=''
for name in $to_wait; do
  status=0
  wait_for "$name" cut "$cut_deadline" || status=$?
  case $status in
    0) log "cut $name at $st_cut"; to_ready="$to_ready $name" ;;
    1) record_failure 1 "snapshot $name failed: $st_error" ;;
    3) record_failure 3 "snapshot $name was not cut within CUT_TIMEOUT_SECONDS=$CUT_TIMEOUT_SECONDS" ;;
    *) record_failure 4 "cannot read the status of snapshot $name" ;;
  esac
done
resume

ready_deadline=$((run_started + READY_TIMEOUT_SECONDS))
for name in $to_ready; do
  status=0
  wait_for "$name" ready "$ready_deadline" || status=$?
  case $status in
    0) log "ready $name" ;;
    1) record_failure 1 "snapshot $name failed: $st_error" ;;
    3) record_failure 3 "snapshot $name was not readyToUse within READY_TIMEOUT_SECONDS=$READY_TIMEOUT_SECONDS" ;;
    *) record_failure 4 "cannot read the status of snapshot $name" ;;
  esac
done

# --- retention (also after a failure: it never removes the newest ready snapshot) ------------------------------------

for claim in $CLAIMS; do
  prune_claim "$claim"
done

if [ "$exit_code" -eq 0 ]; then log "run $run_id done"; fi
finish
