// `rwop migrate`: prints the plan of ./migrate.ts as a bash script to review and run (or as JSON), or the reasons
// it cannot be done (exit 1).
import { EXIT_FINDINGS, EXIT_OK, parseCommandArgs, UsageError } from './command';
import type { Command } from './command';
import type { CliIO } from './main';
import type { MigrationPath, MigrationPlan, PlanCheck } from './migrate';
import { isObjectName, planMigration } from './migrate';
import { readManifestInputs } from './read-manifests';

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
mount it are named, stopped first and started at the end. Without input, the script makes those checks itself.

Options:
  -n, --namespace <name>       the claim's namespace (default: "default", or the one in <namespace>/<claim>)
      --via <in-place|snapshot>
                               the path (default: in-place)
      --snapshot-class <name>  the VolumeSnapshotClass (--via snapshot; default: the driver's default class)
      --snapshot-name <name>   the VolumeSnapshot's name (--via snapshot; default: <claim>-before-rwop)
  -f, --format <text|json>     a bash script (default), or the plan as JSON
  -h, --help                   show this help

Exit codes: 0 the plan is printed; 1 a pre-flight check failed (the reasons on standard error, or in the JSON);
2 bad usage, or input that is unreadable or empty.
`;

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'print the RWO to RWOP migration of a claim (in place, or via a snapshot) as checked kubectl steps',
  run: runMigrate,
};

interface MigrateArgs {
  readonly namespace: string;
  readonly claim: string;
  readonly paths: readonly string[];
  readonly via: MigrationPath;
  readonly snapshotClass?: string;
  readonly snapshotName?: string;
  readonly format: Format;
  readonly help: boolean;
}

async function runMigrate(args: readonly string[], io: CliIO): Promise<number> {
  const options = parseMigrateArgs(args);
  if (options.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  const manifests = options.paths.length > 0 ? await readManifestInputs(options.paths, io) : undefined;
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
    'help': { type: 'boolean', short: 'h' },
  });
  const { values, positionals } = parsed;
  if (values.help) return { namespace: '', claim: '', paths: [], via: 'in-place', format: 'text', help: true };
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
    if (name !== undefined && !isObjectName(name)) {
      throw new UsageError(`${what} "${name}" is not an object name (lowercase letters, digits, "-" and ".", at most 253)`);
    }
  }
  return {
    namespace,
    claim,
    paths,
    via: via as MigrationPath,
    format: format as Format,
    help: false,
    snapshotClass: values['snapshot-class'],
    snapshotName: values['snapshot-name'],
  };
}

/** The plan as a bash script: a header with the checks, then one numbered block per step. */
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
  lines.push(...checkLines(plan.checks).map((line) => `#${line}`));
  lines.push(
    '# Review it, then run it: a failing command or check stops it with the reason. Do not resize the claim meanwhile.',
    'set -euo pipefail',
    'stop() { echo "rwop migrate: stopped: $*" >&2; exit 1; }',
  );
  plan.steps.forEach((step, i) => {
    lines.push('', `# ${i + 1}. ${step.title}`);
    for (const command of step.commands) {
      lines.push(command);
      if (step.manifest !== undefined && /<<'?EOF'?$/.test(command)) lines.push(step.manifest.trimEnd(), 'EOF');
    }
  });
  return lines.join('\n') + '\n';
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
