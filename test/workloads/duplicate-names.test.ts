import { Testing } from 'cdk8s';
import { GIB_20, seedCredentials, synthWorkloads, testChart } from './support';
import { DatabaseEngine, SingleWriterDatabase } from '../../src';

function database(chart: ReturnType<typeof testChart>, id: string, name: string): SingleWriterDatabase {
  return new SingleWriterDatabase(chart, id, {
    metadata: { name }, engine: DatabaseEngine.postgres(), credentials: seedCredentials(chart), storage: GIB_20,
  });
}

describe('two constructs that synthesize objects of the same name', () => {
  test('two SingleWriterDatabases named "orders" fail synth (duplicate-object), naming both construct paths', () => {
    const chart = testChart();
    database(chart, 'Orders', 'orders');
    database(chart, 'OrdersCopy', 'orders');
    expect(() => Testing.synth(chart)).toThrow(/duplicate-object: Deployment default\/orders is defined 2 times \(construct Test\/Orders\/[^;]*; construct Test\/OrdersCopy\//);
  });

  test('near miss: two databases with their own names synthesize', () => {
    const chart = testChart();
    database(chart, 'Orders', 'orders');
    database(chart, 'Billing', 'billing');
    expect(synthWorkloads(chart).filter((object) => object.kind === 'Deployment').map((object) => object.metadata.name).sort()).toEqual(['billing', 'orders']);
  });
});
