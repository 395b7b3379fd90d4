// What `rwop` creates on first use rather than when it starts: every command starts by initialising the modules it
// imports, and a module's schemas and libraries are only worth building for the input that needs them.
import type * as ChildProcess from 'child_process';
import type Ignore from 'ignore';
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

/** The gitignore-style matcher, for `--exclude` and `.rwopignore`: most runs have neither. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const ignoreLibrary = lazy(() => require('ignore') as typeof Ignore);

/** Node's child_process, which loads its sockets and streams: only a directory (git) or a kustomization needs it. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const childProcess = lazy(() => require('child_process') as typeof ChildProcess);
