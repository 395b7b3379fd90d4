// Small helpers shared by the rules: reading untrusted JSON, naming objects, access modes, owners, quantities.
import type { Rule } from './rule';
import type { Finding, KubeObject, ObjectRef, Severity } from './types';

export const RWOP = 'ReadWriteOncePod';
export const RWO = 'ReadWriteOnce';

/** The stable substring of every scheduler and kubelet message about a held RWOP claim: the scheduler's wording changed in Kubernetes 1.33, this part did not. */
export const RWOP_PENDING = 'stays Pending with a FailedScheduling event ("... ReadWriteOncePod access mode ...")';

export function isObject(value: unknown): value is KubeObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` when it is a mapping, else one shared empty mapping (frozen: a rule reads what it is given, never writes it). */
export function asObject(value: unknown): Readonly<KubeObject> {
  return isObject(value) ? value : EMPTY_OBJECT;
}

/** `value` when it is a list, else one shared empty list (frozen, like `asObject`'s). */
export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : EMPTY_ARRAY;
}

// Shared so that reading an absent field allocates nothing: the rules read several per object of a large input.
const EMPTY_OBJECT: Readonly<KubeObject> = Object.freeze({});
const EMPTY_ARRAY: readonly unknown[] = Object.freeze([]);

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** `Kind namespace/name`, or `Kind name` for a cluster-scoped object. */
export function describeRef(ref: ObjectRef): string {
  return ref.namespace === undefined ? `${ref.kind} ${ref.name}` : `${ref.kind} ${ref.namespace}/${ref.name}`;
}

export function describeRefs(refs: readonly ObjectRef[]): string {
  return refs.map(describeRef).join(', ');
}

/** A stable sort key for an object. */
export function refKey(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** A finding of `rule`, at the rule's severity unless one is given. */
export function finding(rule: Rule, message: string, objects: readonly ObjectRef[], severity?: Severity): Finding {
  const unique = [...new Set(objects)];
  return { ruleId: rule.id, severity: severity ?? rule.severity, message, objects: unique };
}

/** The access modes of a claim, a PV or a claim template (`spec.accessModes`), ignoring non-strings. */
export function accessModesOf(object: KubeObject): string[] {
  return asArray(asObject(object.spec).accessModes).filter((mode): mode is string => typeof mode === 'string');
}

export function isRwop(object: KubeObject): boolean {
  return asArray(asObject(object.spec).accessModes).includes(RWOP);
}

/** Bytes of a Kubernetes quantity (`20Gi`, `500M`, `1.5Ti`, `1e9`), or undefined when it is not one. */
export function quantityBytes(quantity: string): number | undefined {
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/.exec(quantity.trim());
  if (!match) return undefined;
  const factors: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
  };
  const factor = match[2] ? factors[match[2]] : match[3] ? 10 ** Number(match[3]) : 1;
  return Number(match[1]) * factor;
}

/** The kind and name of the object's controller (`ownerReferences[].controller`), when it names one. */
export function controllerOf(object: KubeObject): { kind: string; name: string } | undefined {
  for (const raw of asArray(asObject(object.metadata).ownerReferences)) {
    const owner = asObject(raw);
    const kind = asString(owner.kind);
    const name = asString(owner.name);
    if (owner.controller === true && kind && name) return { kind, name };
  }
  return undefined;
}
