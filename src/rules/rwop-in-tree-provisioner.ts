import type { ManifestIndex } from './manifest-index';
import type { Rule } from './rule';
import { asArray, asObject, asString, describeRef, finding, isObject, isRwop } from './support';
import type { Finding, KubeObject, ObjectRef } from './types';
import { csiMigrationOf, inTreeProvisionerAdvice, isInTreeProvisioner } from '../core/csi-drivers';

/**
 * RWOP is a CSI-only feature: the kubelet enforces it on the CSI code path only
 * (https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes says it is supported for CSI volumes only).
 * An in-tree provisioner that CSI migration redirects to a CSI driver (always, since the release named in
 * `src/core/csi-drivers.ts`; https://kubernetes.io/docs/concepts/storage/volumes/#csi-migration) is served by that
 * driver, so the claim works where the driver is installed: a warning that names the driver. Anything else (no-provisioner,
 * local volumes, RBD, CephFS, ...) never gives the guarantee: an error.
 */
export const rwopInTreeProvisioner: Rule = {
  id: 'rwop-in-tree-provisioner',
  severity: 'error',
  summary: 'A ReadWriteOncePod claim (or StatefulSet claim template) uses a StorageClass with an in-tree provisioner, kubernetes.io/no-provisioner included (warning when CSI migration serves it with a CSI driver: AWS EBS, GCE PD, Azure Disk and File, Cinder, vSphere, Portworx).',
  remediation: 'Use a StorageClass whose provisioner is a CSI driver that supports ReadWriteOncePod (csi-provisioner ≥ 3.0, csi-attacher ≥ 3.3, csi-resizer ≥ 1.3); for a migrated in-tree name, the CSI driver named in the finding.',
  check(index) {
    const findings: Finding[] = [];
    const check = (ref: ObjectRef, where: string, claim: KubeObject) => {
      if (!isRwop(claim)) return;
      const storageClass = storageClassOf(index, claim);
      const provisioner = storageClass && asString(storageClass.object.provisioner);
      if (!storageClass || provisioner === undefined || !isInTreeProvisioner(provisioner)) return;
      const migration = csiMigrationOf(provisioner);
      if (migration) {
        findings.push(finding(rwopInTreeProvisioner,
          `${describeRef(ref)}${where} asks for ReadWriteOncePod from ${describeRef(storageClass.ref)}, whose provisioner "${provisioner}" is in-tree: `
          + `since Kubernetes ${migration.since} CSI migration serves it with the CSI driver ${migration.driver}, so the claim gets the one-pod guarantee `
          + `only where that driver is installed (and on older clusters not at all); name ${migration.driver} as the provisioner to say so`,
          [ref, storageClass.ref], 'warning'));
        return;
      }
      findings.push(finding(rwopInTreeProvisioner,
        `${describeRef(ref)}${where} asks for ReadWriteOncePod from ${describeRef(storageClass.ref)}, but ${inTreeProvisionerAdvice(provisioner)}: `
        + 'the claim is either never provisioned or bound without the one-pod guarantee',
        [ref, storageClass.ref]));
    };
    for (const claim of index.ofKind('PersistentVolumeClaim')) check(claim.ref, '', claim.object);
    for (const statefulSet of index.ofKind('StatefulSet')) {
      for (const raw of asArray(asObject(statefulSet.object.spec).volumeClaimTemplates)) {
        if (!isObject(raw)) continue;
        check(statefulSet.ref, ` claim template "${asString(asObject(raw.metadata).name) ?? '<no name>'}"`, raw);
      }
    }
    return findings;
  },
};

/** The claim's StorageClass in the input: `spec.storageClassName`, or the default class when it names none ("" means none at all). */
export function storageClassOf(index: ManifestIndex, claim: KubeObject) {
  const spec = asObject(claim.spec);
  const legacy = asString(asObject(asObject(claim.metadata).annotations)['volume.beta.kubernetes.io/storage-class']);
  const name = asString(spec.storageClassName) ?? legacy;
  if (name === undefined) return spec.storageClassName === undefined ? index.defaultStorageClass() : undefined;
  return name === '' ? undefined : index.storageClass(name);
}
