import { SEED_DEPLOYMENT, SEED_PVC } from './seed';
import { cronJob, deployment, findings, names, pvc } from './support';

const RULE = 'rwop-preempts-holder';

function priorityClass(name: string, value: number, extra: object = {}) {
  return { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra };
}
const backup = (priorityClassName?: string, extra: object = {}) =>
  cronJob('pg-backup', { claims: ['postgres-exclusive-data'], spec: { ...(priorityClassName ? { priorityClassName } : {}), ...extra } });

describe(RULE, () => {
  test('a backup with a higher PriorityClass than the seed\'s database', () => {
    const found = findings(RULE, SEED_PVC, SEED_DEPLOYMENT, backup('backups'), priorityClass('backups', 1000));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('error');
    expect(names(found[0])).toEqual(['CronJob default/pg-backup', 'PersistentVolumeClaim default/postgres-exclusive-data', 'Deployment default/postgres']);
    expect(found[0].message).toMatch(/CronJob default\/pg-backup \(priority 1000, PriorityClass backups\) and Deployment default\/postgres \(priority 0, no PriorityClass\)/);
    expect(found[0].message).toMatch(/preempts the lower-priority holder/);
  });

  test('system-cluster-critical outranks a class of 1000000', () => {
    const db = deployment('postgres', { claims: ['postgres-exclusive-data'], spec: { priorityClassName: 'databases' } });
    const found = findings(RULE, SEED_PVC, db, backup('system-cluster-critical'), priorityClass('databases', 1000000));
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/priority 2000000000, PriorityClass system-cluster-critical/);
  });

  test('the globalDefault class applies to pods that name none', () => {
    const found = findings(RULE, SEED_PVC, SEED_DEPLOYMENT, backup('backups'), priorityClass('backups', 1000), priorityClass('normal', 10, { globalDefault: true }));
    expect(found[0].message).toMatch(/Deployment default\/postgres \(priority 10, PriorityClass normal, the global default\)/);
  });

  test('near miss: equal priorities, a database that outranks its backup, preemptionPolicy Never, an unknown class, an RWO claim', () => {
    expect(findings(RULE, SEED_PVC, SEED_DEPLOYMENT, backup())).toEqual([]);
    const db = deployment('postgres', { claims: ['postgres-exclusive-data'], spec: { priorityClassName: 'databases' } });
    expect(findings(RULE, SEED_PVC, db, backup('backups'), priorityClass('databases', 1000000), priorityClass('backups', 1000))).toEqual([]);
    expect(findings(RULE, SEED_PVC, SEED_DEPLOYMENT, backup('backups'), priorityClass('backups', 1000, { preemptionPolicy: 'Never' }))).toEqual([]);
    expect(findings(RULE, SEED_PVC, SEED_DEPLOYMENT, backup('not-in-input'))).toEqual([]);
    expect(findings(RULE, pvc('postgres-exclusive-data', ['ReadWriteOnce']), SEED_DEPLOYMENT, backup('backups'), priorityClass('backups', 1000))).toEqual([]);
  });

  test('two long-running workloads of different priority: the higher one evicts the other', () => {
    const other = deployment('debug', { claims: ['postgres-exclusive-data'], spec: { priorityClassName: 'high' } });
    const found = findings(RULE, SEED_PVC, SEED_DEPLOYMENT, other, priorityClass('high', 5));
    expect(names(found[0])).toEqual(['Deployment default/debug', 'PersistentVolumeClaim default/postgres-exclusive-data', 'Deployment default/postgres']);
  });
});
