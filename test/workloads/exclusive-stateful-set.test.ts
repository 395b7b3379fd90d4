import { Chart, Duration, Size, Testing, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as YAML from 'yaml';
import { appValidationErrors } from './support';
import {
  ClaimRetention, DatabaseCredentials, DatabaseEngine, DisruptionPolicy, ExclusiveStatefulSet, ExclusiveStatefulSetProps,
  EngineContainerOptions, ExclusiveStorageClass, ImageContainerOptions, WorkloadContainer,
} from '../../src';
import { ManifestIndex, runRules } from '../../src/rules';
import { expectPropError, only, synthValid, testChart } from '../volumes/support';

const PATH = 'Test/Db';
const KIND = 'ExclusiveStatefulSet';

function secret(chart: Chart): kplus.ISecret {
  return kplus.Secret.fromSecretName(chart, 'PostgresSecret', 'postgres-secret');
}

/** The seed's StatefulSet (three replicas of postgres:15, one RWOP claim of 20Gi class standard each), with our fixes. */
function seedProps(chart: Chart, engine: Partial<EngineContainerOptions> = {}): ExclusiveStatefulSetProps {
  return {
    metadata: { name: 'postgres-cluster' },
    serviceName: 'postgres',
    replicas: 3,
    podLabels: { app: 'postgres' },
    container: WorkloadContainer.fromEngine(DatabaseEngine.postgres({ version: '15.14' }), {
      credentials: DatabaseCredentials.fromSecret(secret(chart), { passwordKey: 'password' }),
      ...engine,
    } as EngineContainerOptions),
    storage: Size.gibibytes(20),
    storageClassName: 'standard',
  };
}

/** A set of a plain container, with only what is required. */
function appProps(overrides: Partial<ExclusiveStatefulSetProps> = {}, image: Partial<ImageContainerOptions> = {}): ExclusiveStatefulSetProps {
  return {
    container: WorkloadContainer.fromImage({ image: 'ghcr.io/example/app:1.4.2', port: 8080, mountPath: '/var/lib/app', ...image } as ImageContainerOptions),
    storage: Size.gibibytes(1),
    ...overrides,
  };
}

function build(props: ExclusiveStatefulSetProps, chart = testChart()): { chart: Chart; db: ExclusiveStatefulSet; manifests: any[] } {
  const db = new ExclusiveStatefulSet(chart, 'Db', props);
  return { chart, db, manifests: synthValid(chart) };
}

function seed() {
  const chart = testChart();
  return build(seedProps(chart), chart);
}

const containerOf = (sts: any) => sts.spec.template.spec.containers[0];

/** Whether a matchLabels selector selects pods with these labels. */
function selects(matchLabels: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.keys(matchLabels).length > 0 && Object.entries(matchLabels).every(([k, v]) => labels[k] === v);
}

describe('the seed StatefulSet, point by point', () => {
  const { db, manifests } = seed();
  const sts = only(manifests, 'StatefulSet');
  const container = containerOf(sts);

  test('apps/v1 StatefulSet postgres-cluster, governed by the headless Service postgres, 3 replicas', () => {
    expect(sts.apiVersion).toBe('apps/v1');
    expect(sts.metadata.name).toBe('postgres-cluster');
    expect(sts.spec.serviceName).toBe('postgres');
    expect(sts.spec.replicas).toBe(3);
    const service = only(manifests, 'Service', 'postgres');
    expect(service.spec.clusterIP).toBe('None');
    expect(service.spec.ports).toEqual([{ name: 'postgres', port: 5432, targetPort: 5432, protocol: 'TCP' }]);
    expect(selects(service.spec.selector, sts.spec.template.metadata.labels)).toBe(true);
  });

  test('selector matchLabels app: postgres, and the template carries it', () => {
    expect(sts.spec.selector.matchLabels.app).toBe('postgres');
    expect(sts.spec.template.metadata.labels.app).toBe('postgres');
    expect(selects(sts.spec.selector.matchLabels, sts.spec.template.metadata.labels)).toBe(true);
  });

  test('one claim template "data": ReadWriteOncePod only, 20Gi, class standard', () => {
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      metadata: { name: 'data', labels: { app: 'postgres' } },
      spec: { accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '20Gi' } }, storageClassName: 'standard' },
    }]);
  });

  test('each pod has its own claim, named as in the seed\'s kubectl output, and labelled so that -l app=postgres lists them', () => {
    expect([0, 1, 2].map(i => db.claimName(i))).toEqual(['data-postgres-cluster-0', 'data-postgres-cluster-1', 'data-postgres-cluster-2']);
    expect(sts.spec.volumeClaimTemplates[0].metadata.labels).toEqual({ app: 'postgres' });
    expect(db.podHost(2)).toBe('postgres-cluster-2.postgres');
  });

  test('container postgres runs PostgreSQL 15, pinned to a patch release instead of the moving tag postgres:15', () => {
    expect(container.name).toBe('postgres');
    expect(container.image).toBe('postgres:15.14');
    expect(container.imagePullPolicy).toBe('IfNotPresent');
  });

  test('POSTGRES_PASSWORD comes from the Secret postgres-secret, key password, never as text', () => {
    const password = container.env.find((e: any) => e.name === 'POSTGRES_PASSWORD');
    expect(password).toEqual({ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'postgres-secret', key: 'password' } } });
    expect(YAML.stringify(manifests)).not.toMatch(/securepassword/);
  });

  test('the claim is mounted at /var/lib/postgresql/data, with PGDATA in a subdirectory (ext4 lost+found)', () => {
    expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/postgresql/data' });
    expect(container.env).toContainEqual({ name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' });
  });

  test('the pod template has no claim volume: the claim comes from the template, one per pod', () => {
    const volumes = sts.spec.template.spec.volumes ?? [];
    expect(volumes.filter((v: any) => v.persistentVolumeClaim !== undefined || v.name === 'data')).toEqual([]);
    expect(manifests.filter(m => m.kind === 'PersistentVolumeClaim')).toEqual([]);
  });

  test('claims are retained when the StatefulSet is deleted or scaled down', () => {
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(db.claimRetentionPolicy).toEqual({ whenDeleted: ClaimRetention.RETAIN, whenScaled: ClaimRetention.RETAIN });
  });

  test('rolling update one pod at a time, ordered pod management', () => {
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
  });

  test('preStop fast shutdown, and a grace period that covers it (60 s + 10 s + 5 s)', () => {
    expect(container.lifecycle.preStop.exec.command).toEqual(['/bin/sh', '-c', 'exec pg_ctl stop -D "$PGDATA" -m fast -t 60']);
    expect(sts.spec.template.spec.terminationGracePeriodSeconds).toBe(75);
    expect(db.terminationGracePeriod.toSeconds()).toBe(75);
  });

  test('pg_isready startup, liveness and readiness probes; startup allows 15 minutes of crash recovery', () => {
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      expect(container[probe].exec.command[0]).toBe('pg_isready');
    }
    expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBe(900);
  });

  test('restricted Pod Security Standard: uid/gid 999, no root, no escalation, no capabilities, seccomp, read-only root', () => {
    const pod = sts.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 999,
      runAsGroup: 999,
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/var/lib/postgresql/data', '/var/run/postgresql', '/tmp']);
  });

  test('a drain-safe PodDisruptionBudget: maxUnavailable 1 of the 3 replicas, AlwaysAllow, selecting exactly the pods', () => {
    const pdb = only(manifests, 'PodDisruptionBudget');
    expect(pdb.metadata.name).toBe('postgres-cluster');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
    expect(pdb.spec.selector.matchLabels).toEqual(sts.spec.template.metadata.labels);
  });

  test('every field rendered beyond cdk8s-plus survives the L1\'s toJson: nothing dropped, quantities and numbers typed', () => {
    expect(Object.keys(sts.spec).sort()).toEqual([
      'minReadySeconds', 'persistentVolumeClaimRetentionPolicy', 'podManagementPolicy', 'replicas', 'selector', 'serviceName',
      'template', 'updateStrategy', 'volumeClaimTemplates',
    ]);
    expect(Object.keys(sts.spec.volumeClaimTemplates[0].spec).sort()).toEqual(['accessModes', 'resources', 'storageClassName']);
    expect(typeof sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('string');
    expect(typeof sts.spec.updateStrategy.rollingUpdate.partition).toBe('number');
    expect(typeof only(manifests, 'PodDisruptionBudget').spec.maxUnavailable).toBe('number');
  });

  test('the rules engine finds nothing in the output', () => {
    expect(runRules(manifests.map(object => ({ object })))).toEqual([]);
  });

  test('snapshot', () => {
    expect(Yaml.stringify(...manifests)).toMatchSnapshot();
  });
});

