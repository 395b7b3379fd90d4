// The constructs add what cdk8s-plus-27 has no prop for (a claim's exact size and data source, a Job's pod failure
// policy, the pod's seccomp profile and priority class) with ApiObject.addJsonPatch. These tests pin how cdk8s-plus-27
// renders a patched object, which those patches depend on: if an upgrade changes it, they fail here first.
import { ApiObject, Chart, Cron, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { expectValidManifests } from '../harness';

function chart(): Chart {
  return new Chart(Testing.app(), 'Test');
}

function synthValid(scope: Chart): any[] {
  const manifests = Testing.synth(scope);
  expectValidManifests(manifests);
  return manifests;
}

describe('a JSON patch on a cdk8s-plus-27 object', () => {
  test('goes through the typed L1 rendering: fields in schema order, a Quantity given as k8s.Quantity, unknown fields dropped', () => {
    const scope = chart();
    const claim = new kplus.PersistentVolumeClaim(scope, 'Claim', { accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD] });
    ApiObject.of(claim).addJsonPatch(
      JsonPatch.add('/spec/resources', { requests: { storage: kplus.k8s.Quantity.fromString('500Mi') } }),
      JsonPatch.add('/spec/dataSource', { kind: 'PersistentVolumeClaim', name: 'source' }),
      JsonPatch.add('/spec/notAField', true),
    );

    const spec = synthValid(scope)[0].spec;
    expect(spec.resources).toEqual({ requests: { storage: '500Mi' } });
    expect(spec.dataSource).toEqual({ kind: 'PersistentVolumeClaim', name: 'source' });
    expect(spec).not.toHaveProperty('notAField');
    // The L1 writes its fields in schema order, wherever a patch appended them.
    expect(Object.keys(spec)).toEqual(['accessModes', 'dataSource', 'resources', 'volumeMode']);
  });

  test('drops a quantity given as a plain string (so the constructs give a k8s.Quantity)', () => {
    const scope = chart();
    const claim = new kplus.PersistentVolumeClaim(scope, 'Claim', { accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD] });
    ApiObject.of(claim).addJsonPatch(JsonPatch.add('/spec/resources', { requests: { storage: '500Mi' } }));

    expect(Testing.synth(scope)[0].spec.resources).toEqual({ requests: {} });
  });

  test('keeps a CronJob\'s podFailurePolicy, seccompProfile and priorityClassName, which the 1.27 schema knows', () => {
    const scope = chart();
    const cronJob = new kplus.CronJob(scope, 'CronJob', {
      schedule: Cron.daily(),
      restartPolicy: kplus.RestartPolicy.NEVER,
      securityContext: { ensureNonRoot: true, user: 1000, group: 1000 },
      containers: [{ name: 'main', image: 'busybox:1.36', securityContext: { ensureNonRoot: true, user: 1000, group: 1000 } }],
    });
    const policy = {
      rules: [
        { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
        { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [2] }, onPodConditions: [] },
      ],
    };
    ApiObject.of(cronJob).addJsonPatch(
      JsonPatch.add('/spec/jobTemplate/spec/podFailurePolicy', policy),
      JsonPatch.add('/spec/jobTemplate/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
      JsonPatch.add('/spec/jobTemplate/spec/template/spec/priorityClassName', 'batch'),
    );

    const jobSpec = synthValid(scope)[0].spec.jobTemplate.spec;
    expect(jobSpec.podFailurePolicy).toEqual(policy);
    expect(jobSpec.template.spec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(jobSpec.template.spec.priorityClassName).toBe('batch');
  });
});
