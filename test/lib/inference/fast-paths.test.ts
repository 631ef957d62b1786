/**
 * The warm-path shortcuts of the protocol library, each against the path it shortcuts:
 * the hand-written envelope check against the zod schema (`validate: 'full'`), binary
 * views (`copyBinary: false`) against copies, and trusted response encoding against the
 * checked one (and against the former `JSON.stringify` encoder, kept here as a reference).
 */
import type { Datatype, TensorData } from '../../../lib/inference/datatype';
import { InferenceError, InferenceErrorCode } from '../../../lib/inference/inference-error';
import { HOST_LITTLE_ENDIAN, readBinaryData, writeBinaryData } from '../../../lib/inference/private/binary-data';
import { assembleBody } from '../../../lib/inference/private/body';
import { writeJsonData } from '../../../lib/inference/private/json-data';
import { isCommonRequest, parseInferenceRequest, type InferenceRequest, type ParseOptions } from '../../../lib/inference/request';
import { encodeInferenceRequest } from '../../../lib/inference/request-encode';
import { encodeInferenceResponse, type EncodedResponse, type InferenceResponse } from '../../../lib/inference/response';
import type { Tensor } from '../../../lib/inference/tensor';
import { inferenceErrorOf as errorOf } from '../../support/errors';
import { SAMPLES as DATATYPE_SAMPLES } from '../../support/inference-samples';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** One tensor per datatype, and a scalar. */
const SAMPLES: readonly Tensor[] = [
  ...DATATYPE_SAMPLES,
  { name: 'scalar', datatype: 'FP32', shape: [], data: new Float32Array([42]) },
  { name: 'empty', datatype: 'INT32', shape: [0, 3], data: new Int32Array(0) },
];
const FIXED = SAMPLES.filter((t) => t.datatype !== 'BYTES');

const WIDTH: Readonly<Record<Exclude<Datatype, 'BYTES'>, number>> = {
  BOOL: 1, UINT8: 1, INT8: 1, UINT16: 2, INT16: 2, FP16: 2, UINT32: 4, INT32: 4, FP32: 4, UINT64: 8, INT64: 8, FP64: 8,
};

function storageName(data: TensorData): string {
  return Object.prototype.toString.call(data).slice(8, -1);
}

type Outcome = { readonly ok: true; readonly request: InferenceRequest } | { readonly ok: false; readonly code: string; readonly message: string };

/** What parsing does with `validate` set: the request, or the error's code and message. */
function outcome(body: Uint8Array | string, options: ParseOptions, validate: 'auto' | 'full'): Outcome {
  try {
    return { ok: true, request: parseInferenceRequest(body, { ...options, validate }) };
  } catch (e) {
    if (!InferenceError.isInferenceError(e)) throw e;
    return { ok: false, code: e.code, message: e.message };
  }
}

/** A body of `header` (JSON text, padded with `pad` spaces) then `binary`, in a buffer of its own at `offset`. */
function bodyOf(header: string, binary: Uint8Array, pad = 0, offset = 0): [Uint8Array, ParseOptions] {
  const head = utf8(header + ' '.repeat(pad));
  const buffer = new ArrayBuffer(offset + head.length + binary.length + 8);
  const body = new Uint8Array(buffer, offset, head.length + binary.length);
  body.set(head);
  body.set(binary, head.length);
  return [body, { headerLength: head.length }];
}

/** The binary request of `tensors`, its header padded so the binary section starts at an offset ≡ `residue` (mod 8) of its buffer. */
function binaryRequest(tensors: readonly Tensor[], residue: number, offset = 0): [Uint8Array, ParseOptions] {
  const encoded = encodeInferenceRequest({ inputs: tensors, binaryInputs: true });
  const header = text(encoded.body.subarray(0, encoded.headerLength));
  const pad = (((residue - offset - utf8(header).length) % 8) + 8) % 8;
  return bodyOf(header, encoded.body.subarray(encoded.headerLength), pad, offset);
}

