// What is created on first use rather than when a module loads: a command starts by initialising every module it
// imports, and a library is only worth initialising for the input that needs it.
import type * as Yaml from 'yaml';

/** A function that calls `create` once, on its first call, and returns that value from then on. */
export function lazy<T>(create: () => T): () => T {
  let created: { readonly value: T } | undefined;
  return () => {
    created ??= { value: create() };
    return created.value;
  };
}

/**
 * The yaml library. It reads what needs exact positions or counted aliases and kustomization files, and writes the
 * YAML of `rwop migrate`; most runs need none of that (js-yaml reads the manifests), and initialising it would be a
 * large part of the start of `rwop`.
 */
// A require() in a function: the bundled executable initialises the library on the first call, not at its start.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const yamlLibrary = lazy(() => require('yaml') as typeof Yaml);
