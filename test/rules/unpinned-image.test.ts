import { SEED_DEPLOYMENT, SEED_SNAPSHOT_CRONJOB } from './seed';
import { deployment, findings, names } from './support';
import { unpinned } from '../../src/rules/unpinned-image';

const RULE = 'unpinned-image';

describe(RULE, () => {
  test('the seed\'s bitnami/kubectl:latest', () => {
    const found = findings(RULE, SEED_SNAPSHOT_CRONJOB);
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('warning');
    expect(names(found[0])).toEqual(['CronJob default/postgres-snapshot-backup']);
    expect(found[0].message).toMatch(/container "create-snapshot" runs image "bitnami\/kubectl:latest", whose tag :latest moves: it is pulled again on every container start/);
  });

  test('no tag, on an init container, and with a registry port', () => {
    const app = deployment('app', { spec: { initContainers: [{ name: 'init', image: 'registry:5000/tools' }], containers: [{ name: 'app', image: 'nginx', imagePullPolicy: 'IfNotPresent' }] } });
    const found = findings(RULE, app);
    expect(found.map((f) => f.message.match(/container "(\w+)"/)![1]).sort()).toEqual(['app', 'init']);
    expect(found.find((f) => f.message.includes('"nginx"'))!.message).toMatch(/no tag and no digest.*each node keeps whichever version/);
  });

  test.each([
    ['postgres:15', undefined],
    ['registry:5000/tools:1.2', undefined],
    ['busybox@sha256:abc', undefined],
    ['busybox:latest@sha256:abc', undefined],
    ['busybox', 'no tag'],
    ['registry:5000/tools', 'no tag'],
    ['busybox:latest', ':latest'],
  ])('unpinned(%s)', (image, expected) => {
    const problem = unpinned(image);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toContain(expected);
  });

  test('near miss: the seed\'s postgres:15', () => {
    expect(findings(RULE, SEED_DEPLOYMENT)).toEqual([]);
  });
});
