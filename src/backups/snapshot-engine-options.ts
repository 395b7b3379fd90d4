import { Duration } from 'cdk8s';
import { BackupJobOptions } from './backup-options';

/**
 * Options of `SnapshotEngine.builtIn()`.
 */
export interface BuiltInSnapshotEngineOptions extends BackupJobOptions {
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
   * How long a run waits for every snapshot to be ready to use, from its start; then it fails with exit code 3. The
   * Job's `activeDeadline` must be longer, to leave time for the pruning.
   *
   * @default Duration.hours(1)
   */
  readonly readyTimeout?: Duration;

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
