import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';

/**
 * Options of `SnapshotEngine.builtIn()`.
 */
export interface BuiltInSnapshotEngineOptions {
  /**
   * An image with `kubectl` and a POSIX shell with `date`, `sort` and `sleep` (busybox or coreutils), pinned: a tag
   * other than `latest`, or better a digest. It runs the snapshot script; when a database checkpoint runs first, the
   * pod runs the database's own image (for its client) and this image only provides `kubectl`, copied by an init
   * container with `cp`.
   *
   * The default, `alpine/k8s`, is the alpine-docker project's Alpine image with `kubectl` (tagged by its version, rebuilt
   * for each Kubernetes patch release, multi-architecture) and busybox. The official `registry.k8s.io/kubectl` and
   * `rancher/kubectl` have no shell, and Bitnami's free images stopped being updated in 2025. Mirror it and pin its
   * digest (`alpine/k8s:1.33.4@sha256:...`) in production.
   *
   * @default SnapshotEngine.DEFAULT_KUBECTL_IMAGE
   * @see https://github.com/alpine-docker/k8s
   */
  readonly image?: string;

  /**
   * Also create a one-shot Job that takes a first snapshot as soon as the manifests are applied (run id `initial`),
   * instead of waiting for the first scheduled run. A Job's pod template cannot change: delete the Job before applying
   * a changed one. Left out while the checkpointed database hibernates.
   *
   * @default false
   */
  readonly initialSnapshot?: boolean;

  /**
   * The name of the ServiceAccount the snapshot pods run as (created here, with a Role and RoleBinding of its own).
   *
   * @default - the schedule's name
   */
  readonly serviceAccountName?: string;

  /**
   * How long a run waits for every snapshot to be cut (`status.creationTime` set), from its start. A checkpoint's
   * window ends at the cut.
   *
   * @default Duration.minutes(5)
   */
  readonly cutTimeout?: Duration;

  /**
   * How long a run waits for every snapshot to be ready to use, from its start; then it fails with exit code 3.
   *
   * @default Duration.hours(1)
   */
  readonly readyTimeout?: Duration;

  /**
   * The Job's `activeDeadlineSeconds`: the longest a run may take, retries included. Longer than `readyTimeout`.
   *
   * @default - readyTimeout + 10 minutes
   */
  readonly activeDeadline?: Duration;

  /**
   * The CronJob's `startingDeadlineSeconds`: how late a missed run may still start. At least 10 seconds and less than
   * the schedule's shortest interval.
   *
   * @default - half the schedule's shortest interval (at least 10 seconds)
   */
  readonly startingDeadline?: Duration;

  /**
   * How many times a failed run is retried. A snapshot that reported an error, or a bad configuration, fails the Job
   * at once (a pod failure policy), and a pod evicted by a node drain does not count.
   *
   * @default 2
   */
  readonly backoffLimit?: number;

  /**
   * How many finished successful Jobs the CronJob keeps.
   *
   * @default 3
   */
  readonly successfulJobsRetained?: number;

  /**
   * How many failed Jobs the CronJob keeps, for their logs and termination messages.
   *
   * @default 3
   */
  readonly failedJobsRetained?: number;

  /**
   * The snapshot container's resources.
   *
   * @default - 50m CPU and 64Mi memory requested, 500m CPU and 256Mi memory at most
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * The PriorityClass of the snapshot pods. For a database's volume it is the database's and may not be another one: a
   * backup pod must never out-rank the database.
   *
   * @default - the database's PriorityClass when a database is given, else none
   */
  readonly priorityClassName?: string;
  /**
   * Give the snapshot pods a NetworkPolicy that denies all ingress and allows egress only to DNS (kube-dns/CoreDNS in
   * kube-system, UDP and TCP 53), the Kubernetes API server (TCP 443 and 6443, see `apiServerCidrs`) and, when a
   * checkpoint runs, the database's pods on its port. The pods hold a token that can delete snapshots and, with a
   * checkpoint, the database password: nothing else needs to reach them or be reached by them.
   *
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * Where the snapshot pods may reach the Kubernetes API server, as CIDRs; the ports are TCP 443 (the `kubernetes`
   * Service) and 6443 (a common port of its endpoints). Most CNIs match the API server's endpoint addresses (`kubectl get
   * endpointslices -n default -l kubernetes.io/service-name=kubernetes`), some match the Service's cluster IP; list
   * both to narrow the default. Some CNIs never match node or control-plane addresses with a CIDR (Cilium without
   * `policy-cidr-match-mode: nodes`): there allow the API server with the CNI's own policy (Cilium's `toEntities:
   * [kube-apiserver]`) or set `networkPolicy: false`.
   *
   * @default - any address, on TCP 443 and 6443 only
   */
  readonly apiServerCidrs?: string[];
}

/**
 * What takes the snapshots of a `SnapshotBackupSchedule`.
 */
export class SnapshotEngine {
  /** The image `builtIn()` runs unless told: Alpine with kubectl 1.33 (see `BuiltInSnapshotEngineOptions.image`). */
  public static readonly DEFAULT_KUBECTL_IMAGE = 'alpine/k8s:1.33.4';

  /**
   * A CronJob of this library: a POSIX shell script with `kubectl`, run as its own ServiceAccount, allowed only `get`,
   * `list`, `create` and `delete` on VolumeSnapshots of its namespace. It names snapshots after the claim and the
   * scheduled time (a retried run never duplicates one), runs the database's checkpoint before the cut and ends the
   * window as soon as every snapshot is cut, waits until they are ready (failing with the snapshot's error message or
   * on a timeout), and prunes by `SnapshotRetention` without ever deleting the newest ready snapshot.
   */
  public static builtIn(options: BuiltInSnapshotEngineOptions = {}): SnapshotEngine {
    return new SnapshotEngine('built-in', options ?? {});
  }

  /**
   * A `SnapshotSchedule` of backube's snapscheduler operator (`snapscheduler.backube/v1`), which must be installed
   * in the cluster. Its claim selector matches exactly the targeted claims, by a label this construct puts on them.
   *
   * Differences from the built-in engine: snapscheduler's pruning counts snapshots that are not ready, so it can delete
   * the last ready one (backube/snapscheduler#688); it runs no checkpoint before the cut (#569); its schedule has no time
   * zone (the operator's clock); and with both a count and an age it deletes by whichever is stricter, so this
   * construct takes one of `keepLast` or `keepWithin` for it, and no `failedGrace`.
   *
   * @see https://backube.github.io/snapscheduler/usage.html
   * @see https://github.com/backube/snapscheduler/issues/688
   */
  public static snapscheduler(): SnapshotEngine {
    return new SnapshotEngine('snapscheduler', undefined);
  }

  /** `built-in` or `snapscheduler`. */
  public readonly name: string;

  /** @internal */
  public readonly _builtInOptions?: BuiltInSnapshotEngineOptions;

  private constructor(name: string, builtInOptions: BuiltInSnapshotEngineOptions | undefined) {
    this.name = name;
    this._builtInOptions = builtInOptions;
  }
}
