/**
 * The Open Inference Protocol (KServe V2) over REST, with Triton's binary tensor data
 * extension: request parsing, response encoding, tensor conversion and model metadata.
 * Tensors are plain typed arrays; nothing here depends on onnxruntime.
 *
 * @see https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md
 * @see https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_binary_data.md
 */
export { DATATYPES, bytesPerElement, floatToHalf, halfToFloat, isDatatype, type Datatype, type TensorData } from './datatype';
export { elementCount, type Tensor } from './tensor';
export { InferenceError, InferenceErrorCode, type InferenceErrorOptions } from './inference-error';
export { DEFAULT_MAX_REQUEST_BYTES, parseInferenceRequest, type InferenceRequest, type ParseOptions, type RequestedOutput } from './request';
export { decodeInferenceResponse, encodeInferenceResponse, type EncodedResponse, type InferenceResponse } from './response';
export { encodeInferenceRequest, type EncodeRequestInput, type EncodedRequest } from './request-encode';
export { alignedRequestBody, BINARY_SECTION_ALIGNMENT, headerLengthForLayout } from './aligned-request-body';
export { datatypeToOnnxType, onnxTypeToDatatype, type ModelMetadata, type TensorMetadata } from './metadata';
