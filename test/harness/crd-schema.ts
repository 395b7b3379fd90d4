/**
 * Kinds defined by the CRDs vendored in vendor/ (the CSI snapshot add-on, the Prometheus Operator's PrometheusRule): the served version's
 * openAPIV3Schema, closed against unknown fields as the API server's strict field validation would, plus the
 * CRDs' CEL rules (`x-kubernetes-validations`), re-implemented by hand since there is no CEL engine here.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import * as YAML from 'yaml';
import { unknownFields } from './kube-schema';
import { child, isPlainObject, splitApiVersion } from './objects';
import { ajvProblems, Problem, SchemaResult } from './problems';

const CRD_DIRS = ['external-snapshotter', 'prometheus-operator'].map((dir) => path.resolve(__dirname, '../../vendor', dir));

/**
 * The CEL rules that can be checked on a single object, keyed by their exact text in the CRDs. Transition
 * rules (those reading `oldSelf`) compare against the stored object and do not apply to a manifest.
 * A rule missing from this table makes loading fail, so a CRD update cannot slip a rule past the harness.
 */
const CEL_CHECKS: Readonly<Record<string, (self: any) => boolean>> = {
  '(has(self.volumeSnapshotContentName) && !has(self.persistentVolumeClaimName)) || (!has(self.volumeSnapshotContentName) && has(self.persistentVolumeClaimName))':
    (self) => has(self, 'volumeSnapshotContentName') !== has(self, 'persistentVolumeClaimName'),
  '(has(self.volumeHandle) && !has(self.snapshotHandle)) || (!has(self.volumeHandle) && has(self.snapshotHandle))':
    (self) => has(self, 'volumeHandle') !== has(self, 'snapshotHandle'),
  'has(self.name) && has(self.__namespace__)': // CEL escapes the reserved word "namespace"
    (self) => has(self, 'name') && has(self, 'namespace'),
  'size(self) > 0': (self) => self.length > 0,
};

/** Plain ObjectMeta types for the fields the harness reads; unknown ObjectMeta fields are left to kube-schema's walk. */
const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } };
const METADATA_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    generateName: { type: 'string' },
    namespace: { type: 'string' },
    labels: STRING_MAP,
    annotations: STRING_MAP,
  },
};

interface CelRule {
  /** Where the rule sits: property names, with "*" for every array item or map value. */
  readonly at: readonly string[];
  /** The schema type at that place; a value of another type is a schema error, and CEL does not see it. */
  readonly type: string;
  readonly message: string;
  readonly check: (self: any) => boolean;
}

interface ServedVersion {
  readonly validate: ValidateFunction;
  readonly rules: readonly CelRule[];
}

interface CustomKind {
  readonly group: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly versions: ReadonlyMap<string, ServedVersion>;
}

let loaded: CustomKind[] | undefined;

/** Validates an object of a group the CRDs define; undefined for any other group. */
export function validateCustomResource(obj: any): SchemaResult | undefined {
  const { group, version } = splitApiVersion(obj.apiVersion);
  const ofGroup = customKinds().filter((k) => k.group === group);
  if (ofGroup.length === 0) return undefined;
  const custom = ofGroup.find((k) => k.kind === obj.kind);
  const served = custom?.versions.get(version);
  if (!custom || !served) {
    const message = `no such kind in the ${group} CRDs: ${obj.apiVersion} ${obj.kind}`;
    return {
      problems: [custom
        ? { path: '/apiVersion', message: `${message} (served as ${[...custom.versions.keys()].map((v) => `${group}/${v}`).join(', ')})` }
        : { path: '/kind', message }],
    };
  }
  const schemaOk = served.validate(obj);
  return {
    namespaced: custom.namespaced,
    problems: [
      ...(schemaOk ? [] : ajvProblems(served.validate.errors ?? [], obj)),
      ...unknownFields(obj.metadata, 'V1ObjectMeta', '/metadata'),
      ...served.rules.flatMap((rule) => celProblems(rule, obj)),
    ],
  };
}

function customKinds(): CustomKind[] {
  loaded ??= loadCrds();
  return loaded;
}

