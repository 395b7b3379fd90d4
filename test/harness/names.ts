/**
 * The API server's name, label and annotation syntax (k8s.io/apimachinery/pkg/util/validation), with its wording.
 * Each rule returns what is wrong with a value, empty when it is valid.
 */
import { child, isPlainObject } from './objects';
import { Problem } from './problems';

export type NameRule = (value: string) => string[];

const LABEL_PATTERN = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL = new RegExp(`^${LABEL_PATTERN}$`);
const DNS1123_SUBDOMAIN = new RegExp(`^${LABEL_PATTERN}(\\.${LABEL_PATTERN})*$`);
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export const dnsLabel: NameRule = (value) => [
  ...maxLength(value, 63),
  ...unless(DNS1123_LABEL.test(value), "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"),
];

export const dnsSubdomain: NameRule = (value) => [
  ...maxLength(value, 253),
  ...unless(DNS1123_SUBDOMAIN.test(value), "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"),
];

/** Service names: also the DNS name of the Service, so they must start with a letter. */
export const dns1035Label: NameRule = (value) => [
  ...maxLength(value, 63),
  ...unless(DNS1035_LABEL.test(value), "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character"),
];

/** RBAC object names only need to be usable as one URL path segment (e.g. "system:controller:x"). */
export const pathSegment: NameRule = (value) => [
  ...unless(value !== '.' && value !== '..', `may not be '${value}'`),
  ...['/', '%'].filter((c) => value.includes(c)).map((c) => `may not contain '${c}'`),
];

/** IANA_SVC_NAME, for named container ports. */
export const portName: NameRule = (value) => [
  ...maxLength(value, 15),
  ...unless(/^[-a-z0-9]+$/.test(value), 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'),
  ...unless(/[a-z]/.test(value), 'must contain at least one letter (a-z)'),
  ...unless(!value.includes('--'), 'must not contain consecutive hyphens'),
  ...unless(!value.startsWith('-') && !value.endsWith('-'), 'must not begin or end with a hyphen'),
];

/** Label and annotation keys: an optional DNS subdomain prefix and "/", then a name of at most 63 characters. */
export const qualifiedName: NameRule = (value) => {
  const parts = value.split('/');
  if (parts.length > 2) return ["a qualified name must have at most one '/'"];
  const [name, prefix] = parts.reverse();
  return [
    ...(prefix === undefined ? [] : prefix === '' ? ['prefix part must be non-empty'] : dnsSubdomain(prefix).map((e) => `prefix part ${e}`)),
    ...(name === '' ? ['name part must be non-empty'] : [
      ...maxLength(name, 63).map((e) => `name part ${e}`),
      ...unless(QUALIFIED_NAME.test(name), "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"),
    ]),
  ];
};

export const labelValue: NameRule = (value) => [
  ...maxLength(value, 63),
  ...unless(value === '' || QUALIFIED_NAME.test(value), "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"),
];

/** One problem per invalid value; values of the wrong type are left to the schema checks. */
export function nameProblems(what: string, value: unknown, rule: NameRule, path: string): Problem[] {
  if (typeof value !== 'string') return [];
  const errors = rule(value);
  return errors.length > 0 ? [{ path, message: `invalid ${what} ${JSON.stringify(value)}: ${errors.join('; ')}` }] : [];
}

export function labelProblems(labels: unknown, path: string): Problem[] {
  if (!isPlainObject(labels)) return [];
  return Object.entries(labels).flatMap(([key, value]) => [
    ...nameProblems('label key', key, qualifiedName, child(path, key)),
    ...nameProblems('label value', value, labelValue, child(path, key)),
  ]);
}

export function annotationProblems(annotations: unknown, path: string): Problem[] {
  if (!isPlainObject(annotations)) return [];
  return Object.keys(annotations).flatMap((key) => nameProblems('annotation key', key, qualifiedName, child(path, key)));
}

function maxLength(value: string, max: number): string[] {
  return unless(value.length <= max, `must be no more than ${max} characters`);
}

function unless(ok: boolean, error: string): string[] {
  return ok ? [] : [error];
}
