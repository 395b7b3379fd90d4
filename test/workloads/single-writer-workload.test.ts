import { ApiObject, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as YAML from 'yaml';
import {
  GIB_20, appValidationErrors, expectPropError, only, problemFindings, synthWorkloads, testChart,
} from './support';
import {
  DisruptionPolicy, ExclusiveStorageClass, ExclusiveVolume, ImageContainerOptions, LinterExemption, SingleWriterWorkload,
  SingleWriterWorkloadProps, WorkloadContainer,
} from '../../src';

const IMAGE: ImageContainerOptions = { image: 'registry.example/app:1.2.3', port: 8080, mountPath: '/data' };

const BASE: SingleWriterWorkloadProps = {
  metadata: { name: 'app' },
  container: WorkloadContainer.fromImage(IMAGE),
  storage: GIB_20,
};

/** The base workload with other props, and other options of its image. */
function build(extra: Partial<SingleWriterWorkloadProps> = {}, image: Partial<ImageContainerOptions> = {}) {
  const chart = testChart();
  const container = WorkloadContainer.fromImage({ ...IMAGE, ...image });
  const app = new SingleWriterWorkload(chart, 'App', { ...BASE, container, ...extra });
  return { chart, app };
}

function podSpecOf(manifests: any[]): any {
  return only(manifests, 'Deployment').spec.template.spec;
}

describe('defaults', () => {
  const { chart, app } = build();
  const manifests = synthWorkloads(chart);
  const deployment = only(manifests, 'Deployment');
  const spec = deployment.spec.template.spec;
  const [container] = spec.containers;

  test('five objects: claim, Deployment, PodDisruptionBudget, Service, NetworkPolicy', () => {
    expect(manifests.map(m => `${m.kind} ${m.metadata.name}`)).toEqual([
      'PersistentVolumeClaim app-data', 'Deployment app', 'PodDisruptionBudget app-pdb', 'Service app', 'NetworkPolicy app',
    ]);
  });

  test('one replica, Recreate', () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
  });

  test('the claim it creates is ReadWriteOncePod and mounted at the path given', () => {
    const claim = only(manifests, 'PersistentVolumeClaim');
    expect(claim.spec.accessModes).toEqual(['ReadWriteOncePod']);
    expect(claim.spec.resources.requests.storage).toBe('20Gi');
    expect(spec.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'app-data', readOnly: false } });
    expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
    expect(app.volume.name).toBe('app-data');
    expect(app.mountPath).toBe('/data');
  });

  test('without a preStop hook the grace period is the shutdown budget (30 s) plus 5 s', () => {
    expect(container.lifecycle).toBeUndefined();
    expect(spec.terminationGracePeriodSeconds).toBe(35);
    expect(app.terminationGracePeriod.toSeconds()).toBe(35);
  });

  test('TCP probes on the port: a startup probe of up to 15 minutes, then liveness and readiness', () => {
    const tcp = { tcpSocket: { port: 8080 }, timeoutSeconds: 5 };
    expect(container.startupProbe).toEqual({ ...tcp, periodSeconds: 10, failureThreshold: 90 });
    expect(container.livenessProbe).toEqual({ ...tcp, periodSeconds: 10, failureThreshold: 6 });
    expect(container.readinessProbe).toEqual({ ...tcp, periodSeconds: 5, failureThreshold: 3 });
  });

  test('explicit small resources, not cdk8s-plus\'s 1-1.5 CPU and 512Mi-2Gi', () => {
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '512Mi' } });
  });

  test('restricted pod security: uid/gid 1000, fsGroup, seccomp, nothing writable but the volume and /tmp', () => {
    expect(spec.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      privileged: false,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(spec.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } });
  });

  test('the pinned image is pulled once per node', () => {
    expect(container.image).toBe('registry.example/app:1.2.3');
    expect(container.imagePullPolicy).toBe('IfNotPresent');
  });

  test('a ClusterIP Service on the port, selecting the pods', () => {
    const service = only(manifests, 'Service');
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.ports).toEqual([{ name: 'main', port: 8080, targetPort: 8080, protocol: 'TCP' }]);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(app.serviceName).toBe('app');
    expect(app.port).toBe(8080);
  });

  test('a NetworkPolicy that denies all ingress until a peer is allowed', () => {
    const policy = only(manifests, 'NetworkPolicy');
    expect(policy.spec.podSelector).toEqual(deployment.spec.selector);
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toBeUndefined();
  });

  test('the rules engine finds nothing wrong', () => {
    expect(problemFindings(manifests)).toEqual([]);
  });

  test('snapshot', () => {
    expect(YAML.stringify(manifests)).toMatchSnapshot();
  });
});

