import { distinctWorkloads } from './manifest-index';
import type { ManifestIndex, PodTemplate } from './manifest-index';
import type { Rule } from './rule';
import { asNumber, asString, describeRef, finding } from './support';
import type { Finding } from './types';

const RUN_TO_COMPLETION = new Set(['Job', 'CronJob']);

/** The built-in priority classes every cluster has (a Map: `constructor` is a valid class name). */
const SYSTEM_PRIORITIES = new Map<string, number>([
  ['system-cluster-critical', 2000000000],
  ['system-node-critical', 2000001000],
]);

/** Since Kubernetes 1.27 a pending pod preempts a lower-priority holder of its RWOP claim. */
export const rwopPreemptsHolder: Rule = {
  id: 'rwop-preempts-holder',
  severity: 'error',
  summary: 'A pod that mounts a ReadWriteOncePod claim has a higher priority than the long-running workload holding it, so it can preempt (evict) the holder.',
  remediation: 'Do not let a second workload mount the claim; if one must, never give it a higher priority than the holder (or give it preemptionPolicy: Never).',
  check(index) {
    const findings: Finding[] = [];
    for (const use of index.rwopClaimUses()) {
      const ranked = distinctWorkloads(use.templates)
        .map((template) => ({ template, priority: priorityOf(index, template) }))
        .filter((entry): entry is { template: PodTemplate; priority: Priority } => entry.priority !== undefined);
      if (ranked.length < 2) continue;
      // The holders are the long-running workloads (the database); a Job that outranks none of them is harmless to them.
      const longRunning = ranked.filter((entry) => !RUN_TO_COMPLETION.has(entry.template.workloadKind));
      const holdersPool = longRunning.length > 0 ? longRunning : ranked;
      const lowest = Math.min(...holdersPool.map((entry) => entry.priority.value));
      const preemptors = ranked.filter((entry) => entry.priority.value > lowest && entry.priority.canPreempt);
      if (preemptors.length === 0) continue;
      const highest = Math.max(...preemptors.map((entry) => entry.priority.value));
      const holders = holdersPool.filter((entry) => entry.priority.value < highest && !preemptors.includes(entry));
      const claim = use.claim!.ref;
      const describe = (entries: typeof ranked) => entries.map((entry) => `${describeRef(entry.template.workload.ref)} (${entry.priority.text})`).join(', ');
      findings.push(finding(rwopPreemptsHolder,
        `${describe(preemptors)} and ${describe(holders)} mount ReadWriteOncePod ${describeRef(claim)}: when the higher-priority pod waits for the claim, `
        + 'the scheduler (Kubernetes 1.27 and later) preempts the lower-priority holder to hand it over, so for instance a backup evicts the database',
        [...preemptors.map((entry) => entry.template.workload.ref), claim, ...holders.map((entry) => entry.template.workload.ref)]));
    }
    return findings;
  },
};

interface Priority {
  readonly value: number;
  readonly canPreempt: boolean;
  readonly text: string;
}

/**
 * The pod's priority as the Priority admission plugin sets it: `spec.priority` when already set (a cluster dump),
 * else its `priorityClassName` (the input's PriorityClass or a system one), else the globalDefault class, else 0.
 * Undefined when the named class is not in the input.
 */
function priorityOf(index: ManifestIndex, template: PodTemplate): Priority | undefined {
  const spec = template.spec;
  const className = asString(spec.priorityClassName);
  const priorityClass = className ? index.priorityClass(className) : index.globalDefaultPriorityClass();
  const policy = asString(spec.preemptionPolicy) ?? asString(priorityClass?.object.preemptionPolicy);
  const canPreempt = policy !== 'Never';
  const explicit = asNumber(spec.priority);
  if (explicit !== undefined) return { value: explicit, canPreempt, text: `priority ${explicit}` };
  const systemPriority = className ? SYSTEM_PRIORITIES.get(className) : undefined;
  if (systemPriority !== undefined) return { value: systemPriority, canPreempt, text: `priority ${systemPriority}, PriorityClass ${className}` };
  if (className && !priorityClass) return undefined;
  if (!priorityClass) return { value: 0, canPreempt, text: 'priority 0, no PriorityClass' };
  const value = asNumber(priorityClass.object.value) ?? 0;
  const how = className ? '' : ', the global default';
  return { value, canPreempt, text: `priority ${value}, PriorityClass ${priorityClass.name}${how}` };
}
