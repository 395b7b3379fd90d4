import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { isLabelValue, isQualifiedName, LABEL_VALUE_RULE, QUALIFIED_NAME_RULE } from '../core/names';
import { pathOf } from '../internal/errors';
import { validateMetadata } from '../internal/metadata';
import { PropChecker } from '../internal/prop-checker';
import { dropNamespace } from '../internal/scope';
import { addSynthChecks } from '../internal/synth-checks';
import { requireCsiDriver, requireEnumValue, requireStringMap } from '../internal/validate';

/**
 * When a claim of the class gets its volume provisioned and bound.
 *
 * @see https://kubernetes.io/docs/concepts/storage/storage-classes/#volume-binding-mode
 */
export enum VolumeBindingMode {
  /**
   * Provision and bind once a pod using the claim is scheduled, in that pod's zone.
   * The right choice for zonal block storage: the volume is created where the single writer runs.
   */
  WAIT_FOR_FIRST_CONSUMER = 'WaitForFirstConsumer',

  /**
   * Provision and bind as soon as the claim is created, before any pod is scheduled.
   * With zonal storage the pod may then be unschedulable if the volume lands in another zone.
   */
  IMMEDIATE = 'Immediate',
}

/**
 * Properties of an `ExclusiveStorageClass`.
 */
export interface ExclusiveStorageClassProps extends kplus.ResourceProps {
  /**
   * The CSI driver that provisions the volumes, e.g. `ebs.csi.aws.com`, `pd.csi.storage.gke.io`, `disk.csi.azure.com`.
   *
   * ReadWriteOncePod is enforced only for CSI volumes, so in-tree provisioners (`kubernetes.io/*`, including
   * `kubernetes.io/no-provisioner`) are rejected, with the CSI driver to use instead.
   *
   * @see https://kubernetes.io/blog/2023/04/20/read-write-once-pod-access-mode-beta/
   */
  readonly provisioner: string;

  /**
   * What happens to a provisioned volume when its claim is deleted.
   *
   * `RETAIN` keeps the volume and its data, so deleting a claim by mistake (or a GitOps prune) loses nothing;
   * reclaim it by hand once you are sure.
   *
   * @default kplus.PersistentVolumeReclaimPolicy.RETAIN
   */
  readonly reclaimPolicy?: kplus.PersistentVolumeReclaimPolicy;

  /**
   * When claims of this class are provisioned and bound.
   *
   * @default VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER
   */
  readonly volumeBindingMode?: VolumeBindingMode;

  /**
   * Whether claims of this class can be grown by editing their storage request.
   *
   * @default true
   */
  readonly allowVolumeExpansion?: boolean;

  /**
   * Driver-specific parameters, passed to the provisioner as they are (e.g. `{ type: 'gp3' }` for AWS EBS).
   *
   * @default - no parameters
   */
  readonly parameters?: { [key: string]: string };

  /**
   * Mount options for the provisioned volumes (e.g. `['noatime']`). The driver must support them.
   *
   * @default - no mount options
   */
  readonly mountOptions?: string[];

  /**
   * Zones in which volumes may be provisioned, rendered as `allowedTopologies` on `zoneTopologyKey`.
   *
   * @default - any zone
   */
  readonly allowedZones?: string[];

  /**
   * The node label that carries the zone, for `allowedZones`.
   *
   * @default 'topology.kubernetes.io/zone'
   */
  readonly zoneTopologyKey?: string;

  /**
   * Mark this class as the cluster's default class (`storageclass.kubernetes.io/is-default-class`).
   *
   * @default false
   */
  readonly defaultClass?: boolean;
}

/**
 * A `StorageClass` fit for ReadWriteOncePod volumes: a CSI provisioner (in-tree ones are rejected),
 * `WaitForFirstConsumer` binding, `Retain` reclaim policy and volume expansion by default.
 */
export class ExclusiveStorageClass extends kplus.Resource {
  /** @see kplus.Resource.apiObject */
  protected readonly apiObject: ApiObject;

  public readonly resourceType = 'storageclasses';

  /** The CSI driver that provisions the volumes. */
  public readonly provisioner: string;

