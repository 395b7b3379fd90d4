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

describe('what the index finds once for every rule', () => {
  test('objects named alike: same kind, namespace ("default" when unset) and name, in input order; others in no group', () => {
    const explicit = { ...pvc('data'), metadata: { name: 'data', namespace: 'default' } };
    const otherNamespace = pvc('data', ['ReadWriteOncePod'], { namespace: 'shop' });
    const input = [pvc('data'), deployment('data'), explicit, otherNamespace, pvc('logs'), pvc('data')].map((object, i) => ({ object, source: { line: i + 1 } }));
    const groups = new ManifestIndex(input).objectsNamedAlike()
      .map((group) => group.map((entry) => `${entry.kind} ${entry.namespace}/${entry.name} #${entry.source?.line}`));
    expect(groups).toEqual([['PersistentVolumeClaim default/data #1', 'PersistentVolumeClaim default/data #3', 'PersistentVolumeClaim default/data #6']]);
    expect(new ManifestIndex(manifests(pvc('a'), pvc('b'))).objectsNamedAlike()).toEqual([]);
  });

  test('a template\'s containers (init, then main, then ephemeral; mappings only) and the claims it mounts that the input has', () => {
    const object = deployment('db', { claims: ['data', 'missing', 'data'] });
    const spec = object.spec.template.spec;
    spec.initContainers = [{ name: 'init' }, 'not a mapping'];
    spec.ephemeralContainers = [{ name: 'debug' }];
    const [template] = new ManifestIndex(manifests(object, pvc('data'), pvc('other'))).podTemplates;
    expect(template.containers.map((container) => container.name)).toEqual(['init', ...spec.containers.map((c: KubeObject) => c.name), 'debug']);
    expect(template.claimNames).toEqual(['data', 'missing']);
    expect(template.claims.map((claim) => claim.name)).toEqual(['data']);
    expect(template.rwopClaims.map((claim) => claim.name)).toEqual(['data']);
    const rwo = new ManifestIndex(manifests(deployment('db', { claims: ['data'] }), pvc('data', ['ReadWriteOnce']))).podTemplates[0];
    expect(rwo.claims.map((claim) => claim.name)).toEqual(['data']);
    expect(rwo.rwopClaims).toEqual([]);
  });
});