describe('parseInferenceRequest: the hand-written envelope check', () => {
  const VALID: readonly (readonly [string, Uint8Array | string, ParseOptions])[] = [
    ['the specification example (three BOOL elements)', JSON.stringify({
      id: '42',
      inputs: [
        { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 3, 4] },
        { name: 'input1', shape: [3], datatype: 'BOOL', data: [true, false, true] },
      ],
      outputs: [{ name: 'output0' }],
    }), {}],
    ...SAMPLES.map((t) => [`JSON ${t.name}`, encodeInferenceRequest({ inputs: [t] }).body, {}] as const),
    ...SAMPLES.map((t) => {
      const e = encodeInferenceRequest({ inputs: [t], binaryInputs: true, binaryOutputs: true, outputs: [{ name: 'a', binary: false }, { name: 'b', binary: true }] });
      return [`binary ${t.name}`, e.body, { headerLength: e.headerLength }] as const;
    }),
    ['every datatype in one binary request', ...((): [Uint8Array, ParseOptions] => {
      const e = encodeInferenceRequest({ id: 'all', inputs: SAMPLES, binaryInputs: true });
      return [e.body, { headerLength: e.headerLength }];
    })()],
    ['nested data', JSON.stringify({ inputs: [{ name: 'm', shape: [2, 2, 1], datatype: 'INT32', data: [[[1], [2]], [[4], [5]]] }] }), {}],
    ['request, tensor and output parameters of every value type', JSON.stringify({
      id: '',
      parameters: { priority: 1, tag: 'a', flag: false, ratio: -0.5, binary_data_output: true },
      inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1], parameters: { content_type: 'np', n: 0, b: true } }],
      outputs: [{ name: 'y', parameters: { binary_data: false, extra: 'x' } }, { name: 'z', parameters: {} }],
    }), {}],
    ['binary data with other tensor parameters', ...bodyOf(JSON.stringify({
      inputs: [{ name: 'x', shape: [2], datatype: 'UINT8', parameters: { content_type: 'np', binary_data_size: 2 } }],
    }), new Uint8Array([1, 2]))],
    ['an empty outputs list', JSON.stringify({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }], outputs: [] }), {}],
    ['names with quotes and non-ASCII', JSON.stringify({ inputs: [{ name: 'x "1"', shape: [1], datatype: 'BYTES', data: ['a'] }, { name: '世界', shape: [1], datatype: 'BYTES', data: ['b'] }] }), {}],
    ['many inputs (the Set path of the name check)', JSON.stringify({ inputs: Array.from({ length: 20 }, (_, i) => ({ name: `x${i}`, shape: [1], datatype: 'INT8', data: [i] })) }), {}],
  ];

  test.each(VALID)('takes the fast path and parses like the schema: %s', (_name, body, options) => {
    const json = JSON.parse(typeof body === 'string' ? body : text(body.subarray(0, options.headerLength ?? body.length)));
    expect(isCommonRequest(json)).toBe(true);
    const fast = parseInferenceRequest(body, options);
    const full = parseInferenceRequest(body, { ...options, validate: 'full' });
    expect(fast).toEqual(full);
    fast.inputs.forEach((t, i) => expect(storageName(t.data)).toBe(storageName(full.inputs[i]!.data)));
  });

  const UNUSUAL: readonly (readonly [string, string, boolean])[] = [
    // [name, body, whether the schema accepts the envelope]
    ['a key the schema ignores (Triton\'s model_name)', JSON.stringify({ model_name: 'm', inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] }), true],
    ['an extra tensor key', JSON.stringify({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1], contents: {} }] }), true],
    ['an extra output key', JSON.stringify({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }], outputs: [{ name: 'y', shape: [1] }] }), true],
    ['an unknown datatype (INVALID_DATATYPE later)', JSON.stringify({ inputs: [{ name: 'x', shape: [1], datatype: 'F32', data: [1] }] }), true],
    ['a __proto__ parameter', '{"parameters":{"__proto__":1,"a":2},"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1],"parameters":{"__proto__":"p"}}]}', true],
    ['a duplicate input name', JSON.stringify({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }, { name: 'x', shape: [1], datatype: 'FP32', data: [1] }] }), false],
    ['a duplicate output name', JSON.stringify({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }], outputs: [{ name: 'y' }, { name: 'y' }] }), false],
    ['both data and binary_data_size', JSON.stringify({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1], parameters: { binary_data_size: 4 } }] }), false],
    ['a dimension beyond 2^53', JSON.stringify({ inputs: [{ name: 'x', shape: [2 ** 53], datatype: 'FP32', data: [] }] }), false],
  ];

  test.each(UNUSUAL)('leaves %s to the schema, with the same outcome', (_name, body, schemaAccepts) => {
    expect(isCommonRequest(JSON.parse(body))).toBe(false);
    const fast = outcome(body, {}, 'auto');
    expect(fast).toEqual(outcome(body, {}, 'full'));
    expect(fast.ok || fast.code !== InferenceErrorCode.INVALID_REQUEST).toBe(schemaAccepts);
  });

  /** Sets (or with `DELETE`, removes) `path` in a deep copy of `value`, as an own property even for `__proto__`. */
  const DELETE = Symbol('delete');
  function mutate(value: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
    const copy = JSON.parse(JSON.stringify(value)) as unknown;
    if (path.length === 0) return replacement === DELETE ? undefined : replacement;
    let parent = copy as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) {
      const next = parent[key];
      if (typeof next !== 'object' || next === null) return undefined;
      parent = next as Record<string | number, unknown>;
    }
    const last = path[path.length - 1]!;
    if (replacement === DELETE) {
      delete parent[last];
    } else {
      Object.defineProperty(parent, last, { value: replacement, enumerable: true, writable: true, configurable: true });
    }
    return copy;
  }

  const VALUES: readonly unknown[] = [
    DELETE, null, true, false, 0, -0, 1, -1, 1.5, 2 ** 53 - 1, 2 ** 53, 1e300, '', 'x', 'FP32', [], [1], [-1], ['a'], {}, { a: 1 }, { binary_data_size: 8 },
  ];

  test.each([
    ['a JSON request', {
      id: 'r',
      parameters: { binary_data_output: false, p: 1 },
      inputs: [{ name: 'x', shape: [2], datatype: 'FP32', data: [1, 2], parameters: { q: 's' } }, { name: 'w', shape: [1], datatype: 'INT8', data: [3] }],
      outputs: [{ name: 'y', parameters: { binary_data: true, r: true } }],
    }, undefined],
    ['a binary request', {
      inputs: [{ name: 'x', shape: [2], datatype: 'FP32', parameters: { binary_data_size: 8 } }],
      outputs: [{ name: 'y' }],
    }, new Uint8Array(new Float32Array([1, 2]).buffer)],
  ] as const)('mutations of %s: same outcome either way, and the fast path only on what the schema accepts', (_name, base, binary) => {
    const paths: (string | number)[][] = [
      [], ['id'], ['parameters'], ['parameters', 'binary_data_output'], ['parameters', 'p'], ['parameters', '__proto__'], ['extra'],
      ['inputs'], ['inputs', 0], ['inputs', 1], ['inputs', 0, 'name'], ['inputs', 0, 'shape'], ['inputs', 0, 'shape', 0], ['inputs', 0, 'shape', 1],
      ['inputs', 0, 'datatype'], ['inputs', 0, 'data'], ['inputs', 0, 'parameters'], ['inputs', 0, 'parameters', 'q'],
      ['inputs', 0, 'parameters', 'binary_data_size'], ['inputs', 0, 'parameters', '__proto__'], ['inputs', 0, 'extra'],
      ['outputs'], ['outputs', 0], ['outputs', 1], ['outputs', 0, 'name'], ['outputs', 0, 'parameters'],
      ['outputs', 0, 'parameters', 'binary_data'], ['outputs', 0, 'parameters', 'r'], ['outputs', 0, 'extra'],
    ];
    const mismatches: string[] = [];
    let fastCount = 0;
    let cases = 0;
    for (const path of paths) {
      for (const value of VALUES) {
        const request = mutate(base, path, value);
        if (request === undefined) continue;
        cases++;
        const header = JSON.stringify(request);
        const [body, options]: [Uint8Array | string, ParseOptions] = binary ? bodyOf(header, binary) : [header, {}];
        const fast = outcome(body, options, 'auto');
        const full = outcome(body, options, 'full');
        const where = `${path.join('.') || '(root)'} = ${value === DELETE ? '(deleted)' : JSON.stringify(value)}`;
        try {
          expect(fast).toEqual(full);
        } catch {
          mismatches.push(`${where}: ${JSON.stringify(fast)} vs ${JSON.stringify(full)}`);
        }
        if (isCommonRequest(JSON.parse(header))) {
          fastCount++;
          if (!full.ok && full.code === InferenceErrorCode.INVALID_REQUEST) {
            mismatches.push(`${where}: the fast check passed an envelope the schema refuses (${full.message})`);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    // Enough of each kind for the comparison to mean something.
    expect(cases).toBeGreaterThan(500);
    expect(fastCount).toBeGreaterThan(50);
    expect(cases - fastCount).toBeGreaterThan(300);
  });

  test('invalid envelopes get the schema\'s codes and messages', () => {
    const cases = [
      [JSON.stringify({ inputs: [] }), 'inputs must have at least one tensor'],
      [JSON.stringify({ id: 42, inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] }), 'id must be a string, got 42'],
      [JSON.stringify({ inputs: [{ name: 'x', shape: [2, -1], datatype: 'FP32', data: [] }] }), 'inputs[0].shape[1] must be a non-negative integer, got -1'],
      [JSON.stringify({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32' }] }), 'inputs[0].data is required (or parameters.binary_data_size for binary data)'],
      [JSON.stringify({ parameters: { a: { b: 1 } }, inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] }), 'parameters.a must be a string, number or boolean, got an object'],
      [JSON.stringify({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }], outputs: [{ name: 'y', parameters: { binary_data: 'yes' } }] }), 'outputs[0].parameters.binary_data must be a boolean, got "yes"'],
      [JSON.stringify({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }, { name: 'x', shape: [1], datatype: 'FP32', data: [2] }] }), 'inputs[1].name "x" is already used by inputs[0]'],
      [JSON.stringify({ inputs: [{ name: '', shape: [1], datatype: 'FP32', data: [1] }] }), 'inputs[0].name must not be empty'],
    ] as const;
    for (const [body, phrase] of cases) {
      expect(isCommonRequest(JSON.parse(body))).toBe(false);
      const e = errorOf(() => parseInferenceRequest(body));
      expect(e.code).toBe(InferenceErrorCode.INVALID_REQUEST);
      expect(e.message).toContain(phrase);
      expect(e.message).toBe(errorOf(() => parseInferenceRequest(body, { validate: 'full' })).message);
    }
  });
});

