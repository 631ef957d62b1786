/**
 * Tensor `data` in JSON: conversion of a parsed JSON array (flat or nested) straight into
 * the datatype's typed array, checking each element on the way, and the reverse.
 *
 * Elements are checked here and not by zod: one tight loop per datatype is an order of
 * magnitude faster than a schema over every element of a large tensor.
 */
import { describeValue } from '../../validation';
import { floatToHalf, halfToFloat, type Datatype, type TensorData } from '../datatype';
import { InferenceError, InferenceErrorCode } from '../inference-error';
import { elementCount } from '../tensor';

/** Options of {@link readJsonData}. */
export interface JsonReadOptions {
  /**
   * Read `null` as NaN in float tensors, for responses whose encoder wrote NaN and
   * infinities as `null` (JSON has no literal for them).
   * @default false
   */
  readonly nullAsNaN?: boolean;
}

interface ReadContext {
  readonly label: string;
  readonly datatype: Datatype;
  readonly shape: readonly number[];
  readonly nested: boolean;
  readonly nullAsNaN: boolean;
}

type IntArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

const FLOAT32_MAX = 3.4028234663852886e38;

const INT_RANGES: Partial<Record<Datatype, readonly [number, number]>> = {
  INT8: [-128, 127],
  UINT8: [0, 255],
  INT16: [-32768, 32767],
  UINT16: [0, 65535],
  INT32: [-2147483648, 2147483647],
  UINT32: [0, 4294967295],
  // JSON numbers beyond 2^53 - 1 have already been rounded by JSON.parse: refuse them.
  INT64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
};

/** `[2,4]`, the way messages print a shape. */
export function formatShape(shape: readonly number[]): string {
  return JSON.stringify(shape);
}

/** A new zero-filled array for `count` elements of `datatype`. */
export function allocate(datatype: Datatype, count: number): TensorData {
  switch (datatype) {
    case 'BOOL': case 'UINT8': return new Uint8Array(count);
    case 'INT8': return new Int8Array(count);
    case 'INT16': return new Int16Array(count);
    case 'UINT16': case 'FP16': return new Uint16Array(count);
    case 'INT32': return new Int32Array(count);
    case 'UINT32': return new Uint32Array(count);
    case 'INT64': return new BigInt64Array(count);
    case 'UINT64': return new BigUint64Array(count);
    case 'FP32': return new Float32Array(count);
    case 'FP64': return new Float64Array(count);
    case 'BYTES': return new Array<string>(count);
  }
}

/**
 * Converts the JSON `data` of a tensor into its typed array. `data` may be flat, or nested
 * exactly along `shape` (row-major); `label` names the tensor in messages, such as
 * `inputs[0] ("features")`.
 *
 * @see https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md#tensor-data
 * @throws InferenceError DATA_LENGTH_MISMATCH, NON_NUMERIC_DATA, VALUE_OUT_OF_RANGE or INVALID_REQUEST
 */
export function readJsonData(datatype: Datatype, shape: readonly number[], data: readonly unknown[], label: string,
  options: JsonReadOptions = {}): TensorData {
  const count = elementCount(shape);
  const nested = shape.length >= 2 && data.length > 0 && Array.isArray(data[0]);
  const ctx: ReadContext = { label, datatype, shape, nested, nullAsNaN: options.nullAsNaN ?? false };
  if (nested) {
    // Check the structure before allocating, so a huge shape with little data costs nothing.
    const rows: (readonly unknown[])[] = [];
    collectRows(data, 0, ctx, [], rows);
    const out = allocate(datatype, count);
    const width = shape[shape.length - 1] ?? 1;
    for (let r = 0; r < rows.length; r++) {
      fillRow(rows[r] as readonly unknown[], out, r * width, ctx);
    }
    return out;
  }
  if (data.length !== count) {
    throw new InferenceError(InferenceErrorCode.DATA_LENGTH_MISMATCH,
      `${label}.data has ${plural(data.length, 'element')} but shape ${formatShape(shape)} needs ${count}`);
  }
  const out = allocate(datatype, count);
  fillRow(data, out, 0, ctx);
  return out;
}

