import { Size, SizeRoundingBehavior } from 'cdk8s';

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
 * @returns undefined when the size is not a positive whole number of KiB
 */
export function exactQuantity(size: Size): string | undefined {
  for (const [unit, convert] of BINARY_UNITS) {
    const amount = convert(size);
    if (Number.isInteger(amount) && amount > 0) {
      return `${amount}${unit}`;
    }
  }
  return undefined;
}
