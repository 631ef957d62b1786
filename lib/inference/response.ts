/**
 * Inference responses: encoding on the server (JSON, or JSON header plus binary tensor
 * data) and decoding on the client.
 */
import * as z from 'zod';
import { InferenceErrorCode } from './inference-error';
import { assembleBody, parseEnvelope, splitBody } from './private/body';
import { writeBinaryData } from './private/binary-data';
import { checkTensor, decodeTensors, tensorJson, tensorLabel, uniqueNames, wireTensorSchema } from './private/tensor-wire';
import type { Tensor } from './tensor';

/**
 * An inference response.
 *
 * @see https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md#inference-response-json-object
 */
export interface InferenceResponse {
  /** The name of the model that ran. */
  readonly model_name: string;
  /**
   * The version of the model that ran.
   * @default - none (servers without versioning leave it out)
   */
  readonly model_version?: string;
  /**
   * The request's id, when it had one.
   * @default - none
   */
  readonly id?: string;
  /**
   * Response parameters.
   * @default - none
   */
  readonly parameters?: Record<string, unknown>;
  /** The output tensors. */
  readonly outputs: Tensor[];
}

/** An encoded response body and the headers that go with it. */
export interface EncodedResponse {
  /** The HTTP body. */
  readonly body: Uint8Array;
  /** The Content-Type: `application/json`, or `application/octet-stream` when binary data follows the JSON. */
  readonly contentType: string;
  /**
   * The value of the `Inference-Header-Content-Length` header: the JSON header's length in
   * bytes.
   * @default - none (the body is JSON only)
   */
  readonly headerLength?: number;
}

/** Options of {@link encodeInferenceResponse}. */
export interface EncodeResponseOptions {
  /**
   * Skip the per-output check of datatype, shape and data storage: for callers that build
   * well-formed outputs themselves (the ONNX predictor, from onnxruntime's tensors). An
   * output that is not well-formed is then encoded wrongly instead of failing with
   * MODEL_ERROR. The encoded bytes of well-formed outputs are the same either way.
   * @default false
   */
  readonly trusted?: boolean;
}

/**
 * Encodes a response; `binary(name)` says which outputs go as binary data (see
 * `RequestedOutput.binary`).
 *
 * JSON data is flat. FP16 is written as numbers (the half's exact value), BOOL as
 * `true`/`false`, BYTES as strings. NaN and infinities, which JSON cannot hold, are
 * written as `null` and -0 as 0; ask for binary outputs to carry them. INT64 and UINT64 are written
 * with all their digits, which is exact for readers with 64-bit integers but rounded
 * beyond 2^53 by JSON.parse. Binary outputs get `parameters.binary_data_size` and their
 * bytes follow the JSON in output order.
 *
 * @see https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_binary_data.md
 * @throws InferenceError MODEL_ERROR when an output's data does not match its datatype or shape
 *   (unless `options.trusted`)
 */
export function encodeInferenceResponse(response: InferenceResponse, binary: (outputName: string) => boolean, options: EncodeResponseOptions = {}): EncodedResponse {
  const trusted = options.trusted === true;
  const parts: Uint8Array[] = [];
  // Tensor data is written by hand (exact INT64 digits, one pass per tensor) and spliced in.
  let tensors = '';
  const outputs = response.outputs;
  for (let i = 0; i < outputs.length; i++) {
    const tensor = outputs[i] as Tensor;
    if (!trusted) {
      checkTensor(tensor, tensorLabel('outputs', i, tensor.name), InferenceErrorCode.MODEL_ERROR);
    }
    if (i > 0) {
      tensors += ',';
    }
    if (binary(tensor.name)) {
      const bytes = writeBinaryData(tensor.datatype, tensor.data);
      parts.push(bytes);
      tensors += tensorJson(tensor, bytes.length);
    } else {
      tensors += tensorJson(tensor, undefined);
    }
  }
  const header = `${envelopeHead(response)},"outputs":[${tensors}]}`;
  const { body, headerLength } = assembleBody(header, parts);
  return headerLength === undefined
    ? { body, contentType: 'application/json' }
    : { body, contentType: 'application/octet-stream', headerLength };
}

/**
 * The response's members before `outputs`, as JSON text without the closing brace:
 * `{"model_name":"m","model_version":"1","id":"42","parameters":{...}`.
 */
function envelopeHead(response: InferenceResponse): string {
  const { model_name: name, model_version: version, id, parameters } = response;
  if (typeof name === 'string' && (version === undefined || typeof version === 'string') && (id === undefined || typeof id === 'string') && parameters === undefined) {
    // The common case, written directly: the same text as below, without the intermediate objects.
    let head = `{"model_name":${JSON.stringify(name)}`;
    if (version !== undefined) {
      head += `,"model_version":${JSON.stringify(version)}`;
    }
    if (id !== undefined) {
      head += `,"id":${JSON.stringify(id)}`;
    }
    return head;
  }
  return JSON.stringify({
    model_name: name,
    ...(version !== undefined ? { model_version: version } : {}),
    ...(id !== undefined ? { id } : {}),
    ...(parameters !== undefined ? { parameters } : {}),
  }).slice(0, -1);
}

const responseSchema = z.object({
  model_name: z.string({ error: 'must be a string' }),
  model_version: z.string({ error: 'must be a string' }).optional(),
  id: z.string({ error: 'must be a string' }).optional(),
  // Lenient on purpose: a client should read what other servers put here.
  parameters: z.record(z.string(), z.unknown(), { error: 'must be an object' }).optional(),
  outputs: z.array(wireTensorSchema, { error: 'must be an array of tensors' }),
}).superRefine((response, ctx) => uniqueNames(response.outputs, 'outputs', ctx));

/**
 * Decodes a response body (the client side of {@link encodeInferenceResponse}); pass the
 * `Inference-Header-Content-Length` header as `headerLength` when there is one. `null` in
 * float data reads as NaN.
 *
 * @throws InferenceError with the codes of `parseInferenceRequest` (INVALID_REQUEST for a
 *   response that does not follow the schema)
 */
export function decodeInferenceResponse(body: Uint8Array | string, headerLength?: number): InferenceResponse {
  const split = splitBody(body, headerLength, 'response body');
  const envelope = parseEnvelope(responseSchema, split.json, 'response body');
  const outputs = decodeTensors('outputs', envelope.outputs, split, { nullAsNaN: true });
  return {
    model_name: envelope.model_name,
    ...(envelope.model_version !== undefined ? { model_version: envelope.model_version } : {}),
    ...(envelope.id !== undefined ? { id: envelope.id } : {}),
    ...(envelope.parameters !== undefined ? { parameters: envelope.parameters } : {}),
    outputs,
  };
}
