/**
 * Cross-field rules the API server enforces in code rather than in its OpenAPI schema (so no schema library
 * knows them), for the kinds this library emits. Wording follows the API server's where it has one.
 * Fields of the wrong type are skipped here: the schema checks report them.
 */
import { annotationProblems, dnsLabel, labelProblems, labelValue, nameProblems, portName, qualifiedName } from './names';
import { child, groupKind, isPlainObject, valueAt } from './objects';
import { Problem } from './problems';

type Rule = (obj: any) => Problem[];

const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

const templateOf = (path: string): Rule => (obj) => podTemplateProblems(valueAt(obj, path), path);
const selectorOf = (path: string): Rule => (obj) => selectorProblems(valueAt(obj, path), path);

/** Deployment, ReplicaSet, DaemonSet and StatefulSet: a pod template and the selector that must pick its pods. */
const WORKLOAD: readonly Rule[] = [templateOf('/spec/template'), selectorOf('/spec/selector'), selectorMatchesTemplate];

/** Rules by kubectl's "Kind.group". */
const RULES: Readonly<Record<string, readonly Rule[]>> = {
  'PersistentVolumeClaim': [(obj) => claimSpecProblems(obj.spec, '/spec')],
  'PersistentVolume': [persistentVolumeProblems],
  'Pod': [(obj) => podSpecProblems(obj.spec, '/spec')],
  'PodTemplate': [templateOf('/template')],
  'ReplicationController': [templateOf('/spec/template')],
  'Service': [(obj) => labelProblems(valueAt(obj, '/spec/selector'), '/spec/selector')],
  'Deployment.apps': WORKLOAD,
  'ReplicaSet.apps': WORKLOAD,
  'DaemonSet.apps': WORKLOAD,
  'StatefulSet.apps': [...WORKLOAD, claimTemplateProblems],
  'Job.batch': [templateOf('/spec/template'), selectorOf('/spec/selector')],
  'CronJob.batch': [(obj) => metadataLabelProblems(valueAt(obj, '/spec/jobTemplate'), '/spec/jobTemplate'), templateOf('/spec/jobTemplate/spec/template')],
  'PodDisruptionBudget.policy': [disruptionBudgetProblems, selectorOf('/spec/selector')],
};

export function apiRuleProblems(obj: any): Problem[] {
  return (RULES[groupKind(obj)] ?? []).flatMap((rule) => rule(obj));
}

/** A claim's spec (a PersistentVolumeClaim's or a StatefulSet claim template's). */
function claimSpecProblems(spec: unknown, path: string): Problem[] {
  const claim = isPlainObject(spec) ? spec : {};
  return [
    ...accessModeProblems(claim.accessModes, child(path, 'accessModes')),
    ...required(claim, '/resources/requests/storage', path),
  ];
}

function persistentVolumeProblems(obj: any): Problem[] {
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  return [
    ...accessModeProblems(spec.accessModes, '/spec/accessModes'),
    ...required(spec, '/capacity/storage', '/spec'),
  ];
}

function claimTemplateProblems(obj: any): Problem[] {
  return objectItems(valueAt(obj, '/spec/volumeClaimTemplates')).flatMap(([template, i]) => {
    const path = child('/spec/volumeClaimTemplates', i);
    return [...metadataLabelProblems(template, path), ...claimSpecProblems(template.spec, child(path, 'spec'))];
  });
}

/**
 * RWOP is exclusive by definition: the API server refuses it next to any other mode (even a repeat of itself).
 * Unknown modes are left to the official schema, which lists the known ones.
 */
function accessModeProblems(modes: unknown, path: string): Problem[] {
  if (modes === undefined || (Array.isArray(modes) && modes.length === 0)) {
    return [{ path, message: 'at least 1 access mode is required' }];
  }
  return Array.isArray(modes) && modes.includes('ReadWriteOncePod') && modes.length > 1
    ? [{ path, message: 'may not use ReadWriteOncePod with other access modes' }]
    : [];
}

function disruptionBudgetProblems(obj: any): Problem[] {
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  return spec.minAvailable !== undefined && spec.maxUnavailable !== undefined
    ? [{ path: '/spec', message: 'minAvailable and maxUnavailable cannot be both set' }]
    : [];
}

/** A pod template: its labels and annotations, and its pod spec. */
function podTemplateProblems(template: unknown, path: string): Problem[] {
  if (!isPlainObject(template)) return [];
  return [...metadataLabelProblems(template, path), ...podSpecProblems(template.spec, child(path, 'spec'))];
}

