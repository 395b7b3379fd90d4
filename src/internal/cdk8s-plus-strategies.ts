// What a cdk8s-plus-27 update strategy renders to. Its strategy classes have no public getters, so the one way to check
// a strategy the user gives is its own rendering (`_toKube`, internal to cdk8s-plus). Both reads are here, and
// test/internal/cdk8s-plus-strategies.test.ts pins what cdk8s-plus 2.9.5 renders: a new version that changes it fails
// there, not in a user's synth.
import * as kplus from 'cdk8s-plus-27';

/** A Deployment strategy as its manifest fields: the type, and the rolling update's int-or-percent values. */
export interface DeploymentStrategyManifest {
  readonly type?: string;
  readonly rollingUpdate?: { readonly maxSurge?: string | number; readonly maxUnavailable?: string | number };
}

/** The `spec.strategy` that `strategy` renders to. */
export function deploymentStrategyManifest(strategy: kplus.DeploymentStrategy): DeploymentStrategyManifest {
  const kube = strategy._toKube();
  return {
    type: kube.type,
    rollingUpdate: { maxSurge: kube.rollingUpdate?.maxSurge?.value, maxUnavailable: kube.rollingUpdate?.maxUnavailable?.value },
  };
}

/** The `partition` of a StatefulSet's rolling update, as `strategy` renders it; undefined for `onDelete()`. */
export function statefulSetPartition(strategy: kplus.StatefulSetUpdateStrategy): number | undefined {
  return strategy._toKube().rollingUpdate?.partition;
}
