import { pdbSelections, selectsNoPod } from './pdb';
import type { Rule } from './rule';
import { describeRef, finding, isObject } from './support';
import type { Finding } from './types';

/** A budget whose selector matches no pod of the input: it protects nothing. */
export const pdbSelectsNothing: Rule = {
  id: 'pdb-selects-nothing',
  severity: 'warning',
  summary: 'A PodDisruptionBudget selects no pod template of the input (checked only in namespaces where the input has workloads).',
  remediation: 'Make spec.selector match the labels of the workload\'s pod template (spec.template.metadata.labels).',
  check(index) {
    const findings: Finding[] = [];
    for (const { pdb, spec, templates } of pdbSelections(index)) {
      // On a partial input (the PDB without its workloads) there is nothing to compare with.
      if (templates.length > 0 || index.podTemplatesInNamespace(pdb.namespace).length === 0) continue;
      const why = selectsNoPod(pdb, spec)
        ? 'it is policy/v1beta1, where an empty selector selects no pod (policy/v1 selects every pod of the namespace)'
        : isObject(spec.selector)
          ? `its selector ${JSON.stringify(spec.selector)} matches no pod template in namespace ${pdb.namespace}`
          : 'it has no selector, and a missing selector selects no pod';
      findings.push(finding(pdbSelectsNothing, `${describeRef(pdb.ref)} protects nothing: ${why}, so the workload it was meant for has no disruption budget`, [pdb.ref]));
    }
    return findings;
  },
};