describe('claim templates', () => {
  test.each<[string, Size, string]>([
    ['500Mi stays 500Mi', Size.mebibytes(500), '500Mi'],
    ['1.5Gi is 1536Mi', Size.gibibytes(1.5), '1536Mi'],
    ['2048Mi is 2Gi', Size.mebibytes(2048), '2Gi'],
    ['3Ti', Size.tebibytes(3), '3Ti'],
  ])('storage: %s, a string in the manifest (not dropped by the L1)', (_, storage, quantity) => {
    const { db, manifests } = build(appProps({ storage }));
    const template = only(manifests, 'StatefulSet').spec.volumeClaimTemplates[0];
    expect(template.spec.resources.requests.storage).toBe(quantity);
    expect(db.storageQuantity).toBe(quantity);
  });

  test('an ExclusiveStorageClass of the app names the class', () => {
    const chart = testChart();
    const storageClass = new ExclusiveStorageClass(chart, 'Fast', { metadata: { name: 'fast-rwop' }, provisioner: 'ebs.csi.aws.com' });
    const { manifests } = build(appProps({ storageClass }), chart);
    expect(only(manifests, 'StatefulSet').spec.volumeClaimTemplates[0].spec.storageClassName).toBe('fast-rwop');
  });

  test('no class: the field is left out, so the cluster default applies; "" asks for none', () => {
    const defaultClass = only(build(appProps()).manifests, 'StatefulSet').spec.volumeClaimTemplates[0].spec;
    expect('storageClassName' in defaultClass).toBe(false);
    const noClass = only(build(appProps({ storageClassName: '' })).manifests, 'StatefulSet').spec.volumeClaimTemplates[0].spec;
    expect(noClass.storageClassName).toBe('');
  });

  test('a block volume is attached as a device at the mount path, not mounted', () => {
    const { manifests } = build(appProps({ volumeMode: kplus.PersistentVolumeMode.BLOCK }, { mountPath: '/dev/data' }));
    const sts = only(manifests, 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates[0].spec.volumeMode).toBe('Block');
    expect(containerOf(sts).volumeDevices).toEqual([{ name: 'data', devicePath: '/dev/data' }]);
    expect(containerOf(sts).volumeMounts.map((m: any) => m.name)).toEqual(['tmp']);
  });

  test('a claim template name of its own names the claims and the mount; a scratch directory never takes it', () => {
    const { db, manifests } = build(appProps({
      metadata: { name: 'app' }, replicas: 2, claimTemplateName: 'tmp',
    }, { writableDirectories: [{ path: '/tmp' }] }));
    const sts = only(manifests, 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates[0].metadata.name).toBe('tmp');
    expect(containerOf(sts).volumeMounts).toEqual([{ name: 'tmp', mountPath: '/var/lib/app' }, { name: 'tmp-2', mountPath: '/tmp' }]);
    expect(sts.spec.template.spec.volumes.map((v: any) => v.name)).toEqual(['tmp-2']);
    expect(db.claimName(1)).toBe('tmp-app-1');
  });

  test.each<[ClaimRetention | undefined, ClaimRetention | undefined, string, string]>([
    [ClaimRetention.DELETE, undefined, 'Delete', 'Retain'],
    [undefined, ClaimRetention.DELETE, 'Retain', 'Delete'],
    [ClaimRetention.DELETE, ClaimRetention.DELETE, 'Delete', 'Delete'],
    [ClaimRetention.RETAIN, ClaimRetention.RETAIN, 'Retain', 'Retain'],
  ])('claim retention whenDeleted %s, whenScaled %s', (whenDeleted, whenScaled, deleted, scaled) => {
    const { manifests } = build(appProps({ claimRetentionPolicy: { whenDeleted, whenScaled } }));
    expect(only(manifests, 'StatefulSet').spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: deleted, whenScaled: scaled });
  });

  test('a volume added to the pod later under the claim template\'s name fails synth', () => {
    const chart = testChart();
    const db = new ExclusiveStatefulSet(chart, 'Db', appProps());
    db.container.mount('/cache', kplus.Volume.fromEmptyDir(chart, 'Cache', 'data'));
    expect(() => Testing.synth(chart)).toThrow(/Test\/Db: the pod has a volume named "data", the name of the claim template/);
  });
});

