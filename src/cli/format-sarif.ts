// `rwop audit --format sarif`: SARIF 2.1.0 as GitHub code scanning takes it (one run, rule metadata, file and line
// of every object, related locations for the other objects of a finding, suppressions for suppressed findings, and
// the files that were not audited as tool notifications, not results).
import { createHash } from 'crypto';
import type { Finding, ObjectRef, Rule, Severity } from '../rules';
import type { PackageInfo } from './package-info';
import { STDIN_FILE } from './read-inputs';
import type { AuditReport } from './report';
import { artifactUri, objectName } from './report';
import { safeJson } from './terminal-safe';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVELS: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
/** GitHub's `problem.severity` for a rule (its alert severity when the rule has no `security-severity`). */
const PROBLEM_SEVERITIES: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'recommendation' };

export function formatSarif(report: AuditReport, tool: PackageInfo): string {
  const ruleIndex = new Map(report.rules.map((rule, i) => [rule.id, i]));
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'rwop',
          version: tool.version,
          semanticVersion: tool.version,
          informationUri: tool.informationUri,
          rules: report.rules.map(sarifRule),
        },
      },
      results: report.findings.map((found) => sarifResult(found, ruleIndex.get(found.ruleId), report.cwd)),
      ...(report.skipped.length > 0 ? { invocations: [sarifInvocation(report)] } : {}),
    }],
  };
  return safeJson(log) + '\n';
}

function sarifRule(rule: Rule) {
  return {
    id: rule.id,
    name: rule.id.split('-').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(''),
    shortDescription: { text: rule.summary },
    fullDescription: { text: `${rule.summary} ${rule.remediation}` },
    help: { text: rule.remediation, markdown: `**How to fix:** ${rule.remediation}` },
    defaultConfiguration: { level: LEVELS[rule.severity] },
    properties: {
      'tags': ['kubernetes', ...(rule.id.startsWith('rwop-') ? ['readwriteoncepod'] : [])],
      'precision': 'high',
      'problem.severity': PROBLEM_SEVERITIES[rule.severity],
    },
  };
}

function sarifResult(found: Finding, ruleIndex: number | undefined, cwd: string) {
  const [main, ...others] = found.objects;
  return {
    ruleId: found.ruleId,
    ...(ruleIndex !== undefined ? { ruleIndex } : {}),
    level: LEVELS[found.severity],
    message: { text: found.message },
    locations: main ? [sarifLocation(main, cwd)] : [],
    ...(others.length > 0
      ? { relatedLocations: others.map((ref, i) => ({ id: i + 1, ...sarifLocation(ref, cwd), message: { text: objectName(ref) } })) }
      : {}),
    // The rule and its objects, not a line, identify a finding: it stays the same alert when lines above it move or
    // the object moves to another file. GitHub reads only this key, and computes a line-based one when it is absent.
    partialFingerprints: { primaryLocationLineHash: fingerprint(found) },
    ...(found.suppressed ? { suppressions: [{ kind: 'inSource', justification: found.suppressed.reason }] } : {}),
  };
}

/** The skipped files as notifications: notes, or errors (and an unsuccessful run) under --strict. */
function sarifInvocation(report: AuditReport) {
  return {
    executionSuccessful: !report.strict,
    toolExecutionNotifications: report.skipped.map((skipped) => {
      const uri = artifactUri(skipped.file, report.cwd, STDIN_FILE);
      return {
        descriptor: { id: 'skipped-file' },
        level: report.strict ? 'error' : 'note',
        message: { text: `${skipped.file}: skipped: ${skipped.reason}` },
        ...(uri !== undefined ? { locations: [{ physicalLocation: { artifactLocation: { uri } } }] } : {}),
      };
    }),
  };
}

/** Its file and line when known (not for stdin), and always the object as a logical location. */
function sarifLocation(ref: ObjectRef, cwd: string) {
  const uri = artifactUri(ref.source?.file, cwd, STDIN_FILE);
  return {
    ...(uri !== undefined
      ? {
        physicalLocation: {
          artifactLocation: { uri },
          ...(ref.source?.line !== undefined ? { region: { startLine: ref.source.line } } : {}),
        },
      }
      : {}),
    logicalLocations: [{
      name: ref.name,
      fullyQualifiedName: ref.namespace === undefined ? `${ref.kind}/${ref.name}` : `${ref.kind}/${ref.namespace}/${ref.name}`,
      kind: 'resource',
    }],
  };
}

function fingerprint(found: Finding): string {
  const objects = found.objects.map((ref) => `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`).join('|');
  return createHash('sha256').update(`${found.ruleId}|${objects}`).digest('hex').slice(0, 32);
}
