import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DatabaseCredentials, DatabaseEngine, ExclusiveStatefulSet, WorkloadContainer } from '../../src';

/**
 * RWOP with a StatefulSet: the StatefulSet `postgres-cluster` of three `postgres:15` pods, governed
 * by the Service `postgres`, each with its own ReadWriteOncePod claim of 20Gi, class `standard`, made from the claim
 * template `data` (`data-postgres-cluster-0`, `-1`, `-2`).
 *
 * Where it differs from the usual tutorial manifests, on purpose: the image is pinned to a patch release; `PGDATA` is a subdirectory of
 * the mount (initdb refuses a volume root that holds `lost+found`); the claims carry the pod label `app: postgres`, so
 * `kubectl get pvc -l app=postgres` lists them (a claim template without labels lists nothing);
 * the headless Service exists (tutorials often name it but never define it); a preStop fast shutdown, probes, restricted
 * pod security and a drain-safe PodDisruptionBudget come with it; and the claims are explicitly retained when the
 * StatefulSet is deleted or scaled down. The three servers are independent: nothing replicates data between them.
 */
export class PostgresStatefulSetChart extends Chart {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    new ExclusiveStatefulSet(this, 'PostgresCluster', {
      metadata: { name: 'postgres-cluster' },
      serviceName: 'postgres',
      replicas: 3,
      podLabels: { app: 'postgres' },
      container: WorkloadContainer.fromEngine(DatabaseEngine.postgres({ version: '15.14' }), {
        credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(this, 'PostgresSecret', 'postgres-secret'), {
          passwordKey: 'password',
        }),
      }),
      storage: Size.gibibytes(20),
      storageClassName: 'standard',
    });
  }
}

const app = new App();
new PostgresStatefulSetChart(app, 'postgres-statefulset');
app.synth();
