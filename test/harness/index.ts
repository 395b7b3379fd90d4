/**
 * The verification harness every synthesizing test uses: offline checks that a manifest would be accepted by
 * a Kubernetes 1.33 API server with strict field validation and the CSI snapshot and PrometheusRule CRDs installed.
 * See DESIGN.md §6 "Offline schema validation".
 */
import * as fs from 'fs';
import * as YAML from 'yaml';
import { apiRuleProblems } from './api-rules';
import { validateCustomResource } from './crd-schema';
import { validateBuiltin } from './kube-schema';
import { metadataProblems } from './metadata-rules';
import { isPlainObject, splitApiVersion } from './objects';
import { Problem } from './problems';

export interface ManifestProblem {
  /** Which object, e.g. "PersistentVolumeClaim default/data". */
  readonly object: string;
  /** JSON pointer into the object, e.g. "/spec/accessModes/1". */
  readonly path: string;
  readonly message: string;
}

/** Every problem of one object, from all checks. */
export function validateManifest(obj: any): ManifestProblem[] {
  const object = describeObject(obj);
  return objectProblems(obj).map((problem) => ({ object, ...problem }));
}

/** Every problem of many objects, plus objects that appear twice. */
export function validateManifests(objs: any[]): ManifestProblem[] {
  return [...objs.flatMap(validateManifest), ...duplicateProblems(objs)];
}

/** Throws an error listing every problem, one per line, if there is any. */
export function expectValidManifests(objs: any[]): void {
  const problems = validateManifests(objs);
  if (problems.length > 0) {
    const lines = problems.map((p) => `${p.object} ${p.path || '/'}: ${p.message}`);
    throw new Error(`${problems.length} manifest problem(s):\n${lines.join('\n')}`);
  }
}

/**
 * Reads YAML files of one or more documents; empty documents are skipped. Parsed as YAML 1.1, as cdk8s writes
 * it and as kubectl reads it (an unquoted `yes` is a boolean there).
 */
export function loadManifestFiles(paths: string[]): any[] {
  return paths.flatMap((file) => YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'), { version: '1.1' }).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    return doc.toJS();
  })).filter((obj) => obj !== null && obj !== undefined);
}

function objectProblems(obj: any): Problem[] {
  if (!isPlainObject(obj)) return [{ path: '', message: 'must be an object' }];
  const missing = ['apiVersion', 'kind'].filter((field) => typeof obj[field] !== 'string' || obj[field] === '');
  if (missing.length > 0) return missing.map((field) => ({ path: `/${field}`, message: `missing required field "${field}"` }));
  // Unknown groups are CRDs this harness has no schema for: only their metadata can be checked.
  const schema = validateCustomResource(obj) ?? validateBuiltin(obj) ?? { problems: [] };
  return [...schema.problems, ...metadataProblems(obj, schema.namespaced), ...apiRuleProblems(obj)];
}

function duplicateProblems(objs: any[]): ManifestProblem[] {
  const firstIndex = new Map<string, number>();
  return objs.flatMap((obj, i) => {
    if (!isPlainObject(obj) || typeof obj.apiVersion !== 'string' || typeof obj.metadata?.name !== 'string') return [];
    const key = [splitApiVersion(obj.apiVersion).group, obj.kind, obj.metadata?.namespace ?? '', obj.metadata?.name].join(' ');
    const first = firstIndex.get(key);
    if (first === undefined) {
      firstIndex.set(key, i);
      return [];
    }
    return [{ object: describeObject(obj), path: '', message: `duplicate of object #${first}: same kind, namespace and name (object #${i})` }];
  });
}

function describeObject(obj: any): string {
  const meta = isPlainObject(obj?.metadata) ? obj.metadata : {};
  const name = meta.name ?? meta.generateName ?? '<unnamed>';
  return `${obj?.kind ?? '<no kind>'} ${meta.namespace ? `${meta.namespace}/` : ''}${name}`;
}
