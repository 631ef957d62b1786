/**
 * Parsing of inference requests: the Open Inference Protocol's `$inference_request` in
 * JSON, with Triton's binary tensor data extension.
 */
import * as z from 'zod';
import { InferenceError, InferenceErrorCode } from './inference-error';
import { bodyByteLength, parseEnvelope, splitBody } from './private/body';
import {
  decodeTensors, hasUniqueNames, isCommonWireTensor, isPlainParameters, parameterValueSchema, uniqueNames, wireTensorSchema,
} from './private/tensor-wire';
import type { Tensor } from './tensor';

/** An output the client asked for, and whether it wants it as binary data. */
export interface RequestedOutput {
  /** The output's name. */
  readonly name: string;
  /**
   * Whether to return it as binary data: its `parameters.binary_data`, or else the request's
   * `parameters.binary_data_output`.
   */
  readonly binary: boolean;
}

/**
 * A parsed inference request, its tensors converted to typed arrays.
 *
 * @see https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md#inference-request-json-object
 */
export interface InferenceRequest {
  /**
   * The request id, to return in the response.
   * @default - none
   */
  readonly id?: string;
  /**
   * The request's parameters, as sent (`binary_data_output` included).
   * @default - none
   */
  readonly parameters?: Record<string, unknown>;
  /** The input tensors, in request order. */
  readonly inputs: Tensor[];
  /**
   * The outputs asked for.
   * @default - all outputs of the model, each binary when `binaryOutputs` is true
   */
  readonly outputs?: RequestedOutput[];
  /** Whether the request asked for all outputs in binary (`parameters.binary_data_output`). */
  readonly binaryOutputs: boolean;
}

/** Options of {@link parseInferenceRequest}. */
export interface ParseOptions {
  /**
   * Largest body accepted, in bytes.
   * @default 6291456 - 6 MiB, AWS Lambda's payload limit for synchronous invocations
   * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
   */
  readonly maxBytes?: number;
  /**
   * The `Inference-Header-Content-Length` header: the body's first `headerLength` bytes are
   * the JSON request and the binary tensor data follows.
   * @default - the whole body is JSON
   * @see https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_binary_data.md
   */
  readonly headerLength?: number;
  /**
   * Whether binary tensor data is copied out of `body`. With `false`, a fixed-size tensor
   * whose bytes start at an offset of `body`'s buffer that is a multiple of its element size
   * is returned as a typed-array view of that buffer, without a copy (on little-endian
   * hosts, which every AWS Lambda architecture is); unaligned tensors are still copied.
   * Pass `false` only when the caller owns `body` and will neither change nor reuse it
   * while the parsed request is in use.
   * @default true
   */
  readonly copyBinary?: boolean;
  /**
   * How the JSON envelope is checked. `'auto'` first runs a hand-written check of the
   * common form of a valid request and runs the full schema only when that check does not
   * pass, so errors are the same; `'full'` always runs the schema (for tests comparing
   * the two).
   * @default 'auto'
   */
  readonly validate?: 'auto' | 'full';
}

/** The default of {@link ParseOptions.maxBytes}: AWS Lambda's 6 MiB synchronous payload limit. */
export const DEFAULT_MAX_REQUEST_BYTES = 6 * 1024 * 1024;

const requestOutputSchema = z.object({
  name: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }),
  parameters: z.object({
    binary_data: z.boolean({ error: 'must be a boolean' }).optional(),
  }, { error: 'must be an object' }).catchall(parameterValueSchema).optional(),
}, { error: 'must be an object' });

const requestSchema = z.object({
  id: z.string({ error: 'must be a string' }).optional(),
  parameters: z.object({
    binary_data_output: z.boolean({ error: 'must be a boolean' }).optional(),
  }, { error: 'must be an object' }).catchall(parameterValueSchema).optional(),
  inputs: z.array(wireTensorSchema, { error: 'must be an array of tensors' }).min(1, { error: 'must have at least one tensor' }),
  outputs: z.array(requestOutputSchema, { error: 'must be an array' }).optional(),
}).superRefine((request, ctx) => {
  uniqueNames(request.inputs, 'inputs', ctx);
  uniqueNames(request.outputs ?? [], 'outputs', ctx);
});

type RequestEnvelope = z.output<typeof requestSchema>;

const isBoolean = (v: unknown): boolean => typeof v === 'boolean';

