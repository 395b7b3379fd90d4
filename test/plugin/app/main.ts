import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ExclusiveVolume } from '../../../src';

/** A one-replica Recreate PostgreSQL Deployment with a pinned image that mounts `claim`. */
function postgres(scope: Construct, name: string, claim: kplus.IPersistentVolumeClaim): void {
  const deployment = new kplus.Deployment(scope, name, {
    metadata: { name },
    replicas: 1,
    strategy: kplus.DeploymentStrategy.recreate(),
  });
  const container = deployment.addContainer({ image: 'postgres:15.10', portNumber: 5432 });
  container.mount('/var/lib/postgresql/data', kplus.Volume.fromPersistentVolumeClaim(scope, `${name}-data`, claim, { name: 'data' }));
}

const app = new App();
if (process.env.RWOP_TEST_APP === 'hazard') {
  // Hand-written objects only (no synth-time checks): the seed's "second pod" on one RWOP claim.
  const chart = new Chart(app, 'Hazard', { namespace: 'db' });
  const claim = new kplus.PersistentVolumeClaim(chart, 'Data', {
    metadata: { name: 'postgres-data' },
    storage: Size.gibibytes(10),
    accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD],
  });
  postgres(chart, 'postgres', claim);
  postgres(chart, 'postgres-second', claim);
} else {
  const chart = new Chart(app, 'Clean', { namespace: 'db' });
  const volume = new ExclusiveVolume(chart, 'Data', { metadata: { name: 'postgres-data' }, storage: Size.gibibytes(10) });
  postgres(chart, 'postgres', volume);
}
app.synth();
