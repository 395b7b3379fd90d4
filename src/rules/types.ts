// The rules engine's vocabulary. Pure data types: no cdk8s, no constructs.
import type { KubeObject, Manifest, SourceLocation } from '../core/manifest';

export type { KubeObject, Manifest, SourceLocation };

/** How bad a finding is. `error` breaks something for sure; `warning` very likely; `info` is an explained choice. */
export type Severity = 'error' | 'warning' | 'info';

/** An object a finding is about. */
export interface ObjectRef {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly name: string;
  /** Absent for cluster-scoped kinds; "default" for a namespaced object that names none. */
  readonly namespace?: string;
  readonly source?: SourceLocation;
}

export interface Finding {
  readonly ruleId: string;
  /** Usually the rule's severity; a rule may lower it for an explained case (e.g. `pdb-blocks-drains` with a reason). */
  readonly severity: Severity;
  readonly message: string;
  /** Every object involved, the main one first, so that a cross-object finding names all of them. */
  readonly objects: readonly ObjectRef[];
  /** Set when one of the objects suppresses this rule with `rwop.dev/suppress` and gives a reason. */
  readonly suppressed?: { readonly reason: string };
}

