import { InferenceError, InferenceErrorCode } from '../../../lib/inference/inference-error';

const STATUS: readonly (readonly [InferenceErrorCode, number])[] = [
  ['INVALID_JSON', 400], ['INVALID_REQUEST', 400], ['INVALID_DATATYPE', 400], ['DATA_LENGTH_MISMATCH', 400],
  ['NON_NUMERIC_DATA', 400], ['VALUE_OUT_OF_RANGE', 400], ['INVALID_BINARY_DATA', 400], ['PAYLOAD_TOO_LARGE', 413],
  ['UNKNOWN_INPUT', 400], ['MISSING_INPUT', 400], ['DATATYPE_MISMATCH', 400], ['SHAPE_MISMATCH', 400],
  ['UNKNOWN_OUTPUT', 400], ['MODEL_NOT_FOUND', 404], ['NOT_FOUND', 404], ['METHOD_NOT_ALLOWED', 405],
  ['UNSUPPORTED_MEDIA_TYPE', 415], ['MODEL_ERROR', 500], ['MODEL_NOT_READY', 503],
];

describe('InferenceError', () => {
  test('every code equals its key, and each has a status', () => {
    expect(Object.entries(InferenceErrorCode).filter(([k, v]) => k !== v)).toEqual([]);
    expect(STATUS.map(([code]) => code).sort()).toEqual(Object.keys(InferenceErrorCode).sort());
  });

  test.each(STATUS)('%s answers %d', (code, status) => {
    const e = new InferenceError(code, 'something is wrong');
    expect(e.status).toBe(status);
    expect(e.code).toBe(code);
  });

  test('toBody is the protocol error object plus the code, and never the stack or cause', () => {
    const cause = new Error('internal detail');
    const e = new InferenceError(InferenceErrorCode.MODEL_ERROR, 'the model failed', { cause });
    expect(e.toBody()).toEqual({ error: 'the model failed', code: 'MODEL_ERROR' });
    expect(e.cause).toBe(cause);
    expect(e.name).toBe('InferenceError');
    expect(e).toBeInstanceOf(Error);
  });

  test('isInferenceError recognises instances across module copies by a shared symbol', () => {
    const e = new InferenceError(InferenceErrorCode.NOT_FOUND, 'no such endpoint');
    expect(InferenceError.isInferenceError(e)).toBe(true);
    expect(InferenceError.isInferenceError(new Error('x'))).toBe(false);
    expect(InferenceError.isInferenceError({ code: 'NOT_FOUND' })).toBe(false);
    expect(InferenceError.isInferenceError({ [Symbol.for('sovereign-ml.InferenceError')]: true })).toBe(true);
  });
});
