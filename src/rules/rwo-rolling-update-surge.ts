import { deadlockingSurge } from './rolling-update';
import type { Rule } from './rule';
import { accessModesOf, describeRef, describeRefs, finding, isRwop, RWO } from './support';
import type { Finding } from './types';

/** RWO: the same rollout deadlocks when the new pod lands on another node. */
export const rwoRollingUpdateSurge: Rule = {
  id: 'rwo-rolling-update-surge',
  severity: 'warning',
  summary: 'A Deployment that mounts a ReadWriteOnce claim updates with a surging RollingUpdate, which deadlocks when the new pod lands on another node.',
  remediation: 'Use strategy type Recreate (or RollingUpdate with maxSurge: 0 and maxUnavailable: 1); for a single writer, also make the claim ReadWriteOncePod.',
  check(index) {
    const findings: Finding[] = [];
    for (const template of index.podTemplates) {
      if (template.claims.length === 0) continue;
      const claims = template.claims
        .filter((claim) => accessModesOf(claim.object).includes(RWO) && !isRwop(claim.object))
        .map((claim) => claim.ref);
      if (claims.length === 0) continue;
      const strategy = deadlockingSurge(template);
      if (strategy === undefined) continue;
      const deployment = template.workload.ref;
      findings.push(finding(rwoRollingUpdateSurge,
        `${describeRef(deployment)} updates with ${strategy} and mounts ReadWriteOnce ${describeRefs(claims)}: a rollout starts the new pod `
        + 'before it stops the old one; when the new pod is scheduled to another node it cannot attach the volume (FailedAttachVolume, '
        + '"Multi-Attach error"), and the old one is only stopped once the new one is Ready, so the rollout never finishes',
        [deployment, ...claims]));
    }
    return findings;
  },
};
