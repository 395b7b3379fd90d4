// The PodDisruptionBudget a DisruptionPolicy asks for; shared by SingleWriterWorkload and ExclusiveStatefulSet.
import { ApiObjectMetadata, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DisruptionPolicy } from './disruption-policy';
import { BLOCKS_DRAINS_REASON_ANNOTATION } from '../rules';

/** What a PodDisruptionBudget is created for. */
export interface DisruptionBudgetTarget {
  readonly policy: DisruptionPolicy;
  /** The workload whose pods the budget covers; its selector is the pod template's labels, read at synth. */
  readonly workload: kplus.Workload;
  /** Metadata of the budget (name, labels); the namespace comes from the chart like every object's. */
  readonly metadata?: ApiObjectMetadata;
}

/**
 * The PodDisruptionBudget of a workload per its `DisruptionPolicy`, or undefined for `none()`.
 * Call `policy._validate()` first.
 */
export function createDisruptionBudget(scope: Construct, id: string, target: DisruptionBudgetTarget): kplus.k8s.KubePodDisruptionBudget | undefined {
  const { policy, workload } = target;
  if (policy.maxUnavailable === undefined) return undefined;
  const annotations = { ...target.metadata?.annotations };
  if (policy.reason !== undefined) {
    annotations[BLOCKS_DRAINS_REASON_ANNOTATION] = policy.reason.trim();
  }
  return new kplus.k8s.KubePodDisruptionBudget(scope, id, {
    metadata: Object.keys(annotations).length > 0 ? { ...target.metadata, annotations } : target.metadata,
    spec: {
      // int-or-string: a plain number would be dropped by the L1's toJson.
      maxUnavailable: kplus.k8s.IntOrString.fromNumber(policy.maxUnavailable),
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
      // The template's labels as they are at synth, so that labels added after construction are covered too.
      selector: Lazy.any({ produce: () => ({ matchLabels: podTemplateLabels(workload) }) }) as kplus.k8s.LabelSelector,
    },
  });
}

/** The labels every pod of the workload carries. */
export function podTemplateLabels(workload: kplus.Workload): { [key: string]: string } {
  return { ...workload.podMetadata.toJson().labels };
}
