// The one pass over the input that every rule reads from. Built once per run; each lookup a rule needs is a map,
// so that a rule can stay linear in the number of objects (no rule loops over all objects inside such a loop).
// The maps are nested (kind, namespace, name) rather than keyed by joined strings: a lookup then builds and hashes
// no new string, which counts when a cluster dump has a hundred thousand objects.
import { labelsOf, matchesSelector } from './label-selector';
import { asArray, asNumber, asObject, asString, controllerOf, isObject, isRwop } from './support';
import type { KubeObject, Manifest, ObjectRef, SourceLocation } from './types';

/** An input object, with the names the rules match on already read. */
export interface IndexedObject {
  readonly object: KubeObject;
  readonly source?: SourceLocation;
  readonly ref: ObjectRef;
  readonly kind: string;
  readonly name: string;
  /** `metadata.namespace`, "default" when absent, "" for a cluster-scoped kind. */
  readonly namespace: string;
}

/** The pod template of a workload (or the spec of a bare Pod). */
export interface PodTemplate {
  readonly workload: IndexedObject;
  /**
   * Which workload these pods belong to, for counting distinct workloads: the object itself, or its controller
   * (`ownerReferences[].controller`) when the controller is not in the input (a `kubectl get pods -o json` dump).
   */
  readonly workloadKey: string;
  /** The kind of that workload: the controller's kind for a Pod of a Job that is not in the input, and so on. */
  readonly workloadKind: string;
  /** The name of that workload. */
  readonly workloadName: string;
  readonly namespace: string;
  /** The template's labels with string values; read them as own properties (the parsed mapping may be returned as it is). */
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: KubeObject;
  /**
   * Pods it runs at once: `replicas` (default 1) for a Deployment, StatefulSet, ReplicaSet or ReplicationController,
   * `parallelism` (default 1) for a Job or CronJob, 1 for a Pod; undefined for a DaemonSet (one per node).
   */
  readonly replicas: number | undefined;
  /**
   * The distinct claims of its `persistentVolumeClaim` volumes; none for a Pod of a cluster dump that has finished
   * (`status.phase` Succeeded or Failed: a completed Job run, an evicted pod), which holds no volume any more.
   */
  readonly claimNames: readonly string[];
  /** The claims among `claimNames` that the input has. */
  readonly claims: readonly IndexedObject[];
  /** Those of `claims` that ask for ReadWriteOncePod. */
  readonly rwopClaims: readonly IndexedObject[];
  /** Its init containers, containers and ephemeral containers (those that are mappings), in that order. */
  readonly containers: readonly KubeObject[];
}

/** One claim name in one namespace, the claim object when the input has it, and every pod template mounting it. */
export interface ClaimUse {
  readonly namespace: string;
  readonly claimName: string;
  readonly claim?: IndexedObject;
  readonly templates: readonly PodTemplate[];
}

export const WORKLOAD_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'Pod'];

/** Kinds without a namespace; any other kind (CRDs included) is taken as namespaced. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'VolumeSnapshotClass', 'VolumeSnapshotContent',
  'CSIDriver', 'CSINode', 'VolumeAttachment', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'APIService',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'RuntimeClass', 'IngressClass', 'PodSecurityPolicy', 'FlowSchema', 'PriorityLevelConfiguration', 'CertificateSigningRequest',
]);

/** API groups whose Deployment, Job, ... are the built-in workloads (a CRD may reuse a kind name in its own group). */
const WORKLOAD_GROUPS = new Set(['', 'apps', 'extensions', 'batch']);

const DEFAULT_STORAGE_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

export class ManifestIndex {
  /** Every object, `kind: List` items in place of their List, in input order. */
  readonly objects: readonly IndexedObject[];
  /**
   * One per workload object, except those whose controller is also in the input (the controller's template stands for
   * them). A running Job whose claims differ from its CronJob's template (it drifted) keeps its own template.
   */
  readonly podTemplates: readonly PodTemplate[];
  /** Every claim name mounted by a pod template, keyed `namespace/name`. */
  readonly claimUses: ReadonlyMap<string, ClaimUse>;

