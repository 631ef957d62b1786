import { type Datatype, DATATYPES, type TensorData } from '../../../lib/inference/datatype';
import { InferenceErrorCode } from '../../../lib/inference/inference-error';
import { swapBytesInPlace } from '../../../lib/inference/private/binary-data';
import { DEFAULT_MAX_REQUEST_BYTES, parseInferenceRequest, type ParseOptions } from '../../../lib/inference/request';
import { encodeInferenceRequest } from '../../../lib/inference/request-encode';
import type { Tensor } from '../../../lib/inference/tensor';
import { inferenceErrorOf as errorOf } from '../../support/errors';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A body of `header` (JSON text) followed by `binary`, and the options to parse it. */
function binaryBody(header: object | string, ...binary: number[][]): [Uint8Array, ParseOptions] {
  const head = utf8(typeof header === 'string' ? header : JSON.stringify(header));
  const body = new Uint8Array(head.length + binary.reduce((n, b) => n + b.length, 0));
  body.set(head);
  let pos = head.length;
  for (const b of binary) {
    body.set(b, pos);
    pos += b.length;
  }
  return [body, { headerLength: head.length }];
}

const leU32 = (...values: number[]): number[] => values.flatMap((v) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]);

/** One tensor per datatype with its edge values; `jsonSafe: false` when JSON cannot carry them. */
const SAMPLES: readonly { readonly tensor: Tensor; readonly jsonSafe: boolean }[] = [
  { tensor: { name: 'bool', datatype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) }, jsonSafe: true },
  { tensor: { name: 'u8', datatype: 'UINT8', shape: [3], data: new Uint8Array([0, 7, 255]) }, jsonSafe: true },
  { tensor: { name: 'u16', datatype: 'UINT16', shape: [2], data: new Uint16Array([0, 65535]) }, jsonSafe: true },
  { tensor: { name: 'u32', datatype: 'UINT32', shape: [2], data: new Uint32Array([0, 4294967295]) }, jsonSafe: true },
  { tensor: { name: 'u64', datatype: 'UINT64', shape: [2], data: new BigUint64Array([0n, 2n ** 53n - 1n]) }, jsonSafe: true },
  { tensor: { name: 'u64-full', datatype: 'UINT64', shape: [1], data: new BigUint64Array([2n ** 64n - 1n]) }, jsonSafe: false },
  { tensor: { name: 'i8', datatype: 'INT8', shape: [2], data: new Int8Array([-128, 127]) }, jsonSafe: true },
  { tensor: { name: 'i16', datatype: 'INT16', shape: [2], data: new Int16Array([-32768, 32767]) }, jsonSafe: true },
  { tensor: { name: 'i32', datatype: 'INT32', shape: [2], data: new Int32Array([-2147483648, 2147483647]) }, jsonSafe: true },
  { tensor: { name: 'i64', datatype: 'INT64', shape: [2], data: new BigInt64Array([-(2n ** 53n - 1n), 2n ** 53n - 1n]) }, jsonSafe: true },
  { tensor: { name: 'i64-full', datatype: 'INT64', shape: [2], data: new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]) }, jsonSafe: false },
  { tensor: { name: 'fp16', datatype: 'FP16', shape: [2, 3], data: new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x2e66, 0x0000]) }, jsonSafe: true },
  // JSON has no NaN or infinity, and JSON.stringify drops the sign of zero.
  { tensor: { name: 'fp16-special', datatype: 'FP16', shape: [3], data: new Uint16Array([0x7e00, 0x7c00, 0x8000]) }, jsonSafe: false },
  { tensor: { name: 'fp32', datatype: 'FP32', shape: [2, 2], data: new Float32Array([1.5, -0.1, 3.4028234663852886e38, 1e-45]) }, jsonSafe: true },
  { tensor: { name: 'fp32-special', datatype: 'FP32', shape: [3], data: new Float32Array([NaN, Infinity, -Infinity]) }, jsonSafe: false },
  { tensor: { name: 'fp64', datatype: 'FP64', shape: [1, 3], data: new Float64Array([Math.PI, -1e300, 5e-324]) }, jsonSafe: true },
  { tensor: { name: 'bytes', datatype: 'BYTES', shape: [5], data: ['', 'abc', 'héllo', '世界', '🙂'] }, jsonSafe: true },
  { tensor: { name: 'scalar', datatype: 'FP32', shape: [], data: new Float32Array([42]) }, jsonSafe: true },
  { tensor: { name: 'empty', datatype: 'INT32', shape: [0, 3], data: new Int32Array(0) }, jsonSafe: true },
];

