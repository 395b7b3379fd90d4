import { describeRef, finding } from './support';
import type { Finding, Rule } from './types';

interface Removal {
  readonly kinds: readonly string[];
  /** The apiVersion to use instead, or a replacement to adopt. */
  readonly use: string;
  /** The release that stopped serving it. */
  readonly removedIn: string;
}

const K8S_DEPLOYMENTS = ['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet'];
const SNAPSHOT_KINDS = ['VolumeSnapshot', 'VolumeSnapshotClass', 'VolumeSnapshotContent'];

/**
 * Removed API versions, from the Kubernetes deprecated API migration guide (and external-snapshotter's changelog).
 * A Map: the apiVersion looked up comes from the input, and `constructor` must not find Object's.
 */
const REMOVALS = new Map<string, readonly Removal[]>([
  ['extensions/v1beta1', [
    { kinds: K8S_DEPLOYMENTS, use: 'apps/v1', removedIn: 'Kubernetes 1.16' },
    { kinds: ['NetworkPolicy'], use: 'networking.k8s.io/v1', removedIn: 'Kubernetes 1.16' },
    { kinds: ['PodSecurityPolicy'], use: 'Pod Security Admission (PodSecurityPolicy has no successor API)', removedIn: 'Kubernetes 1.16' },
    { kinds: ['Ingress'], use: 'networking.k8s.io/v1', removedIn: 'Kubernetes 1.22' },
  ]],
  ['apps/v1beta1', [{ kinds: K8S_DEPLOYMENTS, use: 'apps/v1', removedIn: 'Kubernetes 1.16' }]],
  ['apps/v1beta2', [{ kinds: K8S_DEPLOYMENTS, use: 'apps/v1', removedIn: 'Kubernetes 1.16' }]],
  ['networking.k8s.io/v1beta1', [{ kinds: ['Ingress', 'IngressClass'], use: 'networking.k8s.io/v1', removedIn: 'Kubernetes 1.22' }]],
  ['storage.k8s.io/v1beta1', [
    { kinds: ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'], use: 'storage.k8s.io/v1', removedIn: 'Kubernetes 1.22' },
    { kinds: ['CSIStorageCapacity'], use: 'storage.k8s.io/v1', removedIn: 'Kubernetes 1.27' },
  ]],
  ['policy/v1beta1', [
    { kinds: ['PodDisruptionBudget'], use: 'policy/v1', removedIn: 'Kubernetes 1.25' },
    { kinds: ['PodSecurityPolicy'], use: 'Pod Security Admission (PodSecurityPolicy has no successor API)', removedIn: 'Kubernetes 1.25' },
  ]],
  ['batch/v1beta1', [{ kinds: ['CronJob'], use: 'batch/v1', removedIn: 'Kubernetes 1.25' }]],
  ['autoscaling/v2beta1', [{ kinds: ['HorizontalPodAutoscaler'], use: 'autoscaling/v2', removedIn: 'Kubernetes 1.25' }]],
  ['autoscaling/v2beta2', [{ kinds: ['HorizontalPodAutoscaler'], use: 'autoscaling/v2', removedIn: 'Kubernetes 1.26' }]],
  ['snapshot.storage.k8s.io/v1beta1', [
    { kinds: SNAPSHOT_KINDS, use: 'snapshot.storage.k8s.io/v1', removedIn: 'external-snapshotter 6.0 (its CRDs no longer serve v1beta1)' },
  ]],
]);

/** An apiVersion that the API server no longer serves. */
export const removedApiVersion: Rule = {
  id: 'removed-api-version',
  severity: 'error',
  summary: 'An object uses an API version that current clusters no longer serve (policy/v1beta1 PodDisruptionBudget, batch/v1beta1 CronJob, ...).',
  remediation: 'Change apiVersion to the one named in the finding and check the fields that changed with it (e.g. a policy/v1 PDB with an empty selector selects every pod).',
  check(index) {
    const findings: Finding[] = [];
    for (const entry of index.objects) {
      const removals = REMOVALS.get(entry.ref.apiVersion ?? '');
      const removal = removals?.find((candidate) => candidate.kinds.includes(entry.kind));
      if (!removal) continue;
      findings.push(finding(removedApiVersion,
        `${describeRef(entry.ref)} uses ${entry.ref.apiVersion}, which is no longer served since ${removal.removedIn}: `
        + `applying it fails with "no matches for kind \\"${entry.kind}\\" in version \\"${entry.ref.apiVersion}\\""; use ${removal.use}`,
        [entry.ref]));
    }
    return findings;
  },
};
