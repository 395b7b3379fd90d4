import { ApiObject, App, Chart, JsonPatch, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ExclusiveVolume, VolumeDataSource, VolumeSnapshot, VolumeSnapshotSource } from '../../src';
import { SUPPRESS_ANNOTATION, SUPPRESS_REASON_ANNOTATION } from '../../src/rules';
import { duplicateObject } from '../../src/rules/duplicate-object';
import { synthValid } from '../volumes/support';

/** A one-replica Recreate Deployment with a pinned image that mounts `claim`. */
function writer(chart: Chart, id: string, claim: kplus.IPersistentVolumeClaim, props: Partial<kplus.DeploymentProps> = {}): kplus.Deployment {
  const deployment = new kplus.Deployment(chart, id, {
    replicas: 1,
    strategy: kplus.DeploymentStrategy.recreate(),
    ...props,
  });
  const container = deployment.addContainer({ image: 'registry.example/app:1.0.0', portNumber: 8080 });
  container.mount('/data', kplus.Volume.fromPersistentVolumeClaim(chart, `${id}Data`, claim, { name: 'data' }));
  return deployment;
}

function synthError(chart: Chart): string {
  try {
    Testing.synth(chart);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected synth to fail');
}

describe('synth-time rule checks', () => {
  test('a claim of ours mounted by two workloads fails synth, naming the rule and every construct path', () => {
    const chart = new Chart(Testing.app(), 'Test', { namespace: 'db' });
    const volume = new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(1) });
    writer(chart, 'Primary', volume);
    writer(chart, 'Second', volume);

    const message = synthError(chart);
    expect(message).toMatch(/^Validation failed with the following errors:/);
    expect(message).toContain('rwop-claim-shared: ');
    expect(message).toContain('PersistentVolumeClaim db/');
    expect(message).toContain('(Test/Data/Resource)');
    expect(message).toContain('(Test/Primary/Resource)');
    expect(message).toContain('(Test/Second/Resource)');
  });

  test('a hazard across charts of one app is found: a scaled Deployment in another chart', () => {
    const app = Testing.app();
    const storage = new Chart(app, 'Storage', { namespace: 'db' });
    const volume = new ExclusiveVolume(storage, 'Data', { storage: Size.gibibytes(1) });
    const workloads = new Chart(app, 'Workloads', { namespace: 'db' });
    writer(workloads, 'Web', volume, { replicas: 3 });

    const message = synthError(workloads);
    expect(message).toContain('rwop-claim-replicated: ');
    expect(message).toContain('(Storage/Data/Resource)');
    expect(message).toContain('(Workloads/Web/Resource)');
  });

  test('an ExclusiveVolume restored (10Gi) from a snapshot of a 20Gi claim of the app fails synth, naming both sizes', () => {
    const chart = new Chart(Testing.app(), 'Test', { namespace: 'db' });
    const data = new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(20) });
    const nightly = new VolumeSnapshot(chart, 'Nightly', { source: VolumeSnapshotSource.fromClaim(data) });
    new ExclusiveVolume(chart, 'Restored', { storage: Size.gibibytes(10), dataSource: VolumeDataSource.fromSnapshot(nightly) });

    const message = synthError(chart);
    expect(message).toContain('restore-smaller-than-source: ');
    expect(message).toMatch(/asks for 10Gi but is restored from VolumeSnapshot db\/\S+, a snapshot of PersistentVolumeClaim db\/\S+, which asks for 20Gi/);
    expect(message).toContain('request at least 20Gi (spec.resources.requests.storage)');
    expect(message).toContain('(Test/Restored/Resource)');
    expect(message).toContain('(Test/Nightly/Resource)');
    expect(message).toContain('(Test/Data/Resource)');
  });

  test('near miss: the same restore at the source\'s size synthesizes', () => {
    const chart = new Chart(Testing.app(), 'Test', { namespace: 'db' });
    const data = new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(20) });
    const nightly = new VolumeSnapshot(chart, 'Nightly', { source: VolumeSnapshotSource.fromClaim(data) });
    new ExclusiveVolume(chart, 'Restored', { storage: Size.gibibytes(20), dataSource: VolumeDataSource.fromSnapshot(nightly) });
    expect(synthValid(chart)).toHaveLength(3);
  });

  test('the same objects without our constructs are left to rwop audit: synth succeeds', () => {
    const chart = new Chart(Testing.app(), 'Test', { namespace: 'db' });
    const claim = new kplus.PersistentVolumeClaim(chart, 'Data', {
      storage: Size.gibibytes(1),
      accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD],
    });
    writer(chart, 'Primary', claim);
    writer(chart, 'Second', claim);
    expect(Testing.synth(chart).length).toBeGreaterThan(0);
  });

  test('a user hazard that involves none of our objects does not fail synth', () => {
    const chart = new Chart(Testing.app(), 'Test', { namespace: 'db' });
    const volume = new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(1) });
    writer(chart, 'Primary', volume);
    // An unpinned image in an unrelated Deployment: audit reports it; our constructs do not own it.
    new kplus.Deployment(chart, 'Unrelated', { replicas: 1, containers: [{ image: 'nginx', portNumber: 80 }] });
    expect(Testing.synth(chart).length).toBeGreaterThan(0);
  });

  test('a finding suppressed with a reason on one of its objects does not fail synth', () => {
    const chart = new Chart(Testing.app(), 'Test', { namespace: 'db' });
    const volume = new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(1) });
    writer(chart, 'Primary', volume);
    writer(chart, 'Standby', volume, {
      metadata: {
        annotations: {
          [SUPPRESS_ANNOTATION]: 'rwop-claim-shared',
          [SUPPRESS_REASON_ANNOTATION]: 'standby is scaled to zero by the failover runbook',
        },
      },
    });
    // Still two writers for the engine, but suppressed with a reason: synth passes.
    expect(Testing.synth(chart).length).toBe(3);
  });

  test('a safe single writer with two claims of ours synthesizes and validates cleanly', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const chart = new Chart(app, 'Test', { namespace: 'db' });
    const first = new ExclusiveVolume(chart, 'First', { storage: Size.gibibytes(1) });
    new ExclusiveVolume(chart, 'Second', { storage: Size.mebibytes(500) });
    writer(chart, 'Primary', first);
    expect(app.node.validate()).toEqual([]);
    expect(synthValid(chart)).toHaveLength(3);
  });

  test('nothing a synth renders is kept: a change after one synth shows in the next and in a direct render', () => {
    const app = Testing.app();
    const first = new Chart(app, 'First', { namespace: 'db' });
    new ExclusiveVolume(first, 'Data', { storage: Size.gibibytes(1) });
    const second = new Chart(app, 'Second', { namespace: 'db' });
    const config = new kplus.ConfigMap(second, 'Config', { data: { mode: 'before' } });

    // Validating the app renders objects of both charts; only the first chart is written.
    expect(Testing.synth(first)).toHaveLength(1);
    config.addData('added', 'after');
    expect(Testing.synth(second)[0].data).toEqual({ mode: 'before', added: 'after' });
    // A direct render after a synth is fresh too.
    config.addData('again', 'later');
    expect(ApiObject.of(config).toJson().data).toEqual({ mode: 'before', added: 'after', again: 'later' });
  });

  test('synth output with the checks equals the output of a plain render', () => {
    const chart = new Chart(Testing.app(), 'Test', { namespace: 'db' });
    const volume = new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(1) });
    writer(chart, 'Primary', volume);
    const rendered = chart.node.findAll().filter(ApiObject.isApiObject).map((o) => o.toJson());
    expect(Testing.synth(chart)).toEqual(rendered);
    // Our objects now carry the checks' write marker, which renders as nothing.
    expect(Testing.synth(chart)).toEqual(rendered);
    expect(chart.node.findAll().filter(ApiObject.isApiObject).map((o) => o.toJson())).toEqual(rendered);
  });
});

