import type { Rule } from './rule';
import { describeRef, finding } from './support';
import { SUPPRESS_ANNOTATION, SUPPRESS_REASON_ANNOTATION, suppressionOf } from './suppression';
import type { Finding } from './types';

/** The engine's own rule: a suppression must say why. */
export const suppressionWithoutReason: Rule = {
  id: 'suppression-without-reason',
  severity: 'warning',
  summary: `An object suppresses rules (${SUPPRESS_ANNOTATION}) without a reason (${SUPPRESS_REASON_ANNOTATION}), so nothing is suppressed.`,
  remediation: `Add the annotation ${SUPPRESS_REASON_ANNOTATION} saying why the finding does not apply, or remove ${SUPPRESS_ANNOTATION}.`,
  check(index) {
    const findings: Finding[] = [];
    for (const entry of index.objects) {
      const suppression = suppressionOf(entry.object);
      if (!suppression || suppression.reason !== undefined) continue;
      findings.push(finding(suppressionWithoutReason,
        `${describeRef(entry.ref)} has ${SUPPRESS_ANNOTATION}: ${JSON.stringify(suppression.ruleIds.join(','))} but no ${SUPPRESS_REASON_ANNOTATION}: `
        + 'the suppression is ignored and those findings are reported',
        [entry.ref]));
    }
    return findings;
  },
};
