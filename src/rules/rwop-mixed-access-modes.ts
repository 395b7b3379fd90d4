import type { Rule } from './rule';
import { accessModesOf, asArray, asObject, asString, describeRef, finding, isObject, RWOP } from './support';
import type { Finding, KubeObject, ObjectRef } from './types';

/** The API server rejects ReadWriteOncePod next to any other mode. */
export const rwopMixedAccessModes: Rule = {
  id: 'rwop-mixed-access-modes',
  severity: 'error',
  summary: 'ReadWriteOncePod is combined with another access mode in a PersistentVolumeClaim, PersistentVolume, StatefulSet claim template or ephemeral volume.',
  remediation: 'List ReadWriteOncePod alone in accessModes: it already allows reads and writes, from one pod.',
  check(index) {
    const findings: Finding[] = [];
    const check = (ref: ObjectRef, where: string, object: KubeObject, consequence: string) => {
      const modes = accessModesOf(object);
      if (!modes.includes(RWOP) || modes.length < 2) return;
      const others = modes.filter((mode) => mode !== RWOP);
      findings.push(finding(rwopMixedAccessModes,
        `${describeRef(ref)}${where} combines ReadWriteOncePod with ${others.join(', ')}: ${consequence} ("may not use ReadWriteOncePod with other access modes")`,
        [ref]));
    };
    for (const kind of ['PersistentVolumeClaim', 'PersistentVolume']) {
      for (const entry of index.ofKind(kind)) check(entry.ref, '', entry.object, 'the API server rejects it');
    }
    for (const statefulSet of index.ofKind('StatefulSet')) {
      for (const raw of asArray(asObject(statefulSet.object.spec).volumeClaimTemplates)) {
        if (!isObject(raw)) continue;
        const name = asString(asObject(raw.metadata).name) ?? '<no name>';
        check(statefulSet.ref, ` claim template "${name}"`, raw, 'every claim made from it is rejected by the API server');
      }
    }
    for (const template of index.podTemplates) {
      for (const raw of asArray(template.spec.volumes)) {
        const volume = asObject(raw);
        const claimTemplate = asObject(asObject(volume.ephemeral).volumeClaimTemplate);
        const name = asString(volume.name) ?? '<no name>';
        check(template.workload.ref, ` ephemeral volume "${name}"`, claimTemplate, 'every claim made from it is rejected by the API server');
      }
    }
    return findings;
  },
};
