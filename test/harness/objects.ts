/** Helpers for reading plain manifest objects and addressing their fields with JSON pointers. */

export function isPlainObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Splits "apps/v1" into its group and version; the core group ("v1") is "". */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return { group: apiVersion.slice(0, Math.max(slash, 0)), version: apiVersion.slice(slash + 1) };
}

/** kubectl's "Kind.group" spelling, e.g. "Deployment.apps", or just "Service" for the core group. */
export function groupKind(obj: { apiVersion: string; kind: string }): string {
  const { group } = splitApiVersion(obj.apiVersion);
  return group ? `${obj.kind}.${group}` : obj.kind;
}

/** Appends one key to a JSON pointer, escaping "~" and "/" (label keys often contain "/"). */
export function child(pointer: string, key: string | number): string {
  return `${pointer}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** The value a JSON pointer addresses, or undefined when any step is missing. */
export function valueAt(root: unknown, pointer: string): any {
  if (pointer === '') return root;
  return pointer.slice(1).split('/').reduce<any>((value, token) => {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    return typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? value[key] : undefined;
  }, root);
}
