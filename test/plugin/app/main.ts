import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  DatabaseCredentials, DatabaseEngine, DisruptionPolicy, ExclusiveVolume, SingleWriterDatabase, SingleWriterWorkload,
  WorkloadContainer,
} from '../../../src';

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
  // Hand-written objects only (no synth-time checks): a second Deployment on one RWOP claim.
  const chart = new Chart(app, 'Hazard', { namespace: 'db' });
  const claim = new kplus.PersistentVolumeClaim(chart, 'Data', {
    metadata: { name: 'postgres-data' },
    storage: Size.gibibytes(10),
    accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD],
  });
  postgres(chart, 'postgres', claim);
  postgres(chart, 'postgres-second', claim);

  // Our constructs: a database whose Deployment, Service, NetworkPolicy share the name "mariadb" (info findings only),
  // and a workload whose preStop hook outlasts its grace period (a warning, printed at synth).
  const crm = new Chart(app, 'crm', { namespace: 'crm' });
  new SingleWriterDatabase(crm, 'MariaDB', {
    metadata: { name: 'mariadb' },
    engine: DatabaseEngine.mariadb(),
    credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(crm, 'Secret', 'mariadb-root')),
    storage: Size.gibibytes(50),
    disruptionPolicy: DisruptionPolicy.blockVoluntaryEvictions({ reason: 'the DBA moves it by hand in the maintenance window' }),
  });
  new SingleWriterWorkload(crm, 'Cart', {
    metadata: { name: 'cart' },
    container: WorkloadContainer.fromImage({
      image: 'registry.example/cart:1.2.3', port: 8080, mountPath: '/data', preStopCommand: ['sh', '-c', 'sleep 100'],
    }),
    storage: Size.gibibytes(1),
    terminationGracePeriod: Duration.seconds(65),
  });
} else {
  const chart = new Chart(app, 'Clean', { namespace: 'db' });
  const volume = new ExclusiveVolume(chart, 'Data', { metadata: { name: 'postgres-data' }, storage: Size.gibibytes(10) });
  postgres(chart, 'postgres', volume);
}
app.synth();
