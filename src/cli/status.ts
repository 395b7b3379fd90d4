// `rwop status`, the pure half: a live cluster dump (`kubectl get pods,pvc,pv,storageclasses,nodes,events -A -o json`)
// in, one report per ReadWriteOncePod claim out: who holds it, who waits for it and why, which holder is stuck, and
// what to do (the usual monitoring and troubleshooting steps, automated). No I/O, no clock: `now` is given.
import { WorkloadOwners } from './workload-owners';
import { inTreeProvisionerAdvice, isInTreeProvisioner } from '../core/csi-drivers';
import { ManifestIndex } from '../rules/manifest-index';
import type { IndexedObject } from '../rules/manifest-index';
import { accessModesOf, asArray, asNumber, asObject, asString, controllerOf, isObject, RWOP } from '../rules/support';
import type { KubeObject, Manifest } from '../rules/types';

/** The stable substring of the scheduler's (both wordings) and the kubelet's message about a held RWOP claim. */
const RWOP_HELD_SUBSTRING = 'ReadWriteOncePod access mode';
/** The attach/detach controller's message prefix when a volume that allows one node is wanted on a second node. */
const MULTI_ATTACH_PREFIX = 'Multi-Attach error';

/** How long a pod may stay Terminating past its `deletionTimestamp` before it counts as stuck. */
export const DEFAULT_STUCK_AFTER_SECONDS = 300;

export interface StatusOptions {
  /** The moment the dump is judged at (deterministic in tests: see `newestTimestamp`). */
  readonly now: Date;
  /** Only claims of this namespace. */
  readonly namespace?: string;
  /** @default DEFAULT_STUCK_AFTER_SECONDS */
  readonly stuckAfterSeconds?: number;
}

export type ProblemKind = 'waiting-on-held-claim' | 'multi-attach' | 'stuck-holder' | 'not-csi';

/** Why a pod that mounts the claim does not run. */
export type WaitCause =
  /** The scheduler refuses it: `FailedScheduling` with "ReadWriteOncePod access mode" (event or PodScheduled condition). */
  | 'rwop-scheduler'
  /** The kubelet refuses the mount (a pod that set `spec.nodeName` itself, on the holder's node). */
  | 'rwop-kubelet'
  /** `FailedAttachVolume` "Multi-Attach error": the volume is attached to another node (the RWO symptom). */
  | 'multi-attach'
  /** No message says so, but the RWOP claim is held by another pod, so it cannot start (events expire after an hour). */
  | 'held'
  /** Pending for a reason that is not this claim being held (shown, but not a problem of this report). */
  | 'other';

export interface PodSummary {
  readonly namespace: string;
  readonly name: string;
  /** `spec.nodeName`, null while unscheduled. */
  readonly node: string | null;
  readonly phase: string | null;
  readonly ready: boolean;
  /** The workload the pod belongs to, e.g. `Deployment/postgres`, `Job/backup-28745120`, or `Pod/<name>` when bare. */
  readonly workload: string;
  /** Its controller (`ownerReferences[].controller`), e.g. `ReplicaSet/postgres-7c9d8f6b5`; null for a bare pod. */
  readonly controller: string | null;
  readonly createdAt: string | null;
}

export interface HolderStatus extends PodSummary {
  /** `metadata.finalizers`: what can keep a Terminating pod in the API after its containers stopped. */
  readonly finalizers: readonly string[];
  /** Set when the pod is being deleted: when its grace period ends(ed) and how far past that `now` is. */
  readonly terminating: { readonly deletionTimestamp: string; readonly overdueSeconds: number } | null;
  /** The holder's node, when the dump has it and it is not Ready: its Ready status and since when. */
  readonly nodeNotReady: { readonly status: string; readonly reason: string | null; readonly since: string | null } | null;
  /** Terminating for longer than the stuck threshold, or on a node that is not Ready. */
  readonly stuck: boolean;
}

