import { cronJob, deployment, findings, job, manifests, pvc } from './support';
import { ManifestIndex } from '../../src/rules';
import type { KubeObject } from '../../src/rules';

/** A Job the CronJob `pg-dump` created, as a `kubectl get -o json` dump shows it. */
function ownedJob(name: string, claims: string[], status: KubeObject = { active: 1 }): KubeObject {
  const object = job(name, { claims, labels: { app: 'pg-dump' } });
  return {
    ...object,
    metadata: { ...object.metadata, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'pg-dump', uid: 'u1', controller: true }] },
    status,
  };
}

const CRON_JOB = cronJob('pg-dump', { claims: ['pg-dumps'], labels: { app: 'pg-dump' } });

function workloads(...objects: KubeObject[]): string[] {
  return new ManifestIndex(manifests(...objects)).podTemplates.map((template) => `${template.workloadKind} ${template.workloadName}`);
}

describe('a dump\'s Jobs created by a CronJob', () => {
  test('a Job with the CronJob\'s claims is folded into the CronJob', () => {
    expect(workloads(CRON_JOB, ownedJob('pg-dump-28867080', ['pg-dumps']))).toEqual(['CronJob pg-dump']);
  });

  test('a running Job whose template mounts other claims than the CronJob\'s (it drifted) is checked on its own', () => {
    expect(workloads(CRON_JOB, ownedJob('pg-dump-28867080', ['pg-dumps', 'postgres-data']))).toEqual(['CronJob pg-dump', 'Job pg-dump-28867080']);
    const found = findings('rwop-job-mounts-held-claim', CRON_JOB, ownedJob('pg-dump-28867080', ['postgres-data']),
      pvc('postgres-data'), deployment('postgres', { claims: ['postgres-data'] }));
    expect(found.map((each) => each.objects[0].name)).toEqual(['pg-dump-28867080']);
  });

  test('near miss: a drifted Job that has finished (completionTime or a Complete/Failed condition) holds nothing and stays folded', () => {
    expect(workloads(CRON_JOB, ownedJob('a-1', ['postgres-data'], { completionTime: '2024-11-19T04:02:41Z', succeeded: 1 }))).toEqual(['CronJob pg-dump']);
    expect(workloads(CRON_JOB, ownedJob('a-2', ['postgres-data'], { failed: 3, conditions: [{ type: 'Failed', status: 'True' }] }))).toEqual(['CronJob pg-dump']);
  });

  test('without the CronJob in the input, the Job\'s own template is checked, under its CronJob\'s name', () => {
    expect(workloads(ownedJob('pg-dump-28867080', ['pg-dumps']))).toEqual(['CronJob pg-dump']);
  });
});
