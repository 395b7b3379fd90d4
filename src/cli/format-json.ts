// `rwop audit --format json`: a stable, documented shape for scripts. Every key is always present (null when
// unknown), so that consumers never test for a missing key. Bump `schemaVersion` on any incompatible change.
import type { Finding, ObjectRef, Severity } from '../rules';
import type { AuditReport, FailOn, SeverityCounts } from './report';
import { countFindings, failingFindings } from './report';
import { safeJson } from './terminal-safe';

/** The document `--format json` prints. */
export interface JsonReport {
  /** 1 for this shape. */
  readonly schemaVersion: 1;
  readonly tool: { readonly name: 'rwop'; readonly version: string };
  readonly summary: SeverityCounts & {
    readonly objects: number;
    readonly failOn: FailOn;
    /** True when `rwop audit` exits 1: an unsuppressed finding at or above `failOn`. */
    readonly failed: boolean;
    /** How many files were not audited (listed in `skipped`). */
    readonly skipped: number;
    /** True under `--strict`: then any skipped file makes `rwop audit` exit 2. */
    readonly strict: boolean;
  };
  /** In the engine's order: by severity, rule id, main object, message. */
  readonly findings: readonly JsonFinding[];
  /** Files (and Helm charts, kustomizations that failed to render) that were not audited, and why. */
  readonly skipped: readonly { readonly file: string; readonly reason: string }[];
}

export interface JsonFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  /** The rule's remediation. */
  readonly remediation: string;
  /** Every object involved, the main one first. */
  readonly objects: readonly JsonObject[];
  /** The reason given in `rwop.dev/suppress-reason`, or null when the finding is not suppressed. */
  readonly suppressed: { readonly reason: string } | null;
}

export interface JsonObject {
  readonly apiVersion: string | null;
  readonly kind: string;
  readonly name: string;
  /** Null for a cluster-scoped kind. */
  readonly namespace: string | null;
  /** As given on the command line (`<stdin>` for `-`); null when unknown. */
  readonly file: string | null;
  /** 1-based line of the object's first line in `file`. */
  readonly line: number | null;
}

export function formatJson(report: AuditReport, version: string): string {
  const remediations = new Map(report.rules.map((rule) => [rule.id, rule.remediation]));
  const document: JsonReport = {
    schemaVersion: 1,
    tool: { name: 'rwop', version },
    summary: {
      objects: report.objectCount,
      ...countFindings(report.findings),
      failOn: report.failOn,
      failed: failingFindings(report.findings, report.failOn).length > 0,
      skipped: report.skipped.length,
      strict: report.strict,
    },
    findings: report.findings.map((found: Finding): JsonFinding => ({
      ruleId: found.ruleId,
      severity: found.severity,
      message: found.message,
      remediation: remediations.get(found.ruleId) ?? '',
      objects: found.objects.map(jsonObject),
      suppressed: found.suppressed ? { reason: found.suppressed.reason } : null,
    })),
    skipped: report.skipped.map(({ file, reason }) => ({ file, reason })),
  };
  return safeJson(document) + '\n';
}

function jsonObject(ref: ObjectRef): JsonObject {
  return {
    apiVersion: ref.apiVersion ?? null,
    kind: ref.kind,
    name: ref.name,
    namespace: ref.namespace ?? null,
    file: ref.source?.file ?? null,
    line: ref.source?.line ?? null,
  };
}
