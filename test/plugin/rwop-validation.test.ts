import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RwopValidation } from '../../src';

/** A stand-in for the cdk8s CLI's ValidationContext: the manifests written to a temporary directory. */
function fakeContext(...files: string[]) {
  return fakeContextIn(fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-unit-')), {}, ...files);
}

/** The same in `dir`, with cdk8s's construct metadata (keyed by metadata.name) as the CLI hands it over. */
function fakeContextIn(dir: string, metadata: Record<string, { path: string }>, ...files: string[]) {
  const manifests = files.map((text, i) => {
    const file = path.join(dir, `m${i}.k8s.yaml`);
    fs.writeFileSync(file, text);
    return file;
  });
  const violations: any[] = [];
  const submitted: { status?: string; metadata?: Record<string, string> } = {};
  return {
    manifests,
    metadata,
    violations,
    submitted,
    report: {
      addViolation: (violation: any) => violations.push(violation),
      submit: (status: string, summary?: Record<string, string>) => Object.assign(submitted, { status, metadata: summary }),
    },
  };
}

const RWOP_CLAIM = 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: db}\n'
  + 'spec: {accessModes: [ReadWriteOncePod], resources: {requests: {storage: 1Gi}}}\n';
function deployment(name: string, extra = ''): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: db\n${extra}`
    + 'spec:\n  replicas: 1\n  strategy: {type: Recreate}\n  selector: {matchLabels: {app: x}}\n  template:\n'
    + '    metadata: {labels: {app: x}}\n    spec:\n      containers: [{name: c, image: "postgres:15.10"}]\n'
    + '      volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]\n';
}
// A rolling update that surges on an RWO claim: a warning, not an error.
const RWO_SURGE = 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: db}\n'
  + 'spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n---\n'
  + deployment('web').replace('strategy: {type: Recreate}', 'strategy: {type: RollingUpdate}');

describe('RwopValidation', () => {
  test('failOn decides the status; findings below it are still reported', async () => {
    for (const [failOn, status] of [['error', 'success'], ['warning', 'failure'], ['info', 'failure']] as const) {
      const context = fakeContext(RWO_SURGE);
      await new RwopValidation({ failOn }).validate(context);
      expect(context.submitted.status).toBe(status);
      expect(context.violations.map((v) => v.ruleName)).toEqual(['rwo-rolling-update-surge (warning)']);
      expect(context.submitted.metadata).toMatchObject({ 'Fail on': failOn, 'Warnings': '1', 'Errors': '0' });
    }
  });

  test('each object of a finding is a violating resource with its manifest and line', async () => {
    const context = fakeContext(`${RWOP_CLAIM}---\n${deployment('a')}`, deployment('b'));
    await new RwopValidation().validate(context);
    expect(context.submitted.status).toBe('failure');
    const [violation] = context.violations;
    expect(violation.ruleName).toBe('rwop-claim-shared (error)');
    expect(violation.violatingResources).toEqual([
      { resourceName: 'PersistentVolumeClaim db/data', locations: ['PersistentVolumeClaim db/data (line 1)'], manifestPath: context.manifests[0] },
      { resourceName: 'Deployment db/a', locations: ['Deployment db/a (line 6)'], manifestPath: context.manifests[0] },
      { resourceName: 'Deployment db/b', locations: ['Deployment db/b (line 1)'], manifestPath: context.manifests[1] },
    ]);
  });

  describe('construct paths of objects that share a name', () => {
    // A Deployment and a Service named alike: cdk8s's own metadata holds the path of the last one written.
    const DEPLOYMENT_AND_SERVICE = `${RWOP_CLAIM}---\n${deployment('a')}---\n${deployment('db')}---\n`
      + 'apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: db}\nspec: {ports: [{port: 5432}]}\n';
    const BY_NAME = { data: { path: 'App/Data/Resource' }, a: { path: 'App/A/Resource' }, db: { path: 'App/Db/Service/Resource' } };

    test('matched by API group, kind, namespace and name from the paths our constructs record', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-paths-'));
      fs.writeFileSync(path.join(dir, 'construct-metadata.rwop.json'), JSON.stringify({
        version: '1.0.0',
        resources: [
          { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'db', name: 'db', path: 'App/Db/Deployment/Resource' },
          { apiVersion: 'v1', kind: 'Service', namespace: 'db', name: 'db', path: 'App/Db/Service/Resource' },
          // Another group's kind of the same name must not match.
          { apiVersion: 'example.com/v1', kind: 'Deployment', namespace: 'db', name: 'a', path: 'App/Other/Resource' },
        ],
      }));
      const context = fakeContextIn(dir, { ...BY_NAME }, DEPLOYMENT_AND_SERVICE);
      await new RwopValidation().validate(context);
      const names = context.violations[0].violatingResources.map((resource: any) => resource.resourceName);
      expect(names).toEqual(['PersistentVolumeClaim db/data', 'Deployment db/a', 'Deployment db/db']);
      // The CLI looks each resourceName up in this metadata to print the construct path.
      expect(names.map((name: string) => context.metadata[name as keyof typeof context.metadata]?.path))
        .toEqual(['App/Data/Resource', 'App/A/Resource', 'App/Db/Deployment/Resource']);
    });

    test('without recorded paths: cdk8s\'s path for a name no other object has, none for a shared name', async () => {
      const context = fakeContextIn(fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-paths-')), { ...BY_NAME }, DEPLOYMENT_AND_SERVICE);
      await new RwopValidation().validate(context);
      const names = context.violations[0].violatingResources.map((resource: any) => resource.resourceName);
      expect(names.map((name: string) => context.metadata[name as keyof typeof context.metadata]?.path))
        .toEqual(['App/Data/Resource', 'App/A/Resource', undefined]);
    });
  });

  test('a finding suppressed with a reason is counted, not reported, and does not fail', async () => {
    const suppress = '  annotations:\n    rwop.dev/suppress: rwop-claim-shared\n    rwop.dev/suppress-reason: standby scaled to zero\n';
    const context = fakeContext(RWOP_CLAIM, deployment('a'), deployment('b', suppress));
    await new RwopValidation().validate(context);
    expect(context.violations).toEqual([]);
    expect(context.submitted).toMatchObject({ status: 'success', metadata: { Suppressed: '1', Errors: '0' } });
  });

  test('only and skip choose the rules', async () => {
    const shared = [RWOP_CLAIM, deployment('a'), deployment('b')];
    const skipped = fakeContext(...shared);
    await new RwopValidation({ skip: ['rwop-claim-shared'] }).validate(skipped);
    expect(skipped.submitted.status).toBe('success');
    const only = fakeContext(...shared);
    await new RwopValidation({ only: ['unpinned-image'] }).validate(only);
    expect(only.violations).toEqual([]);
  });

  test('a manifest that does not parse fails the report with its file and line', async () => {
    const context = fakeContext('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n');
    await new RwopValidation().validate(context);
    expect(context.submitted.status).toBe('failure');
    expect(context.violations).toHaveLength(1);
    expect(context.violations[0].ruleName).toBe('rwop-unreadable-manifest');
    expect(context.violations[0].recommendation).toContain(`${context.manifests[0]}:`);
  });

  test.each([
    [{ failOn: 'fatal' }, /property "failOn" is "fatal"; accepted: error, warning, info/],
    [{ only: 'rwop-claim-shared' as any }, /property "only" is "rwop-claim-shared"; accepted: a list of rule ids/],
    [{ skip: ['no-such-rule'] }, /unknown rule id "no-such-rule" in "skip"; rule ids: /],
  ])('bad properties %j are refused when cdk8s loads the plugin', (props, message) => {
    expect(() => new RwopValidation(props)).toThrow(message);
  });
});
