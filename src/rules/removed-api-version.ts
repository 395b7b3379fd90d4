import type { Rule } from './rule';
import { describeRef, finding } from './support';
import type { Finding } from './types';

/** One row of the table: an apiVersion and the kinds it no longer serves. */
interface Removal {
  readonly apiVersion: string;
  readonly kinds: readonly string[];
  /** The release that stopped serving it. */
  readonly removedIn: string;
  /** The apiVersion to use instead, or what replaces the kind. */
  readonly use: string;
}

const PSA = 'Pod Security Admission (PodSecurityPolicy has no successor API)';

/**
 * Every group/version/kind that Kubernetes stopped serving up to 1.32, with the release that removed it and what to
 * use, row for row as the Deprecated API Migration Guide lists them
 * (https://kubernetes.io/docs/reference/using-api/deprecation-guide/). The last row is the external-snapshotter's
 * VolumeSnapshot CRDs, which stopped serving v1beta1 in external-snapshotter 6.0.
 */
const REMOVALS: readonly Removal[] = [
  // v1.32
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], removedIn: 'Kubernetes 1.32', use: 'flowcontrol.apiserver.k8s.io/v1' },
  // v1.29
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], removedIn: 'Kubernetes 1.29', use: 'flowcontrol.apiserver.k8s.io/v1' },
  // v1.27
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIStorageCapacity'], removedIn: 'Kubernetes 1.27', use: 'storage.k8s.io/v1' },
  // v1.26
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], removedIn: 'Kubernetes 1.26', use: 'flowcontrol.apiserver.k8s.io/v1' },
  { apiVersion: 'autoscaling/v2beta2', kinds: ['HorizontalPodAutoscaler'], removedIn: 'Kubernetes 1.26', use: 'autoscaling/v2' },
  // v1.25
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], removedIn: 'Kubernetes 1.25', use: 'batch/v1' },
  { apiVersion: 'discovery.k8s.io/v1beta1', kinds: ['EndpointSlice'], removedIn: 'Kubernetes 1.25', use: 'discovery.k8s.io/v1' },
  { apiVersion: 'events.k8s.io/v1beta1', kinds: ['Event'], removedIn: 'Kubernetes 1.25', use: 'events.k8s.io/v1' },
  { apiVersion: 'autoscaling/v2beta1', kinds: ['HorizontalPodAutoscaler'], removedIn: 'Kubernetes 1.25', use: 'autoscaling/v2' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodDisruptionBudget'], removedIn: 'Kubernetes 1.25', use: 'policy/v1' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodSecurityPolicy'], removedIn: 'Kubernetes 1.25', use: PSA },
  { apiVersion: 'node.k8s.io/v1beta1', kinds: ['RuntimeClass'], removedIn: 'Kubernetes 1.25', use: 'node.k8s.io/v1' },
  // v1.22
  { apiVersion: 'admissionregistration.k8s.io/v1beta1', kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], removedIn: 'Kubernetes 1.22', use: 'admissionregistration.k8s.io/v1' },
  { apiVersion: 'apiextensions.k8s.io/v1beta1', kinds: ['CustomResourceDefinition'], removedIn: 'Kubernetes 1.22', use: 'apiextensions.k8s.io/v1' },
  { apiVersion: 'apiregistration.k8s.io/v1beta1', kinds: ['APIService'], removedIn: 'Kubernetes 1.22', use: 'apiregistration.k8s.io/v1' },
  { apiVersion: 'authentication.k8s.io/v1beta1', kinds: ['TokenReview'], removedIn: 'Kubernetes 1.22', use: 'authentication.k8s.io/v1' },
  { apiVersion: 'authorization.k8s.io/v1beta1', kinds: ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SubjectAccessReview'], removedIn: 'Kubernetes 1.22', use: 'authorization.k8s.io/v1' },
  { apiVersion: 'certificates.k8s.io/v1beta1', kinds: ['CertificateSigningRequest'], removedIn: 'Kubernetes 1.22', use: 'certificates.k8s.io/v1' },
  { apiVersion: 'coordination.k8s.io/v1beta1', kinds: ['Lease'], removedIn: 'Kubernetes 1.22', use: 'coordination.k8s.io/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['Ingress'], removedIn: 'Kubernetes 1.22', use: 'networking.k8s.io/v1' },
  { apiVersion: 'networking.k8s.io/v1beta1', kinds: ['Ingress', 'IngressClass'], removedIn: 'Kubernetes 1.22', use: 'networking.k8s.io/v1' },
  { apiVersion: 'rbac.authorization.k8s.io/v1beta1', kinds: ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'], removedIn: 'Kubernetes 1.22', use: 'rbac.authorization.k8s.io/v1' },
  { apiVersion: 'scheduling.k8s.io/v1beta1', kinds: ['PriorityClass'], removedIn: 'Kubernetes 1.22', use: 'scheduling.k8s.io/v1' },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'], removedIn: 'Kubernetes 1.22', use: 'storage.k8s.io/v1' },
  // v1.16
  { apiVersion: 'extensions/v1beta1', kinds: ['NetworkPolicy'], removedIn: 'Kubernetes 1.16', use: 'networking.k8s.io/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['PodSecurityPolicy'], removedIn: 'Kubernetes 1.16', use: PSA },
  { apiVersion: 'extensions/v1beta1', kinds: ['DaemonSet', 'Deployment', 'ReplicaSet'], removedIn: 'Kubernetes 1.16', use: 'apps/v1' },
  { apiVersion: 'apps/v1beta1', kinds: ['Deployment', 'StatefulSet', 'ReplicaSet'], removedIn: 'Kubernetes 1.16', use: 'apps/v1' },
  { apiVersion: 'apps/v1beta2', kinds: ['DaemonSet', 'Deployment', 'StatefulSet', 'ReplicaSet'], removedIn: 'Kubernetes 1.16', use: 'apps/v1' },
  // The CSI snapshot CRDs (an add-on, not part of Kubernetes).
  {
    apiVersion: 'snapshot.storage.k8s.io/v1beta1',
    kinds: ['VolumeSnapshot', 'VolumeSnapshotClass', 'VolumeSnapshotContent'],
    removedIn: 'external-snapshotter 6.0 (its CRDs no longer serve v1beta1)',
    use: 'snapshot.storage.k8s.io/v1',
  },
];

/** `apiVersion kind` → its row. */
/** By apiVersion, then kind (nested, so that looking up each object of a large input builds no string). */
const REMOVAL_BY_VERSION_AND_KIND = new Map<string, Map<string, Removal>>();
for (const removal of REMOVALS) {
  const byKind = REMOVAL_BY_VERSION_AND_KIND.get(removal.apiVersion) ?? new Map<string, Removal>();
  for (const kind of removal.kinds) byKind.set(kind, removal);
  REMOVAL_BY_VERSION_AND_KIND.set(removal.apiVersion, byKind);
}

/** An apiVersion that the API server no longer serves. */
export const removedApiVersion: Rule = {
  id: 'removed-api-version',
  severity: 'error',
  summary: 'An object uses an API version that Kubernetes no longer serves (every removal up to 1.32 in the official deprecation guide: policy/v1beta1 PodDisruptionBudget, batch/v1beta1 CronJob, scheduling.k8s.io/v1beta1 PriorityClass, ...).',
  remediation: 'Change apiVersion to the one named in the finding and check the fields that changed with it (e.g. a policy/v1 PDB with an empty selector selects every pod).',
  check(index) {
    const findings: Finding[] = [];
    for (const entry of index.objects) {
      const removal = REMOVAL_BY_VERSION_AND_KIND.get(entry.ref.apiVersion ?? '')?.get(entry.kind);
      if (!removal) continue;
      findings.push(finding(removedApiVersion,
        `${describeRef(entry.ref)} uses ${entry.ref.apiVersion}, which is no longer served since ${removal.removedIn}: `
        + `applying it fails with "no matches for kind \\"${entry.kind}\\" in version \\"${entry.ref.apiVersion}\\""; use ${removal.use}`,
        [entry.ref]));
    }
    return findings;
  },
};

/** The table itself, for tests and documentation: one `[apiVersion, kind, removedIn, use]` per removed kind. */
export function removedApiVersions(): Array<[string, string, string, string]> {
  return REMOVALS.flatMap((removal) => removal.kinds.map((kind): [string, string, string, string] =>
    [removal.apiVersion, kind, removal.removedIn, removal.use]));
}