/** Walks nested `data` along `shape`, checking each level's length, and collects the innermost rows. */
function collectRows(node: readonly unknown[], depth: number, ctx: ReadContext, index: number[], rows: (readonly unknown[])[]): void {
  const want = ctx.shape[depth] as number;
  if (node.length !== want) {
    throw new InferenceError(InferenceErrorCode.DATA_LENGTH_MISMATCH,
      `${ctx.label}.data${indexPath(index)} has ${plural(node.length, 'element')} but shape ${formatShape(ctx.shape)} needs ${want} in dimension ${depth}`);
  }
  if (depth === ctx.shape.length - 1) {
    rows.push(node);
    return;
  }
  for (let i = 0; i < node.length; i++) {
    const child = node[i];
    index.push(i);
    if (!Array.isArray(child)) {
      throw new InferenceError(InferenceErrorCode.INVALID_REQUEST,
        `${ctx.label}.data${indexPath(index)} must be an array of ${ctx.shape[depth + 1]} (dimension ${depth + 1} of shape ${formatShape(ctx.shape)}), got ${describeValue(child)}`);
    }
    collectRows(child, depth + 1, ctx, index, rows);
    index.pop();
  }
}

function fillRow(row: readonly unknown[], out: TensorData, offset: number, ctx: ReadContext): void {
  const dt = ctx.datatype;
  switch (dt) {
    case 'FP32': return fillFloat32(row, out as Float32Array, offset, ctx);
    case 'FP64': return fillFloat64(row, out as Float64Array, offset, ctx);
    case 'FP16': return fillFloat16(row, out as Uint16Array, offset, ctx);
    case 'BOOL': return fillBool(row, out as Uint8Array, offset, ctx);
    case 'INT64': case 'UINT64': return fillBigInt(row, out as BigInt64Array | BigUint64Array, offset, ctx);
    case 'BYTES': return fillStrings(row, out as string[], offset, ctx);
    default: return fillInt(row, out as IntArray, offset, ctx);
  }
}

function fillFloat32(row: readonly unknown[], out: Float32Array, offset: number, ctx: ReadContext): void {
  for (let j = 0; j < row.length; j++) {
    const v = row[j];
    if (typeof v !== 'number') {
      out[offset + j] = nanOrFail(v, offset + j, ctx);
    } else if (v > FLOAT32_MAX || v < -FLOAT32_MAX) {
      // Beyond the largest float32 (by at most half an ulp still rounds down): check the result.
      const f = Math.fround(v);
      if (!Number.isFinite(f)) {
        fail(ctx, offset + j, v, InferenceErrorCode.VALUE_OUT_OF_RANGE, `is out of range for FP32 (largest finite value ${FLOAT32_MAX})`);
      }
      out[offset + j] = f;
    } else {
      out[offset + j] = v;
    }
  }
}

function fillFloat64(row: readonly unknown[], out: Float64Array, offset: number, ctx: ReadContext): void {
  for (let j = 0; j < row.length; j++) {
    const v = row[j];
    out[offset + j] = typeof v === 'number' ? v : nanOrFail(v, offset + j, ctx);
  }
}

function fillFloat16(row: readonly unknown[], out: Uint16Array, offset: number, ctx: ReadContext): void {
  for (let j = 0; j < row.length; j++) {
    const v = row[j];
    if (typeof v !== 'number') {
      out[offset + j] = floatToHalf(nanOrFail(v, offset + j, ctx));
      continue;
    }
    const bits = floatToHalf(v);
    if ((bits & 0x7fff) === 0x7c00) {
      fail(ctx, offset + j, v, InferenceErrorCode.VALUE_OUT_OF_RANGE, 'is out of range for FP16 (largest finite value 65504)');
    }
    out[offset + j] = bits;
  }
}

function nanOrFail(v: unknown, flatIndex: number, ctx: ReadContext): number {
  if (v === null && ctx.nullAsNaN) {
    return NaN;
  }
  return fail(ctx, flatIndex, v, InferenceErrorCode.NON_NUMERIC_DATA, `must be a number for ${ctx.datatype}`);
}