function storageName(data: TensorData): string {
  return Object.prototype.toString.call(data).slice(8, -1);
}

describe('parseInferenceRequest: the specification examples', () => {
  // The Open Inference Protocol REST specification, "Inference Request Examples".
  const SPEC_REQUEST = {
    id: '42',
    inputs: [
      { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 3, 4] },
      { name: 'input1', shape: [3], datatype: 'BOOL', data: [true] },
    ],
    outputs: [{ name: 'output0' }],
  };

  test('fails on the example as printed, whose BOOL input has 1 element for shape [3]', () => {
    const e = errorOf(() => parseInferenceRequest(JSON.stringify(SPEC_REQUEST)));
    expect(e.code).toBe(InferenceErrorCode.DATA_LENGTH_MISMATCH);
    expect(e.message).toBe('inputs[1] ("input1").data has 1 element but shape [3] needs 3');
  });

  test('parses the example with three BOOL elements', () => {
    const fixed = { ...SPEC_REQUEST, inputs: [SPEC_REQUEST.inputs[0], { name: 'input1', shape: [3], datatype: 'BOOL', data: [true, false, true] }] };
    const request = parseInferenceRequest(JSON.stringify(fixed));
    expect(request.id).toBe('42');
    expect(request.inputs).toEqual([
      { name: 'input0', datatype: 'UINT32', shape: [2, 2], data: new Uint32Array([1, 2, 3, 4]) },
      { name: 'input1', datatype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) },
    ]);
    expect(request.outputs).toEqual([{ name: 'output0', binary: false }]);
    expect(request.binaryOutputs).toBe(false);
  });

  test('reads the natural nested form of the specification\'s matrix like the flat one', () => {
    const nested = parseInferenceRequest(JSON.stringify({ inputs: [{ name: 'm', shape: [2, 2], datatype: 'INT32', data: [[1, 2], [4, 5]] }] }));
    const flat = parseInferenceRequest(JSON.stringify({ inputs: [{ name: 'm', shape: [2, 2], datatype: 'INT32', data: [1, 2, 4, 5] }] }));
    expect(nested.inputs[0]?.data).toEqual(new Int32Array([1, 2, 4, 5]));
    expect(nested.inputs).toEqual(flat.inputs);
  });

  test('reads Triton\'s binary tensor data example: 16 bytes of UINT32 then 3 bytes of BOOL', () => {
    // The binary tensor data extension, "Examples" (its header includes model_name, which is ignored).
    const [body, options] = binaryBody({
      model_name: 'mymodel',
      inputs: [
        { name: 'input0', shape: [2, 2], datatype: 'UINT32', parameters: { binary_data_size: 16 } },
        { name: 'input1', shape: [3], datatype: 'BOOL', parameters: { binary_data_size: 3 } },
      ],
      outputs: [{ name: 'output0', parameters: { binary_data: true } }],
    }, leU32(1, 2, 3, 4), [1, 0, 1]);
    const request = parseInferenceRequest(body, options);
    expect(request.inputs).toEqual([
      { name: 'input0', datatype: 'UINT32', shape: [2, 2], data: new Uint32Array([1, 2, 3, 4]) },
      { name: 'input1', datatype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) },
    ]);
    expect(request.outputs).toEqual([{ name: 'output0', binary: true }]);
  });
});

