// Small helpers to write PromQL and Prometheus rule fields from checked values.

/** A PromQL string literal (Go's quoting rules accept JSON's escapes). */
export function promString(value: string): string {
  return JSON.stringify(value);
}

/** `name="value"` or `name=~"a|b"` for one or more exact values. */
export function matchAny(label: string, values: readonly string[]): string {
  if (values.length === 1) return `${label}=${promString(values[0])}`;
  return `${label}=~${promString(values.map(escapeRegExp).join('|'))}`;
}

/** A series selector: the metric with the matchers, empty ones left out. */
export function selector(metric: string, ...matchers: Array<string | undefined>): string {
  const present = matchers.filter((m): m is string => m !== undefined && m !== '');
  return present.length === 0 ? metric : `${metric}{${present.join(', ')}}`;
}

/** A Prometheus duration for whole seconds, in the largest units that divide it: 600 → "10m", 5400 → "1h30m". */
export function promDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const units: Array<[string, number]> = [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]];
  let rest = seconds;
  let text = '';
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text;
}

/** A Prometheus label name (alert labels, matchers). */
export function isPromLabelName(name: string): boolean {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name);
}

/**
 * A comma-separated list of label matchers as written inside a selector's braces, e.g. `cluster="prod", job=~"ksm.*"`.
 * Only double-quoted values: they are what every other field of the rules uses.
 */
export function isMatcherList(text: string): boolean {
  const matcher = String.raw`\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"(?:[^"\\]|\\.)*"\s*`;
  return new RegExp(`^${matcher}(,${matcher})*$`).test(text);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