/** One entry of `outputs` in its common, valid form: only `name` and plain `parameters`. */
function isCommonRequestOutput(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const o = value as Record<string, unknown>;
  for (const key in o) {
    if (key === 'parameters') {
      if (!isPlainParameters(o.parameters, 'binary_data', isBoolean)) {
        return false;
      }
    } else if (key !== 'name') {
      return false;
    }
  }
  return typeof o.name === 'string' && o.name.length > 0;
}

/**
 * A hand-written check of the common form of a valid request envelope, much cheaper than
 * {@link requestSchema} on a warm path: only the keys `id`, `parameters`, `inputs` and
 * `outputs`, each of the form the schema accepts (see `isCommonWireTensor`), and unique
 * names. When it passes, the envelope is used as parsed from JSON (the schema would accept
 * it and return the same members); when it fails, the schema runs and gives the errors.
 *
 * @internal exported for tests, not re-exported by the package
 */
export function isCommonRequest(json: unknown): json is RequestEnvelope {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return false;
  }
  const o = json as Record<string, unknown>;
  for (const key in o) {
    switch (key) {
      case 'id':
        if (typeof o.id !== 'string') {
          return false;
        }
        break;
      case 'parameters':
        if (!isPlainParameters(o.parameters, 'binary_data_output', isBoolean)) {
          return false;
        }
        break;
      case 'inputs': case 'outputs':
        break;
      default:
        return false;
    }
  }
  const inputs = o.inputs;
  if (!Array.isArray(inputs) || inputs.length === 0) {
    return false;
  }
  for (let i = 0; i < inputs.length; i++) {
    if (!isCommonWireTensor(inputs[i])) {
      return false;
    }
  }
  if (!hasUniqueNames(inputs as RequestEnvelope['inputs'])) {
    return false;
  }
  const outputs = o.outputs;
  if (outputs === undefined) {
    return true;
  }
  if (!Array.isArray(outputs)) {
    return false;
  }
  for (let i = 0; i < outputs.length; i++) {
    if (!isCommonRequestOutput(outputs[i])) {
      return false;
    }
  }
  return hasUniqueNames(outputs as NonNullable<RequestEnvelope['outputs']>);
}

/**
 * Parses an inference request body into typed tensors.
 *
 * `data` may be flat or nested along `shape` (row-major). Elements are checked against the
 * datatype: numbers for numeric types (integers in range; INT64/UINT64 within ±(2^53-1),
 * as larger JSON numbers are already rounded), `true`/`false`/0/1 for BOOL, strings for
 * BYTES; FP16 numbers are rounded to half precision. Inputs with
 * `parameters.binary_data_size` are read from the bytes after the JSON header, in input
 * order, little-endian; those bytes are copied, so the result never aliases `body`, unless
 * `options.copyBinary` is false (see {@link ParseOptions.copyBinary}).
 *
 * @see https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md#inference-request-json-object
 * @see https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_binary_data.md
 * @throws InferenceError PAYLOAD_TOO_LARGE, INVALID_JSON, INVALID_REQUEST (every schema
 *   issue in one message), INVALID_DATATYPE, DATA_LENGTH_MISMATCH, NON_NUMERIC_DATA,
 *   VALUE_OUT_OF_RANGE or INVALID_BINARY_DATA
 */
export function parseInferenceRequest(body: Uint8Array | string, options: ParseOptions = {}): InferenceRequest {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const size = bodyByteLength(body);
  if (size > maxBytes) {
    throw new InferenceError(InferenceErrorCode.PAYLOAD_TOO_LARGE,
      `request body is ${size} bytes, more than the limit of ${maxBytes} bytes; send smaller batches`);
  }
  const split = splitBody(body, options.headerLength, 'request body');
  const json = split.json;
  const envelope = options.validate !== 'full' && isCommonRequest(json) ? json : parseEnvelope(requestSchema, json, 'request body');
  const inputs = decodeTensors('inputs', envelope.inputs, split, { copyBinary: options.copyBinary ?? true });
  const parameters = envelope.parameters;
  const binaryOutputs = parameters?.binary_data_output === true;
  const outputs = envelope.outputs?.map((o): RequestedOutput => ({ name: o.name, binary: o.parameters?.binary_data ?? binaryOutputs }));
  // Members assigned in the order of the interface, without intermediate objects.
  const request: { -readonly [K in keyof InferenceRequest]?: InferenceRequest[K] } = {};
  if (envelope.id !== undefined) {
    request.id = envelope.id;
  }
  if (parameters !== undefined) {
    request.parameters = parameters;
  }
  request.inputs = inputs;
  if (outputs !== undefined) {
    request.outputs = outputs;
  }
  request.binaryOutputs = binaryOutputs;
  return request as InferenceRequest;
}
