// `rwop migrate`: prints the plan of ./migrate.ts as a bash script to review and run (or as JSON), or the reasons
// it cannot be done (exit 1).
import { EXIT_FINDINGS, EXIT_OK, parseCommandArgs } from './command';
import { UsageError } from './errors';
import { InputBudget, MAX_INPUT_SIZE_ARG, maxInputSizeHelp, parseInputSize } from './input-limit';
import type { CliIO } from './main';
import { planMigration } from './migrate';
import type { MigrationPath, MigrationPlan, PlanCheck, StepEffect } from './migration-plan';
import { readManifestInputs } from './read-inputs';
import { isDns1123Subdomain } from '../core/names';
import { shellComment, shellQuote } from '../core/shell';

/** Where the script keeps a workload's replica count while it is scaled to zero. */
const REPLICAS_ANNOTATION = 'rwop.dev/migrate-replicas';
const REPLICAS_JSONPATH = '{.metadata.annotations.rwop\\.dev/migrate-replicas}';

const FORMATS = ['text', 'json'] as const;
type Format = typeof FORMATS[number];
const PATHS: readonly MigrationPath[] = ['in-place', 'snapshot'];

const OFFICIAL_STEPS = 'https://kubernetes.io/blog/2021/09/13/read-write-once-pod-access-mode-alpha/#migrating-existing-persistentvolumes';

const HELP = `Usage: rwop migrate [options] <namespace>/<claim> [paths...|-]
       rwop migrate [options] -n <namespace> <claim> [paths...|-]

Prints, as a bash script to review and run, the migration of a ReadWriteOnce claim to ReadWriteOncePod:

  in place (default): the official steps; the PersistentVolume and its data are kept. Reclaim policy Retain, stop
                      the workloads, delete the claim, clear the volume's claimRef.uid, make the volume
                      ReadWriteOncePod, re-create the claim with volumeName, start the workloads, restore the policy.
  --via snapshot:     snapshot the claim, then re-create it from the snapshot (a new volume; the old one is kept).

With input (files, directories or "-" for standard input, holding the claim, its volume and what mounts it, e.g.
"kubectl get pvc,pv,pods,deployments,replicasets,statefulsets,cronjobs,jobs,volumesnapshotclasses -n <namespace> -o json";
PersistentVolumes are listed whatever the namespace), the pre-flight checks are made now and a failed one stops with the reason:
the claim is ReadWriteOnce only (in place), Bound, on a CSI volume, with no resize pending; the workloads that
mount it are named, stopped first and started at the end; and the rules of "rwop audit", run as if the claim were
already ReadWriteOncePod, find no hazard that the migration would create (each one found is listed with its fix).
Without input, the script makes the checks it can itself.

A run that fails says which step failed, the state of the volume and the workloads, and how to go on:
"bash <script> --from <step>" resumes; "bash <script> --rollback" undoes the steps before the claim is deleted (the
replica counts are kept on the workloads, in the annotation rwop.dev/migrate-replicas).

Options:
  -n, --namespace <name>       the claim's namespace (default: "default", or the one in <namespace>/<claim>)
      --via <in-place|snapshot>
                               the path (default: in-place)
      --snapshot-class <name>  the VolumeSnapshotClass (--via snapshot; default: the driver's default class)
      --snapshot-name <name>   the VolumeSnapshot's name (--via snapshot; default: <claim>-before-rwop)
  -f, --format <text|json>     a bash script (default), or the plan as JSON
${maxInputSizeHelp(31)}
  -h, --help                   show this help

Exit codes: 0 the plan is printed; 1 a pre-flight check failed (the reasons on standard error, or in the JSON);
2 bad usage, or input that is unreadable or empty.
`;

interface MigrateArgs {
  readonly namespace: string;
  readonly claim: string;
  readonly paths: readonly string[];
  readonly via: MigrationPath;
  readonly snapshotClass?: string;
  readonly snapshotName?: string;
  readonly format: Format;
  readonly maxInputSize: number;
  readonly help: boolean;
}

