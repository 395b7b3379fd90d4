// Shared by the PodDisruptionBudget rules.
import { distinctWorkloads } from './manifest-index';
import type { IndexedObject, ManifestIndex, PodTemplate } from './manifest-index';
import { asArray, asObject } from './support';

export interface PdbSelection {
  readonly pdb: IndexedObject;
  readonly spec: Record<string, any>;
  /** One per distinct workload. */
  readonly templates: readonly PodTemplate[];
}

/** Selections already made for an index: several rules read them, and each selector costs a pass over candidates. */
const SELECTIONS = new WeakMap<ManifestIndex, readonly PdbSelection[]>();

/** Every PodDisruptionBudget with the pod templates (one per workload) its selector selects in its namespace. */
export function pdbSelections(index: ManifestIndex): readonly PdbSelection[] {
  let selections = SELECTIONS.get(index);
  if (!selections) {
    selections = index.ofKind('PodDisruptionBudget').map((pdb) => {
      const spec = asObject(pdb.object.spec);
      return { pdb, spec, templates: distinctWorkloads(index.podTemplatesSelectedBy(pdb.namespace, spec.selector)) };
    });
    SELECTIONS.set(index, selections);
  }
  return selections;
}

/** True when the template's pods are a single writer: one pod that mounts a ReadWriteOncePod claim or claim template. */
export function isSingleWriter(index: ManifestIndex, template: PodTemplate): boolean {
  if (template.replicas !== 1 || template.workloadKind === 'Job' || template.workloadKind === 'CronJob') return false;
  if (index.rwopClaimsOf(template).length > 0) return true;
  if (template.workload.kind !== 'StatefulSet') return false;
  return asArray(asObject(template.workload.object.spec).volumeClaimTemplates)
    .some((claimTemplate) => asArray(asObject(asObject(claimTemplate).spec).accessModes).includes('ReadWriteOncePod'));
}
