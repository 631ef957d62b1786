import { ErrorCode, SovereignMlError } from '../../lib/errors';

describe('SovereignMlError', () => {
  test('carries a stable code and a detail without the path', () => {
    const e = new SovereignMlError(ErrorCode.REGION_UNKNOWN, 'region "x" is not known');
    expect(e.code).toBe('REGION_UNKNOWN');
    expect(e.message).toBe('region "x" is not known');
    expect(e.constructPath).toBeUndefined();
    expect(e).toBeInstanceOf(Error);
  });

  test('withConstructPath names the construct in the message and keeps the code', () => {
    const e = new SovereignMlError(ErrorCode.INVALID_PROPS, 'props.x must be positive, got -1').withConstructPath('Stack/Registry');
    expect(e.code).toBe('INVALID_PROPS');
    expect(e.detail).toBe('props.x must be positive, got -1');
    expect(e.message).toBe('props.x must be positive, got -1 (at Stack/Registry)');
  });

  test('isSovereignMlError recognises the type and rejects others', () => {
    expect(SovereignMlError.isSovereignMlError(new SovereignMlError(ErrorCode.INVALID_PROPS, 'x'))).toBe(true);
    expect(SovereignMlError.isSovereignMlError(new Error('x'))).toBe(false);
    expect(SovereignMlError.isSovereignMlError({ code: 'INVALID_PROPS' })).toBe(false);
    expect(SovereignMlError.isSovereignMlError(undefined)).toBe(false);
  });

  test('codes are their own names, so they never drift from the keys', () => {
    for (const [key, value] of Object.entries(ErrorCode)) {
      expect(value).toBe(key);
    }
  });
});
