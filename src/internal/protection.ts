import { ApiObjectMetadataDefinition } from 'cdk8s';

/**
 * The annotations that keep an object, and so its data, alive when it leaves the desired state:
 * Argo CD neither prunes it nor deletes it with its Application, Flux does not garbage-collect it,
 * and `helm uninstall` leaves it in place.
 */
const PRUNE_PROTECTION: ReadonlyArray<[key: string, value: string]> = [
  ['argocd.argoproj.io/sync-options', 'Prune=false,Delete=false'],
  ['kustomize.toolkit.fluxcd.io/prune', 'disabled'],
  ['helm.sh/resource-policy', 'keep'],
];

const ARGO_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

/**
 * Adds the prune-protection annotations. A user's own Argo CD sync options are kept and ours appended;
 * a user's own value for the other keys wins.
 */
export function addPruneProtection(metadata: ApiObjectMetadataDefinition, userAnnotations: { [key: string]: string } | undefined): void {
  for (const [key, value] of PRUNE_PROTECTION) {
    const given = userAnnotations?.[key];
    if (given === undefined) {
      metadata.addAnnotation(key, value);
    } else if (key === ARGO_SYNC_OPTIONS) {
      metadata.addAnnotation(key, mergeSyncOptions(given, value));
    }
  }
}

/** Argo CD sync options are a comma-separated list of `Name=value`; an option the user set keeps the user's value. */
function mergeSyncOptions(given: string, required: string): string {
  const options = given.split(',').map(o => o.trim()).filter(o => o.length > 0);
  const names = new Set(options.map(o => o.split('=')[0]));
  const missing = required.split(',').filter(o => !names.has(o.split('=')[0]));
  return [...options, ...missing].join(',');
}