describe('shutdown and grace period', () => {
  test('a preStop hook of 30 s (default) and the default budget: 65 s', () => {
    const { chart } = build({}, { preStopCommand: ['/app/drain'] });
    const spec = podSpecOf(synthWorkloads(chart));
    expect(spec.containers[0].lifecycle).toEqual({ preStop: { exec: { command: ['/app/drain'] } } });
    expect(spec.terminationGracePeriodSeconds).toBe(65);
  });

  test('preStop timeout 120 s + shutdown budget 20 s: 145 s, and a longer grace given is kept', () => {
    const props = { shutdownBudget: Duration.seconds(20) };
    const preStop = { preStopCommand: ['/app/drain'], preStopTimeout: Duration.seconds(120) };
    expect(podSpecOf(synthWorkloads(build(props, preStop).chart)).terminationGracePeriodSeconds).toBe(145);
    const longer = build({ ...props, terminationGracePeriod: Duration.minutes(5) }, preStop);
    expect(podSpecOf(synthWorkloads(longer.chart)).terminationGracePeriodSeconds).toBe(300);
    expect(build({ ...props, terminationGracePeriod: Duration.seconds(145) }, preStop).app.terminationGracePeriod.toSeconds()).toBe(145);
  });

  test('a grace period shorter than preStop + budget + 5 s is an error that says why', () => {
    expectPropError(() => build({ terminationGracePeriod: Duration.seconds(90) }, { preStopCommand: ['/app/drain'], preStopTimeout: Duration.seconds(60) }),
      'Test/App', 'SingleWriterWorkload', 'terminationGracePeriod',
      /"90s"; it counts from before the preStop hook, .*preStop timeout \(60s\) plus the shutdown budget \(30s\) plus 5s.*at least 95s/);
  });
});

describe('storage', () => {
  test('an ExclusiveVolume passed in is mounted, and no claim is created', () => {
    const chart = testChart();
    const volume = new ExclusiveVolume(chart, 'Shared', { metadata: { name: 'my-data' }, storage: Size.gibibytes(5) });
    const app = new SingleWriterWorkload(chart, 'App', { ...BASE, storage: undefined, volume });
    const manifests = synthWorkloads(chart);
    expect(manifests.filter(m => m.kind === 'PersistentVolumeClaim').map(m => m.metadata.name)).toEqual(['my-data']);
    expect(podSpecOf(manifests).volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'my-data', readOnly: false } });
    expect(app.volume).toBe(volume);
  });

  test('a storage class of the app is used for the claim created', () => {
    const chart = testChart();
    const storageClass = new ExclusiveStorageClass(chart, 'Fast', { metadata: { name: 'fast' }, provisioner: 'ebs.csi.aws.com' });
    new SingleWriterWorkload(chart, 'App', { ...BASE, storageClass });
    expect(only(synthWorkloads(chart), 'PersistentVolumeClaim').spec.storageClassName).toBe('fast');
  });

  test('one ExclusiveVolume in two workloads of one app fails at once, naming both workloads', () => {
    const chart = testChart();
    const volume = new ExclusiveVolume(chart, 'Shared', { storage: Size.gibibytes(5) });
    new SingleWriterWorkload(chart, 'First', { ...BASE, metadata: { name: 'first' }, storage: undefined, volume });
    expectPropError(() => new SingleWriterWorkload(chart, 'Second', { ...BASE, metadata: { name: 'second' }, storage: undefined, volume }),
      'Test/Second', 'SingleWriterWorkload', 'volume', /^Test\/Second: .*"Test\/Shared".*already mounted by the workload Test\/First; .*Pending forever/);
  });

  test('a user\'s own Deployment mounting our claim fails synth, naming both objects\' construct paths', () => {
    const { chart, app } = build();
    const intruder = new kplus.Deployment(chart, 'Intruder', { replicas: 1, strategy: kplus.DeploymentStrategy.recreate() });
    intruder.addContainer({ image: 'registry.example/reader:1.0.0' })
      .mount('/data', kplus.Volume.fromPersistentVolumeClaim(chart, 'IntruderVolume', app.volume, { name: 'data' }));
    const errors = appValidationErrors(chart);
    expect(errors.join('\n')).toMatch(/rwop-claim-shared: .*PersistentVolumeClaim.*app-data \(Test\/App\/Data\/Resource\)/);
    expect(errors.join('\n')).toMatch(/Test\/Intruder\/Resource/);
  });

  test('writable directories get emptyDirs named after their paths, with their size limits', () => {
    const { chart } = build({}, { writableDirectories: [{ path: '/var/cache/app', sizeLimit: Size.gibibytes(2) }, { path: '/run/app' }] });
    const spec = podSpecOf(synthWorkloads(chart));
    expect(spec.volumes).toEqual(expect.arrayContaining([
      { name: 'var-cache-app', emptyDir: { sizeLimit: '2048Mi' } },
      { name: 'run-app', emptyDir: { sizeLimit: '256Mi' } },
    ]));
    expect(spec.volumes.map((v: any) => v.name)).not.toContain('tmp');
  });

  test('a writable directory whose name would be "data" does not collide with the data volume', () => {
    const { chart } = build({}, { writableDirectories: [{ path: '/data/' }, { path: '/DATA' }], mountPath: '/srv/data' });
    expect(podSpecOf(synthWorkloads(chart)).volumes.map((v: any) => v.name)).toEqual(['data', 'data-2', 'data-3']);
  });
});

