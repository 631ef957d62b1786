/**
 * Tensors on the wire: the zod schema of a tensor's JSON envelope (shared by request inputs
 * and response outputs), decoding tensors from a split body, and writing them back.
 *
 * @see https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md#request-input
 * @see https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_binary_data.md
 */
import * as z from 'zod';
import { describeValue } from '../../validation';
import { DATATYPES, isDatatype, type Datatype, type TensorData } from '../datatype';
import { InferenceError, InferenceErrorCode } from '../inference-error';
import { elementCount, type Tensor } from '../tensor';
import { readBinaryData } from './binary-data';
import type { SplitBody } from './body';
import { formatShape, plural, readJsonData, writeJsonData, type JsonReadOptions } from './json-data';

/** A parameter value: the protocol allows strings, numbers and booleans. */
export const parameterValueSchema = z.union([z.string(), z.number(), z.boolean()], { error: 'must be a string, number or boolean' });

const NON_NEGATIVE_INTEGER = 'must be a non-negative integer';
const dimensionSchema = z.number({ error: NON_NEGATIVE_INTEGER }).int({ error: NON_NEGATIVE_INTEGER }).nonnegative({ error: NON_NEGATIVE_INTEGER });

/**
 * `$request_input` and `$response_output`: `data` is only checked to be an array here; its
 * elements are checked while converting (see `readJsonData`).
 */
export const wireTensorSchema = z.object({
  name: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }),
  shape: z.array(dimensionSchema, { error: 'must be an array of non-negative integers' }),
  datatype: z.string({ error: `must be one of ${DATATYPES.join(', ')}` }),
  parameters: z.object({
    binary_data_size: dimensionSchema.optional(),
  }, { error: 'must be an object' }).catchall(parameterValueSchema).optional(),
  data: z.custom<unknown[]>((v) => Array.isArray(v), { error: 'must be an array' }).optional(),
}, { error: 'must be an object' }).superRefine((t, ctx) => {
  const binary = t.parameters?.binary_data_size !== undefined;
  if (binary && t.data !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['data'], message: 'must be left out when parameters.binary_data_size is given' });
  } else if (!binary && t.data === undefined) {
    ctx.addIssue({ code: 'custom', path: ['data'], message: 'is required (or parameters.binary_data_size for binary data)' });
  }
});

/** A tensor as the JSON envelope describes it, before its data is converted. */
export type WireTensor = z.output<typeof wireTensorSchema>;

/**
 * Whether `value` is a plain parameter map that the schemas accept as is: an object (not
 * an array) whose values are strings, finite numbers or booleans, except `special`, which
 * must pass `checkSpecial`. Keys zod would treat differently (`__proto__`) fail the check.
 */
export function isPlainParameters(value: unknown, special: string, checkSpecial: (v: unknown) => boolean): value is Record<string, string | number | boolean> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const o = value as Record<string, unknown>;
  for (const key in o) {
    const v = o[key];
    if (key === special) {
      if (!checkSpecial(v)) {
        return false;
      }
    } else if (key === '__proto__' || !(typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)))) {
      return false;
    }
  }
  return true;
}

const isDimension = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * A hand-written check of the common, valid form of a wire tensor: only the schema's keys,
 * a non-empty name, a known datatype, a shape of non-negative safe integers, plain
 * parameters, and either a `data` array or `parameters.binary_data_size`. Everything it
 * accepts, {@link wireTensorSchema} accepts with the same meaning; anything else (including
 * valid but unusual tensors, like an unknown datatype, which fails later with its own code)
 * is left to the schema, which gives the error messages.
 */
export function isCommonWireTensor(value: unknown): value is WireTensor {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const t = value as Record<string, unknown>;
  let hasData = false;
  let hasSize = false;
  for (const key in t) {
    switch (key) {
      case 'name': case 'datatype': case 'shape':
        break;
      case 'data':
        if (!Array.isArray(t.data)) {
          return false;
        }
        hasData = true;
        break;
      case 'parameters': {
        const parameters = t.parameters;
        if (!isPlainParameters(parameters, 'binary_data_size', isDimension)) {
          return false;
        }
        hasSize = parameters.binary_data_size !== undefined;
        break;
      }
      default:
        return false;
    }
  }
  if (hasData === hasSize) {
    return false;
  }
  const name = t.name;
  if (typeof name !== 'string' || name.length === 0 || !isDatatype(t.datatype)) {
    return false;
  }
  const shape = t.shape;
  if (!Array.isArray(shape)) {
    return false;
  }
  for (let i = 0; i < shape.length; i++) {
    if (!isDimension(shape[i])) {
      return false;
    }
  }
  return true;
}

