// `rwop migrate`'s steps, the same for a plan checked against the input and one checked at run time: the kubectl
// commands in order and the YAML they apply.
import { stringify } from 'yaml';
import { runTimeChecks, snapshotClassGuards } from './migration-checks';
import type { ClaimFacts, PlanBuild, PlanStep, WorkloadUse } from './migration-plan';
import { shellQuote as q } from '../core/shell';
import { asObject, RWOP } from '../rules/support';
import type { KubeObject } from '../rules/types';

/** The annotations ExclusiveVolume and VolumeSnapshot add by default (`protectFromPrune`), in their order. */
const PRUNE_PROTECTION: ReadonlyArray<readonly [string, string]> = [
  ['argocd.argoproj.io/sync-options', 'Prune=false,Delete=false'],
  ['kustomize.toolkit.fluxcd.io/prune', 'disabled'],
  ['helm.sh/resource-policy', 'keep'],
];

/** Claim annotations the control plane or kubectl writes: not carried over to the new claim. */
const SYSTEM_ANNOTATION_PREFIXES = ['pv.kubernetes.io/', 'volume.beta.kubernetes.io/', 'volume.kubernetes.io/', 'kubectl.kubernetes.io/last-applied-configuration'];

export function inPlaceSteps(facts: ClaimFacts, workloads: readonly WorkloadUse[], runTime: boolean): PlanBuild {
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
export function snapshotSteps(
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

export function userAnnotations(annotations: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(stringRecord(annotations))
    .filter(([key]) => !SYSTEM_ANNOTATION_PREFIXES.some((prefix) => key.startsWith(prefix))));
}

export function stringRecord(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(asObject(value)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
