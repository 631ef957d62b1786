/**
 * Conformance: every committed model (made with python3-onnx) answers Open Inference
 * Protocol requests with numpy's results, in JSON and in the binary extension; and every
 * error code the predictor raises, with its HTTP status.
 */
import * as path from 'node:path';
import { decodeInferenceResponse, encodeInferenceRequest, encodeInferenceResponse, InferenceError, type Datatype } from '../../../lib/inference';
import { createPredictor, type Predictor } from '../../../lambda/onnx-inference/predictor';
import { expectClose, ONNX_FIXTURES, plain, REFERENCE_CASES, toTensor } from '../../support/onnx-fixtures';

const predictors = new Map<string, Predictor>();
async function predictor(model: string): Promise<Predictor> {
  let p = predictors.get(model);
  if (!p) {
    p = await createPredictor({ modelPath: path.join(ONNX_FIXTURES, model), version: '7' });
    predictors.set(model, p);
  }
  return p;
}
afterAll(async () => {
  for (const p of predictors.values()) await p.release();
});

const caseName = (c: (typeof REFERENCE_CASES)[number]) => `${c.model} batch ${Object.values(c.inputs)[0]!.shape[0]}`;

describe.each(REFERENCE_CASES.map((c) => [caseName(c), c] as const))('%s', (_name, c) => {
  test('JSON request object in, JSON response object out, equal to numpy', async () => {
    const p = await predictor(c.model);
    const request = {
      id: 'case-1',
      inputs: Object.entries(c.inputs).map(([name, t]) => ({ name, datatype: t.datatype, shape: t.shape, data: t.data })),
    };
    const response = await p.infer(request) as { model_name: string; model_version: string; id: string; outputs: Array<{ name: string; datatype: Datatype; shape: number[]; data: unknown[] }> };
    expect(response.model_name).toBe(c.model.replace(/\.onnx$/, ''));
    expect(response.model_version).toBe('7');
    expect(response.id).toBe('case-1');
    for (const [name, ref] of Object.entries(c.outputs)) {
      const out = response.outputs.find((o) => o.name === name)!;
      expect(out.datatype).toBe(ref.datatype);
      expect(out.shape).toEqual(ref.shape);
      expectClose(ref.datatype, out.data.map((v) => (typeof v === 'string' && ref.datatype !== 'BYTES' ? Number(v) : v)) as never, ref.data);
    }
  });

  test('binary request and binary response, equal to numpy', async () => {
    const p = await predictor(c.model);
    const encoded = encodeInferenceRequest({
      inputs: Object.entries(c.inputs).map(([name, t]) => toTensor(name, t)),
      binaryInputs: true,
      binaryOutputs: true,
    });
    const { encoded: out } = await p.inferBody(encoded.body, encoded.headerLength);
    const response = decodeInferenceResponse(out.body, out.headerLength);
    for (const [name, ref] of Object.entries(c.outputs)) {
      const t = response.outputs.find((o) => o.name === name)!;
      expect(t.shape).toEqual(ref.shape);
      expectClose(ref.datatype, plain(t.datatype, t.data), ref.data);
    }
  });
});

