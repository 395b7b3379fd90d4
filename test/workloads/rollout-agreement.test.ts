// The workload constructs and the rules share one definition of a rollout that deadlocks on a ReadWriteOncePod volume:
// a strategy the construct refuses is exactly one the rule reports in the same Deployment.
import * as kplus from 'cdk8s-plus-27';
import { GIB_20, synthWorkloads, testChart } from './support';
import { SingleWriterWorkload, WorkloadContainer } from '../../src';
import { runRules } from '../../src/rules';
import { only, synthValid } from '../volumes/support';

const RULE = 'rwop-rolling-update-surge';

function workload(strategy: kplus.DeploymentStrategy | undefined) {
  const chart = testChart();
  new SingleWriterWorkload(chart, 'App', {
    metadata: { name: 'app' },
    container: WorkloadContainer.fromImage({ image: 'registry.example/app:1.2.3', port: 8080, mountPath: '/data' }),
    storage: GIB_20,
    strategy,
  });
  return synthWorkloads(chart);
}

/** `spec.strategy` as cdk8s-plus renders the strategy in a Deployment. */
function renderedStrategy(strategy: kplus.DeploymentStrategy): unknown {
  const chart = testChart();
  new kplus.Deployment(chart, 'Plain', { strategy, containers: [{ image: 'registry.example/app:1.2.3' }] });
  return only(synthValid(chart), 'Deployment').spec.strategy;
}

const { absolute, percent } = kplus.PercentOrAbsolute;

describe('the construct refuses exactly the strategies the rule reports', () => {
  test.each<[string, kplus.DeploymentStrategy, boolean]>([
    ['Recreate', kplus.DeploymentStrategy.recreate(), false],
    ['the rolling update defaults (25%/25%)', kplus.DeploymentStrategy.rollingUpdate(), true],
    ['maxSurge 0', kplus.DeploymentStrategy.rollingUpdate({ maxSurge: absolute(0) }), false],
    ['maxSurge 0%', kplus.DeploymentStrategy.rollingUpdate({ maxSurge: percent(0) }), false],
    ['maxSurge 1, maxUnavailable 0', kplus.DeploymentStrategy.rollingUpdate({ maxSurge: absolute(1), maxUnavailable: absolute(0) }), true],
    // Refused by the construct before the two shared one definition; the rule always accepted it.
    ['maxSurge 1, maxUnavailable 1', kplus.DeploymentStrategy.rollingUpdate({ maxSurge: absolute(1), maxUnavailable: absolute(1) }), false],
    ['maxSurge 25%, maxUnavailable 100%', kplus.DeploymentStrategy.rollingUpdate({ maxSurge: percent(25), maxUnavailable: percent(100) }), false],
    ['maxSurge 25%, maxUnavailable 50% (no pod)', kplus.DeploymentStrategy.rollingUpdate({ maxSurge: percent(25), maxUnavailable: percent(50) }), true],
  ])('%s', (_, strategy, deadlocks) => {
    let refusal: Error | undefined;
    try {
      workload(strategy);
    } catch (error) {
      refusal = error as Error;
    }
    expect(refusal?.message).toEqual(deadlocks ? expect.stringMatching(/^Test\/App: SingleWriterWorkload prop "strategy" is "RollingUpdate with /) : undefined);

    // The same workload with the strategy written into its Deployment, as the rule sees manifests from elsewhere.
    const manifests = workload(undefined);
    only(manifests, 'Deployment').spec.strategy = renderedStrategy(strategy);
    const reported = runRules(manifests.map(object => ({ object }))).filter(found => found.ruleId === RULE);
    expect(reported.length > 0).toBe(deadlocks);
  });
});
