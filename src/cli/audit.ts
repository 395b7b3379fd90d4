// `rwop audit`: reads manifests, runs the rules engine, prints text, JSON or SARIF, exits by `--fail-on`.
import { RULES, runRules } from '../rules';
import type { Rule } from '../rules';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, parseCommandArgs } from './command';
import { UsageError } from './errors';
import type * as FormatJson from './format-json';
import type * as FormatSarif from './format-sarif';
import type * as FormatText from './format-text';
import { InputBudget, MAX_INPUT_SIZE_ARG, maxInputSizeHelp, parseInputSize } from './input-limit';
import type { CliIO } from './main';
import { packageInfo } from './package-info';
import type { AuditReport, FailOn } from './report';
import { FAIL_ON_VALUES, failingFindings } from './report';
import { IGNORE_FILE, readRepositoryInputs } from './repository-tree';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = typeof FORMATS[number];

const HELP = `Usage: rwop audit [options] [paths...|-]

Checks Kubernetes manifests for ReadWriteOncePod hazards and related mistakes.

Input: files and directories (their *.yaml, *.yml and *.json files, recursively, in sorted order, skipping
names that start with a dot and node_modules); "-" or no path reads standard input. Multi-document YAML, JSON,
and lists (kind: List, as "kubectl get -o json" prints) are read; objects of unknown kinds are checked as such.

Repository trees:
  - A file that is not Kubernetes manifests (no apiVersion and kind: Helm values, Taskfiles, CloudFormation,
    app config, cdk8s's construct-metadata.json), a sops-encrypted file, a file with unrendered {{ ... }}
    templates and a Helm chart (a directory with Chart.yaml) are skipped and named in the report, with how
    to audit them when there is a way ("helm template <release> <chart> | rwop audit -"). They do not fail
    the audit unless --strict. A file that has apiVersion and kind but does not parse is an error.
  - A directory with kustomization.yaml (or kustomization.yml, Kustomization) is rendered with
    "kubectl kustomize <dir>" and its output audited; findings name its kustomization file, without a line.
    Its files are not read on their own; a base it takes from outside (../base) is rendered with it, and on
    its own too when the walk reaches it.
  - In a directory given on the command line, its ${IGNORE_FILE} file (gitignore syntax) and, in a git work tree,
    the files git ignores are skipped (the directory itself is read even when git ignores it, as cdk8s apps
    ignore dist/). Files named on the command line follow --exclude and the working directory's ${IGNORE_FILE}.
    Standard input is read as it is.

Options:
  -f, --format <text|json|sarif>    output format (default: text). json: { schemaVersion, tool, summary,
                                    findings: [{ ruleId, severity, message, remediation, objects: [{ apiVersion,
                                    kind, name, namespace, file, line }], suppressed: { reason } | null }],
                                    skipped: [{ file, reason }] }. sarif: SARIF 2.1.0 for GitHub code
                                    scanning, skipped files as tool execution notifications.
      --fail-on <error|warning|info|none>
                                    lowest severity that makes the audit fail (default: error); none:
                                    findings never fail it
      --exclude <pattern>           skip files and directories matching this gitignore-style pattern,
                                    relative to each directory given (repeatable)
      --no-kustomize                read the files of kustomization directories as they are, without kubectl
      --strict                      skipped files are errors: the report is printed, the exit code is 2
      --only <id,...>               run only these rules (repeatable)
      --skip <id,...>               do not run these rules (repeatable)
      --list-rules                  print every rule (id, severity, summary, remediation) and exit
      --allow-empty                 accept an empty input (nothing but whitespace, comments or "---"), which
                                    is otherwise refused with exit 2 (a failed "kubectl get" prints nothing)
${maxInputSizeHelp(36)}
  -h, --help                        show this help

Suppress a rule for one object with the annotations rwop.dev/suppress: "<rule-id>[,<rule-id>]" and
rwop.dev/suppress-reason: "<why>" (a reason is required). Suppressed findings are still reported, as such.

Exit codes: 0 no unsuppressed finding at or above --fail-on; 1 such findings; 2 bad usage, input that is
unreadable (a broken manifest, kubectl missing for a kustomization) or empty, or a skipped file under --strict.
`;

