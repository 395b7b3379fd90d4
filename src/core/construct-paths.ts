// Construct paths keyed by what tells Kubernetes objects apart (API group, kind, namespace, name). cdk8s records
// `construct-metadata.json` keyed by `metadata.name` alone, so a Deployment, its Service and its NetworkPolicy that
// share a name all get the path of whichever was written last. At synth our constructs write this file next to it;
// the validation plugin reads it. Plain data and `fs` only: the plugin loads this without cdk8s.
import * as fs from 'fs';
import * as path from 'path';

/** The file written next to cdk8s's `construct-metadata.json` when `cdk8s synth` records construct metadata. */
const CONSTRUCT_PATHS_FILE = 'construct-metadata.rwop.json';
const VERSION = '1.0.0';

/** One synthesized object: its `apiVersion`, `kind`, `metadata.namespace` (absent when unset) and `metadata.name`. */
export interface ConstructPathEntry {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly path: string;
}

/** Whether this process is an app run by `cdk8s synth` with validation plugins (the CLI then records metadata). */
export function recordsConstructMetadata(): boolean {
  return process.env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true';
}

export function writeConstructPaths(outdir: string, entries: readonly ConstructPathEntry[]): void {
  fs.mkdirSync(outdir, { recursive: true });
  fs.writeFileSync(path.join(outdir, CONSTRUCT_PATHS_FILE), JSON.stringify({ version: VERSION, resources: entries }));
}

/** Looks up the construct path of an object by API group, kind, namespace and name. */
export class ConstructPaths {
  /** Reads the file from `dir`; an empty lookup when the app wrote none (an app without our constructs). */
  public static read(dir: string): ConstructPaths {
    let contents: any;
    try {
      contents = JSON.parse(fs.readFileSync(path.join(dir, CONSTRUCT_PATHS_FILE), 'utf-8'));
    } catch {
      return new ConstructPaths([]);
    }
    const valid = contents?.version === VERSION && Array.isArray(contents.resources);
    return new ConstructPaths(valid ? contents.resources : []);
  }

  private readonly paths = new Map<string, string>();

  public constructor(entries: readonly ConstructPathEntry[]) {
    for (const entry of entries) this.paths.set(keyOf(entry.apiVersion, entry.kind, entry.namespace ?? '', entry.name), entry.path);
  }

  /**
   * The construct path of the object, or undefined. A namespaced object that names no namespace is matched as
   * namespace "default" (how the rules name it) too.
   */
  public find(apiVersion: string | undefined, kind: string, namespace: string | undefined, name: string): string | undefined {
    const exact = this.paths.get(keyOf(apiVersion ?? '', kind, namespace ?? '', name));
    if (exact !== undefined || namespace !== 'default') return exact;
    return this.paths.get(keyOf(apiVersion ?? '', kind, '', name));
  }
}

/** Objects are told apart by API group, not version: `apps/v1` and `apps/v1beta2` name the same Deployment. */
function keyOf(apiVersion: string, kind: string, namespace: string, name: string): string {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return [group, kind, namespace, name].join('\u0000');
}
