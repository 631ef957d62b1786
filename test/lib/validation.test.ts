import { z } from 'zod';
import { ErrorCode } from '../../lib/errors';
import { checkedNumber, describeValue, joinPath, NO_TOKENS, parseWith } from '../../lib/validation';
import { errorOf } from '../support/errors';

const schema = z.object({
  name: z.string().regex(/^[a-z]+$/, { message: 'must be lower-case letters' }),
  compute: z.object({ maxConcurrency: checkedNumber(NO_TOKENS, (v) => v >= 1 && v <= 200, 'must be between 1 and 200 for serverless endpoints') }),
  count: z.number().default(3),
}).strict();

describe('parseWith', () => {
  test('returns the parsed value with defaults applied', () => {
    expect(parseWith(schema, { name: 'abc', compute: { maxConcurrency: 5 } })).toEqual({ name: 'abc', compute: { maxConcurrency: 5 }, count: 3 });
  });

  test('names the prop path, the problem and the value, in the house format', () => {
    const e = errorOf(() => parseWith(schema, { name: 'abc', compute: { maxConcurrency: 500 } }, { path: 'props' }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toBe('props.compute.maxConcurrency must be between 1 and 200 for serverless endpoints, got 500');
  });

  test('lists every issue in one message', () => {
    const e = errorOf(() => parseWith(schema, { name: 'ABC', compute: { maxConcurrency: 0 }, extra: 1 }, { path: 'props' }));
    expect(e.message).toContain('props.name must be lower-case letters, got "ABC"');
    expect(e.message).toContain('props.compute.maxConcurrency must be between 1 and 200');
    expect(e.message).toContain('props has unknown key "extra"');
    expect(e.message.split('; ')).toHaveLength(3);
  });

  test('a missing required prop says it is required', () => {
    const e = errorOf(() => parseWith(schema, { compute: { maxConcurrency: 1 } }, { path: 'props' }));
    expect(e.message).toBe('props.name is required (expected string)');
  });

  test('skips checks on values the caller marks as unresolved', () => {
    const token = -1.8881545897087626e289;
    const lenient = z.object({ n: checkedNumber((v) => v === token, (v) => v > 0, 'must be positive') });
    expect(parseWith(lenient, { n: token })).toEqual({ n: token });
    expect(() => parseWith(lenient, { n: -1 })).toThrow('n must be positive, got -1');
  });
});

describe('joinPath and describeValue', () => {
  test.each([
    [undefined, ['a', 'b'], 'a.b'],
    ['props', ['inputs', 2, 'shape'], 'props.inputs[2].shape'],
    ['props', ['metadata', 'bad key'], 'props.metadata["bad key"]'],
  ] as const)('joinPath(%s, %j) is %s', (prefix, parts, expected) => {
    expect(joinPath(prefix, parts)).toBe(expected);
  });

  test.each([
    ['x', '"x"'],
    [5, '5'],
    [null, 'null'],
    [[1, 2], 'an array of 2'],
    [{ a: 1 }, 'an object'],
    ['y'.repeat(100), JSON.stringify(`${'y'.repeat(77)}...`)],
  ])('describeValue(%j)', (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });
});