describe('parseInferenceRequest: binary views with copyBinary: false', () => {
  const hostLE = HOST_LITTLE_ENDIAN ? test : test.skip;

  hostLE.each(FIXED.map((t) => [t.name, t] as const))('%s at an aligned offset is a view of the body', (_name, tensor) => {
    const [body, options] = binaryRequest([tensor], 0);
    const data = parseInferenceRequest(body, { ...options, copyBinary: false }).inputs[0]!.data as Exclude<TensorData, string[]>;
    expect(data).toEqual(tensor.data);
    expect(storageName(data)).toBe(storageName(tensor.data));
    expect(data.buffer).toBe(body.buffer);
    expect(data.byteOffset).toBe(body.byteOffset + (options.headerLength as number));
    // A view: changing the body changes the tensor.
    if (data.length > 0) {
      body.fill(1, options.headerLength);
      expect(data).not.toEqual(tensor.data);
    }
  });

  test.each(FIXED.map((t) => [t.name, t] as const))('%s is copied by default, even when aligned', (_name, tensor) => {
    const [body, options] = binaryRequest([tensor], 0);
    const data = parseInferenceRequest(body, options).inputs[0]!.data as Exclude<TensorData, string[]>;
    expect(data).toEqual(tensor.data);
    expect(data.buffer).not.toBe(body.buffer);
    expect(data.byteOffset).toBe(0);
    body.fill(1, options.headerLength);
    expect(data).toEqual(tensor.data);
  });

  test.each(FIXED.map((t) => [t.name, t] as const))('%s at an odd offset is copied unless its elements are single bytes', (_name, tensor) => {
    const [body, options] = binaryRequest([tensor], 1);
    const data = parseInferenceRequest(body, { ...options, copyBinary: false }).inputs[0]!.data as Exclude<TensorData, string[]>;
    expect(data).toEqual(tensor.data);
    expect(storageName(data)).toBe(storageName(tensor.data));
    const width = WIDTH[tensor.datatype as Exclude<Datatype, 'BYTES'>];
    if (width === 1 && HOST_LITTLE_ENDIAN) {
      expect(data.buffer).toBe(body.buffer);
    } else {
      expect(data.buffer).not.toBe(body.buffer);
      expect(data.byteOffset).toBe(0);
      body.fill(1, options.headerLength);
      expect(data).toEqual(tensor.data);
    }
  });

  hostLE('alignment is judged on the offset in the body\'s buffer, tensor by tensor', () => {
    const fp32: Tensor = { name: 'a', datatype: 'FP32', shape: [2], data: new Float32Array([1.5, -2]) };
    const fp64: Tensor = { name: 'b', datatype: 'FP64', shape: [1], data: new Float64Array([Math.E]) };
    const i16: Tensor = { name: 'c', datatype: 'INT16', shape: [3], data: new Int16Array([1, -2, 3]) };
    const u8: Tensor = { name: 'd', datatype: 'UINT8', shape: [1], data: new Uint8Array([9]) };
    // A body 4 bytes into its buffer (like a Buffer from Node's pool), binary section at offset 4 (mod 8) of the buffer:
    // fp32 at 4 (aligned), fp64 at 12 (not), i16 at 20 (aligned), u8 at 26.
    const [body, options] = binaryRequest([fp32, fp64, i16, u8], 4, 4);
    expect(body.byteOffset).toBe(4);
    const [a, b, c, d] = parseInferenceRequest(body, { ...options, copyBinary: false }).inputs.map((t) => t.data as Exclude<TensorData, string[]>);
    expect([a, b, c, d]).toEqual([fp32.data, fp64.data, i16.data, u8.data]);
    expect([a!.buffer === body.buffer, b!.buffer === body.buffer, c!.buffer === body.buffer, d!.buffer === body.buffer]).toEqual([true, false, true, true]);
  });

  test('BYTES tensors are decoded strings either way', () => {
    const tensor = SAMPLES.find((t) => t.datatype === 'BYTES')!;
    const [body, options] = binaryRequest([tensor], 0);
    expect(parseInferenceRequest(body, { ...options, copyBinary: false }).inputs[0]!.data).toEqual(tensor.data);
  });

  test('BOOL views are checked like copies', () => {
    const [body, options] = bodyOf(JSON.stringify({ inputs: [{ name: 'x', shape: [3], datatype: 'BOOL', parameters: { binary_data_size: 3 } }] }), new Uint8Array([1, 0, 7]));
    const copied = errorOf(() => parseInferenceRequest(body, options));
    const viewed = errorOf(() => parseInferenceRequest(body, { ...options, copyBinary: false }));
    expect(viewed.code).toBe(InferenceErrorCode.INVALID_BINARY_DATA);
    expect(viewed.message).toBe('inputs[0] ("x") element 2 is byte 7 but BOOL elements must be 0 or 1');
    expect(viewed.message).toBe(copied.message);
  });

  test('size errors are the same either way', () => {
    const [body, options] = bodyOf(JSON.stringify({ inputs: [{ name: 'x', shape: [2, 2], datatype: 'UINT32', parameters: { binary_data_size: 12 } }] }), new Uint8Array(12), 1);
    expect(errorOf(() => parseInferenceRequest(body, { ...options, copyBinary: false })).message)
      .toBe('inputs[0] ("x").parameters.binary_data_size is 12 but shape [2,2] of UINT32 needs 16 bytes');
  });

  test('readBinaryData: a view for aligned segments only when asked, a copy otherwise', () => {
    const buffer = new ArrayBuffer(24);
    new Float32Array(buffer).set([1, 2, 3, 4, 5, 6]);
    const bytes = new Uint8Array(buffer);
    const aligned = readBinaryData('FP32', [2], bytes.subarray(8, 16), 'x', false) as Float32Array;
    expect(aligned).toEqual(new Float32Array([3, 4]));
    expect(aligned.buffer === buffer).toBe(HOST_LITTLE_ENDIAN);
    const unaligned = readBinaryData('UINT16', [2], bytes.subarray(9, 13), 'x', false) as Uint16Array;
    expect(unaligned.buffer).not.toBe(buffer);
    expect(unaligned).toEqual(new Uint16Array(bytes.slice(9, 13).buffer));
    expect((readBinaryData('FP32', [2], bytes.subarray(8, 16), 'x') as Float32Array).buffer).not.toBe(buffer);
  });
});

