import { runRules } from '../../src/rules';
import type { Finding, KubeObject, Manifest } from '../../src/rules';

/** The objects as engine input (no source location). */
export function manifests(...objects: KubeObject[]): Manifest[] {
  return objects.map((object) => ({ object }));
}

/** The findings of one rule over the objects. */
export function findings(ruleId: string, ...objects: KubeObject[]): Finding[] {
  return runRules(manifests(...objects), { only: [ruleId] });
}

/** `Kind namespace/name` of each object of a finding, as messages name them. */
export function names(found: Finding): string[] {
  return found.objects.map((ref) => (ref.namespace === undefined ? `${ref.kind} ${ref.name}` : `${ref.kind} ${ref.namespace}/${ref.name}`));
}

export interface PodOptions {
  readonly claims?: readonly string[];
  readonly labels?: Record<string, string>;
  /** Merged into the pod spec. */
  readonly spec?: KubeObject;
  readonly namespace?: string;
}

export function podSpec(options: PodOptions = {}): KubeObject {
  return {
    containers: [{ name: 'app', image: 'registry.example/app:1.0.0' }],
    volumes: (options.claims ?? []).map((claimName, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName } })),
    ...options.spec,
  };
}

function metadata(name: string, options: PodOptions, extra?: KubeObject): KubeObject {
  return { name, ...(options.namespace ? { namespace: options.namespace } : {}), ...extra };
}

function template(name: string, options: PodOptions): KubeObject {
  return { metadata: { labels: options.labels ?? { app: name } }, spec: podSpec(options) };
}

export function pvc(name: string, accessModes: string[] = ['ReadWriteOncePod'], extra: { namespace?: string; storageClassName?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, ...(extra.namespace ? { namespace: extra.namespace } : {}) },
    spec: {
      accessModes,
      resources: { requests: { storage: '1Gi' } },
      ...(extra.storageClassName !== undefined ? { storageClassName: extra.storageClassName } : {}),
    },
  };
}

export function deployment(name: string, options: PodOptions & { replicas?: number; strategy?: KubeObject } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(name, options),
    spec: {
      ...(options.replicas !== undefined ? { replicas: options.replicas } : {}),
      selector: { matchLabels: options.labels ?? { app: name } },
      strategy: options.strategy ?? { type: 'Recreate' },
      template: template(name, options),
    },
  };
}

export function statefulSet(name: string, options: PodOptions & { replicas?: number; claimTemplates?: KubeObject[] } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: metadata(name, options),
    spec: {
      serviceName: name,
      ...(options.replicas !== undefined ? { replicas: options.replicas } : {}),
      selector: { matchLabels: options.labels ?? { app: name } },
      template: template(name, options),
      ...(options.claimTemplates ? { volumeClaimTemplates: options.claimTemplates } : {}),
    },
  };
}

export function daemonSet(name: string, options: PodOptions = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: metadata(name, options),
    spec: { selector: { matchLabels: options.labels ?? { app: name } }, template: template(name, options) },
  };
}

export function pod(name: string, options: PodOptions = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: metadata(name, options, { labels: options.labels ?? { app: name } }), spec: podSpec(options) };
}

export function job(name: string, options: PodOptions & { parallelism?: number } = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(name, options),
    spec: { ...(options.parallelism !== undefined ? { parallelism: options.parallelism } : {}), template: template(name, options) },
  };
}

export function cronJob(name: string, options: PodOptions = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: metadata(name, options),
    spec: { schedule: '0 2 * * *', jobTemplate: { spec: { template: template(name, options) } } },
  };
}

export function pdb(name: string, spec: KubeObject, namespace?: string, annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, ...(namespace ? { namespace } : {}), ...(annotations ? { annotations } : {}) },
    spec,
  };
}

export function storageClass(name: string, provisioner: string, isDefault = false): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
    provisioner,
  };
}
