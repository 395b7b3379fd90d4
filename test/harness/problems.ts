import type { ErrorObject } from 'ajv';
import { child, valueAt } from './objects';

/** A problem inside one object; index.ts adds which object it is. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/** What a schema module found for one object. */
export interface SchemaResult {
  /** Whether the kind lives in a namespace; undefined when the kind is unknown. */
  readonly namespaced?: boolean;
  readonly problems: Problem[];
}

/** A short, quotable rendering of the offending value. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * Turns ajv errors (from kubernetes-models' precompiled validators or our CRD validators) into problems.
 * Int-or-string and quantity fields are `oneOf` schemas: ajv reports every failed branch plus the `oneOf`
 * itself, so all errors at such a path collapse into one problem naming the accepted shapes.
 */
export function ajvProblems(errors: readonly ErrorObject[], data: unknown): Problem[] {
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  return errors.flatMap((error) => {
    if (!oneOfPaths.has(error.instancePath)) return [errorProblem(error, data)];
    if (error.keyword !== 'oneOf') return [];
    const branches = errors.filter((e) => e.instancePath === error.instancePath && e.keyword !== 'oneOf');
    const shapes = branches.map((e) => (e.keyword === 'format' ? `string in "${e.params.format}" format` : String(e.params.type ?? e.message)));
    return [{ path: error.instancePath, message: `must be ${shapes.join(' or ')}, got ${describeValue(valueAt(data, error.instancePath))}` }];
  });
}

function errorProblem(error: ErrorObject, data: unknown): Problem {
  const path = error.instancePath;
  const got = describeValue(valueAt(data, path));
  switch (error.keyword) {
    case 'required':
      return { path: child(path, error.params.missingProperty), message: `missing required field "${error.params.missingProperty}"` };
    case 'additionalProperties':
      return { path: child(path, error.params.additionalProperty), message: `unknown field "${error.params.additionalProperty}"` };
    case 'enum':
      return { path, message: `must be one of ${error.params.allowedValues.map(describeValue).join(', ')}, got ${got}` };
    case 'type':
      return { path, message: `must be ${String(error.params.type).split(',').join(' or ')}, got ${got}` };
    case 'format':
      return { path, message: `must be a string in "${error.params.format}" format, got ${got}` };
    default:
      return { path, message: `${error.message}, got ${got}` };
  }
}