/** Whether the names of `items` are all different (the hand-written side of {@link uniqueNames}). */
export function hasUniqueNames(items: readonly { readonly name: string }[]): boolean {
  const n = items.length;
  if (n > 16) {
    return new Set(items.map((item) => item.name)).size === n;
  }
  for (let i = 1; i < n; i++) {
    const name = (items[i] as { readonly name: string }).name;
    for (let j = 0; j < i; j++) {
      if ((items[j] as { readonly name: string }).name === name) {
        return false;
      }
    }
  }
  return true;
}

/** `inputs[0] ("features")`: how messages name a tensor. */
export function tensorLabel(kind: string, index: number, name: string): string {
  return `${kind}[${index}] (${JSON.stringify(name)})`;
}

/**
 * Checks that names in `items` are unique, as a zod refinement on the array at `key`.
 * Runs only once the items themselves are valid.
 */
export function uniqueNames(items: readonly { readonly name: string }[], key: string, ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const first = seen.get(item.name);
    if (first !== undefined) {
      ctx.addIssue({ code: 'custom', path: [key, i, 'name'], message: `${JSON.stringify(item.name)} is already used by ${key}[${first}]` });
    } else {
      seen.set(item.name, i);
    }
  });
}

/** Options of {@link decodeTensors}. */
export interface DecodeOptions extends JsonReadOptions {
  /**
   * Copy binary tensors out of the body; `false` lets aligned fixed-size segments be views
   * of it (see `readBinaryData`).
   * @default true
   */
  readonly copyBinary?: boolean;
}

/**
 * Converts the tensors of a parsed envelope: JSON `data` through `readJsonData`, binary
 * ones from consecutive segments of `body.binary`, in order (copied unless
 * `options.copyBinary` is false).
 *
 * @throws InferenceError INVALID_DATATYPE, INVALID_BINARY_DATA, or the codes of `readJsonData`
 */
export function decodeTensors(kind: 'inputs' | 'outputs', entries: readonly WireTensor[], body: SplitBody, options: DecodeOptions = {}): Tensor[] {
  let total = 0;
  let firstBinary: string | undefined;
  entries.forEach((entry, i) => {
    if (!isDatatype(entry.datatype)) {
      throw new InferenceError(InferenceErrorCode.INVALID_DATATYPE,
        `${tensorLabel(kind, i, entry.name)}.datatype must be one of ${DATATYPES.join(', ')}, got ${describeValue(entry.datatype)}`);
    }
    const size = entry.parameters?.binary_data_size;
    if (size !== undefined) {
      total += size;
      firstBinary ??= tensorLabel(kind, i, entry.name);
    }
  });
  if (firstBinary !== undefined && !body.hasBinarySection) {
    throw new InferenceError(InferenceErrorCode.INVALID_BINARY_DATA,
      `${firstBinary} has parameters.binary_data_size but the body has no Inference-Header-Content-Length`);
  }
  if (total !== body.binary.length) {
    throw new InferenceError(InferenceErrorCode.INVALID_BINARY_DATA,
      `the body has ${plural(body.binary.length, 'byte')} after the JSON header but the ${kind}' parameters.binary_data_size add up to ${total}`);
  }
  const copy = options.copyBinary ?? true;
  let pos = 0;
  return entries.map((entry, i) => {
    const label = tensorLabel(kind, i, entry.name);
    const datatype = entry.datatype as Datatype;
    const size = entry.parameters?.binary_data_size;
    let data: TensorData;
    if (size === undefined) {
      data = readJsonData(datatype, entry.shape, entry.data as unknown[], label, options);
    } else {
      data = readBinaryData(datatype, entry.shape, body.binary.subarray(pos, pos + size), label, copy);
      pos += size;
    }
    const parameters = withoutBinarySize(entry.parameters);
    return parameters
      ? { name: entry.name, datatype, shape: entry.shape, data, parameters }
      : { name: entry.name, datatype, shape: entry.shape, data };
  });
}

