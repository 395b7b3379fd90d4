// `rwop migrate`, the pure half: the plan that moves one claim from ReadWriteOnce to ReadWriteOncePod, as ordered
// kubectl commands and the YAML they apply. Two paths:
// - in place (official): Retain the PV, stop the workloads, delete the claim, clear the PV's claimRef.uid, make the PV
//   ReadWriteOncePod, re-create the claim with volumeName, start the workloads, restore the reclaim policy;
// - via snapshot: stop the workloads, snapshot the claim, re-create it from the snapshot (dataSource).
// With the cluster's objects as input, the pre-flight checks are made here and a failed one stops the plan; without,
// they become verification steps of the script. The YAML is what ExclusiveVolume and VolumeSnapshot synthesize for
// the same inputs (a test holds them together), written here without cdk8s so that `rwop` starts fast.
import { stringify } from 'yaml';
import { WorkloadOwners } from './workload-owners';
import { isCsiDriverName, isDns1123Subdomain } from '../core/names';
import { shellQuote as q } from '../core/shell';
import { ruleById } from '../rules/all';
import { runRules } from '../rules/engine';
import { ManifestIndex } from '../rules/manifest-index';
import type { IndexedObject } from '../rules/manifest-index';
import { accessModesOf, asArray, asObject, asString, quantityBytes, refKey, RWO, RWOP } from '../rules/support';
import type { Finding, KubeObject, Manifest } from '../rules/types';

export { quantityBytes };

export type MigrationPath = 'in-place' | 'snapshot';

export interface MigrateOptions {
  readonly namespace: string;
  readonly claim: string;
  readonly via: MigrationPath;
  /** The VolumeSnapshotClass of the snapshot path; absent: the one the input shows as the driver's default, else the driver's default. */
  readonly snapshotClass?: string;
  /** @default `<claim>-before-rwop` */
  readonly snapshotName?: string;
}

export type CheckStatus = 'passed' | 'failed' | 'at-run-time';

