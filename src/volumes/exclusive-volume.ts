import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ExclusiveStorageClass } from './exclusive-storage-class';
import { VolumeDataSource } from './volume-data-source';
import { DNS1123_SUBDOMAIN_RULE, isDns1123Subdomain } from '../core/names';
import { pathOf } from '../internal/errors';
import { validateMetadata } from '../internal/metadata';
import { PropChecker } from '../internal/prop-checker';
import { addPruneProtection, requireNoPruneConflict } from '../internal/protection';
import { exactQuantity } from '../internal/quantity';
import { addSynthChecks } from '../internal/synth-checks';
import { requireEnumValue } from '../internal/validate';

/**
 * Properties of an `ExclusiveVolume`.
 */
export interface ExclusiveVolumeProps extends kplus.ResourceProps {
  /**
   * The storage to request: any positive whole number of KiB, rendered exactly in the largest binary unit
   * (`Size.mebibytes(500)` → `500Mi`, `Size.gibibytes(20)` → `20Gi`).
   * A claim restored from a snapshot or cloned must be at least as large as its source.
   */
  readonly storage: Size;

  /**
   * A storage class of this app (checked to be CSI). Give this or `storageClassName`, not both.
   *
   * @default - `storageClassName`, or the cluster's default class when neither is given
   */
  readonly storageClass?: ExclusiveStorageClass;

  /**
   * The name of a storage class that exists in the cluster; its provisioner must be a CSI driver, since
   * ReadWriteOncePod is enforced for CSI volumes only. `""` asks for no class (static binding, e.g. with `volumeName`).
   * Give this or `storageClass`, not both.
   *
   * @default - the cluster's default class (via the DefaultStorageClass admission plugin)
   */
  readonly storageClassName?: string;

  /**
   * Whether the volume is presented as a filesystem or as a raw block device.
   *
   * @default kplus.PersistentVolumeMode.FILE_SYSTEM
   */
  readonly volumeMode?: kplus.PersistentVolumeMode;

  /**
   * Populate the new volume from a `VolumeSnapshot` (restore) or from another claim (clone).
   * This is also the snapshot path of the RWO → RWOP migration.
   *
   * @default - an empty volume
   */
  readonly dataSource?: VolumeDataSource;

  /**
   * Bind to this existing PersistentVolume instead of provisioning one: the last step of the official in-place
   * RWO → RWOP migration (the PV's `accessModes` patched to `ReadWriteOncePod` and its `claimRef.uid` cleared first).
   * Needs an explicit `storageClass`/`storageClassName` equal to the PV's (`""` when the PV has none), or the
   * cluster's default class would be filled in and the claim would never bind.
   *
   * @see https://kubernetes.io/blog/2021/09/13/read-write-once-pod-access-mode-alpha/#migrating-existing-persistentvolumes
   * @default - a new volume is provisioned
   */
  readonly volumeName?: string;

  /**
   * Annotate the claim so that Argo CD never prunes it nor deletes it with its Application
   * (`argocd.argoproj.io/sync-options: Prune=false,Delete=false`), Flux never garbage-collects it
   * (`kustomize.toolkit.fluxcd.io/prune: disabled`) and `helm uninstall` keeps it (`helm.sh/resource-policy: keep`).
   * Removing the claim from the manifests then leaves it, and its data, in the cluster until someone deletes it by hand.
   *
   * @default true
   */
  readonly protectFromPrune?: boolean;
}

/**
 * A PersistentVolumeClaim that exactly one pod in the whole cluster can mount: its access modes are always
 * exactly `[ReadWriteOncePod]`. It is a `kplus.PersistentVolumeClaim`, usable wherever a claim is.
 *
 * By default it is protected from GitOps prune and Helm uninstall (see `protectFromPrune`).
 *
 * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes
 */
export class ExclusiveVolume extends kplus.PersistentVolumeClaim {
  /** The storage request as rendered in the manifest, e.g. `500Mi`. */
  public readonly storageQuantity: string;

  /**
   * The storage request as given. cdk8s-plus's own `storage` is left unset: it renders whole GiB only, so the claim's
   * `spec.resources` is rendered here, exactly (see `storageQuantity`).
   */
  public readonly storageRequest: Size;

  /** Where the volume's data comes from, if it is restored or cloned. */
  public readonly dataSource?: VolumeDataSource;

  /** Whether the prune-protection annotations are set. */
  public readonly protectedFromPrune: boolean;

