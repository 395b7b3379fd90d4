// The Kubernetes "restricted" Pod Security Standard, as defaults for the pods of this library's workloads.
// cdk8s-plus-27 covers most of it; what it cannot express (a seccomp profile, dropping ALL capabilities, the priority
// class) is filled in by JSON patches on the rendered object (`completePodTemplate`).
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';

/** The identity a workload's processes run as. */
export interface PodIdentity {
  /** The uid of every container (never 0). */
  readonly user: number;
  /** The primary gid of every container. */
  readonly group: number;
  /** The group that owns the pod's volumes, so that the non-root user can write its data volume. */
  readonly fsGroup: number;
}

/** A writable directory on a read-only root filesystem: an `emptyDir` mounted at `path`. */
export interface ScratchDirectory {
  /** The volume name in the pod spec (a DNS-1123 label). */
  readonly name: string;
  /** Where the container needs to write, e.g. `/var/run/postgresql` for the server's socket and lock file. */
  readonly path: string;
  /** The most the directory may hold before the pod is evicted. */
  readonly sizeLimit: Size;
}

/**
 * `capabilities.drop: [ALL]`. cdk8s-plus-27's `Capability` enum has no `ALL`, but it renders the list as given, so the
 * literal the API expects is passed through.
 */
const DROP_ALL_CAPABILITIES = ['ALL' as kplus.Capability];

/**
 * The pod-level security context: non-root uid/gid, volumes owned by `fsGroup`. `OnRootMismatch` skips the recursive
 * ownership change of a large data volume on every start once its root has the right group.
 */
export function restrictedPodSecurityContext(identity: PodIdentity): kplus.PodSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: identity.user,
    group: identity.group,
    fsGroup: identity.fsGroup,
    fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
  };
}

/**
 * The container-level security context: non-root, not privileged, no privilege escalation, every capability dropped,
 * read-only root filesystem (mount `ScratchDirectory`s where the process writes).
 */
export function restrictedContainerSecurityContext(identity: PodIdentity): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: identity.user,
    group: identity.group,
    privileged: false,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: DROP_ALL_CAPABILITIES },
  };
}

/** Mounts an `emptyDir` at each directory, so that the process can write there on a read-only root filesystem. */
export function mountScratchDirectories(scope: Construct, container: kplus.Container, directories: readonly ScratchDirectory[]): void {
  for (const directory of directories) {
    const volume = kplus.Volume.fromEmptyDir(scope, `Scratch-${directory.name}`, directory.name, { sizeLimit: directory.sizeLimit });
    container.mount(directory.path, volume);
  }
}