export interface PlanCheck {
  readonly id: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

/** A workload that mounts the claim, and how the plan stops and restarts it. */
export interface WorkloadUse {
  /** `Deployment/postgres`, `Pod/debug`, ... */
  readonly workload: string;
  /** The pods of it that the input shows, which the plan waits to be gone. */
  readonly pods: readonly string[];
  readonly stop: readonly string[];
  readonly start: readonly string[];
}

/** What a step does to the claim, its volume or its workloads: how the script says where a failed run left them. */
export type StepEffect = 'retain' | 'stop' | 'delete-claim' | 'start' | 'restore-policy';

export interface PlanStep {
  readonly title: string;
  readonly effect?: StepEffect;
  /** Shell lines (bash), in order; `#` lines are comments. */
  readonly commands: readonly string[];
  /** YAML applied by the step's `kubectl apply -f - <<EOF` (the last command), when it has one. */
  readonly manifest?: string;
}

export interface MigrationPlan {
  readonly namespace: string;
  readonly claim: string;
  readonly via: MigrationPath;
  /** True when the checks were made against the input; false: they are verification steps of the script. */
  readonly checkedAgainstInput: boolean;
  readonly checks: readonly PlanCheck[];
  /** True when a check failed: the plan has no steps, the failed checks say why. */
  readonly blocked: boolean;
  /** The PersistentVolume, when the input names it. */
  readonly volume: string | null;
  readonly workloads: readonly WorkloadUse[];
  readonly steps: readonly PlanStep[];
  /** The objects the steps apply (literal values only when the input gave them). */
  readonly objects: readonly KubeObject[];
  /** The commands that undo the steps up to the claim's deletion: start the workloads, restore the reclaim policy. */
  readonly rollback: readonly string[];
  /** The shell variables the first step reads from the cluster and later steps use (no input only): a resumed run needs them given. */
  readonly runTimeFacts: readonly string[];
}

/** The annotations ExclusiveVolume and VolumeSnapshot add by default (`protectFromPrune`), in their order. */
const PRUNE_PROTECTION: ReadonlyArray<readonly [string, string]> = [
  ['argocd.argoproj.io/sync-options', 'Prune=false,Delete=false'],
  ['kustomize.toolkit.fluxcd.io/prune', 'disabled'],
  ['helm.sh/resource-policy', 'keep'],
];

/** Claim annotations the control plane or kubectl writes: not carried over to the new claim. */
const SYSTEM_ANNOTATION_PREFIXES = ['pv.kubernetes.io/', 'volume.beta.kubernetes.io/', 'volume.kubernetes.io/', 'kubectl.kubernetes.io/last-applied-configuration'];

/** Annotations and labels that say a GitOps or Helm controller manages the claim (and would re-create the old one). */
const MANAGED_BY = [
  'argocd.argoproj.io/tracking-id', 'argocd.argoproj.io/instance', 'app.kubernetes.io/instance', 'meta.helm.sh/release-name',
  'kustomize.toolkit.fluxcd.io/name', 'helm.toolkit.fluxcd.io/name',
];

const RESIZE_CONDITIONS = ['Resizing', 'FileSystemResizePending', 'ControllerResizeError', 'NodeResizeError'];

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The plan. `manifests` undefined: no input, every check happens in the script. */
export function planMigration(manifests: readonly Manifest[] | undefined, options: MigrateOptions): MigrationPlan {
  const snapshotName = options.snapshotName ?? `${options.claim}-before-rwop`;
  if (manifests === undefined) return uncheckedPlan(options, snapshotName);
  return checkedPlan(new ManifestIndex(manifests), options, snapshotName);
}

// ---------------------------------------------------------------------------------------------------------------
// With input: checks made here.

function checkedPlan(index: ManifestIndex, options: MigrateOptions, snapshotName: string): MigrationPlan {
  const { namespace, claim: claimName, via } = options;
  const checks: PlanCheck[] = [];
  const empty = { steps: [], objects: [], rollback: [], runTimeFacts: [] };
  const blocked = (volume: string | null = null, workloads: WorkloadUse[] = []): MigrationPlan =>
    ({ namespace, claim: claimName, via, checkedAgainstInput: true, checks, blocked: true, volume, workloads, ...empty });

  const claim = index.claim(namespace, claimName);
  if (!claim) {
    checks.push({
      id: 'claim-found',
      status: 'failed',
      detail: `the input has no PersistentVolumeClaim ${namespace}/${claimName}: give its JSON (kubectl get pvc ${claimName} -n ${namespace} -o json), or no input at all to check everything at run time`,
    });
    return blocked();
  }
  checks.push({ id: 'claim-found', status: 'passed', detail: `PersistentVolumeClaim ${namespace}/${claimName}` });

  const spec = asObject(claim.object.spec);
  const status = asObject(claim.object.status);
  const modes = accessModesOf(claim.object);
  checks.push(accessModesCheck(modes, via));

  const volumeName = asString(spec.volumeName) || undefined;
  const phase = asString(status.phase);
  checks.push(volumeName && phase === 'Bound'
    ? { id: 'bound', status: 'passed', detail: `bound to PersistentVolume ${volumeName}` }
    : { id: 'bound', status: 'failed', detail: `the claim is ${phase ?? 'without a phase'}${volumeName ? ` (volumeName ${volumeName})` : ''}: only a Bound claim has a volume to migrate` });

  const volume = volumeName === undefined ? undefined : index.ofKind('PersistentVolume').find((pv) => pv.name === volumeName);
  const unusable = unusableValues(index, claim, volume);
  if (unusable.length > 0) {
    checks.push({
      id: 'input-values',
      status: 'failed',
      detail: `the input has values that the API server would not accept and that the script would have to use: ${unusable.join('; ')}`,
    });
    return blocked();
  }
  const driver = volume && asString(asObject(asObject(volume.object.spec).csi).driver);
  if (!volume) {
    if (volumeName) {
      checks.push({
        id: 'csi',
        status: 'failed',
        detail: `the input has no PersistentVolume ${volumeName}, so its driver and reclaim policy are unknown: add it (kubectl get pv ${volumeName} -o json)`,
      });
    }
  } else if (driver) {
    checks.push({ id: 'csi', status: 'passed', detail: `${volume.name} is a CSI volume (driver ${driver})` });
  } else {
    checks.push({
      id: 'csi',
      status: 'failed',
      detail: `${volume.name} is not a CSI volume (${volumeSourceOf(volume.object)}): Kubernetes supports ReadWriteOncePod for CSI volumes only; move the data to a claim of a CSI StorageClass instead`,
    });
  }

  checks.push(resizeCheck(claim.object));
  const uses = workloadUses(index, namespace, claimName);
  checks.push(workloadCheck(uses, namespace, claimName));
  // Only for a claim that can otherwise be migrated: a hazard of a migration that cannot happen is noise.
  if (!checks.some((check) => check.status === 'failed')) checks.push(migrationFindingsCheck(index, claim, volume));

  const policy = volume && asString(asObject(volume.object.spec).persistentVolumeReclaimPolicy);
  if (volume) {
    checks.push({
      id: 'reclaim-policy',
      status: 'passed',
      detail: policy === 'Retain'
        ? 'Retain already: the volume outlives the claim'
        : `${policy ?? 'Delete'}: set to Retain before the claim is deleted, ${via === 'in-place' ? 'restored at the end' : 'so that the old volume stays until you delete it'}`,
    });
  }

  let snapshotClass = options.snapshotClass;
  let verifySnapshotClass = false;
  if (via === 'snapshot') {
    const check = snapshotClassCheck(index, options.snapshotClass, driver);
    checks.push(check.check);
    snapshotClass = check.className;
    verifySnapshotClass = check.check.status === 'at-run-time';
  }

  const volumeLabel = volumeName ?? null;
  if (checks.some((check) => check.status === 'failed')) return blocked(volumeLabel, uses.map((use) => use.use));

  const metadata = asObject(claim.object.metadata);
  const managedBy = MANAGED_BY.find((key) => key in asObject(metadata.annotations) || key in asObject(metadata.labels));
  const facts: ClaimFacts = {
    namespace,
    claim: claimName,
    volume: volumeName!,
    storageClassName: asString(spec.storageClassName) ?? asString(asObject(volume?.object.spec).storageClassName) ?? '',
    explicitClass: asString(spec.storageClassName) !== undefined,
    requested: asString(asObject(asObject(spec.resources).requests).storage) ?? '',
    capacity: asString(asObject(status.capacity).storage),
    volumeMode: asString(spec.volumeMode) ?? 'Filesystem',
    labels: stringRecord(metadata.labels),
    annotations: userAnnotations(metadata.annotations),
    reclaimPolicy: policy,
    managedBy,
  };
  const workloads = uses.map((use) => use.use);
  const build = via === 'in-place'
    ? inPlaceSteps(facts, workloads, false)
    : snapshotSteps(facts, workloads, snapshotName, snapshotClass, false, verifySnapshotClass ? driver : undefined);
  return { namespace, claim: claimName, via, checkedAgainstInput: true, checks, blocked: false, volume: volumeName!, workloads, ...build };
}

/** Where the script keeps a workload's replica count while it is scaled to zero. */
export const REPLICAS_ANNOTATION = 'rwop.dev/migrate-replicas';
export const REPLICAS_JSONPATH = '{.metadata.annotations.rwop\\.dev/migrate-replicas}';

const KIND = /^[A-Za-z][A-Za-z0-9]*$/;
const RECLAIM_POLICIES = ['Retain', 'Delete', 'Recycle'];
const VOLUME_MODES = ['Filesystem', 'Block'];

/**
 * Every value of the input that the script would use, checked against the syntax the API server gives it (a dump can
 * still carry anything: an owner reference's name is only checked for being non-empty). Each problem names the object,
 * the field and the value.
 */
function unusableValues(index: ManifestIndex, claim: IndexedObject, volume: IndexedObject | undefined): string[] {
  const problems: string[] = [];
  const where = (object: IndexedObject) => `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${JSON.stringify(object.name)}`;
  const expect = (object: IndexedObject, field: string, value: unknown, valid: (text: string) => boolean, accepted: string) => {
    if (value === undefined) return;
    if (typeof value !== 'string' || !valid(value)) problems.push(`${where(object)}: ${field} ${JSON.stringify(value)} is not ${accepted}`);
  };
  const objectName = (object: IndexedObject) => expect(object, 'metadata.name', object.name, isDns1123Subdomain, 'a DNS-1123 subdomain');
  const ownerReferences = (object: IndexedObject) => asArray(asObject(object.object.metadata).ownerReferences).forEach((raw, i) => {
    const owner = asObject(raw);
    expect(object, `metadata.ownerReferences[${i}].kind`, owner.kind ?? '', (kind) => KIND.test(kind), 'a kind');
    expect(object, `metadata.ownerReferences[${i}].name`, owner.name ?? '', isDns1123Subdomain, 'a DNS-1123 subdomain');
  });

  const spec = asObject(claim.object.spec);
  expect(claim, 'spec.volumeName', spec.volumeName || undefined, isDns1123Subdomain, 'a DNS-1123 subdomain');
  expect(claim, 'spec.storageClassName', spec.storageClassName || undefined, isDns1123Subdomain, 'a DNS-1123 subdomain');
  expect(claim, 'spec.volumeMode', spec.volumeMode, (mode) => VOLUME_MODES.includes(mode), VOLUME_MODES.join(' or '));
  if (volume) {
    const volumeSpec = asObject(volume.object.spec);
    expect(volume, 'spec.persistentVolumeReclaimPolicy', volumeSpec.persistentVolumeReclaimPolicy, (policy) => RECLAIM_POLICIES.includes(policy), RECLAIM_POLICIES.join(', '));
    expect(volume, 'spec.csi.driver', asObject(volumeSpec.csi).driver, isCsiDriverName, 'a CSI driver name');
  }
  for (const template of index.claimUses.get(`${claim.namespace}/${claim.name}`)?.templates ?? []) {
    const workload = template.workload;
    if (workload.kind !== 'Pod') objectName(workload);
  }
  for (const pod of index.ofKind('Pod')) {
    if (pod.namespace !== claim.namespace || !mountsClaim(pod.object, claim.name)) continue;
    objectName(pod);
    ownerReferences(pod);
    for (const raw of asArray(asObject(pod.object.metadata).ownerReferences)) {
      const owner = asObject(raw);
      const controller = index.ofKind(String(owner.kind)).find((candidate) => candidate.namespace === pod.namespace && candidate.name === owner.name);
      if (controller) ownerReferences(controller);
    }
  }
  return [...new Set(problems)];
}

/**
 * The rules engine over the input as it will be after the migration (the claim, and its volume, ReadWriteOncePod)
 * against the input as it is: each error or warning that only the migrated input has is a hazard the migration would
 * create (a RollingUpdate that deadlocks, a CronJob that can never start): each stops the plan, with its fix.
 */
function migrationFindingsCheck(index: ManifestIndex, claim: IndexedObject, volume: IndexedObject | undefined): PlanCheck {
  const asRwop = (entry: IndexedObject): KubeObject => ({ ...entry.object, spec: { ...asObject(entry.object.spec), accessModes: [RWOP] } });
  const before = index.objects.map((entry) => ({ object: entry.object }));
  const after = index.objects.map((entry) => ({ object: entry === claim || entry === volume ? asRwop(entry) : entry.object }));
  const key = (found: Finding) => [found.ruleId, ...found.objects.map(refKey)].join('\u0000');
  const blocking = (findings: Finding[]) => findings.filter((found) => !found.suppressed && found.severity !== 'info');
  const existing = new Set(blocking(runRules(before)).map(key));
  const created = blocking(runRules(after)).filter((found) => !existing.has(key(found)));
  if (created.length === 0) {
    return { id: 'new-hazards', status: 'passed', detail: 'the rules find no hazard that ReadWriteOncePod would create in the input' };
  }
  return {
    id: 'new-hazards',
    status: 'failed',
    detail: `once the claim is ReadWriteOncePod, the rules find ${created.length} new hazard${created.length === 1 ? '' : 's'}; fix ${created.length === 1 ? 'it' : 'each'} first, then run rwop migrate again:\n`
      + created.map((found) => `    - ${found.severity} ${found.ruleId}: ${found.message}\n      fix: ${fixOf(found)}`).join('\n'),
  };
}

/** The rule's remediation, with the command that applies it to the object when there is one. */
function fixOf(found: Finding): string {
  const remediation = ruleById(found.ruleId)?.remediation ?? '';
  const [main] = found.objects;
  const patch = (resource: string, body: KubeObject) =>
    `kubectl patch ${q(`${resource}/${main.name}`)} -n ${q(main.namespace ?? 'default')} --type=merge -p ${q(JSON.stringify(body))}`;
  if (found.ruleId === 'rwop-rolling-update-surge' && main?.kind === 'Deployment') {
    return `${remediation} Before the migration: ${patch('deployment', { spec: { strategy: { type: 'Recreate', rollingUpdate: null } } })}`;
  }
  if (found.ruleId === 'rwop-cronjob-overlap' && main?.kind === 'CronJob') {
    return `${remediation} Before the migration: ${patch('cronjob', { spec: { concurrencyPolicy: 'Forbid' } })}`;
  }
  return remediation;
}

function accessModesCheck(modes: readonly string[], via: MigrationPath): PlanCheck {
  const given = `[${modes.join(', ')}]`;
  if (modes.includes(RWOP)) return { id: 'access-modes', status: 'failed', detail: `the claim already asks for ReadWriteOncePod ${given}: nothing to migrate` };
  if (via === 'in-place' && (modes.length !== 1 || modes[0] !== RWO)) {
    return {
      id: 'access-modes',
      status: 'failed',
      detail: `the claim asks for ${given}: only a ReadWriteOnce-only claim can be migrated in place (a volume shared by several nodes on purpose is not single-writer); use --via snapshot to copy it into a new volume`,
    };
  }
  return { id: 'access-modes', status: 'passed', detail: `the claim asks for ${given}` };
}

function resizeCheck(claim: KubeObject): PlanCheck {
  const status = asObject(claim.status);
  const conditions = asArray(status.conditions).map(asObject)
    .filter((condition) => RESIZE_CONDITIONS.includes(String(condition.type)) && condition.status !== 'False')
    .map((condition) => String(condition.type));
  const allocated = asString(asObject(status.allocatedResourceStatuses).storage);
  const requested = asString(asObject(asObject(asObject(claim.spec).resources).requests).storage);
  const capacity = asString(asObject(status.capacity).storage);
  const reasons: string[] = [];
  if (conditions.length > 0) reasons.push(`condition ${conditions.join(', ')}`);
  if (allocated) reasons.push(`allocatedResourceStatuses.storage ${allocated}`);
  const requestedBytes = requested === undefined ? undefined : quantityBytes(requested);
  const capacityBytes = capacity === undefined ? undefined : quantityBytes(capacity);
  if (requestedBytes !== undefined && capacityBytes !== undefined && requestedBytes > capacityBytes) {
    reasons.push(`requested ${requested} is more than the capacity ${capacity}`);
  }
  if (reasons.length > 0) {
    return { id: 'no-resize', status: 'failed', detail: `a resize is pending (${reasons.join('; ')}): let it finish first (no resize may run during the migration)` };
  }
  return { id: 'no-resize', status: 'passed', detail: `no resize pending (requested ${requested ?? '?'}, capacity ${capacity ?? '?'})` };
}

interface ResolvedUse {
  readonly use: WorkloadUse;
  readonly kind: string;
}

/** The workloads whose pod templates or pods mount the claim, each once, in input order, with their live pods. */
function workloadUses(index: ManifestIndex, namespace: string, claimName: string): ResolvedUse[] {
  const owners = new WorkloadOwners(index);
  const byWorkload = new Map<string, { kind: string; name: string; pods: string[]; object?: KubeObject }>();
  const entryOf = (workload: string) => {
    let found = byWorkload.get(workload);
    if (!found) {
      const [kind, name] = splitWorkload(workload);
      found = { kind, name, pods: [] };
      byWorkload.set(workload, found);
    }
    return found;
  };
  for (const template of index.claimUses.get(`${namespace}/${claimName}`)?.templates ?? []) {
    const entry = template.workload;
    if (entry.kind !== 'Pod') entryOf(`${entry.kind}/${entry.name}`).object = entry.object;
  }
  // Pods are read one by one (the index folds a pod into its controller's template when both are in the input).
  for (const pod of index.ofKind('Pod')) {
    if (pod.namespace !== namespace || !mountsClaim(pod.object, claimName)) continue;
    const phase = asString(asObject(pod.object.status).phase);
    const found = entryOf(owners.workloadOf(pod));
    if (phase !== 'Succeeded' && phase !== 'Failed') found.pods.push(pod.name);
  }
  return [...byWorkload.values()].map(({ kind, name, pods, object }) => ({ kind, use: workloadUse(kind, name, namespace, pods, object) }));
}

function mountsClaim(pod: KubeObject, claimName: string): boolean {
  return asArray(asObject(pod.spec).volumes).some((volume) => asObject(asObject(volume).persistentVolumeClaim).claimName === claimName);
}

const SCALABLE = new Map([
  ['Deployment', 'deployment'], ['StatefulSet', 'statefulset'], ['ReplicaSet', 'replicaset'], ['ReplicationController', 'replicationcontroller'],
]);

function workloadUse(kind: string, name: string, namespace: string, pods: string[], object: KubeObject | undefined): WorkloadUse {
  const workload = `${kind}/${name}`;
  const where = `-n ${q(namespace)}`;
  const resource = SCALABLE.get(kind);
  if (resource) {
    // The replica count is kept on the workload itself, so that a resumed or rolled-back run still has it.
    const ref = q(`${resource}/${name}`);
    return { workload, pods, stop: [`save_replicas ${ref} ${q(namespace)}`], start: [`restore_replicas ${ref} ${q(namespace)}`] };
  }
  if (kind === 'CronJob') {
    const suspended = asObject(object?.spec).suspend === true;
    const ref = q(`cronjob/${name}`);
    return {
      workload,
      pods,
      stop: [`kubectl patch ${ref} ${where} -p '{"spec":{"suspend":true}}'`],
      start: suspended ? [`# CronJob ${name} was suspended before the migration: left suspended`] : [`kubectl patch ${ref} ${where} -p '{"spec":{"suspend":false}}'`],
    };
  }
  if (kind === 'Job') {
    return {
      workload,
      pods,
      stop: [`kubectl wait --for=condition=complete ${q(`job/${name}`)} ${where} --timeout=1h`],
      start: [`# Job ${name} ran to completion before the migration: nothing to restart`],
    };
  }
  // A bare pod (or a kind we cannot scale): delete it, and say that nothing brings it back.
  return {
    workload,
    pods,
    stop: pods.map((pod) => `kubectl delete ${q(`pod/${pod}`)} ${where}`),
    start: [`# ${workload} is not managed by a controller: re-create it from its manifest`],
  };
}

function workloadCheck(uses: readonly ResolvedUse[], namespace: string, claimName: string): PlanCheck {
  const daemonSets = uses.filter((use) => use.kind === 'DaemonSet').map((use) => use.use.workload);
  if (daemonSets.length > 0) {
    return {
      id: 'workloads',
      status: 'failed',
      detail: `${daemonSets.join(', ')} mounts the claim: a DaemonSet cannot be scaled to zero, and no DaemonSet can share a ReadWriteOncePod claim across nodes; give the claim to a one-replica workload first`,
    };
  }
  if (uses.length === 0) {
    return { id: 'workloads', status: 'passed', detail: `nothing in the input mounts ${namespace}/${claimName}; the script still checks that no pod uses it before deleting it` };
  }
  const statefulSets = uses.filter((use) => use.kind === 'StatefulSet').map((use) => use.use.workload);
  const templates = statefulSets.length > 0
    ? `; ${statefulSets.join(', ')} still asks for ReadWriteOnce in its volumeClaimTemplates (immutable): new replicas get RWO claims until it is re-created with ReadWriteOncePod templates (kubectl delete --cascade=orphan, then apply)`
    : '';
  return {
    id: 'workloads',
    status: 'passed',
    detail: `mounted by ${uses.map((use) => use.use.workload + (use.use.pods.length > 0 ? ` (pods ${use.use.pods.join(', ')})` : '')).join(', ')}: stopped first, started again at the end${templates}`,
  };
}

function snapshotClassCheck(index: ManifestIndex, given: string | undefined, driver: string | undefined): { check: PlanCheck; className?: string } {
  const classes = index.ofKind('VolumeSnapshotClass');
  if (given !== undefined) {
    const found = classes.find((candidate) => candidate.name === given);
    const classDriver = found && asString(found.object.driver);
    if (found && driver && classDriver !== driver) {
      return { check: { id: 'snapshot-class', status: 'failed', detail: `VolumeSnapshotClass ${given} is for driver ${classDriver}, and the volume's driver is ${driver}` }, className: given };
    }
    return { check: { id: 'snapshot-class', status: found ? 'passed' : 'at-run-time', detail: `VolumeSnapshotClass ${given}${found ? ` (driver ${classDriver})` : ': the script checks that it exists'}` }, className: given };
  }
  if (classes.length === 0 || driver === undefined) {
    return { check: { id: 'snapshot-class', status: 'at-run-time', detail: 'no VolumeSnapshotClass in the input: the snapshot uses the default class of the volume\'s driver, which the script checks exists' } };
  }
  const ofDriver = classes.filter((candidate) => candidate.object.driver === driver);
  const isDefault = (candidate: IndexedObject) => asObject(asObject(candidate.object.metadata).annotations)['snapshot.storage.kubernetes.io/is-default-class'] === 'true';
  const chosen = ofDriver.find(isDefault) ?? (ofDriver.length === 1 ? ofDriver[0] : undefined);
  if (!chosen) {
    return {
      check: {
        id: 'snapshot-class',
        status: 'failed',
        detail: ofDriver.length === 0
          ? `no VolumeSnapshotClass in the input is for driver ${driver}: create one (VolumeSnapshotClass) or name it with --snapshot-class`
          : `several VolumeSnapshotClasses are for driver ${driver} and none is the default: name one with --snapshot-class (${ofDriver.map((c) => c.name).join(', ')})`,
      },
    };
  }
  return { check: { id: 'snapshot-class', status: 'passed', detail: `VolumeSnapshotClass ${chosen.name} (driver ${driver})` }, className: chosen.name };
}

function volumeSourceOf(volume: KubeObject): string {
  const ignored = new Set(['accessModes', 'capacity', 'claimRef', 'mountOptions', 'nodeAffinity', 'persistentVolumeReclaimPolicy', 'storageClassName', 'volumeMode', 'volumeAttributesClassName']);
  const source = Object.keys(asObject(volume.spec)).find((key) => !ignored.has(key));
  return source ? `a ${source} volume` : 'no volume source';
}

// ---------------------------------------------------------------------------------------------------------------
// Without input: the same steps, with the facts read by kubectl at run time and the checks as verification steps.

function uncheckedPlan(options: MigrateOptions, snapshotName: string): MigrationPlan {
  const { namespace, claim, via } = options;
  const checks: PlanCheck[] = [
    { id: 'access-modes', status: 'at-run-time', detail: via === 'in-place' ? 'the claim asks for ReadWriteOnce only' : 'the claim does not ask for ReadWriteOncePod yet' },
    { id: 'bound', status: 'at-run-time', detail: 'the claim is Bound to a PersistentVolume' },
    { id: 'csi', status: 'at-run-time', detail: 'the PersistentVolume is a CSI volume' },
    { id: 'no-resize', status: 'at-run-time', detail: 'no resize is pending (no Resizing/FileSystemResizePending condition, capacity not below the request)' },
    { id: 'workloads', status: 'at-run-time', detail: 'no pod mounts the claim: stop its workloads before running the script (kubectl describe pvc, Used By)' },
    {
      id: 'reclaim-policy',
      status: 'at-run-time',
      detail: `the reclaim policy is set to Retain first, ${via === 'in-place' ? 'and restored at the end' : 'so that the old volume stays until you delete it'}`,
    },
    ...(via === 'snapshot' ? [{ id: 'snapshot-class', status: 'at-run-time' as const, detail: options.snapshotClass ? `VolumeSnapshotClass ${options.snapshotClass} exists` : 'a VolumeSnapshotClass exists for the volume\'s driver' }] : []),
  ];
  const facts: ClaimFacts = {
    namespace,
    claim,
    volume: '${PV}',
    storageClassName: '${STORAGE_CLASS}',
    explicitClass: true,
    requested: '${STORAGE}',
    capacity: '${CAPACITY}',
    volumeMode: '${VOLUME_MODE}',
    labels: {},
    annotations: {},
    reclaimPolicy: '${RECLAIM_POLICY}',
  };
  const build = via === 'in-place' ? inPlaceSteps(facts, [], true) : snapshotSteps(facts, [], snapshotName, options.snapshotClass, true);
  return { namespace, claim, via, checkedAgainstInput: false, checks, blocked: false, volume: null, workloads: [], ...build };
}

/** The verification steps a plan without input starts with: read the facts, check them, stop with a reason. */
function runTimeChecks(facts: ClaimFacts, via: MigrationPath, snapshotClass: string | undefined): PlanStep {
  const { namespace, claim } = facts;
  const pvc = `kubectl get ${q(`pvc/${claim}`)} -n ${q(namespace)}`;
  // Every value read here goes into later commands and the claim's YAML: each must have the syntax the API server gives it.
  const commands = [
    `${pvc} >/dev/null || stop "there is no PersistentVolumeClaim ${namespace}/${claim}"`,
    `MODES=$(${pvc} -o jsonpath='{.spec.accessModes}')`,
    via === 'in-place'
      ? '[ "$MODES" = \'["ReadWriteOnce"]\' ] || stop "the claim asks for $MODES: only a ReadWriteOnce-only claim can be migrated in place"'
      : 'case "$MODES" in *ReadWriteOncePod*) stop "the claim already asks for ReadWriteOncePod: nothing to migrate" ;; esac',
    `[ "$(${pvc} -o jsonpath='{.status.phase}')" = Bound ] || stop "the claim is not Bound to a PersistentVolume"`,
    `PV=$(${pvc} -o jsonpath='{.spec.volumeName}')`,
    'case "$PV" in \'\'|[!a-z0-9]*|*[!a-z0-9.-]*) stop "the claim\'s spec.volumeName is not a PersistentVolume name: $PV" ;; esac',
    'DRIVER=$(kubectl get "pv/$PV" -o jsonpath=\'{.spec.csi.driver}\')',
    '[ -n "$DRIVER" ] || stop "PersistentVolume $PV is not a CSI volume: Kubernetes supports ReadWriteOncePod for CSI volumes only"',
    'case "$DRIVER" in [!A-Za-z0-9]*|*[!A-Za-z0-9.-]*) stop "PersistentVolume $PV: spec.csi.driver is not a CSI driver name: $DRIVER" ;; esac',
    `RESIZING=$(${pvc} -o jsonpath='{.status.conditions[*].type}{.status.allocatedResourceStatuses.storage}')`,
    '[ -z "$RESIZING" ] || stop "a resize or modification is pending ($RESIZING): let it finish first"',
    // What the new claim needs: in place, the request and the policy to restore; from a snapshot, the old capacity.
    ...(via === 'in-place'
      ? [`STORAGE=$(${pvc} -o jsonpath='{.spec.resources.requests.storage}')`, quantityGuard('STORAGE', 'spec.resources.requests.storage')]
      : [`CAPACITY=$(${pvc} -o jsonpath='{.status.capacity.storage}')`, quantityGuard('CAPACITY', 'status.capacity.storage')]),
    `STORAGE_CLASS=$(${pvc} -o jsonpath='{.spec.storageClassName}')`,
    'case "$STORAGE_CLASS" in *[!a-z0-9.-]*) stop "the claim\'s spec.storageClassName is not a StorageClass name: $STORAGE_CLASS" ;; esac',
    `VOLUME_MODE=$(${pvc} -o jsonpath='{.spec.volumeMode}')`,
    'case "$VOLUME_MODE" in Filesystem|Block) ;; *) stop "the claim\'s spec.volumeMode is not Filesystem or Block: $VOLUME_MODE" ;; esac',
    'RECLAIM_POLICY=$(kubectl get "pv/$PV" -o jsonpath=\'{.spec.persistentVolumeReclaimPolicy}\')',
    'case "$RECLAIM_POLICY" in Retain|Delete|Recycle) ;; *) stop "PersistentVolume $PV: spec.persistentVolumeReclaimPolicy is not Retain, Delete or Recycle: $RECLAIM_POLICY" ;; esac',
  ];
  if (via === 'snapshot') commands.push(...snapshotClassGuards(snapshotClass, '$DRIVER'));
  return { title: 'Pre-flight checks: read the claim and its volume, stop with the reason if one fails', commands };
}

function quantityGuard(variable: string, field: string): string {
  return `case "$${variable}" in ''|[!0-9.+-]*|*[!0-9A-Za-z.+-]*) stop "the claim's ${field} is not a quantity: $${variable}" ;; esac`;
}

/** The snapshot CRDs are installed and a class (the given one, else any) exists for `driver` (a name, or `$DRIVER` read at run time). */
function snapshotClassGuards(snapshotClass: string | undefined, driver: string): string[] {
  return [
    'kubectl get crd/volumesnapshots.snapshot.storage.k8s.io >/dev/null || stop "the VolumeSnapshot CRDs are not installed (external-snapshotter)"',
    snapshotClass
      ? `[ "$(kubectl get ${q(`volumesnapshotclass/${snapshotClass}`)} -o jsonpath='{.driver}')" = "${driver}" ] || stop "VolumeSnapshotClass ${snapshotClass} does not exist or is not for driver ${driver}"`
      : `[ -n "$(kubectl get volumesnapshotclass -o jsonpath="{.items[?(@.driver==\\"${driver}\\")].metadata.name}")" ] || stop "no VolumeSnapshotClass for driver ${driver}"`,
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// The steps of both paths.

interface ClaimFacts {
  readonly namespace: string;
  readonly claim: string;
  /** The PV name, or `${PV}` when read at run time. */
  readonly volume: string;
  readonly storageClassName: string;
  /** False when the claim names no class (the cluster's default was, or will be, used). */
  readonly explicitClass: boolean;
  readonly requested: string;
  readonly capacity: string | undefined;
  readonly volumeMode: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly reclaimPolicy: string | undefined;
  readonly managedBy?: string;
}

type PlanBuild = Pick<MigrationPlan, 'steps' | 'objects' | 'rollback' | 'runTimeFacts'>;

function inPlaceSteps(facts: ClaimFacts, workloads: readonly WorkloadUse[], runTime: boolean): PlanBuild {
  const { namespace, claim } = facts;
  const pv = volumeRef(facts, runTime);
  const steps: PlanStep[] = [];
  if (runTime) steps.push(runTimeChecks(facts, 'in-place', undefined));
  if (facts.managedBy) steps.push(gitOpsStep(facts));
  steps.push(retainStep(facts, pv, runTime));
  steps.push(stopStep(facts, workloads));
  steps.push(deleteClaimStep(facts, pv, true));
  steps.push({
    title: 'Let a new claim bind the volume: clear its claimRef.uid (the volume stays reserved for the claim name)',
    commands: [`kubectl patch ${pv} -p '{"spec":{"claimRef":{"uid":""}}}'`],
  });
  steps.push({
    title: 'Make the volume ReadWriteOncePod only (it cannot be combined with another access mode)',
    commands: [`kubectl patch ${pv} -p '{"spec":{"accessModes":["ReadWriteOncePod"]}}'`],
  });
  const newClaim = claimObject(facts, { volumeName: facts.volume });
  const yaml = renderYaml(newClaim, runTime);
  steps.push({
    title: `Re-create the claim as ReadWriteOncePod, bound to ${runTime ? 'the volume' : facts.volume} by volumeName (what ExclusiveVolume with volumeName synthesizes)`,
    commands: [
      applyCommand(runTime),
      `kubectl wait --for=jsonpath='{.status.phase}'=Bound ${q(`pvc/${claim}`)} -n ${q(namespace)} --timeout=2m`,
    ],
    manifest: yaml,
  });
  steps.push(startStep(workloads));
  const restore = restoreStep(facts, pv, runTime);
  steps.push(restore);
  return { steps, objects: [newClaim], rollback: rollbackOf(workloads, restore), runTimeFacts: runTime ? ['PV', 'STORAGE', 'STORAGE_CLASS', 'VOLUME_MODE', 'RECLAIM_POLICY'] : [] };
}

/** `verifyClassFor`: the driver whose snapshot class (and the snapshot CRDs) the script must check, the input having shown neither. */
function snapshotSteps(
  facts: ClaimFacts, workloads: readonly WorkloadUse[], snapshotName: string, snapshotClass: string | undefined,
  runTime: boolean, verifyClassFor?: string,
): PlanBuild {
  const { namespace } = facts;
  const pv = volumeRef(facts, runTime);
  const steps: PlanStep[] = [];
  if (runTime) steps.push(runTimeChecks(facts, 'snapshot', snapshotClass));
  if (verifyClassFor) {
    steps.push({ title: 'Pre-flight checks the input could not make: the snapshot CRDs and class', commands: snapshotClassGuards(snapshotClass, verifyClassFor) });
  }
  if (facts.managedBy) steps.push(gitOpsStep(facts));
  steps.push(stopStep(facts, workloads, 'so that the snapshot is consistent'));
  steps.push(retainStep(facts, pv, runTime, 'keep the old volume until the new one is checked'));
  const snapshot = snapshotObject(facts, snapshotName, snapshotClass);
  steps.push({
    title: 'Snapshot the claim (what VolumeSnapshot synthesizes), and wait until the snapshot is ready to use',
    commands: [
      applyCommand(false),
      `kubectl wait --for=jsonpath='{.status.readyToUse}'=true ${q(`volumesnapshot/${snapshotName}`)} -n ${q(namespace)} --timeout=30m`,
    ],
    manifest: renderYaml(snapshot, false),
  });
  steps.push(deleteClaimStep(facts, pv, false));
  // A restore must be at least as large as the snapshot, whose size is the old volume's capacity.
  const storage = runTime ? '${CAPACITY}' : facts.capacity ?? facts.requested;
  const newClaim = claimObject({ ...facts, requested: storage }, { dataSource: snapshotName });
  steps.push({
    title: 'Re-create the claim as ReadWriteOncePod from the snapshot (what ExclusiveVolume with VolumeDataSource.fromSnapshotName synthesizes); with a WaitForFirstConsumer class it binds when its first pod starts',
    commands: [applyCommand(runTime)],
    manifest: renderYaml(newClaim, runTime),
  });
  steps.push(startStep(workloads));
  steps.push({
    title: 'Once the data is checked, delete the old volume (kept by Retain); the snapshot stays as a backup (prune-protected)',
    commands: [`# kubectl delete ${pv}`],
  });
  return {
    steps,
    objects: [snapshot, newClaim],
    rollback: rollbackOf(workloads, restoreStep(facts, pv, runTime)),
    runTimeFacts: runTime ? ['PV', 'CAPACITY', 'STORAGE_CLASS', 'VOLUME_MODE', 'RECLAIM_POLICY'] : [],
  };
}

function gitOpsStep(facts: ClaimFacts): PlanStep {
  return {
    title: `The claim is managed (${facts.managedBy}): pause its Argo CD / Flux / Helm sync first, or it re-creates the old claim; `
      + 'afterwards make the claim ReadWriteOncePod in its source (ExclusiveVolume), then resume the sync',
    commands: ['# e.g. Argo CD: argocd app set <app> --sync-policy none; Flux: flux suspend kustomization <name>'],
  };
}

function retainStep(facts: ClaimFacts, pv: string, runTime: boolean, why = 'keep the volume when the claim is deleted'): PlanStep {
  if (!runTime && facts.reclaimPolicy === 'Retain') {
    return { title: `Reclaim policy: already Retain (${why})`, commands: [`# kubectl get ${pv} -o jsonpath='{.spec.persistentVolumeReclaimPolicy}' shows Retain`] };
  }
  return { title: `Reclaim policy Retain: ${why}`, effect: 'retain', commands: [`kubectl patch ${pv} -p '{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}'`] };
}

function stopStep(facts: ClaimFacts, workloads: readonly WorkloadUse[], why?: string): PlanStep {
  const { namespace, claim } = facts;
  const commands: string[] = [];
  for (const use of workloads) {
    commands.push(`# ${use.workload}`, ...use.stop);
    for (const pod of use.pods) commands.push(`kubectl wait --for=delete ${q(`pod/${pod}`)} -n ${q(namespace)} --timeout=10m`);
  }
  // Polls `Used By` for up to 10 minutes (pods may still be terminating); sed, not `grep -q`, which can make the
  // pipeline fail under pipefail by exiting before kubectl is done writing.
  commands.push(
    `for _ in $(seq 60); do USED_BY=$(kubectl describe ${q(`pvc/${claim}`)} -n ${q(namespace)} | sed -n 's/^Used By:[[:space:]]*//p'); [ "$USED_BY" = '<none>' ] && break; sleep 10; done`,
    `[ "$USED_BY" = '<none>' ] || stop "pod $USED_BY still mounts ${namespace}/${claim}: stop its workload first (kubectl describe pvc/${claim} -n ${namespace}, Used By)"`,
  );
  if (workloads.length === 0) {
    return { title: `Check that no pod mounts the claim: stop its workloads${why ? ` (${why})` : ''} before running this script`, effect: 'stop', commands };
  }
  return { title: `Stop ${workloads.map((use) => use.workload).join(', ')}${why ? ` (${why})` : ''}, and check that no pod mounts the claim`, effect: 'stop', commands };
}

function deleteClaimStep(facts: ClaimFacts, pv: string, inPlace: boolean): PlanStep {
  const { namespace, claim } = facts;
  const ref = `${q(`pvc/${claim}`)} -n ${q(namespace)}`;
  const volumeName = facts.volume === '${PV}' ? '$PV' : facts.volume;
  // Resumable: when a run stopped after the delete, the claim is gone and its saved copy stays as it was.
  const commands = [
    `if [ -n "$(kubectl get ${ref} --ignore-not-found -o name)" ]; then`,
    `  kubectl get ${ref} -o yaml > ${q(`${claim}.${namespace}.pvc-backup.yaml`)}`,
    `  [ "$(kubectl get ${pv} -o jsonpath='{.spec.persistentVolumeReclaimPolicy}')" = Retain ] || stop "PersistentVolume ${volumeName} is not Retain: deleting the claim would delete the volume"`,
    `  kubectl delete ${ref} --timeout=2m`,
    'fi',
  ];
  if (inPlace) commands.push(`kubectl wait --for=jsonpath='{.status.phase}'=Released ${pv} --timeout=2m`);
  return { title: 'Save the claim, then delete it (the volume stays: Retain)', effect: 'delete-claim', commands };
}

function startStep(workloads: readonly WorkloadUse[]): PlanStep {
  if (workloads.length === 0) {
    return { title: 'Start the workloads that you stopped', effect: 'start', commands: ['# kubectl scale <kind>/<name> -n <namespace> --replicas=<as before>'] };
  }
  return { title: `Start ${workloads.map((use) => use.workload).join(', ')} again`, effect: 'start', commands: workloads.flatMap((use) => use.start) };
}

function restoreStep(facts: ClaimFacts, pv: string, runTime: boolean): PlanStep {
  if (runTime) {
    return {
      title: 'Restore the reclaim policy the volume had before',
      effect: 'restore-policy',
      commands: [`kubectl patch ${pv} -p "{\\"spec\\":{\\"persistentVolumeReclaimPolicy\\":\\"$RECLAIM_POLICY\\"}}"`],
    };
  }
  if (facts.reclaimPolicy === 'Retain') return { title: 'Reclaim policy: it was Retain before, nothing to restore', effect: 'restore-policy', commands: [] };
  const policy = facts.reclaimPolicy ?? 'Delete';
  return { title: `Restore the reclaim policy (${policy})`, effect: 'restore-policy', commands: [`kubectl patch ${pv} -p ${q(JSON.stringify({ spec: { persistentVolumeReclaimPolicy: policy } }))}`] };
}

/** Undo before the claim is deleted: the workloads started again (from their saved replica counts), the policy restored. */
function rollbackOf(workloads: readonly WorkloadUse[], restore: PlanStep): string[] {
  return [...workloads.flatMap((use) => use.start).filter((command) => !command.startsWith('#')), ...restore.commands];
}

/** The PV as one kubectl argument: `pv/<name>`, or the word that reads it from $PV at run time. */
function volumeRef(facts: ClaimFacts, runTime: boolean): string {
  return runTime ? '"pv/$PV"' : q(`pv/${facts.volume}`);
}

function applyCommand(expand: boolean): string {
  // A quoted delimiter keeps the YAML literal; unquoted, the shell fills in the ${...} read at run time.
  return expand ? 'kubectl apply -f - <<EOF' : "kubectl apply -f - <<'EOF'";
}

/** The claim as ExclusiveVolume renders it: RWOP only, exact size, class, volume mode, volumeName or dataSource, prune protection. */
function claimObject(facts: ClaimFacts, bind: { volumeName?: string; dataSource?: string }): KubeObject {
  const spec: KubeObject = { accessModes: [RWOP] };
  if (bind.dataSource) spec.dataSource = { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: bind.dataSource };
  spec.resources = { requests: { storage: facts.requested } };
  if (facts.explicitClass) spec.storageClassName = facts.storageClassName;
  spec.volumeMode = facts.volumeMode;
  if (bind.volumeName) spec.volumeName = bind.volumeName;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: metadataOf(facts.claim, facts.namespace, facts.labels, facts.annotations),
    spec,
  };
}

/** The snapshot as VolumeSnapshot renders it (prune-protected, class only when given). */
function snapshotObject(facts: ClaimFacts, name: string, snapshotClass: string | undefined): KubeObject {
  return {
    apiVersion: 'snapshot.storage.k8s.io/v1',
    kind: 'VolumeSnapshot',
    metadata: metadataOf(name, facts.namespace, {}, {}),
    spec: {
      source: { persistentVolumeClaimName: facts.claim },
      ...(snapshotClass ? { volumeSnapshotClassName: snapshotClass } : {}),
    },
  };
}

/** cdk8s's metadata order (annotations, labels, name, namespace), the user's annotations kept, prune protection added. */
function metadataOf(
  name: string, namespace: string, labels: Readonly<Record<string, string>>, annotations: Readonly<Record<string, string>>,
): KubeObject {
  const merged: Record<string, string> = { ...annotations };
  for (const [key, value] of PRUNE_PROTECTION) {
    const given = merged[key];
    if (given === undefined) merged[key] = value;
    else if (key === PRUNE_PROTECTION[0][0]) merged[key] = mergeSyncOptions(given, value);
  }
  const sorted = (record: Record<string, string>) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    annotations: sorted(merged),
    ...(Object.keys(labels).length > 0 ? { labels: sorted({ ...labels }) } : {}),
    name,
    namespace,
  };
}

/** Argo CD sync options are `Name=value,...`: an option the user set keeps the user's value. */
function mergeSyncOptions(given: string, required: string): string {
  const options = given.split(',').map((option) => option.trim()).filter((option) => option !== '');
  const names = new Set(options.map((option) => option.split('=')[0]));
  return [...options, ...required.split(',').filter((option) => !names.has(option.split('=')[0]))].join(',');
}

/**
 * YAML as cdk8s writes it. With `expand`, every string is double-quoted so that a `${VAR}` read at run time stays a
 * string whatever its value (an empty storage class must stay `""`, not become null).
 */
function renderYaml(object: KubeObject, expand: boolean): string {
  return stringify(object, expand ? { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 } : { lineWidth: 0 });
}

function userAnnotations(annotations: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(stringRecord(annotations))
    .filter(([key]) => !SYSTEM_ANNOTATION_PREFIXES.some((prefix) => key.startsWith(prefix))));
}

function stringRecord(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(asObject(value)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function splitWorkload(workload: string): [string, string] {
  const slash = workload.indexOf('/');
  return [workload.slice(0, slash), workload.slice(slash + 1)];
}

/** True for a name kubectl and the API server accept (DNS-1123 subdomain, at most 253 characters). */
export function isObjectName(name: string): boolean {
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name);
}