describe('the StatefulSet and its Service', () => {
  test('defaults: one replica, a generated name of at most 52 characters, the Service named like the StatefulSet', () => {
    const { db, manifests } = build(appProps());
    const sts = only(manifests, 'StatefulSet');
    expect(sts.spec.replicas).toBe(1);
    expect(sts.metadata.name.length).toBeLessThanOrEqual(52);
    expect(db.name).toBe(sts.metadata.name);
    const service = only(manifests, 'Service');
    expect(sts.spec.serviceName).toBe(service.metadata.name);
    expect(db.serviceName).toBe(service.metadata.name);
    expect(service.spec).toMatchObject({ clusterIP: 'None', type: 'ClusterIP', ports: [{ port: 8080, targetPort: 8080, name: 'main', protocol: 'TCP' }] });
  });

  test('metadata.name names the Service and the budget too, and the namespace and labels reach every object', () => {
    const { manifests } = build(appProps({ metadata: { name: 'cache', namespace: 'apps', labels: { team: 'data' } } }));
    for (const kind of ['StatefulSet', 'Service', 'PodDisruptionBudget']) {
      expect(only(manifests, kind).metadata).toMatchObject({ name: 'cache', namespace: 'apps', labels: { team: 'data' } });
    }
  });

  test('the chart\'s namespace reaches every object', () => {
    const { manifests } = build(appProps(), testChart({ namespace: 'apps' }));
    expect(manifests.map(m => `${m.kind} ${m.metadata.namespace}`)).toEqual(['Service apps', 'StatefulSet apps', 'PodDisruptionBudget apps']);
  });

  test('a name of exactly 52 characters is accepted', () => {
    const name = `a${'b'.repeat(51)}`;
    const { manifests } = build(appProps({ metadata: { name } }));
    expect(only(manifests, 'StatefulSet').metadata.name).toBe(name);
  });

  test('zero replicas is refused in favour of hibernate, which keeps the claims and the count to start again with', () => {
    expect(() => build(appProps({ replicas: 0 }))).toThrow(/^Test\/Db: ExclusiveStatefulSet prop "replicas" is 0; a stateful set is stopped with hibernate: true, .*accepted: hibernate: true/);
    const { manifests } = build(appProps({ replicas: 3, hibernate: true }));
    expect(only(manifests, 'StatefulSet').spec.replicas).toBe(0);
  });

  test.each<[string, kplus.StatefulSetUpdateStrategy, object]>([
    ['a staged rollout (partition 2)', kplus.StatefulSetUpdateStrategy.rollingUpdate({ partition: 2 }), { type: 'RollingUpdate', rollingUpdate: { partition: 2 } }],
    ['OnDelete', kplus.StatefulSetUpdateStrategy.onDelete(), { type: 'OnDelete' }],
  ])('update strategy: %s', (_, updateStrategy, expected) => {
    const { manifests } = build(appProps({ replicas: 3, updateStrategy }));
    const strategy = only(manifests, 'StatefulSet').spec.updateStrategy;
    expect(strategy).toEqual(expected);
  });

  test('parallel pod management', () => {
    const { manifests } = build(appProps({ replicas: 3, podManagementPolicy: kplus.PodManagementPolicy.PARALLEL }));
    expect(only(manifests, 'StatefulSet').spec.podManagementPolicy).toBe('Parallel');
  });

  test('a plain container: pinned image, TCP probes, small resources, restricted security as uid 1000, /tmp writable', () => {
    const { manifests } = build(appProps({ env: { MODE: kplus.EnvValue.fromValue('primary') } }, { command: ['/app'], args: ['--serve'] }));
    const sts = only(manifests, 'StatefulSet');
    const container = containerOf(sts);
    expect(container).toMatchObject({ name: 'main', image: 'ghcr.io/example/app:1.4.2', command: ['/app'], args: ['--serve'] });
    expect(container.env).toEqual([{ name: 'MODE', value: 'primary' }]);
    expect(container.ports).toEqual([{ containerPort: 8080, name: 'main' }]);
    expect(container.startupProbe).toEqual({ tcpSocket: { port: 8080 }, periodSeconds: 10, failureThreshold: 90, timeoutSeconds: 5 });
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '512Mi' } });
    expect(sts.spec.template.spec.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    expect(container.volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/app' }, { name: 'tmp', mountPath: '/tmp' }]);
    expect(sts.spec.template.spec.terminationGracePeriodSeconds).toBe(35);
    expect(container.lifecycle).toBeUndefined();
    expect(Yaml.stringify(...manifests)).toMatchSnapshot();
  });

  test('another engine: MySQL stops on SIGTERM, so the grace period is its shutdown budget plus 5 s', () => {
    const chart = testChart();
    const { manifests } = build({
      metadata: { name: 'mysql' },
      replicas: 2,
      container: WorkloadContainer.fromEngine(DatabaseEngine.mysql(), { credentials: DatabaseCredentials.fromSecret(secret(chart)) }),
      storage: Size.gibibytes(10),
    }, chart);
    const sts = only(manifests, 'StatefulSet');
    const container = containerOf(sts);
    expect(container.name).toBe('mysql');
    expect(container.volumeMounts[0]).toEqual({ name: 'data', mountPath: '/var/lib/mysql' });
    expect(container.args).toEqual(['--datadir=/var/lib/mysql/data']);
    expect(container.lifecycle).toBeUndefined();
    expect(sts.spec.template.spec.terminationGracePeriodSeconds).toBe(65);
    expect(sts.spec.template.spec.securityContext).toMatchObject({ runAsUser: 999, fsGroup: 999 });
  });

  test('a preStop command: the grace period covers its timeout plus the shutdown budget plus 5 s', () => {
    const { db, manifests } = build(appProps({ shutdownBudget: Duration.seconds(10) }, {
      preStopCommand: ['/app', 'drain'], preStopTimeout: Duration.seconds(20),
    }));
    const sts = only(manifests, 'StatefulSet');
    expect(containerOf(sts).lifecycle).toEqual({ preStop: { exec: { command: ['/app', 'drain'] } } });
    expect(sts.spec.template.spec.terminationGracePeriodSeconds).toBe(35);
    expect(db.terminationGracePeriod.toSeconds()).toBe(35);
  });

  test('a longer grace period than needed is kept', () => {
    const chart = testChart();
    const { manifests } = build({ ...seedProps(chart), terminationGracePeriod: Duration.minutes(3) }, chart);
    expect(only(manifests, 'StatefulSet').spec.template.spec.terminationGracePeriodSeconds).toBe(180);
  });

  test('probes, resources and shutdown budget can be overridden', () => {
    const chart = testChart();
    const { manifests } = build({
      ...seedProps(chart),
      shutdownBudget: Duration.seconds(30),
      livenessProbe: kplus.Probe.fromCommand(['pg_isready', '-q'], { periodSeconds: Duration.seconds(30) }),
      resources: { memory: { request: Size.gibibytes(2), limit: Size.gibibytes(2) } },
    }, chart);
    const sts = only(manifests, 'StatefulSet');
    expect(containerOf(sts).livenessProbe).toMatchObject({ exec: { command: ['pg_isready', '-q'] }, periodSeconds: 30 });
    expect(containerOf(sts).resources).toEqual({ requests: { memory: '2048Mi' }, limits: { memory: '2048Mi' } });
    expect(sts.spec.template.spec.terminationGracePeriodSeconds).toBe(95);
  });

  test('placement: required node labels and zone in one term, tolerations, priority class', () => {
    const { manifests } = build(appProps({
      requiredNodeLabels: { 'storage-node': 'true' },
      zone: 'eu-west-1a',
      tolerations: [kplus.NodeTaintQuery.is('dedicated', 'database')],
      priorityClassName: 'database-critical',
    }));
    const pod = only(manifests, 'StatefulSet').spec.template.spec;
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{
      matchExpressions: [
        { key: 'storage-node', operator: 'In', values: ['true'] },
        { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1a'] },
      ],
    }]);
    expect(pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'database' }]);
    expect(pod.priorityClassName).toBe('database-critical');
  });
});

