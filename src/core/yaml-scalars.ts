// Plain YAML scalars as kubectl reads them. kubectl (and Helm, Argo CD, Flux) turn YAML into JSON with Go's YAML 1.1
// reader, which differs from the YAML 1.1 specification in ways that change what a manifest means: `yes`, `on` and `y`
// are booleans, `0755` and `0o755` are octal, but `1:30` (sexagesimal in the specification) stays a string, as do
// timestamps, and `.inf` or `.nan` make kubectl refuse the whole file, since JSON has no such numbers. Both of our
// readers (the fast one and the careful one) resolve plain scalars with the functions below, so they agree, and a test
// compares them with what the kubectl client prints.

/** The value of a plain scalar that is not a string, or undefined when kubectl reads it as a string. */
export type PlainScalarValue = null | boolean | number;

const NULL = /^(?:~|null|Null|NULL|)$/;
const TRUE = /^(?:y|Y|yes|Yes|YES|on|On|ON|true|True|TRUE)$/;
const FALSE = /^(?:n|N|no|No|NO|off|Off|OFF|false|False|FALSE)$/;
const INFINITY = /^[-+]?\.(?:inf|Inf|INF)$/;
const NOT_A_NUMBER = /^\.(?:nan|NaN|NAN)$/;
/** The floats Go's YAML accepts (after its underscores are removed). */
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** Integers as Go's strconv.ParseInt reads them with base 0: decimal, 0x hex, 0o or leading-0 octal, 0b binary. */
const INTEGER = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;

/** A plain scalar whose value kubectl cannot turn into JSON (kubectl refuses the file). */
class UnrepresentableScalarError extends Error {
  constructor(readonly text: string) {
    super(`"${text}" is ${NOT_A_NUMBER.test(text) ? 'not a number' : 'an infinite number'}, which JSON cannot hold: kubectl refuses this file (quote it to make it a string)`);
    this.name = 'UnrepresentableScalarError';
  }
}

// Every plain scalar of a document goes through the functions below, most of them names and words: a test of the
// length or the first character turns those away before any pattern is tried.

export function isNullScalar(text: string): boolean {
  return text.length <= 4 && NULL.test(text);
}

/** true or false for the booleans of Go's YAML; undefined for anything else. */
export function booleanScalar(text: string): boolean | undefined {
  if (text.length > 5) return undefined; // longer than "false"
  if (TRUE.test(text)) return true;
  if (FALSE.test(text)) return false;
  return undefined;
}

/** Whether `text` may be a number and so must go through numberScalar: what Go's YAML tries as a number starts with a digit, a sign or a dot. */
export function mayBeNumber(text: string): boolean {
  const first = text.charCodeAt(0);
  return (first >= 48 && first <= 57) || first === 45 /* - */ || first === 43 /* + */ || first === 46 /* . */;
}

/**
 * The number kubectl reads for `text`, or undefined when it reads a string. Throws UnrepresentableScalarError for
 * `.inf` and `.nan`, which kubectl refuses.
 */
export function numberScalar(text: string): number | undefined {
  if (isPlainDecimal(text)) return Number(text); // the common case: `replicas: 3`, `port: 8080`
  if (INFINITY.test(text) || NOT_A_NUMBER.test(text)) throw new UnrepresentableScalarError(text);
  const plain = text.replace(/_/g, '');
  const integer = INTEGER.exec(plain);
  if (integer !== null) {
    const [, sign, digits] = integer;
    const magnitude = integerMagnitude(digits);
    return sign === '-' && magnitude !== 0 ? -magnitude : magnitude; // an integer has no negative zero
  }
  if (FLOAT.test(plain)) {
    const value = Number(plain);
    // Go's ParseFloat fails on overflow, and the scalar stays a string.
    return Number.isFinite(value) ? value : undefined;
  }
  return undefined;
}

/** `0`, or digits without a leading zero (which would make them octal). */
function isPlainDecimal(text: string): boolean {
  if (text.length === 0 || (text.charCodeAt(0) === 48 && text.length > 1)) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

function integerMagnitude(digits: string): number {
  const prefix = digits.slice(0, 2).toLowerCase();
  if (prefix === '0x') return parseInt(digits.slice(2), 16);
  if (prefix === '0o') return parseInt(digits.slice(2), 8);
  if (prefix === '0b') return parseInt(digits.slice(2), 2);
  if (digits.length > 1 && digits.startsWith('0')) return parseInt(digits.slice(1), 8);
  return Number(digits);
}
