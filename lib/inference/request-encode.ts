/**
 * Encoding of inference requests, for clients, tests and benchmarks.
 */
import { InferenceErrorCode } from './inference-error';
import { assembleBody } from './private/body';
import { writeBinaryData } from './private/binary-data';
import { checkTensor, tensorJson, tensorLabel } from './private/tensor-wire';
import type { RequestedOutput } from './request';
import type { Tensor } from './tensor';

/** What {@link encodeInferenceRequest} encodes. */
export interface EncodeRequestInput {
  /**
   * The request id.
   * @default - none
   */
  readonly id?: string;
  /** The input tensors. */
  readonly inputs: readonly Tensor[];
  /**
   * The outputs to ask for; `binary: true` sets their `parameters.binary_data`.
   * @default - all outputs
   */
  readonly outputs?: readonly RequestedOutput[];
  /**
   * Send every input as binary data after the JSON header.
   * @default false
   */
  readonly binaryInputs?: boolean;
  /**
   * Ask for every output as binary data (`parameters.binary_data_output`); a listed output
   * with `binary: false` then says `binary_data: false` to override it.
   * @default false
   */
  readonly binaryOutputs?: boolean;
}

/** An encoded request body and the headers that go with it. */
export interface EncodedRequest {
  /** The HTTP body. */
  readonly body: Uint8Array;
  /**
   * The value of the `Inference-Header-Content-Length` header.
   * @default - none (the body is JSON only)
   */
  readonly headerLength?: number;
  /** The Content-Type: `application/json`, or `application/octet-stream` with binary inputs. */
  readonly contentType: string;
}

/**
 * Encodes an inference request, as JSON or with binary inputs (Triton's binary tensor
 * data extension). The JSON form follows the data rules of the server's encoder: FP16 as
 * numbers, BOOL as booleans, INT64/UINT64 with all their digits, NaN and infinities as
 * `null` (which the parser refuses: send such inputs as binary data).
 *
 * @see https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md#inference-request-json-object
 * @see https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_binary_data.md
 * @throws InferenceError INVALID_REQUEST when an input's data does not match its datatype or shape
 */
export function encodeInferenceRequest(req: EncodeRequestInput): EncodedRequest {
  const parts: Uint8Array[] = [];
  const inputs = req.inputs.map((tensor, i) => {
    checkTensor(tensor, tensorLabel('inputs', i, tensor.name), InferenceErrorCode.INVALID_REQUEST);
    if (req.binaryInputs) {
      const bytes = writeBinaryData(tensor.datatype, tensor.data);
      parts.push(bytes);
      return tensorJson(tensor, bytes.length);
    }
    return tensorJson(tensor, undefined);
  });
  const binaryOutputs = req.binaryOutputs ?? false;
  const outputs = req.outputs?.map((o) => ({
    name: o.name,
    ...(o.binary !== binaryOutputs ? { parameters: { binary_data: o.binary } } : {}),
  }));
  // Members in the order of the specification's examples; tensor data is written by hand.
  const members = [
    ...(req.id !== undefined ? [`"id":${JSON.stringify(req.id)}`] : []),
    ...(binaryOutputs ? ['"parameters":{"binary_data_output":true}'] : []),
    `"inputs":[${inputs.join(',')}]`,
    ...(outputs !== undefined ? [`"outputs":${JSON.stringify(outputs)}`] : []),
  ];
  const header = `{${members.join(',')}}`;
  const { body, headerLength } = assembleBody(header, parts);
  return headerLength === undefined
    ? { body, contentType: 'application/json' }
    : { body, headerLength, contentType: 'application/octet-stream' };
}
