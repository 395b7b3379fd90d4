import type { ManifestIndex } from './manifest-index';
import { asArray, asObject, asString, describeRef, finding, isObject, isRwop } from './support';
import type { Finding, KubeObject, ObjectRef, Rule } from './types';
import { inTreeProvisionerAdvice, isInTreeProvisioner } from '../volumes/csi-drivers';

/** RWOP is a CSI-only feature: the kubelet enforces it on the CSI code path only. */
export const rwopInTreeProvisioner: Rule = {
  id: 'rwop-in-tree-provisioner',
  severity: 'error',
  summary: 'A ReadWriteOncePod claim (or StatefulSet claim template) uses a StorageClass with an in-tree provisioner, kubernetes.io/no-provisioner included.',
  remediation: 'Use a StorageClass whose provisioner is a CSI driver that supports ReadWriteOncePod (csi-provisioner ≥ 3.0, csi-attacher ≥ 3.3, csi-resizer ≥ 1.3).',
  check(index) {
    const findings: Finding[] = [];
    const check = (ref: ObjectRef, where: string, claim: KubeObject) => {
      if (!isRwop(claim)) return;
      const storageClass = storageClassOf(index, claim);
      const provisioner = storageClass && asString(storageClass.object.provisioner);
      if (!storageClass || provisioner === undefined || !isInTreeProvisioner(provisioner)) return;
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
function storageClassOf(index: ManifestIndex, claim: KubeObject) {
  const spec = asObject(claim.spec);
  const legacy = asString(asObject(asObject(claim.metadata).annotations)['volume.beta.kubernetes.io/storage-class']);
  const name = asString(spec.storageClassName) ?? legacy;
  if (name === undefined) return spec.storageClassName === undefined ? index.defaultStorageClass() : undefined;
  return name === '' ? undefined : index.storageClass(name);
}
