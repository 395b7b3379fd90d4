// A loopback stand-in for a Kubernetes API server serving a recorded cluster (a `kubectl get ... -o json` List):
// discovery of the kinds `rwop status` reads, and their list endpoints, cluster-wide and per namespace, so that the
// real kubectl can read it. Lists come back as an API server sends them: items without apiVersion and kind.
import { writeFileSync } from 'node:fs';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';

type Json = Record<string, any>;

interface Resource {
  readonly groupVersion: string;
  /** The plural, as in the URL. */
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames?: string[];
}

const RESOURCES: readonly Resource[] = [
  { groupVersion: 'v1', name: 'pods', kind: 'Pod', namespaced: true, shortNames: ['po'] },
  { groupVersion: 'v1', name: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespaced: true, shortNames: ['pvc'] },
  { groupVersion: 'v1', name: 'persistentvolumes', kind: 'PersistentVolume', namespaced: false, shortNames: ['pv'] },
  { groupVersion: 'v1', name: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'] },
  { groupVersion: 'v1', name: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'] },
  { groupVersion: 'v1', name: 'namespaces', kind: 'Namespace', namespaced: false, shortNames: ['ns'] },
  { groupVersion: 'storage.k8s.io/v1', name: 'storageclasses', kind: 'StorageClass', namespaced: false, shortNames: ['sc'] },
  { groupVersion: 'apps/v1', name: 'replicasets', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'] },
  { groupVersion: 'apps/v1', name: 'deployments', kind: 'Deployment', namespaced: true, shortNames: ['deploy'] },
  { groupVersion: 'batch/v1', name: 'jobs', kind: 'Job', namespaced: true },
  { groupVersion: 'batch/v1', name: 'cronjobs', kind: 'CronJob', namespaced: true, shortNames: ['cj'] },
];

const GROUP_VERSIONS = [...new Set(RESOURCES.map((resource) => resource.groupVersion))].filter((gv) => gv !== 'v1');

/** `/api/v1/pods`, `/api/v1/namespaces/db/pods`, `/apis/apps/v1/namespaces/db/replicasets`. */
const LIST_PATH = /^\/(?:api\/v1|apis\/([^/]+\/[^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)$/;

export interface ClusterRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly path: string;
  readonly status: number;
}

export class ClusterApiStandIn {
  /** Serves `objects` (a recorded cluster) on a free loopback port. */
  public static async start(objects: readonly Json[]): Promise<ClusterApiStandIn> {
    const api = new ClusterApiStandIn(objects);
    await new Promise<void>((resolve, reject) => {
      api.server.once('error', reject);
      api.server.listen(0, '127.0.0.1', () => resolve());
    });
    return api;
  }

  /** Every request answered, in order. */
  public readonly requests: ClusterRequest[] = [];
  /** Resources (plural names) whose list the user may not read: answered 403 Forbidden as RBAC would. */
  public readonly forbidden = new Set<string>();

  private readonly server: Server;

  private constructor(private readonly objects: readonly Json[]) {
    this.server = createServer((req, res) => this.answer(req, res));
  }

  public get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The list paths requested (discovery left out), sorted. */
  public listPaths(): string[] {
    return this.requests.map((request) => request.path).filter((path) => LIST_PATH.test(path)).sort();
  }

  /** Writes a kubeconfig whose current context points here (plus an `other` context pointing nowhere); returns its path. */
  public writeKubeconfig(dir: string, options: { currentContext?: string; namespace?: string } = {}): string {
    const path = join(dir, 'kubeconfig');
    writeFileSync(path, JSON.stringify({
      'apiVersion': 'v1',
      'kind': 'Config',
      'clusters': [{ name: 'stand-in', cluster: { server: this.url } }, { name: 'nowhere', cluster: { server: 'http://127.0.0.1:1' } }],
      'users': [{ name: 'jane', user: { token: 'not-checked' } }],
      'contexts': [
        { name: 'stand-in', context: { cluster: 'stand-in', user: 'jane', ...(options.namespace ? { namespace: options.namespace } : {}) } },
        { name: 'other', context: { cluster: 'nowhere', user: 'jane' } },
      ],
      'current-context': options.currentContext ?? 'stand-in',
    }));
    return path;
  }

  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = req.method ?? 'GET';
    const [status, body] = method === 'GET' ? this.route(url.pathname) : [405, failure(405, 'MethodNotAllowed', `${method} is not served`)];
    this.requests.push({ method, url: req.url ?? '/', path: url.pathname, status });
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private route(path: string): [number, Json] {
    if (path === '/version') return [200, { major: '1', minor: '32', gitVersion: 'v1.32.0-stand-in', platform: 'linux/amd64' }];
    if (path === '/api') return [200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] }];
    if (path === '/apis') {
      const groups = GROUP_VERSIONS.map((groupVersion) => {
        const version = { groupVersion, version: groupVersion.split('/')[1] };
        return { name: groupVersion.split('/')[0], versions: [version], preferredVersion: version };
      });
      return [200, { kind: 'APIGroupList', apiVersion: 'v1', groups }];
    }
    const discovery = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))$/.exec(path);
    if (discovery) {
      const groupVersion = discovery[1] ?? discovery[2];
      const resources = RESOURCES.filter((resource) => resource.groupVersion === groupVersion).map((resource) => ({
        name: resource.name,
        singularName: resource.kind.toLowerCase(),
        namespaced: resource.namespaced,
        kind: resource.kind,
        verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
        ...(resource.shortNames ? { shortNames: resource.shortNames } : {}),
      }));
      if (resources.length > 0) return [200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources }];
    }
    const list = LIST_PATH.exec(path);
    if (list) {
      const [, groupVersion = 'v1', namespace, plural] = list;
      const resource = RESOURCES.find((candidate) => candidate.groupVersion === groupVersion && candidate.name === plural);
      if (resource && (resource.namespaced || namespace === undefined)) return this.list(resource, namespace);
    }
    return [404, failure(404, 'NotFound', 'the server could not find the requested resource')];
  }

  private list(resource: Resource, namespace: string | undefined): [number, Json] {
    const group = resource.groupVersion.includes('/') ? resource.groupVersion.split('/')[0] : '';
    if (this.forbidden.has(resource.name)) {
      const where = namespace === undefined ? 'at the cluster scope' : `in the namespace "${namespace}"`;
      return [403, {
        ...failure(403, 'Forbidden', `${resource.name}${group ? `.${group}` : ''} is forbidden: User "jane" cannot list resource "${resource.name}" in API group "${group}" ${where}`),
        details: { kind: resource.name, ...(group ? { group } : {}) },
      }];
    }
    const items = this.objects
      .filter((object) => object.apiVersion === resource.groupVersion && object.kind === resource.kind)
      .filter((object) => namespace === undefined || object.metadata?.namespace === namespace)
      .map(({ apiVersion: _apiVersion, kind: _kind, ...rest }) => rest);
    return [200, { apiVersion: resource.groupVersion, kind: `${resource.kind}List`, metadata: { resourceVersion: '4242' }, items }];
  }
}

function failure(code: number, reason: string, message: string): Json {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}