describe('inferBody fast paths', () => {
  /** The binary request of `c` with its header padded by `pad` spaces, in a fresh buffer. */
  function paddedBody(c: (typeof REFERENCE_CASES)[number], pad: number): { body: Uint8Array; headerLength: number } {
    const encoded = encodeInferenceRequest({ inputs: Object.entries(c.inputs).map(([name, t]) => toTensor(name, t)), binaryInputs: true, binaryOutputs: true });
    const header = Buffer.from(`${Buffer.from(encoded.body.subarray(0, encoded.headerLength)).toString('utf8')}${' '.repeat(pad)}`);
    const body = new Uint8Array(header.length + encoded.body.length - encoded.headerLength!);
    body.set(header);
    body.set(encoded.body.subarray(encoded.headerLength), header.length);
    return { body, headerLength: header.length };
  }

  test('reads an aligned binary input in place and copies an unaligned one, with the same answers', async () => {
    const c = REFERENCE_CASES.find((x) => x.model === 'mlp.onnx')!;
    const p = await predictor(c.model);
    const base = paddedBody(c, 0).headerLength;
    for (const residue of [0, 1, 2, 3]) {
      const { body, headerLength } = paddedBody(c, (((residue - base) % 4) + 4) % 4);
      expect(headerLength % 4).toBe(residue);
      const before = Buffer.from(body);
      const { encoded, request } = await p.inferBody(body, headerLength);
      const input = request.inputs[0]!.data as Float32Array;
      expect(input.buffer === body.buffer).toBe(residue === 0);
      expect(Buffer.from(body).equals(before)).toBe(true);
      const response = decodeInferenceResponse(encoded.body, encoded.headerLength);
      for (const [name, ref] of Object.entries(c.outputs)) {
        const t = response.outputs.find((o) => o.name === name)!;
        expectClose(ref.datatype, plain(t.datatype, t.data), ref.data);
      }
    }
  });

  test.each(REFERENCE_CASES.map((c) => [caseName(c), c] as const))('%s: the trusted response encoding is byte for byte the checked one', async (_name, c) => {
    const p = await predictor(c.model);
    for (const binaryOutputs of [true, false]) {
      const encoded = encodeInferenceRequest({ id: 'r-1', inputs: Object.entries(c.inputs).map(([name, t]) => toTensor(name, t)), binaryInputs: true, binaryOutputs });
      const { encoded: out, response } = await p.inferBody(encoded.body, encoded.headerLength);
      const checked = encodeInferenceResponse(response, () => binaryOutputs);
      expect(Buffer.from(out.body).equals(Buffer.from(checked.body))).toBe(true);
      expect([out.contentType, out.headerLength]).toEqual([checked.contentType, checked.headerLength]);
    }
  });
});

describe('metadata', () => {
  test('derives names, datatypes and shapes (-1 for dynamic) from the session', async () => {
    expect((await predictor('mlp.onnx')).metadata).toEqual({
      name: 'mlp', versions: ['7'], platform: 'onnxruntime',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 8] }],
      outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 3] }],
    });
    expect((await predictor('fixed_shape.onnx')).metadata.inputs).toEqual([{ name: 'x', datatype: 'FP32', shape: [2, 3] }]);
    expect((await predictor('multi_io.onnx')).metadata.outputs.map((o) => `${o.name}:${o.datatype}`)).toEqual(['sum:FP32', 'norm:FP32', 'argmax:INT64']);
  });

  test('an outputs[] selection returns only those outputs', async () => {
    const c = REFERENCE_CASES.find((x) => x.model === 'multi_io.onnx')!;
    const p = await predictor('multi_io.onnx');
    const response = await p.infer({
      inputs: Object.entries(c.inputs).map(([name, t]) => ({ name, datatype: t.datatype, shape: t.shape, data: t.data })),
      outputs: [{ name: 'argmax' }],
    }) as { outputs: Array<{ name: string; data: number[] }> };
    expect(response.outputs.map((o) => o.name)).toEqual(['argmax']);
    expect(response.outputs[0]!.data).toEqual(c.outputs.argmax!.data);
  });
});

async function errorOf(p: Predictor, request: unknown): Promise<InferenceError> {
  try {
    await p.infer(request);
  } catch (e) {
    if (e instanceof InferenceError) return e;
    throw e;
  }
  throw new Error('expected an InferenceError');
}