describe('parseInferenceRequest: round trips through encodeInferenceRequest', () => {
  test.each(SAMPLES.filter((s) => s.jsonSafe).map((s) => [s.tensor.name, s.tensor] as const))('JSON: %s', (_name, tensor) => {
    const encoded = encodeInferenceRequest({ inputs: [tensor] });
    expect(encoded.contentType).toBe('application/json');
    expect(encoded.headerLength).toBeUndefined();
    const parsed = parseInferenceRequest(encoded.body).inputs[0] as Tensor;
    expect(parsed).toEqual(tensor);
    expect(storageName(parsed.data)).toBe(storageName(tensor.data));
  });

  test.each(SAMPLES.map((s) => [s.tensor.name, s.tensor] as const))('binary: %s', (_name, tensor) => {
    const encoded = encodeInferenceRequest({ inputs: [tensor], binaryInputs: true });
    expect(encoded.contentType).toBe('application/octet-stream');
    const parsed = parseInferenceRequest(encoded.body, { headerLength: encoded.headerLength }).inputs[0] as Tensor;
    expect(parsed).toEqual(tensor);
    expect(storageName(parsed.data)).toBe(storageName(tensor.data));
  });

  test('every datatype is covered by a sample', () => {
    expect(new Set(SAMPLES.map((s) => s.tensor.datatype))).toEqual(new Set<Datatype>(DATATYPES));
  });

  test('all datatypes in one binary request keep their order and values', () => {
    const inputs = SAMPLES.map((s) => s.tensor);
    const encoded = encodeInferenceRequest({ id: 'all', inputs, binaryInputs: true });
    expect(parseInferenceRequest(encoded.body, { headerLength: encoded.headerLength }).inputs).toEqual(inputs);
  });

  test('requested outputs: per-output binary_data overrides binary_data_output', () => {
    const input: Tensor = { name: 'x', datatype: 'FP32', shape: [1], data: new Float32Array([1]) };
    const outputs = [{ name: 'a', binary: true }, { name: 'b', binary: false }];
    for (const binaryOutputs of [false, true]) {
      const encoded = encodeInferenceRequest({ id: 'r1', inputs: [input], outputs, binaryOutputs });
      const request = parseInferenceRequest(encoded.body);
      expect(request).toMatchObject({ id: 'r1', outputs, binaryOutputs });
    }
    const header = JSON.parse(new TextDecoder().decode(encodeInferenceRequest({ inputs: [input], outputs, binaryOutputs: true }).body));
    expect(header.parameters).toEqual({ binary_data_output: true });
    expect(header.outputs).toEqual([{ name: 'a' }, { name: 'b', parameters: { binary_data: false } }]);
  });
});

