import type { IndexedObject, ManifestIndex } from './manifest-index';
import type { Rule } from './rule';
import { asNumber, asObject, describeRef, describeRefs, finding, RWOP_PENDING } from './support';
import type { Finding } from './types';

/** More than one pod of one workload wants the same RWOP claim. */
export const rwopClaimReplicated: Rule = {
  id: 'rwop-claim-replicated',
  severity: 'error',
  summary: 'A workload that mounts a ReadWriteOncePod claim runs (or can scale to) more than one pod: a DaemonSet, replicas or parallelism > 1, or an HPA with maxReplicas > 1.',
  remediation: 'Run one pod (replicas: 1, no HPA, no DaemonSet); for one claim per replica use a StatefulSet with ReadWriteOncePod volumeClaimTemplates.',
  check(index) {
    const findings: Finding[] = [];
    for (const template of index.podTemplates) {
      const claims = template.rwopClaims.map((claim) => claim.ref);
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
    for (const found of podsOfOneMissingController(index)) findings.push(found); // not spread: a dump can hold very many
    return findings;
  },
};

/**
 * A pod dump (`kubectl get pods,pvc`) without the pods' controller: each running Pod counts one replica, so the pods
 * of one ReplicaSet, DaemonSet, Job, ... that mount the same RWOP claim are counted here, per controller and claim.
 */
function podsOfOneMissingController(index: ManifestIndex): Finding[] {
  const groups = new Map<string, { controller: string; claim: IndexedObject; pods: IndexedObject[] }>();
  for (const template of index.podTemplates) {
    if (template.workload.kind !== 'Pod' || template.workloadKind === 'Pod') continue;
    for (const claim of template.rwopClaims) {
      const key = `${template.workloadKey}\u0000${claim.name}`;
      let group = groups.get(key);
      if (!group) {
        const controller = describeRef({ kind: template.workloadKind, namespace: template.namespace, name: template.workloadName });
        group = { controller, claim, pods: [] };
        groups.set(key, group);
      }
      group.pods.push(template.workload);
    }
  }
  const findings: Finding[] = [];
  for (const { controller, claim, pods } of groups.values()) {
    if (pods.length < 2) continue;
    findings.push(finding(rwopClaimReplicated,
      `${pods.length} pods of ${controller} (not in the input) mount ReadWriteOncePod ${describeRef(claim.ref)}: `
      + `only one pod can mount it, so each of the other ${pods.length - 1} ${RWOP_PENDING}`,
      [...pods.map((pod) => pod.ref), claim.ref]));
  }
  return findings;
}