describe('placement, priority, strategy', () => {
  test('required node labels and a zone are one node selector term (all must match); tolerations; priority class', () => {
    const { chart, app } = build({
      requiredNodeLabels: { 'storage-node': 'true', 'disk': 'ssd' },
      zone: 'eu-west-1a',
      tolerations: [kplus.NodeTaintQuery.is('dedicated', 'database', { effect: kplus.TaintEffect.NO_SCHEDULE })],
      priorityClassName: 'database-critical',
    });
    const spec = podSpecOf(synthWorkloads(chart));
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{
      matchExpressions: [
        { key: 'storage-node', operator: 'In', values: ['true'] },
        { key: 'disk', operator: 'In', values: ['ssd'] },
        { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1a'] },
      ],
    }]);
    expect(spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'database', effect: 'NoSchedule' }]);
    expect(spec.priorityClassName).toBe('database-critical');
    expect(app.priorityClassName).toBe('database-critical');
  });

  test('no placement given: no affinity, tolerations nor priority class', () => {
    const spec = podSpecOf(synthWorkloads(build().chart));
    expect(spec.affinity).toBeUndefined();
    expect(spec.tolerations).toBeUndefined();
    expect(spec.priorityClassName).toBeUndefined();
  });

  test('a rolling update that never surges is accepted', () => {
    const { chart } = build({ strategy: kplus.DeploymentStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.absolute(0) }) });
    const deployment = only(synthWorkloads(chart), 'Deployment');
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '25%' } });
  });
});

