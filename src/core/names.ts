// Name and label syntax the API server enforces (k8s.io/apimachinery/pkg/util/validation).
// Pure functions: shared by the constructs' eager checks, the rules and the command line.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export const DNS1123_LABEL_RULE = 'at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit';
export const DNS1123_SUBDOMAIN_RULE = 'at most 253 lowercase letters, digits, "-" and ".", each dot-separated part starting and ending with a letter or digit';
export const LABEL_VALUE_RULE = 'empty, or at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
export const QUALIFIED_NAME_RULE = 'an optional DNS subdomain prefix and "/", then a name of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit';

export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL.test(value);
}

export function isDns1123Subdomain(value: string): boolean {
  return value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

/** A label or annotation key: `[prefix/]name`. */
export function isQualifiedName(value: string): boolean {
  const slash = value.lastIndexOf('/');
  const name = slash === -1 ? value : value.slice(slash + 1);
  if (slash !== -1) {
    const prefix = value.slice(0, slash);
    if (prefix.length === 0 || !isDns1123Subdomain(prefix)) return false;
  }
  return name.length <= 63 && QUALIFIED_NAME_PART.test(name);
}

export function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && QUALIFIED_NAME_PART.test(value));
}

/**
 * A CSI driver name: at most 63 characters, alphanumerics at both ends, with "-", "." and alphanumerics between
 * (the CSI spec's rule, also the CSIDriver object's name rule).
 */
export function isCsiDriverName(value: string): boolean {
  return value.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$/.test(value);
}
