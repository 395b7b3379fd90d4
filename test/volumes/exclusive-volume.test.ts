import { Chart, Size, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { PRUNE_PROTECTION, expectPropError, only, synthValid, testChart } from './support';
import { ExclusiveStorageClass, ExclusiveVolume, ExclusiveVolumeProps, VolumeDataSource } from '../../src';

describe('ExclusiveVolume', () => {
  test('renders the seed\'s claim postgres-exclusive-data (20Gi, class standard, RWOP)', () => {
    const chart = testChart();
    new ExclusiveVolume(chart, 'Data', {
      metadata: { name: 'postgres-exclusive-data' },
      storage: Size.gibibytes(20),
      storageClassName: 'standard',
    });

    const manifests = synthValid(chart);
    expect(manifests).toHaveLength(1);
    const pvc = manifests[0];
    expect(pvc.apiVersion).toBe('v1');
    expect(pvc.kind).toBe('PersistentVolumeClaim');
    expect(pvc.metadata.name).toBe('postgres-exclusive-data');
    expect(pvc.metadata).not.toHaveProperty('namespace');
    expect(pvc.spec.accessModes).toEqual(['ReadWriteOncePod']);
    expect(pvc.spec.resources).toEqual({ requests: { storage: '20Gi' } });
    expect(pvc.spec.storageClassName).toBe('standard');
    expect(pvc.spec.volumeMode).toBe('Filesystem');
    expect(pvc.spec).not.toHaveProperty('dataSource');
    expect(pvc.spec).not.toHaveProperty('volumeName');
    expect(pvc.metadata.annotations).toEqual(PRUNE_PROTECTION);
    expect(Yaml.stringify(...manifests)).toMatchSnapshot();
  });

  test('exposes what it rendered', () => {
    const chart = testChart();
    const claim = new ExclusiveVolume(chart, 'Data', { storage: Size.mebibytes(2048), storageClassName: 'standard' });

    expect(claim.storageQuantity).toBe('2Gi');
    expect(claim.storageRequest.toMebibytes()).toBe(2048);
    // cdk8s-plus's own storage stays unset: it would render whole GiB only.
    expect(claim.storage).toBeUndefined();
    expect(claim.accessModes).toEqual([kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD]);
    expect(claim.storageClassName).toBe('standard');
    expect(claim.dataSource).toBeUndefined();
    expect(claim.protectedFromPrune).toBe(true);
    expect(claim.name).toBe(only(synthValid(chart), 'PersistentVolumeClaim').metadata.name);
  });

  test('access modes cannot be changed through the accessModes getter', () => {
    const chart = testChart();
    const claim = new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(1) });
    claim.accessModes!.push(kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE);

    expect(claim.accessModes).toEqual([kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD]);
    expect(only(synthValid(chart), 'PersistentVolumeClaim').spec.accessModes).toEqual(['ReadWriteOncePod']);
  });

  test.each([
    ['500Mi', Size.mebibytes(500), '500Mi'],
    ['1536Mi, not a fraction of GiB', Size.mebibytes(1536), '1536Mi'],
    ['2048Mi as 2Gi', Size.mebibytes(2048), '2Gi'],
    ['1Ti', Size.tebibytes(1), '1Ti'],
    ['1024Gi as 1Ti', Size.gibibytes(1024), '1Ti'],
    ['1Ki', Size.kibibytes(1), '1Ki'],
    ['1536Ki', Size.kibibytes(1536), '1536Ki'],
    ['1.5Gi as 1536Mi', Size.gibibytes(1.5), '1536Mi'],
    ['3Pi', Size.pebibyte(3), '3Pi'],
    ['8191Pi, under the 2^63-1 bytes a quantity holds', Size.pebibyte(8191), '8191Pi'],
    ['2^53-1 KiB, the largest whole number of KiB under 2^63 bytes', Size.kibibytes(2 ** 53 - 1), '9007199254740991Ki'],
  ])('renders the storage request %s exactly', (_, storage, expected) => {
    const chart = testChart();
    const claim = new ExclusiveVolume(chart, 'Data', { storage });

    const pvc = only(synthValid(chart), 'PersistentVolumeClaim');
    expect(pvc.spec.resources.requests.storage).toBe(expected);
    expect(claim.storageQuantity).toBe(expected);
  });

  test('takes its class from an ExclusiveStorageClass construct', () => {
    const chart = testChart();
    const storageClass = new ExclusiveStorageClass(chart, 'Class', { provisioner: 'ebs.csi.aws.com' });
    const claim = new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(20), storageClass });

    const manifests = synthValid(chart);
    const className = only(manifests, 'StorageClass').metadata.name;
    expect(only(manifests, 'PersistentVolumeClaim').spec.storageClassName).toBe(className);
    expect(claim.storageClassName).toBe(className);
    expect(Yaml.stringify(...manifests)).toMatchSnapshot();
  });

  test('takes an explicit empty class name (no class, static binding)', () => {
    const chart = testChart();
    new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(20), storageClassName: '' });

    const pvc = only(synthValid(chart), 'PersistentVolumeClaim');
    expect(pvc.spec).toHaveProperty('storageClassName', '');
  });

  test('leaves the class to the cluster default when none is given', () => {
    const chart = testChart();
    new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(20) });

    const pvc = only(synthValid(chart), 'PersistentVolumeClaim');
    expect(pvc.spec).not.toHaveProperty('storageClassName');
  });

  test('renders volumeMode Block', () => {
    const chart = testChart();
    new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(20), volumeMode: kplus.PersistentVolumeMode.BLOCK });

    const pvc = only(synthValid(chart), 'PersistentVolumeClaim');
    expect(pvc.spec.volumeMode).toBe('Block');
    expect(pvc.spec.accessModes).toEqual(['ReadWriteOncePod']);
  });

  test('adopts an existing PersistentVolume by volumeName (official in-place migration)', () => {
    const chart = testChart();
    const claim = new ExclusiveVolume(chart, 'Data', {
      metadata: { name: 'postgres-data' },
      storage: Size.gibibytes(20),
      storageClassName: 'standard',
      volumeName: 'pvc-0b9c6c2e-5e7a-4a8e-9a3f-2f9d1c7e4b21',
    });

    const manifests = synthValid(chart);
    const pvc = only(manifests, 'PersistentVolumeClaim');
    expect(pvc.spec.volumeName).toBe('pvc-0b9c6c2e-5e7a-4a8e-9a3f-2f9d1c7e4b21');
    expect(pvc.spec.storageClassName).toBe('standard');
    expect(pvc.spec.accessModes).toEqual(['ReadWriteOncePod']);
    expect(pvc.spec).not.toHaveProperty('dataSource');
    expect(claim.volume?.name).toBe('pvc-0b9c6c2e-5e7a-4a8e-9a3f-2f9d1c7e4b21');
    // Binding to an imported PV adds no object.
    expect(manifests).toHaveLength(1);
    expect(Yaml.stringify(...manifests)).toMatchSnapshot();
  });

  test('adopts a PersistentVolume that has no class, with storageClassName ""', () => {
    const chart = testChart();
    new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(20), storageClassName: '', volumeName: 'local-pv-1' });

    const pvc = only(synthValid(chart), 'PersistentVolumeClaim');
    expect(pvc.spec.volumeName).toBe('local-pv-1');
    expect(pvc.spec).toHaveProperty('storageClassName', '');
  });

  test('adopts a PersistentVolume of an ExclusiveStorageClass construct', () => {
    const chart = testChart();
    const storageClass = new ExclusiveStorageClass(chart, 'Class', { provisioner: 'pd.csi.storage.gke.io' });
    new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(20), storageClass, volumeName: 'pv-1' });

    const manifests = synthValid(chart);
    const pvc = only(manifests, 'PersistentVolumeClaim');
    expect(pvc.spec.volumeName).toBe('pv-1');
    expect(pvc.spec.storageClassName).toBe(only(manifests, 'StorageClass').metadata.name);
  });

  test('lives in the chart\'s namespace', () => {
    const chart = testChart({ namespace: 'db' });
    new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(20) });

    expect(only(synthValid(chart), 'PersistentVolumeClaim').metadata.namespace).toBe('db');
  });

  describe('prune protection', () => {
    test('is on by default', () => {
      const chart = testChart();
      new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(20) });

      const pvc = only(synthValid(chart), 'PersistentVolumeClaim');
      expect(pvc.metadata.annotations).toEqual({
        'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
        'kustomize.toolkit.fluxcd.io/prune': 'disabled',
        'helm.sh/resource-policy': 'keep',
      });
    });

    test('appends to the user\'s own Argo CD sync options', () => {
      const chart = testChart();
      new ExclusiveVolume(chart, 'Data', {
        storage: Size.gibibytes(20),
        metadata: { annotations: { 'argocd.argoproj.io/sync-options': 'ServerSideApply=true' } },
      });

      const pvc = only(synthValid(chart), 'PersistentVolumeClaim');
      expect(pvc.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('ServerSideApply=true,Prune=false,Delete=false');
      expect(pvc.metadata.annotations['kustomize.toolkit.fluxcd.io/prune']).toBe('disabled');
      expect(pvc.metadata.annotations['helm.sh/resource-policy']).toBe('keep');
    });

    test('does not repeat an option the user already set', () => {
      const chart = testChart();
      new ExclusiveVolume(chart, 'Data', {
        storage: Size.gibibytes(20),
        metadata: { annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false, ServerSideApply=true' } },
      });

      const pvc = only(synthValid(chart), 'PersistentVolumeClaim');
      expect(pvc.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,ServerSideApply=true,Delete=false');
    });

    test('is absent with protectFromPrune: false', () => {
      const chart = testChart();
      const claim = new ExclusiveVolume(chart, 'Data', {
        storage: Size.gibibytes(20),
        protectFromPrune: false,
        metadata: { annotations: { 'argocd.argoproj.io/sync-options': 'ServerSideApply=true' } },
      });

      const pvc = only(synthValid(chart), 'PersistentVolumeClaim');
      expect(claim.protectedFromPrune).toBe(false);
      expect(pvc.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'ServerSideApply=true' });
    });
  });

  test('keeps the user\'s labels and annotations', () => {
    const chart = testChart();
    new ExclusiveVolume(chart, 'Data', {
      storage: Size.gibibytes(20),
      metadata: {
        labels: { 'app': 'postgres', 'app.kubernetes.io/part-of': 'billing', 'empty': '' },
        annotations: { 'example.com/owner': 'team-db', 'note': 'any text, even with spaces' },
      },
    });

    const pvc = only(synthValid(chart), 'PersistentVolumeClaim');
    expect(pvc.metadata.labels).toEqual({ 'app': 'postgres', 'app.kubernetes.io/part-of': 'billing', 'empty': '' });
    expect(pvc.metadata.annotations).toEqual({
      ...PRUNE_PROTECTION,
      'example.com/owner': 'team-db',
      'note': 'any text, even with spaces',
    });
  });

  test('is usable where a kplus claim is: mounted by a kplus Deployment', () => {
    const chart = testChart();
    const claim = new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(20), storageClassName: 'standard' });
    const deployment = new kplus.Deployment(chart, 'Postgres', {
      replicas: 1,
      strategy: kplus.DeploymentStrategy.recreate(),
      containers: [{ image: 'postgres:16.4', portNumber: 5432, securityContext: { user: 999, group: 999 } }],
    });
    const volume = kplus.Volume.fromPersistentVolumeClaim(chart, 'Volume', claim, { name: 'data' });
    deployment.containers[0].mount('/var/lib/postgresql/data', volume);

    const manifests = synthValid(chart);
    const pod = only(manifests, 'Deployment').spec.template.spec;
    expect(pod.volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: claim.name, readOnly: false } }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/postgresql/data' }]);
    expect(only(manifests, 'PersistentVolumeClaim').metadata.name).toBe(claim.name);
  });

  describe('refuses bad props', () => {
    const gi = Size.gibibytes(20);
    test.each<[string, (chart: Chart) => ExclusiveVolumeProps, string, RegExp]>([
      ['storage 0', () => ({ storage: Size.gibibytes(0) }), 'storage', /accepted: a positive Size that is a whole number of KiB/],
      ['storage 0.5 KiB', () => ({ storage: Size.kibibytes(0.5) }), 'storage', /whole number of KiB/],
      ['storage 0.1 GiB', () => ({ storage: Size.gibibytes(0.1) }), 'storage', /whole number of KiB/],
      ['storage NaN', () => ({ storage: Size.gibibytes(NaN) }), 'storage', /whole number of KiB/],
      ['storage Infinity', () => ({ storage: Size.gibibytes(Infinity) }), 'storage', /whole number of KiB/],
      // The API server caps quantities at 2^63-1 (Quantity docs), and JavaScript prints 1e21 and above as "1e+21".
      ['storage 8Ei, above the largest quantity', () => ({ storage: Size.pebibyte(8192) }), 'storage', /accepted: /],
      ['storage 1e21 PiB', () => ({ storage: Size.pebibyte(1e21) }), 'storage', /accepted: /],
      ['storage missing', () => ({} as any), 'storage', /is missing; accepted: a positive Size/],
      ['storage not a Size', () => ({ storage: '20Gi' as any }), 'storage', /is "20Gi"; accepted: a positive Size/],
      ['storageClass and storageClassName', chart => ({ storage: gi, storageClass: new ExclusiveStorageClass(chart, 'Class', { provisioner: 'ebs.csi.aws.com' }), storageClassName: 'standard' }),
        'storageClassName', /accepted: one of storageClass or storageClassName/],
      ['storageClass not an ExclusiveStorageClass', () => ({ storage: gi, storageClass: { name: 'fast' } as any }),
        'storageClass', /accepted: an ExclusiveStorageClass/],
      ['storageClassName uppercase', () => ({ storage: gi, storageClassName: 'Standard' }),
        'storageClassName', /is "Standard"; accepted: "" \(no class\) or at most 253 lowercase letters/],
      ['storageClassName with an underscore', () => ({ storage: gi, storageClassName: 'fast_ssd' }), 'storageClassName', /accepted: "" \(no class\)/],
      ['storageClassName of 254 characters', () => ({ storage: gi, storageClassName: 'a'.repeat(254) }), 'storageClassName', /at most 253/],
      ['storageClassName not a string', () => ({ storage: gi, storageClassName: 7 as any }), 'storageClassName', /is 7; accepted/],
      ['volumeMode "block"', () => ({ storage: gi, volumeMode: 'block' as any }),
        'volumeMode', /is "block"; accepted: PersistentVolumeMode.FILE_SYSTEM, PersistentVolumeMode.BLOCK/],
      ['volumeMode "Raw"', () => ({ storage: gi, volumeMode: 'Raw' as any }), 'volumeMode', /PersistentVolumeMode.BLOCK/],
      ['volumeName with an underscore', () => ({ storage: gi, storageClassName: '', volumeName: 'pv_1' }),
        'volumeName', /is "pv_1"; accepted: the name of a PersistentVolume/],
      ['volumeName empty', () => ({ storage: gi, storageClassName: '', volumeName: '' }), 'volumeName', /the name of a PersistentVolume/],
      ['volumeName with a dataSource', () => ({ storage: gi, storageClassName: 'standard', volumeName: 'pv-1', dataSource: VolumeDataSource.fromSnapshotName('snap') }),
        'volumeName', /dataSource is given too.*accepted: one of volumeName or dataSource/],
      ['volumeName without any class', () => ({ storage: gi, volumeName: 'pv-1' }),
        'storageClassName', /volumeName "pv-1" is given.*default class.*never binds/],
      ['dataSource not a VolumeDataSource', () => ({ storage: gi, dataSource: { kind: 'VolumeSnapshot', name: 'snap' } as any }),
        'dataSource', /accepted: VolumeDataSource.fromSnapshot\(\), fromSnapshotName\(\), fromClaim\(\) or fromClaimName\(\)/],
      ['metadata.name uppercase', () => ({ storage: gi, metadata: { name: 'Postgres-Data' } }),
        'metadata.name', /is "Postgres-Data"; accepted: at most 253 lowercase letters/],
      ['metadata.name with an underscore', () => ({ storage: gi, metadata: { name: 'postgres_data' } }), 'metadata.name', /lowercase/],
      ['metadata.namespace uppercase', () => ({ storage: gi, metadata: { namespace: 'DB' } }), 'metadata.namespace', /at most 63 lowercase/],
      ['metadata.namespace with a dot', () => ({ storage: gi, metadata: { namespace: 'db.prod' } }), 'metadata.namespace', /at most 63 lowercase/],
      ['label key with an empty name', () => ({ storage: gi, metadata: { labels: { 'example.com/': 'x' } } }),
        'metadata.labels', /is "example.com\/"; accepted label keys/],
      ['label key with a bad prefix', () => ({ storage: gi, metadata: { labels: { 'Example.com/app': 'x' } } }), 'metadata.labels', /accepted label keys/],
      ['label key with a space', () => ({ storage: gi, metadata: { labels: { 'my app': 'x' } } }), 'metadata.labels', /accepted label keys/],
      ['label value with a space', () => ({ storage: gi, metadata: { labels: { app: 'post gres' } } }),
        'metadata.labels["app"]', /is "post gres"; accepted: empty, or at most 63 letters/],
      ['label value of 64 characters', () => ({ storage: gi, metadata: { labels: { app: 'a'.repeat(64) } } }), 'metadata.labels["app"]', /at most 63/],
      ['label value not a string', () => ({ storage: gi, metadata: { labels: { replicas: 1 as any } } }), 'metadata.labels["replicas"]', /is 1; accepted/],
      ['annotation key with a bad prefix', () => ({ storage: gi, metadata: { annotations: { '-example.com/owner': 'x' } } }),
        'metadata.annotations', /accepted annotation keys/],
      ['annotation key of 64 characters', () => ({ storage: gi, metadata: { annotations: { ['a'.repeat(64)]: 'x' } } }), 'metadata.annotations', /annotation keys/],
      ['annotation value not a string', () => ({ storage: gi, metadata: { annotations: { 'example.com/replicas': 1 as any } } }),
        'metadata.annotations["example.com/replicas"]', /is 1; accepted: /],
      // A user annotation that would switch off the default prune protection is refused, not silently overridden.
      ['Argo CD Prune=true with protection on', () => ({ storage: gi, metadata: { annotations: { 'argocd.argoproj.io/sync-options': 'Prune=true' } } }),
        'metadata.annotations["argocd.argoproj.io/sync-options"]', /turns off the prune protection \(Prune=false\).*protectFromPrune: false/],
      ['Flux prune enabled with protection on', () => ({ storage: gi, metadata: { annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'enabled' } } }),
        'metadata.annotations["kustomize.toolkit.fluxcd.io/prune"]', /turns off the prune protection/],
      ['Helm resource policy other than keep', () => ({ storage: gi, metadata: { annotations: { 'helm.sh/resource-policy': 'delete' } } }),
        'metadata.annotations["helm.sh/resource-policy"]', /turns off the prune protection/],
      ['props undefined', () => undefined as any, 'storage', /is missing/],
    ])('%s', (_, props, prop, detail) => {
      const chart = testChart();
      expectPropError(() => new ExclusiveVolume(chart, 'Data', props(chart)), 'Test/Data', 'ExclusiveVolume', prop, detail);
    });

    test('storageClass null together with storageClassName', () => {
      const chart = testChart();
      expectPropError(() => new ExclusiveVolume(chart, 'Data', { storage: gi, storageClass: null as any, storageClassName: 'standard' }),
        'Test/Data', 'ExclusiveVolume', 'storageClass', /an ExclusiveStorageClass/);
    });

    test('names the full construct path of a nested construct', () => {
      const group = new Construct(testChart(), 'Database');
      expectPropError(() => new ExclusiveVolume(group, 'Data', { storage: Size.gibibytes(0) }),
        'Test/Database/Data', 'ExclusiveVolume', 'storage', /positive/);
    });
  });
});
