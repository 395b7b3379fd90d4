// The built-in snapshot engine: a CronJob of this library running snapshot-backup.sh with kubectl, as its own
// ServiceAccount allowed only what the script does on VolumeSnapshots.
import { ApiObject, ApiObjectMetadata, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  BackupJobDefaults, BackupPodCompletion, CheckedJobOptions, SCRIPTS_MOUNT, backupCronJob, backupCronJobProps, backupJob, readScript,
  requireBoolean, requireJobOptions, requireSeconds,
} from './backup-job';
import { postgresClientEnv, quiesceCommand } from './database-client';
import { CheckedRetention } from './retention-check';
import {
  SnapshotEngineCheck, SnapshotEngineObjects, SnapshotEngineRender, SnapshotEngineStrategy,
} from './snapshot-engine-contract';
import { BuiltInSnapshotEngineOptions } from './snapshot-engine-options';
import { DNS1123_SUBDOMAIN_RULE, isDns1123Subdomain } from '../core/names';
import { CIDR_RULE, isCidr } from '../internal/cidr';
import { PodIdentity, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../workloads/pod-security';
import { SingleWriterDatabase } from '../workloads/single-writer-database';
import { describeValue, requireImage } from '../workloads/validation';

/** The image the built-in engine runs unless told: Alpine with kubectl 1.33. */
export const DEFAULT_KUBECTL_IMAGE = 'alpine/k8s:1.33.4';

const SCRIPT = 'snapshot-backup.sh';
const CONTAINER = 'snapshot';
const SNAPSHOT_API_GROUP = 'snapshot.storage.k8s.io';
/** The verbs snapshot-backup.sh uses on volumesnapshots, and no other. */
const SNAPSHOT_VERBS = ['get', 'list', 'create', 'delete'];
/** The kubectl image provides only kubectl here; the uid of the kubectl-only pod (no passwd entry needed). */
const KUBECTL_IDENTITY: PodIdentity = { user: 65532, group: 65532, fsGroup: 65532 };
const TOOLS_MOUNT = '/opt/rwop/bin';
/** The TCP ports of the API server: its Service's, and a common one of its endpoints (CNIs match one or the other). */
const API_SERVER_PORTS = [443, 6443];
const DEFAULT_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(500) },
  memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
};

/** The built-in engine's checked options. */
interface CheckedOptions {
  readonly networkPolicy: boolean;
  readonly apiServerCidrs: string[];
  readonly image: string;
  readonly initialSnapshot: boolean;
  readonly serviceAccountName?: string;
  readonly cutTimeoutSeconds: number;
  readonly readyTimeoutSeconds: number;
  readonly job: CheckedJobOptions;
}

/** What both the CronJob's and the initial Job's pods are made of. */
interface SnapshotPod {
  readonly scheduleName: string;
  readonly image: string;
  /** The database whose checkpoint runs before the cut, if any. */
  readonly checkpointFrom?: SingleWriterDatabase;
  readonly env: Record<string, kplus.EnvValue>;
  readonly resources: kplus.ContainerResources;
  readonly scriptConfigMap: kplus.ConfigMap;
}

/**
 * A CronJob of this library running a tested POSIX shell script with kubectl: `concurrencyPolicy: Forbid`, a starting
 * deadline sized to the schedule, a deadline and retries per run, restricted pods that never out-rank the database,
 * as its own ServiceAccount allowed exactly `get`, `list`, `create` and `delete` on VolumeSnapshots of its namespace.
 */
export class BuiltInSnapshotEngine implements SnapshotEngineStrategy {
  public readonly name = 'built-in';

  public constructor(private readonly options: BuiltInSnapshotEngineOptions) {}

  public check(request: SnapshotEngineCheck): void {
    this.checkedOptions(request);
  }

