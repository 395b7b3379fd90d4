// Eager checks of the props of the workload constructs: each throws one of our prop errors (errors.ts) naming the
// construct path, the construct, the prop and what is accepted.
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { LABEL_VALUE_RULE, QUALIFIED_NAME_RULE, isDns1123Label, isLabelValue, isQualifiedName } from '../core/names';
import { OUR_CDK8S_PLUS, refuseOtherCdk8sPlus } from '../internal/cdk8s-plus-origin';
import { PropChecker } from '../internal/prop-checker';
import { unpinned } from '../rules/unpinned-image';

export function requireEnv(check: PropChecker, env: { [name: string]: kplus.EnvValue } | undefined): void {
  if (env === undefined) return;
  if (typeof env !== 'object' || env === null || Array.isArray(env)) {
    throw check.fail('env', env, 'accepted: a map of variable names to kplus.EnvValue');
  }
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) {
      throw check.fail('env', name, 'accepted variable names: letters, digits, "_", "-" and ".", not starting with a digit');
    }
    refuseOtherCdk8sPlus(check, `env["${name}"]`, value,
      `pass kplus.EnvValue.fromValue(...) or kplus.EnvValue.fromSecretValue(...) of ${OUR_CDK8S_PLUS}`);
    if (!(value instanceof kplus.EnvValue)) {
      throw check.fail(`env["${name}"]`, describeValue(value),
        'accepted: a kplus.EnvValue, e.g. kplus.EnvValue.fromValue("on") or kplus.EnvValue.fromSecretValue({ secret, key })');
    }
  }
}


export function requireWritableDirectories(check: PropChecker, prop: string,
  directories: ReadonlyArray<{ readonly path: string; readonly sizeLimit?: Size }>, mountPath: string): void {
  if (!Array.isArray(directories)) {
    throw check.fail(prop, describeValue(directories), 'accepted: a list of { path, sizeLimit? }');
  }
  const each = check.nested(`${prop}[]`);
  const seen = new Set<string>([mountPath]);
  for (const directory of directories) {
    requireAbsolutePath(each, 'path', directory?.path);
    if (seen.has(directory.path)) {
      throw each.fail('path', directory.path, 'it is given twice, or is the mountPath; accepted: distinct paths other than the mountPath');
    }
    seen.add(directory.path);
    if (directory.sizeLimit !== undefined && !(directory.sizeLimit instanceof Size && isWholeMebibytes(directory.sizeLimit))) {
      throw each.fail('sizeLimit', describeValue(directory.sizeLimit), 'accepted: a positive Size of whole MiB, e.g. Size.mebibytes(64)');
    }
  }
}


export function requireImage(check: PropChecker, prop: string, image: unknown): void {
  const problem = typeof image === 'string' && isImageReference(image) ? unpinned(image) : 'not an image reference';
  if (problem !== undefined) {
    throw check.fail(prop, image,
      `${problem}; accepted: an image pinned to a tag other than latest, or to a digest, e.g. "postgres:15.14" or "postgres:15.14@sha256:<64 hex digits>"`);
  }
}

export function requireCommand(check: PropChecker, prop: string, command: unknown): void {
  if (command !== undefined && (!Array.isArray(command) || !command.every(part => typeof part === 'string'))) {
    throw check.fail(prop, command, 'accepted: a list of strings, e.g. ["/bin/sh", "-c", "..."]');
  }
}

export function requirePort(check: PropChecker, prop: string, port: unknown): void {
  if (!(typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535)) {
    throw check.fail(prop, port, 'accepted: a TCP port number from 1 to 65535');
  }
}

export function requireId(check: PropChecker, prop: string, id: unknown, user: boolean): void {
  const min = user ? 1 : 0;
  if (!(typeof id === 'number' && Number.isInteger(id) && id >= min && id <= 2147483647)) {
    throw check.fail(prop, id, user
      ? 'the restricted Pod Security Standard forbids running as root (uid 0); accepted: a whole number from 1 to 2147483647'
      : 'accepted: a whole number from 0 to 2147483647');
  }
}

export function requireAbsolutePath(check: PropChecker, prop: string, value: unknown): void {
  if (!(typeof value === 'string' && value.startsWith('/') && value !== '/' && !value.includes(':') && !value.split('/').includes('..'))) {
    throw check.fail(prop, value, 'accepted: an absolute path other than "/", without ":" or "..", e.g. "/var/lib/app"');
  }
}

