import * as ort from 'onnxruntime-node';
import { DATATYPES, type Datatype } from '../../../lib/inference/datatype';
import { datatypeToOnnxType, type ModelMetadata, onnxTypeToDatatype } from '../../../lib/inference/metadata';
import { parseInferenceRequest } from '../../../lib/inference/request';
import { encodeInferenceRequest } from '../../../lib/inference/request-encode';
import type { Tensor } from '../../../lib/inference/tensor';

// Reference: onnxruntime-node's `Tensor.Type` names (onnxruntime-common `Tensor.DataTypeMap`)
// against the Open Inference Protocol's datatypes table.
const PAIRS: readonly (readonly [string, Datatype])[] = [
  ['float32', 'FP32'], ['float64', 'FP64'], ['float16', 'FP16'],
  ['int8', 'INT8'], ['uint8', 'UINT8'], ['int16', 'INT16'], ['uint16', 'UINT16'],
  ['int32', 'INT32'], ['uint32', 'UINT32'], ['int64', 'INT64'], ['uint64', 'UINT64'],
  ['bool', 'BOOL'], ['string', 'BYTES'],
];

describe('onnxTypeToDatatype and datatypeToOnnxType', () => {
  test.each(PAIRS)('%s is %s', (onnxType, datatype) => {
    expect(onnxTypeToDatatype(onnxType)).toBe(datatype);
    expect(datatypeToOnnxType(datatype)).toBe(onnxType);
  });

  test('every datatype has an onnxruntime type', () => {
    expect(DATATYPES.map(datatypeToOnnxType).sort()).toEqual(PAIRS.map(([t]) => t).sort());
  });

  test.each(['int4', 'uint4', 'bfloat16', 'float8e4m3fn', 'FP32', 'Float32', 'toString', ''])('%p has no datatype', (onnxType) => {
    expect(onnxTypeToDatatype(onnxType)).toBeUndefined();
  });
});

// Sample data by datatype, as a client would send it.
const SAMPLES: Readonly<Record<Datatype, Tensor['data']>> = {
  BOOL: new Uint8Array([1, 0]), UINT8: new Uint8Array([1, 2]), UINT16: new Uint16Array([1, 2]), UINT32: new Uint32Array([1, 2]),
  UINT64: new BigUint64Array([1n, 2n]), INT8: new Int8Array([-1, 2]), INT16: new Int16Array([-1, 2]), INT32: new Int32Array([-1, 2]),
  INT64: new BigInt64Array([-1n, 2n]), FP16: new Uint16Array([0x3c00, 0xc000]), FP32: new Float32Array([0.5, -2]),
  FP64: new Float64Array([0.5, -2]), BYTES: ['a', 'é'],
};

describe('parsed tensors go to onnxruntime as they are', () => {
  test.each(DATATYPES.flatMap((dt) => [[dt, 'JSON'], [dt, 'binary']] as const))('%s from %s', (datatype, form) => {
    const encoded = encodeInferenceRequest({ inputs: [{ name: 'x', datatype, shape: [2], data: SAMPLES[datatype] }], binaryInputs: form === 'binary' });
    const tensor = parseInferenceRequest(encoded.body, { headerLength: encoded.headerLength }).inputs[0] as Tensor;
    const ortTensor = new ort.Tensor(datatypeToOnnxType(datatype) as ort.Tensor.Type, tensor.data as never, tensor.shape);
    expect(ortTensor.type).toBe(datatypeToOnnxType(datatype));
    expect(ortTensor.dims).toEqual([2]);
    expect(ortTensor.data).toBe(tensor.data);
  });
});

describe('ModelMetadata', () => {
  test('has the members of the specification\'s $metadata_model_response', () => {
    const metadata: ModelMetadata = {
      name: 'fraud',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 30] }],
      outputs: [{ name: 'probability', datatype: 'FP32', shape: [-1, 1] }],
    };
    expect(Object.keys(metadata).sort()).toEqual(['inputs', 'name', 'outputs', 'platform', 'versions']);
    expect(Object.keys(metadata.inputs[0] ?? {}).sort()).toEqual(['datatype', 'name', 'shape']);
  });
});