/** The response encoder as it was before the trusted path, built with `JSON.stringify` and spreads: the reference for the bytes. */
function referenceEncode(response: InferenceResponse, binary: (name: string) => boolean): EncodedResponse {
  const withoutBinarySize = (parameters: Record<string, unknown> | undefined): Record<string, unknown> | undefined => {
    if (parameters === undefined) return undefined;
    const { binary_data_size: _dropped, ...rest } = parameters;
    return Object.keys(rest).length > 0 ? rest : undefined;
  };
  const tensorJson = (tensor: Tensor, binarySize: number | undefined): string => {
    const parameters = { ...withoutBinarySize(tensor.parameters), ...(binarySize === undefined ? {} : { binary_data_size: binarySize }) };
    const head = JSON.stringify({
      name: tensor.name,
      shape: tensor.shape,
      datatype: tensor.datatype,
      ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
    });
    return binarySize === undefined ? `${head.slice(0, -1)},"data":${writeJsonData(tensor.datatype, tensor.data)}}` : head;
  };
  const parts: Uint8Array[] = [];
  const outputs = response.outputs.map((tensor) => {
    if (binary(tensor.name)) {
      const bytes = writeBinaryData(tensor.datatype, tensor.data);
      parts.push(bytes);
      return tensorJson(tensor, bytes.length);
    }
    return tensorJson(tensor, undefined);
  });
  const envelope = JSON.stringify({
    model_name: response.model_name,
    ...(response.model_version !== undefined ? { model_version: response.model_version } : {}),
    ...(response.id !== undefined ? { id: response.id } : {}),
    ...(response.parameters !== undefined ? { parameters: response.parameters } : {}),
  });
  const { body, headerLength } = assembleBody(`${envelope.slice(0, -1)},"outputs":[${outputs.join(',')}]}`, parts);
  return headerLength === undefined ? { body, contentType: 'application/json' } : { body, contentType: 'application/octet-stream', headerLength };
}

