// `rwop status`: reads a live cluster (through kubectl) or a dump of one, prints the report of ./status.ts as text or JSON, exits 1 when something
// waits on a held claim, a holder is stuck or an RWOP claim is not CSI, so that it can run from cron or an alert.
import type { Manifest } from '../rules';
import { EXIT_FINDINGS, EXIT_OK, parseCommandArgs } from './command';
import { UsageError } from './errors';
import { InputBudget, MAX_INPUT_SIZE_ARG, maxInputSizeHelp, parseInputSize } from './input-limit';
import { kubectlGetArgs, readCluster } from './kubectl-live';
import type { LiveTarget } from './kubectl-live';
import type { CliIO } from './main';
import { readManifestInputs } from './read-inputs';
import type { ReadOptions } from './read-inputs';
import { parseRfc3339 } from './rfc3339';
import type { ClaimStatus, HolderStatus, StatusReport, WaitingPod } from './status';
import { analyzeStatus, DEFAULT_STUCK_AFTER_SECONDS, formatDuration, newestTimestamp } from './status';
import { safeJson, safeLines } from './terminal-safe';

const FORMATS = ['text', 'json'] as const;
type Format = typeof FORMATS[number];

/** Where the moment the dump is judged at came from. */
type NowSource = 'option' | 'input' | 'clock';

const HELP = `Usage: rwop status [options] [paths...|-]
       kubectl rwop status [options]

Shows, for every ReadWriteOncePod claim of a live cluster, who holds it, who waits for it and why, which holder
is stuck, and what to do.

With no path and standard input a terminal (always as "kubectl rwop"), or with --live, it asks the cluster: it runs the kubectl on PATH with
your kubeconfig and current context (--kubeconfig, --context and -n are passed on), all namespaces unless -n:

  kubectl get ${kubectlGetArgs({}).slice(1).join(' ')}

Otherwise it reads what that prints: files, directories, or "-" (or no path, from a pipe) for standard input.

Options:
  -f, --format <text|json>   output format (default: text)
  -n, --namespace <name>     only the claims of this namespace (asks the cluster for this namespace only)
  -A, --all-namespaces       every namespace (the default)
      --live                 ask the cluster even when standard input is not a terminal (cron, CI)
      --context <name>       the kubeconfig context to ask (implies --live)
      --kubeconfig <path>    the kubeconfig file to use (implies --live)
      --now <time>           judge at this RFC 3339 time (default: the clock for a cluster; for input, its newest
                             timestamp, else the clock), e.g. 2025-03-10T09:45:00Z
      --stuck-after <d>      a holder Terminating this long past its grace period is stuck (default: ${formatDuration(DEFAULT_STUCK_AFTER_SECONDS)}),
                             e.g. 90s, 10m, 1h30m
${maxInputSizeHelp(29)}
  -h, --help                 show this help

A pod waits on a held claim when the scheduler reports "ReadWriteOncePod access mode" (FailedScheduling, both
wordings), the kubelet refuses the mount, or, for any claim, the volume is attached to another node (Multi-Attach).
A holder is stuck when it is Terminating past --stuck-after or its node is not Ready.

Exit codes: 0 healthy; 1 a pod waits on a held claim, a holder is stuck, a Multi-Attach error, or a
ReadWriteOncePod claim that is not CSI; 2 bad usage, input that is unreadable or empty (a failed kubectl), or
kubectl could not read the cluster (not found, server unreachable, a list forbidden).
`;

interface StatusArgs {
  readonly paths: readonly string[];
  /** Set when the objects come from the cluster, not from paths or stdin. */
  readonly live?: LiveTarget;
  readonly format: Format;
  readonly namespace?: string;
  readonly now?: Date;
  readonly stuckAfterSeconds: number;
  readonly maxInputSize: number;
  readonly help: boolean;
}

