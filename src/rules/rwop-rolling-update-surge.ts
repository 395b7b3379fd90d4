import { deadlockingSurge } from './rolling-update';
import type { Rule } from './rule';
import { describeRef, describeRefs, finding } from './support';
import type { Finding } from './types';

/** RWOP: a surging rollout can never finish. */
export const rwopRollingUpdateSurge: Rule = {
  id: 'rwop-rolling-update-surge',
  severity: 'error',
  summary: 'A Deployment that mounts a ReadWriteOncePod claim updates with a surging RollingUpdate, so every rollout deadlocks.',
  remediation: 'Use strategy type Recreate (or RollingUpdate with maxSurge: 0 and maxUnavailable: 1).',
  check(index) {
    const findings: Finding[] = [];
    for (const template of index.podTemplates) {
      const claims = template.rwopClaims.map((claim) => claim.ref);
      if (claims.length === 0) continue;
      const strategy = deadlockingSurge(template);
      if (strategy === undefined) continue;
      const deployment = template.workload.ref;
      findings.push(finding(rwopRollingUpdateSurge,
        `${describeRef(deployment)} updates with ${strategy} and mounts ReadWriteOncePod ${describeRefs(claims)}: a rollout starts the new pod `
        + 'before it stops the old one, the new pod stays Pending with a FailedScheduling event ("... ReadWriteOncePod access mode ...") '
        + 'while the old one holds the claim, and the old one is only stopped once the new one is Ready, so the rollout never finishes',
        [deployment, ...claims]));
    }
    return findings;
  },
};