function fillInt(row: readonly unknown[], out: IntArray, offset: number, ctx: ReadContext): void {
  const [min, max] = INT_RANGES[ctx.datatype] as readonly [number, number];
  for (let j = 0; j < row.length; j++) {
    const v = row[j];
    if (typeof v !== 'number') {
      fail(ctx, offset + j, v, InferenceErrorCode.NON_NUMERIC_DATA, `must be a number for ${ctx.datatype}`);
    }
    if (!(v >= min && v <= max) || !Number.isInteger(v)) {
      fail(ctx, offset + j, v, InferenceErrorCode.VALUE_OUT_OF_RANGE, `must be an integer from ${min} to ${max} for ${ctx.datatype}`);
    }
    out[offset + j] = v;
  }
}

function fillBigInt(row: readonly unknown[], out: BigInt64Array | BigUint64Array, offset: number, ctx: ReadContext): void {
  const [min, max] = INT_RANGES[ctx.datatype] as readonly [number, number];
  for (let j = 0; j < row.length; j++) {
    const v = row[j];
    if (typeof v !== 'number') {
      fail(ctx, offset + j, v, InferenceErrorCode.NON_NUMERIC_DATA, `must be a number for ${ctx.datatype}`);
    }
    if (!(v >= min && v <= max) || !Number.isInteger(v)) {
      fail(ctx, offset + j, v, InferenceErrorCode.VALUE_OUT_OF_RANGE,
        `must be an integer from ${min} to ${max} for ${ctx.datatype} in JSON (send larger values as binary data)`);
    }
    out[offset + j] = BigInt(v);
  }
}

function fillBool(row: readonly unknown[], out: Uint8Array, offset: number, ctx: ReadContext): void {
  for (let j = 0; j < row.length; j++) {
    const v = row[j];
    if (v === true || v === 1) {
      out[offset + j] = 1;
    } else if (v === false || v === 0) {
      out[offset + j] = 0;
    } else {
      fail(ctx, offset + j, v, typeof v === 'number' ? InferenceErrorCode.VALUE_OUT_OF_RANGE : InferenceErrorCode.NON_NUMERIC_DATA,
        'must be true, false, 0 or 1 for BOOL');
    }
  }
}

function fillStrings(row: readonly unknown[], out: string[], offset: number, ctx: ReadContext): void {
  for (let j = 0; j < row.length; j++) {
    const v = row[j];
    if (typeof v !== 'string') {
      fail(ctx, offset + j, v, InferenceErrorCode.INVALID_REQUEST, 'must be a string for BYTES');
    }
    out[offset + j] = v;
  }
}

function fail(ctx: ReadContext, flatIndex: number, value: unknown, code: InferenceErrorCode, what: string): never {
  throw new InferenceError(code, `${ctx.label}.data${elementPath(flatIndex, ctx)} ${what}, got ${describeValue(value)}`);
}

/** `[5]` for flat data, `[1][1]` for nested data of shape [2,4] (the same element). */
function elementPath(flatIndex: number, ctx: ReadContext): string {
  if (!ctx.nested) {
    return `[${flatIndex}]`;
  }
  const index: number[] = new Array<number>(ctx.shape.length);
  let rest = flatIndex;
  for (let d = ctx.shape.length - 1; d >= 0; d--) {
    const dim = ctx.shape[d] as number;
    index[d] = rest % dim;
    rest = Math.floor(rest / dim);
  }
  return indexPath(index);
}

function indexPath(index: readonly number[]): string {
  return index.map((i) => `[${i}]`).join('');
}

/** `1 element`, `2 elements`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * The JSON text of a tensor's data, flat. NaN and infinities become `null` (JSON has no
 * literal for them) and -0 becomes 0, as JSON.stringify writes them; INT64 and UINT64 are written with all their digits, which readers
 * using IEEE doubles (JSON.parse) round beyond 2^53.
 */
export function writeJsonData(datatype: Datatype, data: TensorData): string {
  switch (datatype) {
    case 'BOOL': return JSON.stringify(Array.from(data as Uint8Array, (v) => v !== 0));
    case 'FP16': return JSON.stringify(Array.from(data as Uint16Array, halfToFloat));
    case 'INT64': case 'UINT64': return `[${(data as BigInt64Array | BigUint64Array).join(',')}]`;
    case 'BYTES': return JSON.stringify(data);
    default: return JSON.stringify(Array.from(data as Float32Array));
  }
}
