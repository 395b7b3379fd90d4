// The `labelSelector` query parameter as the API server parses it (k8s.io/apimachinery/pkg/labels), turned into a
// metav1.LabelSelector so that the rules engine's matcher evaluates it.
import { isLabelValue, isQualifiedName } from '../../../src/core/names';

export interface ParsedSelector {
  readonly matchLabels: Record<string, string>;
  readonly matchExpressions: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

/**
 * Parses `a=b,c!=d,e in (f,g),h notin (i),j,!k`. Throws on syntax the API server rejects, with its reason, so that
 * a script sending a bad selector gets a 400 as it would from a real cluster.
 */
export function parseLabelSelector(query: string): ParsedSelector {
  const selector: ParsedSelector = { matchLabels: {}, matchExpressions: [] };
  for (const requirement of splitRequirements(query)) {
    const text = requirement.trim();
    if (text === '') throw new Error(`empty requirement in "${query}"`);
    let match: RegExpMatchArray | null;
    if ((match = text.match(/^!\s*(\S+)$/))) {
      selector.matchExpressions.push({ key: checkKey(match[1]), operator: 'DoesNotExist' });
    } else if ((match = text.match(/^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/))) {
      const values = match[3].split(',').map(v => checkValue(v.trim()));
      selector.matchExpressions.push({ key: checkKey(match[1]), operator: match[2] === 'in' ? 'In' : 'NotIn', values });
    } else if ((match = text.match(/^([^=!\s]+)\s*!=\s*(\S*)$/))) {
      selector.matchExpressions.push({ key: checkKey(match[1]), operator: 'NotIn', values: [checkValue(match[2])] });
    } else if ((match = text.match(/^([^=!\s]+)\s*==?\s*(\S*)$/))) {
      const key = checkKey(match[1]);
      if (key in selector.matchLabels) {
        selector.matchExpressions.push({ key, operator: 'In', values: [checkValue(match[2])] });
      } else {
        selector.matchLabels[key] = checkValue(match[2]);
      }
    } else if ((match = text.match(/^(\S+)$/))) {
      selector.matchExpressions.push({ key: checkKey(match[1]), operator: 'Exists' });
    } else {
      throw new Error(`unable to parse requirement "${text}"`);
    }
  }
  return selector;
}

/** Commas separate requirements except inside the parentheses of a set. */
function splitRequirements(query: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of query) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function checkKey(key: string): string {
  if (!isQualifiedName(key)) throw new Error(`invalid label key "${key}"`);
  return key;
}

function checkValue(value: string): string {
  if (!isLabelValue(value)) throw new Error(`invalid label value "${value}"`);
  return value;
}
