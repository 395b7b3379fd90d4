import { Size } from 'cdk8s';

/**
 * A directory the process writes to, on a root filesystem that is otherwise read-only: an `emptyDir` is mounted there.
 */
export interface WritableDirectory {
  /** The absolute path, e.g. `/tmp` or `/var/run/postgresql`. */
  readonly path: string;

  /**
   * The most it may hold; the kubelet evicts the pod when it holds more.
   *
   * @default Size.mebibytes(256)
   */
  readonly sizeLimit?: Size;
}
