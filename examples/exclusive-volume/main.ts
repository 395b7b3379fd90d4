import { App, Chart, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { ExclusiveVolume, VolumeDataSource } from '../../src';

/**
 * The claim RWOP tutorials start from: 20Gi of class `standard`, mountable by exactly one pod in the cluster.
 */
export class ExclusiveDataChart extends Chart {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    new ExclusiveVolume(this, 'PostgresData', {
      metadata: { name: 'postgres-exclusive-data', labels: { 'app.kubernetes.io/name': 'postgres' } },
      storage: Size.gibibytes(20),
      storageClassName: 'standard',
    });
  }
}

/**
 * The last step of a migration by snapshot: a new RWOP claim `postgres-data` restored from the VolumeSnapshot
 * `postgres-snapshot`, taken of the old RWO claim before it was deleted.
 */
export class RestoreFromSnapshotChart extends Chart {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    new ExclusiveVolume(this, 'PostgresData', {
      metadata: { name: 'postgres-data', labels: { 'app.kubernetes.io/name': 'postgres' } },
      storage: Size.gibibytes(20),
      storageClassName: 'standard',
      dataSource: VolumeDataSource.fromSnapshotName('postgres-snapshot'),
    });
  }
}

const app = new App();
new ExclusiveDataChart(app, 'postgres-exclusive-data');
new RestoreFromSnapshotChart(app, 'restore-from-snapshot');
app.synth();
