/** Object metadata rules the API server enforces for every kind: name, namespace, scope, labels, annotations. */
import { annotationProblems, dns1035Label, dnsLabel, dnsSubdomain, labelProblems, NameRule, nameProblems, pathSegment } from './names';
import { groupKind, isPlainObject } from './objects';
import { Problem } from './problems';

/** Kinds whose names follow another rule than the default DNS subdomain. */
const NAME_RULES: Readonly<Record<string, NameRule>> = {
  'Namespace': dnsLabel,
  'Service': dns1035Label,
  'Role.rbac.authorization.k8s.io': pathSegment,
  'RoleBinding.rbac.authorization.k8s.io': pathSegment,
  'ClusterRole.rbac.authorization.k8s.io': pathSegment,
  'ClusterRoleBinding.rbac.authorization.k8s.io': pathSegment,
};

/** `namespaced` is undefined for unknown kinds, whose scope is not known. */
export function metadataProblems(obj: any, namespaced: boolean | undefined): Problem[] {
  const meta = isPlainObject(obj.metadata) ? obj.metadata : {};
  return [
    ...(!meta.name && !meta.generateName
      ? [{ path: '/metadata/name', message: 'missing required field "name"' }]
      : nameProblems('name', meta.name, NAME_RULES[groupKind(obj)] ?? dnsSubdomain, '/metadata/name')),
    ...namespaceProblems(obj, meta.namespace, namespaced),
    ...labelProblems(meta.labels, '/metadata/labels'),
    ...annotationProblems(meta.annotations, '/metadata/annotations'),
  ];
}

function namespaceProblems(obj: any, namespace: unknown, namespaced: boolean | undefined): Problem[] {
  if (namespace === undefined) return [];
  if (namespaced === false) {
    return [{ path: '/metadata/namespace', message: `${obj.kind} is cluster-scoped and must not have a namespace` }];
  }
  return nameProblems('namespace', namespace, dnsLabel, '/metadata/namespace');
}