  public constructor(scope: Construct, id: string, props: ExclusiveVolumeProps) {
    const check = new PropChecker(pathOf(scope, id), 'ExclusiveVolume');
    const storageQuantity = validateProps(check, props);
    super(scope, id, {
      metadata: props.metadata,
      accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD],
      storageClassName: props.storageClass?.name ?? props.storageClassName,
      volumeMode: props.volumeMode,
    });
    this.storageQuantity = storageQuantity;
    this.storageRequest = props.storage;
    this.dataSource = props.dataSource;
    this.protectedFromPrune = props.protectFromPrune ?? true;
    addSynthChecks(this);

    if (props.volumeName !== undefined) {
      this.bind(kplus.PersistentVolume.fromPersistentVolumeName(this, 'BoundVolume', props.volumeName));
    }
    this.dataSource?._validate(check, this, storageOf);
    if (this.protectedFromPrune) {
      addPruneProtection(this.metadata, props.metadata?.annotations);
    }
    // What cdk8s-plus-27's claim has no prop for: an exact size, and a data source. The patched object is rendered
    // through cdk8s-plus's typed L1 (KubePersistentVolumeClaim), so values take its types (a k8s.Quantity).
    const apiObject = ApiObject.of(this);
    apiObject.addJsonPatch(JsonPatch.add('/spec/resources', { requests: { storage: kplus.k8s.Quantity.fromString(storageQuantity) } }));
    if (this.dataSource !== undefined) {
      const { apiGroup, kind, name } = this.dataSource;
      apiObject.addJsonPatch(JsonPatch.add('/spec/dataSource', { ...(apiGroup !== undefined ? { apiGroup } : {}), kind, name }));
    }
  }
}

/** The size a claim requests: an `ExclusiveVolume`'s own, or what cdk8s-plus was given. */
function storageOf(claim: kplus.PersistentVolumeClaim): Size | undefined {
  return claim instanceof ExclusiveVolume ? claim.storageRequest : claim.storage;
}

/** Eager prop checks; returns the exact storage quantity. */
function validateProps(check: PropChecker, props: ExclusiveVolumeProps): string {
  const quantity = props?.storage instanceof Size ? exactQuantity(props.storage) : undefined;
  if (quantity === undefined) {
    throw check.fail('storage', props?.storage,
      'accepted: a positive Size that is a whole number of KiB, at most 2^53-1 KiB (8 EiB), e.g. Size.mebibytes(500) or Size.gibibytes(20)');
  }
  validateMetadata(check, props.metadata, false);
  if (props.protectFromPrune ?? true) {
    requireNoPruneConflict(check, props.metadata?.annotations);
  }
  if (props.storageClass !== undefined && !(props.storageClass instanceof ExclusiveStorageClass)) {
    throw check.fail('storageClass', props.storageClass, 'accepted: an ExclusiveStorageClass');
  }
  if (props.storageClass !== undefined && props.storageClassName !== undefined) {
    throw check.fail('storageClassName', props.storageClassName,
      `storageClass (${props.storageClass.name}) is given too; accepted: one of storageClass or storageClassName`);
  }
  const className = props.storageClassName;
  if (className !== undefined && className !== '' && (typeof className !== 'string' || !isDns1123Subdomain(className))) {
    throw check.fail('storageClassName', className, `accepted: "" (no class) or ${DNS1123_SUBDOMAIN_RULE}`);
  }
  requireEnumValue(check, 'volumeMode', props.volumeMode, kplus.PersistentVolumeMode, 'PersistentVolumeMode');
  if (props.dataSource !== undefined && !(props.dataSource instanceof VolumeDataSource)) {
    throw check.fail('dataSource', props.dataSource,
      'accepted: VolumeDataSource.fromSnapshot(), fromSnapshotName(), fromClaim() or fromClaimName()');
  }
  if (props.volumeName !== undefined) {
    if (typeof props.volumeName !== 'string' || !isDns1123Subdomain(props.volumeName)) {
      throw check.fail('volumeName', props.volumeName, `accepted: the name of a PersistentVolume, ${DNS1123_SUBDOMAIN_RULE}`);
    }
    if (props.dataSource !== undefined) {
      throw check.fail('volumeName', props.volumeName,
        'dataSource is given too, but a claim bound to an existing volume is not provisioned, so it cannot be restored or cloned; accepted: one of volumeName or dataSource');
    }
    if (props.storageClass === undefined && props.storageClassName === undefined) {
      throw check.fail('storageClassName', undefined,
        `volumeName "${props.volumeName}" is given, and without a class the cluster's default class is filled in and the claim never binds to that volume; accepted: the PersistentVolume's storage class name, or "" if it has none`);
    }
  }
  return quantity;
}
