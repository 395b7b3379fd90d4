import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DNS1123_SUBDOMAIN_RULE, isDns1123Subdomain } from '../core/names';
import * as snapshot from '../imports/snapshot.storage.k8s.io';
import { pathOf } from '../internal/errors';
import { validateMetadata } from '../internal/metadata';
import { PropChecker } from '../internal/prop-checker';
import { dropNamespace } from '../internal/scope';
import { addSynthChecks } from '../internal/synth-checks';
import { requireCsiDriver, requireEnumValue, requireStringMap } from '../internal/validate';

/**
 * What happens to the storage snapshot when its `VolumeSnapshot` object is deleted.
 *
 * @see https://kubernetes.io/docs/concepts/storage/volume-snapshot-classes/#deletionpolicy
 */
export enum VolumeSnapshotDeletionPolicy {
  /** Keep the storage snapshot (and its `VolumeSnapshotContent`) when the `VolumeSnapshot` is deleted. */
  RETAIN = 'Retain',

  /** Delete the storage snapshot together with its `VolumeSnapshot`. */
  DELETE = 'Delete',
}

/**
 * A reference to a `VolumeSnapshotClass`.
 */
export interface IVolumeSnapshotClass extends kplus.IResource {}

/**
 * Properties of a `VolumeSnapshotClass`.
 */
export interface VolumeSnapshotClassProps extends kplus.ResourceProps {
  /**
   * The CSI driver that cuts the snapshots; the same driver that provisioned the claims to snapshot.
   */
  readonly driver: string;

  /**
   * What happens to the storage snapshot when its `VolumeSnapshot` is deleted.
   *
   * `RETAIN` keeps the data of a snapshot deleted by mistake (or pruned by GitOps) and leaves a
   * `VolumeSnapshotContent` to clean up by hand; choose `DELETE` when a retention policy should reclaim the space.
   *
   * @default VolumeSnapshotDeletionPolicy.RETAIN
   */
  readonly deletionPolicy?: VolumeSnapshotDeletionPolicy;

  /**
   * Driver-specific parameters, passed to the driver as they are.
   *
   * @default - no parameters
   */
  readonly parameters?: { [key: string]: string };

  /**
   * Mark this class as the default for its driver (`snapshot.storage.kubernetes.io/is-default-class`), used by
   * snapshots that name no class.
   *
   * @default false
   */
  readonly defaultClass?: boolean;
}

/**
 * A `snapshot.storage.k8s.io/v1` `VolumeSnapshotClass`.
 *
 * Needs the snapshot CRDs and the snapshot controller in the cluster (they are add-ons, not part of Kubernetes).
 *
 * @see https://kubernetes.io/docs/concepts/storage/volume-snapshot-classes/
 */
export class VolumeSnapshotClass extends kplus.Resource implements IVolumeSnapshotClass {
  /**
   * A reference to a snapshot class that exists in the cluster.
   */
  public static fromSnapshotClassName(scope: Construct, id: string, name: string): IVolumeSnapshotClass {
    if (typeof name !== 'string' || !isDns1123Subdomain(name)) {
      throw new PropChecker(pathOf(scope, id), 'VolumeSnapshotClass.fromSnapshotClassName').fail('name', name, `accepted: ${DNS1123_SUBDOMAIN_RULE}`);
    }
    return new ImportedVolumeSnapshotClass(scope, id, name);
  }

  /** @see kplus.Resource.apiObject */
  protected readonly apiObject: ApiObject;

  public readonly resourceType = 'volumesnapshotclasses';

  /** The CSI driver that cuts the snapshots. */
  public readonly driver: string;

  /** What happens to the storage snapshot when its `VolumeSnapshot` is deleted. */
  public readonly deletionPolicy: VolumeSnapshotDeletionPolicy;

  public constructor(scope: Construct, id: string, props: VolumeSnapshotClassProps) {
    validateProps(new PropChecker(pathOf(scope, id), 'VolumeSnapshotClass'), props);
    super(scope, id);
    addSynthChecks(this);
    this.driver = props.driver;
    this.deletionPolicy = props.deletionPolicy ?? VolumeSnapshotDeletionPolicy.RETAIN;
    this.apiObject = new snapshot.VolumeSnapshotClass(this, 'Resource', {
      metadata: props.metadata,
      driver: this.driver,
      deletionPolicy: this.deletionPolicy as string as snapshot.VolumeSnapshotClassDeletionPolicy,
      parameters: props.parameters,
    });
    if (props.defaultClass) {
      this.metadata.addAnnotation('snapshot.storage.kubernetes.io/is-default-class', 'true');
    }
    dropNamespace(this.apiObject);
  }
}

function validateProps(check: PropChecker, props: VolumeSnapshotClassProps): void {
  requireCsiDriver(check, 'driver', props?.driver);
  validateMetadata(check, props.metadata, true);
  // The CRD's enum (Delete|Retain).
  requireEnumValue(check, 'deletionPolicy', props.deletionPolicy, VolumeSnapshotDeletionPolicy, 'VolumeSnapshotDeletionPolicy');
  requireStringMap(check, 'parameters', props.parameters);
}

class ImportedVolumeSnapshotClass extends Construct implements IVolumeSnapshotClass {
  public readonly resourceType = 'volumesnapshotclasses';
  public readonly apiVersion = snapshot.VolumeSnapshotClass.GVK.apiVersion;
  public readonly kind = snapshot.VolumeSnapshotClass.GVK.kind;
  public readonly apiGroup = 'snapshot.storage.k8s.io';

  public constructor(scope: Construct, id: string, public readonly name: string) {
    super(scope, id);
  }

  public get resourceName(): string {
    return this.name;
  }
}
