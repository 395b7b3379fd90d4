import { ApiObjectMetadataDefinition } from 'cdk8s';
import { PropChecker } from './prop-checker';

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
 * Adds the prune-protection annotations; a user's own Argo CD sync options are kept and ours appended.
 * Call `requireNoPruneConflict` first.
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

/**
 * Refuses user annotations that would switch the protection off while `protectFromPrune` asks for it
 * (e.g. `Prune=true` in Argo CD's sync options, Flux `prune: enabled`, another Helm resource policy).
 */
export function requireNoPruneConflict(check: PropChecker, userAnnotations: { [key: string]: string } | undefined): void {
  for (const [key, value] of PRUNE_PROTECTION) {
    const given = userAnnotations?.[key];
    if (given === undefined) continue;
    const conflict = key === ARGO_SYNC_OPTIONS
      ? syncOptionList(value).find(required => syncOptionList(given).some(o => optionName(o) === optionName(required) && o !== required))
      : (given !== value ? `${key}: ${given}` : undefined);
    if (conflict !== undefined) {
      throw check.nested('metadata').fail(`annotations["${key}"]`, given,
        `it turns off the prune protection (${conflict}) that protectFromPrune (default true) adds; accepted: set protectFromPrune: false to opt out, or drop the conflicting value`);
    }
  }
}

function syncOptionList(options: string): string[] {
  return options.split(',').map(o => o.trim()).filter(o => o.length > 0);
}

function optionName(option: string): string {
  return option.split('=')[0];
}

/** Argo CD sync options are a comma-separated list of `Name=value`; an option the user set keeps the user's value. */
function mergeSyncOptions(given: string, required: string): string {
  const options = syncOptionList(given);
  const names = new Set(options.map(optionName));
  const missing = syncOptionList(required).filter(o => !names.has(optionName(o)));
  return [...options, ...missing].join(',');
}
