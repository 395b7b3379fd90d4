import { distinctWorkloads } from './manifest-index';
import type { Rule } from './rule';
import { describeRef, describeRefs, finding, RWOP_PENDING } from './support';
import type { Finding } from './types';

/** A second workload on an RWOP claim: its pod hangs Pending. */
export const rwopClaimShared: Rule = {
  id: 'rwop-claim-shared',
  severity: 'error',
  summary: 'A ReadWriteOncePod claim is mounted by the pods of more than one workload.',
  remediation: 'Give each workload its own claim; a second reader (backup, debug pod) must go over the network or use a VolumeSnapshot, never mount the claim.',
  check(index) {
    const findings: Finding[] = [];
    for (const use of index.rwopClaimUses()) {
      const workloads = distinctWorkloads(use.templates).map((template) => template.workload.ref);
      if (workloads.length < 2) continue;
      const claim = use.claim!.ref;
      findings.push(finding(rwopClaimShared,
        `${describeRef(claim)} is ReadWriteOncePod and is mounted by ${workloads.length} workloads (${describeRefs(workloads)}): `
        + `only one pod in the cluster can use it at a time, so whichever pod comes second ${RWOP_PENDING} until the first one is gone`,
        [claim, ...workloads]));
    }
    return findings;
  },
};
