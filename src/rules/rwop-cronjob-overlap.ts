import type { Rule } from './rule';
import { asObject, describeRef, finding } from './support';
import type { Finding } from './types';

/** A CronJob that lets its runs overlap while each run mounts the same ReadWriteOncePod claim. */
export const rwopCronjobOverlap: Rule = {
  id: 'rwop-cronjob-overlap',
  severity: 'warning',
  summary: 'A CronJob that mounts a ReadWriteOncePod claim allows concurrent runs (concurrencyPolicy Allow, the default), so a run that overlaps the previous one waits Pending and a hung run makes them pile up.',
  remediation: 'Set concurrencyPolicy: Forbid (and a startingDeadlineSeconds), so that a run starts only after the previous one has ended and released the claim.',
  check(index) {
    const findings: Finding[] = [];
    for (const use of index.rwopClaimUses()) {
      for (const template of use.templates) {
        const cronJob = template.workload;
        if (cronJob.kind !== 'CronJob') continue;
        const policy = asObject(cronJob.object.spec).concurrencyPolicy ?? 'Allow';
        if (policy !== 'Allow') continue;
        const claim = use.claim!.ref;
        findings.push(finding(rwopCronjobOverlap,
          `${describeRef(cronJob.ref)} mounts ${describeRef(claim)} (ReadWriteOncePod) with concurrencyPolicy ${policy}: `
          + 'when a run outlasts the schedule period the next run\'s pod stays Pending with a FailedScheduling event '
          + '("... ReadWriteOncePod access mode ...") until the first ends, and runs queue up behind a hung one',
          [cronJob.ref, claim]));
      }
    }
    return findings;
  },
};