describe('bad requests get a stable code and status, never a stack trace', () => {
  const ok = { name: 'features', datatype: 'FP32', shape: [1, 8], data: [1, 2, 3, 4, 5, 6, 7, 8] };
  test.each([
    ['unknown input', { inputs: [ok, { name: 'extra', datatype: 'FP32', shape: [1], data: [1] }] }, 'UNKNOWN_INPUT', 400, 'inputs[1] ("extra") is not an input of the model; inputs are features'],
    ['missing input', { inputs: [] }, 'INVALID_REQUEST', 400, 'inputs'],
    ['wrong datatype', { inputs: [{ ...ok, datatype: 'FP64' }] }, 'DATATYPE_MISMATCH', 400, 'inputs[0] ("features").datatype is FP64 but the model takes FP32'],
    ['wrong rank', { inputs: [{ ...ok, shape: [8] }] }, 'SHAPE_MISMATCH', 400, 'inputs[0] ("features").shape [8] does not fit the model\'s [-1,8]'],
    ['wrong fixed dimension', { inputs: [{ ...ok, shape: [2, 4] }] }, 'SHAPE_MISMATCH', 400, 'does not fit the model\'s [-1,8]'],
    ['data length', { inputs: [{ ...ok, data: [1, 2, 3] }] }, 'DATA_LENGTH_MISMATCH', 400, 'inputs[0]'],
    ['non-numeric data', { inputs: [{ ...ok, data: [1, 2, 3, 4, 5, 6, 7, 'x'] }] }, 'NON_NUMERIC_DATA', 400, 'inputs[0]'],
    ['unknown output', { inputs: [ok], outputs: [{ name: 'logits' }] }, 'UNKNOWN_OUTPUT', 400, 'outputs[0] "logits" is not an output of model mlp'],
    ['unknown datatype', { inputs: [{ ...ok, datatype: 'FLOAT' }] }, 'INVALID_DATATYPE', 400, 'FLOAT'],
    ['not an object', 'hello', 'INVALID_REQUEST', 400, ''],
  ])('%s', async (_name, request, code, status, phrase) => {
    const e = await errorOf(await predictor('mlp.onnx'), request);
    expect(e.code).toBe(code);
    expect(e.status).toBe(status);
    expect(e.message).toContain(phrase);
    expect(JSON.stringify(e.toBody())).not.toMatch(/\n\s+at /);
  });

  test('a missing input of a multi-input model names it', async () => {
    const e = await errorOf(await predictor('multi_io.onnx'), { inputs: [{ name: 'a', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] });
    expect(e.code).toBe('MISSING_INPUT');
    expect(e.message).toBe('the request lacks inputs "b", "scale"');
  });

  test('a fixed batch dimension is enforced before the model runs', async () => {
    const e = await errorOf(await predictor('fixed_shape.onnx'), { inputs: [{ name: 'x', datatype: 'FP32', shape: [3, 3], data: Array(9).fill(1) }] });
    expect(e.code).toBe('SHAPE_MISMATCH');
  });

  test('a failure inside the model is MODEL_ERROR with status 500 and the runtime\'s reason, no stack', async () => {
    // Valid per input, but a (batch 2) and b (batch 3) cannot be added: onnxruntime fails.
    const e = await errorOf(await predictor('multi_io.onnx'), { inputs: [
      { name: 'a', datatype: 'FP32', shape: [2, 4], data: Array(8).fill(1) },
      { name: 'b', datatype: 'FP64', shape: [3, 4], data: Array(12).fill(1) },
      { name: 'scale', datatype: 'FP32', shape: [1], data: [1] },
    ] });
    expect(e.code).toBe('MODEL_ERROR');
    expect(e.status).toBe(500);
    expect(e.message).toMatch(/^model multi_io failed to run: /);
    expect(e.message).not.toContain('\n');
  });

  test('a payload over the limit is refused', async () => {
    const small = await createPredictor({ modelPath: path.join(ONNX_FIXTURES, 'mlp.onnx'), maxRequestBytes: 64 });
    const e = await errorOf(small, { inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 8], data: [1, 2, 3, 4, 5, 6, 7, 8] }] });
    expect(e.code).toBe('PAYLOAD_TOO_LARGE');
    expect(e.status).toBe(413);
    await small.release();
  });

  test('malformed JSON and bad binary bodies', async () => {
    const p = await predictor('mlp.onnx');
    await expect(p.inferBody('{"inputs": [')).rejects.toMatchObject({ code: 'INVALID_JSON', status: 400 });
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 8], parameters: { binary_data_size: 32 } }] }));
    const body = Buffer.concat([header, Buffer.alloc(16)]);
    await expect(p.inferBody(body, header.length)).rejects.toMatchObject({ code: 'INVALID_BINARY_DATA', status: 400 });
  });
});