export interface WaitingPod extends PodSummary {
  readonly cause: WaitCause;
  /** The message that says why (event or condition), when there is one. */
  readonly message: string | null;
  /** Where the message comes from: `FailedScheduling event (default-scheduler)`, `PodScheduled condition`, ... */
  readonly evidence: string | null;
  /** How many times the event was seen, and when last. */
  readonly count: number | null;
  readonly lastSeen: string | null;
  /** The pods it waits for (the holders of the claim, other than itself). */
  readonly waitsFor: readonly string[];
  /**
   * Every pod it waits for is being deleted, within its grace period and the stuck threshold: a normal hand-off
   * (a Recreate rollout, a deleted pod's replacement), shown but not a problem.
   */
  readonly handOff: boolean;
}

export interface Problem {
  readonly kind: ProblemKind;
  readonly message: string;
  /** What to do, in order: commands to run or checks to make. */
  readonly actions: readonly string[];
}

export interface ClaimStatus {
  readonly namespace: string;
  readonly name: string;
  readonly accessModes: readonly string[];
  readonly phase: string | null;
  /** `spec.resources.requests.storage` as written. */
  readonly requested: string | null;
  /** `status.capacity.storage`, once bound. */
  readonly capacity: string | null;
  /** The class the claim asked for or got from the default; "" for none, null when unknown. */
  readonly storageClass: string | null;
  /** The provisioner of that class, or the CSI driver of the bound PV. */
  readonly provisioner: string | null;
  /** Whether the volume is (or will be) a CSI volume; null when the dump says neither way. */
  readonly csi: boolean | null;
  readonly volume: string | null;
  readonly holders: readonly HolderStatus[];
  readonly waiting: readonly WaitingPod[];
  readonly problems: readonly Problem[];
}

export interface StatusReport {
  readonly now: string;
  readonly namespace: string | null;
  readonly stuckAfterSeconds: number;
  /** Every ReadWriteOncePod claim, and every other claim a pod waits for with a Multi-Attach error; by namespace/name. */
  readonly claims: readonly ClaimStatus[];
  readonly summary: {
    readonly rwopClaims: number;
    readonly held: number;
    readonly waitingOnHeldClaim: number;
    readonly stuckHolders: number;
    readonly notCsi: number;
    readonly multiAttach: number;
  };
  /** True when no claim has a problem. */
  readonly healthy: boolean;
}

/** Keys holding a moment the cluster observed (not `deletionTimestamp`, which is a deadline in the future). */
const OBSERVED_TIME_KEYS = new Set([
  'creationTimestamp', 'time', 'lastTransitionTime', 'lastHeartbeatTime', 'lastProbeTime', 'lastTimestamp', 'firstTimestamp',
  'eventTime', 'lastObservedTime', 'startedAt', 'finishedAt', 'startTime', 'lastPhaseTransitionTime', 'timeAdded',
]);

/**
 * The newest moment the dump records (object creation, managedFields updates, condition transitions, node heartbeats,
 * events): a deterministic "now" for a saved dump. Undefined when the input has no timestamp at all.
 */
export function newestTimestamp(manifests: readonly Manifest[]): Date | undefined {
  let newest = Number.NEGATIVE_INFINITY;
  const stack: unknown[] = manifests.map((manifest) => manifest.object);
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      stack.push(...value);
    } else if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        const time = OBSERVED_TIME_KEYS.has(key) ? timeOf(child) : undefined;
        if (time !== undefined) {
          const moment = Date.parse(time);
          if (moment > newest) newest = moment;
        } else if (typeof child === 'object' && child !== null && !(child instanceof Date)) {
          stack.push(child);
        }
      }
    }
  }
  return Number.isFinite(newest) ? new Date(newest) : undefined;
}

/** A Warning or Normal event about a pod or a claim, read from core/v1 or events.k8s.io/v1. */
interface ObservedEvent {
  /** `involvedObject.uid` (`regarding.uid`), to tell a re-created pod of the same name from the one the event is about. */
  readonly subjectUid: string | undefined;
  readonly reason: string;
  readonly message: string;
  readonly type: string;
  readonly component: string;
  readonly count: number;
  readonly time: number;
  readonly lastSeen: string | null;
}

type WaitReason = Pick<WaitingPod, 'cause' | 'message' | 'evidence' | 'count' | 'lastSeen'>;

interface PodInfo {
  readonly entry: IndexedObject;
  readonly summary: PodSummary;
  readonly claimNames: readonly string[];
  readonly events: readonly ObservedEvent[];
  readonly terminal: boolean;
}