  /** What happens to a volume when its claim is deleted. */
  public readonly reclaimPolicy: kplus.PersistentVolumeReclaimPolicy;

  /** When claims are provisioned and bound. */
  public readonly volumeBindingMode: VolumeBindingMode;

  /** Whether claims can be grown. */
  public readonly allowVolumeExpansion: boolean;

  public constructor(scope: Construct, id: string, props: ExclusiveStorageClassProps) {
    validateProps(new PropChecker(pathOf(scope, id), 'ExclusiveStorageClass'), props);
    super(scope, id);
    addSynthChecks(this);

    this.provisioner = props.provisioner;
    this.reclaimPolicy = props.reclaimPolicy ?? kplus.PersistentVolumeReclaimPolicy.RETAIN;
    this.volumeBindingMode = props.volumeBindingMode ?? VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER;
    this.allowVolumeExpansion = props.allowVolumeExpansion ?? true;

    const zoneKey = props.zoneTopologyKey ?? 'topology.kubernetes.io/zone';
    this.apiObject = new kplus.k8s.KubeStorageClass(this, 'Resource', {
      metadata: props.metadata,
      provisioner: this.provisioner,
      reclaimPolicy: this.reclaimPolicy,
      volumeBindingMode: this.volumeBindingMode,
      allowVolumeExpansion: this.allowVolumeExpansion,
      parameters: props.parameters,
      mountOptions: props.mountOptions,
      allowedTopologies: props.allowedZones
        ? [{ matchLabelExpressions: [{ key: zoneKey, values: props.allowedZones }] }]
        : undefined,
    });
    if (props.defaultClass) {
      this.metadata.addAnnotation('storageclass.kubernetes.io/is-default-class', 'true');
    }
    dropNamespace(this.apiObject);
  }
}

function validateProps(check: PropChecker, props: ExclusiveStorageClassProps): void {
  requireCsiDriver(check, 'provisioner', props?.provisioner);
  validateMetadata(check, props.metadata, true);
  requireEnumValue(check, 'reclaimPolicy', props.reclaimPolicy, kplus.PersistentVolumeReclaimPolicy, 'PersistentVolumeReclaimPolicy');
  requireEnumValue(check, 'volumeBindingMode', props.volumeBindingMode, VolumeBindingMode, 'VolumeBindingMode');
  requireStringMap(check, 'parameters', props.parameters);
  if (props.mountOptions !== undefined && !Array.isArray(props.mountOptions)) {
    throw check.fail('mountOptions', props.mountOptions, 'accepted: a list of mount options, e.g. ["noatime"]');
  }
  for (const option of props.mountOptions ?? []) {
    if (typeof option !== 'string' || option.trim().length === 0) {
      throw check.fail('mountOptions', option, 'accepted: non-empty mount option strings, e.g. "noatime"');
    }
  }
  if (props.zoneTopologyKey !== undefined && !isQualifiedName(props.zoneTopologyKey)) {
    throw check.fail('zoneTopologyKey', props.zoneTopologyKey, `accepted: a node label key (${QUALIFIED_NAME_RULE})`);
  }
  if (props.zoneTopologyKey !== undefined && props.allowedZones === undefined) {
    throw check.fail('zoneTopologyKey', props.zoneTopologyKey, 'it only applies to allowedZones; accepted: allowedZones given too, or no zoneTopologyKey');
  }
  if (props.allowedZones !== undefined) {
    if (!Array.isArray(props.allowedZones) || props.allowedZones.length === 0) {
      throw check.fail('allowedZones', props.allowedZones, 'accepted: at least one zone, or leave it unset for any zone');
    }
    for (const zone of props.allowedZones) {
      if (typeof zone !== 'string' || zone.length === 0 || !isLabelValue(zone)) {
        throw check.fail('allowedZones', zone, `accepted: zone names that are label values (${LABEL_VALUE_RULE})`);
      }
    }
    // The API server refuses a topology requirement that lists a value twice.
    const duplicate = props.allowedZones.find((zone, i) => props.allowedZones!.indexOf(zone) !== i);
    if (duplicate !== undefined) {
      throw check.fail('allowedZones', props.allowedZones, `"${duplicate}" is listed twice; accepted: each zone once`);
    }
  }
}
