// Which workload a pod belongs to, from the owner references in a dump: used by `rwop status` and `rwop migrate`.
import type { IndexedObject, ManifestIndex } from '../rules/manifest-index';
import { asObject, asString, controllerOf } from '../rules/support';

/** The ReplicaSets and Jobs of a dump, to name the workload a pod belongs to. */
export class WorkloadOwners {
  private readonly replicaSets = new Map<string, IndexedObject>();
  private readonly jobs = new Map<string, IndexedObject>();

  constructor(index: ManifestIndex) {
    for (const replicaSet of index.ofKind('ReplicaSet')) firstOnly(this.replicaSets, `${replicaSet.namespace}/${replicaSet.name}`, replicaSet);
    for (const job of index.ofKind('Job')) firstOnly(this.jobs, `${job.namespace}/${job.name}`, job);
  }

  /**
   * `Kind/name` of the workload that owns the pod: a ReplicaSet's Deployment (from the ReplicaSet in the dump, or from
   * the `pod-template-hash` the Deployment controller appends to its ReplicaSets' names), a Job's CronJob when the Job
   * is in the dump, else the controller itself; `Pod/<name>` for a bare pod.
   */
  workloadOf(pod: IndexedObject): string {
    const controller = controllerOf(pod.object);
    if (!controller) return `Pod/${pod.name}`;
    if (controller.kind === 'ReplicaSet') {
      const replicaSet = this.replicaSets.get(`${pod.namespace}/${controller.name}`);
      const owner = replicaSet && controllerOf(replicaSet.object);
      if (owner) return `${owner.kind}/${owner.name}`;
      const hash = asString(asObject(asObject(pod.object.metadata).labels)['pod-template-hash']);
      if (!replicaSet && hash && controller.name.endsWith(`-${hash}`)) {
        return `Deployment/${controller.name.slice(0, -hash.length - 1)}`;
      }
    }
    if (controller.kind === 'Job') {
      const job = this.jobs.get(`${pod.namespace}/${controller.name}`);
      const owner = job && controllerOf(job.object);
      if (owner) return `${owner.kind}/${owner.name}`;
    }
    return `${controller.kind}/${controller.name}`;
  }
}

/** Keeps the first object of a name: a dump that lists one twice names the same workload either way. */
function firstOnly(map: Map<string, IndexedObject>, key: string, object: IndexedObject): void {
  if (!map.has(key)) map.set(key, object);
}
