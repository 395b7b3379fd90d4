import type { IndexedObject, ManifestIndex } from './manifest-index';
import type { Rule } from './rule';
import { asArray, asObject, asString, describeRef, finding, isObject, quantityBytes } from './support';
import type { Finding, KubeObject, ObjectRef } from './types';

const SNAPSHOT_GROUP = 'snapshot.storage.k8s.io';

/**
 * A claim restored from a VolumeSnapshot, or cloned from a claim, must ask for at least the source's size: the CSI
 * external-provisioner refuses to provision it otherwise ("requested volume size ... is less than the size ... for
 * the source snapshot"; for a clone, "new PVC request must be greater than or equal in size to the specified PVC data
 * source"), and the claim stays Pending. https://kubernetes.io/docs/concepts/storage/volume-pvc-datasource/
 * The source's request is a lower bound of its real size (the restore size is the source volume's capacity), so a
 * request below it is refused for sure. Only sources the input has are checked: a snapshot whose source claim is in
 * the input, or a claim.
 */
export const restoreSmallerThanSource: Rule = {
  id: 'restore-smaller-than-source',
  severity: 'error',
  summary: 'A claim restored from a VolumeSnapshot (or cloned from a claim) asks for less storage than the claim the data comes from.',
  remediation: 'Request at least the source claim\'s size in spec.resources.requests.storage (a restore or clone may be larger, never smaller); resize the new claim afterwards if the class allows expansion.',
  check(index) {
    const findings: Finding[] = [];
    const snapshots = new Map<string, IndexedObject>();
    for (const snapshot of index.ofKind('VolumeSnapshot')) {
      const key = `${snapshot.namespace}/${snapshot.name}`;
      if ((snapshot.ref.apiVersion ?? '').startsWith(`${SNAPSHOT_GROUP}/`) && !snapshots.has(key)) snapshots.set(key, snapshot);
    }
    const check = (ref: ObjectRef, where: string, namespace: string, claim: KubeObject) => {
      const spec = asObject(claim.spec);
      const requested = requestOf(claim);
      const requestedBytes = requested === undefined ? undefined : quantityBytes(requested);
      if (requestedBytes === undefined) return;
      const source = sourceOf(index, snapshots, namespace, spec);
      if (!source) return;
      const sourceRequest = requestOf(source.claim.object);
      const sourceBytes = sourceRequest === undefined ? undefined : quantityBytes(sourceRequest);
      if (sourceBytes === undefined || requestedBytes >= sourceBytes) return;
      const via = source.snapshot ? `${describeRef(source.snapshot.ref)}, a snapshot of ` : 'a clone of ';
      findings.push(finding(restoreSmallerThanSource,
        `${describeRef(ref)}${where} asks for ${requested} but is restored from ${via}${describeRef(source.claim.ref)}, which asks for ${sourceRequest}: `
        + `the CSI provisioner refuses a volume smaller than its source, so the claim stays Pending; request at least ${sourceRequest} (spec.resources.requests.storage)`,
        [ref, ...(source.snapshot ? [source.snapshot.ref] : []), source.claim.ref]));
    };
    for (const claim of index.ofKind('PersistentVolumeClaim')) check(claim.ref, '', claim.namespace, claim.object);
    for (const statefulSet of index.ofKind('StatefulSet')) {
      for (const raw of asArray(asObject(statefulSet.object.spec).volumeClaimTemplates)) {
        if (!isObject(raw)) continue;
        check(statefulSet.ref, ` claim template "${asString(asObject(raw.metadata).name) ?? '<no name>'}"`, statefulSet.namespace, raw);
      }
    }
    return findings;
  },
};

function requestOf(claim: KubeObject): string | undefined {
  return asString(asObject(asObject(asObject(claim.spec).resources).requests).storage);
}

/** The claim the data comes from (through one of `snapshots`, keyed `namespace/name`, or directly), when the input has it. */
function sourceOf(
  index: ManifestIndex, snapshots: ReadonlyMap<string, IndexedObject>, namespace: string, spec: KubeObject,
): { claim: IndexedObject; snapshot?: IndexedObject } | undefined {
  const ref = isObject(spec.dataSourceRef) ? spec.dataSourceRef : asObject(spec.dataSource);
  const name = asString(ref.name);
  // A dataSourceRef may name another namespace (cross-namespace sources): the input does not say what is there.
  if (name === undefined || (ref.namespace !== undefined && ref.namespace !== namespace)) return undefined;
  if (ref.kind === 'PersistentVolumeClaim' && (ref.apiGroup === undefined || ref.apiGroup === '')) {
    const claim = index.claim(namespace, name);
    return claim && { claim };
  }
  if (ref.kind !== 'VolumeSnapshot' || ref.apiGroup !== SNAPSHOT_GROUP) return undefined;
  const snapshot = snapshots.get(`${namespace}/${name}`);
  const claimName = snapshot && asString(asObject(asObject(snapshot.object.spec).source).persistentVolumeClaimName);
  const claim = claimName === undefined ? undefined : index.claim(namespace, claimName);
  return claim && { claim, snapshot };
}
