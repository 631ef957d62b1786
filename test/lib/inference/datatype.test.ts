import { bytesPerElement, DATATYPES, floatToHalf, halfToFloat, isDatatype, type Datatype } from '../../../lib/inference/datatype';

// Reference: the "Tensor Data Types" table of the Open Inference Protocol REST specification.
const SPEC_SIZES: readonly (readonly [Datatype, number | undefined])[] = [
  ['BOOL', 1], ['UINT8', 1], ['UINT16', 2], ['UINT32', 4], ['UINT64', 8],
  ['INT8', 1], ['INT16', 2], ['INT32', 4], ['INT64', 8],
  ['FP16', 2], ['FP32', 4], ['FP64', 8], ['BYTES', undefined],
];

describe('datatypes', () => {
  test('DATATYPES lists the thirteen types of the specification table, in its order', () => {
    expect(DATATYPES).toEqual(SPEC_SIZES.map(([dt]) => dt));
  });

  test.each(SPEC_SIZES)('bytesPerElement(%s) is %s', (dt, size) => {
    expect(bytesPerElement(dt)).toBe(size);
  });

  test.each([
    ['FP32', true], ['BYTES', true], ['fp32', false], ['FLOAT32', false], ['BF16', false], ['toString', false], [3, false], [undefined, false],
  ] as const)('isDatatype(%p) is %p', (value, expected) => {
    expect(isDatatype(value)).toBe(expected);
  });
});

// Reference bit patterns: IEEE 754-2008 binary16 (as tabulated in the Wikipedia article
// "Half-precision floating-point format").
const HALF_REFERENCE: readonly (readonly [string, number, number])[] = [
  ['one', 0x3c00, 1],
  ['minus two', 0xc000, -2],
  ['largest normal', 0x7bff, 65504],
  ['smallest positive subnormal (2^-24)', 0x0001, 2 ** -24],
  ['largest subnormal', 0x03ff, 1023 * 2 ** -24],
  ['smallest positive normal (2^-14)', 0x0400, 2 ** -14],
  ['nearest to 1/3', 0x3555, 0.333251953125],
  ['largest below one', 0x3bff, 0.99951171875],
  ['smallest above one', 0x3c01, 1.0009765625],
  ['nearest to 0.1', 0x2e66, 0.0999755859375],
  ['zero', 0x0000, 0],
  ['infinity', 0x7c00, Infinity],
  ['minus infinity', 0xfc00, -Infinity],
];

describe('halfToFloat', () => {
  test.each(HALF_REFERENCE)('%s: 0x%s', (_name, bits, value) => {
    expect(halfToFloat(bits)).toBe(value);
  });

  test('keeps the sign of zero and reads NaN patterns as NaN', () => {
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
    expect(halfToFloat(0x7e00)).toBeNaN();
    expect(halfToFloat(0xfc01)).toBeNaN();
  });
});

describe('floatToHalf', () => {
  test.each(HALF_REFERENCE)('%s', (_name, bits, value) => {
    expect(floatToHalf(value)).toBe(bits);
  });

  test.each([
    ['0.1 rounds to nearest', 0.1, 0x2e66],
    ['1/3 rounds to nearest', 1 / 3, 0x3555],
    ['65519 rounds down to the largest normal', 65519, 0x7bff],
    ['65520, halfway to 65536, ties to even: infinity', 65520, 0x7c00],
    ['1e6 overflows to infinity', 1e6, 0x7c00],
    ['-1e6 overflows to minus infinity', -1e6, 0xfc00],
    ['1 + 2^-11, halfway, ties to even: 1', 1 + 2 ** -11, 0x3c00],
    ['1 + 3 * 2^-11, halfway, ties to even: 1 + 2^-9', 1 + 3 * 2 ** -11, 0x3c02],
    ['2^-25, halfway to the smallest subnormal, ties to even: 0', 2 ** -25, 0x0000],
    ['just above 2^-25 rounds up to the smallest subnormal', 2 ** -25 * (1 + 2 ** -20), 0x0001],
    ['3 * 2^-25 ties to even: 2 * 2^-24', 3 * 2 ** -25, 0x0002],
    ['6.1e-5 rounds to the largest subnormal', 6.1e-5, 0x03ff],
    ['a subnormal that rounds up into the normal range', 2 ** -14 - 2 ** -26, 0x0400],
    ['1e-10 underflows to zero', 1e-10, 0x0000],
    ['-1e-10 underflows to minus zero', -1e-10, 0x8000],
    ['minus zero', -0, 0x8000],
    ['NaN becomes the quiet NaN', NaN, 0x7e00],
    ['2048 + 1, halfway between 2048 and 2050, ties to even: 2048', 2049, 0x6800],
    ['2048 + 3, halfway between 2050 and 2052, ties to even: 2052', 2051, 0x6802],
  ] as const)('%s', (_name, value, bits) => {
    expect(floatToHalf(value)).toBe(bits);
  });

  test('every non-NaN half survives halfToFloat then floatToHalf', () => {
    const mismatches: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      const isNaN = (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
      if (!isNaN && floatToHalf(halfToFloat(bits)) !== bits) {
        mismatches.push(bits);
      }
    }
    expect(mismatches).toEqual([]);
  });

  test('rounds once from the double, not through float32', () => {
    // 1 + 2^-11 + 2^-40 is just above a tie; through float32 it would first become the tie
    // 1 + 2^-11 and then round down to 1.
    expect(floatToHalf(1 + 2 ** -11 + 2 ** -40)).toBe(0x3c01);
  });
});
