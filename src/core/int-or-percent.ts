/**
 * The absolute value of a Kubernetes int-or-string field (`maxSurge`, `maxUnavailable`, `minAvailable`) for `total`
 * pods, as `intstr.GetScaledValueFromIntOrPercent` computes it: a whole number as it is, a percentage of `total`
 * rounded by `round` (the Deployment controller rounds a surge up and an unavailability down; the disruption
 * controller rounds up). Undefined when the value is neither a whole number nor a percentage.
 */
export function scaledIntOrPercent(value: unknown, total: number, round: (pods: number) => number = Math.ceil): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  const match = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  return match ? round((Number(match[1]) * total) / 100) : undefined;
}
