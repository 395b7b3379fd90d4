// A loopback stand-in for the part of a Kubernetes API server that the snapshot script talks to: discovery, and
// create/get/list/delete of snapshot.storage.k8s.io/v1 VolumeSnapshots, with label selectors evaluated by the server
// (DESIGN.md §6). The test plays the snapshot controller: it decides when a snapshot is cut, ready or failed.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseLabelSelector } from './label-selector-query';
import { isDns1123Subdomain, isLabelValue, isQualifiedName } from '../../../src/core/names';
import { matchesSelector } from '../../../src/rules/label-selector';

const GROUP = 'snapshot.storage.k8s.io';
const VERSION = 'v1';
const GROUP_VERSION = `${GROUP}/${VERSION}`;
const COLLECTION = new RegExp(`^/apis/${GROUP.replace(/\./g, '\\.')}/${VERSION}(?:/namespaces/([^/]+))?/volumesnapshots(?:/([^/]+))?$`);

/** A snapshot as the test describes it; times are relative to now so that age-based retention can be exercised. */
export interface SnapshotSeed {
  readonly name: string;
  readonly claim?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  /** metadata.creationTimestamp, in seconds before now. @default 0 */
  readonly createdSecondsAgo?: number;
  /** status.creationTime (the cut), in seconds before now; absent means not cut. */
  readonly cutSecondsAgo?: number;
  readonly readyToUse?: boolean;
  /** status.error.message */
  readonly error?: string;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly labelSelector?: string;
  /** The `fieldValidation` query parameter (kubectl sends `Strict` when validating on the server). */
  readonly fieldValidation?: string;
  readonly status: number;
}

type Json = Record<string, any>;

export class SnapshotApiStandIn {
  /** Starts the server on a free loopback port. */
  public static async start(namespace = 'db'): Promise<SnapshotApiStandIn> {
    const api = new SnapshotApiStandIn(namespace);
    await new Promise<void>((resolve, reject) => {
      api.server.once('error', reject);
      api.server.listen(0, '127.0.0.1', () => resolve());
    });
    return api;
  }

  /** Every request the server answered, in order. */
  public readonly requests: RecordedRequest[] = [];
  /** When true the server returns every snapshot whatever the selector (a misbehaving proxy or server). */
  public ignoreLabelSelectors = false;
  /** Called after a snapshot is created through the API: the test's snapshot controller. */
  public onCreate: (name: string) => void;

  private readonly server: Server;
  private readonly objects = new Map<string, Json>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly createdNames: string[] = [];
  private resourceVersion = 1000;

