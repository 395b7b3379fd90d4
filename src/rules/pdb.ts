// Shared by the PodDisruptionBudget rules.
import { distinctWorkloads } from './manifest-index';
import type { IndexedObject, ManifestIndex, PodTemplate } from './manifest-index';
import { asArray, asObject, isObject } from './support';

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
      const templates = selectsNoPod(pdb, spec) ? [] : index.podTemplatesSelectedBy(pdb.namespace, spec.selector);
      return { pdb, spec, templates: distinctWorkloads(templates) };
    });
    SELECTIONS.set(index, selections);
  }
  return selections;
}

/** True when the template's pods are a single writer: one pod that mounts a ReadWriteOncePod claim or claim template. */
export function isSingleWriter(template: PodTemplate): boolean {
  if (template.replicas !== 1 || template.workloadKind === 'Job' || template.workloadKind === 'CronJob') return false;
  if (template.rwopClaims.length > 0) return true;
  if (template.workload.kind !== 'StatefulSet') return false;
  return asArray(asObject(template.workload.object.spec).volumeClaimTemplates)
    .some((claimTemplate) => asArray(asObject(asObject(claimTemplate).spec).accessModes).includes('ReadWriteOncePod'));
}

/**
 * policy/v1beta1 read an empty selector as selecting no pod; policy/v1 reads it as every pod of the namespace.
 * https://kubernetes.io/docs/tasks/run-application/configure-pdb/#arbitrary-controllers-and-selectors
 */
export function selectsNoPod(pdb: IndexedObject, spec: Record<string, any>): boolean {
  return pdb.object.apiVersion === 'policy/v1beta1' && isEmptySelector(spec.selector);
}

function isEmptySelector(selector: unknown): boolean {
  if (!isObject(selector)) return false;
  return Object.keys(asObject(selector.matchLabels)).length === 0 && asArray(selector.matchExpressions).length === 0;
}
