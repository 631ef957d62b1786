/**
 * The ONNX function as it ships: the Lambda asset is copied out of the synthesized
 * cloud assembly into an empty folder (no node_modules above it) and its handler runs in
 * a fresh Node process with the environment the template gives it.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { parseCaptureLine } from '../../../lib/capture';
import { decodeInferenceResponse, encodeInferenceRequest } from '../../../lib/inference';
import { ModelRegistry, OnnxFunction, OnnxModel } from '../../../constructs';
import { FRAUD_MODEL, hkStack, ROOT, tempDir } from '../../support/app';
import { startFakeEndpoint } from '../../support/run-bundle';

interface Reference { rows: number[][]; probabilities: number[] }
const reference = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples/hk-fraud/model/reference-predictions.json'), 'utf8')) as Reference;
const FRAUD_SHA256 = '3e975b403ee4ab28dde3a256fdbe2c88ac89fc319b98fd68491a111c788c5f6b';

/** Synthesizes a stack with the function, copies its asset into an empty folder; returns the folder and the template's environment. */
function synthesizeAndCopy(model: 'file' | 'registry', capture = false): { dir: string; env: Record<string, string> } {
  const { app, stack } = hkStack();
  const source = model === 'file'
    ? OnnxModel.fromFile(FRAUD_MODEL, { name: 'fraud', version: '3' })
    : new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'fraud' }).addModel('V3', { path: FRAUD_MODEL, version: '3' });
  new OnnxFunction(stack, 'Scorer', { model: source, capture: capture ? { samplingPercent: 100 } : undefined });
  const assembly = app.synth();
  const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('ONNX model') } }))[0]!;
  const assetDir = path.join(assembly.directory, `asset.${(fn.Properties.Code.S3Key as string).replace(/\.zip$/, '')}`);
  const dir = path.join(tempDir('onnx-lambda-task-'), 'task');
  fs.cpSync(assetDir, dir, { recursive: true });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(fn.Properties.Environment.Variables as Record<string, unknown>)) {
    // MODEL_S3_URI is a token (the bucket's name); the fake S3 below serves any bucket.
    env[k] = typeof v === 'string' ? v : 's3://registry-bucket/models/fraud/3/fraud.onnx';
  }
  return { dir, env };
}

/** Runs the handler over events in a fresh process; returns results and what it printed. */
function invoke(dir: string, env: Record<string, string>, events: unknown[]): Promise<{ code: number; results: Array<Record<string, unknown>>; stdout: string; stderr: string }> {
  const driver = `
    const m = await import(${JSON.stringify(path.join(dir, 'index.mjs'))});
    const out = [];
    for (const e of JSON.parse(process.env.TEST_EVENTS)) out.push(await m.handler(e, { awsRequestId: 'req-' + out.length }));
    process.stdout.write('RESULTS ' + JSON.stringify(out) + '\\n');`;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', driver], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'ap-east-1', TMPDIR: tempDir('onnx-lambda-tmp-'), ...env, TEST_EVENTS: JSON.stringify(events) },
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULTS '));
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, results: line ? JSON.parse(line.slice(8)) : [], stdout, stderr });
    });
  });
}

const urlEvent = (method: string, rawPath: string, body?: string, headers: Record<string, string> = {}, base64 = false) => ({
  version: '2.0', rawPath, routeKey: '$default', headers: { 'content-type': 'application/json', ...headers },
  requestContext: { http: { method, path: rawPath } }, body, isBase64Encoded: base64,
});
const v2Request = (rows: number[][]) => JSON.stringify({ id: 'claim-batch', inputs: [{ name: 'claim_features', datatype: 'FP32', shape: [rows.length, 10], data: rows.flat() }] });

function expectProbabilities(body: string, expected: number[]): void {
  const parsed = JSON.parse(body) as { model_name: string; model_version: string; outputs: Array<{ name: string; data: number[] }> };
  expect(parsed.model_name).toBe('fraud');
  expect(parsed.model_version).toBe('3');
  const out = parsed.outputs.find((o) => o.name === 'fraud_probability')!;
  out.data.forEach((p, i) => expect(p).toBeCloseTo(expected[i]!, 6));
}