/** One report over the whole dump. */
export function analyzeStatus(manifests: readonly Manifest[], options: StatusOptions): StatusReport {
  const index = new ManifestIndex(manifests);
  const now = options.now.getTime();
  const stuckAfterSeconds = options.stuckAfterSeconds ?? DEFAULT_STUCK_AFTER_SECONDS;
  const cluster = new ClusterView(index);

  const reports: ClaimStatus[] = [];
  for (const claim of index.ofKind('PersistentVolumeClaim')) {
    if (options.namespace !== undefined && claim.namespace !== options.namespace) continue;
    const report = claimStatus(cluster, claim, now, stuckAfterSeconds);
    if (report) reports.push(report);
  }
  reports.sort((a, b) => compareText(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`));

  const problems = reports.flatMap((report) => report.problems);
  const count = (kind: ProblemKind) => problems.filter((problem) => problem.kind === kind).length;
  return {
    now: new Date(now).toISOString(),
    namespace: options.namespace ?? null,
    stuckAfterSeconds,
    claims: reports,
    summary: {
      rwopClaims: reports.filter((report) => report.accessModes.includes(RWOP)).length,
      held: reports.filter((report) => report.accessModes.includes(RWOP) && report.holders.length > 0).length,
      waitingOnHeldClaim: reports.reduce((sum, report) => sum + report.waiting.filter((pod) => isBlockedByHolder(pod) && !pod.handOff).length, 0),
      stuckHolders: reports.reduce((sum, report) => sum + report.holders.filter((holder) => holder.stuck).length, 0),
      notCsi: count('not-csi'),
      multiAttach: count('multi-attach'),
    },
    healthy: problems.length === 0,
  };
}

/** A pod that waits because the claim is held (or attached elsewhere), as opposed to pending for another reason. */
export function isBlockedByHolder(pod: WaitingPod): boolean {
  return pod.cause !== 'other';
}

/** The dump's pods, volumes, nodes and events, looked up by what the claims need. */
class ClusterView {
  readonly podsByClaim = new Map<string, PodInfo[]>();
  private readonly volumes = new Map<string, IndexedObject>();
  private readonly nodes = new Map<string, IndexedObject>();
  private readonly owners: WorkloadOwners;
  private readonly claimEvents = new Map<string, ObservedEvent[]>();

  constructor(readonly index: ManifestIndex) {
    for (const volume of index.ofKind('PersistentVolume')) setOnce(this.volumes, volume.name, volume);
    for (const node of index.ofKind('Node')) setOnce(this.nodes, node.name, node);
    this.owners = new WorkloadOwners(index);

    const podEvents = new Map<string, ObservedEvent[]>();
    for (const event of index.ofKind('Event')) {
      const read = readEvent(event.object);
      if (!read) continue;
      const { subject, observed } = read;
      const namespace = asString(subject.namespace) || event.namespace;
      const name = asString(subject.name);
      if (name === undefined) continue;
      if (subject.kind === 'Pod') {
        push(podEvents, `${namespace}/${name}`, observed);
      } else if (subject.kind === 'PersistentVolumeClaim') {
        push(this.claimEvents, `${namespace}/${name}`, observed);
      }
    }

    for (const pod of index.ofKind('Pod')) {
      const object = pod.object;
      const metadata = asObject(object.metadata);
      const uid = asString(metadata.uid);
      const events = (podEvents.get(`${pod.namespace}/${pod.name}`) ?? [])
        // An event about an earlier pod of the same name (a StatefulSet pod re-created) is not about this one.
        .filter((event) => event.subjectUid === undefined || uid === undefined || event.subjectUid === uid)
        .sort((a, b) => b.time - a.time);
      const status = asObject(object.status);
      const phase = asString(status.phase) ?? null;
      const info: PodInfo = {
        entry: pod,
        summary: {
          namespace: pod.namespace,
          name: pod.name,
          node: asString(asObject(object.spec).nodeName) || null,
          phase,
          ready: conditionStatus(status, 'Ready') === 'True',
          workload: this.owners.workloadOf(pod),
          controller: controllerName(object),
          createdAt: timeOf(metadata.creationTimestamp) ?? null,
        },
        claimNames: claimNamesOf(pod),
        events,
        terminal: phase === 'Succeeded' || phase === 'Failed',
      };
      for (const claimName of info.claimNames) push(this.podsByClaim, `${pod.namespace}/${claimName}`, info);
    }
  }

  volume(name: string | undefined): IndexedObject | undefined {
    return name === undefined ? undefined : this.volumes.get(name);
  }

  node(name: string | null): IndexedObject | undefined {
    return name === null ? undefined : this.nodes.get(name);
  }

  eventsOfClaim(namespace: string, name: string): readonly ObservedEvent[] {
    return this.claimEvents.get(`${namespace}/${name}`) ?? [];
  }
}

function claimStatus(cluster: ClusterView, claim: IndexedObject, now: number, stuckAfterSeconds: number): ClaimStatus | undefined {
  const object = claim.object;
  const spec = asObject(object.spec);
  const status = asObject(object.status);
  const accessModes = accessModesOf(object);
  const rwop = accessModes.includes(RWOP);
  const volumeName = asString(spec.volumeName) || undefined;
  const volume = cluster.volume(volumeName);
  const pods = cluster.podsByClaim.get(`${claim.namespace}/${claim.name}`) ?? [];

  // A pod is waiting when it does not run and is not on its way to; everything else on a node holds the claim.
  const waitingInfo = new Map<PodInfo, WaitReason>();
  for (const pod of pods) {
    const waiting = waitOf(pod, claim, volumeName, rwop);
    if (waiting) waitingInfo.set(pod, waiting);
  }
  const holderPods = pods.filter((pod) => !pod.terminal && pod.summary.node !== null && !waitingInfo.has(pod));
  const holders = holderPods.map((pod) => holderStatus(cluster, pod, now, stuckAfterSeconds));

  const waiting: WaitingPod[] = [];
  for (const [pod, wait] of waitingInfo) {
    const others = holders.filter((holder) => holder.name !== pod.summary.name);
    // A pod pending for another reason still cannot start while another pod holds an RWOP claim it mounts.
    const cause = wait.cause === 'other' && rwop && others.length > 0 ? 'held' : wait.cause;
    const handOff = others.length > 0 && others.every((holder) => holder.terminating !== null && !holder.stuck);
    waiting.push({ ...pod.summary, ...wait, cause, waitsFor: others.map((holder) => holder.name), handOff });
  }
  waiting.sort((a, b) => compareText(a.name, b.name));
  holders.sort((a, b) => compareText(a.name, b.name));

  const multiAttach = waiting.some((pod) => pod.cause === 'multi-attach');
  if (!rwop && !multiAttach) return undefined;

  const storage = storageOf(cluster, object, volume);
  const base = {
    namespace: claim.namespace,
    name: claim.name,
    accessModes,
    phase: asString(status.phase) ?? null,
    requested: asString(asObject(asObject(spec.resources).requests).storage) ?? null,
    capacity: asString(asObject(status.capacity).storage) ?? null,
    ...storage,
    volume: volumeName ?? null,
    holders,
    waiting,
  };
  const problems = [
    ...holders.filter((holder) => holder.stuck).map((holder) => stuckProblem(base, holder, volume)),
    ...waitingProblems(base, holders, rwop),
    ...(rwop && storage.csi === false ? [notCsiProblem(base, volume, cluster.eventsOfClaim(claim.namespace, claim.name))] : []),
  ];
  return { ...base, problems };
}

/**
 * Why this pod does not run, or undefined when it holds the claim. A pod on a node holds it (the scheduler counts it)
 * unless the kubelet refused the mount or the volume could not be attached there; a pod on no node waits.
 */
function waitOf(pod: PodInfo, claim: IndexedObject, volumeName: string | undefined, rwop: boolean): WaitReason | undefined {
  const metadata = asObject(pod.entry.object.metadata);
  if (pod.terminal || metadata.deletionTimestamp !== undefined || pod.summary.phase === 'Running') return undefined;
  const assigned = pod.summary.node !== null;
  const warnings = pod.events.filter((event) => event.type === 'Warning');
  // The kubelet and the attach/detach controller name the volume (the PV): a pod with two claims waits for one.
  const about = (event: ObservedEvent) => mentionsVolume(event.message, volumeName, claim.name);
  const fromEvent = (cause: WaitCause, event: ObservedEvent): WaitReason => ({
    cause,
    message: event.message,
    evidence: `${event.reason} event${event.component ? ` (${event.component})` : ''}`,
    count: event.count,
    lastSeen: event.lastSeen,
  });
  for (const event of warnings) {
    const rwopMessage = event.message.includes(RWOP_HELD_SUBSTRING);
    if (!assigned && rwop && rwopMessage && event.reason === 'FailedScheduling') return fromEvent('rwop-scheduler', event);
    if (assigned && rwopMessage && event.reason !== 'FailedScheduling' && about(event)) return fromEvent('rwop-kubelet', event);
    if (assigned && event.message.includes(MULTI_ATTACH_PREFIX) && about(event)) return fromEvent('multi-attach', event);
  }
  if (assigned) return undefined;

  const scheduled = asArray(asObject(pod.entry.object.status).conditions).map(asObject).find((condition) => condition.type === 'PodScheduled');
  const conditionMessage = scheduled?.status === 'False' ? asString(scheduled.message) : undefined;
  const fromCondition = (cause: WaitCause): WaitReason => ({
    cause,
    message: conditionMessage ?? null,
    evidence: 'PodScheduled condition',
    count: null,
    lastSeen: timeOf(scheduled?.lastTransitionTime) ?? null,
  });
  if (rwop && conditionMessage?.includes(RWOP_HELD_SUBSTRING)) return fromCondition('rwop-scheduler');
  const last = warnings[0];
  if (last) return fromEvent('other', last);
  if (conditionMessage) return fromCondition('other');
  return { cause: 'other', message: null, evidence: null, count: null, lastSeen: null };
}

/** True when a kubelet or attach message is about this claim's volume (`for volume "<pv>"`), or names no volume. */
function mentionsVolume(message: string, volumeName: string | undefined, claimName: string): boolean {
  const named = /for volume "([^"]+)"/.exec(message);
  if (!named) return true;
  return named[1] === volumeName || named[1] === claimName;
}

function holderStatus(cluster: ClusterView, pod: PodInfo, now: number, stuckAfterSeconds: number): HolderStatus {
  const deletionTimestamp = timeOf(asObject(pod.entry.object.metadata).deletionTimestamp);
  const deadline = deletionTimestamp === undefined ? NaN : Date.parse(deletionTimestamp);
  const terminating = deletionTimestamp === undefined
    ? null
    : { deletionTimestamp, overdueSeconds: Number.isNaN(deadline) ? 0 : Math.max(0, Math.floor((now - deadline) / 1000)) };
  const node = cluster.node(pod.summary.node);
  const ready = node && asArray(asObject(node.object.status).conditions).map(asObject).find((condition) => condition.type === 'Ready');
  const nodeNotReady = node && ready?.status !== 'True'
    ? { status: asString(ready?.status) ?? 'Unknown', reason: asString(ready?.reason) ?? null, since: timeOf(ready?.lastTransitionTime) ?? null }
    : null;
  const stuck = nodeNotReady !== null || (terminating !== null && terminating.overdueSeconds >= stuckAfterSeconds);
  const finalizers = asArray(asObject(pod.entry.object.metadata).finalizers).filter((finalizer): finalizer is string => typeof finalizer === 'string');
  return { ...pod.summary, finalizers, terminating, nodeNotReady, stuck };
}

/** The claim's class and whether its volume is CSI: the bound PV decides when the dump has it, else the class. */
function storageOf(cluster: ClusterView, claim: KubeObject, volume: IndexedObject | undefined): Pick<ClaimStatus, 'storageClass' | 'provisioner' | 'csi'> {
  const spec = asObject(claim.spec);
  const legacy = asString(asObject(asObject(claim.metadata).annotations)['volume.beta.kubernetes.io/storage-class']);
  let className = asString(spec.storageClassName) ?? legacy ?? null;
  let storageClass = className === null ? undefined : cluster.index.storageClass(className);
  if (className === null && volume === undefined) {
    storageClass = cluster.index.defaultStorageClass();
    className = storageClass?.name ?? null;
  }
  const volumeSpec = volume && asObject(volume.object.spec);
  if (volumeSpec) {
    const driver = asString(asObject(volumeSpec.csi).driver);
    if (className === null) className = asString(volumeSpec.storageClassName) ?? '';
    if (driver !== undefined) return { storageClass: className, provisioner: driver, csi: true };
    return { storageClass: className, provisioner: inTreeSourceOf(volumeSpec, storageClass), csi: false };
  }
  const provisioner = storageClass && asString(storageClass.object.provisioner);
  return { storageClass: className, provisioner: provisioner ?? null, csi: provisioner === undefined ? null : !isInTreeProvisioner(provisioner) };
}

/** What a non-CSI PV is, for the report: its class's provisioner, else its volume source (`local`, `hostPath`, ...). */
function inTreeSourceOf(volumeSpec: KubeObject, storageClass: IndexedObject | undefined): string {
  const provisioner = storageClass && asString(storageClass.object.provisioner);
  if (provisioner) return provisioner;
  const ignored = new Set(['accessModes', 'capacity', 'claimRef', 'mountOptions', 'nodeAffinity', 'persistentVolumeReclaimPolicy', 'storageClassName', 'volumeMode', 'volumeAttributesClassName']);
  const source = Object.keys(volumeSpec).find((key) => !ignored.has(key));
  return source ? `${source} volume` : 'unknown volume source';
}

type ClaimBase = Omit<ClaimStatus, 'problems'>;

function stuckProblem(claim: ClaimBase, holder: HolderStatus, volume: IndexedObject | undefined): Problem {
  const where = `-n ${claim.namespace}`;
  const reasons: string[] = [];
  const actions: string[] = [`kubectl describe pod ${holder.name} ${where}`];
  if (holder.nodeNotReady) {
    const since = holder.nodeNotReady.since ? ` since ${holder.nodeNotReady.since}` : '';
    reasons.push(`its node ${holder.node} is not Ready (Ready=${holder.nodeNotReady.status}${holder.nodeNotReady.reason ? `, ${holder.nodeNotReady.reason}` : ''}${since})`);
    actions.push(
      `kubectl describe node ${holder.node}`,
      `if ${holder.node} is shut down for good, mark it out of service so that its pods are deleted and their volumes detached (non-graceful node shutdown, Kubernetes >= 1.28): kubectl taint nodes ${holder.node} node.kubernetes.io/out-of-service=nodeshutdown:NoExecute`,
    );
    if (claim.volume) {
      actions.push(`check the attachment: kubectl get volumeattachments | grep ${claim.volume}; if it stays attached to the dead node, detach it with your storage provider's tooling${detachHint(volume)}`);
    }
  }
  if (holder.terminating && holder.terminating.overdueSeconds > 0) {
    reasons.push(`it is Terminating ${formatDuration(holder.terminating.overdueSeconds)} past the end of its grace period (${holder.terminating.deletionTimestamp})`);
    if (holder.finalizers.length > 0) {
      actions.push(`it has finalizers (${holder.finalizers.join(', ')}): the controllers that own them must remove them before the pod can go`);
    }
    actions.push(`once you are sure its containers no longer run (node off, or the container runtime shows none), force-delete it: kubectl delete pod ${holder.name} ${where} --grace-period=0 --force (a force delete only removes the API object: if a container still runs, a second writer can start, and ReadWriteOncePod cannot stop it)`);
  }
  return {
    kind: 'stuck-holder',
    message: `pod ${holder.name} holds the claim and is stuck: ${reasons.join('; ')}`,
    actions,
  };
}