describe('disruption policy', () => {
  test.each<[string, DisruptionPolicy, number | undefined]>([
    ['allowEviction() lets a drain take one pod at a time', DisruptionPolicy.allowEviction(), 1],
    ['allowEviction({ maxUnavailable: 2 })', DisruptionPolicy.allowEviction({ maxUnavailable: 2 }), 2],
    ['blockVoluntaryEvictions() is the seed\'s maxUnavailable 0', DisruptionPolicy.blockVoluntaryEvictions({ reason: 'DBA on call' }), 0],
    ['none() creates no budget', DisruptionPolicy.none(), undefined],
  ])('%s', (_, disruptionPolicy, maxUnavailable) => {
    const { db, manifests } = build(appProps({ replicas: 3, disruptionPolicy }));
    const budgets = manifests.filter(m => m.kind === 'PodDisruptionBudget');
    if (maxUnavailable === undefined) {
      expect(budgets).toEqual([]);
      expect(db.podDisruptionBudget).toBeUndefined();
      return;
    }
    expect(budgets).toHaveLength(1);
    // A number, not a string and not dropped: the int-or-string field survives the L1's toJson.
    expect(budgets[0].spec.maxUnavailable).toBe(maxUnavailable);
    expect(budgets[0].spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
  });

  test('each budget selects exactly its own set\'s pods, even when two sets share their pod labels', () => {
    const chart = testChart();
    new ExclusiveStatefulSet(chart, 'Db', appProps({ metadata: { name: 'one' }, podLabels: { app: 'cache' }, replicas: 2 }));
    new ExclusiveStatefulSet(chart, 'Other', appProps({ metadata: { name: 'two' }, podLabels: { app: 'cache' }, replicas: 2 }));
    const manifests = synthValid(chart);
    const index = new ManifestIndex(manifests.map(object => ({ object })));
    const budgets = index.ofKind('PodDisruptionBudget');
    expect(budgets.map(b => b.name).sort()).toEqual(['one', 'two']);
    for (const pdb of budgets) {
      const selected = index.podTemplatesSelectedBy(pdb.namespace, pdb.object.spec.selector).map(t => t.workload.ref.name);
      expect([...new Set(selected)]).toEqual([pdb.name]);
      expect(pdb.object.spec.selector.matchLabels).toEqual(only(manifests, 'StatefulSet', pdb.name).spec.template.metadata.labels);
    }
  });
});

describe('synth-time checks', () => {
  test('a claim template whose class in the app has an in-tree provisioner fails synth, naming the rule and our path', () => {
    const chart = testChart();
    new kplus.k8s.KubeStorageClass(chart, 'Legacy', { metadata: { name: 'standard' }, provisioner: 'kubernetes.io/no-provisioner' });
    new ExclusiveStatefulSet(chart, 'Db', appProps({ storageClassName: 'standard' }));
    expect(() => Testing.synth(chart)).toThrow(/rwop-in-tree-provisioner: .*Test\/Db\/StatefulSet/s);
  });

  test('a class whose in-tree provisioner CSI migration serves (kubernetes.io/gce-pd) is a warning for `rwop audit`, not a synth error', () => {
    const chart = testChart();
    new kplus.k8s.KubeStorageClass(chart, 'Legacy', { metadata: { name: 'standard' }, provisioner: 'kubernetes.io/gce-pd' });
    new ExclusiveStatefulSet(chart, 'Db', appProps({ storageClassName: 'standard' }));
    expect(Testing.synth(chart).map((object: any) => object.kind)).toContain('StatefulSet');
  });
});

describe('bad input', () => {
  const app = (overrides: Partial<ExclusiveStatefulSetProps>, image: Partial<ImageContainerOptions> = {}) => () => appProps(overrides, image);
  const image = (options: Partial<ImageContainerOptions>) => app({}, options);
  const postgres = (overrides: Partial<ExclusiveStatefulSetProps>, engine: Partial<EngineContainerOptions> = {}) =>
    (chart: Chart) => ({ ...seedProps(chart, engine), ...overrides });
  const cases: Array<[string, (chart: Chart) => ExclusiveStatefulSetProps, string, RegExp]> = [
    ['no storage', app({ storage: undefined as any }), 'storage', /is missing; accepted: a positive Size .* Size.mebibytes\(500\)/],
    ['half a KiB', app({ storage: Size.kibibytes(0.5) }), 'storage', /whole number of KiB/],
    ['storage as text', app({ storage: '20Gi' as any }), 'storage', /is "20Gi"; accepted: a positive Size/],
    ['a class twice', (chart) => appProps({
      storageClass: new ExclusiveStorageClass(chart, 'Fast', { provisioner: 'ebs.csi.aws.com' }), storageClassName: 'standard',
    }), 'storageClassName', /storageClass \(.*\) is given too; accepted: one of storageClass or storageClassName/],
    ['a class name in capitals', app({ storageClassName: 'Standard' }), 'storageClassName', /accepted: "" \(no class\) or at most 253/],
    ['a class that is not an ExclusiveStorageClass', app({ storageClass: { name: 'x' } as any }), 'storageClass', /accepted: an ExclusiveStorageClass/],
    ['an unknown volume mode', app({ volumeMode: 'Raw' as any }), 'volumeMode', /accepted: kplus.PersistentVolumeMode.FILE_SYSTEM, kplus.PersistentVolumeMode.BLOCK/],
    ['a block volume for a database', postgres({ volumeMode: kplus.PersistentVolumeMode.BLOCK }), 'volumeMode', /keeps its data in files/],
    ['a claim template name with a capital', app({ claimTemplateName: 'Data' }), 'claimTemplateName', /accepted: a volume name, at most 63/],
    ['a claim template name with a dot', app({ claimTemplateName: 'pg.data' }), 'claimTemplateName', /accepted: a volume name/],
    ['an unknown retention', app({ claimRetentionPolicy: { whenDeleted: 'Keep' as any } }), 'claimRetentionPolicy.whenDeleted', /accepted: ClaimRetention.RETAIN, ClaimRetention.DELETE/],
    ['a retention in lower case', app({ claimRetentionPolicy: { whenScaled: 'delete' as any } }), 'claimRetentionPolicy.whenScaled', /accepted: ClaimRetention.RETAIN/],
    ['a retention that is not an object', app({ claimRetentionPolicy: 'Retain' as any }), 'claimRetentionPolicy', /accepted: \{ whenDeleted\?, whenScaled\? \}/],
    ['negative replicas', app({ replicas: -1 }), 'replicas', /accepted: a whole number from 1 to 2147483647/],
    ['fractional replicas', app({ replicas: 1.5 }), 'replicas', /accepted: a whole number/],
    ['replicas as text', app({ replicas: '3' as any }), 'replicas', /is "3"; accepted: a whole number/],
    ['an unknown pod management policy', app({ podManagementPolicy: 'Sequential' as any }), 'podManagementPolicy', /accepted: kplus.PodManagementPolicy.ORDERED_READY, kplus.PodManagementPolicy.PARALLEL/],
    ['an update strategy as a plain object', app({ updateStrategy: { type: 'RollingUpdate' } as any }), 'updateStrategy', /accepted: kplus.StatefulSetUpdateStrategy.rollingUpdate/],
    ['a negative partition', app({ updateStrategy: kplus.StatefulSetUpdateStrategy.rollingUpdate({ partition: -1 }) }), 'updateStrategy.partition', /is -1; accepted: a whole number from 0/],
    ['a name of 53 characters', app({ metadata: { name: 'a'.repeat(53) } }), 'metadata.name', /controller-revision-hash=<name>-<10-character hash>.*\(53 characters given\); accepted: a DNS-1123 label of at most 52/],
    ['a name with a dot', app({ metadata: { name: 'postgres.cluster' } }), 'metadata.name', /accepted: a DNS-1123 label of at most 52/],
    ['a name that starts with a digit, which the Service cannot have', app({ metadata: { name: '1postgres' } }), 'metadata.name', /also names the headless Service.*DNS-1035/],
    ['a bad namespace', app({ metadata: { namespace: 'Apps' } }), 'metadata.namespace', /accepted: at most 63/],
    ['a service name with a capital', app({ serviceName: 'Postgres' }), 'serviceName', /accepted: at most 63 lowercase letters, digits and "-", starting with a letter/],
    ['a pod label value with a space', app({ podLabels: { app: 'post gres' } }), 'podLabels["app"]', /accepted: empty, or at most 63/],
    ['the cdk8s address label', app({ podLabels: { [kplus.Pod.ADDRESS_LABEL]: 'x' } }), `podLabels["${kplus.Pod.ADDRESS_LABEL}"]`, /cdk8s-plus sets that label itself/],
    ['no container', app({ container: undefined as any }), 'container', /is missing; accepted: WorkloadContainer.fromImage\(\{ image, port, mountPath \}\) or WorkloadContainer.fromEngine/],
    ['a container as a plain object', app({ container: { image: 'postgres:16.4' } as any }), 'container', /accepted: WorkloadContainer.fromImage/],
    ['an engine without credentials', postgres({}, { credentials: undefined }), 'container.credentials', /is missing; accepted: DatabaseCredentials.fromSecret/],
    ['an engine that is not one', (chart) => appProps({
      container: WorkloadContainer.fromEngine({ name: 'postgres' } as any, { credentials: DatabaseCredentials.fromSecret(secret(chart)) }),
    }), 'container.engine', /accepted: DatabaseEngine.postgres\(\)/],
    ['an engine option out of range', (chart) => appProps({
      container: WorkloadContainer.fromEngine(DatabaseEngine.postgres({ version: '15' }), { credentials: DatabaseCredentials.fromSecret(secret(chart)) }),
    }), 'container.engine.version', /accepted: major.minor/],
    ['an image without an image', image({ image: undefined }), 'container.image', /is missing; .*accepted: an image pinned/],
    ['an image on latest', image({ image: 'postgres:latest' }), 'container.image', /accepted: an image pinned to a tag other than latest/],
    ['an image without a tag', image({ image: 'postgres' }), 'container.image', /accepted: an image pinned/],
    ['an image without a port', image({ port: undefined }), 'container.port', /is missing; accepted: a TCP port number from 1 to 65535/],
    ['an image without a mount path', image({ mountPath: undefined }), 'container.mountPath', /is missing; accepted: an absolute path/],
    ['a relative mount path', image({ mountPath: 'data' }), 'container.mountPath', /accepted: an absolute path/],
    ['root', image({ runAsUser: 0 }), 'container.runAsUser', /forbids running as root/],
    ['a preStop timeout without a command', image({ preStopTimeout: Duration.seconds(10) }), 'container.preStopTimeout', /only applies to preStopCommand/],
    ['an empty preStop command', image({ preStopCommand: [] }), 'container.preStopCommand', /accepted: a non-empty command/],
    ['a grace period shorter than the fast shutdown', postgres({ terminationGracePeriod: Duration.seconds(30) }), 'terminationGracePeriod',
      /is "30s"; it counts from before the preStop hook.*preStop timeout \(60s\) plus the shutdown budget \(10s\) plus 5s.*at least 75s/],
    ['a grace period of a second and a half', app({ terminationGracePeriod: Duration.millis(1500) }), 'terminationGracePeriod', /accepted: a Duration of whole seconds/],
    ['a probe that is not a Probe', app({ startupProbe: {} as any }), 'startupProbe', /accepted: a kplus.Probe/],
    ['an env value as text', app({ env: { MODE: 'primary' as any } }), 'env["MODE"]', /accepted: a kplus.EnvValue/],
    ['the engine\'s password variable in env', postgres({ env: { POSTGRES_PASSWORD: kplus.EnvValue.fromValue('x') } }), 'env["POSTGRES_PASSWORD"]', /the postgres engine sets POSTGRES_PASSWORD itself/],
    ['a database name with a dash', postgres({}, { database: 'my-db' }), 'container.database', /accepted: at most 63 letters, digits and "_"/],
    ['an empty zone', app({ zone: '' }), 'zone', /accepted: a zone name/],
    ['a toleration as a plain object', app({ tolerations: [{ key: 'x' }] as any }), 'tolerations', /accepted: a list of kplus.NodeTaintQuery/],
    ['a priority class in capitals', app({ priorityClassName: 'High' }), 'priorityClassName', /accepted: the name of a PriorityClass/],
    ['a disruption policy as a plain object', app({ disruptionPolicy: { maxUnavailable: 1 } as any }), 'disruptionPolicy', /accepted: DisruptionPolicy.allowEviction\(\)/],
    ['more evictions than replicas', app({ replicas: 3, disruptionPolicy: DisruptionPolicy.allowEviction({ maxUnavailable: 4 }) }),
      'disruptionPolicy.maxUnavailable', /accepted: a whole number from 1 to the 3 replicas/],
  ];

  test.each(cases)('%s', (_, props, prop, detail) => {
    const chart = testChart();
    expectPropError(() => new ExclusiveStatefulSet(chart, 'Db', props(chart)), PATH, KIND, prop, detail);
  });

  test('no props at all', () => {
    expectPropError(() => new ExclusiveStatefulSet(testChart(), 'Db', undefined as any), PATH, KIND, 'props', /accepted: an object with at least container and storage/);
  });

  test('a generated name longer than 52 characters asks for a metadata.name', () => {
    const chart = new Chart(Testing.app(), 'a-chart-with-a-rather-long-name');
    expectPropError(() => new ExclusiveStatefulSet(chart, 'ThePrimaryDatabaseOfTheOrdersService', appProps()),
      'a-chart-with-a-rather-long-name/ThePrimaryDatabaseOfTheOrdersService', KIND, 'metadata.name',
      /is "generated \\"theprimarydatabaseoftheordersserv-statefulset-c8[0-9a-f]{6}\\""; the StatefulSet controller.*\(54 characters given\); accepted: a DNS-1123 label of at most 52/);
  });

  test.each([-1, 3, 1.5])('claimName(%s) of 3 replicas', (ordinal) => {
    const { db } = build(appProps({ replicas: 3 }));
    expectPropError(() => db.claimName(ordinal), PATH, KIND, 'ordinal', /accepted: a whole number from 0 to 2 \(replicas: 3\)/);
    expectPropError(() => db.podHost(ordinal), PATH, KIND, 'ordinal', /accepted: a whole number from 0 to 2/);
  });
});

describe('credentials against a Secret the app defines, at synth', () => {
  test('a Secret of the app without the password key fails synth, naming the Secret, the key and the keys it has', () => {
    const chart = testChart();
    new kplus.Secret(chart, 'Secret', { metadata: { name: 'postgres-secret' }, stringData: { POSTGRES_PASSWORD: 'x' } });
    new ExclusiveStatefulSet(chart, 'Cluster', seedProps(chart, { credentials: DatabaseCredentials.fromSecretName('postgres-secret') }));
    expect(appValidationErrors(chart)).toEqual([expect.stringContaining('Test/Cluster: ExclusiveStatefulSet prop "container.credentials.passwordKey" is "password"; '
      + 'Secret postgres-secret (Test/Secret/Resource) has no key "password", only "POSTGRES_PASSWORD"')]);
  });
});
