// Label selector matching (metav1.LabelSelector), as the API server evaluates it.
import { asArray, asObject, asString, isObject } from './support';

/**
 * True when `labels` satisfy `selector`. An empty selector `{}` matches everything; a missing (null) selector matches
 * nothing, as for a policy/v1 PodDisruptionBudget. An unknown operator matches nothing (the API server rejects it).
 */
export function matchesSelector(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  if (!isObject(selector)) return false;
  const matchLabels = asObject(selector.matchLabels);
  for (const key in matchLabels) {
    if (!Object.prototype.hasOwnProperty.call(labels, key) || labels[key] !== matchLabels[key]) return false;
  }
  for (const raw of asArray(selector.matchExpressions)) {
    const expression = asObject(raw);
    const key = asString(expression.key);
    if (key === undefined) return false;
    const values = asArray(expression.values);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (expression.operator) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/**
 * A pod template's labels, keeping only string values. Read them as own properties (`hasOwnProperty`): the parsed
 * mapping itself is returned when all its values are strings (the usual case), and it has a prototype.
 */
export function labelsOf(metadata: unknown): Readonly<Record<string, string>> {
  const given = asObject(asObject(metadata).labels);
  let allStrings = true;
  for (const key in given) if (typeof given[key] !== 'string') allStrings = false;
  if (allStrings) return given;
  // No prototype, so that a label `__proto__` is a label.
  const labels: Record<string, string> = Object.create(null);
  for (const key of Object.keys(given)) {
    const value = given[key];
    if (typeof value === 'string') labels[key] = value;
  }
  return labels;
}