export function requireDuration(check: PropChecker, prop: string, value: unknown, minSeconds: number): Duration {
  const seconds = value instanceof Duration ? wholeSeconds(value) : undefined;
  if (seconds === undefined || seconds < minSeconds) {
    throw check.fail(prop, shownValue(value),
      `accepted: a Duration of whole seconds, at least ${minSeconds}s, e.g. Duration.seconds(60)`);
  }
  return value as Duration;
}

export function requireLabels(check: PropChecker, prop: string, labels: { [key: string]: string } | undefined): void {
  if (labels === undefined) return;
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    throw check.fail(prop, labels, 'accepted: a map of label keys to label values');
  }
  for (const [key, value] of Object.entries(labels)) {
    if (!isQualifiedName(key)) throw check.fail(prop, key, `accepted label keys: ${QUALIFIED_NAME_RULE}`);
    if (typeof value !== 'string' || !isLabelValue(value)) throw check.fail(`${prop}["${key}"]`, value, `accepted: ${LABEL_VALUE_RULE}`);
  }
}

/** The whole seconds of a Duration; undefined for fractions, negatives, NaN and Infinity (which cdk8s throws on). */
export function wholeSeconds(duration: Duration): number | undefined {
  const ms = millisecondsOf(duration);
  return ms !== undefined && Number.isInteger(ms / 1000) && ms >= 0 && ms / 1000 <= 2147483647 ? ms / 1000 : undefined;
}

function millisecondsOf(duration: Duration): number | undefined {
  try {
    return duration.toMilliseconds();
  } catch {
    return undefined;
  }
}

/** A prop value as an error shows it: a Duration in milliseconds (or as not a number), anything else as given. */
export function shownValue(value: unknown): unknown {
  if (!(value instanceof Duration)) return describeValue(value);
  const ms = millisecondsOf(value);
  return ms !== undefined ? `${ms}ms` : 'a Duration that is not a finite number (NaN or Infinity)';
}

export function isWholeMebibytes(size: Size): boolean {
  const mib = size.toKibibytes() / 1024;
  return Number.isInteger(mib) && mib > 0;
}

/** A short, JSON-safe description of a value that may be a construct or a class instance. */
export function describeValue(value: unknown): unknown {
  if (value instanceof Construct) return value.node.path;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) {
    return `a ${value.constructor?.name ?? 'object'}`;
  }
  return value;
}

export const DNS1035_LABEL_RULE = 'at most 63 lowercase letters, digits and "-", starting with a letter and ending with a letter or digit';
export function isDns1035Label(value: string): boolean {
  return isDns1123Label(value) && /^[a-z]/.test(value);
}

export function isPortName(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 15 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(value) && /[a-z]/.test(value) && !value.includes('--');
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
/**
 * `[host[:port]/]path[:tag][@sha256:digest]`: path components of lowercase letters and digits joined by ".", "_", "__"
 * or dashes; a tag of at most 128 word characters, "." and "-".
 */
export function isImageReference(image: string): boolean {
  const [name, digest, ...rest] = image.split('@');
  if (rest.length > 0 || (digest !== undefined && !/^sha256:[a-f0-9]{64}$/.test(digest))) return false;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const repository = colon > slash ? name.slice(0, colon) : name;
  const tag = colon > slash ? name.slice(colon + 1) : undefined;
  if (tag !== undefined && !/^\w[\w.-]{0,127}$/.test(tag)) return false;
  const parts = repository.split('/');
  const host = parts.length > 1 && /[.:]|^localhost$/.test(parts[0]) ? parts.shift()! : undefined;
  if (host !== undefined && !/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?(:\d+)?$/.test(host)) return false;
  return parts.every(part => /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/.test(part));
}

/** Refuses CPU amounts of another cdk8s-plus in container resources (memory and storage are cdk8s Sizes, shared by all). */
export function refuseOtherCpu(check: PropChecker, prop: string, resources: kplus.ContainerResources | undefined): void {
  for (const bound of ['request', 'limit'] as const) {
    refuseOtherCdk8sPlus(check, `${prop}.cpu.${bound}`, resources?.cpu?.[bound],
      `pass kplus.Cpu.millis(...) of ${OUR_CDK8S_PLUS}; memory and ephemeral storage are cdk8s Sizes, which every cdk8s-plus shares`);
  }
}

/** Rejects engine-managed variables in the user's `env`. */
export function requireNoReservedEnv(check: PropChecker, env: { [name: string]: kplus.EnvValue } | undefined,
  reserved: readonly string[], owner: string): void {
  for (const name of Object.keys(env ?? {})) {
    if (reserved.includes(name)) {
      throw check.fail(`env["${name}"]`, name, `${owner} sets ${name} itself; accepted: any other variable`);
    }
  }
}
