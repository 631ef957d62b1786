/**
 * Tensor data types of the Open Inference Protocol, their sizes, the typed arrays that
 * hold them, and IEEE 754 half-precision conversion for FP16.
 */

/**
 * A tensor element type of the Open Inference Protocol.
 *
 * @see https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md#tensor-data-types
 */
export type Datatype =
  | 'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64'
  | 'INT8' | 'INT16' | 'INT32' | 'INT64'
  | 'FP16' | 'FP32' | 'FP64' | 'BYTES';

/**
 * Every {@link Datatype}, in the order of the protocol's data type table.
 *
 * @see https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md#tensor-data-types
 */
export const DATATYPES: readonly Datatype[] = Object.freeze([
  'BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64',
  'INT8', 'INT16', 'INT32', 'INT64',
  'FP16', 'FP32', 'FP64', 'BYTES',
] as const);

const SIZES: Readonly<Record<Datatype, number | undefined>> = {
  BOOL: 1, UINT8: 1, UINT16: 2, UINT32: 4, UINT64: 8,
  INT8: 1, INT16: 2, INT32: 4, INT64: 8,
  FP16: 2, FP32: 4, FP64: 8, BYTES: undefined,
};

/** Whether `value` is one of the {@link DATATYPES} (case-sensitive, as the protocol spells them). */
export function isDatatype(value: unknown): value is Datatype {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(SIZES, value);
}

/**
 * Size of one element in bytes, as in the protocol's data type table; `undefined` for
 * BYTES, whose elements have variable size.
 *
 * @see https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md#tensor-data-types
 */
export function bytesPerElement(dt: Datatype): number | undefined {
  return SIZES[dt];
}

/**
 * The element storage of a tensor: one typed array per datatype, flat, in row-major order.
 *
 * | Datatype | Storage |
 * | --- | --- |
 * | BOOL | `Uint8Array` of 0 and 1 |
 * | UINT8, UINT16, UINT32 / INT8, INT16, INT32 | the matching `UintNArray` / `IntNArray` |
 * | UINT64 / INT64 | `BigUint64Array` / `BigInt64Array` |
 * | FP16 | `Uint16Array` of IEEE 754 binary16 bit patterns (see {@link halfToFloat}) |
 * | FP32 / FP64 | `Float32Array` / `Float64Array` |
 * | BYTES | `string[]`, each element decoded as UTF-8 |
 *
 * These are the layouts onnxruntime takes for the same element types, so a parsed tensor
 * can be handed to a session without conversion.
 */
export type TensorData =
  | Float32Array | Float64Array
  | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array
  | string[];

const POW2_24 = 2 ** 24;
const POW2_MINUS_24 = 2 ** -24;
const POW2_MINUS_14 = 2 ** -14;
/** Half of the last ulp above the largest half (65504): from here on, values round to infinity. */
const HALF_OVERFLOW = 65520;

/**
 * The value of an IEEE 754 binary16 bit pattern (the low 16 bits of `bits`), exactly:
 * subnormals, signed zeros, infinities and NaN included.
 *
 * @see https://en.wikipedia.org/wiki/Half-precision_floating-point_format
 */
export function halfToFloat(bits: number): number {
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  let magnitude: number;
  if (exponent === 0) {
    magnitude = mantissa * POW2_MINUS_24;
  } else if (exponent === 0x1f) {
    magnitude = mantissa === 0 ? Infinity : NaN;
  } else {
    magnitude = (1024 + mantissa) * 2 ** (exponent - 25);
  }
  return bits & 0x8000 ? -magnitude : magnitude;
}

/**
 * The IEEE 754 binary16 bit pattern nearest to `x`, rounding ties to even, as one rounding
 * step from the double (not through float32, which could round twice). Values of 65520
 * and beyond become infinity, values below 2^-25 become (signed) zero, NaN becomes the
 * quiet NaN 0x7E00.
 *
 * @see https://en.wikipedia.org/wiki/Half-precision_floating-point_format
 */
export function floatToHalf(x: number): number {
  if (Number.isNaN(x)) {
    return 0x7e00;
  }
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= HALF_OVERFLOW) {
    return sign | 0x7c00;
  }
  if (a < POW2_MINUS_14) {
    // Subnormal range: a multiple of 2^-24; a result of 1024 is the smallest normal.
    return sign | roundHalfEven(a * POW2_24);
  }
  let exponent = Math.floor(Math.log2(a));
  // Math.log2 may be off by one ulp next to powers of two; settle the exponent exactly.
  if (2 ** exponent > a) {
    exponent--;
  } else if (2 ** (exponent + 1) <= a) {
    exponent++;
  }
  // a / 2^exponent is in [1, 2); both steps are exact in double precision.
  let mantissa = roundHalfEven((a / 2 ** exponent - 1) * 1024);
  if (mantissa === 1024) {
    mantissa = 0;
    exponent++;
  }
  return sign | ((exponent + 15) << 10) | mantissa;
}

function roundHalfEven(v: number): number {
  const floor = Math.floor(v);
  const rest = v - floor;
  if (rest > 0.5) {
    return floor + 1;
  }
  if (rest < 0.5) {
    return floor;
  }
  return floor % 2 === 0 ? floor : floor + 1;
}
