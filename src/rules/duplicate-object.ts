import type { IndexedObject } from './manifest-index';
import type { Rule } from './rule';
import { asObject, asString, describeRef, finding } from './support';
import type { Finding, SourceLocation } from './types';

/**
 * Two objects with the same identity: API group (not version: `apps/v1` and `apps/v1beta2` name the same resource),
 * kind, namespace and name. `kubectl apply` and GitOps tools apply one over the other, so one of them is silently lost.
 * A namespaced object without `metadata.namespace` lands in whatever namespace the apply uses: two such objects collide
 * with each other, but not with one that names a namespace. Objects with only `generateName` never collide, and
 * neither do objects read back from a cluster (they carry `metadata.uid`): two dumps that both list a Pod show one
 * object twice, and a dump next to the manifests shows the live object beside its definition.
 */
export const duplicateObject: Rule = {
  id: 'duplicate-object',
  severity: 'error',
  summary: 'Two objects (in one file or two) have the same API group, kind, namespace and name, so applying them keeps one and silently loses the other.',
  remediation: 'Rename one of them, or remove the copy; for two cdk8s constructs of the same name, give them different ids or names.',
  check(index) {
    const findings: Finding[] = [];
    // Objects of one identity also share kind, namespace and name as the index reads them: only those are compared.
    for (const candidates of index.objectsNamedAlike()) {
      const byIdentity = new Map<string, IndexedObject[]>();
      for (const entry of candidates) {
        const identity = identityOf(entry);
        if (identity === undefined) continue;
        const same = byIdentity.get(identity);
        if (same) same.push(entry);
        else byIdentity.set(identity, [entry]);
      }
      for (const copies of byIdentity.values()) {
        if (copies.length < 2) continue;
        const [first] = copies;
        findings.push(finding(duplicateObject,
          `${describeRef(first.ref)} is defined ${copies.length} times (${copies.map((copy) => describeSource(copy.source)).join('; ')}): `
          + 'kubectl apply and GitOps tools keep only one of them, and which one depends on the order they apply in',
          copies.map((copy) => copy.ref)));
      }
    }
    return findings;
  },
};

/** The object's identity in the API, or undefined when it has no fixed name. */
function identityOf(entry: IndexedObject): string | undefined {
  const metadata = asObject(entry.object.metadata);
  const name = asString(metadata.name);
  if (!name || asString(metadata.uid)) return undefined;
  // "" for a cluster-scoped kind; for a namespaced one an absent namespace is its own (unknown) value.
  const namespace = entry.namespace === '' ? '' : asString(metadata.namespace) || '\u0000unset';
  return `${groupOf(entry.ref.apiVersion)}\u0000${entry.kind}\u0000${namespace}\u0000${name}`;
}

function groupOf(apiVersion: string | undefined): string {
  const slash = apiVersion?.indexOf('/') ?? -1;
  return slash === -1 ? '' : apiVersion!.slice(0, slash);
}

function describeSource(source: SourceLocation | undefined): string {
  if (source?.constructPath) return `construct ${source.constructPath}`;
  if (source?.file) return source.line !== undefined ? `${source.file}:${source.line}` : source.file;
  return 'location unknown';
}
