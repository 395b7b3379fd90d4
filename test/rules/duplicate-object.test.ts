import { SEED_DEPLOYMENT, SEED_PVC } from './seed';
import { deployment, findings, names, pvc, storageClass } from './support';
import { runRules } from '../../src/rules';

const RULE = 'duplicate-object';

describe(RULE, () => {
  test('the same Deployment in two files names both locations', () => {
    const found = runRules([
      { object: SEED_DEPLOYMENT, source: { file: 'base/postgres.yaml', line: 1 } },
      { object: { ...SEED_DEPLOYMENT, spec: { ...SEED_DEPLOYMENT.spec, replicas: 2 } }, source: { file: 'overlays/prod/postgres.yaml', line: 12 } },
    ], { only: [RULE] });
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('error');
    expect(names(found[0])).toEqual(['Deployment default/postgres', 'Deployment default/postgres']);
    expect(found[0].objects.map((ref) => ref.source?.file)).toEqual(['base/postgres.yaml', 'overlays/prod/postgres.yaml']);
    expect(found[0].message).toContain('Deployment default/postgres is defined 2 times (base/postgres.yaml:1; overlays/prod/postgres.yaml:12)');
    expect(found[0].message).toContain('keep only one of them');
  });

  test('construct paths name cdk8s objects; three copies are one finding', () => {
    const found = runRules([1, 2, 3].map((n) => ({ object: SEED_PVC, source: { constructPath: `app/db${n}/data` } })), { only: [RULE] });
    expect(found).toHaveLength(1);
    expect(found[0].objects).toHaveLength(3);
    expect(found[0].message).toContain('defined 3 times (construct app/db1/data; construct app/db2/data; construct app/db3/data)');
  });

  test('the same group in another version is the same object; a cluster-scoped kind has no namespace', () => {
    expect(findings(RULE, deployment('web'), { ...deployment('web'), apiVersion: 'apps/v1beta2' })).toHaveLength(1);
    const found = findings(RULE, storageClass('fast', 'ebs.csi.aws.com'), { ...storageClass('fast', 'pd.csi.storage.gke.io'), metadata: { name: 'fast', namespace: 'ignored' } });
    expect(found).toHaveLength(1);
    expect(names(found[0])).toEqual(['StorageClass fast', 'StorageClass fast']);
  });

  test('two objects without a namespace collide, whatever namespace the apply uses', () => {
    expect(findings(RULE, pvc('data'), pvc('data'))).toHaveLength(1);
    expect(findings(RULE, pvc('data', ['ReadWriteOncePod'], { namespace: 'db' }), pvc('data', ['ReadWriteOnce'], { namespace: 'db' }))).toHaveLength(1);
  });

  test('near miss: another namespace, kind, group or name; no namespace against an explicit one; generateName', () => {
    expect(findings(RULE,
      pvc('data', ['ReadWriteOncePod'], { namespace: 'a' }), pvc('data', ['ReadWriteOncePod'], { namespace: 'b' }),
      pvc('data'), pvc('data', ['ReadWriteOncePod'], { namespace: 'default' }),
      deployment('data'),
      { apiVersion: 'example.com/v1', kind: 'Deployment', metadata: { name: 'data' } },
      pvc('logs'),
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { generateName: 'restore-' }, spec: {} },
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { generateName: 'restore-' }, spec: {} },
    )).toEqual([]);
  });

  test('near miss: an object read back from a cluster (metadata.uid), listed by two dumps or next to its definition', () => {
    const live = { ...pvc('data'), metadata: { name: 'data', namespace: 'default', uid: '0f6a2c55-1b9d-4c7e-a2e3-77b1c9d8e004' } };
    expect(findings(RULE, live, live)).toEqual([]);
    expect(findings(RULE, live, { ...pvc('data'), metadata: { name: 'data', namespace: 'default' } })).toEqual([]);
  });
});