function withoutBinarySize(parameters: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (parameters === undefined) {
    return undefined;
  }
  let onlySize = true;
  for (const key in parameters) {
    if (key !== 'binary_data_size') {
      onlySize = false;
      break;
    }
  }
  if (onlySize) {
    // The common case of binary tensors: nothing is left.
    return undefined;
  }
  const { binary_data_size: _dropped, ...rest } = parameters;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/**
 * The JSON text of one tensor: with its `data` when `binarySize` is undefined, otherwise
 * with `parameters.binary_data_size` and no `data`.
 */
export function tensorJson(tensor: Tensor, binarySize: number | undefined): string {
  const name = tensor.name;
  const shape = tensor.shape;
  if (typeof name !== 'string' || typeof tensor.datatype !== 'string' || tensor.parameters !== undefined || !Array.isArray(shape)) {
    return tensorJsonGeneral(tensor, binarySize);
  }
  // The common case, written directly: the same text as the general path, without the
  // intermediate objects.
  let head = `{"name":${JSON.stringify(name)},"shape":${JSON.stringify(shape)},"datatype":${JSON.stringify(tensor.datatype)}`;
  if (binarySize !== undefined) {
    head += `,"parameters":{"binary_data_size":${JSON.stringify(binarySize)}}}`;
    return head;
  }
  return `${head},"data":${writeJsonData(tensor.datatype, tensor.data)}}`;
}

function tensorJsonGeneral(tensor: Tensor, binarySize: number | undefined): string {
  const parameters = { ...withoutBinarySize(tensor.parameters), ...(binarySize === undefined ? {} : { binary_data_size: binarySize }) };
  const head = JSON.stringify({
    name: tensor.name,
    shape: tensor.shape,
    datatype: tensor.datatype,
    ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
  });
  return binarySize === undefined ? `${head.slice(0, -1)},"data":${writeJsonData(tensor.datatype, tensor.data)}}` : head;
}

const STORAGE: Readonly<Record<Datatype, string>> = {
  BOOL: 'Uint8Array', UINT8: 'Uint8Array', UINT16: 'Uint16Array', UINT32: 'Uint32Array', UINT64: 'BigUint64Array',
  INT8: 'Int8Array', INT16: 'Int16Array', INT32: 'Int32Array', INT64: 'BigInt64Array',
  FP16: 'Uint16Array', FP32: 'Float32Array', FP64: 'Float64Array', BYTES: 'Array',
};

/**
 * Checks a tensor about to be encoded: a known datatype, a valid shape, data of the
 * datatype's storage type (across realms) and of the shape's length.
 *
 * @throws InferenceError with `code` (INVALID_REQUEST for clients, MODEL_ERROR for model outputs)
 */
export function checkTensor(tensor: Tensor, label: string, code: InferenceErrorCode): void {
  const fail = (what: string): never => {
    throw new InferenceError(code, `${label} ${what}`);
  };
  if (!isDatatype(tensor.datatype)) {
    fail(`has datatype ${describeValue(tensor.datatype)}, not one of ${DATATYPES.join(', ')}`);
  }
  if (!Array.isArray(tensor.shape) || !tensor.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(`has shape ${Array.isArray(tensor.shape) ? formatShape(tensor.shape) : describeValue(tensor.shape)}; dimensions must be non-negative integers`);
  }
  const storage = Object.prototype.toString.call(tensor.data).slice(8, -1);
  const want = STORAGE[tensor.datatype];
  if (storage !== want) {
    fail(`has datatype ${tensor.datatype} but its data is ${withArticle(storage)} (${tensor.datatype} needs ${withArticle(want)})`);
  }
  if (tensor.datatype === 'BYTES' && !(tensor.data as unknown[]).every((s) => typeof s === 'string')) {
    fail('has BYTES data with an element that is not a string');
  }
  const count = elementCount(tensor.shape);
  if (tensor.data.length !== count) {
    fail(`data has ${plural(tensor.data.length, 'element')} but shape ${formatShape(tensor.shape)} needs ${count}`);
  }
}

function withArticle(noun: string): string {
  return `${/^[AEIOU]/.test(noun) ? 'an' : 'a'} ${noun}`;
}