describe('parseInferenceRequest: data forms', () => {
  test('flattens three-dimensional nested data row-major', () => {
    const data = [[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]];
    const request = parseInferenceRequest(JSON.stringify({ inputs: [{ name: 'x', shape: [2, 2, 3], datatype: 'FP64', data }] }));
    expect(request.inputs[0]?.data).toEqual(new Float64Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
  });

  test('a 64 x 256 FP32 tensor in JSON', () => {
    const values = Array.from({ length: 64 * 256 }, (_, i) => Math.fround(Math.sin(i)));
    const request = parseInferenceRequest(JSON.stringify({ inputs: [{ name: 'x', shape: [64, 256], datatype: 'FP32', data: values }] }));
    expect(request.inputs[0]?.data).toEqual(new Float32Array(values));
  });

  test('FP16 numbers are rounded to the nearest half', () => {
    const request = parseInferenceRequest(JSON.stringify({ inputs: [{ name: 'h', shape: [3], datatype: 'FP16', data: [0.1, 1 / 3, -2] }] }));
    expect(request.inputs[0]?.data).toEqual(new Uint16Array([0x2e66, 0x3555, 0xc000]));
  });

  test('BOOL accepts 0 and 1 as well as booleans', () => {
    const request = parseInferenceRequest(JSON.stringify({ inputs: [{ name: 'b', shape: [4], datatype: 'BOOL', data: [true, 0, 1, false] }] }));
    expect(request.inputs[0]?.data).toEqual(new Uint8Array([1, 0, 1, 0]));
  });

  test('binary inputs at unaligned offsets are copied into aligned arrays that do not alias the body', () => {
    const f64 = new Float64Array([Math.E, -0.5]);
    const i16 = new Int16Array([-2, 300]);
    // 3 BOOL bytes first, and a header padded to an odd length: every later tensor starts unaligned.
    const header = `${JSON.stringify({
      inputs: [
        { name: 'flags', shape: [3], datatype: 'BOOL', parameters: { binary_data_size: 3 } },
        { name: 'wide', shape: [2], datatype: 'FP64', parameters: { binary_data_size: 16 } },
        { name: 'short', shape: [2], datatype: 'INT16', parameters: { binary_data_size: 4 } },
      ],
    })}${' '.repeat(3)}`;
    const [body, options] = binaryBody(header, [0, 1, 1], [...new Uint8Array(f64.buffer)], [...new Uint8Array(i16.buffer)]);
    expect((options.headerLength as number) % 2).toBe(1);
    const buffer = Buffer.from(body.buffer, 0, body.length);
    const request = parseInferenceRequest(buffer, options);
    const [flags, wide, short] = request.inputs as [Tensor, Tensor, Tensor];
    expect(flags.data).toEqual(new Uint8Array([0, 1, 1]));
    expect(wide.data).toEqual(f64);
    expect(short.data).toEqual(i16);
    for (const t of request.inputs) {
      expect((t.data as Uint8Array).byteOffset).toBe(0);
      expect((t.data as Uint8Array).buffer).not.toBe(body.buffer);
    }
    buffer.fill(0xff);
    expect(wide.data).toEqual(f64);
  });

  test('BYTES binary elements are a 4-byte little-endian length and UTF-8 bytes', () => {
    // '世界' is 6 bytes of UTF-8, '🙂' is 4, 'é' is 2.
    const [body, options] = binaryBody(
      { inputs: [{ name: 's', shape: [3], datatype: 'BYTES', parameters: { binary_data_size: 24 } }] },
      [6, 0, 0, 0, 0xe4, 0xb8, 0x96, 0xe7, 0x95, 0x8c], [4, 0, 0, 0, 0xf0, 0x9f, 0x99, 0x82], [2, 0, 0, 0, 0xc3, 0xa9],
    );
    expect(parseInferenceRequest(body, options).inputs[0]?.data).toEqual(['世界', '🙂', 'é']);
    const encoded = encodeInferenceRequest({ inputs: [{ name: 's', datatype: 'BYTES', shape: [3], data: ['世界', '🙂', 'é'] }], binaryInputs: true });
    expect(encoded.body).toEqual(body);
  });

  test('keeps request and tensor parameters, without binary_data_size', () => {
    const [body, options] = binaryBody({
      parameters: { priority: 1, binary_data_output: true },
      inputs: [{ name: 'x', shape: [1], datatype: 'UINT8', parameters: { binary_data_size: 1, content_type: 'np' } }],
    }, [9]);
    const request = parseInferenceRequest(body, options);
    expect(request.parameters).toEqual({ priority: 1, binary_data_output: true });
    expect(request.binaryOutputs).toBe(true);
    expect(request.outputs).toBeUndefined();
    expect(request.inputs[0]).toEqual({ name: 'x', datatype: 'UINT8', shape: [1], data: new Uint8Array([9]), parameters: { content_type: 'np' } });
  });

  test('accepts a string body with a header length', () => {
    const body = `${JSON.stringify({ inputs: [{ name: 'x', shape: [2], datatype: 'UINT8', parameters: { binary_data_size: 2 } }] })}AB`;
    expect(parseInferenceRequest(body, { headerLength: body.length - 2 }).inputs[0]?.data).toEqual(new Uint8Array([65, 66]));
  });

  test('the default size limit is 6 MiB', () => {
    expect(DEFAULT_MAX_REQUEST_BYTES).toBe(6291456);
  });
});

const json = (request: unknown): string => JSON.stringify(request);
const one = (input: Record<string, unknown>): string => json({ inputs: [{ name: 'x', ...input }] });
const binaryOne = (input: Record<string, unknown>, ...bytes: number[][]): [Uint8Array, ParseOptions] =>
  binaryBody({ inputs: [{ name: 'x', ...input }] }, ...bytes);

type ErrorCase = readonly [string, Uint8Array | string, ParseOptions, InferenceErrorCode, string];

const ERROR_CASES: readonly ErrorCase[] = [
  ['a body over maxBytes', one({ shape: [1], datatype: 'FP32', data: [1] }), { maxBytes: 10 }, 'PAYLOAD_TOO_LARGE', 'more than the limit of 10 bytes'],
  ['truncated JSON', '{"inputs": [', {}, 'INVALID_JSON', 'request body is not valid JSON'],
  ['JSON that is not UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), {}, 'INVALID_JSON', 'request body is not valid UTF-8'],
  ['a JSON header that does not parse', ...binaryBody('{"inputs"', [1]), 'INVALID_JSON', 'request body JSON header is not valid JSON'],
  ['a body that is not an object', '[1, 2]', {}, 'INVALID_REQUEST', 'request body must be a JSON object, got an array of 2'],
  ['no inputs', json({ inputs: [] }), {}, 'INVALID_REQUEST', 'inputs must have at least one tensor'],
  ['a missing inputs array', json({ id: '1' }), {}, 'INVALID_REQUEST', 'inputs is required'],
  ['a negative dimension', one({ shape: [2, -1], datatype: 'FP32', data: [] }), {}, 'INVALID_REQUEST', 'inputs[0].shape[1] must be a non-negative integer, got -1'],
  ['a fractional dimension', one({ shape: [1.5], datatype: 'FP32', data: [] }), {}, 'INVALID_REQUEST', 'inputs[0].shape[0] must be a non-negative integer, got 1.5'],
  ['data that is not an array', one({ shape: [1], datatype: 'FP32', data: 1 }), {}, 'INVALID_REQUEST', 'inputs[0].data must be an array, got 1'],
  ['neither data nor binary_data_size', one({ shape: [1], datatype: 'FP32' }), {}, 'INVALID_REQUEST', 'inputs[0].data is required (or parameters.binary_data_size for binary data)'],
  ['both data and binary_data_size', one({ shape: [1], datatype: 'FP32', data: [1], parameters: { binary_data_size: 4 } }), {}, 'INVALID_REQUEST', 'inputs[0].data must be left out when parameters.binary_data_size is given'],
  ['a numeric id', json({ id: 42, inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] }), {}, 'INVALID_REQUEST', 'id must be a string, got 42'],
  ['an object parameter value', json({ parameters: { a: { b: 1 } }, inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] }), {}, 'INVALID_REQUEST', 'parameters.a must be a string, number or boolean, got an object'],
  ['a non-boolean binary_data', json({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }], outputs: [{ name: 'y', parameters: { binary_data: 'yes' } }] }), {}, 'INVALID_REQUEST', 'outputs[0].parameters.binary_data must be a boolean, got "yes"'],
  ['a duplicate input name', json({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }, { name: 'x', shape: [1], datatype: 'FP32', data: [2] }] }), {}, 'INVALID_REQUEST', 'inputs[1].name "x" is already used by inputs[0]'],
  ['a non-string BYTES element', one({ shape: [2], datatype: 'BYTES', data: ['a', 1] }), {}, 'INVALID_REQUEST', 'inputs[0] ("x").data[1] must be a string for BYTES, got 1'],
  ['a scalar where nested data needs a row', one({ shape: [2, 2], datatype: 'FP32', data: [[1, 2], 3] }), {}, 'INVALID_REQUEST', 'inputs[0] ("x").data[1] must be an array of 2 (dimension 1 of shape [2,2]), got 3'],
  ['an unknown datatype', one({ shape: [1], datatype: 'FLOAT32', data: [1] }), {}, 'INVALID_DATATYPE', 'inputs[0] ("x").datatype must be one of BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BYTES, got "FLOAT32"'],
  ['a lower-case datatype', one({ shape: [1], datatype: 'fp32', data: [1] }), {}, 'INVALID_DATATYPE', 'got "fp32"'],
  ['flat data shorter than the shape', json({ inputs: [{ name: 'features', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6, 7] }] }), {}, 'DATA_LENGTH_MISMATCH', 'inputs[0] ("features").data has 7 elements but shape [2,4] needs 8'],
  ['nested data with a short row', one({ shape: [2, 3], datatype: 'INT32', data: [[1, 2, 3], [4, 5]] }), {}, 'DATA_LENGTH_MISMATCH', 'inputs[0] ("x").data[1] has 2 elements but shape [2,3] needs 3 in dimension 1'],
  ['nested data with too many rows', one({ shape: [1, 2], datatype: 'INT32', data: [[1, 2], [3, 4]] }), {}, 'DATA_LENGTH_MISMATCH', 'inputs[0] ("x").data has 2 elements but shape [1,2] needs 1 in dimension 0'],
  ['a huge shape with a little nested data', one({ shape: [1, 1e12], datatype: 'FP64', data: [[1]] }), {}, 'DATA_LENGTH_MISMATCH', 'data[0] has 1 element but shape [1,1000000000000] needs 1000000000000 in dimension 1'],
  ['a string in an FP32 tensor', one({ shape: [2], datatype: 'FP32', data: [1, '2'] }), {}, 'NON_NUMERIC_DATA', 'inputs[0] ("x").data[1] must be a number for FP32, got "2"'],
  ['null in an FP64 tensor', one({ shape: [1], datatype: 'FP64', data: [null] }), {}, 'NON_NUMERIC_DATA', 'data[0] must be a number for FP64, got null'],
  ['an object in an INT32 tensor', one({ shape: [1], datatype: 'INT32', data: [{}] }), {}, 'NON_NUMERIC_DATA', 'data[0] must be a number for INT32, got an object'],
  ['a boolean in an INT8 tensor', one({ shape: [1], datatype: 'INT8', data: [true] }), {}, 'NON_NUMERIC_DATA', 'data[0] must be a number for INT8, got true'],
  ['a string in an INT64 tensor', one({ shape: [1], datatype: 'INT64', data: ['9007199254740993'] }), {}, 'NON_NUMERIC_DATA', 'must be a number for INT64'],
  ['a string in an FP16 tensor', one({ shape: [1], datatype: 'FP16', data: ['1'] }), {}, 'NON_NUMERIC_DATA', 'must be a number for FP16'],
  ['a string in a BOOL tensor', one({ shape: [1], datatype: 'BOOL', data: ['true'] }), {}, 'NON_NUMERIC_DATA', 'data[0] must be true, false, 0 or 1 for BOOL, got "true"'],
  ['an array nested deeper than the shape', one({ shape: [2], datatype: 'FP32', data: [1, [2]] }), {}, 'NON_NUMERIC_DATA', 'data[1] must be a number for FP32, got an array of 1'],
  ['a nested element path', one({ shape: [2, 2], datatype: 'FP32', data: [[1, 2], [3, 'x']] }), {}, 'NON_NUMERIC_DATA', 'inputs[0] ("x").data[1][1] must be a number for FP32'],
  ['256 in a UINT8 tensor', one({ shape: [1], datatype: 'UINT8', data: [256] }), {}, 'VALUE_OUT_OF_RANGE', 'data[0] must be an integer from 0 to 255 for UINT8, got 256'],
  ['-129 in an INT8 tensor', one({ shape: [1], datatype: 'INT8', data: [-129] }), {}, 'VALUE_OUT_OF_RANGE', 'must be an integer from -128 to 127 for INT8, got -129'],
  ['1.5 in an INT32 tensor', one({ shape: [1], datatype: 'INT32', data: [1.5] }), {}, 'VALUE_OUT_OF_RANGE', 'must be an integer from -2147483648 to 2147483647 for INT32, got 1.5'],
  ['2^32 in a UINT32 tensor', one({ shape: [1], datatype: 'UINT32', data: [4294967296] }), {}, 'VALUE_OUT_OF_RANGE', 'for UINT32, got 4294967296'],
  ['-1 in a UINT64 tensor', one({ shape: [1], datatype: 'UINT64', data: [-1] }), {}, 'VALUE_OUT_OF_RANGE', 'must be an integer from 0 to 9007199254740991 for UINT64 in JSON (send larger values as binary data), got -1'],
  ['2^53 in an INT64 tensor', one({ shape: [1], datatype: 'INT64', data: [9007199254740992] }), {}, 'VALUE_OUT_OF_RANGE', 'for INT64 in JSON (send larger values as binary data), got 9007199254740992'],
  ['1e39 in an FP32 tensor', one({ shape: [1], datatype: 'FP32', data: [1e39] }), {}, 'VALUE_OUT_OF_RANGE', 'data[0] is out of range for FP32 (largest finite value 3.4028234663852886e+38), got 1e+39'],
  ['65520 in an FP16 tensor', one({ shape: [1], datatype: 'FP16', data: [65520] }), {}, 'VALUE_OUT_OF_RANGE', 'data[0] is out of range for FP16 (largest finite value 65504), got 65520'],
  ['2 in a BOOL tensor', one({ shape: [1], datatype: 'BOOL', data: [2] }), {}, 'VALUE_OUT_OF_RANGE', 'data[0] must be true, false, 0 or 1 for BOOL, got 2'],
  ['binary_data_size without a header length', one({ shape: [1], datatype: 'UINT8', parameters: { binary_data_size: 1 } }), {}, 'INVALID_BINARY_DATA', 'inputs[0] ("x") has parameters.binary_data_size but the body has no Inference-Header-Content-Length'],
  ['a header length beyond the body', '{}', { headerLength: 3 }, 'INVALID_BINARY_DATA', 'the Inference-Header-Content-Length header must be an integer from 1 to the body size 2, got 3'],
  ['a header length of zero', '{}', { headerLength: 0 }, 'INVALID_BINARY_DATA', 'got 0'],
  ['sizes that do not add up to the binary section', ...binaryOne({ shape: [2], datatype: 'UINT8', parameters: { binary_data_size: 2 } }, [1, 2, 3]), 'INVALID_BINARY_DATA', 'the body has 3 bytes after the JSON header but the inputs\' parameters.binary_data_size add up to 2'],
  ['bytes after a JSON-only header', ...binaryOne({ shape: [1], datatype: 'UINT8', data: [1] }, [1]), 'INVALID_BINARY_DATA', 'the body has 1 byte after the JSON header but the inputs\' parameters.binary_data_size add up to 0'],
  ['a size that does not match the shape', ...binaryOne({ shape: [2, 2], datatype: 'UINT32', parameters: { binary_data_size: 15 } }, new Array<number>(15).fill(0)), 'INVALID_BINARY_DATA', 'inputs[0] ("x").parameters.binary_data_size is 15 but shape [2,2] of UINT32 needs 16 bytes'],
  ['a BOOL byte other than 0 or 1', ...binaryOne({ shape: [3], datatype: 'BOOL', parameters: { binary_data_size: 3 } }, [1, 0, 7]), 'INVALID_BINARY_DATA', 'inputs[0] ("x") element 2 is byte 7 but BOOL elements must be 0 or 1'],
  ['a truncated BYTES length prefix', ...binaryOne({ shape: [2], datatype: 'BYTES', parameters: { binary_data_size: 7 } }, [1, 0, 0, 0, 97, 1, 0]), 'INVALID_BINARY_DATA', 'inputs[0] ("x") element 1 has a truncated 4-byte length prefix at byte 5 of 7'],
  ['a BYTES length beyond the data', ...binaryOne({ shape: [1], datatype: 'BYTES', parameters: { binary_data_size: 6 } }, [9, 0, 0, 0, 97, 98]), 'INVALID_BINARY_DATA', 'inputs[0] ("x") element 0 declares 9 bytes but only 2 remain'],
  ['too few BYTES elements', ...binaryOne({ shape: [2], datatype: 'BYTES', parameters: { binary_data_size: 5 } }, [1, 0, 0, 0, 97]), 'INVALID_BINARY_DATA', 'inputs[0] ("x") has 1 BYTES element but shape [2] needs 2'],
  ['too many BYTES elements', ...binaryOne({ shape: [1], datatype: 'BYTES', parameters: { binary_data_size: 10 } }, [1, 0, 0, 0, 97, 1, 0, 0, 0, 98]), 'INVALID_BINARY_DATA', 'inputs[0] ("x") has 5 bytes left after the 1 BYTES element shape [1] needs'],
  ['a BYTES element that is not UTF-8', ...binaryOne({ shape: [1], datatype: 'BYTES', parameters: { binary_data_size: 6 } }, [2, 0, 0, 0, 0xc3, 0x28]), 'INVALID_BINARY_DATA', 'inputs[0] ("x") element 0 is not valid UTF-8'],
];

