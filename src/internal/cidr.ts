import { isIPv4, isIPv6 } from 'net';

export const CIDR_RULE = 'an IPv4 or IPv6 CIDR, e.g. "10.0.0.10/32" or "fd00::/64"';

/** Whether `value` is an address/prefix-length pair a NetworkPolicy's ipBlock.cidr accepts. */
export function isCidr(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = /^([^/]+)\/(\d{1,3})$/.exec(value);
  if (!match) return false;
  const prefix = Number(match[2]);
  if (isIPv4(match[1])) return prefix <= 32;
  return isIPv6(match[1]) && prefix <= 128;
}
