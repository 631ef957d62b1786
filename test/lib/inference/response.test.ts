import type { TensorData } from '../../../lib/inference/datatype';
import { InferenceErrorCode } from '../../../lib/inference/inference-error';
import { decodeInferenceResponse, encodeInferenceResponse, type InferenceResponse } from '../../../lib/inference/response';
import type { Tensor } from '../../../lib/inference/tensor';
import { inferenceErrorOf as errorOf } from '../../support/errors';
import { SAMPLES } from '../../support/inference-samples';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const headerOf = (encoded: { body: Uint8Array; headerLength?: number }): Record<string, unknown> =>
  JSON.parse(text(encoded.body.subarray(0, encoded.headerLength ?? encoded.body.length)));
const allBinary = (): boolean => true;
const noBinary = (): boolean => false;


/** Values JSON cannot carry: only binary outputs keep them. */
const BINARY_ONLY: readonly Tensor[] = [
  { name: 'u64-full', datatype: 'UINT64', shape: [1], data: new BigUint64Array([2n ** 64n - 1n]) },
  { name: 'i64-full', datatype: 'INT64', shape: [2], data: new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]) },
  { name: 'fp32-special', datatype: 'FP32', shape: [4], data: new Float32Array([NaN, Infinity, -Infinity, -0]) },
  { name: 'fp16-special', datatype: 'FP16', shape: [3], data: new Uint16Array([0x7e00, 0x7c00, 0x8000]) },
];

function storageName(data: TensorData): string {
  return Object.prototype.toString.call(data).slice(8, -1);
}