describe('asset with the model bundled', () => {
  const { dir, env } = synthesizeAndCopy('file', true);

  test('the copied folder has no node_modules above it', () => {
    let up = path.dirname(dir);
    while (up !== path.dirname(up)) {
      expect(fs.existsSync(path.join(up, 'node_modules'))).toBe(false);
      up = path.dirname(up);
    }
  });

  test('answers Function URL, REST API, base64, binary and direct invocations with numpy\'s predictions', async () => {
    const binary = encodeInferenceRequest({ inputs: [{ name: 'claim_features', datatype: 'FP32', shape: [8, 10], data: Float32Array.from(reference.rows.flat()) }], binaryInputs: true, binaryOutputs: true });
    const events = [
      urlEvent('POST', '/v2/models/fraud/infer', v2Request(reference.rows.slice(0, 1))),
      { httpMethod: 'POST', path: '/v2/models/fraud/infer', headers: { 'Content-Type': 'application/json' }, body: v2Request(reference.rows.slice(0, 3)), isBase64Encoded: false, requestContext: {} },
      urlEvent('POST', '/v2/models/fraud/infer', Buffer.from(v2Request(reference.rows)).toString('base64'), {}, true),
      urlEvent('POST', '/v2/models/fraud/infer', Buffer.from(binary.body).toString('base64'), { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(binary.headerLength) }, true),
      { inputs: [{ name: 'claim_features', datatype: 'FP32', shape: [1, 10], data: reference.rows[0] }] },
      urlEvent('GET', '/v2/models/fraud'),
      urlEvent('GET', '/v2/health/ready'),
    ];
    const run = await invoke(dir, env, events);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [url, rest, b64, bin, direct, meta, ready] = run.results as Array<{ statusCode: number; body: string; headers: Record<string, string>; isBase64Encoded: boolean }>;
    expect(url!.statusCode).toBe(200);
    expectProbabilities(url!.body, reference.probabilities.slice(0, 1));
    expect(rest!.statusCode).toBe(200);
    expectProbabilities(rest!.body, reference.probabilities.slice(0, 3));
    expectProbabilities(b64!.body, reference.probabilities);
    expect(bin!.isBase64Encoded).toBe(true);
    const decoded = decodeInferenceResponse(Buffer.from(bin!.body, 'base64'), Number(bin!.headers['inference-header-content-length']));
    Array.from(decoded.outputs[0]!.data as Float32Array).forEach((p, i) => expect(p).toBeCloseTo(reference.probabilities[i]!, 6));
    expectProbabilities(JSON.stringify(direct), reference.probabilities.slice(0, 1));
    expect(JSON.parse(meta!.body)).toEqual({ name: 'fraud', versions: ['3'], platform: 'onnxruntime', inputs: [{ name: 'claim_features', datatype: 'FP32', shape: [-1, 10] }], outputs: [{ name: 'fraud_probability', datatype: 'FP32', shape: [-1, 1] }] });
    expect(ready!.statusCode).toBe(200);
    // Capture at 100%: one record per inference, naming the model version.
    const captures = run.stdout.split('\n').map((l) => parseCaptureLine(l)).filter((r): r is { record: never } => 'record' in r).map((r) => r.record as import('../../../lib/capture').CaptureRecord);
    expect(captures).toHaveLength(5);
    expect(captures[0]).toMatchObject({ model: { name: 'fraud', version: '3' }, requestId: 'req-0', inferenceId: 'claim-batch' });
    expect(captures[0]!.inputs[0]!.data).toHaveLength(10);
    // Structured logs name the model version and the request.
    const log = run.stdout.split('\n').filter((l) => l.includes('"message":"request"')).map((l) => JSON.parse(l) as Record<string, unknown>)[0]!;
    expect(log).toMatchObject({ modelName: 'fraud', modelVersion: '3', status: 200 });
  });

  test('bad requests answer 4xx JSON with a code', async () => {
    const run = await invoke(dir, env, [
      urlEvent('POST', '/v2/models/fraud/infer', '{"inputs": ['),
      urlEvent('POST', '/v2/models/other/infer', v2Request(reference.rows.slice(0, 1))),
      urlEvent('GET', '/v2/models/fraud/infer'),
      urlEvent('POST', '/v2/models/fraud/infer', 'x', { 'content-type': 'text/plain' }),
      urlEvent('GET', '/nowhere'),
      { inputs: [{ name: 'claim_features', datatype: 'FP64', shape: [1, 10], data: reference.rows[0] }] },
    ]);
    const [json, model, method, media, route] = run.results as Array<{ statusCode: number; body: string }>;
    expect([json, model, method, media, route].map((r) => [r!.statusCode, JSON.parse(r!.body).code])).toEqual([
      [400, 'INVALID_JSON'], [404, 'MODEL_NOT_FOUND'], [405, 'METHOD_NOT_ALLOWED'], [415, 'UNSUPPORTED_MEDIA_TYPE'], [404, 'NOT_FOUND'],
    ]);
    expect(run.results[5]).toMatchObject({ code: 'DATATYPE_MISMATCH', status: 400 });
    for (const r of run.results) expect(JSON.stringify(r)).not.toMatch(/\\n\s+at /);
  });
});

describe('asset with the model from the registry', () => {
  const { dir, env } = synthesizeAndCopy('registry');
  const modelBytes = fs.readFileSync(FRAUD_MODEL);

  test('downloads the model from S3, verifies its SHA-256 and serves it', async () => {
    expect(env.MODEL_SHA256).toBe(FRAUD_SHA256);
    const s3 = await startFakeEndpoint((req) => (req.method === 'GET' && req.url.startsWith('/registry-bucket/models/fraud/3/fraud.onnx')
      ? { status: 200, headers: { 'content-type': 'application/octet-stream', 'content-length': String(modelBytes.length) }, body: modelBytes as never }
      : { status: 404 }));
    try {
      const run = await invoke(dir, { ...env, AWS_ENDPOINT_URL_S3: s3.url }, [urlEvent('POST', '/v2/models/fraud/infer', v2Request(reference.rows.slice(0, 2)))]);
      expect(run.code).toBe(0);
      expectProbabilities((run.results[0] as { body: string }).body, reference.probabilities.slice(0, 2));
      expect(s3.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
    } finally {
      await s3.close();
    }
  });

  test('fails init loudly when the downloaded bytes do not match the SHA-256', async () => {
    const tampered = Buffer.concat([modelBytes, Buffer.from([0])]);
    const s3 = await startFakeEndpoint(() => ({ status: 200, headers: { 'content-length': String(tampered.length) }, body: tampered as never }));
    try {
      const run = await invoke(dir, { ...env, AWS_ENDPOINT_URL_S3: s3.url }, [urlEvent('GET', '/v2/health/ready')]);
      expect(run.code).not.toBe(0);
      expect(run.results).toEqual([]);
      expect(`${run.stdout}${run.stderr}`).toContain(`but ${FRAUD_SHA256} was expected; refusing to serve it`);
    } finally {
      await s3.close();
    }
  });
});
