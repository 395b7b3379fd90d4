// The workloads add what cdk8s-plus-27 lacks with JSON patches on the workload's ApiObject. These tests pin the
// cdk8s-plus behaviour that relies on: the L1 maps the patched object as it maps its props (fields in the API's order,
// a quantity read from a Quantity), and the containers render in the order they were added.
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { appValidationErrors, synthWorkloads, testChart } from './support';
import { ExclusiveStatefulSet, SingleWriterWorkload, WorkloadContainer } from '../../src';
import { addClaimTemplate, completePodTemplate } from '../../src/workloads/pod-template-patches';
import { only, synthValid } from '../volumes/support';

const IMAGE = 'registry.example/app:1.2.3';

describe('JSON patches on a cdk8s-plus-27 workload', () => {
  function patchedStatefulSet(containerHasMounts: boolean) {
    const chart = testChart();
    const set = new kplus.StatefulSet(chart, 'Set', { securityContext: { user: 1000, group: 1000 }, containers: [{ image: IMAGE, portNumber: 8080 }] });
    set.addContainer({ name: 'sidecar', image: IMAGE });
    if (containerHasMounts) {
      set.containers[0].mount('/tmp', kplus.Volume.fromEmptyDir(chart, 'Tmp', 'tmp'));
    }
    completePodTemplate(set, { priorityClassName: 'database' });
    addClaimTemplate(set, {
      claimTemplate: {
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: kplus.k8s.Quantity.fromString('1Gi') } } },
      },
      retention: { whenDeleted: 'Retain', whenScaled: 'Delete' },
      containerIndex: 0,
      containerHasMounts,
      block: false,
      mountPath: '/data',
    });
    return only(synthValid(chart), 'StatefulSet');
  }

  test('patched fields land where the API orders them, a Quantity renders as its value', () => {
    const sts = patchedStatefulSet(true);
    expect(Object.keys(sts.spec)).toEqual([...Object.keys(sts.spec)].sort());
    expect(Object.keys(sts.spec)).toContain('persistentVolumeClaimRetentionPolicy');
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Delete' });
    expect(sts.spec.volumeClaimTemplates).toEqual([
      { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '1Gi' } } } },
    ]);
    const pod = sts.spec.template.spec;
    expect(Object.keys(pod)).toEqual([...Object.keys(pod)].sort());
    expect(pod.priorityClassName).toBe('database');
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });

  test('the first container added is the first rendered; the claim\'s mount goes first, or is the only one', () => {
    const withMounts = patchedStatefulSet(true).spec.template.spec.containers;
    expect(withMounts.map((c: any) => c.name)).toEqual([expect.stringMatching(/^main/), 'sidecar']);
    expect(withMounts[0].volumeMounts).toEqual([{ mountPath: '/data', name: 'data' }, { mountPath: '/tmp', name: 'tmp' }]);
    expect(withMounts[1].volumeMounts).toBeUndefined();
    expect(patchedStatefulSet(false).spec.template.spec.containers[0].volumeMounts).toEqual([{ mountPath: '/data', name: 'data' }]);
  });

  test('a Deployment gets the seccomp profile and the priority class', () => {
    const chart = testChart();
    new SingleWriterWorkload(chart, 'App', {
      container: WorkloadContainer.fromImage({ image: IMAGE, port: 8080, mountPath: '/data' }),
      storage: Size.gibibytes(1),
      priorityClassName: 'database',
    });
    const pod = only(synthWorkloads(chart), 'Deployment').spec.template.spec;
    expect(pod.priorityClassName).toBe('database');
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(Object.keys(pod)).toEqual([...Object.keys(pod)].sort());
  });
});

describe('an ExclusiveStatefulSet whose container had no mounts', () => {
  function set() {
    const chart = testChart();
    const db = new ExclusiveStatefulSet(chart, 'Db', {
      container: WorkloadContainer.fromImage({ image: IMAGE, port: 8080, mountPath: '/data', writableDirectories: [] }),
      storage: Size.gibibytes(1),
    });
    return { chart, db };
  }

  test('mounts only its claim', () => {
    const { chart } = set();
    expect(only(synthWorkloads(chart), 'StatefulSet').spec.template.spec.containers[0].volumeMounts).toEqual([{ mountPath: '/data', name: 'data' }]);
    expect(appValidationErrors(chart)).toEqual([]);
  });

  test('a mount added later fails synth, saying what to do instead', () => {
    const { chart, db } = set();
    db.container.mount('/cache', kplus.Volume.fromEmptyDir(chart, 'Cache', 'cache'));
    expect(appValidationErrors(chart)).toEqual([expect.stringMatching(
      /^\[Test\/Db\] Test\/Db: volumes were mounted in the container after the ExclusiveStatefulSet was created without writable directories, whose mount list is the claim.s alone; keep a writable directory \(the default is \/tmp\)/)]);
  });
});
