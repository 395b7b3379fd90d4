import { SEED_DUMP_CRONJOB } from './seed';
import { cronJob, findings, job, names, pvc } from './support';

const RULE = 'rwop-cronjob-overlap';

function withPolicy(object: any, concurrencyPolicy: string): any {
  return { ...object, spec: { ...object.spec, concurrencyPolicy } };
}

describe(RULE, () => {
  test('a CronJob that mounts its own RWOP claim with the default policy (Allow) is a warning naming both', () => {
    const found = findings(RULE, pvc('dumps'), cronJob('pg-dump', { claims: ['dumps'] }));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('warning');
    expect(names(found[0])).toEqual(['CronJob default/pg-dump', 'PersistentVolumeClaim default/dumps']);
    expect(found[0].message).toMatch(/concurrencyPolicy Allow: when a run outlasts the schedule period/);
  });

  test('an explicit Allow is reported too', () => {
    expect(findings(RULE, pvc('dumps'), withPolicy(cronJob('pg-dump', { claims: ['dumps'] }), 'Allow'))).toHaveLength(1);
  });

  test.each(['Forbid', 'Replace'])('near miss: concurrencyPolicy %s never runs two at once', (policy) => {
    expect(findings(RULE, pvc('dumps'), withPolicy(cronJob('pg-dump', { claims: ['dumps'] }), policy))).toEqual([]);
  });

  test('near miss: an RWO claim, a claim not in the input, and a plain Job', () => {
    expect(findings(RULE, pvc('dumps', ['ReadWriteOnce']), cronJob('pg-dump', { claims: ['dumps'] }))).toEqual([]);
    expect(findings(RULE, cronJob('pg-dump', { claims: ['dumps'] }))).toEqual([]);
    expect(findings(RULE, pvc('dumps'), job('pg-dump', { claims: ['dumps'] }))).toEqual([]);
  });

  test('the seed\'s dump CronJob with an RWOP backup claim: reported, since the seed sets no concurrencyPolicy', () => {
    const found = findings(RULE, pvc('backup-pvc'), SEED_DUMP_CRONJOB);
    expect(found.map((f) => names(f)[0])).toEqual([`CronJob default/${SEED_DUMP_CRONJOB.metadata.name}`]);
  });
});