function detachHint(volume: IndexedObject | undefined): string {
  const csi = volume && asObject(asObject(volume.object.spec).csi);
  const handle = csi && asString(csi.volumeHandle);
  if (csi?.driver === 'ebs.csi.aws.com' && handle) return ` (EBS: aws ec2 detach-volume --volume-id ${handle}, after the instance is stopped)`;
  return '';
}

function waitingProblems(claim: ClaimBase, holders: readonly HolderStatus[], rwop: boolean): Problem[] {
  const problems: Problem[] = [];
  const where = `-n ${claim.namespace}`;
  for (const pod of claim.waiting) {
    if (!isBlockedByHolder(pod) || pod.handOff) continue;
    const holder = holders.find((candidate) => candidate.name !== pod.name);
    const heldBy = holder ? `held by pod ${holder.name} (${holder.workload})${holder.node ? ` on node ${holder.node}` : ''}` : 'held by a pod the dump does not show';
    const actions: string[] = [];
    let message: string;
    if (pod.cause === 'multi-attach') {
      message = `pod ${pod.name} (${pod.workload}) on node ${pod.node ?? '?'} cannot attach the volume: it is attached to another node, ${heldBy}`;
      if (!rwop) {
        message += `; the claim is ${claim.accessModes.join(',')}, so pods on two nodes exclude each other only at attach time, and two pods on one node could both write`;
      }
      actions.push(...diagnoseSharing(pod, holder, where));
      if (!rwop) actions.push(`if the volume must only ever have one writer, migrate the claim to ReadWriteOncePod: rwop migrate ${claim.namespace}/${claim.name}`);
    } else {
      const how = pod.cause === 'rwop-kubelet'
        ? 'the kubelet refuses to mount it (the pod sets spec.nodeName and bypassed the scheduler)'
        : pod.cause === 'rwop-scheduler' ? 'the scheduler will not place it' : 'it cannot start';
      message = `pod ${pod.name} (${pod.workload}) waits for the ReadWriteOncePod claim, ${heldBy}: ${how}`;
      if (holder?.stuck) actions.push(`the holder is stuck: see the stuck-holder problem of ${holder.name} first`);
      if (pod.cause === 'rwop-kubelet') actions.push(`delete the pod that bypassed the scheduler: kubectl delete pod ${pod.name} ${where}`);
      else actions.push(...diagnoseSharing(pod, holder, where));
    }
    problems.push({ kind: pod.cause === 'multi-attach' ? 'multi-attach' : 'waiting-on-held-claim', message, actions });
  }
  return problems;
}