/** `rwop status <args...>`: its exit code. */
export async function runStatus(args: readonly string[], io: CliIO): Promise<number> {
  const options = parseStatusArgs(args);
  if (options.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  const live = options.live ?? (options.paths.length === 0 && (io.stdinIsTTY || io.kubectlPlugin) ? { namespace: options.namespace } : undefined);
  const manifests = live ? await readCluster(live, io) : await readPathsOrStdin(options.paths, io,
    'no input: pipe "kubectl get pods,pvc,pv,storageclasses,nodes,events -A -o json" into "rwop status -", or give the files',
    { inputBudget: new InputBudget(options.maxInputSize) });
  // A cluster is judged now; a dump at the moment it was taken (its newest timestamp).
  const newest = live ? undefined : newestTimestamp(manifests);
  const [now, nowSource]: [Date, NowSource] = options.now ? [options.now, 'option'] : newest ? [newest, 'input'] : [new Date(), 'clock'];
  const report = analyzeStatus(manifests, { now, namespace: options.namespace, stuckAfterSeconds: options.stuckAfterSeconds });
  const exitCode = report.healthy ? EXIT_OK : EXIT_FINDINGS;
  io.stdout(options.format === 'json' ? formatStatusJson(report, nowSource, exitCode) : formatStatusText(report, nowSource, exitCode));
  if (manifests.length === 0) io.stderr('rwop status: warning: the input holds no Kubernetes object\n');
  return exitCode;
}

/**
 * The objects in `paths`, or on stdin when no path is given. Stdin that is a terminal is a UsageError carrying
 * `noInput`, the hint of what to give it. A blank input is refused unless `options.allowEmpty`.
 */
async function readPathsOrStdin(paths: readonly string[], io: CliIO, noInput: string, options: ReadOptions = {}): Promise<Manifest[]> {
  if (paths.length === 0 && io.stdinIsTTY) throw new UsageError(noInput);
  return readManifestInputs(paths.length === 0 ? ['-'] : paths, io, options);
}

function parseStatusArgs(args: readonly string[]): StatusArgs {
  const parsed = parseCommandArgs(args, {
    'format': { type: 'string', short: 'f' },
    'namespace': { type: 'string', short: 'n' },
    'all-namespaces': { type: 'boolean', short: 'A' },
    'live': { type: 'boolean' },
    'context': { type: 'string' },
    'kubeconfig': { type: 'string' },
    'now': { type: 'string' },
    'stuck-after': { type: 'string' },
    ...MAX_INPUT_SIZE_ARG,
    'help': { type: 'boolean', short: 'h' },
  });
  const { values, positionals } = parsed;
  const format = values.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}; got "${format}"`);
  const namespace = values.namespace;
  if (namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
    throw new UsageError(`--namespace must be a namespace name (lowercase letters, digits and "-", at most 63); got "${namespace}"`);
  }
  if (namespace !== undefined && values['all-namespaces']) throw new UsageError('give -n/--namespace or -A/--all-namespaces, not both');
  const { context, kubeconfig } = values;
  if (context === '') throw new UsageError('--context must name a context of the kubeconfig; got ""');
  if (kubeconfig === '') throw new UsageError('--kubeconfig must be a file path; got ""');
  const wantsLive = values.live || context !== undefined || kubeconfig !== undefined;
  if (wantsLive && positionals.length > 0) {
    throw new UsageError(`--live, --context and --kubeconfig ask the cluster and read no path; got ${positionals.map((p) => `"${p}"`).join(', ')}`);
  }
  const now = values.now === undefined ? undefined : parseRfc3339(values.now);
  if (values.now !== undefined && now === undefined) {
    throw new UsageError(`--now must be an RFC 3339 time that exists, such as 2025-03-10T09:45:00Z or 2025-03-10T10:45:00+01:00; got "${values.now}"`);
  }
  const stuckAfterSeconds = values['stuck-after'] === undefined ? DEFAULT_STUCK_AFTER_SECONDS : parseDuration(values['stuck-after']);
  const live = wantsLive ? { kubeconfig, context, namespace } : undefined;
  const maxInputSize = parseInputSize(values['max-input-size']);
  return { paths: positionals, live, format: format as Format, namespace, now, stuckAfterSeconds, maxInputSize, help: values.help ?? false };
}

/** `90s`, `10m`, `1h30m`, `2d` → seconds (a Go-like duration with whole numbers; days allowed). */
export function parseDuration(text: string): number {
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!match || text === '') throw new UsageError(`--stuck-after must be a duration such as 90s, 10m or 1h30m; got "${text}"`);
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  return ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
}

function formatStatusJson(report: StatusReport, nowSource: NowSource, exitCode: number): string {
  return safeJson({ schemaVersion: 1, nowSource, exitCode, ...report }) + '\n';
}

/** One block per claim (its line, holders, waiting pods, problems with their actions), then a summary line. */
function formatStatusText(report: StatusReport, nowSource: NowSource, exitCode: number): string {
  const now = Date.parse(report.now);
  const source = { option: '--now', input: 'the newest timestamp in the input', clock: 'the clock' }[nowSource];
  const lines = [`rwop status at ${report.now} (${source}), ${report.namespace === null ? 'all namespaces' : `namespace ${report.namespace}`}`, ''];
  if (report.claims.length === 0) lines.push('No ReadWriteOncePod claim in the input.', '');
  for (const claim of report.claims) {
    lines.push(claimLine(claim));
    for (const holder of claim.holders) lines.push(...holderLines(holder, now));
    for (const pod of claim.waiting) lines.push(...waitingLines(pod, now));
    if (claim.holders.length === 0 && claim.waiting.length === 0) lines.push('  no pod mounts it');
    for (const problem of claim.problems) {
      lines.push(`  PROBLEM  ${problem.kind}: ${problem.message}`);
      for (const action of problem.actions) lines.push(`           - ${action}`);
    }
    lines.push('');
  }
  lines.push(summaryLine(report, exitCode));
  return safeLines(lines) + '\n';
}

function claimLine(claim: ClaimStatus): string {
  const size = claim.capacity && claim.requested && claim.capacity !== claim.requested
    ? `${claim.requested} (capacity ${claim.capacity})`
    : claim.capacity ?? claim.requested ?? 'no size';
  const csi = claim.csi === null ? 'CSI unknown' : claim.csi ? 'CSI' : 'not CSI';
  const provisioner = claim.provisioner ? `${claim.provisioner}, ${csi}` : csi;
  const storageClass = claim.storageClass === null ? `class unknown (${provisioner})`
    : claim.storageClass === '' ? `no class (${provisioner})` : `class ${claim.storageClass} (${provisioner})`;
  const volume = claim.volume ? `volume ${claim.volume}` : 'no volume';
  return `${claim.namespace}/${claim.name}  ${claim.accessModes.join(',') || 'no access modes'}  ${claim.phase ?? 'no phase'}  ${size}  ${storageClass}  ${volume}`;
}

function holderLines(holder: HolderStatus, now: number): string[] {
  const state = [holder.phase ?? 'no phase', holder.ready ? 'ready' : 'not ready'];
  if (holder.terminating) {
    const deadline = Date.parse(holder.terminating.deletionTimestamp);
    state.push(holder.terminating.overdueSeconds > 0
      ? `Terminating, ${formatDuration(holder.terminating.overdueSeconds)} past its grace period`
      : `Terminating, grace period ends in ${formatDuration((deadline - now) / 1000)}`);
  }
  if (holder.nodeNotReady) state.push(`node Ready=${holder.nodeNotReady.status}`);
  if (holder.stuck) state.push('STUCK');
  return [`  holder   ${holder.name}  ${holder.workload}  node ${holder.node}  ${state.join(', ')}`];
}

function waitingLines(pod: WaitingPod, now: number): string[] {
  const where = pod.node ? `on node ${pod.node}` : 'not scheduled';
  const waitsFor = pod.waitsFor.length > 0 ? `, waits for ${pod.waitsFor.join(', ')}` : '';
  const age = pod.createdAt ? ` for ${formatDuration((now - Date.parse(pod.createdAt)) / 1000)}` : '';
  const lines = [`  waiting  ${pod.name}  ${pod.workload}  ${pod.phase ?? 'no phase'}${age}, ${where}${waitsFor} [${pod.cause}${pod.handOff ? ', hand-off in progress' : ''}]`];
  if (pod.evidence) {
    const times = pod.count !== null && pod.count > 1 ? `, ${pod.count} times` : '';
    const last = pod.lastSeen ? `, last ${formatDuration((now - Date.parse(pod.lastSeen)) / 1000)} ago` : '';
    lines.push(`           ${pod.evidence}${times}${last}: ${pod.message}`);
  } else {
    lines.push('           no event or condition says why (events expire after an hour)');
  }
  return lines;
}

function summaryLine(report: StatusReport, exitCode: number): string {
  const s = report.summary;
  return `rwop status: ${plural(s.rwopClaims, 'ReadWriteOncePod claim')} (${s.held} held), `
    + `${plural(s.waitingOnHeldClaim, 'pod')} waiting on a held claim, ${plural(s.stuckHolders, 'stuck holder')}, `
    + `${plural(s.multiAttach, 'Multi-Attach error')}, ${plural(s.notCsi, 'claim')} not CSI: exit ${exitCode}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
