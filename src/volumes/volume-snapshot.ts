import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { IVolumeSnapshotClass } from './volume-snapshot-class';
import { DNS1123_SUBDOMAIN_RULE, isDns1123Subdomain } from '../core/names';
import * as snapshot from '../imports/snapshot.storage.k8s.io';
import { pathOf } from '../internal/errors';
import { validateMetadata } from '../internal/metadata';
import { PropChecker } from '../internal/prop-checker';
import { addPruneProtection, requireNoPruneConflict } from '../internal/protection';
import { addSynthChecks } from '../internal/synth-checks';

/**
 * What a `VolumeSnapshot` is cut from: exactly one claim or one pre-provisioned snapshot content.
 *
 * The static factories make "exactly one source" (the CRD's own rule) the only thing that can be expressed.
 */
export class VolumeSnapshotSource {
  /**
   * Snapshot a claim (`spec.source.persistentVolumeClaimName`). The claim must be in the snapshot's namespace.
   * Snapshotting never mounts the claim, so it works while the single writer holds its RWOP volume.
   */
  public static fromClaim(claim: kplus.IPersistentVolumeClaim): VolumeSnapshotSource {
    return new VolumeSnapshotSource(claim?.name, undefined, claim);
  }

  /**
   * Snapshot the claim of this name, in the snapshot's namespace.
   */
  public static fromClaimName(claimName: string): VolumeSnapshotSource {
    return new VolumeSnapshotSource(claimName, undefined, undefined);
  }

  /**
   * Bind to an existing, pre-provisioned `VolumeSnapshotContent` (`spec.source.volumeSnapshotContentName`),
   * e.g. to import a snapshot taken outside Kubernetes.
   */
  public static fromSnapshotContentName(contentName: string): VolumeSnapshotSource {
    return new VolumeSnapshotSource(undefined, contentName, undefined);
  }

  /** The claim to snapshot, if the source is a claim. */
  public readonly claimName?: string;

  /** The pre-provisioned snapshot content, if the source is one. */
  public readonly snapshotContentName?: string;

  private readonly claim?: kplus.IPersistentVolumeClaim;

  private constructor(claimName: string | undefined, snapshotContentName: string | undefined, claim: kplus.IPersistentVolumeClaim | undefined) {
    this.claimName = claimName;
    this.snapshotContentName = snapshotContentName;
    this.claim = claim;
  }

  /** @internal */
  public _validate(check: PropChecker, snapshotNamespace: string | undefined): void {
    const isClaim = this.snapshotContentName === undefined;
    const name = isClaim ? this.claimName : this.snapshotContentName;
    const prop = isClaim ? 'source (claim name)' : 'source (snapshot content name)';
    if (typeof name !== 'string' || !isDns1123Subdomain(name)) {
      throw check.fail(prop, name, `accepted: ${DNS1123_SUBDOMAIN_RULE}`);
    }
    // A snapshot can only be cut from a claim in its own namespace; we can tell when the claim is a construct.
    if (this.claim instanceof kplus.Resource && this.claim.metadata.namespace !== snapshotNamespace) {
      throw check.fail('source', name,
        `the claim is in namespace "${this.claim.metadata.namespace ?? '(default)'}" and the snapshot in "${snapshotNamespace ?? '(default)'}"; accepted: a claim in the snapshot's namespace`);
    }
  }
}

/**
 * A reference to a `VolumeSnapshot`.
 */
export interface IVolumeSnapshot extends kplus.IResource {}

/**
 * Properties of a `VolumeSnapshot`.
 */
export interface VolumeSnapshotProps extends kplus.ResourceProps {
  /**
   * What to snapshot: a claim, or a pre-provisioned snapshot content.
   */
  readonly source: VolumeSnapshotSource;

  /**
   * The snapshot class; its driver must be the one that provisioned the claim.
   * Use `VolumeSnapshotClass.fromSnapshotClassName()` for a class that already exists in the cluster.
   *
   * @default - the default snapshot class of the claim's CSI driver
   */
  readonly snapshotClass?: IVolumeSnapshotClass;