/** Why two pods want one claim, from their workloads, and the fix for each case. */
function diagnoseSharing(pod: WaitingPod, holder: HolderStatus | undefined, where: string): string[] {
  if (!holder) return [`find the holder: kubectl describe pvc ... ${where} (Used By)`];
  const [kind, name] = splitWorkload(pod.workload);
  if (pod.workload === holder.workload && holder.terminating) {
    return [`${pod.name} replaces ${holder.name}, which is being deleted: it starts once ${holder.name} is gone`];
  }
  if (pod.workload === holder.workload && kind === 'Deployment' && pod.controller !== holder.controller) {
    return [
      `both pods belong to Deployment ${name}: a rolling update surged a second pod, which waits forever for the old one (the rollout deadlocks); switch the Deployment to Recreate: kubectl patch deployment ${name} ${where} -p '{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}'`,
    ];
  }
  if (pod.workload === holder.workload && kind !== 'Pod') {
    return [`${pod.workload} runs more than one pod with this claim, and only one can have it: kubectl scale ${kind.toLowerCase()} ${name} ${where} --replicas=1`];
  }
  if (kind === 'Job' || kind === 'CronJob') {
    return [`${pod.workload} mounts a claim that ${holder.workload} holds, so it never starts: back up with a VolumeSnapshot or over the network (e.g. pg_dump) instead of mounting the claim, then delete the waiting pod: kubectl delete pod ${pod.name} ${where}`];
  }
  return [
    `${pod.workload} and ${holder.workload} both mount the claim, and only one pod at a time can: stop one of them (for a stray pod such as a second attempt: kubectl delete pod ${pod.name} ${where})`,
  ];
}

