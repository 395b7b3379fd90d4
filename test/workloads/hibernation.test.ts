import { Chart, Cron, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { GIB_20, appValidationErrors, expectPropError, only, synthWorkloads, testChart } from './support';
import {
  ClaimRetention, DatabaseCredentials, DatabaseEngine, DisruptionPolicy, ExclusiveStatefulSet, LogicalBackupSchedule,
  SingleWriterDatabase, SingleWriterDatabaseProps, SingleWriterWorkload, SnapshotBackupSchedule, SnapshotEngine,
  WorkloadContainer,
} from '../../src';
import { runRules } from '../../src/rules';
import { PRUNE_PROTECTION } from '../volumes/support';

const NIGHTLY = Cron.schedule({ minute: '0', hour: '2' });

/** A PostgreSQL with the three kinds of backup: a dump, checkpointed snapshots and crash-consistent snapshots. */
function databaseWithBackups(hibernate: boolean | undefined, extra: Partial<SingleWriterDatabaseProps> = {}) {
  const chart = testChart({ namespace: 'db' });
  const postgres = new SingleWriterDatabase(chart, 'Postgres', {
    metadata: { name: 'postgres' },
    podLabels: { app: 'postgres' },
    engine: DatabaseEngine.postgres({ version: '15.14' }),
    credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'Secret', 'postgres-secret')),
    storage: GIB_20,
    hibernate,
    ...extra,
  });
  new LogicalBackupSchedule(chart, 'Dump', { metadata: { name: 'dump' }, database: postgres, schedule: NIGHTLY, storage: Size.gibibytes(50) });
  new SnapshotBackupSchedule(chart, 'Checkpointed', {
    metadata: { name: 'checkpointed' }, database: postgres, schedule: NIGHTLY, engine: SnapshotEngine.builtIn({ initialSnapshot: true }),
  });
  new SnapshotBackupSchedule(chart, 'CrashConsistent', {
    metadata: { name: 'crash-consistent' },
    database: postgres,
    checkpoint: false,
    schedule: NIGHTLY,
    engine: SnapshotEngine.builtIn({ initialSnapshot: true }),
  });
  return { chart, postgres };
}

/** Every finding of the rules engine, info included, as `rule: message`. */
function allFindings(manifests: any[]): string[] {
  return runRules(manifests.map(object => ({ object }))).map(found => `${found.ruleId}: ${found.message}`);
}

const key = (object: any) => `${object.kind} ${object.metadata.name}`;

describe('a SingleWriterDatabase that hibernates, with its backups', () => {
  const { chart, postgres } = databaseWithBackups(true);
  const manifests = synthWorkloads(chart);

  test('the Deployment runs no pod', () => {
    expect(only(manifests, 'Deployment', 'postgres').spec.replicas).toBe(0);
    expect(postgres.hibernate).toBe(true);
  });

  test('the data claim is kept, prune-protected, and still mounted by the pod template', () => {
    const claim = only(manifests, 'PersistentVolumeClaim', 'postgres-data');
    expect(claim.spec.accessModes).toEqual(['ReadWriteOncePod']);
    expect(claim.metadata.annotations).toMatchObject(PRUNE_PROTECTION);
    expect(only(manifests, 'Deployment', 'postgres').spec.template.spec.volumes)
      .toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'postgres-data', readOnly: false } });
  });

  test('the budget stays, with a valid maxUnavailable and the unhealthy-pod policy', () => {
    const pdb = only(manifests, 'PodDisruptionBudget', 'postgres-pdb');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: postgres.podLabels } });
  });

  test('the dump and the checkpointed snapshots are suspended, and the checkpointed first snapshot is not emitted', () => {
    expect(only(manifests, 'CronJob', 'dump').spec.suspend).toBe(true);
    expect(only(manifests, 'CronJob', 'checkpointed').spec.suspend).toBe(true);
    expect(manifests.filter(m => m.kind === 'Job').map(m => m.metadata.name)).toEqual(['crash-consistent-initial']);
  });

  test('snapshots without a checkpoint keep running: the volume is quiet', () => {
    expect(only(manifests, 'CronJob', 'crash-consistent').spec.suspend).toBe(false);
    expect(only(manifests, 'Job', 'crash-consistent-initial').spec.template.spec.containers[0].env)
      .toContainEqual({ name: 'CLAIMS', value: 'postgres-data' });
  });

  test('no rule reports anything, at synth or over the output', () => {
    expect(appValidationErrors(chart)).toEqual([]);
    expect(allFindings(manifests)).toEqual([]);
  });

  test('waking it changes only the replicas, the suspension, and the first snapshot Job with its way in to the database', () => {
    const awake = synthWorkloads(databaseWithBackups(false).chart);
    expect(only(awake, 'Deployment', 'postgres').spec.replicas).toBe(1);
    expect(only(awake, 'CronJob', 'dump').spec.suspend).toBe(false);
    expect(only(awake, 'CronJob', 'checkpointed').spec.suspend).toBe(false);
    expect(only(awake, 'Job', 'checkpointed-initial')).toBeDefined();

    const normalized = (objects: any[]) => objects
      .filter(object => key(object) !== 'Job checkpointed-initial')
      .map((object) => {
        const copy = JSON.parse(JSON.stringify(object));
        if (copy.kind === 'Deployment') delete copy.spec.replicas;
        if (copy.kind === 'CronJob') delete copy.spec.suspend;
        if (key(copy) === 'NetworkPolicy postgres') {
          copy.spec.ingress = copy.spec.ingress.filter((rule: any) => !JSON.stringify(rule.from).includes('Checkpointed-InitialJob'));
        }
        return copy;
      });
    expect(normalized(manifests)).toEqual(normalized(awake));
  });
});

