import { RwopValidationError } from './errors';

/**
 * Where a construct's prop errors come from: made once per construct (its path and class name), it builds every
 * `RwopValidationError` the construct throws, so that checks name only the prop, the given value and what is
 * accepted. The shared checks (`requireImage(check, 'image', value)`, `validateMetadata(check, ...)`) are functions
 * that take the checker: each stays in the module of what it checks, and this class depends on nothing.
 *
 * An option struct nested in the props gets a child checker, `check.nested('container')`, whose props are named from
 * the struct (`container.image`), so that one check serves the struct wherever a construct takes it.
 */
export class PropChecker {
  /**
   * @param path the construct path of the construct checked (usable before `super()`, see `pathOf`)
   * @param construct the construct's class name, or the factory method, as the message names it
   * @param prefix what comes before each prop name: `''`, or the nested struct's prop and a dot
   */
  constructor(public readonly path: string, public readonly construct: string, private readonly prefix = '') {}

  /** The checker of the option struct under `prop`: its props are named `<prop>.<name>`. */
  public nested(prop: string): PropChecker {
    return new PropChecker(this.path, this.construct, this.propName(prop) + '.');
  }

  /** The prop's full name as errors show it, e.g. `container.image`. */
  public propName(prop: string): string {
    return this.prefix + prop;
  }

  /** The error for `prop`, given `given`; `accepted` says what is accepted instead (and why, when it helps). */
  public fail(prop: string, given: unknown, accepted: string): RwopValidationError {
    return new RwopValidationError(this.path, this.construct, this.propName(prop), given, accepted);
  }
}