describe('parseInferenceRequest: fails with a stable code, status and message', () => {
  test.each(ERROR_CASES)('fails on %s', (_name, body, options, code, phrase) => {
    const e = errorOf(() => parseInferenceRequest(body, options));
    expect(e.code).toBe(code);
    expect(e.status).toBe(code === 'PAYLOAD_TOO_LARGE' ? 413 : 400);
    expect(e.message).toContain(phrase);
    expect(e.message).toMatch(/^[a-zA-Z]/);
    expect(e.message).not.toMatch(/^[A-Z][a-z]/);
    expect(e.message).not.toMatch(/\.$/);
    expect(e.toBody()).toEqual({ error: e.message, code });
  });

  test('every code parse can raise has a case', () => {
    expect(new Set(ERROR_CASES.map((c) => c[3]))).toEqual(new Set([
      'PAYLOAD_TOO_LARGE', 'INVALID_JSON', 'INVALID_REQUEST', 'INVALID_DATATYPE', 'DATA_LENGTH_MISMATCH',
      'NON_NUMERIC_DATA', 'VALUE_OUT_OF_RANGE', 'INVALID_BINARY_DATA',
    ]));
  });

  test('lists every schema issue in one message (cross-field checks run once the fields are valid)', () => {
    const e = errorOf(() => parseInferenceRequest(json({
      id: 7,
      inputs: [{ name: 'x', shape: [-1], datatype: 'FP32', data: [] }, { shape: [1] }],
    })));
    expect(e.code).toBe(InferenceErrorCode.INVALID_REQUEST);
    expect(e.message.split('; ')).toEqual([
      'id must be a string, got 7',
      'inputs[0].shape[0] must be a non-negative integer, got -1',
      'inputs[1].name is required (expected string)',
      'inputs[1].datatype is required (expected string)',
    ]);
  });

  test('toBody carries the message and code, never a stack trace', () => {
    const e = errorOf(() => parseInferenceRequest(one({ shape: [3], datatype: 'FP32', data: [1, 'a', 'b'] })));
    expect(JSON.stringify(e.toBody())).not.toContain(' at ');
  });
});

describe('swapBytesInPlace (the big-endian host path)', () => {
  test.each([
    [2, [1, 2, 3, 4], [2, 1, 4, 3]],
    [4, [1, 2, 3, 4, 5, 6, 7, 8], [4, 3, 2, 1, 8, 7, 6, 5]],
    [8, [1, 2, 3, 4, 5, 6, 7, 8], [8, 7, 6, 5, 4, 3, 2, 1]],
    [1, [1, 2], [1, 2]],
  ])('width %d', (width, bytes, swapped) => {
    const a = new Uint8Array(bytes);
    swapBytesInPlace(a, width);
    expect([...a]).toEqual(swapped);
  });
});