describe('a SingleWriterWorkload that hibernates', () => {
  function workload(chart: Chart, hibernate: boolean): SingleWriterWorkload {
    return new SingleWriterWorkload(chart, 'Ledger', {
      metadata: { name: 'ledger' },
      container: WorkloadContainer.fromImage({ image: 'registry.example.com/ledger:2.3.1', port: 8080, mountPath: '/var/lib/ledger' }),
      storage: Size.gibibytes(5),
      // maxUnavailable 0 without a reason: a warning while the pod runs, nothing to block while none does.
      disruptionPolicy: DisruptionPolicy.blockVoluntaryEvictions(),
      hibernate,
    });
  }

  test('no pod, the claim kept, a budget that blocks nothing and no finding', () => {
    const chart = testChart();
    workload(chart, true);
    const manifests = synthWorkloads(chart);
    expect(only(manifests, 'Deployment').spec.replicas).toBe(0);
    expect(only(manifests, 'PersistentVolumeClaim', 'ledger-data').metadata.annotations).toMatchObject(PRUNE_PROTECTION);
    expect(only(manifests, 'PodDisruptionBudget', 'ledger-pdb').spec.maxUnavailable).toBe(0);
    expect(allFindings(manifests)).toEqual([]);
    expect(appValidationErrors(chart)).toEqual([]);
  });

  test('awake, the same budget is reported as blocking drains', () => {
    const chart = testChart();
    workload(chart, false);
    expect(allFindings(synthWorkloads(chart))).toEqual([expect.stringMatching(/^pdb-blocks-drains: /)]);
  });
});

