// `rwop migrate`'s pre-flight checks: made against the input when there is one, else the script's first step, which
// reads the facts from the cluster and stops with the reason when one fails.
import type { ClaimFacts, MigrationPath, PlanCheck, PlanStep, WorkloadUse } from './migration-plan';
import { WorkloadOwners } from './workload-owners';
import { isCsiDriverName, isDns1123Subdomain } from '../core/names';
import { shellQuote as q } from '../core/shell';
import { ruleById } from '../rules/all';
import { runRules } from '../rules/engine';
import { ManifestIndex } from '../rules/manifest-index';
import type { IndexedObject } from '../rules/manifest-index';
import { asArray, asObject, asString, quantityBytes, refKey, RWO, RWOP } from '../rules/support';
import type { Finding, KubeObject } from '../rules/types';

const RESIZE_CONDITIONS = ['Resizing', 'FileSystemResizePending', 'ControllerResizeError', 'NodeResizeError'];

const KIND = /^[A-Za-z][A-Za-z0-9]*$/;

const RECLAIM_POLICIES = ['Retain', 'Delete', 'Recycle'];

const VOLUME_MODES = ['Filesystem', 'Block'];

/**
 * Every value of the input that the script would use, checked against the syntax the API server gives it (a dump can
 * still carry anything: an owner reference's name is only checked for being non-empty). Each problem names the object,
 * the field and the value.
 */
export function unusableValues(index: ManifestIndex, claim: IndexedObject, volume: IndexedObject | undefined): string[] {
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
export function migrationFindingsCheck(index: ManifestIndex, claim: IndexedObject, volume: IndexedObject | undefined): PlanCheck {
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

export function accessModesCheck(modes: readonly string[], via: MigrationPath): PlanCheck {
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

export function resizeCheck(claim: KubeObject): PlanCheck {
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

export interface ResolvedUse {
  readonly use: WorkloadUse;
  readonly kind: string;
}

/** The workloads whose pod templates or pods mount the claim, each once, in input order, with their live pods. */
export function workloadUses(index: ManifestIndex, namespace: string, claimName: string): ResolvedUse[] {
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

export function workloadCheck(uses: readonly ResolvedUse[], namespace: string, claimName: string): PlanCheck {
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

export function snapshotClassCheck(
  index: ManifestIndex, given: string | undefined, driver: string | undefined,
): { check: PlanCheck; className?: string } {
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

export function volumeSourceOf(volume: KubeObject): string {
  const ignored = new Set(['accessModes', 'capacity', 'claimRef', 'mountOptions', 'nodeAffinity', 'persistentVolumeReclaimPolicy', 'storageClassName', 'volumeMode', 'volumeAttributesClassName']);
  const source = Object.keys(asObject(volume.spec)).find((key) => !ignored.has(key));
  return source ? `a ${source} volume` : 'no volume source';
}

/** The verification steps a plan without input starts with: read the facts, check them, stop with a reason. */
export function runTimeChecks(facts: ClaimFacts, via: MigrationPath, snapshotClass: string | undefined): PlanStep {
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
export function snapshotClassGuards(snapshotClass: string | undefined, driver: string): string[] {
  return [
    'kubectl get crd/volumesnapshots.snapshot.storage.k8s.io >/dev/null || stop "the VolumeSnapshot CRDs are not installed (external-snapshotter)"',
    snapshotClass
      ? `[ "$(kubectl get ${q(`volumesnapshotclass/${snapshotClass}`)} -o jsonpath='{.driver}')" = "${driver}" ] || stop "VolumeSnapshotClass ${snapshotClass} does not exist or is not for driver ${driver}"`
      : `[ -n "$(kubectl get volumesnapshotclass -o jsonpath="{.items[?(@.driver==\\"${driver}\\")].metadata.name}")" ] || stop "no VolumeSnapshotClass for driver ${driver}"`,
  ];
}

function splitWorkload(workload: string): [string, string] {
  const slash = workload.indexOf('/');
  return [workload.slice(0, slash), workload.slice(slash + 1)];
}
