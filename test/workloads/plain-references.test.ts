// The API an app on another cdk8s-plus major can use without building cdk8s-plus-27 objects (Secrets by name, peers
// by labels), and the error it gets when it passes an object of its own cdk8s-plus where ours is expected. The real
// cdk8s-plus-33 meets these constructs in test/integration/fresh-app.test.ts; here a class carrying the type
// information jsii gives every class stands in for it.
import { Cron, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { GIB_20, expectPropError, only, synthWorkloads, testChart } from './support';
import {
  DatabaseCredentials, DatabaseEngine, ExclusiveStatefulSet, LogicalBackupSchedule, SingleWriterDatabase, SingleWriterWorkload,
  SingleWriterWorkloadProps, SnapshotBackupSchedule, SnapshotEngine,
  WorkloadContainer,
} from '../../src';
import { otherCdk8sPlusOrigin } from '../../src/internal/cdk8s-plus-origin';

const BASE: SingleWriterWorkloadProps = {
  metadata: { name: 'app' },
  container: WorkloadContainer.fromImage({ image: 'registry.example/app:1.2.3', port: 8080, mountPath: '/data' }),
  storage: GIB_20,
};
const TCP_8080 = [{ port: 8080, protocol: 'TCP' }];

/** An instance of a class jsii compiled into package `fqn`'s package, as its runtime type information names it. */
function instanceOf(fqn: string): any {
  class Stamped {}
  Object.defineProperty(Stamped, Symbol.for('jsii.rtti'), { value: { fqn, version: '2.5.57' } });
  return new Stamped();
}

describe('credentials by Secret name', () => {
  test('the password and user name come from the Secret named, by secretKeyRef', () => {
    const chart = testChart();
    const db = new SingleWriterDatabase(chart, 'Db', {
      metadata: { name: 'postgres' },
      engine: DatabaseEngine.postgres({ version: '15.14' }),
      credentials: DatabaseCredentials.fromSecretName('postgres-secret', { passwordKey: 'pw', usernameKey: 'user' }),
      storage: GIB_20,
    });
    const env = only(synthWorkloads(chart), 'Deployment').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'postgres-secret', key: 'pw' } } });
    expect(env).toContainEqual({ name: 'POSTGRES_USER', valueFrom: { secretKeyRef: { name: 'postgres-secret', key: 'user' } } });
    expect(db.credentials.secretName).toBe('postgres-secret');
    expect(db.credentials.secret).toBeUndefined();
  });

  test('a Secret given as an object is known by its name too', () => {
    const chart = testChart();
    const credentials = DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'Secret', 'pg'));
    expect(credentials.secretName).toBe('pg');
    expect(credentials.secret?.name).toBe('pg');
  });

  test.each([
    ['an upper-case name', 'Postgres_Secret'],
    ['an empty name', ''],
  ])('%s is our error', (_name, secretName) => {
    expectPropError(() => new SingleWriterDatabase(testChart(), 'Db', {
      engine: DatabaseEngine.postgres({ version: '15.14' }), credentials: DatabaseCredentials.fromSecretName(secretName), storage: GIB_20,
    }), 'Test/Db', 'SingleWriterDatabase', 'credentials.secretName', /accepted: the name of a Secret/);
  });
});