function splitWorkload(workload: string): [string, string] {
  const slash = workload.indexOf('/');
  return [workload.slice(0, slash), workload.slice(slash + 1)];
}

function notCsiProblem(claim: ClaimBase, volume: IndexedObject | undefined, events: readonly ObservedEvent[]): Problem {
  const provisioner = claim.provisioner ?? '';
  const why = isInTreeProvisioner(provisioner) ? `: ${inTreeProvisionerAdvice(provisioner)}` : '';
  const what = volume
    ? `its volume ${volume.name} is not a CSI volume (${provisioner})${why}`
    : `storage class ${claim.storageClass} is not CSI${why}`;
  const lastEvent = events.slice().sort((a, b) => b.time - a.time)[0];
  const pending = claim.phase === 'Pending' && lastEvent ? `; the claim is Pending (${lastEvent.reason}: ${lastEvent.message})` : '';
  return {
    kind: 'not-csi',
    message: `the claim asks for ReadWriteOncePod, but ${what}; such a claim is never provisioned, or bound without the one-pod guarantee${pending}`,
    actions: [
      'create a claim of a StorageClass whose provisioner is a CSI driver that supports ReadWriteOncePod (csi-provisioner >= 3.0, csi-attacher >= 3.3, csi-resizer >= 1.3), '
      + 'stop the workload, copy the data across, and point the workload at the new claim (rwop migrate keeps the volume, so it cannot make it CSI)',
    ],
  };
}

