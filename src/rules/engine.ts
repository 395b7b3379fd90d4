// runRules: index the input once, run the chosen rules over it, mark suppressed findings, sort.
import { RULES } from './all';
import { ManifestIndex } from './manifest-index';
import type { Rule } from './rule';
import { compareSeverity } from './severity';
import { refKey } from './support';
import { suppressionOf } from './suppression';
import { suppressionWithoutReason } from './suppression-without-reason';
import type { Finding, Manifest } from './types';

export interface RunOptions {
  /** Run only these rule ids. */
  readonly only?: readonly string[];
  /** Do not run these rule ids. */
  readonly skip?: readonly string[];
}

/**
 * Every finding of the chosen rules over `manifests`, sorted by severity, rule id, main object and message.
 * A finding some involved object suppresses (with a reason) is returned with `suppressed`, never dropped.
 * Throws on an unknown rule id in `only` or `skip` (a usage error for the faces).
 */
export function runRules(manifests: readonly Manifest[], options: RunOptions = {}): Finding[] {
  const rules = selectRules(options);
  const index = new ManifestIndex(manifests);
  const findings: Finding[] = [];
  for (const rule of rules) {
    for (const found of rule.check(index)) findings.push(applySuppression(index, found));
  }
  // Each finding's sort key made once, not once per comparison.
  const keyed = findings.map((found) => ({ found, objectKey: found.objects[0] ? refKey(found.objects[0]) : '' }));
  return keyed.sort(compareFindings).map((entry) => entry.found);
}

/** The rules `options` choose, in registry order. */
export function selectRules(options: RunOptions = {}): Rule[] {
  const known = new Set(RULES.map((rule) => rule.id));
  for (const [option, ids] of [['only', options.only], ['skip', options.skip]] as const) {
    const unknown = (ids ?? []).filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new Error(`unknown rule id${unknown.length > 1 ? 's' : ''} ${unknown.map((id) => JSON.stringify(id)).join(', ')} in "${option}"; `
        + `rule ids: ${[...known].join(', ')}`);
    }
  }
  const only = options.only && new Set(options.only);
  const skip = new Set(options.skip ?? []);
  return RULES.filter((rule) => (!only || only.has(rule.id)) && !skip.has(rule.id));
}

function applySuppression(index: ManifestIndex, found: Finding): Finding {
  if (found.ruleId === suppressionWithoutReason.id) return found;
  for (const ref of found.objects) {
    const entry = index.objectOf(ref);
    const suppression = entry && suppressionOf(entry.object);
    if (suppression?.reason !== undefined && suppression.ruleIds.includes(found.ruleId)) {
      return { ...found, suppressed: { reason: suppression.reason } };
    }
  }
  return found;
}

function compareFindings(a: { found: Finding; objectKey: string }, b: { found: Finding; objectKey: string }): number {
  return compareSeverity(a.found.severity, b.found.severity)
    || compare(a.found.ruleId, b.found.ruleId)
    || compare(a.objectKey, b.objectKey)
    || compare(a.found.message, b.found.message);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
