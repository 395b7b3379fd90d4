/**
 * Built-in kinds: the official schema (kubernetes-models' precompiled ajv validators) for types, required
 * fields, enums and quantities, plus a walk over client-node's field tables for unknown fields, which
 * kubernetes-models accepts silently (and which the API server's strict field validation rejects).
 */
import { createRequire } from 'module';
import { kubeTypes } from './kube-types';
import { child, isPlainObject, splitApiVersion } from './objects';
import { ajvProblems, Problem, SchemaResult } from './problems';

/** The Kubernetes release kubernetes-models 4.5.1 was generated from. */
const KUBERNETES_VERSION = '1.33';

interface KubeModel {
  validate(): void;
}

type ModelClass = new (data: unknown) => KubeModel;

const requireModel = createRequire(__filename);

/** Validates an object of a built-in API group; undefined when the group is not built in (a CRD's). */
export function validateBuiltin(obj: any): SchemaResult | undefined {
  const { group, version } = splitApiVersion(obj.apiVersion);
  if (!isBuiltinGroup(group)) return undefined;
  const entry = kubeTypes().kinds[`${obj.apiVersion} ${obj.kind}`];
  const Model = entry && loadModel(group, version, obj.kind);
  if (!entry || !Model) return { problems: [noSuchKind(group, obj)] };
  return {
    namespaced: entry.namespaced,
    problems: [...schemaProblems(Model, obj), ...unknownFields(obj, entry.model, '')],
  };
}

/**
 * Reports every key the model does not define, recursing through nested models, arrays and maps.
 * `type` is a client-node type string; scalars, IntOrString, Date, `any` and `object` are not descended into
 * (their shapes are kubernetes-models' business).
 */
export function unknownFields(value: unknown, type: string, path: string): Problem[] {
  const element = /^Array<(.+)>$/.exec(type)?.[1];
  if (element) {
    return Array.isArray(value) ? value.flatMap((item, i) => unknownFields(item, element, child(path, i))) : [];
  }
  const mapValue = /^\{ \[key: string\]: (.+); \}$/.exec(type)?.[1];
  if (mapValue) {
    return isPlainObject(value) ? Object.entries(value).flatMap(([k, v]) => unknownFields(v, mapValue, child(path, k))) : [];
  }
  const fields = kubeTypes().models[type];
  if (!fields || !isPlainObject(value)) return [];
  return Object.entries(value).flatMap(([key, v]) => Object.hasOwn(fields, key)
    ? unknownFields(v, fields[key], child(path, key))
    : [{ path: child(path, key), message: `unknown field "${key}"` }]);
}

/** The core group, or a group that client-node or kubernetes-models (which keeps removed groups) knows. */
function isBuiltinGroup(group: string): boolean {
  if (group === '' || Object.keys(kubeTypes().kinds).some((key) => key.startsWith(`${group}/`))) return true;
  try {
    requireModel.resolve(`kubernetes-models/${group}`);
    return true;
  } catch {
    return false;
  }
}

/** kubernetes-models' class for a kind client-node can create (so the kind still exists), if it has one. */
function loadModel(group: string, version: string, kind: string): ModelClass | undefined {
  try {
    return requireModel(`kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`)[kind];
  } catch (error: any) {
    if (error?.code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

function noSuchKind(group: string, obj: any): Problem {
  const served = Object.keys(kubeTypes().kinds)
    .map((key) => key.split(' '))
    .filter(([apiVersion, kind]) => kind === obj.kind && splitApiVersion(apiVersion).group === group
      && loadModel(group, splitApiVersion(apiVersion).version, kind))
    .map(([apiVersion]) => apiVersion);
  const message = `no such kind in Kubernetes ${KUBERNETES_VERSION}: ${obj.apiVersion} ${obj.kind}`;
  return served.length > 0
    ? { path: '/apiVersion', message: `${message} (served as ${served.join(', ')})` }
    : { path: '/kind', message };
}

function schemaProblems(Model: ModelClass, obj: any): Problem[] {
  try {
    new Model(obj).validate();
    return [];
  } catch (error: any) {
    if (!Array.isArray(error?.errors)) throw error;
    return ajvProblems(error.errors, obj);
  }
}