  private constructor(public readonly namespace: string) {
    this.onCreate = () => undefined;
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', chunk => chunks.push(chunk));
      req.on('end', () => this.answer(req, Buffer.concat(chunks).toString('utf8'), res));
    });
  }

  public get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Writes a kubeconfig for this server into `dir` (current context in `namespace`) and returns its path. */
  public writeKubeconfig(dir: string): string {
    const path = join(dir, 'kubeconfig');
    writeFileSync(path, JSON.stringify({
      'apiVersion': 'v1',
      'kind': 'Config',
      'clusters': [{ name: 'stand-in', cluster: { server: this.url } }],
      'users': [{ name: 'backup-job', user: { token: 'not-checked' } }],
      'contexts': [{ name: 'stand-in', context: { cluster: 'stand-in', user: 'backup-job', namespace: this.namespace } }],
      'current-context': 'stand-in',
    }));
    return path;
  }

  /** Puts a snapshot in the store, as if created earlier by us or by another tool. */
  public seed(seed: SnapshotSeed): void {
    const created = Date.now() - (seed.createdSecondsAgo ?? 0) * 1000;
    const object: Json = {
      apiVersion: GROUP_VERSION,
      kind: 'VolumeSnapshot',
      metadata: {
        name: seed.name,
        namespace: this.namespace,
        uid: randomUUID(),
        resourceVersion: String(++this.resourceVersion),
        creationTimestamp: timestamp(created),
        ...(seed.labels ? { labels: { ...seed.labels } } : {}),
        ...(seed.annotations ? { annotations: { ...seed.annotations } } : {}),
      },
      spec: { source: { persistentVolumeClaimName: seed.claim ?? 'data' } },
    };
    const status: Json = {};
    if (seed.cutSecondsAgo !== undefined) {
      status.creationTime = timestamp(Date.now() - seed.cutSecondsAgo * 1000);
      status.boundVolumeSnapshotContentName = `snapcontent-${object.metadata.uid}`;
    }
    if (seed.readyToUse !== undefined) status.readyToUse = seed.readyToUse;
    if (seed.error !== undefined) status.error = { message: seed.error, time: timestamp(Date.now()) };
    if (Object.keys(status).length > 0) object.status = status;
    this.objects.set(seed.name, object);
  }

  /** Sorted names of the snapshots in the store. */
  public names(): string[] {
    return [...this.objects.keys()].sort();
  }

  public get(name: string): Json | undefined {
    return this.objects.get(name);
  }

  /** The snapshot controller cut the snapshot: `status.creationTime` is set, not ready yet. */
  public cut(name: string): void {
    this.updateStatus(name, status => ({
      ...status,
      boundVolumeSnapshotContentName: `snapcontent-${this.mustGet(name).metadata.uid}`,
      creationTime: timestamp(Date.now()),
      readyToUse: false,
    }));
  }

  /** The snapshot is ready to use (cut first when it was not). */
  public ready(name: string): void {
    if (!this.mustGet(name).status?.creationTime) this.cut(name);
    this.updateStatus(name, status => ({ ...status, readyToUse: true, restoreSize: '1Gi' }));
  }

  /** The snapshot controller or the CSI driver reports an error. */
  public fail(name: string, message: string): void {
    this.updateStatus(name, status => ({ ...status, readyToUse: false, error: { message, time: timestamp(Date.now()) } }));
  }

  /** Adds a label, as a person pinning a snapshot with `kubectl label` would. */
  public label(name: string, key: string, value: string): void {
    const object = this.mustGet(name);
    object.metadata.labels = { ...object.metadata.labels, [key]: value };
    object.metadata.resourceVersion = String(++this.resourceVersion);
  }

  /** Runs `action` after `ms` milliseconds unless the server has been stopped. */
  public later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
  }

  /** Names created through the API (POST), in order. */
  public created(): string[] {
    return [...this.createdNames];
  }

  /** Names deleted through the API, in order. */
  public deleted(): string[] {
    return this.requests.filter(r => r.method === 'DELETE' && r.status === 200).map(r => r.path.split('/').pop()!);
  }

  public async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }

  private mustGet(name: string): Json {
    const object = this.objects.get(name);
    if (!object) throw new Error(`stand-in: no snapshot "${name}"`);
    return object;
  }

  private updateStatus(name: string, change: (status: Json) => Json): void {
    const object = this.mustGet(name);
    object.status = change(object.status ?? {});
    object.metadata.resourceVersion = String(++this.resourceVersion);
  }

  private answer(req: IncomingMessage, body: string, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = req.method ?? 'GET';
    const labelSelector = url.searchParams.get('labelSelector') ?? undefined;
    const fieldValidation = url.searchParams.get('fieldValidation') ?? undefined;
    const reply = (status: number, payload: Json): void => {
      this.requests.push({ method, path: url.pathname, labelSelector, fieldValidation, status });
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    try {
      this.route(method, url, body, reply);
    } catch (error) {
      reply(500, failure(500, 'InternalError', `stand-in: ${(error as Error).message}`));
    }
  }

  private route(method: string, url: URL, body: string, reply: (status: number, payload: Json) => void): void {
    const path = url.pathname;
    if (method === 'GET' && path === '/version') {
      reply(200, { major: '1', minor: '32', gitVersion: 'v1.32.0-stand-in', platform: 'linux/amd64' });
      return;
    }
    if (method === 'GET' && path === '/api') {
      reply(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] });
      return;
    }
    if (method === 'GET' && path === '/api/v1') {
      reply(200, { kind: 'APIResourceList', groupVersion: 'v1', resources: [] });
      return;
    }
    if (method === 'GET' && path === '/apis') {
      const version = { groupVersion: GROUP_VERSION, version: VERSION };
      reply(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [{ name: GROUP, versions: [version], preferredVersion: version }] });
      return;
    }
    if (method === 'GET' && path === `/apis/${GROUP_VERSION}`) {
      reply(200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: GROUP_VERSION, resources: RESOURCES });
      return;
    }
    if (method === 'GET' && path === '/openapi/v3') {
      reply(200, { paths: { [`apis/${GROUP_VERSION}`]: { serverRelativeURL: `/openapi/v3/apis/${GROUP_VERSION}?hash=stand-in` } } });
      return;
    }
    if (method === 'GET' && path === `/openapi/v3/apis/${GROUP_VERSION}`) {
      reply(200, OPENAPI_V3_GROUP);
      return;
    }
    const match = path.match(COLLECTION);
    if (!match) {
      reply(404, failure(404, 'NotFound', 'the server could not find the requested resource'));
      return;
    }
    const [, namespace, name] = match;
    if (name === undefined) {
      this.collection(method, namespace, url.searchParams.get('labelSelector'), body, reply);
    } else {
      this.member(method, namespace, decodeURIComponent(name), reply);
    }
  }

  private collection(method: string, namespace: string | undefined, labelSelector: string | null, body: string,
    reply: (status: number, payload: Json) => void): void {
    if (method === 'GET') {
      let selector;
      try {
        selector = labelSelector ? parseLabelSelector(labelSelector) : { matchLabels: {}, matchExpressions: [] };
      } catch (error) {
        reply(400, failure(400, 'BadRequest', `unable to parse requirement: ${(error as Error).message}`));
        return;
      }
      const items = [...this.objects.values()]
        .filter(o => namespace === undefined || o.metadata.namespace === namespace)
        .filter(o => this.ignoreLabelSelectors || matchesSelector(selector, o.metadata.labels ?? {}))
        .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
      reply(200, { apiVersion: GROUP_VERSION, kind: 'VolumeSnapshotList', metadata: { resourceVersion: String(this.resourceVersion) }, items: clone(items) });
      return;
    }
    if (method === 'POST' && namespace !== undefined) {
      this.create(namespace, body, reply);
      return;
    }
    // DELETE here would be a deletecollection: the script must never send one; the test asserts it did not.
    reply(405, failure(405, 'MethodNotAllowed', `stand-in: ${method} on the collection is not allowed`));
  }

  private member(method: string, namespace: string | undefined, name: string, reply: (status: number, payload: Json) => void): void {
    const object = this.objects.get(name);
    const found = object !== undefined && object.metadata.namespace === namespace;
    if (method !== 'GET' && method !== 'DELETE') {
      reply(405, failure(405, 'MethodNotAllowed', `stand-in: ${method} is not served`));
    } else if (!found) {
      reply(404, { ...failure(404, 'NotFound', `volumesnapshots.${GROUP} "${name}" not found`), details: { name, group: GROUP, kind: 'volumesnapshots' } });
    } else if (method === 'GET') {
      reply(200, clone(object));
    } else {
      this.objects.delete(name);
      reply(200, clone(object));
    }
  }

  private create(namespace: string, body: string, reply: (status: number, payload: Json) => void): void {
    let object: Json;
    try {
      object = JSON.parse(body);
    } catch {
      reply(400, failure(400, 'BadRequest', 'stand-in: the body is not JSON'));
      return;
    }
    const problem = invalidSnapshot(object, namespace);
    if (problem) {
      reply(422, failure(422, 'Invalid', `VolumeSnapshot.${GROUP} "${object?.metadata?.name}" is invalid: ${problem}`));
      return;
    }
    const name: string = object.metadata.name;
    if (this.objects.has(name)) {
      reply(409, { ...failure(409, 'AlreadyExists', `volumesnapshots.${GROUP} "${name}" already exists`), details: { name, group: GROUP, kind: 'volumesnapshots' } });
      return;
    }
    const stored: Json = {
      apiVersion: GROUP_VERSION,
      kind: 'VolumeSnapshot',
      metadata: {
        ...object.metadata,
        namespace,
        uid: randomUUID(),
        resourceVersion: String(++this.resourceVersion),
        generation: 1,
        creationTimestamp: timestamp(Date.now()),
      },
      spec: object.spec,
    };
    this.objects.set(name, stored);
    this.createdNames.push(name);
    reply(201, clone(stored));
    this.onCreate(name);
  }
}