describe('encodeInferenceResponse: trusted encoding', () => {
  const WITH_PARAMETERS: readonly Tensor[] = [
    { name: 'p1', datatype: 'INT8', shape: [1], data: new Int8Array([5]), parameters: { content_type: 'np' } },
    { name: 'p2', datatype: 'FP32', shape: [1], data: new Float32Array([0.5]), parameters: { content_type: 'np', binary_data_size: 99 } },
    { name: 'p3', datatype: 'UINT8', shape: [1], data: new Uint8Array([1]), parameters: { binary_data_size: 99 } },
    { name: 'p4', datatype: 'UINT8', shape: [1], data: new Uint8Array([1]), parameters: {} },
  ];
  const SPECIAL: readonly Tensor[] = [
    { name: 'i64-full', datatype: 'INT64', shape: [2], data: new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]) },
    { name: 'fp32-special', datatype: 'FP32', shape: [4], data: new Float32Array([NaN, Infinity, -Infinity, -0]) },
    { name: 'escapes "\\\n\u2028', datatype: 'BYTES', shape: [2], data: ['"\\\n', '\u0000\ud800'] },
  ];
  const ALL = [...SAMPLES, ...WITH_PARAMETERS, ...SPECIAL];
  const envelopes: readonly Omit<InferenceResponse, 'outputs'>[] = [
    { model_name: 'm' },
    { model_name: 'mlp "v2"', model_version: '7', id: 'req-1' },
    { model_name: 'm', id: '' },
    { model_name: 'm', model_version: '1', id: '9', parameters: { a: 1, b: 'x', c: true } },
  ];
  const selections: readonly (readonly [string, (name: string, i: number) => boolean])[] = [
    ['no binary outputs', () => false],
    ['all binary outputs', () => true],
    ['every other output binary', (_name, i) => i % 2 === 0],
  ];

  test.each(selections)('is byte for byte the checked encoding and the reference encoding: %s', (_label, select) => {
    for (const envelope of envelopes) {
      for (const outputs of [ALL, [ALL[10]!], []]) {
        const response: InferenceResponse = { ...envelope, outputs: [...outputs] };
        const binary = (name: string) => select(name, outputs.findIndex((t) => t.name === name));
        const checked = encodeInferenceResponse(response, binary);
        const trusted = encodeInferenceResponse(response, binary, { trusted: true });
        const reference = referenceEncode(response, binary);
        expect(text(trusted.body)).toBe(text(checked.body));
        expect(Buffer.from(trusted.body).equals(Buffer.from(checked.body))).toBe(true);
        expect(Buffer.from(checked.body).equals(Buffer.from(reference.body))).toBe(true);
        expect([trusted.contentType, trusted.headerLength]).toEqual([reference.contentType, reference.headerLength]);
        expect([checked.contentType, checked.headerLength]).toEqual([reference.contentType, reference.headerLength]);
      }
    }
  });

  test('skips the output check: only the checked encoding refuses a malformed output', () => {
    const bad: Tensor = { name: 'y', datatype: 'UINT8', shape: [2, 2], data: new Uint8Array(3) };
    const e = errorOf(() => encodeInferenceResponse({ model_name: 'm', outputs: [bad] }, () => false));
    expect(e.code).toBe(InferenceErrorCode.MODEL_ERROR);
    expect(e.message).toBe('outputs[0] ("y") data has 3 elements but shape [2,2] needs 4');
    expect(() => encodeInferenceResponse({ model_name: 'm', outputs: [bad] }, () => false, { trusted: true })).not.toThrow();
  });
});
