import type { IndexedObject } from './manifest-index';
import type { Rule } from './rule';
import { storageClassOf } from './rwop-in-tree-provisioner';
import { asObject, asString, describeRef, finding } from './support';
import type { Finding } from './types';
import { inTreeReplacement, isInTreeProvisioner } from '../core/csi-drivers';

const SNAPSHOT_GROUP = 'snapshot.storage.k8s.io';

/**
 * Why a snapshot of a claim provisioned by `provisioner` is never cut, or undefined when nothing in these facts says so.
 * The snapshot controller cuts snapshots of CSI volumes only: a PersistentVolume without a `csi` source, which an
 * in-tree provisioner makes (a volume that CSI migration serves keeps its in-tree source), fails with "snapshotting
 * non-CSI volumes is not supported". A snapshot class names the one CSI driver that serves it, and a driver can only
 * snapshot its own volumes. https://kubernetes.io/docs/concepts/storage/volume-snapshot-classes/
 */
export function snapshotDriverProblem(provisioner: string, snapshotClassDriver: string | undefined): string | undefined {
  if (isInTreeProvisioner(provisioner)) {
    return `its provisioner "${provisioner}" is in-tree, and only CSI volumes can be snapshotted (the snapshot controller fails with `
      + `"snapshotting non-CSI volumes is not supported"); provision the claim with ${inTreeReplacement(provisioner)}`;
  }
  if (snapshotClassDriver !== undefined && snapshotClassDriver !== provisioner) {
    return `the snapshot class's driver "${snapshotClassDriver}" is not the claim's provisioner "${provisioner}", and a CSI driver snapshots only its own volumes; `
      + `use a VolumeSnapshotClass whose driver is "${provisioner}"`;
  }
  return undefined;
}

/** A VolumeSnapshot of a claim of the input that its StorageClass or its VolumeSnapshotClass (in the input) cannot serve. */
export const snapshotDriverMismatch: Rule = {
  id: 'snapshot-driver-mismatch',
  severity: 'error',
  summary: 'A VolumeSnapshot of a claim whose StorageClass has an in-tree provisioner (not CSI), or whose VolumeSnapshotClass has a driver other than the claim\'s provisioner: the snapshot is never cut.',
  remediation: 'Snapshot claims of a CSI StorageClass only, with a VolumeSnapshotClass whose driver is that StorageClass\'s provisioner (or no class: the driver\'s default class).',
  check(index) {
    const findings: Finding[] = [];
    const snapshotClasses = new Map<string, IndexedObject>();
    for (const snapshotClass of index.ofKind('VolumeSnapshotClass')) {
      if (isSnapshotGroup(snapshotClass) && !snapshotClasses.has(snapshotClass.name)) snapshotClasses.set(snapshotClass.name, snapshotClass);
    }
    for (const snapshot of index.ofKind('VolumeSnapshot')) {
      if (!isSnapshotGroup(snapshot)) continue;
      const spec = asObject(snapshot.object.spec);
      const claimName = asString(asObject(spec.source).persistentVolumeClaimName);
      const claim = claimName === undefined ? undefined : index.claim(snapshot.namespace, claimName);
      const storageClass = claim && storageClassOf(index, claim.object);
      const provisioner = storageClass && asString(storageClass.object.provisioner);
      if (!claim || !storageClass || provisioner === undefined) continue;
      const className = asString(spec.volumeSnapshotClassName);
      const snapshotClass = className === undefined ? undefined : snapshotClasses.get(className);
      const problem = snapshotDriverProblem(provisioner, asString(snapshotClass?.object.driver));
      if (problem === undefined) continue;
      const through = snapshotClass ? ` with ${describeRef(snapshotClass.ref)}` : '';
      findings.push(finding(snapshotDriverMismatch,
        `${describeRef(snapshot.ref)} snapshots ${describeRef(claim.ref)} of ${describeRef(storageClass.ref)}${through}, but ${problem}`,
        [snapshot.ref, claim.ref, storageClass.ref, ...(snapshotClass ? [snapshotClass.ref] : [])]));
    }
    return findings;
  },
};

function isSnapshotGroup(entry: IndexedObject): boolean {
  return (entry.ref.apiVersion ?? '').startsWith(`${SNAPSHOT_GROUP}/`);
}
