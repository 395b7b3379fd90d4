// The real-world corpus (issue #5): each case under cases/ is read through the CLI's reader, audited with every rule
// and compared, finding for finding, with expected.yaml. README.md next to this file explains the layout.
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { parseManifests } from '../../src/core/parse-manifests';
import { RULES, ruleById, runRules } from '../../src/rules';
import type { Finding, Manifest, ObjectRef } from '../../src/rules';
import { validateManifests } from '../harness';

const CASES_DIR = path.join(__dirname, 'cases');
const EXPECTED_FILE = path.join(__dirname, 'expected.yaml');
const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];
const SEVERITIES = ['error', 'warning', 'info'];
const FINDING_KEYS = ['rule', 'severity', 'object', 'with', 'suppressed'];

/** A finding as expected.yaml writes it; `with` is sorted, `suppressed` present only for a suppressed finding. */
interface Summary {
  readonly rule: string;
  readonly severity: string;
  readonly object: string;
  readonly with: string[];
  readonly suppressed?: string;
}

const caseNames = fs.readdirSync(CASES_DIR).filter((name) => !name.startsWith('.')).sort();
const expected: Record<string, unknown> = YAML.parse(fs.readFileSync(EXPECTED_FILE, 'utf8'));

/** The files of a case, relative to this directory: the case itself, or the manifest files of its directory. */
function caseFiles(name: string): string[] {
  const absolute = path.join(CASES_DIR, name);
  if (!fs.statSync(absolute).isDirectory()) return [path.join('cases', name)];
  return fs.readdirSync(absolute).filter((file) => !file.startsWith('.')).sort().map((file) => path.join('cases', name, file));
}

function readCase(name: string): Manifest[] {
  return caseFiles(name).flatMap((file) => parseManifests(fs.readFileSync(path.join(__dirname, file), 'utf8'), file));
}

/** `Kind namespace/name`, or `Kind name` for a cluster-scoped object. */
function nameOf(ref: ObjectRef): string {
  return ref.namespace === undefined ? `${ref.kind} ${ref.name}` : `${ref.kind} ${ref.namespace}/${ref.name}`;
}

function summarize(found: Finding): Summary {
  const [main, ...others] = found.objects;
  return {
    rule: found.ruleId,
    severity: found.severity,
    object: nameOf(main),
    with: others.map(nameOf).sort(),
    ...(found.suppressed ? { suppressed: found.suppressed.reason } : {}),
  };
}

/** The case's entry of expected.yaml, checked for shape, as summaries. */
function expectedOf(name: string): Summary[] {
  const entry = expected[name];
  if (!Array.isArray(entry)) throw new Error(`expected.yaml has no list of findings for the case "${name}" (write "${name}: []" for a clean case)`);
  return entry.map((raw, i) => {
    const where = `expected.yaml, ${name}, finding #${i + 1}`;
    if (typeof raw !== 'object' || raw === null) throw new Error(`${where}: not a mapping`);
    const unknown = Object.keys(raw).filter((key) => !FINDING_KEYS.includes(key));
    if (unknown.length > 0) throw new Error(`${where}: unknown key(s) ${unknown.join(', ')}; keys: ${FINDING_KEYS.join(', ')}`);
    if (!ruleById(raw.rule)) throw new Error(`${where}: unknown rule ${JSON.stringify(raw.rule)}`);
    if (!SEVERITIES.includes(raw.severity)) throw new Error(`${where}: severity ${JSON.stringify(raw.severity)} is not one of ${SEVERITIES.join(', ')}`);
    if (typeof raw.object !== 'string' || !/^[A-Za-z]+ \S+$/.test(raw.object)) throw new Error(`${where}: object must read "Kind namespace/name" or "Kind name"`);
    const others = raw.with ?? [];
    if (!Array.isArray(others) || !others.every((other: unknown) => typeof other === 'string')) throw new Error(`${where}: with must be a list of objects`);
    if (raw.suppressed !== undefined && typeof raw.suppressed !== 'string') throw new Error(`${where}: suppressed must be the reason given`);
    return {
      rule: raw.rule,
      severity: raw.severity,
      object: raw.object,
      with: [...others].sort(),
      ...(raw.suppressed !== undefined ? { suppressed: raw.suppressed } : {}),
    };
  });
}

/** Findings in one stable order, so that a missing or extra finding shows as such in the diff. */
function sorted(summaries: Summary[]): Summary[] {
  return [...summaries].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
}

/** `Kind name` of "Kind namespace/name" or "Kind name": the harness names a wrongly namespaced object with its namespace. */
function kindAndName(described: string): string {
  const [kind, qualified] = described.split(' ');
  return `${kind} ${qualified.slice(qualified.lastIndexOf('/') + 1)}`;
}

describe('the corpus', () => {
  test('has at least 30 cases, each a manifest file or a directory of them, each with an entry in expected.yaml', () => {
    expect(caseNames.length).toBeGreaterThanOrEqual(30);
    for (const name of caseNames) {
      const files = caseFiles(name);
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) expect(MANIFEST_EXTENSIONS).toContain(path.extname(file));
    }
    expect(caseNames.filter((name) => !(name in expected))).toEqual([]);
    expect(Object.keys(expected).filter((name) => !caseNames.includes(name))).toEqual([]);
  });

  test('has an unsuppressed true positive of every rule in src/rules/all.ts, a suppressed finding and clean near misses', () => {
    const described = caseNames.filter((name) => name in expected);
    const all = described.flatMap(expectedOf);
    expect(RULES.map((rule) => rule.id).filter((id) => !all.some((found) => found.rule === id && found.suppressed === undefined))).toEqual([]);
    expect(all.some((found) => found.suppressed !== undefined)).toBe(true);
    expect(described.filter((name) => expectedOf(name).length === 0).length).toBeGreaterThanOrEqual(10);
  });
});

describe.each(caseNames)('%s', (name) => {
  const manifests = readCase(name);

  test('gives exactly the findings of expected.yaml', () => {
    expect(sorted(runRules(manifests).map(summarize))).toEqual(sorted(expectedOf(name)));
  });

  test('names the file and line where each object of a finding starts', () => {
    const files = caseFiles(name);
    for (const found of runRules(manifests)) {
      for (const ref of found.objects) {
        const source = ref.source;
        expect(files).toContain(source?.file);
        const lines = fs.readFileSync(path.join(__dirname, source!.file!), 'utf8').split('\n');
        expect(source!.line).toBeGreaterThanOrEqual(1);
        expect(source!.line).toBeLessThanOrEqual(lines.length);
        // The line opens the object: `{` in JSON, else one of its own top-level keys (after `- ` in a List's items).
        const text = lines[source!.line! - 1].trim().replace(/^- /, '');
        const object = manifests.find((manifest) => manifest.source?.file === source!.file && manifest.source?.line === source!.line)!.object;
        if (text !== '{') expect(Object.keys(object)).toContain(text.slice(0, text.indexOf(':')).replace(/"/g, ''));
        expect(`${object.kind} ${object.metadata?.name}`).toBe(`${ref.kind} ${ref.name}`);
      }
    }
  });

  test('every object the API server would reject (offline harness) is reported as an error; the rest is valid Kubernetes', () => {
    const rejected = new Set(validateManifests(manifests.map((manifest) => manifest.object)).map((problem) => kindAndName(problem.object)));
    const errors = new Set(expectedOf(name).filter((found) => found.severity === 'error').map((found) => kindAndName(found.object)));
    expect([...rejected].filter((object) => !errors.has(object))).toEqual([]);
  });
});
