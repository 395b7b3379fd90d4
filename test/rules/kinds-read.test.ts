// The synth-time checks hand the engine every object whose kind is not in CONTENT_KINDS as its identity only. This
// holds only while no rule reads more of such an object: every corpus case must give the same findings either way.
import * as fs from 'fs';
import * as path from 'path';
import { parseManifests } from '../../src/core/parse-manifests';
import { CONTENT_KINDS, identityOf, isContentKind, runRules } from '../../src/rules';
import type { Finding, Manifest } from '../../src/rules';

const CASES_DIR = path.join(__dirname, '..', 'corpus', 'cases');

function readCase(name: string): Manifest[] {
  const absolute = path.join(CASES_DIR, name);
  const files = fs.statSync(absolute).isDirectory()
    ? fs.readdirSync(absolute).filter((file) => !file.startsWith('.')).map((file) => path.join(absolute, file))
    : [absolute];
  return files.flatMap((file) => parseManifests(fs.readFileSync(file, 'utf8'), file));
}

/** A finding without its source locations (an identity keeps the object's location). */
function summary(found: Finding) {
  return { rule: found.ruleId, severity: found.severity, message: found.message, suppressed: found.suppressed?.reason };
}

const cases = fs.readdirSync(CASES_DIR).filter((name) => !name.startsWith('.')).sort();

test('the corpus has cases with findings and objects of other kinds, so the comparison below can fail', () => {
  const manifests = cases.flatMap(readCase);
  expect(runRules(manifests).length).toBeGreaterThan(20);
  expect(manifests.filter((manifest) => !isContentKind(String(manifest.object.kind))).length).toBeGreaterThan(20);
});

test.each(cases)('%s: the findings are the same when objects of other kinds are reduced to their identity', (name) => {
  const manifests = readCase(name);
  const reduced = manifests.map((manifest) => isContentKind(String(manifest.object.kind))
    ? manifest
    : { ...manifest, object: identityOf(manifest.object) });
  expect(runRules(reduced).map(summary)).toEqual(runRules(manifests).map(summary));
});

test('an identity keeps apiVersion, kind, name, namespace and annotations, and drops the rest', () => {
  const object = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'db', namespace: 'shop', labels: { app: 'db' }, annotations: { 'rwop.dev/suppress': 'x' } },
    spec: { selector: { app: 'db' } },
  };
  expect(identityOf(object)).toEqual({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'shop', annotations: { 'rwop.dev/suppress': 'x' } },
  });
  expect(isContentKind('Service')).toBe(false);
  expect(isContentKind('ConfigMapList')).toBe(true);
  expect([...CONTENT_KINDS]).toEqual(expect.arrayContaining(['Deployment', 'PersistentVolumeClaim', 'PodDisruptionBudget', 'VolumeSnapshot']));
});