describe('synth-time checks inside one app.synth()', () => {
  function twoCharts() {
    const app = new App({ outdir: Testing.app().outdir });
    const first = new Chart(app, 'First', { namespace: 'db' });
    const volume = new ExclusiveVolume(first, 'Data', { storage: Size.gibibytes(1) });
    const second = new Chart(app, 'Second', { namespace: 'db' });
    const deployment = writer(second, 'Primary', volume);
    return { app, first, second, volume, deployment };
  }

  /** Counts the runs of the rules engine (each run checks every rule once) while `run` synthesizes. */
  function rulesRuns(run: () => void): number {
    const spy = jest.spyOn(duplicateObject, 'check');
    try {
      run();
      return spy.mock.calls.length;
    } finally {
      spy.mockRestore();
    }
  }

  test('the rules run once per app.synth() of two charts, though cdk8s validates the app three times', () => {
    const { app, second, volume } = twoCharts();
    const validations = jest.fn(() => []);
    app.node.addValidation({ validate: validations });
    expect(rulesRuns(() => app.synth())).toBe(1);
    expect(validations).toHaveBeenCalledTimes(3);
    // Unchanged, the next synth renders again but finds the same input: the rules' answer stands.
    expect(rulesRuns(() => app.synth())).toBe(0);
    // Changed, it runs them once more.
    writer(second, 'Second', volume);
    expect(rulesRuns(() => expect(() => app.synth()).toThrow(/rwop-claim-shared: /))).toBe(1);
    // Testing.synth(chart) validates the app once.
    validations.mockClear();
    expect(() => Testing.synth(second)).toThrow(/rwop-claim-shared: /);
    expect(validations).toHaveBeenCalledTimes(1);
  });

  test('the checks render only what the rules read: a Service is rendered once, to be written', () => {
    const { app } = twoCharts();
    const service = new kplus.Service(app.node.findChild('Second') as Chart, 'Service', { ports: [{ port: 80 }] });
    const chart = app.node.findChild('First') as Chart;
    new ExclusiveVolume(chart, 'Other', { storage: Size.gibibytes(1) });
    const serviceObject = ApiObject.of(service);
    const claimObject = app.node.findAll().filter(ApiObject.isApiObject).find((o) => o.kind === 'PersistentVolumeClaim')!;
    const serviceRenders = jest.spyOn(serviceObject, 'toJson');
    const claimRenders = jest.spyOn(claimObject, 'toJson');
    try {
      app.synthYaml();
      // Written once by cdk8s; the claim is also rendered by each of the three validations.
      expect(serviceRenders).toHaveBeenCalledTimes(1);
      expect(claimRenders).toHaveBeenCalledTimes(4);
    } finally {
      serviceRenders.mockRestore();
      claimRenders.mockRestore();
    }
  });

  test('after a synth no object of the app has a toJson of its own', () => {
    const { app } = twoCharts();
    app.synth();
    const apiObjects = app.node.findAll().filter(ApiObject.isApiObject);
    expect(apiObjects.length).toBe(2);
    expect(apiObjects.filter((o) => Object.prototype.hasOwnProperty.call(o, 'toJson')).map((o) => o.node.path)).toEqual([]);
  });

  test('a change to an object after a first synth is seen by the second: a Deployment scaled by an escape hatch', () => {
    const { app, deployment } = twoCharts();
    expect(() => app.synth()).not.toThrow();
    ApiObject.of(deployment).addJsonPatch(JsonPatch.replace('/spec/replicas', 2));
    expect(() => app.synth()).toThrow(/rwop-claim-replicated: /);
    expect(() => Testing.synth(app.node.findChild('First') as Chart)).toThrow(/rwop-claim-replicated: /);
  });

  test('a change between two synths is seen by the checks and written', () => {
    const { app, second, volume } = twoCharts();
    expect(() => app.synthYaml()).not.toThrow();
    // A second writer added after the first synth: the next synth must check it, not reuse the first one's verdict.
    writer(second, 'Second', volume);
    expect(() => app.synthYaml()).toThrow(/rwop-claim-shared: /);
  });

  test('after a synth no object keeps a rendering: a direct render sees a later change', () => {
    const { app, first, volume } = twoCharts();
    app.synthYaml();
    volume.metadata.addLabel('tier', 'db');
    expect(ApiObject.of(volume).toJson().metadata.labels).toEqual({ tier: 'db' });
    expect(first.toJson()[0].metadata.labels).toEqual({ tier: 'db' });
  });
});
