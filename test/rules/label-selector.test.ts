import { deployment, manifests } from './support';
import { matchesSelector } from '../../src/rules/label-selector';
import { ManifestIndex } from '../../src/rules/manifest-index';

describe('matchesSelector', () => {
  const labels = { app: 'db', tier: 'data' };

  test.each([
    [{}, true],
    [{ matchLabels: { app: 'db' } }, true],
    [{ matchLabels: { app: 'web' } }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'web'] }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] }, false],
    [{ matchExpressions: [{ key: 'missing', operator: 'In', values: ['x'] }] }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['db'] }] }, false],
    [{ matchExpressions: [{ key: 'missing', operator: 'NotIn', values: ['db'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'missing', operator: 'Exists' }] }, false],
    [{ matchExpressions: [{ key: 'missing', operator: 'DoesNotExist' }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'Unknown' }] }, false],
    [{ matchExpressions: [{ operator: 'Exists' }] }, false],
    [{ matchLabels: { app: 'db' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['cache'] }] }, false],
    [undefined, false],
    [null, false],
  ])('%j → %s', (selector, expected) => {
    expect(matchesSelector(selector, labels)).toBe(expected);
  });

  test('labels are read as own properties: names that objects inherit are labels only when a pod has them', () => {
    // Parsed labels keep their prototype (they are used as they are): `constructor` and `toString` must not match.
    for (const key of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      expect(matchesSelector({ matchExpressions: [{ key, operator: 'Exists' }] }, labels)).toBe(false);
      expect(matchesSelector({ matchExpressions: [{ key, operator: 'DoesNotExist' }] }, labels)).toBe(true);
      expect(matchesSelector({ matchLabels: { [key]: 'x' } }, labels)).toBe(false);
    }
    const own = JSON.parse('{"constructor": "x", "__proto__": "y"}');
    expect(matchesSelector({ matchLabels: { constructor: 'x' } }, own)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: '__proto__', operator: 'In', values: ['y'] }] }, own)).toBe(true);
  });
});

describe('ManifestIndex.podTemplatesSelectedBy', () => {
  const index = new ManifestIndex(manifests(
    deployment('a', { labels: { app: 'a', tier: 'db' } }),
    deployment('b', { labels: { app: 'b', tier: 'db' } }),
    deployment('c', { labels: { app: 'c' } }),
    deployment('d', { labels: { app: 'a', tier: 'db' }, namespace: 'other' }),
  ));
  const selected = (selector: unknown) => index.podTemplatesSelectedBy('default', selector).map((t) => t.workload.name);

  test('narrows by labels, In and Exists, and still applies the whole selector', () => {
    expect(selected({ matchLabels: { tier: 'db' } })).toEqual(['a', 'b']);
    expect(selected({ matchLabels: { tier: 'db' }, matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['a'] }] })).toEqual(['b']);
    expect(selected({ matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'c'] }] })).toEqual(['a', 'c']);
    expect(selected({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] })).toEqual(['a', 'b']);
    expect(selected({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] })).toEqual(['c']);
    expect(selected({})).toEqual(['a', 'b', 'c']);
    expect(selected(undefined)).toEqual([]);
    expect(index.podTemplatesSelectedBy('nowhere', {})).toEqual([]);
  });
});
