// `rwop migrate`'s plan (no I/O; the command and its script are in migrate-command.ts): the plan that moves one claim
// from ReadWriteOnce to ReadWriteOncePod, as ordered kubectl commands and the YAML they apply. Two paths:
// - in place (official): Retain the PV, stop the workloads, delete the claim, clear the PV's claimRef.uid, make the PV
//   ReadWriteOncePod, re-create the claim with volumeName, start the workloads, restore the reclaim policy;
// - via snapshot: stop the workloads, snapshot the claim, re-create it from the snapshot (dataSource).
// With the cluster's objects as input, the pre-flight checks (migration-checks.ts) are made against them and a failed
// one stops the plan; without, they become verification steps of the script. The steps (migration-steps.ts) apply the
// YAML that ExclusiveVolume and VolumeSnapshot synthesize for the same inputs (a test holds them together), written
// without cdk8s so that `rwop` starts fast.
import {
  accessModesCheck, migrationFindingsCheck, resizeCheck, snapshotClassCheck, unusableValues, volumeSourceOf, workloadCheck, workloadUses,
} from './migration-checks';
import type { ClaimFacts, MigrateOptions, MigrationPlan, PlanCheck, WorkloadUse } from './migration-plan';
import { inPlaceSteps, snapshotSteps, stringRecord, userAnnotations } from './migration-steps';
import { ManifestIndex } from '../rules/manifest-index';
import { accessModesOf, asObject, asString } from '../rules/support';
import type { Manifest } from '../rules/types';

/** Annotations and labels that say a GitOps or Helm controller manages the claim (and would re-create the old one). */
const MANAGED_BY = [
  'argocd.argoproj.io/tracking-id', 'argocd.argoproj.io/instance', 'app.kubernetes.io/instance', 'meta.helm.sh/release-name',
  'kustomize.toolkit.fluxcd.io/name', 'helm.toolkit.fluxcd.io/name',
];

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
