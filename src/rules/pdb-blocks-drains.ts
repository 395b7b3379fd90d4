import { isSingleWriter, pdbSelections } from './pdb';
import type { Rule } from './rule';
import { asObject, asString, describeRef, describeRefs, finding } from './support';
import type { Finding } from './types';
import { scaledIntOrPercent } from '../core/int-or-percent';

/** The annotation that turns this rule's warning into an info: a reason for blocking drains on purpose. */
export const BLOCKS_DRAINS_REASON_ANNOTATION = 'rwop.dev/blocks-drains-reason';

/** `maxUnavailable: 0` (or minAvailable = replicas) on a one-pod database: node drains never finish. */
export const pdbBlocksDrains: Rule = {
  id: 'pdb-blocks-drains',
  severity: 'warning',
  summary: 'A PodDisruptionBudget allows no voluntary eviction of a single-writer workload, so node drains hang (info when annotated rwop.dev/blocks-drains-reason).',
  remediation: 'Allow one eviction (maxUnavailable: 1) and rely on ReadWriteOncePod plus Recreate for safety; if blocking drains is intended, say why in the annotation rwop.dev/blocks-drains-reason.',
  check(index) {
    const findings: Finding[] = [];
    for (const { pdb, spec, templates } of pdbSelections(index)) {
      if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) continue; // pdb-min-and-max-available
      const singleWriters = templates.filter(isSingleWriter);
      if (singleWriters.length === 0) continue;
      // Pods the budget counts; a DaemonSet's count depends on the nodes, so minAvailable cannot be judged then.
      const pods = templates.some((template) => template.replicas === undefined)
        ? undefined
        : templates.reduce((sum, template) => sum + (template.replicas ?? 0), 0);
      let budget: string | undefined;
      if (spec.maxUnavailable !== undefined) {
        if (scaledIntOrPercent(spec.maxUnavailable, pods ?? 1) === 0) budget = `maxUnavailable ${JSON.stringify(spec.maxUnavailable)}`;
      } else if (spec.minAvailable !== undefined && pods !== undefined) {
        const min = scaledIntOrPercent(spec.minAvailable, pods);
        if (min !== undefined && min >= pods) budget = `minAvailable ${JSON.stringify(spec.minAvailable)} of ${pods} pod${pods === 1 ? '' : 's'}`;
      }
      if (budget === undefined) continue;
      const workloads = singleWriters.map((template) => template.workload.ref);
      const reason = asString(asObject(asObject(pdb.object.metadata).annotations)[BLOCKS_DRAINS_REASON_ANNOTATION])?.trim();
      const message = `${describeRef(pdb.ref)} allows no voluntary eviction (${budget}) of ${describeRefs(workloads)}, a single writer `
        + '(one pod with a ReadWriteOncePod volume): kubectl drain and node upgrades never finish on its node, and the cluster autoscaler '
        + 'never removes that node, until someone deletes the pod or the budget';
      findings.push(reason
        ? finding(pdbBlocksDrains, `${message}; accepted on purpose (${BLOCKS_DRAINS_REASON_ANNOTATION}: ${JSON.stringify(reason)})`, [pdb.ref, ...workloads], 'info')
        : finding(pdbBlocksDrains, message, [pdb.ref, ...workloads]));
    }
    return findings;
  },
};