  public render(scope: Construct, request: SnapshotEngineRender): SnapshotEngineObjects {
    const options = this.checkedOptions(request);
    const { scheduleName, namespace } = request;
    const labels = { ...request.options.metadata?.labels };
    const childMetadata = (name: string): ApiObjectMetadata => ({ name, namespace, labels });
    const serviceAccount = new kplus.ServiceAccount(scope, 'ServiceAccount', {
      metadata: childMetadata(options.serviceAccountName ?? scheduleName),
      automountToken: false,
    });
    const role = new kplus.Role(scope, 'Role', { metadata: childMetadata(scheduleName) });
    role.allow(SNAPSHOT_VERBS, kplus.ApiResource.custom({ apiGroup: SNAPSHOT_API_GROUP, resourceType: 'volumesnapshots' }));
    const roleBinding = new kplus.RoleBinding(scope, 'RoleBinding', { metadata: childMetadata(scheduleName), role });
    roleBinding.addSubjects(serviceAccount);
    const scriptConfigMap = new kplus.ConfigMap(scope, 'Script', {
      metadata: childMetadata(`${scheduleName}-script`),
      data: { [SCRIPT]: readScript(SCRIPT) },
    });

    const pod: SnapshotPod = {
      scheduleName,
      image: options.image,
      checkpointFrom: request.checkpoint ? request.database : undefined,
      env: {
        SCHEDULE_NAME: kplus.EnvValue.fromValue(scheduleName),
        CLAIMS: kplus.EnvValue.fromValue(request.targets.map(target => target.name).join(' ')),
        NAMESPACE: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE),
        ...(request.snapshotClass !== undefined ? { SNAPSHOT_CLASS: kplus.EnvValue.fromValue(request.snapshotClass.name) } : {}),
        CUT_TIMEOUT_SECONDS: kplus.EnvValue.fromValue(String(options.cutTimeoutSeconds)),
        READY_TIMEOUT_SECONDS: kplus.EnvValue.fromValue(String(options.readyTimeoutSeconds)),
        ...retentionEnv(request.retention),
        // kubectl keeps its discovery cache under $HOME; the root filesystem is read-only.
        HOME: kplus.EnvValue.fromValue('/tmp'),
      },
      resources: options.job.resources,
      scriptConfigMap,
    };
    const completion: BackupPodCompletion = { priorityClassName: options.job.priorityClassName, containerName: CONTAINER, fatalExitCodes: [1, 2] };
    const podLabels = { 'app.kubernetes.io/name': 'snapshot-backup', 'app.kubernetes.io/managed-by': 'cdk8s-rwop', 'rwop.dev/backup-schedule': scheduleName };
    const workloadProps = {
      serviceAccount,
      automountServiceAccountToken: true,
      restartPolicy: kplus.RestartPolicy.NEVER,
      podMetadata: { labels: podLabels },
      securityContext: restrictedPodSecurityContext(identityOf(pod)),
    };