describe('peers by labels and namespaces', () => {
  test('each peer becomes one ingress rule on the service port; namespaces are matched by name label', () => {
    const chart = testChart();
    const app = new SingleWriterWorkload(chart, 'App', {
      ...BASE,
      allowFromPeers: [
        { podLabels: { app: 'web' } },
        { podLabels: { app: 'api' }, namespaceNames: ['shop'] },
      ],
    });
    app.allowFromPeer({ namespaceLabels: { team: 'monitoring' } });
    const policy = only(synthWorkloads(chart), 'NetworkPolicy');
    expect(policy.spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: TCP_8080 },
      {
        from: [{ podSelector: { matchLabels: { app: 'api' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }],
        ports: TCP_8080,
      },
      { from: [{ podSelector: {}, namespaceSelector: { matchLabels: { team: 'monitoring' } } }], ports: TCP_8080 },
    ]);
  });

  test('two namespace names let in the pods of either', () => {
    const chart = testChart();
    new SingleWriterWorkload(chart, 'App', { ...BASE, allowFromPeers: [{ podLabels: { app: 'web' }, namespaceNames: ['a', 'b'] }] });
    const policy = only(synthWorkloads(chart), 'NetworkPolicy');
    expect(policy.spec.ingress).toEqual([{
      from: ['a', 'b'].map(name => ({
        podSelector: { matchLabels: { app: 'web' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } },
      })),
      ports: TCP_8080,
    }]);
  });

  test.each([
    ['an empty peer, which would let in every pod', {}, 'allowFromPeers', /an empty peer would let in every pod/],
    ['a bad pod label value', { podLabels: { app: 'a b' } }, 'allowFromPeers[].podLabels["app"]', /accepted: empty, or at most 63/],
    ['a bad namespace name', { namespaceNames: ['Shop'] }, 'allowFromPeers[].namespaceNames', /accepted: a non-empty list of namespace names/],
    ['no namespace name', { namespaceNames: [] }, 'allowFromPeers[].namespaceNames', /non-empty list/],
  ])('%s is our error, before anything is built', (_name, peer, prop, detail) => {
    const chart = testChart();
    expectPropError(() => new SingleWriterWorkload(chart, 'App', { ...BASE, allowFromPeers: [peer] }), 'Test/App', 'SingleWriterWorkload', prop, detail);
    expect(chart.node.tryFindChild('App')).toBeUndefined();
  });
});

