import * as path from 'node:path';
import { createPredictor, type Predictor } from '../../../lambda/onnx-inference/predictor';
import { createRouter, type HttpRequest } from '../../../lambda/onnx-inference/router';
import { toHttpRequest } from '../../../lambda/onnx-inference/lambda-event';
import { ONNX_FIXTURES } from '../../support/onnx-fixtures';

let predictor: Predictor;
beforeAll(async () => { predictor = await createPredictor({ modelPath: path.join(ONNX_FIXTURES, 'mlp.onnx'), version: '2' }); });
afterAll(() => predictor.release());

const req = (method: string, p: string, body = '', headers: Record<string, string> = {}): HttpRequest => ({ method, path: p, headers, body: Buffer.from(body) });
const json = (r: { body: Uint8Array }) => JSON.parse(Buffer.from(r.body).toString('utf8')) as Record<string, unknown>;

describe('routes', () => {
  test('health answers 503 while loading and 200 once loaded', async () => {
    let current: Predictor | undefined;
    const route = createRouter({ predictor: () => current });
    expect((await route(req('GET', '/v2/health/ready'))).status).toBe(503);
    expect((await route(req('GET', '/v2/health/live'))).status).toBe(200);
    expect(json(await route(req('POST', '/v2/models/mlp/infer', '{}')))).toEqual({ error: 'the model is still loading', code: 'MODEL_NOT_READY' });
    current = predictor;
    expect((await route(req('GET', '/v2/health/ready'))).status).toBe(200);
  });

  test.each([
    ['GET', '/v2/models/mlp', '', {}, 200, undefined],
    ['GET', '/v2/models/mlp/versions/2', '', {}, 200, undefined],
    ['GET', '/v2/models/mlp/ready', '', {}, 200, undefined],
    ['GET', '/v2/models/mlp/versions/9', '', {}, 404, 'MODEL_NOT_FOUND'],
    ['GET', '/v2/models/other', '', {}, 404, 'MODEL_NOT_FOUND'],
    ['GET', '/v1/models/mlp:predict', '', {}, 404, 'NOT_FOUND'],
    ['DELETE', '/v2/models/mlp', '', {}, 405, 'METHOD_NOT_ALLOWED'],
    ['GET', '/v2/models/mlp/infer', '', {}, 405, 'METHOD_NOT_ALLOWED'],
    ['POST', '/v2/models/mlp/infer', 'x', { 'content-type': 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['POST', '/v2/models/mlp/infer', '{}', { 'inference-header-content-length': 'abc' }, 400, 'INVALID_REQUEST'],
    ['POST', '/v2/models/mlp/infer', '{"inputs":[{"name":"features","datatype":"FP32","shape":[1,8],"data":[1,2,3,4,5,6,7,8]}]}', { 'content-type': 'application/json; charset=utf-8' }, 200, undefined],
  ] as const)('%s %s → %d %s', async (method, p, body, headers, status, code) => {
    const route = createRouter({ predictor });
    const res = await route(req(method, p, body, headers));
    expect(res.status).toBe(status);
    if (code) expect(json(res)).toMatchObject({ code });
  });

  test('onInference sees every successful inference', async () => {
    const seen: string[] = [];
    const route = createRouter({ predictor, onInference: (rq, rs) => seen.push(`${rq.inputs[0]!.name}->${rs.outputs[0]!.name}`) });
    await route(req('POST', '/v2/models/mlp/infer', '{"inputs":[{"name":"features","datatype":"FP32","shape":[1,8],"data":[1,2,3,4,5,6,7,8]}]}'));
    await route(req('POST', '/v2/models/mlp/infer', '{"inputs":[]}'));
    expect(seen).toEqual(['features->probabilities']);
  });
});

describe('Lambda events', () => {
  test.each([
    ['Function URL / HTTP API v2', { version: '2.0', rawPath: '/v2/health/ready', requestContext: { http: { method: 'GET', path: '/v2/health/ready' } }, headers: { 'Content-Type': 'application/json' }, isBase64Encoded: false }, 'GET', '/v2/health/ready', ''],
    ['REST API v1', { httpMethod: 'post', path: '/v2/models/m/infer', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}', isBase64Encoded: false }, 'POST', '/v2/models/m/infer', '{"a":1}'],
    ['base64 body', { version: '2.0', rawPath: '/x', requestContext: { http: { method: 'POST' } }, body: Buffer.from('héllo').toString('base64'), isBase64Encoded: true }, 'POST', '/x', 'héllo'],
  ])('%s', (_name, event, method, p, body) => {
    const r = toHttpRequest(event)!;
    expect(r.method).toBe(method);
    expect(r.path).toBe(p);
    expect(Buffer.from(r.body).toString('utf8')).toBe(body);
    if ((event as { headers?: object }).headers) expect(r.headers['content-type']).toBe('application/json');
  });

  test('a direct invocation is not an HTTP event', () => {
    expect(toHttpRequest({ inputs: [] })).toBeUndefined();
    expect(toHttpRequest(null)).toBeUndefined();
  });
});