/** `rwop migrate <args...>`: its exit code. */
export async function runMigrate(args: readonly string[], io: CliIO): Promise<number> {
  const options = parseMigrateArgs(args);
  if (options.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  const inputBudget = new InputBudget(options.maxInputSize);
  const manifests = options.paths.length > 0 ? await readManifestInputs(options.paths, io, { inputBudget }) : undefined;
  const plan = planMigration(manifests, {
    namespace: options.namespace,
    claim: options.claim,
    via: options.via,
    snapshotClass: options.snapshotClass,
    snapshotName: options.snapshotName,
  });
  const exitCode = plan.blocked ? EXIT_FINDINGS : EXIT_OK;
  if (options.format === 'json') {
    io.stdout(JSON.stringify({ schemaVersion: 1, exitCode, ...plan }, null, 2) + '\n');
  } else if (plan.blocked) {
    io.stderr(formatRefusal(plan));
  } else {
    io.stdout(formatScript(plan));
  }
  return exitCode;
}

function parseMigrateArgs(args: readonly string[]): MigrateArgs {
  const parsed = parseCommandArgs(args, {
    'namespace': { type: 'string', short: 'n' },
    'via': { type: 'string' },
    'snapshot-class': { type: 'string' },
    'snapshot-name': { type: 'string' },
    'format': { type: 'string', short: 'f' },
    ...MAX_INPUT_SIZE_ARG,
    'help': { type: 'boolean', short: 'h' },
  });
  const { values, positionals } = parsed;
  if (values.help) return { namespace: '', claim: '', paths: [], via: 'in-place', format: 'text', maxInputSize: 0, help: true };
  const format = values.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}; got "${format}"`);
  const via = values.via ?? 'in-place';
  if (!(PATHS as readonly string[]).includes(via)) throw new UsageError(`--via must be one of ${PATHS.join(', ')}; got "${via}"`);
  if (via !== 'snapshot' && (values['snapshot-class'] !== undefined || values['snapshot-name'] !== undefined)) {
    throw new UsageError('--snapshot-class and --snapshot-name go with --via snapshot');
  }

  const [target, ...paths] = positionals;
  if (target === undefined) throw new UsageError('name the claim: rwop migrate <namespace>/<claim>, or rwop migrate -n <namespace> <claim>');
  let namespace = values.namespace;
  let claim = target;
  const slash = target.indexOf('/');
  if (slash !== -1) {
    const given = target.slice(0, slash);
    if (namespace !== undefined && namespace !== given) {
      throw new UsageError(`the claim "${target}" is in namespace "${given}", but --namespace says "${namespace}"`);
    }
    namespace = given;
    claim = target.slice(slash + 1);
  }
  namespace ??= 'default';
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
    throw new UsageError(`"${namespace}" is not a namespace name (lowercase letters, digits and "-", at most 63)`);
  }
  for (const [what, name] of [['claim', claim], ['--snapshot-class', values['snapshot-class']], ['--snapshot-name', values['snapshot-name']]] as const) {
    if (name !== undefined && !isDns1123Subdomain(name)) {
      throw new UsageError(`${what} "${name}" is not an object name (lowercase letters, digits, "-" and ".", at most 253)`);
    }
  }
  return {
    namespace,
    claim,
    paths,
    via: via as MigrationPath,
    format: format as Format,
    maxInputSize: parseInputSize(values['max-input-size']),
    help: false,
    snapshotClass: values['snapshot-class'],
    snapshotName: values['snapshot-name'],
  };
}

/** The shell functions the steps call, each printed only when a step uses it. */
const SCRIPT_FUNCTIONS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['save_replicas', [
    '# Keeps the replica count on the workload (annotation rwop.dev/migrate-replicas, once), then scales it to zero.',
    'save_replicas() {',
    '  local replicas',
    `  replicas=$(kubectl get "$1" -n "$2" -o jsonpath='${REPLICAS_JSONPATH}')`,
    '  if [ -z "$replicas" ]; then',
    '    replicas=$(kubectl get "$1" -n "$2" -o jsonpath=\'{.spec.replicas}\')',
    `    kubectl annotate "$1" -n "$2" "${REPLICAS_ANNOTATION}=$replicas"`,
    '  fi',
    '  kubectl scale "$1" -n "$2" --replicas=0',
    '}',
  ]],
  ['restore_replicas', [
    '# Scales the workload back to the replica count saved on it, then removes the annotation.',
    'restore_replicas() {',
    '  local replicas',
    `  replicas=$(kubectl get "$1" -n "$2" -o jsonpath='${REPLICAS_JSONPATH}')`,
    '  case "$replicas" in',
    '    \'\') echo "rwop migrate: $1 has no saved replica count (started already?): left as it is" >&2; return 0 ;;',
    '    *[!0-9]*) stop "$1: the saved replica count is not a number: $replicas" ;;',
    '  esac',
    '  kubectl scale "$1" -n "$2" --replicas="$replicas"',
    `  kubectl annotate "$1" -n "$2" ${REPLICAS_ANNOTATION}-`,
    '}',
  ]],
];

/** The plan as a bash script: a header with the checks, the resume and failure handling, then one numbered block per step. */
function formatScript(plan: MigrationPlan): string {
  const target = `${plan.namespace}/${plan.claim}`;
  const lines = ['#!/usr/bin/env bash'];
  if (plan.via === 'in-place') {
    lines.push(
      `# rwop migrate ${target}: ReadWriteOnce -> ReadWriteOncePod in place; the PersistentVolume${plan.volume ? ` ${plan.volume}` : ''} and its data are kept.`,
      `# The official steps: ${OFFICIAL_STEPS}`,
    );
  } else {
    lines.push(
      `# rwop migrate ${target} --via snapshot: the claim is re-created as ReadWriteOncePod from a VolumeSnapshot of it`,
      `# (a new volume); the old volume${plan.volume ? ` ${plan.volume}` : ''} is kept (Retain) until you delete it.`,
    );
  }
  lines.push(`# Pre-flight checks, ${plan.checkedAgainstInput ? 'made against the input' : 'made by this script (no input was given)'}:`);
  lines.push(...checkLines(plan.checks).map((line) => `#${shellComment(line)}`));
  lines.push(
    '# Review it, then run it: a failing command or check stops it with the reason, the step, the state it left and how to go on:',
    '# bash <this script> --from <step> resumes at a step; bash <this script> --rollback undoes the steps before the claim is deleted.',
    '# Do not resize the claim meanwhile.',
    'set -euo pipefail',
    'stop() { echo "rwop migrate: stopped: $*" >&2; exit 1; }',
    'FROM=1',
    'case "${1:-}" in',
    "  '') ;;",
    `  --from) FROM=\${2:-}; case "$FROM" in ''|*[!0-9]*|0*) stop "--from needs a step number (1-${plan.steps.length})" ;; esac ;;`,
    '  --rollback) FROM=rollback ;;',
    '  *) stop "usage: bash $0 [--from <step> | --rollback]" ;;',
    'esac',
  );
  if (plan.runTimeFacts.length > 0) {
    // Without input the first step reads these from the claim, which is gone after step "delete": a resumed run gets them given.
    lines.push(
      `if [ "$FROM" != 1 ]; then for fact in ${plan.runTimeFacts.join(' ')}; do [ -n "\${!fact:-}" ] || stop "give $fact=<value> as the message of the failed run shows it"; done; fi`,
    );
  }
  const body = plan.steps.flatMap((step) => step.commands).concat(plan.rollback).join('\n');
  for (const [name, definition] of SCRIPT_FUNCTIONS) {
    if (new RegExp(`\\b${name}\\b`).test(body)) lines.push(...definition);
  }
  lines.push(...failureReport(plan));
  lines.push(
    '',
    '# --rollback: start the workloads again and restore the reclaim policy, while the claim is still there.',
    'if [ "$FROM" = rollback ]; then',
    `  kubectl get ${shellQuote(`pvc/${plan.claim}`)} -n ${shellQuote(plan.namespace)} >/dev/null || stop "the claim is deleted already: there is nothing to roll back to; resume instead (--from <step>)"`,
    ...plan.rollback.map((command) => `  ${command}`),
    '  echo "rwop migrate: rolled back" >&2',
    '  exit 0',
    'fi',
  );
  plan.steps.forEach((step, i) => {
    lines.push('', `# ${i + 1}. ${shellComment(step.title)}`, `if step ${i + 1} ${shellQuote(step.title)}; then`);
    for (const command of step.commands) {
      lines.push(command);
      if (step.manifest !== undefined && /<<'?EOF'?$/.test(command)) lines.push(step.manifest.trimEnd(), 'EOF');
    }
    // A step of comments only (something to do by hand) still needs a command in its block.
    if (step.commands.every((command) => command.startsWith('#'))) lines.push(':');
    lines.push('fi');
  });
  return lines.join('\n') + '\n';
}

