import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { AUDIT_FIXTURES, rwop } from './support';
import { RULES } from '../../src/rules';

// The official SARIF 2.1.0 schema (OASIS, sarif-spec Schemata/sarif-schema-2.1.0.json), see fixtures/sarif/README.md.
const SCHEMA = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateSarif = ajv.compile(SCHEMA);

function schemaErrors(log: unknown): string[] {
  return validateSarif(log) ? [] : (validateSarif.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

async function sarifOf(argv: string[], options: { stdin?: string; cwd?: string } = {}) {
  const { code, stdout, stderr } = await rwop(['audit', '--format', 'sarif', ...argv], options);
  return { code, stderr, log: JSON.parse(stdout) };
}

describe('rwop audit --format sarif', () => {
  test('valid against the SARIF 2.1.0 schema, with findings, related locations and a suppression', async () => {
    const { code, log } = await sarifOf(['hazards', 'kubectl-get-o-json.json', 'unpinned.yaml', 'drain-blocking-on-purpose.yaml']);
    expect(code).toBe(1);
    expect(log.runs[0].results.length).toBe(7);
    expect(schemaErrors(log)).toEqual([]);
  });

  test('the schema check can fail: a level SARIF does not have, a result without a message', async () => {
    const { log } = await sarifOf(['hazards']);
    const broken = JSON.parse(JSON.stringify(log));
    broken.runs[0].results[0].level = 'info';
    delete broken.runs[0].results[1].message;
    const errors = schemaErrors(broken);
    expect(errors.join('\n')).toMatch(/\/runs\/0\/results\/0\/level must be equal to one of the allowed values/);
    expect(errors.join('\n')).toMatch(/\/runs\/0\/results\/1 must have required property 'message'/);
  });

  test('what GitHub code scanning requires: $schema, version, one run, the driver and its rules', async () => {
    const { log } = await sarifOf(['hazards']);
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0].tool.driver;
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    expect(driver).toMatchObject({ name: 'rwop', version: pkg.version, semanticVersion: pkg.version, informationUri: 'https://github.com/cdk8s-rwop/cdk8s-rwop' });
    expect(driver.rules.map((rule: any) => rule.id)).toEqual(RULES.map((rule) => rule.id));
    for (const [i, rule] of driver.rules.entries()) {
      const source = RULES[i];
      expect(rule.name).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(rule.name.length).toBeLessThanOrEqual(255);
      expect(rule.shortDescription.text).toBe(source.summary);
      expect(rule.fullDescription.text).toContain(source.remediation);
      // GitHub's limits, and no empty string in a required property.
      for (const text of [rule.shortDescription.text, rule.fullDescription.text]) {
        expect(text.length).toBeGreaterThan(0);
        expect(text.length).toBeLessThanOrEqual(1024);
      }
      expect(rule.help.text).toBe(source.remediation);
      expect(rule.defaultConfiguration.level).toBe({ error: 'error', warning: 'warning', info: 'note' }[source.severity]);
      expect(['very-high', 'high', 'medium', 'low']).toContain(rule.properties.precision);
      expect(rule.properties['problem.severity']).toBe({ error: 'error', warning: 'warning', info: 'recommendation' }[source.severity]);
      expect(rule.properties.tags).toContain('kubernetes');
    }
  });

  test('results: ruleId and ruleIndex agree, level, message, file relative to cwd with forward slashes, start line', async () => {
    const { log } = await sarifOf(['hazards']);
    const { rules } = log.runs[0].tool.driver;
    const results = log.runs[0].results;
    for (const result of results) {
      expect(rules[result.ruleIndex].id).toBe(result.ruleId);
      expect(result.message.text.length).toBeGreaterThan(0);
      expect(result.locations).toHaveLength(1);
      expect(result.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{32}$/);
    }
    const shared = results.find((result: any) => result.ruleId === 'rwop-claim-shared');
    expect(shared.level).toBe('error');
    expect(shared.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'hazards/db.yaml' }, region: { startLine: 6 } });
    expect(shared.locations[0].logicalLocations).toEqual([{ name: 'pg-data', fullyQualifiedName: 'PersistentVolumeClaim/shop/pg-data', kind: 'resource' }]);
    const related = shared.relatedLocations.map((l: any) => [
      l.id, l.physicalLocation.artifactLocation.uri, l.physicalLocation.region.startLine, l.message.text,
    ]);
    expect(related).toEqual([
      [1, 'hazards/backup.yaml', 2, 'CronJob shop/pg-backup'],
      [2, 'hazards/db.yaml', 19, 'Deployment shop/postgres'],
    ]);
    expect(shared.suppressions).toBeUndefined();
  });

  test('a suppressed finding carries an inSource suppression with the reason; a note for info', async () => {
    const { log } = await sarifOf(['hazards', 'drain-blocking-on-purpose.yaml']);
    const drains = log.runs[0].results.filter((result: any) => result.ruleId === 'pdb-blocks-drains');
    expect(drains.map((r: any) => [r.level, r.locations[0].physicalLocation.artifactLocation.uri, r.suppressions])).toEqual([
      ['warning', 'hazards/nested/pdb.yaml', [{ kind: 'inSource', justification: 'drains are done by hand after a switchover (runbook DB-7)' }]],
      ['note', 'drain-blocking-on-purpose.yaml', undefined],
    ]);
  });

  test('the same finding keeps its fingerprint when its lines move', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rwop-sarif-'));
    try {
      const text = fs.readFileSync(path.join(AUDIT_FIXTURES, 'unpinned.yaml'), 'utf8');
      fs.writeFileSync(path.join(tmp, 'a.yaml'), text);
      fs.writeFileSync(path.join(tmp, 'b.yaml'), `# three\n# more\n# lines\n${text}`);
      const [a, b] = await Promise.all(['a.yaml', 'b.yaml'].map((file) => sarifOf([file], { cwd: tmp })));
      const [resultA, resultB] = [a.log.runs[0].results[0], b.log.runs[0].results[0]];
      expect(resultB.locations[0].physicalLocation.region.startLine).toBe(resultA.locations[0].physicalLocation.region.startLine + 3);
      expect(resultB.partialFingerprints).toEqual(resultA.partialFingerprints);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('URIs: relative to cwd even when given absolute or from a parent directory, percent-encoded', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rwop-sarif-'));
    try {
      fs.mkdirSync(path.join(tmp, 'deploy dir', 'sub'), { recursive: true });
      fs.copyFileSync(path.join(AUDIT_FIXTURES, 'unpinned.yaml'), path.join(tmp, 'deploy dir', 'sub', 'web#1.yaml'));
      const absolute = await sarifOf([path.join(tmp, 'deploy dir')], { cwd: tmp });
      const fromChild = await sarifOf(['..'], { cwd: path.join(tmp, 'deploy dir', 'sub') });
      expect(absolute.log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('deploy%20dir/sub/web%231.yaml');
      expect(fromChild.log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('web%231.yaml');
      expect(schemaErrors(absolute.log)).toEqual([]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('stdin has no file: the result keeps its logical location only, and stays schema-valid', async () => {
    const stdin = fs.readFileSync(path.join(AUDIT_FIXTURES, 'unpinned.yaml'), 'utf8');
    const { log } = await sarifOf(['-'], { stdin });
    const [location] = log.runs[0].results[0].locations;
    expect(location.physicalLocation).toBeUndefined();
    expect(location.logicalLocations[0].fullyQualifiedName).toBe('Deployment/shop/web');
    expect(schemaErrors(log)).toEqual([]);
  });

  test('only the rules that ran are described, and ruleIndex points into them', async () => {
    const { log } = await sarifOf(['hazards', '--only', 'rwop-rolling-update-surge,unpinned-image']);
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((rule: any) => rule.id)).toEqual(['rwop-rolling-update-surge', 'unpinned-image']);
    expect(run.results.map((result: any) => [result.ruleId, result.ruleIndex])).toEqual([['rwop-rolling-update-surge', 0]]);
    expect(schemaErrors(log)).toEqual([]);
  });

  test('no finding: an empty results array (GitHub closes the alerts it had)', async () => {
    const { code, log } = await sarifOf(['clean']);
    expect(code).toBe(0);
    expect(log.runs[0].results).toEqual([]);
    expect(schemaErrors(log)).toEqual([]);
  });
});
