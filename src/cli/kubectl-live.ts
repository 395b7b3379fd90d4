// Reading the objects `rwop status` needs from the cluster itself: one run of the kubectl on PATH with the user's
// kubeconfig and context, its JSON parsed as a piped dump would be. kubectl (not an HTTP client of ours) keeps every
// way users authenticate working: exec plugins, OIDC, client certificates, proxies.
import type { Manifest } from '../rules';
import { ClusterReadError } from './errors';
import { childProcess } from './lazy';
import type { CliIO } from './main';
import { safeLines } from './terminal-safe';
import { parseManifests } from '../core/parse-manifests';

/**
 * What status reads, by fully qualified name so that a CRD with a clashing short name cannot be picked instead.
 * ReplicaSets and Jobs only name the workload a pod belongs to (Deployment, CronJob).
 */
export const LIVE_RESOURCES = [
  'pods', 'persistentvolumeclaims', 'persistentvolumes', 'storageclasses.storage.k8s.io', 'nodes', 'events',
  'replicasets.apps', 'jobs.batch',
] as const;

/** Which cluster and namespace to ask; each is passed to kubectl as the flag of the same name when set. */
export interface LiveTarget {
  readonly kubeconfig?: string;
  readonly context?: string;
  /** One namespace (`-n`); all namespaces when absent. */
  readonly namespace?: string;
}

/** The file name objects read from the cluster carry (where a piped dump has `<stdin>`). */
export const CLUSTER_FILE = '<cluster>';

/** The kubectl arguments that read `target`. Exported for the help text and for the tests. */
export function kubectlGetArgs(target: LiveTarget): string[] {
  return [
    ...(target.kubeconfig === undefined ? [] : ['--kubeconfig', target.kubeconfig]),
    ...(target.context === undefined ? [] : ['--context', target.context]),
    'get', LIVE_RESOURCES.join(','),
    ...(target.namespace === undefined ? ['--all-namespaces'] : ['--namespace', target.namespace]),
    '--output', 'json',
  ];
}

/** Runs kubectl (no shell: arguments are never interpreted) and returns the objects it printed. */
export async function readCluster(target: LiveTarget, io: CliIO): Promise<Manifest[]> {
  const { code, stdout, stderr } = await runKubectl(kubectlGetArgs(target), io);
  if (code !== 0) throw new ClusterReadError(explainKubectlFailure(stderr, code, target));
  // Warnings (deprecations, a context's namespace overridden) are the user's to see, as kubectl would show them.
  if (stderr.trim() !== '') io.stderr(`${safeLines(stderr.replace(/\n$/, '').split('\n'))}\n`);
  return parseManifests(stdout, CLUSTER_FILE);
}

function runKubectl(args: readonly string[], io: CliIO): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // stdin is the user's: an exec credential plugin may need to ask for a login.
    const child = childProcess().spawn('kubectl', args, { env: io.env ?? process.env, stdio: ['inherit', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT'
        ? new ClusterReadError('kubectl was not found on PATH; install it (https://kubernetes.io/docs/tasks/tools/), '
          + 'or pipe a dump: kubectl get pods,pvc,pv,storageclasses,nodes,events -A -o json | rwop status -')
        : new ClusterReadError(`could not run kubectl: ${e.message}`));
    });
    child.on('close', (code, signal) => resolve({
      code: code ?? (signal ? 128 : 1),
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
    }));
  });
}

/** kubectl's stderr reduced to what failed and what to do about it. */
export function explainKubectlFailure(stderr: string, code: number, target: LiveTarget): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const forbidden = lines.map(parseForbidden).find((found) => found !== undefined);
  if (forbidden) {
    const where = forbidden.namespace === undefined ? 'at the cluster scope' : `in namespace ${forbidden.namespace}`;
    const group = forbidden.group === '' ? 'core' : forbidden.group;
    const hint = forbidden.namespace === undefined && target.namespace === undefined && NAMESPACED.has(forbidden.resource)
      ? '; to look at one namespace, give -n <namespace>'
      : '';
    return `${forbidden.user} may not ${forbidden.verb} ${forbidden.resource} (API group ${group}) ${where}. `
      + `rwop status needs get and list on ${LIVE_RESOURCES.join(', ')}${hint}`;
  }
  // The patterns go from kubectl's own sentence to client-go's log lines: the first that matches is the clearest.
  const unreachable = UNREACHABLE.map((pattern) => lines.find((line) => pattern.test(line))).find((line) => line !== undefined);
  if (unreachable) {
    return `kubectl could not reach the API server: ${stripPrefix(unreachable)}\n`
      + 'Check the context (kubectl config current-context) or pass --context or --kubeconfig.';
  }
  const errors = lines.filter((line) => /^(error|Error from server)\b/i.test(line)).map(stripPrefix);
  const shown = (errors.length > 0 ? errors : lines).slice(0, 5);
  return `kubectl exited with code ${code}${shown.length > 0 ? `: ${shown.join('\n  ')}` : ' and printed no error'}`;
}

/** Kinds that live in a namespace, as named in a Forbidden message. */
const NAMESPACED = new Set(['pods', 'persistentvolumeclaims', 'events', 'replicasets', 'jobs']);

/** How kubectl (client-go) says the server did not answer. */
const UNREACHABLE = [
  /^The connection to the server .* was refused/,
  /^Unable to connect to the server:/,
  /^error: .*(dial tcp|net\/http|tls:|x509:)/,
  /dial tcp [^"]*: (connect: connection refused|i\/o timeout|no such host)/,
];

interface Forbidden {
  readonly user: string;
  readonly verb: string;
  readonly resource: string;
  readonly group: string;
  readonly namespace?: string;
}

/** `Error from server (Forbidden): pods is forbidden: User "x" cannot list resource "pods" in API group "" at the cluster scope` */
function parseForbidden(line: string): Forbidden | undefined {
  const match = /forbidden: (User "[^"]*"|[^:]*?) cannot (\w+) resource "([^"]+)" in API group "([^"]*)" (?:in the namespace "([^"]+)"|at the cluster scope)/.exec(line);
  if (!match) return undefined;
  const [, user, verb, resource, group, namespace] = match;
  return { user, verb, resource, group, namespace };
}

function stripPrefix(line: string): string {
  return line.replace(/^error: /, '').replace(/^Error from server \((\w+)\): /, '$1: ');
}