  private readonly byKind = new Map<string, IndexedObject[]>();
  /** The first object of each kind, namespace and name. */
  private readonly byKindAndName = new Map<string, ByName<IndexedObject>>();
  private readonly byRef = new Map<ObjectRef, IndexedObject>();
  /** The later objects with the kind, namespace and name of an earlier one, by that first one. */
  private readonly namedAlike = new Map<IndexedObject, IndexedObject[]>();
  private readonly claims = new ByName<IndexedObject>();
  /** The claims (of `claims`) that ask for ReadWriteOncePod. */
  private readonly rwopClaims = new Set<IndexedObject>();
  private readonly storageClasses = new Map<string, IndexedObject>();
  private readonly priorityClasses = new Map<string, IndexedObject>();
  /** By the target's kind, then its namespace and name. */
  private readonly hpasByTarget = new Map<string, ByName<IndexedObject[]>>();
  private readonly templatesByNamespace = new Map<string, PodTemplate[]>();
  /** By namespace and label key: the templates with that label, and those with each of its values. */
  private readonly templatesByLabel = new Map<string, Map<string, LabelTemplates>>();
  private rwopClaimUseList?: readonly ClaimUse[];
  private defaultStorageClassEntry?: IndexedObject;
  private globalDefaultPriorityClassEntry?: IndexedObject;

  constructor(manifests: readonly Manifest[]) {
    const objects: IndexedObject[] = [];
    for (const manifest of flattenLists(manifests)) {
      const entry = indexedObject(manifest);
      objects.push(entry);
      this.byRef.set(entry.ref, entry);
      push(this.byKind, entry.kind, entry);
      const sameKind = mapOf(this.byKindAndName, entry.kind, newByName<IndexedObject>);
      if (!sameKind.setOnce(entry.namespace, entry.name, entry)) push(this.namedAlike, sameKind.get(entry.namespace, entry.name)!, entry);
      this.indexByKind(entry);
    }
    this.objects = objects;

    const templates: PodTemplate[] = [];
    const claimUses = new Map<string, { namespace: string; claimName: string; claim?: IndexedObject; templates: PodTemplate[] }>();
    for (const entry of objects) {
      const template = this.podTemplateOf(entry);
      if (!template) continue;
      templates.push(template);
      push(this.templatesByNamespace, template.namespace, template);
      const labels = mapOf(this.templatesByLabel, template.namespace, newLabelMap);
      for (const label in template.labels) {
        const withLabel = mapOf(labels, label, newLabelTemplates);
        withLabel.all.push(template);
        push(withLabel.byValue, template.labels[label], template);
      }
      for (const claimName of template.claimNames) {
        const key = `${template.namespace}/${claimName}`;
        let use = claimUses.get(key);
        if (!use) {
          use = { namespace: template.namespace, claimName, claim: this.claim(template.namespace, claimName), templates: [] };
          claimUses.set(key, use);
        }
        use.templates.push(template);
      }
    }
    this.podTemplates = templates;
    this.claimUses = claimUses;
  }

  ofKind(kind: string): readonly IndexedObject[] {
    return this.byKind.get(kind) ?? [];
  }

  /**
   * The objects that share their kind, namespace ("default" for none) and name with another, in groups (each in input order);
   * an object whose kind, namespace and name no other object shares is in none. Empty for most inputs, so a rule about names that collide
   * looks at these few instead of at every object.
   */
  objectsNamedAlike(): IndexedObject[][] {
    return [...this.namedAlike].map(([first, later]) => [first, ...later]);
  }

  /** The indexed object a rule's `ObjectRef` came from. */
  objectOf(ref: ObjectRef): IndexedObject | undefined {
    return this.byRef.get(ref);
  }

