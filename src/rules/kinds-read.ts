// Which objects the rules read beyond their identity. A face that renders objects itself (the synth-time checks)
// renders these in full and hands the engine only the identity of every other object. A rule that starts reading the
// spec of another kind adds that kind here; the corpus test fails until it does.
import { WORKLOAD_KINDS } from './manifest-index';

/**
 * Kinds whose whole object some rule or the index reads: workloads (pod templates), claims, volumes, storage and
 * priority classes, autoscalers, disruption budgets, snapshots and snapshot classes, and lists (their items).
 */
export const CONTENT_KINDS: ReadonlySet<string> = new Set([
  ...WORKLOAD_KINDS,
  'PersistentVolumeClaim', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'HorizontalPodAutoscaler',
  'PodDisruptionBudget', 'VolumeSnapshot', 'VolumeSnapshotClass', 'List',
]);

/**
 * Whether the rules read more of an object of this kind than its identity: `apiVersion`, `kind` and the
 * `metadata` name, namespace and annotations (duplicate objects, removed API versions, suppressions).
 */
export function isContentKind(kind: string): boolean {
  // `kind: List` and `<Kind>List` objects carry items of any kind.
  return CONTENT_KINDS.has(kind) || kind.endsWith('List');
}

/** The part of `object` the rules read when its kind is not a content kind. */
export function identityOf(object: Record<string, any>): Record<string, any> {
  const metadata = object.metadata ?? {};
  const identity: Record<string, any> = {};
  for (const key of ['name', 'namespace', 'annotations', 'uid']) {
    if (metadata[key] !== undefined) identity[key] = metadata[key];
  }
  return { apiVersion: object.apiVersion, kind: object.kind, metadata: identity };
}
