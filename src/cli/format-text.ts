// `rwop audit --format text`: one line per finding, located by `file:line`, one per skipped file, then a summary line.
import type { Finding } from '../rules';
import type { AuditReport } from './report';
import { countFindings, failingFindings, fileLine, objectName } from './report';
import { safeLines } from './terminal-safe';

/**
 * One line per finding: `file:line: severity rule-id: message`, then the other objects involved with their
 * locations. Unsuppressed findings come first; suppressed ones follow, marked with their reason. Then the files that
 * were not audited, `file: skipped: reason` (`file: error: reason` under --strict).
 */
export function formatText(report: AuditReport): string {
  const active = report.findings.filter((found) => !found.suppressed);
  const suppressed = report.findings.filter((found) => found.suppressed);
  const lines = [...active, ...suppressed].map(findingLine);
  for (const skipped of report.skipped) lines.push(`${skipped.file}: ${report.strict ? 'error (--strict)' : 'skipped'}: ${skipped.reason}`);
  lines.push(summaryLine(report));
  return safeLines(lines) + '\n';
}

function findingLine(found: Finding): string {
  const [main, ...others] = found.objects;
  const where = main ? fileLine(main) ?? objectName(main) : '<no object>';
  const severity = found.suppressed ? `${found.severity} (suppressed)` : found.severity;
  let line = `${where}: ${severity} ${found.ruleId}: ${found.message}`;
  if (others.length > 0) {
    line += ` [also: ${others.map((ref) => {
      const at = fileLine(ref);
      return at ? `${objectName(ref)} at ${at}` : objectName(ref);
    }).join('; ')}]`;
  }
  if (found.suppressed) line += ` [suppressed: ${found.suppressed.reason}]`;
  return line;
}

function summaryLine(report: AuditReport): string {
  const counts = countFindings(report.findings);
  const failing = failingFindings(report.findings, report.failOn).length;
  const objects = `${report.objectCount} object${report.objectCount === 1 ? '' : 's'}`;
  const tally = `${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info, ${counts.suppressed} suppressed`;
  const verdict = failing > 0 ? `fails --fail-on ${report.failOn}` : `passes --fail-on ${report.failOn}`;
  const skipped = report.skipped.length === 0 ? ''
    : `; ${plural(report.skipped.length, 'file')} skipped${report.strict ? ' (errors under --strict)' : ''}`;
  return `rwop audit: ${objects}, ${report.rules.length} rules: ${tally} (${verdict})${skipped}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