describe('the specification examples', () => {
  // Open Inference Protocol REST specification, "Inference Request Examples": the response.
  const SPEC_OUTPUT = { name: 'output0', shape: [3, 2], datatype: 'FP32', data: [1.0, 1.1, 2.0, 2.1, 3.0, 3.1] };

  test('the response as printed lacks a comma after "id" and is not valid JSON', () => {
    const printed = '{\n  "id" : "42"\n  "outputs" : [\n    {\n      "name" : "output0",\n      "shape" : [ 3, 2 ],\n      "datatype"  : "FP32",\n      "data" : [ 1.0, 1.1, 2.0, 2.1, 3.0, 3.1 ]\n    }\n  ]\n}';
    const e = errorOf(() => decodeInferenceResponse(printed));
    expect(e.code).toBe(InferenceErrorCode.INVALID_JSON);
    expect(e.message).toMatch(/^response body is not valid JSON \(/);
  });

  test('decodes the example response (with the model_name its schema requires)', () => {
    const response = decodeInferenceResponse(JSON.stringify({ model_name: 'mymodel', id: '42', outputs: [SPEC_OUTPUT] }));
    expect(response).toEqual({
      model_name: 'mymodel',
      id: '42',
      outputs: [{ name: 'output0', datatype: 'FP32', shape: [3, 2], data: new Float32Array([1.0, 1.1, 2.0, 2.1, 3.0, 3.1]) }],
    });
  });

  test('fails when model_name is missing, as the schema requires it', () => {
    const e = errorOf(() => decodeInferenceResponse(JSON.stringify({ id: '42', outputs: [SPEC_OUTPUT] })));
    expect(e.code).toBe(InferenceErrorCode.INVALID_REQUEST);
    expect(e.message).toBe('model_name is required (expected string)');
  });

  test('encodes the example response as JSON with the same members', () => {
    const encoded = encodeInferenceResponse({ model_name: 'mymodel', id: '42', outputs: [SAMPLES[10] as Tensor] }, noBinary);
    expect(encoded.contentType).toBe('application/json');
    expect(encoded.headerLength).toBeUndefined();
    expect(JSON.parse(text(encoded.body))).toEqual({
      model_name: 'mymodel',
      id: '42',
      outputs: [{ ...SPEC_OUTPUT, name: 'fp32', data: Array.from(new Float32Array(SPEC_OUTPUT.data)) }],
    });
  });

  test('encodes Triton\'s binary response example: a JSON header, then 24 bytes of FP32', () => {
    // The binary tensor data extension, "Examples": the response to a [3, 2] FP32 output0.
    const data = new Float32Array([1.0, 1.1, 2.0, 2.1, 3.0, 3.1]);
    const encoded = encodeInferenceResponse({ model_name: 'mymodel', outputs: [{ name: 'output0', datatype: 'FP32', shape: [3, 2], data }] }, allBinary);
    expect(encoded.contentType).toBe('application/octet-stream');
    expect(headerOf(encoded)).toEqual({
      model_name: 'mymodel',
      outputs: [{ name: 'output0', shape: [3, 2], datatype: 'FP32', parameters: { binary_data_size: 24 } }],
    });
    expect(encoded.body.length).toBe((encoded.headerLength as number) + 24);
    expect(encoded.body.subarray(encoded.headerLength)).toEqual(new Uint8Array(data.buffer));
  });

  test('decodes Triton\'s binary response example', () => {
    const header = new TextEncoder().encode(JSON.stringify({
      model_name: 'mymodel',
      outputs: [{ name: 'output0', shape: [3, 2], datatype: 'FP32', parameters: { binary_data_size: 24 } }],
    }));
    const data = new Float32Array([1.0, 1.1, 2.0, 2.1, 3.0, 3.1]);
    const body = new Uint8Array(header.length + 24);
    body.set(header);
    body.set(new Uint8Array(data.buffer), header.length);
    expect(decodeInferenceResponse(body, header.length).outputs).toEqual([{ name: 'output0', datatype: 'FP32', shape: [3, 2], data }]);
  });
});

describe('round trips through encodeInferenceResponse and decodeInferenceResponse', () => {
  test.each(SAMPLES.map((t) => [t.name, t] as const))('JSON: %s', (_name, tensor) => {
    const encoded = encodeInferenceResponse({ model_name: 'm', outputs: [tensor] }, noBinary);
    const decoded = decodeInferenceResponse(encoded.body, encoded.headerLength).outputs[0] as Tensor;
    expect(decoded).toEqual(tensor);
    expect(storageName(decoded.data)).toBe(storageName(tensor.data));
  });

  test.each([...SAMPLES, ...BINARY_ONLY].map((t) => [t.name, t] as const))('binary: %s', (_name, tensor) => {
    const encoded = encodeInferenceResponse({ model_name: 'm', outputs: [tensor] }, allBinary);
    expect(encoded.headerLength).toBeDefined();
    const decoded = decodeInferenceResponse(encoded.body, encoded.headerLength).outputs[0] as Tensor;
    expect(decoded).toEqual(tensor);
    expect(storageName(decoded.data)).toBe(storageName(tensor.data));
  });

  test('mixes binary and JSON outputs by name, binary parts in output order', () => {
    const response: InferenceResponse = {
      model_name: 'm', model_version: '3', id: 'req-1', parameters: { elapsed_ms: 4 },
      outputs: [SAMPLES[0] as Tensor, SAMPLES[10] as Tensor, SAMPLES[12] as Tensor, SAMPLES[3] as Tensor],
    };
    const binary = (name: string): boolean => name === 'bytes' || name === 'bool' || name === 'u32';
    const encoded = encodeInferenceResponse(response, binary);
    const header = headerOf(encoded) as { outputs: { name: string; parameters?: object; data?: unknown }[] };
    expect(header.outputs.map((o) => [o.name, o.parameters, o.data === undefined])).toEqual([
      ['bool', { binary_data_size: 3 }, true],
      ['fp32', undefined, false],
      ['bytes', { binary_data_size: 4 * 4 + 0 + 3 + 6 + 4 }, true],
      ['u32', { binary_data_size: 8 }, true],
    ]);
    expect(decodeInferenceResponse(encoded.body, encoded.headerLength)).toEqual(response);
  });

  test('keeps output parameters and drops a stale binary_data_size from JSON outputs', () => {
    const tensor: Tensor = { name: 'y', datatype: 'INT8', shape: [1], data: new Int8Array([5]), parameters: { content_type: 'np', binary_data_size: 99 } };
    const json = encodeInferenceResponse({ model_name: 'm', outputs: [tensor] }, noBinary);
    expect(headerOf(json)).toEqual({ model_name: 'm', outputs: [{ name: 'y', shape: [1], datatype: 'INT8', parameters: { content_type: 'np' }, data: [5] }] });
    const binary = encodeInferenceResponse({ model_name: 'm', outputs: [tensor] }, allBinary);
    expect(decodeInferenceResponse(binary.body, binary.headerLength).outputs[0]?.parameters).toEqual({ content_type: 'np' });
  });
});

describe('JSON data encoding', () => {
  const jsonOf = (tensor: Tensor): string => text(encodeInferenceResponse({ model_name: 'm', outputs: [tensor] }, noBinary).body);

  test('BOOL is written as true and false', () => {
    expect(jsonOf({ name: 'b', datatype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) })).toContain('"data":[true,false,true]');
  });

  test('FP16 is written as the exact value of each half', () => {
    expect(jsonOf({ name: 'h', datatype: 'FP16', shape: [3], data: new Uint16Array([0x2e66, 0x3555, 0x7bff]) }))
      .toContain('"data":[0.0999755859375,0.333251953125,65504]');
  });

  test('INT64 and UINT64 are written with all their digits', () => {
    expect(jsonOf({ name: 'i', datatype: 'INT64', shape: [2], data: new BigInt64Array([-(2n ** 63n), 2n ** 62n + 1n]) }))
      .toContain('"data":[-9223372036854775808,4611686018427387905]');
    expect(jsonOf({ name: 'u', datatype: 'UINT64', shape: [1], data: new BigUint64Array([2n ** 64n - 1n]) }))
      .toContain('"data":[18446744073709551615]');
  });

  test('decoding INT64 beyond 2^53 from JSON fails rather than returning a rounded value', () => {
    const e = errorOf(() => decodeInferenceResponse(jsonOf({ name: 'i', datatype: 'INT64', shape: [1], data: new BigInt64Array([2n ** 62n + 1n]) })));
    expect(e.code).toBe(InferenceErrorCode.VALUE_OUT_OF_RANGE);
    expect(e.message).toContain('outputs[0] ("i").data[0] must be an integer from -9007199254740991 to 9007199254740991 for INT64 in JSON');
  });

  test('NaN and infinities are written as null, which decodes as NaN', () => {
    const tensor: Tensor = { name: 'f', datatype: 'FP32', shape: [4], data: new Float32Array([NaN, Infinity, -Infinity, 1]) };
    expect(jsonOf(tensor)).toContain('"data":[null,null,null,1]');
    expect(decodeInferenceResponse(jsonOf(tensor)).outputs[0]?.data).toEqual(new Float32Array([NaN, NaN, NaN, 1]));
    const half: Tensor = { name: 'h', datatype: 'FP16', shape: [1], data: new Uint16Array([0x7c00]) };
    expect(decodeInferenceResponse(jsonOf(half)).outputs[0]?.data).toEqual(new Uint16Array([0x7e00]));
  });

  test('BYTES is written as JSON strings', () => {
    expect(jsonOf({ name: 's', datatype: 'BYTES', shape: [2], data: ['a"b', '世界'] })).toContain('"data":["a\\"b","世界"]');
  });
});