  /**
   * Annotate the snapshot so that Argo CD never prunes it nor deletes it with its Application, Flux never
   * garbage-collects it and `helm uninstall` keeps it: with a `Delete` snapshot class, deleting the object deletes
   * the backup.
   *
   * @default true
   */
  readonly protectFromPrune?: boolean;
}

/**
 * A `snapshot.storage.k8s.io/v1` `VolumeSnapshot`: a point-in-time copy of a claim, taken by its CSI driver
 * without mounting the claim.
 *
 * Needs the snapshot CRDs and the snapshot controller in the cluster (they are add-ons, not part of Kubernetes).
 *
 * @see https://kubernetes.io/docs/concepts/storage/volume-snapshots/
 */
export class VolumeSnapshot extends kplus.Resource implements IVolumeSnapshot {
  /**
   * A reference to a snapshot that exists in the cluster, e.g. to restore an `ExclusiveVolume` from it.
   */
  public static fromSnapshotName(scope: Construct, id: string, name: string): IVolumeSnapshot {
    if (typeof name !== 'string' || !isDns1123Subdomain(name)) {
      throw new PropChecker(pathOf(scope, id), 'VolumeSnapshot.fromSnapshotName').fail('name', name, `accepted: ${DNS1123_SUBDOMAIN_RULE}`);
    }
    return new ImportedVolumeSnapshot(scope, id, name);
  }

  /** @see kplus.Resource.apiObject */
  protected readonly apiObject: ApiObject;

  public readonly resourceType = 'volumesnapshots';

  /** What the snapshot is cut from. */
  public readonly source: VolumeSnapshotSource;

  /** The snapshot class name, if one was given. */
  public readonly snapshotClassName?: string;

  public constructor(scope: Construct, id: string, props: VolumeSnapshotProps) {
    const check = new PropChecker(pathOf(scope, id), 'VolumeSnapshot');
    validateProps(check, props);
    super(scope, id);
    addSynthChecks(this);
    this.source = props.source;
    this.snapshotClassName = props.snapshotClass?.name;

    this.apiObject = new snapshot.VolumeSnapshot(this, 'Resource', {
      metadata: props.metadata,
      spec: {
        source: {
          persistentVolumeClaimName: this.source.claimName,
          volumeSnapshotContentName: this.source.snapshotContentName,
        },
        volumeSnapshotClassName: this.snapshotClassName,
      },
    });
    this.source._validate(check, this.metadata.namespace);
    if (props.protectFromPrune ?? true) {
      addPruneProtection(this.metadata, props.metadata?.annotations);
    }
  }
}

function validateProps(check: PropChecker, props: VolumeSnapshotProps): void {
  if (!(props?.source instanceof VolumeSnapshotSource)) {
    throw check.fail('source', props?.source,
      'accepted: VolumeSnapshotSource.fromClaim(), fromClaimName() or fromSnapshotContentName()');
  }
  validateMetadata(check, props.metadata, false);
  if (props.protectFromPrune ?? true) {
    requireNoPruneConflict(check, props.metadata?.annotations);
  }
  // The CRD refuses an empty class name: absent means "the driver's default".
  const className = props.snapshotClass?.name;
  if (props.snapshotClass !== undefined && (typeof className !== 'string' || !isDns1123Subdomain(className))) {
    throw check.fail('snapshotClass', className, `accepted: a class whose name is ${DNS1123_SUBDOMAIN_RULE}, or no class for the driver's default`);
  }
}

class ImportedVolumeSnapshot extends Construct implements IVolumeSnapshot {
  public readonly resourceType = 'volumesnapshots';
  public readonly apiVersion = snapshot.VolumeSnapshot.GVK.apiVersion;
  public readonly kind = snapshot.VolumeSnapshot.GVK.kind;
  public readonly apiGroup = 'snapshot.storage.k8s.io';

  public constructor(scope: Construct, id: string, public readonly name: string) {
    super(scope, id);
  }

  public get resourceName(): string {
    return this.name;
  }
}
