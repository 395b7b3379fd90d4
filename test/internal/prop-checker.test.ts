import { isRwopValidationError } from '../../src/internal/errors';
import { PropChecker } from '../../src/internal/prop-checker';

describe('PropChecker', () => {
  const check = new PropChecker('prod/Postgres', 'SingleWriterDatabase');

  test('fail builds the validation error of the construct it is bound to', () => {
    const error = check.fail('replicas', 2, 'accepted: 0 or 1');
    expect(isRwopValidationError(error)).toBe(true);
    expect(error).toMatchObject({
      constructPath: 'prod/Postgres',
      construct: 'SingleWriterDatabase',
      prop: 'replicas',
      given: '2',
      accepted: 'accepted: 0 or 1',
      message: 'prod/Postgres: SingleWriterDatabase prop "replicas" is 2; accepted: 0 or 1',
    });
  });

  test('a nested checker names its props from the struct, at any depth', () => {
    const engine = check.nested('container').nested('engine');
    expect(engine.propName('image')).toBe('container.engine.image');
    const error = engine.fail('image', 'postgres', 'accepted: a pinned image');
    expect(error.prop).toBe('container.engine.image');
    expect(error.constructPath).toBe('prod/Postgres');
    expect(error.construct).toBe('SingleWriterDatabase');
    expect(error.message).toBe('prod/Postgres: SingleWriterDatabase prop "container.engine.image" is "postgres"; accepted: a pinned image');
  });

  test('the parent keeps its own prop names', () => {
    check.nested('container');
    expect(check.propName('image')).toBe('image');
    expect(check.fail('env["X"]', undefined, 'accepted: a value').message)
      .toBe('prod/Postgres: SingleWriterDatabase prop "env["X"]" is missing; accepted: a value');
  });
});
