// RWOP is enforced only on the kubelet's CSI code path : in-tree volume plugins were frozen before
// RWOP existed and never got it. Pure data, shared by the constructs and the rules engine.

const IN_TREE_PREFIX = 'kubernetes.io/';

/** The CSI driver that replaces each in-tree provisioner whose successor is well known. */
const CSI_REPLACEMENTS: Record<string, string> = {
  'kubernetes.io/aws-ebs': 'ebs.csi.aws.com (AWS EBS CSI driver)',
  'kubernetes.io/gce-pd': 'pd.csi.storage.gke.io (GCE Persistent Disk CSI driver)',
  'kubernetes.io/azure-disk': 'disk.csi.azure.com (Azure Disk CSI driver)',
  'kubernetes.io/azure-file': 'file.csi.azure.com (Azure File CSI driver)',
  'kubernetes.io/cinder': 'cinder.csi.openstack.org (OpenStack Cinder CSI driver)',
  'kubernetes.io/vsphere-volume': 'csi.vsphere.vmware.com (vSphere CSI driver)',
  'kubernetes.io/rbd': 'rbd.csi.ceph.com (Ceph CSI RBD driver)',
  'kubernetes.io/cephfs': 'cephfs.csi.ceph.com (Ceph CSI CephFS driver)',
  'kubernetes.io/portworx-volume': 'pxd.portworx.com (Portworx CSI driver)',
  'kubernetes.io/no-provisioner': 'a CSI driver for node-local disks, such as TopoLVM (topolvm.io) or OpenEBS LVM (local.csi.openebs.io); statically provisioned local PersistentVolumes are not CSI',
  'kubernetes.io/local-volume': 'a CSI driver for node-local disks, such as TopoLVM (topolvm.io) or OpenEBS LVM (local.csi.openebs.io)',
};

/** True for provisioners implemented inside Kubernetes (`kubernetes.io/*`), which cannot enforce ReadWriteOncePod. */
export function isInTreeProvisioner(provisioner: string): boolean {
  return provisioner.startsWith(IN_TREE_PREFIX);
}

/** Why an in-tree provisioner cannot serve RWOP, and what to use instead. */
export function inTreeProvisionerAdvice(provisioner: string): string {
  const replacement = CSI_REPLACEMENTS[provisioner];
  const use = replacement ? `use ${replacement}` : 'use the CSI driver of your storage system';
  return `"${provisioner}" is an in-tree provisioner, and ReadWriteOncePod is enforced for CSI volumes only; ${use}`;
}
