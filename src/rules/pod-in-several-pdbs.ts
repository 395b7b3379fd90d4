import type { PodTemplate } from './manifest-index';
import type { PdbSelection } from './pdb';
import { pdbSelections } from './pdb';
import type { Rule } from './rule';
import { describeRef, finding } from './support';
import type { Finding } from './types';

/**
 * Pods that two or more PodDisruptionBudgets select cannot be evicted at all: the eviction API answers
 * "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support." (HTTP 500, not the
 * 429 of a budget at zero), so `kubectl drain` fails on their node, and node upgrades and the cluster autoscaler never
 * get it empty.
 * See https://kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/ and the eviction subresource's source,
 * pkg/registry/core/pod/storage/eviction.go.
 */
export const podInSeveralPdbs: Rule = {
  id: 'pod-in-several-pdbs',
  severity: 'error',
  summary: 'A workload\'s pods are selected by two or more PodDisruptionBudgets, so the eviction API refuses to evict them and no drain of their node can complete.',
  remediation: 'Keep one PodDisruptionBudget per workload: narrow the selectors (add a label such as app.kubernetes.io/component) so that each pod matches exactly one.',
  check(index) {
    const byWorkload = new Map<string, { template: PodTemplate; budgets: PdbSelection[] }>();
    for (const selection of pdbSelections(index)) {
      for (const template of selection.templates) {
        const entry = byWorkload.get(template.workloadKey);
        if (entry) entry.budgets.push(selection);
        else byWorkload.set(template.workloadKey, { template, budgets: [selection] });
      }
    }
    const findings: Finding[] = [];
    for (const { template, budgets } of byWorkload.values()) {
      if (budgets.length < 2) continue;
      const workload = template.workloadKind === template.workload.kind
        ? describeRef(template.workload.ref)
        : `${template.workloadKind} ${template.namespace}/${template.workloadName}`;
      findings.push(finding(podInSeveralPdbs,
        `the pods of ${workload} are selected by ${budgets.length} PodDisruptionBudgets (${budgets.map(({ pdb }) => describeRef(pdb.ref)).join(', ')}): `
        + 'the eviction API refuses to evict them ("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support"), '
        + 'so no drain of their node can complete',
        [template.workload.ref, ...budgets.map(({ pdb }) => pdb.ref)]));
    }
    return findings;
  },
};