/** The subject and the normalized fields of a core/v1 or events.k8s.io/v1 Event. */
function readEvent(event: KubeObject): { subject: KubeObject; observed: ObservedEvent } | undefined {
  const modern = String(event.apiVersion).startsWith('events.k8s.io/');
  const subject = asObject(modern ? event.regarding : event.involvedObject);
  const series = asObject(event.series);
  const lastSeen = timeOf(series.lastObservedTime)
    ?? timeOf(modern ? event.deprecatedLastTimestamp : event.lastTimestamp)
    ?? timeOf(event.eventTime)
    ?? timeOf(modern ? event.deprecatedFirstTimestamp : event.firstTimestamp)
    ?? timeOf(asObject(event.metadata).creationTimestamp)
    ?? null;
  const source = asObject(modern ? event.deprecatedSource : event.source);
  const reason = asString(event.reason);
  if (reason === undefined) return undefined;
  return {
    subject,
    observed: {
      subjectUid: asString(subject.uid) || undefined,
      reason,
      message: asString(modern ? event.note : event.message) ?? '',
      type: asString(event.type) ?? 'Normal',
      component: asString(modern ? event.reportingController : event.reportingComponent) || asString(source.component) || '',
      count: asNumber(series.count) ?? asNumber(modern ? event.deprecatedCount : event.count) ?? 1,
      time: lastSeen === null ? 0 : Date.parse(lastSeen) || 0,
      lastSeen,
    },
  };
}