interface AuditOptions {
  readonly paths: readonly string[];
  readonly format: Format;
  readonly failOn: FailOn;
  readonly exclude: readonly string[];
  readonly kustomize: boolean;
  readonly strict: boolean;
  readonly only?: readonly string[];
  readonly skip: readonly string[];
  readonly listRules: boolean;
  readonly allowEmpty: boolean;
  readonly maxInputSize: number;
  readonly help: boolean;
}

/** `rwop audit <args...>`: its exit code. */
export async function runAudit(args: readonly string[], io: CliIO): Promise<number> {
  const options = parseAuditArgs(args);
  if (options.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  if (options.listRules) {
    io.stdout(options.format === 'json' ? JSON.stringify(RULES.map(ruleJson), null, 2) + '\n' : ruleTable(RULES));
    return EXIT_OK;
  }
  if (options.paths.length === 0 && io.stdinIsTTY) throw new UsageError('no input: give files or directories, or pipe manifests into "rwop audit -"');
  const { manifests, skipped } = await readRepositoryInputs(options.paths.length === 0 ? ['-'] : options.paths, io,
    { ...options, emptyHint: '--allow-empty accepts it', inputBudget: new InputBudget(options.maxInputSize) });
  const rules = RULES.filter((rule) => (!options.only || options.only.includes(rule.id)) && !options.skip.includes(rule.id));
  const findings = runRules(manifests, { only: options.only, skip: options.skip });
  const report: AuditReport = {
    findings, rules, objectCount: manifests.length, failOn: options.failOn, cwd: io.cwd, skipped, strict: options.strict,
  };

  io.stdout(formatReport(report, options.format));
  if (manifests.length === 0) io.stderr('rwop audit: warning: the input holds no Kubernetes object\n');
  if (options.strict && skipped.length > 0) {
    io.stderr(`rwop audit: ${skipped.length} file${skipped.length === 1 ? ' is' : 's are'} not audited (--strict): ${skipped.map((entry) => entry.file).join(', ')}\n`);
    return EXIT_USAGE;
  }
  return failingFindings(findings, options.failOn).length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/**
 * The report in `format`. Only that format's module is required, and so initialised in the bundled executable (SARIF's
 * loads node's crypto, which takes a while to start).
 */
function formatReport(report: AuditReport, format: Format): string {
  /* eslint-disable @typescript-eslint/no-require-imports */
  switch (format) {
    case 'json': return (require('./format-json') as typeof FormatJson).formatJson(report, packageInfo().version);
    case 'sarif': return (require('./format-sarif') as typeof FormatSarif).formatSarif(report, packageInfo());
    default: return (require('./format-text') as typeof FormatText).formatText(report);
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}

function parseAuditArgs(args: readonly string[]): AuditOptions {
  const parsed = parseCommandArgs(args, {
    'format': { type: 'string', short: 'f' },
    'fail-on': { type: 'string' },
    'exclude': { type: 'string', multiple: true },
    'no-kustomize': { type: 'boolean' },
    'strict': { type: 'boolean' },
    'only': { type: 'string', multiple: true },
    'skip': { type: 'string', multiple: true },
    'list-rules': { type: 'boolean' },
    'allow-empty': { type: 'boolean' },
    ...MAX_INPUT_SIZE_ARG,
    'help': { type: 'boolean', short: 'h' },
  });
  const { values, positionals } = parsed;
  const format = oneOf('--format', values.format ?? 'text', FORMATS);
  const failOn = oneOf('--fail-on', values['fail-on'] ?? 'error', FAIL_ON_VALUES);
  const only = values.only && ruleIds('--only', values.only);
  const skip = ruleIds('--skip', values.skip ?? []);
  if (values['list-rules'] && format === 'sarif') throw new UsageError('--list-rules prints text or json, not sarif');
  return {
    paths: positionals,
    format,
    failOn,
    exclude: values.exclude ?? [],
    kustomize: !values['no-kustomize'],
    strict: values.strict ?? false,
    only,
    skip,
    listRules: values['list-rules'] ?? false,
    allowEmpty: values['allow-empty'] ?? false,
    maxInputSize: parseInputSize(values['max-input-size']),
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