function loadCrds(): CustomKind[] {
  const missing = CRD_DIRS.filter((dir) => !fs.existsSync(dir));
  if (missing.length > 0) {
    throw new Error(`vendored CRDs are missing: expected them in ${missing.join(', ')}`);
  }
  const ajv = new Ajv({ strict: false, allErrors: true, code: { regExp: goRegExp } });
  addFormats(ajv);
  return CRD_DIRS
    .flatMap((dir) => fs.readdirSync(dir).filter((file) => /\.ya?ml$/.test(file)).map((file) => path.join(dir, file)))
    .flatMap((file) => YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((doc) => doc.toJS()))
    .filter((doc) => doc?.kind === 'CustomResourceDefinition')
    .map((crd) => ({
      group: crd.spec.group,
      kind: crd.spec.names.kind,
      namespaced: crd.spec.scope === 'Namespaced',
      versions: new Map<string, ServedVersion>(crd.spec.versions
        .filter((v: any) => v.served)
        .map((v: any) => [v.name, {
          validate: ajv.compile(objectSchema(v.schema.openAPIV3Schema)),
          rules: celRules(v.schema.openAPIV3Schema, []),
        }])),
    }));
}

/**
 * CRD patterns are Go (RE2) expressions: a `(?i)` flag at the start (after `^`), as the PrometheusRule CRD writes
 * `^(?i)(abort|warn)?$`, becomes the JavaScript `i` flag.
 */
const goRegExp = Object.assign((pattern: string, flags: string): RegExp => {
  const caseless = /^(\^?)\(\?i\)/;
  return caseless.test(pattern) ? new RegExp(pattern.replace(caseless, '$1'), `${flags}i`) : new RegExp(pattern, flags);
}, { code: 'goRegExp' });

/** The CRD schema, closed against unknown fields, with the standard apiVersion/kind/metadata fields. */
function objectSchema(openApi: any): any {
  const closed = closeObjects(openApi);
  return {
    ...closed,
    properties: { ...closed.properties, apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: METADATA_SCHEMA },
  };
}

/**
 * Copies a structural schema so that every object schema listing `properties` rejects other keys (unless it
 * preserves unknown fields), and int-or-string fields accept both integers and strings.
 */
function closeObjects(schema: any): any {
  const copy = { ...schema };
  if (copy['x-kubernetes-int-or-string']) copy.type = ['integer', 'string'];
  if (isPlainObject(copy.properties)) {
    copy.properties = Object.fromEntries(Object.entries(copy.properties).map(([k, v]) => [k, closeObjects(v)]));
    if (!copy['x-kubernetes-preserve-unknown-fields'] && copy.additionalProperties === undefined) copy.additionalProperties = false;
  }
  if (isPlainObject(copy.items)) copy.items = closeObjects(copy.items);
  if (isPlainObject(copy.additionalProperties)) copy.additionalProperties = closeObjects(copy.additionalProperties);
  return copy;
}

function celRules(schema: any, at: string[]): CelRule[] {
  const own = (schema['x-kubernetes-validations'] ?? [])
    .filter((v: any) => !v.rule.includes('oldSelf'))
    .map((v: any): CelRule => {
      const check = CEL_CHECKS[v.rule];
      if (!check) throw new Error(`no hand-written check for the CEL rule \`${v.rule}\` ("${v.message}"): add one to CEL_CHECKS`);
      return { at, type: schema.type, message: v.message, check };
    });
  const nested = [
    ...Object.entries(schema.properties ?? {}).map(([k, s]) => celRules(s, [...at, k])),
    ...[schema.items, schema.additionalProperties].filter(isPlainObject).map((s) => celRules(s, [...at, '*'])),
  ];
  return [...own, ...nested.flat()];
}

/** Runs a rule on every value at its place; like the API server, rules of absent fields do not run. */
function celProblems(rule: CelRule, obj: any): Problem[] {
  return valuesAt(obj, rule.at, '')
    .filter(([value]) => hasType(value, rule.type) && !rule.check(value))
    .map(([, pointer]) => ({ path: pointer, message: rule.message }));
}

function valuesAt(value: unknown, at: readonly string[], pointer: string): Array<[unknown, string]> {
  if (value === undefined) return [];
  if (at.length === 0) return [[value, pointer]];
  const [step, ...rest] = at;
  if (step === '*') {
    const entries = Array.isArray(value) ? value.entries() : isPlainObject(value) ? Object.entries(value) : [];
    return [...entries].flatMap(([k, v]) => valuesAt(v, rest, child(pointer, k)));
  }
  return isPlainObject(value) && Object.hasOwn(value, step) ? valuesAt(value[step], rest, child(pointer, step)) : [];
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object': return isPlainObject(value);
    case 'array': return Array.isArray(value);
    case 'integer': return Number.isInteger(value);
    default: return typeof value === type;
  }
}

function has(self: unknown, field: string): boolean {
  return isPlainObject(self) && Object.hasOwn(self, field);
}
