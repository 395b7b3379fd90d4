import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { DatabaseCredentials } from '../../src';
import { runRules } from '../../src/rules';
import type { Finding } from '../../src/rules';
import { synthValid } from '../volumes/support';

export { expectPropError, only, testChart } from '../volumes/support';

/** A reference to the Secret `postgres-secret`, as the seed's StatefulSet reads its password. */
export function seedCredentials(chart: Chart, options: { passwordKey?: string; username?: string; usernameKey?: string } = {}): DatabaseCredentials {
  return DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(chart, `Secret${chart.node.children.length}`, 'postgres-secret'), options);
}

export const GIB_20 = Size.gibibytes(20);

/**
 * Synthesizes the chart and checks every object the way every workload test must: the harness (schemas, unknown
 * fields, API server rules), the restricted Pod Security Standard for every pod template, and every
 * PodDisruptionBudget selecting exactly its workload's pods by the template's labels.
 */
export function synthWorkloads(chart: Chart): any[] {
  const manifests = synthValid(chart);
  for (const workload of manifests.filter(isWorkload)) {
    expect({ workload: workload.metadata.name, violations: restrictedViolations(workload.spec.template.spec) })
      .toEqual({ workload: workload.metadata.name, violations: [] });
  }
  expectPdbsSelectTheirPods(manifests);
  return manifests;
}

/**
 * Runs the app's validations as `cdk8s synth` does before writing (our synth-time checks among them) and returns the
 * error messages. `Testing.synth` renders a chart without validating.
 */
export function appValidationErrors(chart: Chart): string[] {
  const app = chart.node.root as App;
  try {
    app.synthYaml();
    return [];
  } catch (e) {
    return String((e as Error).message).split('\n').slice(1).map(line => line.trim());
  }
}

/** The findings of the whole rules engine over synthesized objects, without the info ones. */
export function problemFindings(manifests: any[]): Finding[] {
  return runRules(manifests.map(object => ({ object }))).filter(found => found.severity !== 'info');
}

export function isWorkload(object: any): boolean {
  return ['Deployment', 'StatefulSet'].includes(object.kind);
}

// ---- The restricted Pod Security Standard, from its documentation (an oracle independent of src/) ----
// https://kubernetes.io/docs/concepts/security/pod-security-standards/

const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const SAFE_SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];

/**
 * Every way a pod spec breaks the restricted Pod Security Standard (baseline included), plus this library's own
 * hardening (read-only root filesystem, no service account token). Empty when it passes.
 */
export function restrictedViolations(spec: any): string[] {
  const problems: string[] = [];
  const pod = spec.securityContext ?? {};
  const containers: any[] = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[field] === true) problems.push(`${field} is true`);
  }
  if (pod.windowsOptions?.hostProcess === true) problems.push('pod windowsOptions.hostProcess');
  for (const volume of spec.volumes ?? []) {
    const type = Object.keys(volume).find(key => key !== 'name');
    if (!RESTRICTED_VOLUME_TYPES.includes(type ?? '')) problems.push(`volume ${volume.name} is of type ${type}`);
  }
  for (const sysctl of pod.sysctls ?? []) {
    if (!SAFE_SYSCTLS.includes(sysctl.name)) problems.push(`sysctl ${sysctl.name}`);
  }
  if (pod.runAsUser === 0) problems.push('pod runAsUser 0');
  if (pod.seccompProfile?.type === 'Unconfined') problems.push('pod seccomp Unconfined');
  const podSeccomp = ['RuntimeDefault', 'Localhost'].includes(pod.seccompProfile?.type);
  if (spec.automountServiceAccountToken !== false) problems.push('automountServiceAccountToken is not false');
  for (const container of containers) {
    const name = `container ${container.name}`;
    const context = container.securityContext ?? {};
    if (context.privileged === true) problems.push(`${name} privileged`);
    if (context.windowsOptions?.hostProcess === true) problems.push(`${name} hostProcess`);
    if (context.procMount !== undefined && context.procMount !== 'Default') problems.push(`${name} procMount ${context.procMount}`);
    if (context.allowPrivilegeEscalation !== false) problems.push(`${name} allowPrivilegeEscalation is not false`);
    if (context.runAsNonRoot === false || (context.runAsNonRoot !== true && pod.runAsNonRoot !== true)) problems.push(`${name} runAsNonRoot not true`);
    if (context.runAsUser === 0) problems.push(`${name} runAsUser 0`);
    if (context.seccompProfile?.type === 'Unconfined') problems.push(`${name} seccomp Unconfined`);
    if (!podSeccomp && !['RuntimeDefault', 'Localhost'].includes(context.seccompProfile?.type)) problems.push(`${name} has no seccomp profile`);
    if (!(context.capabilities?.drop ?? []).includes('ALL')) problems.push(`${name} does not drop ALL capabilities`);
    for (const added of context.capabilities?.add ?? []) {
      if (added !== 'NET_BIND_SERVICE') problems.push(`${name} adds capability ${added}`);
    }
    for (const port of container.ports ?? []) {
      if (port.hostPort) problems.push(`${name} hostPort ${port.hostPort}`);
    }
    if (context.readOnlyRootFilesystem !== true) problems.push(`${name} root filesystem is writable`);
  }
  return problems;
}

// ---- PodDisruptionBudgets select exactly their workload's pods ----

/** Label-selector semantics (matchLabels and matchExpressions), written from the API reference. */
export function selects(selector: any, labels: Record<string, string>): boolean {
  const matchLabels = Object.entries(selector?.matchLabels ?? {});
  const expressions: any[] = selector?.matchExpressions ?? [];
  if (matchLabels.length === 0 && expressions.length === 0) return false; // a PDB with an empty selector selects nothing
  return matchLabels.every(([key, value]) => labels[key] === value) && expressions.every((e) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': return has && e.values.includes(labels[e.key]);
      case 'NotIn': return !has || !e.values.includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: throw new Error(`unknown operator ${e.operator}`);
    }
  });
}

/**
 * Every PodDisruptionBudget selects the pods of exactly one workload of its namespace, and its selector is that
 * workload's pod template labels, all of them.
 */
export function expectPdbsSelectTheirPods(manifests: any[]): void {
  const namespaceOf = (object: any) => object.metadata?.namespace ?? 'default';
  for (const pdb of manifests.filter(m => m.kind === 'PodDisruptionBudget')) {
    const selected = manifests.filter(m => isWorkload(m) && namespaceOf(m) === namespaceOf(pdb)
      && selects(pdb.spec.selector, m.spec.template.metadata?.labels ?? {}));
    expect({ pdb: pdb.metadata.name, selects: selected.map(m => m.metadata.name) })
      .toEqual({ pdb: pdb.metadata.name, selects: [expect.any(String)] });
    expect(pdb.spec.selector).toEqual({ matchLabels: selected[0].spec.template.metadata.labels });
  }
}
