// Per-object suppression: `rwop.dev/suppress: "<rule-id>[,<rule-id>]"` plus a mandatory `rwop.dev/suppress-reason`.
import { asObject, asString } from './support';
import type { KubeObject } from './types';

export const SUPPRESS_ANNOTATION = 'rwop.dev/suppress';
export const SUPPRESS_REASON_ANNOTATION = 'rwop.dev/suppress-reason';

export interface Suppression {
  /** The rule ids listed in `rwop.dev/suppress`. */
  readonly ruleIds: readonly string[];
  /** The trimmed `rwop.dev/suppress-reason`; undefined when absent or blank, and then nothing is suppressed. */
  readonly reason?: string;
}

/** The object's suppression annotations, or undefined when it lists no rule id. */
export function suppressionOf(object: KubeObject): Suppression | undefined {
  const annotations = asObject(asObject(object.metadata).annotations);
  const listed = asString(annotations[SUPPRESS_ANNOTATION]);
  if (listed === undefined) return undefined; // most objects: asked of every object, so without splitting anything
  const ruleIds = listed.split(',').map((id) => id.trim()).filter((id) => id !== '');
  if (ruleIds.length === 0) return undefined;
  const reason = asString(annotations[SUPPRESS_REASON_ANNOTATION])?.trim();
  return { ruleIds, reason: reason ? reason : undefined };
}