describe('encodeInferenceResponse: fails with MODEL_ERROR (500) on outputs it cannot encode', () => {
  test.each([
    ['data of another type', { name: 'y', datatype: 'FP32', shape: [2], data: new Float64Array(2) },
      'outputs[0] ("y") has datatype FP32 but its data is a Float64Array (FP32 needs a Float32Array)'],
    ['numbers for INT64', { name: 'y', datatype: 'INT64', shape: [1], data: new Int32Array(1) },
      'outputs[0] ("y") has datatype INT64 but its data is an Int32Array (INT64 needs a BigInt64Array)'],
    ['data shorter than the shape', { name: 'y', datatype: 'UINT8', shape: [2, 2], data: new Uint8Array(3) },
      'outputs[0] ("y") data has 3 elements but shape [2,2] needs 4'],
    ['an unknown datatype', { name: 'y', datatype: 'FLOAT', shape: [1], data: new Float32Array(1) },
      'outputs[0] ("y") has datatype "FLOAT", not one of BOOL'],
    ['a negative dimension', { name: 'y', datatype: 'FP32', shape: [-1], data: new Float32Array(0) },
      'outputs[0] ("y") has shape [-1]; dimensions must be non-negative integers'],
    ['a BYTES element that is not a string', { name: 'y', datatype: 'BYTES', shape: [1], data: [1] },
      'outputs[0] ("y") has BYTES data with an element that is not a string'],
  ])('fails on %s', (_name, tensor, message) => {
    const e = errorOf(() => encodeInferenceResponse({ model_name: 'm', outputs: [tensor as unknown as Tensor] }, noBinary));
    expect(e.code).toBe(InferenceErrorCode.MODEL_ERROR);
    expect(e.status).toBe(500);
    expect(e.message).toContain(message);
  });
});

describe('decodeInferenceResponse: fails with the parser\'s codes', () => {
  test.each([
    ['a duplicate output name', JSON.stringify({ model_name: 'm', outputs: [SAMPLES[1], SAMPLES[1]].map((t) => ({ ...t, data: [0, 7, 255] })) }), undefined,
      InferenceErrorCode.INVALID_REQUEST, 'outputs[1].name "u8" is already used by outputs[0]'],
    ['binary data without a header length', JSON.stringify({ model_name: 'm', outputs: [{ name: 'y', shape: [1], datatype: 'UINT8', parameters: { binary_data_size: 1 } }] }), undefined,
      InferenceErrorCode.INVALID_BINARY_DATA, 'outputs[0] ("y") has parameters.binary_data_size but the body has no Inference-Header-Content-Length'],
    ['an unknown datatype', JSON.stringify({ model_name: 'm', outputs: [{ name: 'y', shape: [1], datatype: 'F32', data: [1] }] }), undefined,
      InferenceErrorCode.INVALID_DATATYPE, 'outputs[0] ("y").datatype must be one of'],
    ['a header length beyond the body', '{}', 5, InferenceErrorCode.INVALID_BINARY_DATA, 'must be an integer from 1 to the body size 2, got 5'],
  ] as const)('fails on %s', (_name, body, headerLength, code, phrase) => {
    const e = errorOf(() => decodeInferenceResponse(body, headerLength));
    expect(e.code).toBe(code);
    expect(e.message).toContain(phrase);
  });
});