describe('exposure', () => {
  test('allowFrom in the props and later: one ingress rule per peer, on the service port only', () => {
    const chart = testChart();
    const client = kplus.Pods.select(chart, 'Clients', { labels: { role: 'client' } });
    const app = new SingleWriterWorkload(chart, 'App', { ...BASE, allowFrom: [client] });
    app.allowFrom(kplus.Namespaces.select(chart, 'Monitoring', { names: ['monitoring'] }));
    const policy = only(synthWorkloads(chart), 'NetworkPolicy');
    expect(policy.spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ port: 8080, protocol: 'TCP' }] },
      // Every pod of the namespace (cdk8s-plus writes the empty pod selector out).
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: {} }], ports: [{ port: 8080, protocol: 'TCP' }] },
    ]);
  });

  test('allowFrom something that is not a peer is our error', () => {
    const { app } = build();
    expectPropError(() => app.allowFrom({} as kplus.INetworkPolicyPeer), 'Test/App', 'SingleWriterWorkload', 'allowFrom', /INetworkPolicyPeer/);
  });

  test('a namespace and labels in the metadata go to every object; the service name can differ', () => {
    const { chart } = build({ metadata: { name: 'app', namespace: 'shop', labels: { team: 'payments' } }, serviceName: 'app-db' });
    const manifests = synthWorkloads(chart);
    for (const object of manifests) {
      expect({ kind: object.kind, namespace: object.metadata.namespace, team: object.metadata.labels?.team })
        .toEqual({ kind: object.kind, namespace: 'shop', team: 'payments' });
    }
    expect(only(manifests, 'Service').metadata.name).toBe('app-db');
  });

  test('linter exemptions are annotations on the Deployment, each with its reason', () => {
    const { chart } = build({
      linterExemptions: [
        LinterExemption.kubeLinterNoRollingUpdateStrategy(),
        LinterExemption.kubeLinterMinimumThreeReplicas('one writer'),
        LinterExemption.polarisDeploymentMissingReplicas(),
        LinterExemption.kubeLinter('no-anti-affinity', 'one replica, nothing to spread'),
      ],
    });
    expect(only(synthWorkloads(chart), 'Deployment').metadata.annotations).toEqual({
      'ignore-check.kube-linter.io/no-rolling-update-strategy': expect.stringMatching(/^single writer: Recreate/),
      'ignore-check.kube-linter.io/minimum-three-replicas': 'one writer',
      'ignore-check.kube-linter.io/no-anti-affinity': 'one replica, nothing to spread',
      'polaris.fairwinds.com/deploymentMissingReplicas-exempt': 'true',
      'rwop.dev/polaris-exempt-reason.deploymentMissingReplicas': expect.stringMatching(/^single writer: exactly one pod/),
    });
  });

  test('a password as a literal environment variable fails synth (literal-secret-env), naming the Deployment', () => {
    const { chart } = build({ env: { DB_PASSWORD: kplus.EnvValue.fromValue('hunter2') } });
    expect(appValidationErrors(chart)).toEqual([
      // cdk8s prefixes the path of the construct that holds the validation: the app, whose path is empty.
      expect.stringMatching(/^\[\] literal-secret-env: .*DB_PASSWORD.*\(Test\/App\/Deployment\/Resource\)/),
    ]);
  });

  test('a password from a Secret passes', () => {
    const chart = testChart();
    const secret = kplus.Secret.fromSecretName(chart, 'Secret', 'app-secret');
    new SingleWriterWorkload(chart, 'App', { ...BASE, env: { DB_PASSWORD: kplus.EnvValue.fromSecretValue({ secret, key: 'password' }) } });
    expect(appValidationErrors(chart)).toEqual([]);
    expect(podSpecOf(synthWorkloads(chart)).containers[0].env).toEqual([
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'app-secret', key: 'password' } } },
    ]);
  });
});

