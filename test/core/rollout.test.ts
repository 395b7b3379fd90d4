import { deadlockingRollout } from '../../src/core/rollout';

describe('deadlockingRollout', () => {
  test.each<[string, Parameters<typeof deadlockingRollout>[0], number, string | undefined]>([
    ['no strategy: RollingUpdate 25%/25%, one pod surged, none unavailable', undefined, 1,
      'RollingUpdate (the default strategy) with maxSurge 25% (the default) and maxUnavailable 25% (the default, 0 pods)'],
    ['Recreate', { type: 'Recreate' }, 1, undefined],
    ['maxSurge 0', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }, 1, undefined],
    ['maxSurge "0%"', { type: 'RollingUpdate', rollingUpdate: { maxSurge: '0%' } }, 1, undefined],
    ['maxSurge 1, maxUnavailable 0', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }, 1,
      'RollingUpdate with maxSurge 1 and maxUnavailable 0'],
    ['maxSurge 1, maxUnavailable 1: the old pod goes first', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } }, 1, undefined],
    ['maxUnavailable "100%" of one pod', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '100%' } }, 1, undefined],
    ['maxUnavailable "50%" of one pod rounds down to none', { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '50%' } }, 1,
      'RollingUpdate with maxSurge "25%" and maxUnavailable "50%"'],
    ['maxUnavailable "50%" of two pods is one', { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '50%' } }, 2, undefined],
    ['maxSurge "1%" rounds up to a pod', { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1%', maxUnavailable: 0 } }, 1,
      'RollingUpdate with maxSurge "1%" and maxUnavailable 0'],
    ['0 replicas count as one (a scaled-down Deployment deadlocks when scaled up)', { type: 'RollingUpdate' }, 0,
      'RollingUpdate with maxSurge 25% (the default) and maxUnavailable 25% (the default, 0 pods)'],
    ['a surge that is not a number is left to the API server', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 'one' } }, 1, undefined],
  ])('%s', (_, strategy, replicas, expected) => {
    expect(deadlockingRollout(strategy, replicas)).toBe(expected);
  });
});
