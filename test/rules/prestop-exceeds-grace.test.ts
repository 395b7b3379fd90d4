import { SEED_PDB_DEPLOYMENT } from './seed';
import { deployment, findings, names, pod } from './support';

const RULE = 'prestop-exceeds-grace';

function withPreStop(command: string[], extra: { grace?: number; env?: object[] } = {}) {
  return deployment('db', {
    spec: {
      ...(extra.grace !== undefined ? { terminationGracePeriodSeconds: extra.grace } : {}),
      containers: [{ name: 'postgres', image: 'postgres:16.4', env: extra.env, lifecycle: { preStop: { exec: { command } } } }],
    },
  });
}
const sh = (script: string) => ['/bin/sh', '-c', script];

describe(RULE, () => {
  test('the seed\'s pg_ctl stop without -t waits up to 60 s, longer than the default 30 s grace', () => {
    const found = findings(RULE, SEED_PDB_DEPLOYMENT);
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('warning');
    expect(names(found[0])).toEqual(['Deployment default/postgres']);
    expect(found[0].message).toMatch(/container "postgres": its preStop hook can take 60 s \(pg_ctl stop waits up to 60 s, its default\), but terminationGracePeriodSeconds is 30 \(the default\)/);
  });

  test.each([
    ['pg_ctl -t 60 with grace 60 (equal is too short)', sh('pg_ctl stop -D "$PGDATA" -m fast -t 60'), 60],
    ['pg_ctl --timeout=90 with grace 60', sh('pg_ctl stop -D "$PGDATA" -m fast --timeout=90'), 60],
    ['pg_ctl --timeout 90 with grace 60', sh('pg_ctl --timeout 90 stop -D "$PGDATA"'), 60],
    ['sleep 30 with the default grace', ['sleep', '30'], undefined],
    ['sleep 1m with grace 45', sh('sleep 1m'), 45],
    ['timeout 40 with grace 40', sh('timeout 40 /usr/local/bin/drain.sh'), 40],
    ['timeout -s KILL 40 with grace 40', sh('timeout -s KILL 40 /usr/local/bin/drain.sh'), 40],
    ['sleep 10 then pg_ctl -t 25 add up to 35 with grace 30', sh('sleep 10; pg_ctl stop -m fast -t 25'), 30],
  ])('%s', (_, command, grace) => {
    expect(findings(RULE, withPreStop(command, { grace }))).toHaveLength(1);
  });

  test('PGCTLTIMEOUT sets pg_ctl\'s default wait', () => {
    const found = findings(RULE, withPreStop(sh('pg_ctl stop -m fast'), { grace: 100, env: [{ name: 'PGCTLTIMEOUT', value: '120' }] }));
    expect(found[0].message).toMatch(/120 s \(pg_ctl stop waits up to 120 s, PGCTLTIMEOUT\)/);
  });

  test('a bare Pod and a sidecar (init container with restartPolicy Always) are checked too', () => {
    const preStop = { exec: { command: ['sleep', '40'] } };
    expect(findings(RULE, pod('p', { spec: { containers: [{ name: 'c', image: 'x:1', lifecycle: { preStop } }] } }))).toHaveLength(1);
    expect(findings(RULE, pod('p', { spec: { initContainers: [{ name: 's', image: 'x:1', restartPolicy: 'Always', lifecycle: { preStop } }] } }))).toHaveLength(1);
    expect(findings(RULE, pod('p', { spec: { initContainers: [{ name: 's', image: 'x:1', lifecycle: { preStop } }] } }))).toEqual([]);
  });

  test('near miss: an ephemeral container (no hooks run for it), and one container listed twice through a YAML alias is one finding', () => {
    const preStop = { exec: { command: ['sleep', '40'] } };
    const debug = { name: 'debug', image: 'x:1', restartPolicy: 'Always', lifecycle: { preStop } };
    expect(findings(RULE, pod('p', { spec: { containers: [{ name: 'c', image: 'x:1' }], ephemeralContainers: [debug] } }))).toEqual([]);
    const shared = { name: 'c', image: 'x:1', lifecycle: { preStop } };
    expect(findings(RULE, pod('p', { spec: { containers: [shared], initContainers: [shared], ephemeralContainers: [shared] } }))).toHaveLength(1);
  });

  test.each([
    ['pg_ctl -t 60 with grace 75', sh('pg_ctl stop -D "$PGDATA" -m fast -t 60'), 75],
    ['timeout 30 bounds pg_ctl -t 60 in one step, grace 45', sh('timeout 30 pg_ctl stop -t 60'), 45],
    ['sleep 5 with the default grace', ['sleep', '5'], undefined],
    ['pg_ctl status (not stop)', sh('pg_ctl status'), undefined],
    ['no wait at all', ['/usr/local/bin/notify'], undefined],
  ])('near miss: %s', (_, command, grace) => {
    expect(findings(RULE, withPreStop(command, { grace }))).toEqual([]);
  });

  test('near miss: an httpGet preStop, or none', () => {
    expect(findings(RULE, deployment('web', { spec: { containers: [{ name: 'w', image: 'w:1', lifecycle: { preStop: { httpGet: { path: '/drain', port: 80 } } } }] } }))).toEqual([]);
    expect(findings(RULE, deployment('web'))).toEqual([]);
  });
});

test(`${RULE}: mentions PostgreSQL crash recovery only for pg_ctl`, () => {
  const sleepOnly = deployment('web', { spec: { containers: [{ name: 'w', image: 'w:1', lifecycle: { preStop: { exec: { command: ['sleep', '40'] } } } }] } });
  expect(findings(RULE, sleepOnly)[0].message).not.toMatch(/PostgreSQL/);
  expect(findings(RULE, SEED_PDB_DEPLOYMENT)[0].message).toMatch(/PostgreSQL then needs crash recovery/);
});
