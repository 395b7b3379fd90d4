import { isRwopValidationError } from '../internal/errors';

/**
 * What a construct of this library refused: the fields of its validation error, for tools and tests that react to
 * one prop rather than parse the message.
 */
export interface RwopValidationDetails {
  /** The construct path of the construct that refused the prop, e.g. `prod/Postgres`. */
  readonly constructPath: string;
  /** The construct's class name, e.g. `SingleWriterDatabase`. */
  readonly construct: string;
  /** The prop, e.g. `replicas` or `env["PGDATA"]`. */
  readonly prop: string;
  /** The given value as the message shows it: a JSON rendering, or `missing`. */
  readonly given: string;
  /** What is accepted instead. */
  readonly accepted: string;
  /** The whole message: `<path>: <construct> prop "<prop>" is <given>; <accepted>`. */
  readonly message: string;
}

/**
 * Tells the errors of this library's constructs apart from others. Every bad prop is refused at construction with one
 * kind of error, which names the construct path, the construct, the prop, the given value and what is accepted.
 *
 * In TypeScript and JavaScript the thrown error itself carries those fields. Other languages receive a runtime
 * exception with the message only, always in the shape
 * `<construct path>: <construct> prop "<prop>" is <given>; <what is accepted>`.
 *
 * For example, `RwopErrors.validationDetails(error)?.prop` in a `catch` block is `storageClassName` when an
 * `ExclusiveVolume` refused its class name.
 */
export class RwopErrors {
  /** Whether `error` is a validation error of this library's constructs. */
  public static isValidationError(error: any): boolean {
    return isRwopValidationError(error);
  }

  /** The fields of a validation error of this library's constructs, or `undefined` for any other value. */
  public static validationDetails(error: any): RwopValidationDetails | undefined {
    if (!isRwopValidationError(error)) return undefined;
    return {
      constructPath: error.constructPath,
      construct: error.construct,
      prop: error.prop,
      given: error.given,
      accepted: error.accepted,
      message: error.message,
    };
  }

  private constructor() {}
}