describe('an ExclusiveStatefulSet that hibernates', () => {
  function shards(chart: Chart, hibernate: boolean | undefined, whenScaled?: ClaimRetention): ExclusiveStatefulSet {
    return new ExclusiveStatefulSet(chart, 'Shards', {
      metadata: { name: 'pg' },
      replicas: 3,
      podLabels: { app: 'pg' },
      container: WorkloadContainer.fromEngine(DatabaseEngine.postgres({ version: '15.14' }), {
        credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'Secret', 'pg-secret')),
      }),
      storage: GIB_20,
      hibernate,
      claimRetentionPolicy: whenScaled ? { whenScaled } : undefined,
    });
  }

  const chart = testChart();
  const set = shards(chart, true);
  const manifests = synthWorkloads(chart);
  const statefulSet = only(manifests, 'StatefulSet');

  test('no pod; the claim template and a retention that keeps the claims on scale-down', () => {
    expect(statefulSet.spec.replicas).toBe(0);
    expect(statefulSet.spec.volumeClaimTemplates.map((t: any) => [t.metadata.name, t.spec.accessModes])).toEqual([['data', ['ReadWriteOncePod']]]);
    expect(statefulSet.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  test('the replicas it starts again with still name their claims and hosts', () => {
    expect(set.hibernate).toBe(true);
    expect(set.replicas).toBe(3);
    expect(set.claimName(2)).toBe('data-pg-2');
    expect(set.podHost(2)).toBe('pg-2.pg');
  });

  test('the budget stays valid and no rule reports anything', () => {
    expect(only(manifests, 'PodDisruptionBudget', 'pg').spec.maxUnavailable).toBe(1);
    expect(allFindings(manifests)).toEqual([]);
    expect(appValidationErrors(chart)).toEqual([]);
  });

  test('awake, it runs its replicas', () => {
    const awake = testChart();
    shards(awake, false);
    expect(only(synthWorkloads(awake), 'StatefulSet').spec.replicas).toBe(3);
  });

  test('a retention that deletes the claims on scale-down is refused while it hibernates', () => {
    expectPropError(() => shards(testChart(), true, ClaimRetention.DELETE), 'Test/Shards', 'ExclusiveStatefulSet',
      'claimRetentionPolicy.whenScaled', /is "Delete"; hibernate: true scales the StatefulSet to 0, .*delete every replica's claim.*accepted: ClaimRetention\.RETAIN/);
    expect(() => shards(testChart(), false, ClaimRetention.DELETE)).not.toThrow();
  });
});

describe('bad input', () => {
  const workloadProps = { container: WorkloadContainer.fromImage({ image: 'registry.example.com/ledger:2.3.1', port: 8080, mountPath: '/data' }), storage: GIB_20 };

  test('replicas 0 without hibernate points to hibernate: true', () => {
    expectPropError(() => new SingleWriterWorkload(testChart(), 'App', { ...workloadProps, replicas: 0 }), 'Test/App', 'SingleWriterWorkload',
      'replicas', /is 0; a single writer is stopped with hibernate: true, .*accepted: hibernate: true \(instead of replicas: 0\), or replicas: 1$/);
    expectPropError(() => databaseWithBackups(undefined, { replicas: 0 }), 'Test/Postgres', 'SingleWriterDatabase',
      'replicas', /accepted: hibernate: true \(instead of replicas: 0\)/);
  });

  test('replicas 0 with hibernate passes; other counts keep their error', () => {
    const chart = testChart();
    new SingleWriterWorkload(chart, 'App', { ...workloadProps, replicas: 0, hibernate: true });
    expect(only(synthWorkloads(chart), 'Deployment').spec.replicas).toBe(0);
    expectPropError(() => new SingleWriterWorkload(testChart(), 'App', { ...workloadProps, replicas: 2, hibernate: true }), 'Test/App',
      'SingleWriterWorkload', 'replicas', /is 2; a second pod would wait forever \(Pending\) .*accepted: 1 /);
  });

  const combinations = [undefined, 0, 1, 2, 3].flatMap(replicas => [undefined, false, true].map(hibernate => ({ replicas, hibernate })));
  test.each(combinations)('replicas $replicas, hibernate $hibernate: accepted only as 1, or as 0 while hibernating', ({ replicas, hibernate }) => {
    const accepted = replicas === undefined || replicas === 1 || (replicas === 0 && hibernate === true);
    const chart = testChart();
    const build = () => new SingleWriterWorkload(chart, 'App', { ...workloadProps, replicas, hibernate });
    if (!accepted) {
      expectPropError(build, 'Test/App', 'SingleWriterWorkload', 'replicas', /accepted: /);
      return;
    }
    build();
    expect(only(synthWorkloads(chart), 'Deployment').spec.replicas).toBe(hibernate ? 0 : 1);
  });

  test('hibernate must be a boolean', () => {
    expectPropError(() => new SingleWriterWorkload(testChart(), 'App', { ...workloadProps, hibernate: 'yes' as unknown as boolean }),
      'Test/App', 'SingleWriterWorkload', 'hibernate', /is "yes"; accepted: true .* or false/);
    expectPropError(() => new ExclusiveStatefulSet(testChart(), 'Set', { ...workloadProps, hibernate: 1 as unknown as boolean }),
      'Test/Set', 'ExclusiveStatefulSet', 'hibernate', /is 1; accepted: true/);
  });

  test('suspend: false on a backup that reaches a hibernating database is refused; without a checkpoint it is not', () => {
    const chart = testChart({ namespace: 'db' });
    const postgres = new SingleWriterDatabase(chart, 'Postgres', {
      metadata: { name: 'postgres' },
      engine: DatabaseEngine.postgres({ version: '15.14' }),
      credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'Secret', 'postgres-secret')),
      storage: GIB_20,
      hibernate: true,
    });
    const refused = /is false; the database Test\/Postgres hibernates \(hibernate: true\), so a run could not reach it; accepted: no suspend prop/;
    expectPropError(() => new LogicalBackupSchedule(chart, 'Dump', { database: postgres, schedule: NIGHTLY, storage: GIB_20, suspend: false }),
      'Test/Dump', 'LogicalBackupSchedule', 'suspend', refused);
    expectPropError(() => new SnapshotBackupSchedule(chart, 'Snap', { database: postgres, schedule: NIGHTLY, suspend: false }),
      'Test/Snap', 'SnapshotBackupSchedule', 'suspend', refused);
    const quiet = new SnapshotBackupSchedule(chart, 'Quiet', { database: postgres, checkpoint: false, schedule: NIGHTLY, suspend: false });
    expect(only(synthWorkloads(chart), 'CronJob', quiet.scheduleName).spec.suspend).toBe(false);
  });
});
