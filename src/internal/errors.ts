import { Construct } from 'constructs';

/**
 * The construct path a construct will have, usable before `super()` has run.
 */
export function pathOf(scope: Construct, id: string): string {
  return scope.node.path ? `${scope.node.path}/${id}` : id;
}

/**
 * An error for a bad prop value, in the one shape every construct of this library uses:
 * where (construct path), which construct and prop, what was given, and what is accepted.
 */
export function invalidProp(path: string, construct: string, prop: string, given: unknown, accepted: string): Error {
  return new Error(`${path}: ${construct} prop "${prop}" is ${describe(given)}; ${accepted}`);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
