import { asNumber, asObject, describeRef, describeRefs, finding, RWOP_PENDING } from './support';
import type { Finding, Rule } from './types';

/** Issue #5, rule 2: more than one pod of one workload wants the same RWOP claim. */
export const rwopClaimReplicated: Rule = {
  id: 'rwop-claim-replicated',
  severity: 'error',
  summary: 'A workload that mounts a ReadWriteOncePod claim runs (or can scale to) more than one pod: a DaemonSet, replicas or parallelism > 1, or an HPA with maxReplicas > 1.',
  remediation: 'Run one pod (replicas: 1, no HPA, no DaemonSet); for one claim per replica use a StatefulSet with ReadWriteOncePod volumeClaimTemplates.',
  check(index) {
    const findings: Finding[] = [];
    for (const template of index.podTemplates) {
      const claims = index.rwopClaimsOf(template).map((claim) => claim.ref);
      if (claims.length === 0) continue;
      const workload = template.workload;
      const mounts = `mounts ReadWriteOncePod ${describeRefs(claims)}`;
      if (template.replicas === undefined) {
        findings.push(finding(rwopClaimReplicated,
          `${describeRef(workload.ref)} runs one pod per node and ${mounts}: only one pod can mount it, so the pod on every other node ${RWOP_PENDING}`,
          [workload.ref, ...claims]));
      } else if (template.replicas > 1) {
        const field = workload.kind === 'Job' || workload.kind === 'CronJob' ? 'parallelism' : 'replicas';
        findings.push(finding(rwopClaimReplicated,
          `${describeRef(workload.ref)} runs ${template.replicas} pods (${field}: ${template.replicas}) and ${mounts}: `
          + `only one pod can mount it, so each of the other ${template.replicas - 1} ${RWOP_PENDING}`,
          [workload.ref, ...claims]));
      }
      for (const hpa of index.hpasTargeting(workload)) {
        const maxReplicas = asNumber(asObject(hpa.object.spec).maxReplicas);
        if (maxReplicas === undefined || maxReplicas <= 1) continue;
        findings.push(finding(rwopClaimReplicated,
          `${describeRef(hpa.ref)} can scale ${describeRef(workload.ref)} to ${maxReplicas} pods (maxReplicas), but it ${mounts}: `
          + `every pod beyond the first ${RWOP_PENDING}`,
          [workload.ref, hpa.ref, ...claims]));
      }
    }
    return findings;
  },
};
