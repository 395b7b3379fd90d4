// What `rwop` creates on first use rather than when it starts (the yaml library is in src/core/lazy.ts, beside the
// parser that uses it).
import type * as ChildProcess from 'child_process';
import type Ignore from 'ignore';
import { lazy } from '../core/lazy';

/** The gitignore-style matcher, for `--exclude` and `.rwopignore`: most runs have neither. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const ignoreLibrary = lazy(() => require('ignore') as typeof Ignore);

/** Node's child_process, which loads its sockets and streams: only a directory (git) or a kustomization needs it. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const childProcess = lazy(() => require('child_process') as typeof ChildProcess);