describe('objects of another cdk8s-plus', () => {
  test('are told apart by the package jsii recorded, including a second copy of our own major', () => {
    expect(otherCdk8sPlusOrigin(instanceOf('cdk8s-plus-33.DeploymentStrategy'))).toBe('cdk8s-plus-33');
    expect(otherCdk8sPlusOrigin(instanceOf('cdk8s-plus-27.DeploymentStrategy'))).toBe('another copy of cdk8s-plus-27');
    expect(otherCdk8sPlusOrigin(kplus.DeploymentStrategy.recreate())).toBeUndefined();
    expect(otherCdk8sPlusOrigin(instanceOf('cdk8s.Duration'))).toBeUndefined();
    expect(otherCdk8sPlusOrigin({ type: 'Recreate' })).toBeUndefined();
  });

  test('a subclass of a class of another cdk8s-plus is known by its base', () => {
    const Base = instanceOf('cdk8s-plus-33.Deployment').constructor;
    class AppDeployment extends Base {}
    expect(otherCdk8sPlusOrigin(new AppDeployment())).toBe('cdk8s-plus-33');
  });

  test('a strategy of cdk8s-plus-33 names both packages and the default that needs none', () => {
    expectPropError(() => new SingleWriterWorkload(testChart(), 'App', { ...BASE, strategy: instanceOf('cdk8s-plus-33.DeploymentStrategy') }),
      'Test/App', 'SingleWriterWorkload', 'strategy',
      /is "a DeploymentStrategy from cdk8s-plus-33"; this library is built on cdk8s-plus-27 .*npm install cdk8s-plus-27\); pass kplus\.DeploymentStrategy\.recreate\(\) of cdk8s-plus-27, or omit strategy: Recreate is the default$/);
  });

  test('a strategy from a second copy of cdk8s-plus-27 says so', () => {
    expectPropError(() => new SingleWriterWorkload(testChart(), 'App', { ...BASE, strategy: instanceOf('cdk8s-plus-27.DeploymentStrategy') }),
      'Test/App', 'SingleWriterWorkload', 'strategy',
      /is "a DeploymentStrategy from another copy of cdk8s-plus-27"; two copies of cdk8s-plus-27 are installed .*npm ls cdk8s-plus-27/);
  });

  test('a value that is no strategy at all says what is accepted', () => {
    expectPropError(() => new SingleWriterWorkload(testChart(), 'App', { ...BASE, strategy: { type: 'Recreate' } as any }),
      'Test/App', 'SingleWriterWorkload', 'strategy', /accepted: a DeploymentStrategy of cdk8s-plus-27, e\.g\. kplus\.DeploymentStrategy\.recreate\(\), or no strategy/);
  });

  test.each([
    ['a probe', { livenessProbe: instanceOf('cdk8s-plus-33.Probe') }, 'livenessProbe', 'Probe', /or omit livenessProbe/],
    ['an env value', { env: { MODE: instanceOf('cdk8s-plus-33.EnvValue') } }, 'env["MODE"]', 'EnvValue', /kplus\.EnvValue\.fromValue/],
    ['a toleration', { tolerations: [instanceOf('cdk8s-plus-33.NodeTaintQuery')] }, 'tolerations', 'NodeTaintQuery', /NodeTaintQuery\.is/],
    ['a CPU amount', { resources: { cpu: { limit: instanceOf('cdk8s-plus-33.Cpu') }, memory: { limit: Size.mebibytes(512) } } },
      'resources.cpu.limit', 'Cpu', /kplus\.Cpu\.millis/],
    ['a network peer', { allowFrom: [instanceOf('cdk8s-plus-33.Deployment')] }, 'allowFrom', 'Deployment', /allowFromPeers: \[\{ podLabels/],
  ])('%s of cdk8s-plus-33 is our error naming the plain alternative', (_name, extra, prop, className, remedy) => {
    const chart = testChart();
    expectPropError(() => new SingleWriterWorkload(chart, 'App', { ...BASE, ...(extra as Partial<SingleWriterWorkloadProps>) }),
      'Test/App', 'SingleWriterWorkload', prop, new RegExp(`is "a ${className} from cdk8s-plus-33"; this library is built on cdk8s-plus-27`));
    expectPropError(() => new SingleWriterWorkload(testChart(), 'App', { ...BASE, ...(extra as Partial<SingleWriterWorkloadProps>) }),
      'Test/App', 'SingleWriterWorkload', prop, remedy);
    expect(chart.node.tryFindChild('App')).toBeUndefined();
  });

  test('allowFrom() with a peer of cdk8s-plus-33 is our error', () => {
    const app = new SingleWriterWorkload(testChart(), 'App', BASE);
    expectPropError(() => app.allowFrom(instanceOf('cdk8s-plus-33.Pods')), 'Test/App', 'SingleWriterWorkload', 'allowFrom',
      /"a Pods from cdk8s-plus-33".*allowFromPeer\(\{ podLabels \}\)/);
  });

  test('an ExclusiveStatefulSet update strategy of cdk8s-plus-33 is our error', () => {
    expectPropError(() => new ExclusiveStatefulSet(testChart(), 'Db', {
      container: WorkloadContainer.fromImage({ image: 'ghcr.io/example/app:1.4.2', port: 8080, mountPath: '/var/lib/app' }),
      storage: Size.gibibytes(1),
      updateStrategy: instanceOf('cdk8s-plus-33.StatefulSetUpdateStrategy'),
    }), 'Test/Db', 'ExclusiveStatefulSet', 'updateStrategy', /"a StatefulSetUpdateStrategy from cdk8s-plus-33".*or omit updateStrategy/);
  });

  test.each([
    ['a logical backup', 'Dump', 'LogicalBackupSchedule', 'resources.cpu.request'],
    ['a snapshot schedule', 'Snapshots', 'SnapshotBackupSchedule', 'engine.resources.cpu.request'],
  ])('a CPU amount of cdk8s-plus-33 in the resources of %s is our error', (_name, id, construct, prop) => {
    const chart = testChart();
    const database = new SingleWriterDatabase(chart, 'Db', {
      engine: DatabaseEngine.postgres({ version: '15.14' }), credentials: DatabaseCredentials.fromSecretName('postgres-secret'), storage: GIB_20,
    });
    const resources = { cpu: { request: instanceOf('cdk8s-plus-33.Cpu') } };
    const schedule = Cron.schedule({ minute: '0', hour: '2' });
    expectPropError(() => id === 'Dump'
      ? new LogicalBackupSchedule(chart, id, { database, schedule, storage: Size.gibibytes(50), resources })
      : new SnapshotBackupSchedule(chart, id, { database, schedule, engine: SnapshotEngine.builtIn({ resources }) }),
    `Test/${id}`, construct, prop, /"a Cpu from cdk8s-plus-33".*kplus\.Cpu\.millis/);
  });
});
