// RWOP is enforced only on the kubelet's CSI code path : in-tree volume plugins were frozen before
// RWOP existed and never got it. Pure data, shared by the constructs and the rules engine.

const IN_TREE_PREFIX = 'kubernetes.io/';

interface InTreeProvisioner {
  /** What to name as the provisioner instead. */
  readonly replacement: string;
  /**
   * The release from which CSI migration is GA (always on) for this plugin: the in-tree name is then served by the CSI
   * driver `migratedTo`, so a claim of such a class gets the CSI driver's ReadWriteOncePod support after all.
   */
  readonly migratedIn?: string;
  readonly migratedTo?: string;
}

/**
 * The in-tree provisioners whose successor is well known. CSI migration GA releases, from the Kubernetes documentation
 * and release notes:
 * - Azure Disk and OpenStack Cinder: 1.24 (https://kubernetes-csi.github.io/docs/kubernetes-changelog.html, "Kubernetes 1.24");
 * - AWS EBS and GCE PD: 1.25, when the core of CSI migration went GA
 *   (https://kubernetes.io/blog/2022/09/26/storage-in-tree-to-csi-migration-status-update-1.25/);
 * - Azure File and vSphere: 1.26 (the same changelog, "Kubernetes 1.26");
 * - Portworx: 1.33 (CHANGELOG-1.33: "Promoted the feature gate CSIMigrationPortworx to GA", locked on since 1.33).
 * Ceph RBD and CephFS never reached GA migration (both in-tree plugins were removed in 1.31), and nothing
 * serves `kubernetes.io/no-provisioner` or `kubernetes.io/local-volume` through CSI.
 */
const IN_TREE_PROVISIONERS = new Map<string, InTreeProvisioner>([
  ['kubernetes.io/aws-ebs', { replacement: 'ebs.csi.aws.com (AWS EBS CSI driver)', migratedIn: '1.25', migratedTo: 'ebs.csi.aws.com' }],
  ['kubernetes.io/gce-pd', { replacement: 'pd.csi.storage.gke.io (GCE Persistent Disk CSI driver)', migratedIn: '1.25', migratedTo: 'pd.csi.storage.gke.io' }],
  ['kubernetes.io/azure-disk', { replacement: 'disk.csi.azure.com (Azure Disk CSI driver)', migratedIn: '1.24', migratedTo: 'disk.csi.azure.com' }],
  ['kubernetes.io/azure-file', { replacement: 'file.csi.azure.com (Azure File CSI driver)', migratedIn: '1.26', migratedTo: 'file.csi.azure.com' }],
  ['kubernetes.io/cinder', { replacement: 'cinder.csi.openstack.org (OpenStack Cinder CSI driver)', migratedIn: '1.24', migratedTo: 'cinder.csi.openstack.org' }],
  ['kubernetes.io/vsphere-volume', { replacement: 'csi.vsphere.vmware.com (vSphere CSI driver)', migratedIn: '1.26', migratedTo: 'csi.vsphere.vmware.com' }],
  ['kubernetes.io/portworx-volume', { replacement: 'pxd.portworx.com (Portworx CSI driver)', migratedIn: '1.33', migratedTo: 'pxd.portworx.com' }],
  ['kubernetes.io/rbd', { replacement: 'rbd.csi.ceph.com (Ceph CSI RBD driver)' }],
  ['kubernetes.io/cephfs', { replacement: 'cephfs.csi.ceph.com (Ceph CSI CephFS driver)' }],
  ['kubernetes.io/no-provisioner', {
    replacement: 'a CSI driver for node-local disks, such as TopoLVM (topolvm.io) or OpenEBS LVM (local.csi.openebs.io); statically provisioned local PersistentVolumes are not CSI',
  }],
  ['kubernetes.io/local-volume', { replacement: 'a CSI driver for node-local disks, such as TopoLVM (topolvm.io) or OpenEBS LVM (local.csi.openebs.io)' }],
]);

/** True for provisioners implemented inside Kubernetes (`kubernetes.io/*`), which cannot enforce ReadWriteOncePod. */
export function isInTreeProvisioner(provisioner: string): boolean {
  return provisioner.startsWith(IN_TREE_PREFIX);
}

/** Why an in-tree provisioner cannot serve RWOP, and what to use instead. */
export function inTreeProvisionerAdvice(provisioner: string): string {
  return `"${provisioner}" is an in-tree provisioner, and ReadWriteOncePod is enforced for CSI volumes only; use ${inTreeReplacement(provisioner)}`;
}

/** The CSI driver to name instead of an in-tree provisioner. */
export function inTreeReplacement(provisioner: string): string {
  return IN_TREE_PROVISIONERS.get(provisioner)?.replacement ?? 'the CSI driver of your storage system';
}

/** For an in-tree provisioner that CSI migration redirects to a CSI driver: that driver and the release it became GA in. */
export function csiMigrationOf(provisioner: string): { readonly driver: string; readonly since: string } | undefined {
  const known = IN_TREE_PROVISIONERS.get(provisioner);
  return known?.migratedTo && known.migratedIn ? { driver: known.migratedTo, since: known.migratedIn } : undefined;
}
