/**
 * Lambda events as requests: base64 bodies are decoded into a buffer whose binary section
 * is 8-byte aligned, so binary tensors reach onnxruntime as views of the decoded body
 * (not copies) whatever the JSON header's length. Results are checked against numpy
 * (reference.json).
 */
import * as path from 'node:path';
import { decodeInferenceResponse, encodeInferenceRequest, type InferenceRequest, type Tensor } from '../../../lib/inference';
import { toHttpRequest } from '../../../lambda/onnx-inference/lambda-event';
import { createPredictor, type Predictor } from '../../../lambda/onnx-inference/predictor';
import { createRouter } from '../../../lambda/onnx-inference/router';
import { expectClose, ONNX_FIXTURES, plain, REFERENCE_CASES, toTensor } from '../../support/onnx-fixtures';

/** A binary request of `tensors` whose JSON header is padded with spaces to `headerLength % 8 === residue`. */
function binaryBody(tensors: readonly Tensor[], residue: number): { body: Buffer; headerLength: number } {
  const encoded = encodeInferenceRequest({ inputs: tensors, binaryInputs: true, binaryOutputs: true });
  const header = Buffer.from(encoded.body.subarray(0, encoded.headerLength));
  const pad = (((residue - header.length) % 8) + 8) % 8;
  const body = Buffer.concat([header, Buffer.from(' '.repeat(pad)), encoded.body.subarray(encoded.headerLength)]);
  return { body, headerLength: header.length + pad };
}

/** A Function URL event POSTing `body` (base64) to `rawPath`. */
function functionUrlEvent(rawPath: string, body: Buffer, headers: Record<string, string>) {
  return {
    version: '2.0', rawPath, rawQueryString: '',
    headers, requestContext: { http: { method: 'POST', path: rawPath } },
    body: body.toString('base64'), isBase64Encoded: true,
  };
}

describe('base64 bodies with binary tensor data', () => {
  // mlp: one FP32 input; multi_io: FP32, then FP64 (at a multiple of 8 after it), then FP32.
  const MODELS = ['mlp.onnx', 'multi_io.onnx'];
  const predictors = new Map<string, Predictor>();
  beforeAll(async () => {
    for (const model of MODELS) predictors.set(model, await createPredictor({ modelPath: path.join(ONNX_FIXTURES, model) }));
  });
  afterAll(() => Promise.all([...predictors.values()].map((p) => p.release())));

  const cases = REFERENCE_CASES.filter((c) => MODELS.includes(c.model));
  const table = cases.flatMap((c) => [1, 3, 4, 5, 7, 0].map((residue) => [c.model, Object.values(c.inputs)[0]!.shape[0]!, residue, c] as const));

  test.each(table)('%s batch %i, header length ≡ %i (mod 8): inputs are aligned views of the body, outputs match numpy', async (model, _batch, residue, c) => {
    const tensors = Object.entries(c.inputs).map(([n, ref]) => toTensor(n, ref));
    const { body, headerLength } = binaryBody(tensors, residue);
    const name = model.replace(/\.onnx$/, '');
    const http = toHttpRequest(functionUrlEvent(`/v2/models/${name}/infer`, body, {
      'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(headerLength),
    }))!;

    expect(Buffer.from(http.body).equals(body)).toBe(true);
    expect((http.body.byteOffset + headerLength) % 8).toBe(0);

    let seen: InferenceRequest | undefined;
    const route = createRouter({ predictor: predictors.get(model)!, onInference: (request) => { seen = request; } });
    const res = await route(http);
    expect(res.status).toBe(200);
    for (const input of seen!.inputs) {
      const data = input.data as Float32Array | Float64Array;
      expect({ name: input.name, inPlace: data.buffer === http.body.buffer, aligned: data.byteOffset % data.BYTES_PER_ELEMENT }).toEqual({ name: input.name, inPlace: true, aligned: 0 });
    }
    const response = decodeInferenceResponse(res.body, Number(res.headers['inference-header-content-length']));
    for (const [outName, ref] of Object.entries(c.outputs)) {
      const out = response.outputs.find((o) => o.name === outName)!;
      expect({ datatype: out.datatype, shape: out.shape }).toEqual({ datatype: ref.datatype, shape: ref.shape });
      expectClose(ref.datatype, plain(out.datatype, out.data), ref.data);
    }
  });

  test('the first binary tensor lands on an 8-byte boundary for every header length', () => {
    for (let headerLength = 1; headerLength <= 24; headerLength++) {
      const body = Buffer.alloc(headerLength + 16, 7);
      const http = toHttpRequest(functionUrlEvent('/x', body, { 'inference-header-content-length': String(headerLength) }))!;
      expect({ headerLength, start: (http.body.byteOffset + headerLength) % 8, bytes: Buffer.from(http.body).equals(body) }).toEqual({ headerLength, start: 0, bytes: true });
    }
  });
});

describe('base64 decoding', () => {
  // What Buffer.from(text, 'base64') decodes is the reference: the aligned decoder must agree byte for byte.
  test.each([
    ['canonical', Buffer.from('héllo wörld').toString('base64')],
    ['without padding', 'aGVsbG8'],
    ['with a line break', 'aGVs\nbG8='],
    ['URL-safe alphabet', 'a-_b'],
    ['surplus padding', 'aGVsbG8=='],
    ['empty', ''],
  ])('%s decodes as Buffer.from does', (_name, text) => {
    for (const headers of [{}, { 'inference-header-content-length': '3' }, { 'inference-header-content-length': 'abc' }]) {
      const http = toHttpRequest({ version: '2.0', rawPath: '/x', requestContext: { http: { method: 'POST' } }, headers, body: text, isBase64Encoded: true })!;
      expect(Buffer.from(http.body).toString('hex')).toBe(Buffer.from(text, 'base64').toString('hex'));
    }
  });

  test('a text body is UTF-8, unpadded', () => {
    const http = toHttpRequest({ httpMethod: 'POST', path: '/x', headers: { 'inference-header-content-length': '3' }, body: '{"a":"é"}', isBase64Encoded: false })!;
    expect(Buffer.from(http.body).toString('utf8')).toBe('{"a":"é"}');
  });
});
