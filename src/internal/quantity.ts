import { Size, SizeRoundingBehavior } from 'cdk8s';

/** The largest size a quantity can hold exactly: (2^63-1) bytes rounded down to KiB, which is 2^53-1 KiB. */
export const MAX_KIBIBYTES = Number.MAX_SAFE_INTEGER;

const BINARY_UNITS: Array<[string, (size: Size) => number]> = [
  ['Pi', s => s.toPebibytes({ rounding: SizeRoundingBehavior.NONE })],
  ['Ti', s => s.toTebibytes({ rounding: SizeRoundingBehavior.NONE })],
  ['Gi', s => s.toGibibytes({ rounding: SizeRoundingBehavior.NONE })],
  ['Mi', s => s.toMebibytes({ rounding: SizeRoundingBehavior.NONE })],
  ['Ki', s => s.toKibibytes({ rounding: SizeRoundingBehavior.NONE })],
];

/**
 * The exact Kubernetes quantity of a Size, in the largest binary unit that holds it as a whole number
 * (`Size.mebibytes(500)` → `500Mi`, `Size.mebibytes(2048)` → `2Gi`).
 * cdk8s-plus renders claims in whole GiB only and fails on anything else.
 *
 * @returns undefined when the size is not a positive whole number of KiB up to `MAX_KIBIBYTES`
 */
export function exactQuantity(size: Size): string | undefined {
  // The API server caps quantities at 2^63-1 bytes; past 2^53 KiB JavaScript numbers lose precision anyway.
  if (!(size.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) <= MAX_KIBIBYTES)) return undefined;
  for (const [unit, convert] of BINARY_UNITS) {
    const amount = convert(size);
    if (Number.isInteger(amount) && amount > 0) {
      return `${amount}${unit}`;
    }
  }
  return undefined;
}