    const cronJob = backupCronJob(scope, 'CronJob', {
      ...backupCronJobProps(request.metadata, request.options, request.suspend, options.job),
      ...workloadProps,
    }, completion);
    // The Job's name gives the scheduled time, so that a retried pod computes the same snapshot names.
    addContainer(cronJob, pod, { JOB_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_LABEL, { key: 'batch.kubernetes.io/job-name' }) });

    let initialJob: kplus.Job | undefined;
    if (options.initialSnapshot && !request.hibernating) {
      initialJob = backupJob(scope, 'InitialJob', {
        ...workloadProps,
        metadata: { ...request.metadata, name: `${scheduleName}-initial` },
        activeDeadline: Duration.seconds(options.job.activeDeadlineSeconds),
        backoffLimit: options.job.backoffLimit,
      }, completion);
      addContainer(initialJob, pod, { SNAPSHOT_RUN_ID: kplus.EnvValue.fromValue('initial') });
    }

    if (pod.checkpointFrom !== undefined) {
      pod.checkpointFrom.allowFrom(cronJob);
      if (initialJob) pod.checkpointFrom.allowFrom(initialJob);
    }
    const networkPolicy = options.networkPolicy
      ? snapshotPodPolicy(scope, childMetadata(scheduleName), podLabels, options.apiServerCidrs, pod.checkpointFrom)
      : undefined;
    return { cronJob, initialJob, serviceAccount, role, roleBinding, scriptConfigMap, networkPolicy };
  }

  private checkedOptions(request: SnapshotEngineCheck): CheckedOptions {
    const { check } = request;
    const engine = check.nested('engine');
    const options = this.options;
    const image = options.image ?? DEFAULT_KUBECTL_IMAGE;
    requireImage(engine, 'image', image);
    requireBoolean(engine, 'initialSnapshot', options.initialSnapshot);
    const serviceAccountName = options.serviceAccountName;
    if (serviceAccountName !== undefined && (typeof serviceAccountName !== 'string' || !isDns1123Subdomain(serviceAccountName))) {
      throw engine.fail('serviceAccountName', serviceAccountName, `accepted: ${DNS1123_SUBDOMAIN_RULE}`);
    }
    const cutTimeoutSeconds = requireSeconds(engine, 'cutTimeout', options.cutTimeout, 1, 300);
    const readyTimeoutSeconds = requireSeconds(engine, 'readyTimeout', options.readyTimeout, 1, 3600);
    if (readyTimeoutSeconds < cutTimeoutSeconds) {
      throw engine.fail('readyTimeout', `${readyTimeoutSeconds}s`,
        `a snapshot is cut before it is ready, and both count from the start of the run; accepted: at least the cutTimeout (${cutTimeoutSeconds}s)`);
    }
    const defaults: BackupJobDefaults = {
      activeDeadlineSeconds: readyTimeoutSeconds + 600,
      minActiveDeadlineSeconds: 1,
      resources: DEFAULT_RESOURCES,
    };
    const job = requireJobOptions(engine, options, request.schedule, defaults, request.database);
    if (job.activeDeadlineSeconds <= readyTimeoutSeconds) {
      throw engine.fail('activeDeadline', `${job.activeDeadlineSeconds}s`,
        `the Job would be stopped before the run's own readyTimeout (${readyTimeoutSeconds}s) and its pruning; accepted: longer than the readyTimeout`);
    }
    const snapshotClass = request.snapshotClass;
    if (snapshotClass !== undefined && snapshotClass.name.length > 63) {
      throw check.fail(snapshotClass.prop, snapshotClass.name,
        'the built-in engine\'s script takes class names of at most 63 characters; accepted: a shorter VolumeSnapshotClass name');
    }
    requireBoolean(engine, 'networkPolicy', options.networkPolicy);
    const apiServerCidrs = options.apiServerCidrs ?? ['0.0.0.0/0', '::/0'];
    if (!Array.isArray(apiServerCidrs) || apiServerCidrs.length === 0) {
      throw engine.fail('apiServerCidrs', describeValue(apiServerCidrs), `accepted: a non-empty list of ${CIDR_RULE}`);
    }
    apiServerCidrs.forEach((cidr, i) => {
      if (!isCidr(cidr)) throw engine.fail(`apiServerCidrs[${i}]`, cidr, `accepted: ${CIDR_RULE}`);
    });
    if (options.networkPolicy === false && options.apiServerCidrs !== undefined) {
      throw engine.fail('apiServerCidrs', apiServerCidrs,
        'they only shape the NetworkPolicy, and networkPolicy is false; accepted: one of them');
    }
    return {
      networkPolicy: options.networkPolicy ?? true,
      apiServerCidrs,
      image,
      initialSnapshot: options.initialSnapshot ?? false,
      serviceAccountName,
      cutTimeoutSeconds,
      readyTimeoutSeconds,
      job,
    };
  }
}

function identityOf(pod: SnapshotPod): PodIdentity {
  const engine = pod.checkpointFrom?.engine;
  return engine ? { user: engine.user, group: engine.group, fsGroup: engine.group } : KUBECTL_IDENTITY;
}

/**
 * The snapshot container. With a checkpoint it runs the database's image (for its client) with kubectl copied in by
 * an init container of the kubectl image; else the kubectl image alone.
 */