/**
 * The EXIT trap: on failure, the step, the state of the volume and workloads at that step, and the commands to go on.
 * The state is known per step from what the steps before it do.
 */
function failureReport(plan: MigrationPlan): string[] {
  const effects = plan.steps.map((step) => step.effect);
  const at = (effect: StepEffect) => effects.indexOf(effect) + 1;
  const retainAt = at('retain');
  const stopAt = at('stop');
  const deleteAt = at('delete-claim');
  const startAt = at('start');
  const restoreAt = at('restore-policy');
  const volume = plan.volume ? `PersistentVolume ${plan.volume}` : 'the PersistentVolume';
  const resumeFacts = plan.runTimeFacts.map((fact) => `${fact}=$(printf %q "\${${fact}:-}") `).join('');
  // Failing before the first change (or at the Retain patch, which changes nothing when it fails), a new run is enough.
  const unchangedUpTo = Math.min(retainAt === 0 ? Infinity : retainAt, stopAt - 1);
  const stateAt = (step: number): string => {
    if (step <= unchangedUpTo) return 'Nothing has changed yet: fix the cause and run the script again.';
    const parts: string[] = [];
    if (retainAt === 0) parts.push(`${volume}: reclaim policy Retain (it was Retain before).`);
    else if (step <= retainAt) parts.push(`${volume}: reclaim policy not changed yet.`);
    else if (restoreAt !== 0 && step > restoreAt) parts.push(`${volume}: reclaim policy restored.`);
    else parts.push(`${volume}: reclaim policy Retain (set at step ${retainAt}), the data is safe when the claim is deleted.`);
    if (step >= stopAt && (startAt === 0 || step <= startAt)) {
      parts.push(`The claim's workloads may be stopped: their replica counts are saved on them (annotation ${REPLICAS_ANNOTATION}).`);
    }
    if (step > deleteAt) parts.push(`The claim is deleted; its copy is ${plan.claim}.${plan.namespace}.pvc-backup.yaml.`);
    else if (step === deleteAt) parts.push(`The claim may be deleted already; its copy is ${plan.claim}.${plan.namespace}.pvc-backup.yaml.`);
    else parts.push('The claim is as it was.');
    return parts.join(' ');
  };
  const cases: string[] = [];
  plan.steps.forEach((_, i) => {
    const state = stateAt(i + 1);
    const previous = cases.length > 0 ? cases[cases.length - 1] : undefined;
    const line = (numbers: string) => `    ${numbers}) echo ${shellQuote(state)} >&2 ;;`;
    if (previous !== undefined && previous.endsWith(`) echo ${shellQuote(state)} >&2 ;;`)) {
      cases[cases.length - 1] = line(`${previous.trim().split(')')[0]}|${i + 1}`);
    } else {
      cases.push(line(String(i + 1)));
    }
  });
  return [
    'STEP=0',
    'on_exit() {',
    '  local status=$?',
    '  [ "$status" -ne 0 ] && [ "$STEP" -gt 0 ] || return 0',
    '  echo "rwop migrate: step $STEP failed: $STEP_TITLE" >&2',
    '  case "$STEP" in',
    ...cases,
    '  esac',
    `  [ "$STEP" -gt ${unchangedUpTo} ] || return 0`,
    `  echo "To resume once the cause is fixed: ${resumeFacts}bash $0 --from $STEP" >&2`,
    `  if [ "$STEP" -le ${deleteAt} ]; then echo "To roll back instead: ${resumeFacts}bash $0 --rollback" >&2; fi`,
    '}',
    'trap on_exit EXIT',
    '# Runs step $1 unless the run resumes at a later one.',
    'step() { STEP=$1; STEP_TITLE=$2; [ "$FROM" != rollback ] && [ "$1" -ge "$FROM" ]; }',
  ];
}

function formatRefusal(plan: MigrationPlan): string {
  const how = plan.via === 'in-place' ? 'in place' : 'via a snapshot';
  const failed = plan.checks.filter((check) => check.status === 'failed').length;
  return [
    `rwop migrate: cannot migrate ${plan.namespace}/${plan.claim} ${how}: ${failed} pre-flight check${failed === 1 ? '' : 's'} failed`,
    ...checkLines(plan.checks),
    '',
  ].join('\n');
}

function checkLines(checks: readonly PlanCheck[]): string[] {
  const width = Math.max(...checks.map((check) => check.id.length));
  return checks.map((check) => `  ${check.status.padEnd(11)} ${check.id.padEnd(width)}  ${check.detail}`);
}
