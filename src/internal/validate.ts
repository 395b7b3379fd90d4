import { PropChecker } from './prop-checker';
import { inTreeProvisionerAdvice, isInTreeProvisioner } from '../core/csi-drivers';
import { isCsiDriverName } from '../core/names';

/**
 * A CSI driver name, as a StorageClass `provisioner` or a VolumeSnapshotClass `driver` takes it.
 * In-tree provisioners are refused with the CSI driver that replaces them.
 */
export function requireCsiDriver(check: PropChecker, prop: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw check.fail(prop, value, 'accepted: the name of a CSI driver, e.g. "ebs.csi.aws.com"');
  }
  if (isInTreeProvisioner(value)) {
    throw check.fail(prop, value, inTreeProvisionerAdvice(value));
  }
  if (!isCsiDriverName(value)) {
    throw check.fail(prop, value,
      'accepted: a CSI driver name of at most 63 letters, digits, "-" and ".", starting and ending with a letter or digit');
  }
  return value;
}

/** Driver parameters: string keys and values, as the API takes them. */
export function requireStringMap(check: PropChecker, prop: string, value: { [key: string]: string } | undefined): void {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw check.fail(prop, value, 'accepted: a map of string keys to string values');
  }
  for (const [key, entry] of Object.entries(value ?? {})) {
    if (key.length === 0 || typeof entry !== 'string') {
      throw check.fail(prop, { [key]: entry }, 'accepted: non-empty keys with string values');
    }
  }
}

/** A value of a TypeScript string enum; checked at run time because JavaScript and jsii callers can pass any string. */
export function requireEnumValue<T extends string>(check: PropChecker, prop: string, value: T | undefined,
  enumObject: Record<string, T>, enumName: string): void {
  if (value !== undefined && !Object.values(enumObject).includes(value)) {
    const names = Object.keys(enumObject).map(k => `${enumName}.${k}`).join(', ');
    throw check.fail(prop, value, `accepted: ${names}`);
  }
}
