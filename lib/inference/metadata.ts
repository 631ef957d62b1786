/**
 * Model metadata of the Open Inference Protocol, and the mapping between its datatypes and
 * onnxruntime's tensor type names.
 */
import type { Datatype } from './datatype';

/**
 * One input or output of a model, as the metadata endpoint describes it.
 *
 * @see https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md#model-metadata-response-json-object
 */
export interface TensorMetadata {
  /** The tensor's name. */
  readonly name: string;
  /** The element type. */
  readonly datatype: Datatype;
  /** The shape; -1 marks a variable-size dimension. */
  readonly shape: readonly number[];
}

/**
 * The body of `GET v2/models/<name>[/versions/<version>]`.
 *
 * @see https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md#model-metadata-response-json-object
 */
export interface ModelMetadata {
  /** The model's name. */
  readonly name: string;
  /**
   * The versions a client may ask for explicitly.
   * @default - none (versions are not exposed)
   */
  readonly versions?: readonly string[];
  /** The framework or backend, such as `onnxruntime_onnx`. */
  readonly platform: string;
  /** The inputs the model requires. */
  readonly inputs: TensorMetadata[];
  /** The outputs the model produces. */
  readonly outputs: TensorMetadata[];
}

const FROM_ONNX: Readonly<Record<string, Datatype>> = {
  float32: 'FP32',
  float64: 'FP64',
  float16: 'FP16',
  int8: 'INT8',
  uint8: 'UINT8',
  int16: 'INT16',
  uint16: 'UINT16',
  int32: 'INT32',
  uint32: 'UINT32',
  int64: 'INT64',
  uint64: 'UINT64',
  bool: 'BOOL',
  string: 'BYTES',
};

const TO_ONNX: Readonly<Record<Datatype, string>> = {
  FP32: 'float32',
  FP64: 'float64',
  FP16: 'float16',
  INT8: 'int8',
  UINT8: 'uint8',
  INT16: 'int16',
  UINT16: 'uint16',
  INT32: 'int32',
  UINT32: 'uint32',
  INT64: 'int64',
  UINT64: 'uint64',
  BOOL: 'bool',
  BYTES: 'string',
};

/**
 * The protocol datatype of an onnxruntime tensor type (`Tensor.Type` of onnxruntime-node,
 * such as `float32` or `string`); `undefined` for types the protocol has no datatype for
 * (`int4`, `uint4`, `bfloat16`, ...).
 *
 * @see https://onnxruntime.ai/docs/api/js/interfaces/Tensor-1.html
 */
export function onnxTypeToDatatype(onnxType: string): Datatype | undefined {
  return Object.prototype.hasOwnProperty.call(FROM_ONNX, onnxType) ? FROM_ONNX[onnxType] : undefined;
}

/**
 * The onnxruntime tensor type for a protocol datatype. The data layouts agree (see
 * `TensorData`), so a parsed tensor's `data` can go to `new ort.Tensor(type, data, shape)`.
 */
export function datatypeToOnnxType(dt: Datatype): string {
  return TO_ONNX[dt];
}
