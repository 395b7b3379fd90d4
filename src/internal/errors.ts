import { Construct } from 'constructs';

/**
 * The construct path a construct will have, usable before `super()` has run.
 */
export function pathOf(scope: Construct, id: string): string {
  return scope.node.path ? `${scope.node.path}/${id}` : id;
}

/**
 * Marks our validation errors across copies of this package (two installs in one app would fail `instanceof`).
 */
const VALIDATION_ERROR = Symbol.for('cdk8s-rwop.RwopValidationError');

/**
 * The one error every construct of this library throws for a bad prop: where (construct path), which construct and
 * prop, what was given, and what is accepted. Not a jsii type (jsii cannot export a subclass of `Error`): other
 * languages read it through `RwopErrors`. Constructs make it through their `PropChecker`.
 */
export class RwopValidationError extends Error {
  public readonly constructPath: string;
  public readonly construct: string;
  public readonly prop: string;
  /** The given value as the message shows it: a JSON rendering, or `missing`. */
  public readonly given: string;
  public readonly accepted: string;

  constructor(constructPath: string, construct: string, prop: string, given: unknown, accepted: string) {
    const shown = describe(given);
    super(`${constructPath}: ${construct} prop "${prop}" is ${shown}; ${accepted}`);
    this.name = 'RwopValidationError';
    this.constructPath = constructPath;
    this.construct = construct;
    this.prop = prop;
    this.given = shown;
    this.accepted = accepted;
    Object.defineProperty(this, VALIDATION_ERROR, { value: true });
  }
}

/** Whether `error` is a validation error of this library (of any installed copy of it). */
export function isRwopValidationError(error: unknown): error is RwopValidationError {
  return typeof error === 'object' && error !== null && VALIDATION_ERROR in error;
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
