import { alignedRequestBody, BINARY_SECTION_ALIGNMENT, headerLengthForLayout } from '../../../lib/inference';

describe('alignedRequestBody', () => {
  test('8 bytes: the size of INT64, UINT64 and FP64, the widest fixed-size datatypes of the protocol', () => {
    expect(BINARY_SECTION_ALIGNMENT).toBe(BigInt64Array.BYTES_PER_ELEMENT);
    expect(BINARY_SECTION_ALIGNMENT).toBe(Float64Array.BYTES_PER_ELEMENT);
  });

  test.each(Array.from({ length: 20 }, (_, h) => h))('header length %i: the binary section starts at a multiple of 8 of a buffer of its own', (headerLength) => {
    const body = alignedRequestBody(headerLength + 64, headerLength);
    expect(body.byteLength).toBe(headerLength + 64);
    expect((body.byteOffset + headerLength) % 8).toBe(0);
    // Not a slice of Node's shared pool: nothing else lives in the buffer.
    expect(body.buffer.byteLength).toBe(body.byteOffset + body.byteLength);
    expect(body.byteOffset).toBeLessThan(8);
  });

  test.each([undefined, -1, 2.5, Number.NaN])('header length %p: no padding', (headerLength) => {
    expect(alignedRequestBody(10, headerLength).byteOffset).toBe(0);
  });
});

describe('headerLengthForLayout', () => {
  test.each([
    ['141', 141],
    ['0', 0],
    [undefined, undefined],
    ['', 0],
    ['abc', undefined],
    ['-3', undefined],
    ['1.5', undefined],
  ])('%p → %p', (value, expected) => {
    expect(headerLengthForLayout(value)).toBe(expected);
  });
});
