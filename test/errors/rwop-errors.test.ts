import { Size, Testing } from 'cdk8s';
import { ExclusiveVolume, RwopErrors } from '../../src';
import { RwopValidationError } from '../../src/internal/errors';

function refusal(build: () => unknown): unknown {
  try {
    build();
  } catch (error) {
    return error;
  }
  throw new Error('expected the construct to refuse its props');
}

describe('RwopErrors', () => {
  test('a refused prop gives its construct path, construct, prop, given value and what is accepted', () => {
    const chart = Testing.chart();
    const error = refusal(() => new ExclusiveVolume(chart, 'Data', { storage: Size.gibibytes(10), storageClassName: 'Not_A_Name' }));

    expect(RwopErrors.isValidationError(error)).toBe(true);
    const details = RwopErrors.validationDetails(error)!;
    expect(details).toMatchObject({
      constructPath: `${chart.node.path}/Data`,
      construct: 'ExclusiveVolume',
      prop: 'storageClassName',
      given: '"Not_A_Name"',
    });
    expect(details.accepted).toMatch(/accepted/);
    expect(details.message).toBe(`${details.constructPath}: ExclusiveVolume prop "storageClassName" is "Not_A_Name"; ${details.accepted}`);
    expect((error as Error).name).toBe('RwopValidationError');
  });

  test('any other value is not one of ours', () => {
    for (const other of [new Error('x'), new TypeError('y'), 'text', undefined, null, 42, { prop: 'replicas' }]) {
      expect(RwopErrors.isValidationError(other)).toBe(false);
      expect(RwopErrors.validationDetails(other)).toBeUndefined();
    }
  });

  test('an error of another installed copy of the package is recognised (no instanceof across copies)', () => {
    const ours = new RwopValidationError('app/Db', 'SingleWriterDatabase', 'replicas', 2, 'accepted: 1');
    const fromAnotherCopy = Object.assign(Object.create(Error.prototype), ours);
    Object.defineProperty(fromAnotherCopy, Symbol.for('cdk8s-rwop.RwopValidationError'), { value: true });

    expect(RwopErrors.validationDetails(fromAnotherCopy)).toMatchObject({ prop: 'replicas', given: '2' });
  });

  test('values that JSON cannot show are still named', () => {
    expect(new RwopValidationError('a', 'B', 'c', () => 1, 'accepted: d').given).toBe('() => 1');
    expect(new RwopValidationError('a', 'B', 'c', undefined, 'accepted: d').given).toBe('missing');
  });
});
