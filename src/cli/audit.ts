// `rwop audit`: reads manifests, runs the rules engine, prints text, JSON or SARIF, exits by `--fail-on`.
import { RULES, runRules } from '../rules';
import type { Rule, Severity } from '../rules';
import { EXIT_FINDINGS, EXIT_OK, parseCommandArgs, readPathsOrStdin, UsageError } from './command';
import type { Command } from './command';
import { formatJson } from './format-json';
import { formatSarif } from './format-sarif';
import { formatText } from './format-text';
import { packageInfo } from './main';
import type { CliIO } from './main';
import type { AuditReport } from './report';
import { failingFindings, SEVERITIES } from './report';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = typeof FORMATS[number];

const HELP = `Usage: rwop audit [options] [paths...|-]

Checks Kubernetes manifests for ReadWriteOncePod hazards and related mistakes.

Input: files and directories (their *.yaml, *.yml and *.json files, recursively, in sorted order, skipping
names that start with a dot); "-" or no path reads standard input. Multi-document YAML, JSON, and lists
(kind: List, as "kubectl get -o json" prints) are read; objects of unknown kinds are read and checked as such.

Options:
  -f, --format <text|json|sarif>    output format (default: text). json: { schemaVersion, tool, summary,
                                    findings: [{ ruleId, severity, message, remediation, objects: [{ apiVersion,
                                    kind, name, namespace, file, line }], suppressed: { reason } | null }] }.
                                    sarif: SARIF 2.1.0 for GitHub code scanning.
      --fail-on <error|warning|info>
                                    lowest severity that makes the audit fail (default: error)
      --only <id,...>               run only these rules (repeatable)
      --skip <id,...>               do not run these rules (repeatable)
      --list-rules                  print every rule (id, severity, summary, remediation) and exit
      --allow-empty                 accept an empty input (nothing but whitespace, comments or "---"), which
                                    is otherwise refused with exit 2 (a failed "kubectl get" prints nothing)
  -h, --help                        show this help

Suppress a rule for one object with the annotations rwop.dev/suppress: "<rule-id>[,<rule-id>]" and
rwop.dev/suppress-reason: "<why>" (a reason is required). Suppressed findings are still reported, as such.

Exit codes: 0 no unsuppressed finding at or above --fail-on; 1 such findings; 2 bad usage, or input that is
unreadable or empty.
`;

export const auditCommand: Command = {
  name: 'audit',
  summary: 'check manifests (files, directories or stdin) for ReadWriteOncePod hazards',
  run: runAudit,
};

interface AuditOptions {
  readonly paths: readonly string[];
  readonly format: Format;
  readonly failOn: Severity;
  readonly only?: readonly string[];
  readonly skip: readonly string[];
  readonly listRules: boolean;
  readonly allowEmpty: boolean;
  readonly help: boolean;
}

async function runAudit(args: readonly string[], io: CliIO): Promise<number> {
  const options = parseAuditArgs(args);
  if (options.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  if (options.listRules) {
    io.stdout(options.format === 'json' ? JSON.stringify(RULES.map(ruleJson), null, 2) + '\n' : ruleTable(RULES));
    return EXIT_OK;
  }
  const manifests = await readPathsOrStdin(options.paths, io, 'no input: give files or directories, or pipe manifests into "rwop audit -"',
    { allowEmpty: options.allowEmpty, emptyHint: '--allow-empty accepts it' });
  const rules = RULES.filter((rule) => (!options.only || options.only.includes(rule.id)) && !options.skip.includes(rule.id));
  const findings = runRules(manifests, { only: options.only, skip: options.skip });
  const report: AuditReport = { findings, rules, objectCount: manifests.length, failOn: options.failOn, cwd: io.cwd };

  const info = packageInfo();
  switch (options.format) {
    case 'json': io.stdout(formatJson(report, info.version)); break;
    case 'sarif': io.stdout(formatSarif(report, info)); break;
    default: io.stdout(formatText(report)); break;
  }
  if (manifests.length === 0) io.stderr('rwop audit: warning: the input holds no Kubernetes object\n');
  return failingFindings(findings, options.failOn).length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

function parseAuditArgs(args: readonly string[]): AuditOptions {
  const parsed = parseCommandArgs(args, {
    'format': { type: 'string', short: 'f' },
    'fail-on': { type: 'string' },
    'only': { type: 'string', multiple: true },
    'skip': { type: 'string', multiple: true },
    'list-rules': { type: 'boolean' },
    'allow-empty': { type: 'boolean' },
    'help': { type: 'boolean', short: 'h' },
  });
  const { values, positionals } = parsed;
  const format = oneOf('--format', values.format ?? 'text', FORMATS);
  const failOn = oneOf('--fail-on', values['fail-on'] ?? 'error', SEVERITIES);
  const only = values.only && ruleIds('--only', values.only);
  const skip = ruleIds('--skip', values.skip ?? []);
  if (values['list-rules'] && format === 'sarif') throw new UsageError('--list-rules prints text or json, not sarif');
  return {
    paths: positionals,
    format,
    failOn,
    only,
    skip,
    listRules: values['list-rules'] ?? false,
    allowEmpty: values['allow-empty'] ?? false,
    help: values.help ?? false,
  };
}

function oneOf<T extends string>(option: string, value: string, accepted: readonly T[]): T {
  if (!(accepted as readonly string[]).includes(value)) {
    throw new UsageError(`${option} must be one of ${accepted.join(', ')}; got "${value}"`);
  }
  return value as T;
}

/** The ids of repeated, comma-separated `--only`/`--skip` values, each checked against the rules. */
function ruleIds(option: string, values: readonly string[]): string[] {
  const ids = values.flatMap((value) => value.split(',')).map((id) => id.trim()).filter((id) => id !== '');
  const known = new Set(RULES.map((rule) => rule.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new UsageError(`unknown rule id${unknown.length > 1 ? 's' : ''} in ${option}: ${unknown.map((id) => `"${id}"`).join(', ')}\n`
      + `Rule ids: ${[...known].join(', ')}`);
  }
  return ids;
}

function ruleTable(rules: readonly Rule[]): string {
  const idWidth = Math.max(...rules.map((rule) => rule.id.length));
  const lines = rules.map((rule) => `${rule.id.padEnd(idWidth)}  ${rule.severity.padEnd(8)}  ${rule.summary}`);
  return `${'RULE'.padEnd(idWidth)}  SEVERITY  SUMMARY\n${lines.join('\n')}\n`;
}

function ruleJson(rule: Rule) {
  return { id: rule.id, severity: rule.severity, summary: rule.summary, remediation: rule.remediation };
}