  /** The PersistentVolumeClaim `namespace/name`, when the input has it. */
  claim(namespace: string, name: string): IndexedObject | undefined {
    return this.claims.get(namespace, name);
  }

  /** True when the input has the claim `namespace/name` and it asks for ReadWriteOncePod. */
  isRwopClaim(namespace: string, name: string): boolean {
    const claim = this.claim(namespace, name);
    return claim !== undefined && this.rwopClaims.has(claim);
  }

  /** The uses of claims that the input has and that ask for ReadWriteOncePod. */
  rwopClaimUses(): readonly ClaimUse[] {
    this.rwopClaimUseList ??= [...this.claimUses.values()].filter((use) => use.claim !== undefined && this.rwopClaims.has(use.claim));
    return this.rwopClaimUseList;
  }

  storageClass(name: string): IndexedObject | undefined {
    return this.storageClasses.get(name);
  }

  /** The StorageClass annotated as the cluster default, when the input has one. */
  defaultStorageClass(): IndexedObject | undefined {
    return this.defaultStorageClassEntry;
  }

  priorityClass(name: string): IndexedObject | undefined {
    return this.priorityClasses.get(name);
  }

  /** The PriorityClass with `globalDefault: true`, when the input has one. */
  globalDefaultPriorityClass(): IndexedObject | undefined {
    return this.globalDefaultPriorityClassEntry;
  }

  /** HorizontalPodAutoscalers (any version) whose `scaleTargetRef` names this workload. */
  hpasTargeting(workload: IndexedObject): readonly IndexedObject[] {
    return this.hpasByTarget.get(workload.kind)?.get(workload.namespace, workload.name) ?? [];
  }

  podTemplatesInNamespace(namespace: string): readonly PodTemplate[] {
    return this.templatesByNamespace.get(namespace) ?? [];
  }

  /**
   * The pod templates in `namespace` that `selector` selects. Only the templates sharing the selector's most selective
   * label (or label key) are tested, so that many selectors over many templates do not cost their product.
   */
  podTemplatesSelectedBy(namespace: string, selector: unknown): PodTemplate[] {
    if (!isObject(selector)) return [];
    let candidates = this.podTemplatesInNamespace(namespace);
    const narrow = (bucket: readonly PodTemplate[]) => {
      if (bucket.length < candidates.length) candidates = bucket;
    };
    const labels = this.templatesByLabel.get(namespace);
    const withValue = (label: string, value: unknown) => labels?.get(label)?.byValue.get(String(value)) ?? [];
    const matchLabels = asObject(selector.matchLabels);
    for (const label of Object.keys(matchLabels)) narrow(withValue(label, matchLabels[label]));
    for (const raw of asArray(selector.matchExpressions)) {
      const expression = asObject(raw);
      const key = asString(expression.key);
      if (key === undefined) continue;
      if (expression.operator === 'Exists') narrow(labels?.get(key)?.all ?? []);
      if (expression.operator === 'In') narrow(asArray(expression.values).flatMap((value) => withValue(key, value)));
    }
    return candidates.filter((template) => matchesSelector(selector, template.labels));
  }

  private indexByKind(entry: IndexedObject): void {
    const object = entry.object;
    switch (entry.kind) {
      case 'PersistentVolumeClaim':
        if (this.claims.setOnce(entry.namespace, entry.name, entry) && isRwop(object)) this.rwopClaims.add(entry);
        break;
      case 'StorageClass':
        setOnce(this.storageClasses, entry.name, entry);
        if (DEFAULT_STORAGE_CLASS_ANNOTATIONS.some((key) => asObject(asObject(object.metadata).annotations)[key] === 'true')) {
          this.defaultStorageClassEntry ??= entry;
        }
        break;
      case 'PriorityClass':
        setOnce(this.priorityClasses, entry.name, entry);
        if (object.globalDefault === true) this.globalDefaultPriorityClassEntry ??= entry;
        break;
      case 'HorizontalPodAutoscaler': {
        const target = asObject(asObject(object.spec).scaleTargetRef);
        const kind = asString(target.kind);
        const name = asString(target.name);
        if (kind && name) {
          const byName = mapOf(this.hpasByTarget, kind, newByName<IndexedObject[]>);
          const hpas = byName.get(entry.namespace, name);
          if (hpas) hpas.push(entry);
          else byName.setOnce(entry.namespace, name, [entry]);
        }
        break;
      }
      default:
        break;
    }
  }

