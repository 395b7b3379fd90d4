// At synth, a SnapshotBackupSchedule checks what the app itself says about its claims: the StorageClass and the
// VolumeSnapshotClass, when the app defines them, must be able to snapshot each claim.
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PropChecker } from './prop-checker';
import { snapshotDriverProblem } from '../rules/snapshot-driver-mismatch';

const DEFAULT_STORAGE_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

/** A claim the schedule snapshots, the prop it came from, and its object when it is one of the app's. */
export interface SnapshotTarget {
  readonly claimName: string;
  readonly prop: string;
  readonly claim?: IConstruct;
}

/** The snapshot class the schedule names, and the prop that names it. */
export interface SnapshotClassChoice {
  readonly name: string;
  readonly prop: string;
}

/**
 * One error per claim whose StorageClass (in the app) is not CSI, or whose provisioner is not the driver of the
 * VolumeSnapshotClass (in the app) the schedule names. Claims, classes and snapshot classes the app does not define
 * are not checked: the cluster may have them.
 */
export function snapshotDriverErrors(
  schedule: IConstruct, check: PropChecker, namespace: string | undefined,
  targets: readonly SnapshotTarget[], snapshotClass: SnapshotClassChoice | undefined,
): string[] {
  const objects = schedule.node.root.node.findAll().filter(ApiObject.isApiObject);
  const named = (kindName: string, name: string, objectNamespace?: string) => objects.find((object) => object.kind === kindName
    && object.name === name && (objectNamespace === undefined || object.metadata.namespace === objectNamespace));
  const snapshotClassObject = snapshotClass && named('VolumeSnapshotClass', snapshotClass.name);
  const driver = snapshotClassObject && stringField(snapshotClassObject.toJson().driver);
  const errors: string[] = [];
  for (const target of targets) {
    const claimObject = target.claim ? ApiObject.of(target.claim) : named('PersistentVolumeClaim', target.claimName, namespace);
    if (!claimObject) continue;
    const storageClass = storageClassOf(objects, claimObject.toJson(), named);
    const provisioner = storageClass && stringField(storageClass.json.provisioner);
    if (!storageClass || provisioner === undefined) continue;
    const problem = snapshotDriverProblem(provisioner, driver);
    if (problem === undefined) continue;
    const mismatch = driver !== undefined && driver !== provisioner && snapshotClass !== undefined && snapshotClassObject !== undefined;
    const facts = `claim ${target.claimName} (${claimObject.node.path}) is of StorageClass ${storageClass.object.name} (${storageClass.object.node.path})`
      + (mismatch ? `, and VolumeSnapshotClass ${snapshotClass.name} (${snapshotClassObject.node.path}) has driver "${driver}"` : '');
    const error = mismatch
      ? check.fail(snapshotClass.prop, snapshotClass.name,
        `${facts}: ${problem}, or omit it for the driver's default class`)
      : check.fail(target.prop, target.claimName, `${facts}: ${problem}`);
    errors.push(error.message);
  }
  return errors;
}

function storageClassOf(
  objects: readonly ApiObject[], claim: any, named: (kind: string, name: string) => ApiObject | undefined,
): { object: ApiObject; json: any } | undefined {
  const className = claim?.spec?.storageClassName;
  if (className === undefined) {
    // No class named: the cluster's default class, when the app defines it.
    for (const object of objects.filter((candidate) => candidate.kind === 'StorageClass')) {
      const json = object.toJson();
      if (DEFAULT_STORAGE_CLASS_ANNOTATIONS.some((key) => json.metadata?.annotations?.[key] === 'true')) return { object, json };
    }
    return undefined;
  }
  const object = typeof className === 'string' && className !== '' ? named('StorageClass', className) : undefined;
  return object && { object, json: object.toJson() };
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
