// A rule: a small module with an id, a severity, a summary, a remediation and a pure check over the manifest index.
import type { ManifestIndex } from './manifest-index';
import type { Finding, Severity } from './types';

export interface Rule {
  /** kebab-case; the file `src/rules/<id>.ts` holds the rule. */
  readonly id: string;
  readonly severity: Severity;
  /** One line: what the rule finds. */
  readonly summary: string;
  /** One or two sentences: how to fix it. */
  readonly remediation: string;
  check(index: ManifestIndex): Finding[];
}
