import type { Rule } from './rule';
import { asString, describeRef, finding } from './support';
import type { Finding } from './types';

/** An image that can change under a running workload, such as `bitnami/kubectl:latest`. */
export const unpinnedImage: Rule = {
  id: 'unpinned-image',
  severity: 'warning',
  summary: 'A container image is not pinned: tagged :latest, or with neither a tag nor a digest.',
  remediation: 'Pin a version tag, or better a digest (name:1.2.3@sha256:...), and update it on purpose.',
  check(index) {
    const findings: Finding[] = [];
    for (const template of index.podTemplates) {
      for (const container of template.containers) {
        const image = asString(container.image);
        if (!image) continue;
        const problem = unpinned(image);
        if (!problem) continue;
        const policy = asString(container.imagePullPolicy) ?? 'Always';
        const pulls = policy === 'Always'
          ? `it is pulled again on every container start (imagePullPolicy Always${container.imagePullPolicy === undefined ? ', the default for such an image' : ''})`
          : 'each node keeps whichever version it pulled first';
        findings.push(finding(unpinnedImage,
          `${describeRef(template.workload.ref)} container "${asString(container.name) ?? '<no name>'}" runs image ${JSON.stringify(image)}, ${problem}: `
          + `${pulls}, so a restart or a reschedule can run different software, without any change in the manifests`,
          [template.workload.ref]));
      }
    }
    return findings;
  },
};

/** Why an image reference is not pinned, or undefined when it has a digest or a tag other than latest. */
export function unpinned(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const colon = image.lastIndexOf(':');
  const tag = colon > image.lastIndexOf('/') ? image.slice(colon + 1) : undefined;
  if (tag === undefined) return 'which has no tag and no digest (so it means :latest)';
  if (tag === 'latest') return 'whose tag :latest moves';
  return undefined;
}
