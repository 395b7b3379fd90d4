// The workloads check a user's update strategy from what cdk8s-plus-27 renders it to (its strategies have no public
// getters). These pin that rendering in the version the package is tested with.
import * as kplus from 'cdk8s-plus-27';
import { deploymentStrategyManifest, statefulSetPartition } from '../../src/internal/cdk8s-plus-strategies';

describe('what cdk8s-plus-27 update strategies render to', () => {
  test('Deployment strategies: the type, and the rolling update values as written (absolute numbers, percentages)', () => {
    expect(deploymentStrategyManifest(kplus.DeploymentStrategy.recreate())).toEqual({ type: 'Recreate', rollingUpdate: {} });
    expect(deploymentStrategyManifest(kplus.DeploymentStrategy.rollingUpdate())).toEqual({
      type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
    });
    expect(deploymentStrategyManifest(kplus.DeploymentStrategy.rollingUpdate({
      maxSurge: kplus.PercentOrAbsolute.absolute(0), maxUnavailable: kplus.PercentOrAbsolute.percent(100),
    }))).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '100%' } });
  });

  test('StatefulSet strategies: the partition of a rolling update, none for onDelete', () => {
    expect(statefulSetPartition(kplus.StatefulSetUpdateStrategy.rollingUpdate({ partition: 2 }))).toBe(2);
    expect(statefulSetPartition(kplus.StatefulSetUpdateStrategy.rollingUpdate())).toBe(0);
    expect(statefulSetPartition(kplus.StatefulSetUpdateStrategy.onDelete())).toBeUndefined();
  });
});
