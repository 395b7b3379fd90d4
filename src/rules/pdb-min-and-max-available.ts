import type { Rule } from './rule';
import { describeRef, finding } from './support';
import type { Finding } from './types';

/** A budget that sets both minAvailable and maxUnavailable, which the API server refuses. */
export const pdbMinAndMaxAvailable: Rule = {
  id: 'pdb-min-and-max-available',
  severity: 'error',
  summary: 'A PodDisruptionBudget sets both minAvailable and maxUnavailable.',
  remediation: 'Keep one of the two: maxUnavailable for a single-pod workload.',
  check(index) {
    const findings: Finding[] = [];
    for (const pdb of index.ofKind('PodDisruptionBudget')) {
      const spec = pdb.object.spec;
      if (typeof spec !== 'object' || spec === null || spec.minAvailable === undefined || spec.maxUnavailable === undefined) continue;
      findings.push(finding(pdbMinAndMaxAvailable,
        `${describeRef(pdb.ref)} sets both minAvailable (${JSON.stringify(spec.minAvailable)}) and maxUnavailable (${JSON.stringify(spec.maxUnavailable)}): `
        + 'the API server rejects it ("minAvailable and maxUnavailable cannot be both set")',
        [pdb.ref]));
    }
    return findings;
  },
};