  /**
   * True when the input lacks `controller` (a ReplicaSet or a Job) but has the Deployment or CronJob that created it,
   * as in `kubectl get deploy,pods` or `kubectl get cronjob,pods`, which print no ReplicaSet or Job in between.
   */
  private hasCreatorOf(controller: { kind: string; name: string }, entry: IndexedObject): boolean {
    const creator = creatorOf(controller, entry.object);
    return creator !== undefined && this.objectNamed(creator.kind, entry.namespace, creator.name) !== undefined;
  }

  /** The first object of this kind, namespace and name. */
  private objectNamed(kind: string, namespace: string, name: string): IndexedObject | undefined {
    return this.byKindAndName.get(kind)?.get(namespace, name);
  }

  private podTemplateOf(entry: IndexedObject): PodTemplate | undefined {
    const object = entry.object;
    if (!WORKLOAD_KINDS.includes(entry.kind) || !WORKLOAD_GROUPS.has(groupOf(entry.ref.apiVersion))) return undefined;
    const owner = controllerOf(object);
    // A Job whose template drifted from its CronJob's (the CronJob was changed while the Job ran) is a workload of its own.
    const controller = owner && !this.driftedFromCronJob(entry, owner) ? owner : undefined;
    // A ReplicaSet of a Deployment, a Pod of a ReplicaSet or Job, ... in a cluster dump: its controller's template stands for it.
    const controllerTemplateInInput = controller !== undefined && WORKLOAD_KINDS.includes(controller.kind)
      && (this.objectNamed(controller.kind, entry.namespace, controller.name) !== undefined || this.hasCreatorOf(controller, entry));
    if (controllerTemplateInInput) return undefined;

    const spec = asObject(object.spec);
    let template: KubeObject;
    let replicas: number | undefined;
    switch (entry.kind) {
      case 'Pod':
        template = object;
        replicas = 1;
        break;
      case 'DaemonSet':
        template = asObject(spec.template);
        replicas = undefined;
        break;
      case 'Job':
        template = asObject(spec.template);
        replicas = asNumber(spec.parallelism) ?? 1;
        break;
      case 'CronJob': {
        const jobSpec = asObject(asObject(spec.jobTemplate).spec);
        template = asObject(jobSpec.template);
        replicas = asNumber(jobSpec.parallelism) ?? 1;
        break;
      }
      default:
        template = asObject(spec.template);
        replicas = asNumber(spec.replicas) ?? 1;
        break;
    }
    const podSpec = asObject(template.spec);
    const phase = entry.kind === 'Pod' ? asObject(object.status).phase : undefined;
    const finished = phase === 'Succeeded' || phase === 'Failed';
    const claimNames = finished ? NONE : claimNamesOf(podSpec);
    const claims = this.claimsNamed(entry.namespace, claimNames);
    return {
      workload: entry,
      workloadKey: controller ? objectKey(controller.kind, entry.namespace, controller.name) : objectKey(entry.kind, entry.namespace, entry.name),
      workloadKind: controller?.kind ?? entry.kind,
      workloadName: controller?.name ?? entry.name,
      namespace: entry.namespace,
      labels: labelsOf(template.metadata),
      spec: podSpec,
      replicas,
      claimNames,
      claims,
      rwopClaims: claims.length === 0 ? NONE : claims.filter((claim) => this.rwopClaims.has(claim)),
      containers: containersOf(podSpec),
    };
  }

