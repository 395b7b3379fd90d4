import { distinctWorkloads } from './manifest-index';
import type { Rule } from './rule';
import { describeRef, describeRefs, finding } from './support';
import type { Finding } from './types';

const RUN_TO_COMPLETION = new Set(['Job', 'CronJob']);

/** A backup that mounts the database's RWOP claim. */
export const rwopJobMountsHeldClaim: Rule = {
  id: 'rwop-job-mounts-held-claim',
  severity: 'error',
  summary: 'A Job or CronJob mounts a ReadWriteOncePod claim that a long-running workload holds, so it can never start while that workload runs.',
  remediation: 'Back up without mounting the claim: dump over the network (pg_dump -h <service>) into another claim, or take a CSI VolumeSnapshot of it.',
  check(index) {
    const findings: Finding[] = [];
    for (const use of index.rwopClaimUses()) {
      const workloads = distinctWorkloads(use.templates);
      const holders = workloads.filter((template) => !RUN_TO_COMPLETION.has(template.workloadKind)).map((template) => template.workload.ref);
      if (holders.length === 0) continue;
      const claim = use.claim!.ref;
      for (const job of workloads.filter((template) => RUN_TO_COMPLETION.has(template.workloadKind))) {
        findings.push(finding(rwopJobMountsHeldClaim,
          `${describeRef(job.workload.ref)} mounts ${describeRef(claim)}, which ${describeRefs(holders)} holds with ReadWriteOncePod: `
          + 'the backup can never start while the database runs; its pod stays Pending with a FailedScheduling event '
          + '("... ReadWriteOncePod access mode ...") and, if it ever gets the claim, the database cannot start until it ends',
          [job.workload.ref, claim, ...holders]));
      }
    }
    return findings;
  },
};
