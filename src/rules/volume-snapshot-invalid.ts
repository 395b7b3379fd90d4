import type { Rule } from './rule';
import { asObject, describeRef, finding, isObject } from './support';
import type { Finding } from './types';

/** What the snapshot.storage.k8s.io/v1 CRD's schema and CEL rules reject. */
export const volumeSnapshotInvalid: Rule = {
  id: 'volume-snapshot-invalid',
  severity: 'error',
  summary: 'A VolumeSnapshot breaks its CRD\'s rules: spec.source must set exactly one of persistentVolumeClaimName and volumeSnapshotContentName, and volumeSnapshotClassName must not be "".',
  remediation: 'Set spec.source.persistentVolumeClaimName (a new snapshot) or spec.source.volumeSnapshotContentName (an existing one), not both; omit volumeSnapshotClassName to get the driver\'s default class.',
  check(index) {
    const findings: Finding[] = [];
    for (const snapshot of index.ofKind('VolumeSnapshot')) {
      if (!(snapshot.ref.apiVersion ?? '').startsWith('snapshot.storage.k8s.io/')) continue;
      const spec = snapshot.object.spec;
      const problems: string[] = [];
      if (!isObject(spec) || !isObject(spec.source)) {
        problems.push('spec.source is required');
      } else {
        const source = asObject(spec.source);
        const hasClaim = source.persistentVolumeClaimName !== undefined;
        const hasContent = source.volumeSnapshotContentName !== undefined;
        if (hasClaim === hasContent) {
          problems.push(`"exactly one of volumeSnapshotContentName and persistentVolumeClaimName must be set" (${hasClaim ? 'both are' : 'neither is'})`);
        }
        if (spec.volumeSnapshotClassName === '') {
          problems.push('"volumeSnapshotClassName must not be the empty string when set" (omit it for the default class)');
        }
      }
      if (problems.length === 0) continue;
      findings.push(finding(volumeSnapshotInvalid, `${describeRef(snapshot.ref)} is rejected by the VolumeSnapshot CRD: ${problems.join('; ')}`, [snapshot.ref]));
    }
    return findings;
  },
};
