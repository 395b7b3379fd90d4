// What cdk8s-plus-27 cannot express in the pod template of our workloads, added to the rendered manifest with JSON
// patches on the workload's ApiObject (`ApiObject.of()`, `addJsonPatch()`: public cdk8s mechanisms) rather than by
// overriding its internal rendering. The workload's L1 (e.g. `KubeStatefulSet`) maps the patched object to JSON as it
// maps its props, so a patched field must be one of its API's fields, and a quantity a `Quantity`.
import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';

const POD_SPEC = '/spec/template/spec';

/** What `completePodTemplate` adds to a workload's pod template. */
export interface PodTemplateCompletion {
  /** `priorityClassName`, which cdk8s-plus-27 has no prop for. */
  readonly priorityClassName?: string;
}

/**
 * `seccompProfile: RuntimeDefault` for the whole pod (the restricted standard requires a profile, and none means
 * Unconfined on most runtimes), and the priority class, on the pod spec at `podSpec` (a JSON pointer: a CronJob's is
 * `/spec/jobTemplate/spec/template/spec`). The pod security context is always rendered: our pods are given
 * one (`restrictedPodSecurityContext`).
 */
export function completePodTemplate(workload: kplus.AbstractPod, completion: PodTemplateCompletion, podSpec = POD_SPEC): void {
  ApiObject.of(workload).addJsonPatch(JsonPatch.add(`${podSpec}/securityContext/seccompProfile`, { type: 'RuntimeDefault' }));
  if (completion.priorityClassName !== undefined) {
    ApiObject.of(workload).addJsonPatch(JsonPatch.add(`${podSpec}/priorityClassName`, completion.priorityClassName));
  }
}

/** A StatefulSet's claim template, mounted in one of its containers. */
export interface ClaimTemplateMount {
  /** The claim template; its storage request a `Quantity`. */
  readonly claimTemplate: kplus.k8s.KubePersistentVolumeClaimProps & { readonly metadata: { readonly name: string } };
  /** `spec.persistentVolumeClaimRetentionPolicy`. */
  readonly retention: kplus.k8s.StatefulSetPersistentVolumeClaimRetentionPolicy;
  /** The index of the container in the pod template that mounts the claim. */
  readonly containerIndex: number;
  /** Whether the container has other volume mounts (the claim's goes first) when the manifest is rendered. */
  readonly containerHasMounts: boolean;
  /** Whether the claim is a raw block device (`volumeDevices`) rather than a filesystem (`volumeMounts`). */
  readonly block: boolean;
  /** Where it is mounted, or the device path of a block volume. */
  readonly mountPath: string;
}

/**
 * The StatefulSet fields cdk8s-plus-27 lacks: `volumeClaimTemplates`, `persistentVolumeClaimRetentionPolicy`, and the
 * claim's mount (or device) in the container.
 */
export function addClaimTemplate(statefulSet: kplus.StatefulSet, claim: ClaimTemplateMount): void {
  const name = claim.claimTemplate.metadata.name;
  const container = `${POD_SPEC}/containers/${claim.containerIndex}`;
  ApiObject.of(statefulSet).addJsonPatch(
    JsonPatch.add('/spec/persistentVolumeClaimRetentionPolicy', claim.retention),
    JsonPatch.add('/spec/volumeClaimTemplates', [claim.claimTemplate]),
    claim.block
      ? JsonPatch.add(`${container}/volumeDevices`, [{ devicePath: claim.mountPath, name }])
      : claim.containerHasMounts
        ? JsonPatch.add(`${container}/volumeMounts/0`, { mountPath: claim.mountPath, name })
        : JsonPatch.add(`${container}/volumeMounts`, [{ mountPath: claim.mountPath, name }]),
  );
}
