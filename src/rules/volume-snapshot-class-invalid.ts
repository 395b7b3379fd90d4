import type { Rule } from './rule';
import { asObject, describeRef, finding } from './support';
import type { Finding } from './types';
import { isCsiDriverName } from '../core/names';

/** A VolumeSnapshotClass without its required top-level fields. */
export const volumeSnapshotClassInvalid: Rule = {
  id: 'volume-snapshot-class-invalid',
  severity: 'error',
  summary: 'A VolumeSnapshotClass lacks a valid top-level driver or a deletionPolicy of Delete or Retain.',
  remediation: 'Set driver (the CSI driver name, e.g. ebs.csi.aws.com) and deletionPolicy (Retain or Delete) at the top level: a VolumeSnapshotClass has no spec.',
  check(index) {
    const findings: Finding[] = [];
    for (const snapshotClass of index.ofKind('VolumeSnapshotClass')) {
      if (!(snapshotClass.ref.apiVersion ?? '').startsWith('snapshot.storage.k8s.io/')) continue;
      const object = snapshotClass.object;
      const problems: string[] = [];
      if (object.driver === undefined) {
        problems.push('driver is missing, and the CRD requires it');
      } else if (typeof object.driver !== 'string' || !isCsiDriverName(object.driver)) {
        problems.push(`driver ${JSON.stringify(object.driver)} is not a CSI driver name, so no CSI snapshotter will ever serve the class`);
      }
      if (object.deletionPolicy === undefined) {
        problems.push('deletionPolicy is missing, and the CRD requires Delete or Retain');
      } else if (object.deletionPolicy !== 'Delete' && object.deletionPolicy !== 'Retain') {
        problems.push(`deletionPolicy ${JSON.stringify(object.deletionPolicy)} is not Delete or Retain, the only values the CRD accepts`);
      }
      if (problems.length === 0) continue;
      const spec = asObject(object.spec);
      const hint = spec.driver !== undefined || spec.deletionPolicy !== undefined ? ' (they are top-level fields: a VolumeSnapshotClass has no spec)' : '';
      findings.push(finding(volumeSnapshotClassInvalid,
        `${describeRef(snapshotClass.ref)} is invalid: ${problems.join('; ')}${hint}`,
        [snapshotClass.ref]));
    }
    return findings;
  },
};
