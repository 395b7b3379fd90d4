// The rules engine: internal, never exported from src/index.ts. The faces (synth-time checks,
// `rwop audit`, the cdk8s plugin) import from here.
export { RULES, ruleById } from './all';
export { runRules, selectRules } from './engine';
export type { RunOptions } from './engine';
export { ManifestIndex } from './manifest-index';
export { CONTENT_KINDS, identityOf, isContentKind } from './kinds-read';
export { SEVERITIES, compareSeverity, isAtLeast, isSeverity } from './severity';
export { SUPPRESS_ANNOTATION, SUPPRESS_REASON_ANNOTATION } from './suppression';
export { BLOCKS_DRAINS_REASON_ANNOTATION } from './pdb-blocks-drains';
export type { Finding, KubeObject, Manifest, ObjectRef, Severity, SourceLocation } from './types';
export type { Rule } from './rule';