  /** The claims of these names in `namespace` that the input has. */
  private claimsNamed(namespace: string, names: readonly string[]): readonly IndexedObject[] {
    if (names.length === 0) return NONE;
    const claims: IndexedObject[] = [];
    for (const name of names) {
      const claim = this.claim(namespace, name);
      if (claim) claims.push(claim);
    }
    return claims;
  }

  /**
   * True for a Job of a `kubectl get -o json` dump that its CronJob (in the input) created, that has not finished, and
   * whose pod template mounts other claims than the CronJob's `jobTemplate` does now: the CronJob's template no longer
   * says what that Job's pods do, so the Job is checked on its own.
   */
  private driftedFromCronJob(entry: IndexedObject, owner: { kind: string; name: string }): boolean {
    if (entry.kind !== 'Job' || owner.kind !== 'CronJob') return false;
    const cronJob = this.objectNamed('CronJob', entry.namespace, owner.name);
    if (!cronJob || jobFinished(entry.object)) return false;
    const jobClaims = [...claimNamesOf(asObject(asObject(asObject(entry.object.spec).template).spec))].sort();
    const cronJobTemplate = asObject(asObject(asObject(asObject(cronJob.object.spec).jobTemplate).spec).template);
    const cronJobClaims = [...claimNamesOf(asObject(cronJobTemplate.spec))].sort();
    return jobClaims.join('\u0000') !== cronJobClaims.join('\u0000');
  }
}

/** The distinct claims of a pod spec's `persistentVolumeClaim` volumes. */
function claimNamesOf(podSpec: Readonly<KubeObject>): readonly string[] {
  let claimNames: string[] | undefined;
  for (const volume of asArray(podSpec.volumes)) {
    const claimName = asString(asObject(asObject(volume).persistentVolumeClaim).claimName);
    // A pod has a few volumes: a list is cheaper than a set, and most pods mount no claim at all.
    if (claimName && !claimNames?.includes(claimName)) (claimNames ??= []).push(claimName);
  }
  return claimNames ?? NONE;
}

/** Shared by every template that mounts no claim (most of a large input). */
const NONE: readonly never[] = Object.freeze([]);

/** A Job whose status says it completed or failed for good: its pods hold no volume any more. */
function jobFinished(job: KubeObject): boolean {
  const status = asObject(job.status);
  if (asString(status.completionTime)) return true;
  return asArray(status.conditions).some((raw) => {
    const condition = asObject(raw);
    return (condition.type === 'Complete' || condition.type === 'Failed') && condition.status === 'True';
  });
}

/** The Deployment or CronJob whose controller created `controller` (a ReplicaSet or a Job), named as Kubernetes names them. */
function creatorOf(controller: { kind: string; name: string }, object: KubeObject): { kind: string; name: string } | undefined {
  if (controller.kind === 'ReplicaSet') {
    // The Deployment controller names a ReplicaSet `<deployment>-<pod-template-hash>` and labels its pods with the hash.
    const hash = asString(asObject(asObject(object.metadata).labels)['pod-template-hash']);
    if (hash && controller.name.endsWith(`-${hash}`)) return { kind: 'Deployment', name: controller.name.slice(0, -hash.length - 1) };
  }
  if (controller.kind === 'Job') {
    // The CronJob controller names a Job `<cronjob>-<scheduled time in minutes since the epoch>`.
    const match = /^(.+)-\d+$/.exec(controller.name);
    if (match) return { kind: 'CronJob', name: match[1] };
  }
  return undefined;
}

/** One template per distinct workload (see `PodTemplate.workloadKey`), in input order. */
export function distinctWorkloads(templates: readonly PodTemplate[]): readonly PodTemplate[] {
  if (templates.length < 2) return templates;
  const seen = new Map<string, PodTemplate>();
  for (const template of templates) {
    if (!seen.has(template.workloadKey)) seen.set(template.workloadKey, template);
  }
  return [...seen.values()];
}