function addContainer(workload: kplus.Workload, pod: SnapshotPod, runEnv: Record<string, kplus.EnvValue>): void {
  const securityContext = restrictedContainerSecurityContext(identityOf(pod));
  const database = pod.checkpointFrom;
  let tools: kplus.Volume | undefined;
  if (database !== undefined) {
    tools = kplus.Volume.fromEmptyDir(workload, 'ToolsVolume', 'tools', { sizeLimit: Size.mebibytes(256) });
    workload.addInitContainer({
      name: 'kubectl',
      image: pod.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['/bin/sh', '-c', `cp "$(command -v kubectl)" ${TOOLS_MOUNT}/kubectl`],
      securityContext,
      // Copying the ~55 MB binary goes through the page cache, which counts against the memory limit.
      resources: {
        cpu: { request: kplus.Cpu.millis(10), limit: kplus.Cpu.millis(200) },
        memory: { request: Size.mebibytes(32), limit: Size.mebibytes(128) },
      },
    }).mount(TOOLS_MOUNT, tools);
  }
  const script = `${SCRIPTS_MOUNT}/${SCRIPT}`;
  const container = workload.addContainer({
    name: CONTAINER,
    image: database?.engine.image ?? pod.image,
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    // With kubectl copied in, the image's PATH (its client tools) stays, with kubectl in front.
    command: database ? ['/bin/sh', '-c', `PATH="${TOOLS_MOUNT}:$PATH" exec /bin/sh ${script}`] : ['/bin/sh', script],
    envVariables: {
      ...pod.env,
      ...runEnv,
      ...(database ? {
        ...postgresClientEnv(database, `cdk8s-rwop-snapshot-${pod.scheduleName}`),
        QUIESCE_COMMAND: kplus.EnvValue.fromValue(quiesceCommand(database.engine)!),
      } : {}),
    },
    securityContext,
    resources: pod.resources,
  });
  if (tools) container.mount(TOOLS_MOUNT, tools, { readOnly: true });
  container.mount(SCRIPTS_MOUNT, kplus.Volume.fromConfigMap(workload, 'ScriptVolume', pod.scriptConfigMap, { name: 'script', defaultMode: 0o444 }), { readOnly: true });
  container.mount('/tmp', kplus.Volume.fromEmptyDir(workload, 'TmpVolume', 'tmp', { sizeLimit: Size.mebibytes(64) }));
}

/**
 * The snapshot pods' NetworkPolicy: ingress denied (policyTypes Ingress without a rule), egress to DNS in kube-system,
 * the API server and, for a checkpoint, the database's pods on its port.
 */
function snapshotPodPolicy(scope: Construct, metadata: ApiObjectMetadata, podLabels: Record<string, string>, apiServerCidrs: string[],
  database: SingleWriterDatabase | undefined): ApiObject {
  const tcp = (port: number): kplus.k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(port) });
  const egress: kplus.k8s.NetworkPolicyEgressRule[] = [
    {
      to: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      }],
      ports: ['UDP', 'TCP'].map(protocol => ({ protocol, port: kplus.k8s.IntOrString.fromNumber(53) })),
    },
    { to: apiServerCidrs.map(cidr => ({ ipBlock: { cidr } })), ports: API_SERVER_PORTS.map(tcp) },
  ];
  if (database !== undefined) {
    egress.push({ to: [{ podSelector: { matchLabels: database.deployment.matchLabels } }], ports: [tcp(database.port)] });
  }
  return new kplus.k8s.KubeNetworkPolicy(scope, 'NetworkPolicy', {
    metadata,
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': podLabels['app.kubernetes.io/name'], 'rwop.dev/backup-schedule': podLabels['rwop.dev/backup-schedule'] } },
      policyTypes: ['Ingress', 'Egress'],
      egress,
    },
  });
}

/** The script's retention variables. */
function retentionEnv(retention: CheckedRetention): Record<string, kplus.EnvValue> {
  const env: Record<string, kplus.EnvValue> = {};
  if (retention.keepLast !== undefined) env.KEEP_LAST = kplus.EnvValue.fromValue(String(retention.keepLast));
  if (retention.keepWithinSeconds !== undefined) env.KEEP_WITHIN_SECONDS = kplus.EnvValue.fromValue(String(retention.keepWithinSeconds));
  if (retention.failedGraceSeconds !== undefined) env.FAILED_GRACE_SECONDS = kplus.EnvValue.fromValue(String(retention.failedGraceSeconds));
  return env;
}