/** The claims a pod mounts: `persistentVolumeClaim` volumes, and generic ephemeral volumes (claim `<pod>-<volume>`). */
function claimNamesOf(pod: IndexedObject): string[] {
  const names = new Set<string>();
  for (const raw of asArray(asObject(pod.object.spec).volumes)) {
    const volume = asObject(raw);
    const claimName = asString(asObject(volume.persistentVolumeClaim).claimName);
    if (claimName) names.add(claimName);
    const volumeName = asString(volume.name);
    if (isObject(volume.ephemeral) && volumeName) names.add(`${pod.name}-${volumeName}`);
  }
  return [...names];
}

function controllerName(object: KubeObject): string | null {
  const controller = controllerOf(object);
  return controller ? `${controller.kind}/${controller.name}` : null;
}

function conditionStatus(status: KubeObject, type: string): string | undefined {
  return asString(asArray(status.conditions).map(asObject).find((condition) => condition.type === type)?.status);
}

/**
 * A timestamp field as an RFC 3339 string: as written, or from the Date a YAML 1.1 reader makes of an unquoted
 * timestamp (kubectl quotes them; other tools do not).
 */
function timeOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
  return undefined;
}

/** `45s`, `12m`, `3h5m`, `2d4h`: the largest two units. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  const units: Array<[string, number]> = [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]];
  const parts: string[] = [];
  let rest = s;
  for (const [unit, size] of units) {
    const amount = Math.floor(rest / size);
    rest -= amount * size;
    if (amount > 0 || parts.length > 0) parts.push(`${amount}${unit}`);
    if (parts.length === 2) break;
  }
  return parts.filter((part) => !part.startsWith('0')).join('');
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function setOnce<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (!map.has(key)) map.set(key, value);
}