const RESOURCES = [
  { name: 'volumesnapshots', singularName: 'volumesnapshot', namespaced: true, kind: 'VolumeSnapshot', shortNames: ['vs'], categories: ['all'], verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'] },
  { name: 'volumesnapshots/status', singularName: '', namespaced: true, kind: 'VolumeSnapshot', verbs: ['get', 'patch', 'update'] },
  { name: 'volumesnapshotclasses', singularName: 'volumesnapshotclass', namespaced: false, kind: 'VolumeSnapshotClass', shortNames: ['vsclass', 'vsclasses'], verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'] },
  { name: 'volumesnapshotcontents', singularName: 'volumesnapshotcontent', namespaced: false, kind: 'VolumeSnapshotContent', shortNames: ['vsc', 'vscs'], verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'] },
];

/**
 * Just enough of the group's OpenAPI v3 document for kubectl to see that the server validates fields itself
 * (`fieldValidation` on PATCH), so that `kubectl create` runs with its default `--validate=strict` as in a cluster.
 */
const OPENAPI_V3_GROUP = {
  openapi: '3.0.0',
  info: { title: 'Kubernetes', version: 'v1.32.0' },
  paths: {
    [`/apis/${GROUP_VERSION}/namespaces/{namespace}/volumesnapshots/{name}`]: {
      patch: {
        'x-kubernetes-group-version-kind': { group: GROUP, version: VERSION, kind: 'VolumeSnapshot' },
        'parameters': [{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } }],
        'responses': { 200: { description: 'OK' } },
      },
    },
  },
};

/** What the CRD schema and the API server would refuse in a new VolumeSnapshot, or undefined. */
function invalidSnapshot(object: Json, namespace: string): string | undefined {
  if (object?.apiVersion !== GROUP_VERSION || object?.kind !== 'VolumeSnapshot') return `apiVersion/kind: want ${GROUP_VERSION} VolumeSnapshot`;
  const unknownTop = Object.keys(object).filter(k => !['apiVersion', 'kind', 'metadata', 'spec'].includes(k));
  if (unknownTop.length > 0) return `unknown or dropped fields: ${unknownTop.join(', ')}`;
  const metadata = object.metadata ?? {};
  if (typeof metadata.name !== 'string' || !isDns1123Subdomain(metadata.name)) return `metadata.name: "${metadata.name}" is not a DNS-1123 subdomain`;
  if (metadata.namespace !== undefined && metadata.namespace !== namespace) return 'metadata.namespace: does not match the request';
  for (const [key, value] of Object.entries(metadata.labels ?? {})) {
    if (!isQualifiedName(key) || typeof value !== 'string' || !isLabelValue(value)) return `metadata.labels: invalid ${key}=${String(value)}`;
  }
  for (const [key, value] of Object.entries(metadata.annotations ?? {})) {
    if (!isQualifiedName(key) || typeof value !== 'string') return `metadata.annotations: invalid ${key}`;
  }
  const spec = object.spec ?? {};
  const unknownSpec = Object.keys(spec).filter(k => !['source', 'volumeSnapshotClassName'].includes(k));
  if (unknownSpec.length > 0) return `spec: unknown fields ${unknownSpec.join(', ')}`;
  if (spec.volumeSnapshotClassName !== undefined && (typeof spec.volumeSnapshotClassName !== 'string' || spec.volumeSnapshotClassName === '')) {
    return 'spec.volumeSnapshotClassName: must not be the empty string';
  }
  const sources = Object.keys(spec.source ?? {});
  if (sources.length !== 1 || !['persistentVolumeClaimName', 'volumeSnapshotContentName'].includes(sources[0])) {
    return 'spec.source: exactly one of persistentVolumeClaimName or volumeSnapshotContentName must be set';
  }
  return undefined;
}

function failure(code: number, reason: string, message: string): Json {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

/** An RFC 3339 timestamp with whole seconds, as metav1.Time serializes. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}
