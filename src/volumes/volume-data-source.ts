import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IVolumeSnapshot } from './volume-snapshot';
import { DNS1123_SUBDOMAIN_RULE, isDns1123Subdomain } from '../core/names';
import { PropChecker } from '../internal/prop-checker';

/**
 * Where a new claim's data comes from (`spec.dataSource`): a `VolumeSnapshot` to restore, or a claim to clone.
 *
 * Neither mounts the source, so both work while a single writer holds the source's RWOP volume.
 *
 * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#volume-snapshot-and-restore-volume-from-snapshot-support
 * @see https://kubernetes.io/docs/concepts/storage/volume-pvc-datasource/
 */
export class VolumeDataSource {
  /**
   * Restore from a `VolumeSnapshot` construct or reference (`VolumeSnapshot.fromSnapshotName()`).
   * The snapshot must be in the claim's namespace and `readyToUse` before the claim can bind.
   */
  public static fromSnapshot(snapshot: IVolumeSnapshot): VolumeDataSource {
    return new VolumeDataSource('VolumeSnapshot', 'snapshot.storage.k8s.io', snapshot?.name, snapshot);
  }

  /**
   * Restore from the `VolumeSnapshot` of this name, in the claim's namespace.
   */
  public static fromSnapshotName(snapshotName: string): VolumeDataSource {
    return new VolumeDataSource('VolumeSnapshot', 'snapshot.storage.k8s.io', snapshotName, undefined);
  }

  /**
   * Clone a claim (CSI volume cloning). The source must be in the same namespace, of the same storage class and
   * volume mode, and not larger than the new claim.
   */
  public static fromClaim(claim: kplus.IPersistentVolumeClaim): VolumeDataSource {
    return new VolumeDataSource('PersistentVolumeClaim', undefined, claim?.name, claim);
  }

  /**
   * Clone the claim of this name, in the new claim's namespace.
   */
  public static fromClaimName(claimName: string): VolumeDataSource {
    return new VolumeDataSource('PersistentVolumeClaim', undefined, claimName, undefined);
  }

  /** The kind of the source: `VolumeSnapshot` or `PersistentVolumeClaim`. */
  public readonly kind: string;

  /** The API group of the source (`snapshot.storage.k8s.io` for snapshots, none for claims). */
  public readonly apiGroup?: string;

  /** The name of the source object. */
  public readonly name: string;

  private readonly source?: kplus.IResource;

  private constructor(kind: string, apiGroup: string | undefined, name: string, source: kplus.IResource | undefined) {
    this.kind = kind;
    this.apiGroup = apiGroup;
    this.name = name;
    this.source = source;
  }

  /**
   * Checks what can be known before synthesis: the name, and, when the source is a construct of this app,
   * its namespace, storage class, volume mode and size.
   *
   * @internal
   */
  public _validate(check: PropChecker, claim: kplus.PersistentVolumeClaim,
    storageOf: (claim: kplus.PersistentVolumeClaim) => Size | undefined): void {
    if (typeof this.name !== 'string' || !isDns1123Subdomain(this.name)) {
      throw check.fail('dataSource', this.name, `accepted: a ${this.kind} whose name is ${DNS1123_SUBDOMAIN_RULE}`);
    }
    if (!(this.source instanceof kplus.Resource)) return;
    const sourceNamespace = this.source.metadata.namespace;
    if (sourceNamespace !== claim.metadata.namespace) {
      throw check.fail('dataSource', `${this.kind} ${this.name}`,
        `it is in namespace "${sourceNamespace ?? '(default)'}" and the claim in "${claim.metadata.namespace ?? '(default)'}"; accepted: a source in the claim's namespace`);
    }
    if (this.source instanceof kplus.PersistentVolumeClaim) {
      this.validateClone(check, this.source, claim, storageOf);
    }
  }

  private validateClone(check: PropChecker, source: kplus.PersistentVolumeClaim, claim: kplus.PersistentVolumeClaim,
    storageOf: (claim: kplus.PersistentVolumeClaim) => Size | undefined): void {
    if (source.storageClassName !== claim.storageClassName) {
      throw check.fail('dataSource', `PersistentVolumeClaim ${this.name}`,
        `a clone must have its source's storage class ("${source.storageClassName ?? '(cluster default)'}"), not "${claim.storageClassName ?? '(cluster default)'}"`);
    }
    if (source.volumeMode !== claim.volumeMode) {
      throw check.fail('dataSource', `PersistentVolumeClaim ${this.name}`,
        `a clone must have its source's volume mode (${source.volumeMode}), not ${claim.volumeMode}`);
    }
    const sourceStorage = storageOf(source);
    const claimStorage = storageOf(claim);
    if (sourceStorage && claimStorage && sourceStorage.toKibibytes() > claimStorage.toKibibytes()) {
      throw check.fail('storage', `${claimStorage.toKibibytes()}Ki`,
        `a clone must be at least as large as its source (${sourceStorage.toKibibytes()}Ki)`);
    }
  }
}
