// What `rwop audit` found, in the shape every output format reads, and the helpers they share.
import * as path from 'path';
import type { Finding, ObjectRef, Rule, Severity } from '../rules';
import type { SkippedInput } from './repository-tree';
import { describeRef } from '../rules/support';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** A `--fail-on` threshold: a severity, or `none` (findings never fail the audit). */
export type FailOn = Severity | 'none';
export const FAIL_ON_VALUES: readonly FailOn[] = [...SEVERITIES, 'none'];

export interface AuditReport {
  /** Every finding of the rules that ran, suppressed ones included, in the engine's order. */
  readonly findings: readonly Finding[];
  /** The rules that ran (after `--only`/`--skip`), in registry order. */
  readonly rules: readonly Rule[];
  /** How many objects were read (List items counted one by one). */
  readonly objectCount: number;
  /** The `--fail-on` threshold. */
  readonly failOn: FailOn;
  /** Files and directories not audited (not Kubernetes manifests, or not rendered), in the order met. */
  readonly skipped: readonly SkippedInput[];
  /** `--strict`: skipped files are errors (exit 2). */
  readonly strict: boolean;
  /** The directory SARIF URIs are made relative to. */
  readonly cwd: string;
}

/** The unsuppressed findings at or above `failOn`: any of them makes `rwop audit` exit 1. */
export function failingFindings(findings: readonly Finding[], failOn: FailOn): Finding[] {
  if (failOn === 'none') return [];
  const threshold = SEVERITIES.indexOf(failOn);
  return findings.filter((found) => !found.suppressed && SEVERITIES.indexOf(found.severity) <= threshold);
}

export interface SeverityCounts {
  readonly error: number;
  readonly warning: number;
  readonly info: number;
  /** Suppressed findings, whatever their severity (not in the three counts above). */
  readonly suppressed: number;
}

export function countFindings(findings: readonly Finding[]): SeverityCounts {
  const counts = { error: 0, warning: 0, info: 0, suppressed: 0 };
  for (const found of findings) {
    if (found.suppressed) counts.suppressed++;
    else counts[found.severity]++;
  }
  return counts;
}

/** `file:line` of an object, or undefined when it came from nowhere known. */
export function fileLine(ref: ObjectRef): string | undefined {
  const file = ref.source?.file;
  if (file === undefined) return undefined;
  return ref.source?.line === undefined ? file : `${file}:${ref.source.line}`;
}

/** `Kind namespace/name` (`Kind name` when cluster-scoped). */
export function objectName(ref: ObjectRef): string {
  return describeRef(ref);
}

/**
 * The object's file as a SARIF URI: relative to `cwd` with forward slashes (GitHub resolves it against the
 * repository root), percent-encoded where a URI needs it. Undefined for stdin and objects without a file.
 */
export function artifactUri(file: string | undefined, cwd: string, stdinFile: string): string | undefined {
  if (file === undefined || file === stdinFile) return undefined;
  const relative = path.relative(cwd, path.resolve(cwd, file)).split(path.sep).join('/');
  return relative.split('/').map(encodeURIComponent).join('/');
}