/** Container, volume and port names become DNS names, environment variables and references inside the pod. */
function podSpecProblems(spec: unknown, path: string): Problem[] {
  if (!isPlainObject(spec)) return [];
  const containers = ['containers', 'initContainers'].flatMap((list) => objectItems(spec[list]).flatMap(([container, i]) => {
    const at = child(child(path, list), i);
    return [
      ...nameProblems('container name', container.name, dnsLabel, child(at, 'name')),
      ...objectItems(container.ports).flatMap(([port, p]) => nameProblems('port name', port.name, portName, `${at}/ports/${p}/name`)),
    ];
  }));
  const volumes = objectItems(spec.volumes)
    .flatMap(([volume, i]) => nameProblems('volume name', volume.name, dnsLabel, `${path}/volumes/${i}/name`));
  return [...containers, ...volumes];
}

/** A LabelSelector's syntax: label keys and values, operators, and values only where the operator takes them. */
function selectorProblems(selector: unknown, path: string): Problem[] {
  if (!isPlainObject(selector)) return [];
  const expressions = objectItems(selector.matchExpressions).flatMap(([requirement, i]) => {
    const at = child(child(path, 'matchExpressions'), i);
    const values: unknown[] = Array.isArray(requirement.values) ? requirement.values : [];
    const takesValues = requirement.operator === 'In' || requirement.operator === 'NotIn';
    return [
      ...nameProblems('label key', requirement.key, qualifiedName, child(at, 'key')),
      ...(typeof requirement.operator === 'string' && !SELECTOR_OPERATORS.includes(requirement.operator)
        ? [{ path: child(at, 'operator'), message: `unsupported operator ${JSON.stringify(requirement.operator)}: must be one of ${SELECTOR_OPERATORS.join(', ')}` }]
        : []),
      ...(takesValues && values.length === 0 ? [{ path: child(at, 'values'), message: 'must be specified when `operator` is \'In\' or \'NotIn\'' }] : []),
      ...(!takesValues && values.length > 0 ? [{ path: child(at, 'values'), message: 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\'' }] : []),
      ...values.flatMap((value, v) => nameProblems('label value', value, labelValue, child(child(at, 'values'), v))),
    ];
  });
  return [...labelProblems(selector.matchLabels, child(path, 'matchLabels')), ...expressions];
}

/** A workload whose selector does not pick its own pods is refused; an empty selector would pick every pod. */
function selectorMatchesTemplate(obj: any): Problem[] {
  const selector = valueAt(obj, '/spec/selector');
  if (!isPlainObject(selector)) return [];
  const matchLabels = isPlainObject(selector.matchLabels) ? selector.matchLabels : {};
  const expressions = objectItems(selector.matchExpressions).map(([requirement]) => requirement);
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) {
    return [{ path: '/spec/selector', message: `empty selector is invalid for ${obj.kind}` }];
  }
  const templateLabels = valueAt(obj, '/spec/template/metadata/labels');
  const labels: Record<string, unknown> = isPlainObject(templateLabels) ? templateLabels : {};
  const matches = Object.entries(matchLabels).every(([key, value]) => labels[key] === value)
    && expressions.every((requirement) => requirementMatches(requirement, labels));
  return matches ? [] : [{ path: '/spec/template/metadata/labels', message: '`selector` does not match template `labels`' }];
}

function requirementMatches(requirement: any, labels: Record<string, unknown>): boolean {
  const present = Object.hasOwn(labels, requirement.key);
  const listed = Array.isArray(requirement.values) && requirement.values.includes(labels[requirement.key]);
  switch (requirement.operator) {
    case 'In': return present && listed;
    case 'NotIn': return !present || !listed;
    case 'Exists': return present;
    case 'DoesNotExist': return !present;
    default: return false;
  }
}

/** Labels and annotations of an embedded template's metadata. */
function metadataLabelProblems(template: unknown, path: string): Problem[] {
  const meta = valueAt(template, '/metadata');
  if (!isPlainObject(meta)) return [];
  return [
    ...labelProblems(meta.labels, `${path}/metadata/labels`),
    ...annotationProblems(meta.annotations, `${path}/metadata/annotations`),
  ];
}

function required(within: Record<string, any>, pointer: string, path: string): Problem[] {
  const field = pointer.slice(pointer.lastIndexOf('/') + 1);
  return valueAt(within, pointer) === undefined ? [{ path: path + pointer, message: `missing required field "${field}"` }] : [];
}

/** The object items of a list, with their indexes; anything else (the schema's business) gives none. */
function objectItems(list: unknown): Array<[Record<string, any>, number]> {
  return Array.isArray(list) ? list.flatMap((item, i): Array<[Record<string, any>, number]> => (isPlainObject(item) ? [[item, i]] : [])) : [];
}