describe('bad input', () => {
  const W = 'SingleWriterWorkload';
  const cases: Array<[string, Partial<SingleWriterWorkloadProps>, string, RegExp]> = [
    ['two replicas', { replicas: 2 }, 'replicas', /is 2; a second pod would wait forever \(Pending\) .*accepted: 1 \(use ExclusiveStatefulSet/],
    ['zero replicas', { replicas: 0 }, 'replicas', /hibernate: true, .*accepted: hibernate: true \(instead of replicas: 0\), or replicas: 1/],
    ['a surging rolling update', { strategy: kplus.DeploymentStrategy.rollingUpdate() }, 'strategy',
      /"RollingUpdate with maxSurge \\"25%\\" and maxUnavailable \\"25%\\""; a rolling update that starts the new pod .*never finishes; accepted: kplus\.DeploymentStrategy\.recreate\(\)/],
    ['a surge of one', { strategy: kplus.DeploymentStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.absolute(1) }) }, 'strategy',
      /maxSurge 1 and maxUnavailable \\"25%\\""; .*or a maxUnavailable of at least one pod$/],
    ['a surge with half a pod unavailable, rounded down to none', {
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.percent(25), maxUnavailable: kplus.PercentOrAbsolute.percent(50),
      }),
    }, 'strategy', /maxUnavailable \\"50%\\""/],
    ['no container', { container: undefined }, 'container', /is missing; accepted: WorkloadContainer\.fromImage\(\{ image, port, mountPath \}\) or WorkloadContainer\.fromEngine/],
    ['a container as a plain object', { container: IMAGE as unknown as WorkloadContainer }, 'container', /accepted: WorkloadContainer\.fromImage/],
    ['no storage nor volume', { storage: undefined }, 'storage', /is missing; accepted: the size of the data volume/],
    ['a class but no size', { storage: undefined, storageClassName: 'x' }, 'storage', /is missing/],
    ['a fractional grace', { terminationGracePeriod: Duration.millis(40500) }, 'terminationGracePeriod', /"40500ms"; .*whole seconds, at least 35s/],
    ['a grace in plain seconds', { terminationGracePeriod: 60 as unknown as Duration }, 'terminationGracePeriod', /is 60; .*a Duration of whole seconds/],
    ['resources as a list', { resources: [] as unknown as kplus.ContainerResources }, 'resources', /kplus\.ContainerResources/],
    ['a fractional budget', { shutdownBudget: Duration.millis(1500) }, 'shutdownBudget', /"1500ms"; accepted: a Duration of whole seconds/],
    ['a probe that is not a Probe', { livenessProbe: { exec: ['x'] } as unknown as kplus.Probe }, 'livenessProbe', /kplus\.Probe/],
    ['an env value that is not an EnvValue', { env: { MODE: 'on' as unknown as kplus.EnvValue } }, 'env["MODE"]', /kplus\.EnvValue/],
    ['a bad env name', { env: { '1X': kplus.EnvValue.fromValue('x') } }, 'env', /variable names/],
    ['a bad node label', { requiredNodeLabels: { 'storage node': 'true' } }, 'requiredNodeLabels', /label keys/],
    ['a bad node label value', { requiredNodeLabels: { 'storage-node': 'yes please' } }, 'requiredNodeLabels["storage-node"]', /at most 63/],
    ['an empty zone', { zone: '' }, 'zone', /a zone name/],
    ['tolerations of the wrong type', { tolerations: ['dedicated'] as unknown as kplus.NodeTaintQuery[] }, 'tolerations', /NodeTaintQuery/],
    ['a bad priority class', { priorityClassName: 'High' }, 'priorityClassName', /PriorityClass/],
    ['a bad pod label', { podLabels: { app: 'a b' } }, 'podLabels["app"]', /at most 63/],
    ['the cdk8s address label', { podLabels: { 'cdk8s.io/metadata.addr': 'x' } }, 'podLabels["cdk8s.io/metadata.addr"]', /cdk8s-plus sets that label/],
    ['a name that cannot name a Service', { metadata: { name: '1app' } }, 'metadata.name', /names the Service.*DNS-1035/],
    ['a bad service name', { serviceName: 'App' }, 'serviceName', /starting with a letter/],
    ['a bad namespace', { metadata: { name: 'app', namespace: 'Shop' } }, 'metadata.namespace', /at most 63 lowercase/],
    ['allowFrom that is not a list', { allowFrom: {} as unknown as kplus.INetworkPolicyPeer[] }, 'allowFrom', /list of kplus\.INetworkPolicyPeer/],
    ['exemptions of the wrong type', { linterExemptions: ['no-rolling-update-strategy'] as unknown as LinterExemption[] }, 'linterExemptions', /LinterExemption/],
    ['an exemption with a blank reason', { linterExemptions: [LinterExemption.kubeLinter('x', ' ')] }, 'linterExemptions (kube-linter x).reason', /non-empty sentence/],
    ['an exemption with a bad check name', { linterExemptions: [LinterExemption.polaris('bad check', 'r')] }, 'linterExemptions', /check name/],
  ];
  test.each(cases)('%s', (_name, extra, prop, detail) => {
    expectPropError(() => build(extra), 'Test/App', W, prop, detail);
  });

  const imageCases: Array<[string, Partial<ImageContainerOptions>, string, RegExp]> = [
    ['an unpinned image', { image: 'postgres:latest' }, 'container.image', /tag :latest moves; accepted: an image pinned/],
    ['an image with no tag', { image: 'postgres' }, 'container.image', /no tag and no digest/],
    ['not an image', { image: 'Post gres:1' }, 'container.image', /not an image reference/],
    ['a bad digest', { image: 'postgres@sha256:abc' }, 'container.image', /not an image reference/],
    ['port 0', { port: 0 }, 'container.port', /from 1 to 65535/],
    ['a port as a string', { port: '5432' as unknown as number }, 'container.port', /from 1 to 65535/],
    ['a long port name', { portName: 'a-very-long-port-name' }, 'container.portName', /IANA service name/],
    ['a relative mount path', { mountPath: 'data' }, 'container.mountPath', /absolute path/],
    ['the root as mount path', { mountPath: '/' }, 'container.mountPath', /other than "\/"/],
    ['root user', { runAsUser: 0 }, 'container.runAsUser', /forbids running as root/],
    ['negative group', { runAsGroup: -1 }, 'container.runAsGroup', /from 0 to 2147483647/],
    ['a preStop timeout without a command', { preStopTimeout: Duration.seconds(10) }, 'container.preStopTimeout', /only applies to preStopCommand/],
    ['an empty preStop command', { preStopCommand: [] }, 'container.preStopCommand', /non-empty command/],
    ['a preStop command that is a string', { preStopCommand: 'pg_ctl stop' as unknown as string[] }, 'container.preStopCommand', /list of strings/],
    ['a zero preStop timeout', { preStopCommand: ['x'], preStopTimeout: Duration.seconds(0) }, 'container.preStopTimeout', /at least 1s/],
    ['a writable directory twice', { writableDirectories: [{ path: '/tmp' }, { path: '/tmp' }] }, 'container.writableDirectories[].path', /given twice/],
    ['a writable directory on the mount path', { writableDirectories: [{ path: '/data' }] }, 'container.writableDirectories[].path', /is the mountPath/],
    ['a fractional size limit', { writableDirectories: [{ path: '/tmp', sizeLimit: Size.kibibytes(10) }] }, 'container.writableDirectories[].sizeLimit', /whole MiB/],
  ];
  test.each(imageCases)('%s', (_name, image, prop, detail) => {
    expectPropError(() => build({}, image), 'Test/App', W, prop, detail);
  });

  test('a volume and a size', () => {
    const chart = testChart();
    const volume = new ExclusiveVolume(chart, 'V', { storage: Size.gibibytes(1) });
    expectPropError(() => new SingleWriterWorkload(chart, 'App', { ...BASE, volume }), 'Test/App', W, 'storage',
      /volume \(Test\/V\) is given too/);
  });

  test('a volume that is not an ExclusiveVolume', () => {
    const chart = testChart();
    const claim = new kplus.PersistentVolumeClaim(chart, 'Rwo', { storage: Size.gibibytes(1) });
    expectPropError(() => new SingleWriterWorkload(chart, 'App', { ...BASE, storage: undefined, volume: claim as unknown as ExclusiveVolume }),
      'Test/App', W, 'volume', /"Test\/Rwo"; accepted: an ExclusiveVolume/);
  });

  test('no props at all', () => {
    expectPropError(() => new SingleWriterWorkload(testChart(), 'App', undefined as unknown as SingleWriterWorkloadProps),
      'Test/App', W, 'props', /accepted: an object/);
  });

  test('a size the claim cannot hold: the ExclusiveVolume\'s error, and no half-built workload left behind', () => {
    const chart = testChart();
    expectPropError(() => build({ storage: Size.kibibytes(0.5) }), 'Test/App/Data', 'ExclusiveVolume', 'storage', /whole number of KiB/);
    expectPropError(() => new SingleWriterWorkload(chart, 'App', { ...BASE, storage: Size.kibibytes(0.5) }),
      'Test/App/Data', 'ExclusiveVolume', 'storage', /whole number of KiB/);
    expect(chart.node.tryFindChild('App')).toBeUndefined();
    new SingleWriterWorkload(chart, 'App', BASE);
    expect(only(synthWorkloads(chart), 'Deployment').metadata.name).toBe('app');
  });

  test.each<[string, Partial<SingleWriterWorkloadProps>]>([
    ['three replicas', { replicas: 3 }],
    ['a bad disruption policy', { disruptionPolicy: DisruptionPolicy.allowEviction({ maxUnavailable: 0 }) }],
    ['a bad linter exemption', { linterExemptions: [LinterExemption.kubeLinter('x', '')] }],
  ])('nothing is left in the app after a failed construction (%s)', (_name, extra) => {
    const chart = testChart();
    expect(() => new SingleWriterWorkload(chart, 'App', { ...BASE, ...extra })).toThrow(/^Test\/App: SingleWriterWorkload prop/);
    expect(chart.node.children).toEqual([]);
    expect(Testing.synth(chart)).toEqual([]);
  });

  test('the second workload on a volume leaves nothing behind, and the name can be used again', () => {
    const chart = testChart();
    const volume = new ExclusiveVolume(chart, 'Shared', { storage: Size.gibibytes(5) });
    new SingleWriterWorkload(chart, 'First', { ...BASE, metadata: { name: 'first' }, storage: undefined, volume });
    expect(() => new SingleWriterWorkload(chart, 'Second', { ...BASE, metadata: { name: 'second' }, storage: undefined, volume })).toThrow();
    expect(chart.node.tryFindChild('Second')).toBeUndefined();
    new SingleWriterWorkload(chart, 'Second', { ...BASE, metadata: { name: 'second' } });
    expect(synthWorkloads(chart).filter(m => m.kind === 'Deployment')).toHaveLength(2);
  });
});

test('the Deployment is a cdk8s-plus Deployment: escape hatches still work', () => {
  const { chart, app } = build();
  ApiObject.of(app.deployment).metadata.addAnnotation('example.com/owner', 'team-a');
  expect(only(synthWorkloads(chart), 'Deployment').metadata.annotations).toEqual({ 'example.com/owner': 'team-a' });
});