/** The containers of a pod spec that run for the pod's life or before it: initContainers, containers, ephemeralContainers. */
function containersOf(spec: Readonly<KubeObject>): readonly KubeObject[] {
  const initContainers = asArray(spec.initContainers);
  const ephemeralContainers = asArray(spec.ephemeralContainers);
  const containers = asArray(spec.containers);
  // The usual pod (containers only, each a mapping) shares its own list.
  if (initContainers.length === 0 && ephemeralContainers.length === 0 && containers.every(isObject)) return containers as readonly KubeObject[];
  return [...initContainers, ...containers, ...ephemeralContainers].filter(isObject);
}

function objectKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

function groupOf(apiVersion: string | undefined): string {
  if (apiVersion === undefined) return '';
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}


/** The input with every `kind: List` (or `XxxList` with `items`) replaced by its items, at any depth, in order. */
function flattenLists(manifests: readonly Manifest[]): readonly Manifest[] {
  // The readers expand Lists already: most inputs have none left, and are used as they are.
  if (!manifests.some(isListOrNotObject)) return manifests;
  const result: Manifest[] = [];
  const stack: Manifest[] = [...manifests].reverse();
  while (stack.length > 0) {
    const manifest = stack.pop()!;
    const object = manifest.object;
    if (!isObject(object)) continue;
    const kind = asString(object.kind);
    if (kind !== undefined && kind.endsWith('List') && Array.isArray(object.items)) {
      for (let i = object.items.length - 1; i >= 0; i--) {
        stack.push({ object: object.items[i], source: manifest.source });
      }
      continue;
    }
    result.push(manifest);
  }
  return result;
}

function isListOrNotObject(manifest: Manifest): boolean {
  const object = manifest.object;
  return !isObject(object) || (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items));
}

function indexedObject(manifest: Manifest): IndexedObject {
  const object = manifest.object;
  const metadata = asObject(object.metadata);
  const kind = asString(object.kind) ?? '<no kind>';
  const generateName = asString(metadata.generateName);
  const name = asString(metadata.name) ?? (generateName ? `${generateName}*` : '<no name>');
  const clusterScoped = CLUSTER_SCOPED.has(kind);
  const namespace = clusterScoped ? '' : asString(metadata.namespace) || 'default';
  const apiVersion = asString(object.apiVersion);
  const source = manifest.source;
  // Written out rather than spread: one object per input object, without the spreads' temporary ones.
  let ref: ObjectRef;
  if (clusterScoped) ref = source ? { apiVersion, kind, name, source } : { apiVersion, kind, name };
  else ref = source ? { apiVersion, kind, name, namespace, source } : { apiVersion, kind, name, namespace };
  return { object, source, ref, kind, name, namespace };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function setOnce<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (!map.has(key)) map.set(key, value);
}

/** The value of `key`, made by `make` (a function made once, not a closure per call) and stored the first time. */
function mapOf<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** The pod templates of one namespace that have one label key: all of them, and those of each value. */
interface LabelTemplates {
  readonly all: PodTemplate[];
  readonly byValue: Map<string, PodTemplate[]>;
}

function newLabelTemplates(): LabelTemplates {
  return { all: [], byValue: new Map() };
}

function newLabelMap(): Map<string, LabelTemplates> {
  return new Map();
}

function newByName<V>(): ByName<V> {
  return new ByName<V>();
}

/** Values by namespace, then name. */
class ByName<V> {
  private readonly namespaces = new Map<string, Map<string, V>>();

  get(namespace: string, name: string): V | undefined {
    return this.namespaces.get(namespace)?.get(name);
  }

  /** Stores `value` unless the name has one already; true when stored. */
  setOnce(namespace: string, name: string, value: V): boolean {
    const names = mapOf(this.namespaces, namespace, () => new Map<string, V>());
    if (names.has(name)) return false;
    names.set(name, value);
    return true;
  }
}
