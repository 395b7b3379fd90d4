import { Size, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { escapeRegExp, expectPropError, only, synthValid, testChart } from './support';
import { ExclusiveStorageClass, ExclusiveStorageClassProps, ExclusiveVolume, VolumeBindingMode } from '../../src';

describe('ExclusiveStorageClass', () => {
  test('defaults: WaitForFirstConsumer, Retain, expansion allowed, nothing else', () => {
    const chart = testChart();
    const storageClass = new ExclusiveStorageClass(chart, 'Class', { provisioner: 'ebs.csi.aws.com' });

    const manifests = synthValid(chart);
    expect(manifests).toHaveLength(1);
    const sc = manifests[0];
    expect(sc.apiVersion).toBe('storage.k8s.io/v1');
    expect(sc.kind).toBe('StorageClass');
    expect(sc.provisioner).toBe('ebs.csi.aws.com');
    expect(sc.volumeBindingMode).toBe('WaitForFirstConsumer');
    expect(sc.reclaimPolicy).toBe('Retain');
    expect(sc.allowVolumeExpansion).toBe(true);
    for (const absent of ['parameters', 'mountOptions', 'allowedTopologies', 'spec']) {
      expect(sc).not.toHaveProperty(absent);
    }
    expect(sc.metadata).not.toHaveProperty('annotations');
    expect(sc.metadata).not.toHaveProperty('namespace');
    expect(storageClass.name).toBe(sc.metadata.name);
    expect(storageClass.provisioner).toBe('ebs.csi.aws.com');
    expect(storageClass.reclaimPolicy).toBe(kplus.PersistentVolumeReclaimPolicy.RETAIN);
    expect(storageClass.volumeBindingMode).toBe(VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER);
    expect(storageClass.allowVolumeExpansion).toBe(true);
    expect(Yaml.stringify(...manifests)).toMatchSnapshot();
  });

  test('renders every option', () => {
    const chart = testChart();
    new ExclusiveStorageClass(chart, 'Class', {
      metadata: { name: 'gp3-exclusive', labels: { 'app.kubernetes.io/part-of': 'storage' } },
      provisioner: 'ebs.csi.aws.com',
      reclaimPolicy: kplus.PersistentVolumeReclaimPolicy.DELETE,
      volumeBindingMode: VolumeBindingMode.IMMEDIATE,
      allowVolumeExpansion: false,
      parameters: { 'type': 'gp3', 'csi.storage.k8s.io/fstype': 'ext4', 'encrypted': 'true' },
      mountOptions: ['noatime', 'nodiratime'],
      allowedZones: ['eu-west-1a', 'eu-west-1b'],
      zoneTopologyKey: 'topology.ebs.csi.aws.com/zone',
    });

    const manifests = synthValid(chart);
    const sc = only(manifests, 'StorageClass');
    expect(sc.metadata.name).toBe('gp3-exclusive');
    expect(sc.metadata.labels).toEqual({ 'app.kubernetes.io/part-of': 'storage' });
    expect(sc.reclaimPolicy).toBe('Delete');
    expect(sc.volumeBindingMode).toBe('Immediate');
    expect(sc.allowVolumeExpansion).toBe(false);
    expect(sc.parameters).toEqual({ 'type': 'gp3', 'csi.storage.k8s.io/fstype': 'ext4', 'encrypted': 'true' });
    expect(sc.mountOptions).toEqual(['noatime', 'nodiratime']);
    expect(sc.allowedTopologies).toEqual([
      { matchLabelExpressions: [{ key: 'topology.ebs.csi.aws.com/zone', values: ['eu-west-1a', 'eu-west-1b'] }] },
    ]);
    expect(Yaml.stringify(...manifests)).toMatchSnapshot();
  });

  test('allowedZones use the well-known zone label by default', () => {
    const chart = testChart();
    new ExclusiveStorageClass(chart, 'Class', { provisioner: 'pd.csi.storage.gke.io', allowedZones: ['europe-west1-b'] });

    const sc = only(synthValid(chart), 'StorageClass');
    expect(sc.allowedTopologies).toEqual([
      { matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ['europe-west1-b'] }] },
    ]);
  });

  test('defaultClass: true sets the default-class annotation', () => {
    const chart = testChart();
    new ExclusiveStorageClass(chart, 'Class', {
      provisioner: 'disk.csi.azure.com',
      defaultClass: true,
      metadata: { annotations: { 'example.com/owner': 'platform' } },
    });

    const sc = only(synthValid(chart), 'StorageClass');
    expect(sc.metadata.annotations).toEqual({
      'storageclass.kubernetes.io/is-default-class': 'true',
      'example.com/owner': 'platform',
    });
  });

  test('defaultClass: false sets no annotation', () => {
    const chart = testChart();
    new ExclusiveStorageClass(chart, 'Class', { provisioner: 'disk.csi.azure.com', defaultClass: false });

    expect(only(synthValid(chart), 'StorageClass').metadata).not.toHaveProperty('annotations');
  });

  test('carries no namespace even in a chart that has one (StorageClass is cluster-scoped)', () => {
    const chart = testChart({ namespace: 'db' });
    const storageClass = new ExclusiveStorageClass(chart, 'Class', { provisioner: 'ebs.csi.aws.com' });
    new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(20), storageClass });

    const manifests = synthValid(chart);
    expect(only(manifests, 'StorageClass').metadata).not.toHaveProperty('namespace');
    expect(only(manifests, 'PersistentVolumeClaim').metadata.namespace).toBe('db');
    expect(Yaml.stringify(...manifests)).toMatchSnapshot();
  });

  describe('refuses bad props', () => {
    const csi = 'ebs.csi.aws.com';
    test.each<[string, string, RegExp]>([
      ['kubernetes.io/aws-ebs', 'ebs.csi.aws.com', /AWS EBS CSI driver/],
      ['kubernetes.io/gce-pd', 'pd.csi.storage.gke.io', /GCE Persistent Disk CSI driver/],
      ['kubernetes.io/azure-disk', 'disk.csi.azure.com', /Azure Disk CSI driver/],
      ['kubernetes.io/azure-file', 'file.csi.azure.com', /Azure File CSI driver/],
      ['kubernetes.io/cinder', 'cinder.csi.openstack.org', /OpenStack Cinder CSI driver/],
      ['kubernetes.io/vsphere-volume', 'csi.vsphere.vmware.com', /vSphere CSI driver/],
      ['kubernetes.io/rbd', 'rbd.csi.ceph.com', /Ceph CSI RBD driver/],
      ['kubernetes.io/cephfs', 'cephfs.csi.ceph.com', /Ceph CSI CephFS driver/],
      ['kubernetes.io/portworx-volume', 'pxd.portworx.com', /Portworx CSI driver/],
      ['kubernetes.io/no-provisioner', 'a CSI driver for node-local disks, such as TopoLVM (topolvm.io)', /statically provisioned local PersistentVolumes are not CSI/],
      ['kubernetes.io/local-volume', 'a CSI driver for node-local disks, such as TopoLVM (topolvm.io)', /OpenEBS LVM/],
      ['kubernetes.io/glusterfs', 'the CSI driver of your storage system', /in-tree provisioner/],
    ])('in-tree provisioner %s, naming %s instead', (provisioner, replacement, detail) => {
      const build = () => new ExclusiveStorageClass(testChart(), 'Class', { provisioner });
      const prefix = `is "${provisioner}"; "${provisioner}" is an in-tree provisioner, and ReadWriteOncePod is enforced for CSI volumes only; use `;
      expectPropError(build, 'Test/Class', 'ExclusiveStorageClass', 'provisioner', new RegExp(escapeRegExp(prefix + replacement)));
      expectPropError(build, 'Test/Class', 'ExclusiveStorageClass', 'provisioner', detail);
    });

    test.each<[string, () => ExclusiveStorageClassProps, string, RegExp]>([
      ['provisioner empty', () => ({ provisioner: '' }), 'provisioner', /is ""; accepted: the name of a CSI driver, e\.g\. "ebs\.csi\.aws\.com"/],
      ['provisioner missing', () => ({} as any), 'provisioner', /is missing; accepted: the name of a CSI driver/],
      ['provisioner not a string', () => ({ provisioner: 42 as any }), 'provisioner', /is 42; accepted: the name of a CSI driver/],
      ['provisioner with a space', () => ({ provisioner: 'ebs csi' }), 'provisioner', /accepted: a CSI driver name of at most 63 letters/],
      ['provisioner with a slash (external, not CSI)', () => ({ provisioner: 'example.com/nfs' }), 'provisioner', /a CSI driver name/],
      ['provisioner ending with a dot', () => ({ provisioner: 'ebs.csi.aws.com.' }), 'provisioner', /a CSI driver name/],
      ['provisioner of 64 characters', () => ({ provisioner: 'a'.repeat(64) }), 'provisioner', /at most 63/],
      ['reclaimPolicy Recycle', () => ({ provisioner: csi, reclaimPolicy: 'Recycle' as any }),
        'reclaimPolicy', /is "Recycle"; accepted: PersistentVolumeReclaimPolicy.RETAIN, PersistentVolumeReclaimPolicy.DELETE/],
      ['reclaimPolicy lowercase', () => ({ provisioner: csi, reclaimPolicy: 'retain' as any }), 'reclaimPolicy', /PersistentVolumeReclaimPolicy.RETAIN/],
      ['volumeBindingMode Later', () => ({ provisioner: csi, volumeBindingMode: 'Later' as any }),
        'volumeBindingMode', /is "Later"; accepted: VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER, VolumeBindingMode.IMMEDIATE/],
      ['allowedZones empty', () => ({ provisioner: csi, allowedZones: [] }), 'allowedZones', /accepted: at least one zone, or leave it unset/],
      ['allowedZones with an empty zone', () => ({ provisioner: csi, allowedZones: ['eu-west-1a', ''] }),
        'allowedZones', /is ""; accepted: zone names that are label values/],
      // The API server refuses duplicate values in a topology requirement (validateTopologySelectorLabelRequirement).
      ['allowedZones with a duplicate zone', () => ({ provisioner: csi, allowedZones: ['eu-west-1a', 'eu-west-1a'] }), 'allowedZones', /eu-west-1a/],
      ['allowedZones with a space', () => ({ provisioner: csi, allowedZones: ['eu west 1a'] }), 'allowedZones', /zone names that are label values/],
      ['allowedZones with a 64-character zone', () => ({ provisioner: csi, allowedZones: ['z'.repeat(64)] }), 'allowedZones', /label values/],
      ['allowedZones not an array', () => ({ provisioner: csi, allowedZones: 'europe' as any }), 'allowedZones', /accepted/],
      ['zoneTopologyKey with an empty name', () => ({ provisioner: csi, allowedZones: ['a'], zoneTopologyKey: 'topology.kubernetes.io/' }),
        'zoneTopologyKey', /is "topology.kubernetes.io\/"; accepted: a node label key/],
      ['zoneTopologyKey without allowedZones', () => ({ provisioner: csi, zoneTopologyKey: 'topology.ebs.csi.aws.com/zone' }),
        'zoneTopologyKey', /only applies to allowedZones/],
      ['zoneTopologyKey with a space', () => ({ provisioner: csi, allowedZones: ['a'], zoneTopologyKey: 'my zone' }), 'zoneTopologyKey', /a node label key/],
      ['mountOptions with an empty option', () => ({ provisioner: csi, mountOptions: ['noatime', ''] }),
        'mountOptions', /is ""; accepted: non-empty mount option strings/],
      ['mountOptions with a blank option', () => ({ provisioner: csi, mountOptions: ['  '] }), 'mountOptions', /non-empty mount option strings/],
      ['mountOptions not an array', () => ({ provisioner: csi, mountOptions: 'noatime' as any }), 'mountOptions', /accepted/],
      ['parameters with an empty key', () => ({ provisioner: csi, parameters: { '': 'gp3' } }),
        'parameters', /accepted: non-empty keys with string values/],
      ['parameters with a number value', () => ({ provisioner: csi, parameters: { iops: 3000 as any } }),
        'parameters', /is \{"iops":3000\}; accepted: non-empty keys with string values/],
      ['parameters not an object', () => ({ provisioner: csi, parameters: 'type=gp3' as any }), 'parameters', /accepted/],
      ['metadata.namespace given', () => ({ provisioner: csi, metadata: { namespace: 'default' } }),
        'metadata.namespace', /is "default"; accepted: nothing, ExclusiveStorageClass is cluster-scoped/],
      ['metadata.name uppercase', () => ({ provisioner: csi, metadata: { name: 'GP3' } }), 'metadata.name', /lowercase/],
      ['label value with a slash', () => ({ provisioner: csi, metadata: { labels: { tier: 'a/b' } } }), 'metadata.labels["tier"]', /accepted/],
      ['props undefined', () => undefined as any, 'provisioner', /is missing/],
    ])('%s', (_, props, prop, detail) => {
      expectPropError(() => new ExclusiveStorageClass(testChart(), 'Class', props()), 'Test/Class', 'ExclusiveStorageClass', prop, detail);
    });
  });
});
