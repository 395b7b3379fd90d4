// Severity order and thresholds, shared by the engine's sort and every face's `failOn`.
import type { Severity } from './types';

/** Every severity, the most severe first. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** Whether `value` names a severity. */
export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** Whether `severity` is `threshold` or more severe (`error` is at least `warning`). */
export function isAtLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(threshold);
}

/** Negative when `a` is more severe than `b`: sorts errors first. */
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITIES.indexOf(a) - SEVERITIES.indexOf(b);
}
