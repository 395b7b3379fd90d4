import { SEED_DEPLOYMENT, SEED_DUMP_CRONJOB, SEED_PVC, SEED_SNAPSHOT_CRONJOB } from './seed';
import { cronJob, deployment, findings, job, names, pod, pvc, statefulSet } from './support';

const RULE = 'rwop-job-mounts-held-claim';

describe(RULE, () => {
  test('a backup CronJob mounting the seed database\'s claim names the CronJob, the claim and the Deployment', () => {
    const found = findings(RULE, SEED_PVC, SEED_DEPLOYMENT, cronJob('pg-backup', { claims: ['postgres-exclusive-data'] }));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('error');
    expect(names(found[0])).toEqual(['CronJob default/pg-backup', 'PersistentVolumeClaim default/postgres-exclusive-data', 'Deployment default/postgres']);
    expect(found[0].message).toMatch(/the backup can never start while the database runs/);
  });

  test('a Job against a StatefulSet, and a Pod of a Job that is not in the input', () => {
    expect(findings(RULE, pvc('data'), statefulSet('db', { claims: ['data'] }), job('restore-check', { claims: ['data'] }))).toHaveLength(1);
    const jobPod = pod('backup-29000000-abcde', { claims: ['data'] });
    jobPod.metadata.ownerReferences = [{ apiVersion: 'batch/v1', kind: 'Job', name: 'backup-29000000', controller: true }];
    const found = findings(RULE, pvc('data'), deployment('db', { claims: ['data'] }), jobPod);
    expect(found).toHaveLength(1);
    expect(names(found[0])[0]).toBe('Pod default/backup-29000000-abcde');
  });

  test('near miss: the seed\'s backups (pg_dump over the network into another claim; a snapshot CronJob that mounts nothing)', () => {
    expect(findings(RULE, SEED_PVC, SEED_DEPLOYMENT, SEED_DUMP_CRONJOB, pvc('backup-pvc'), SEED_SNAPSHOT_CRONJOB)).toEqual([]);
  });

  test('near miss: an RWO claim, and a Job that is the only user of its RWOP claim', () => {
    expect(findings(RULE, pvc('data', ['ReadWriteOnce']), deployment('db', { claims: ['data'] }), job('b', { claims: ['data'] }))).toEqual([]);
    expect(findings(RULE, pvc('scratch'), job('b', { claims: ['scratch'] }))).toEqual([]);
  });
});
