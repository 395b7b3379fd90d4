import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DatabaseCredentials, DatabaseEngine, DisruptionPolicy, ExclusiveVolume, LinterExemption, SingleWriterDatabase } from '../../src';

/**
 * A single-instance PostgreSQL as RWOP tutorials write it: one pod of `postgres:15` on the RWOP claim `postgres-exclusive-data` (20Gi, class
 * `standard`), `Recreate`, `PGDATA` in a subdirectory of the mount, `pg_isready` probes; with the PDB variant's
 * `maxUnavailable: 0` budget, preStop fast shutdown and `storage-node=true` node affinity.
 *
 * Where it differs from the usual tutorial manifests, on purpose: the password is read from a Secret (never plain text), the image is
 * pinned to a patch release, the preStop hook stops `$PGDATA` (a `-D` naming the mount, where pg_ctl finds no
 * cluster) within a grace period sized to it, the pod meets the restricted Pod Security Standard, and a Service and a
 * deny-by-default NetworkPolicy come with it.
 */
export class PostgresChart extends Chart {
  public constructor(scope: Construct, id: string) {
    super(scope, id);

    const data = new ExclusiveVolume(this, 'Data', {
      metadata: { name: 'postgres-exclusive-data' },
      storage: Size.gibibytes(20),
      storageClassName: 'standard',
    });

    const postgres = new SingleWriterDatabase(this, 'Postgres', {
      metadata: { name: 'postgres' },
      podLabels: { app: 'postgres' },
      engine: DatabaseEngine.postgres({ version: '15.14' }),
      credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(this, 'PostgresSecret', 'postgres-secret'), {
        passwordKey: 'password',
      }),
      volume: data,
      // The host name the pg_dump backup connects to.
      serviceName: 'postgres-service',
      requiredNodeLabels: { 'storage-node': 'true' },
      disruptionPolicy: DisruptionPolicy.blockVoluntaryEvictions({
        reason: 'no voluntary disruption; an operator moves the database by hand before draining its node',
      }),
      linterExemptions: [
        LinterExemption.kubeLinterNoRollingUpdateStrategy(),
        LinterExemption.kubeLinterMinimumThreeReplicas(),
        LinterExemption.polarisDeploymentMissingReplicas(),
      ],
    });

    // The application's pods, and nothing else, may connect.
    postgres.allowFrom(kplus.Pods.select(this, 'Clients', { labels: { 'postgres-client': 'true' } }));
  }
}

const app = new App();
new PostgresChart(app, 'postgres');
app.synth();
