/**
 * The on-prem server as it ships: the folder scripts/build-onnx-server.ts writes (the
 * Docker build context) is built once, and `node server.js` runs from it as a child
 * process per model, answered over a real loopback socket. Expected values come from
 * numpy (reference.json) and the fixtures' README, not from our own output.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { parseCaptureLine, type CaptureRecord } from '../../../lib/capture';
import { decodeInferenceResponse, encodeInferenceRequest, parseInferenceRequest, type Datatype, type TensorMetadata } from '../../../lib/inference';
import { readRequestBody } from '../../../lambda/onnx-inference/server';
import { buildOnnxServer } from '../../../scripts/build-onnx-server';
import { tempDir } from '../../support/app';
import { expectClose, ONNX_FIXTURES, plain, REFERENCE_CASES, toTensor, type RefCase } from '../../support/onnx-fixtures';

const TEST_TIMEOUT = 60_000;
const WAIT_MS = 30_000;

/** A `node server.js` child process and what it printed so far. */
interface ServerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: string[];
  readonly stderr: () => string;
  /** Resolves with the first stdout line (already printed or to come) matching `match`. */
  waitForLine(match: (line: string) => boolean, what: string): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let serverDir = '';
const children = new Set<ChildProcessWithoutNullStreams>();

beforeAll(() => {
  serverDir = buildOnnxServer(path.join(tempDir('onnx-server-'), 'server'), process.arch === 'arm64' ? 'arm64' : 'x64');
}, 120_000);

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await Promise.race([gone, delay(5_000)]);
    }
  }
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Starts `node server.js args` from the built folder, with an environment of PATH only. */
function spawnServer(args: readonly string[]): ServerProcess {
  const child = spawn(process.execPath, [path.join(serverDir, 'server.js'), ...args], { cwd: serverDir, env: { PATH: process.env.PATH ?? '' } });
  children.add(child);
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const w of waiters) w();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      for (const w of waiters) w();
      resolve({ code, signal });
    });
  });
  const waitForLine = (match: (line: string) => boolean, what: string) => new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no ${what} within ${WAIT_MS} ms; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`)), WAIT_MS);
    const check = () => {
      const line = lines.find(match);
      if (line !== undefined) done(undefined, line);
      else if (child.exitCode !== null || child.signalCode !== null) done(new Error(`server exited before ${what}; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`));
    };
    const done = (error?: Error, line?: string) => {
      clearTimeout(timer);
      waiters.delete(check);
      if (error) reject(error);
      else resolve(line!);
    };
    waiters.add(check);
    check();
  });
  return { child, lines, stderr: () => stderr, waitForLine, exited };
}

/** A server that has printed its URL and loaded its model. */
interface RunningServer { readonly proc: ServerProcess; readonly url: string }

async function startServer(model: string, extra: readonly string[] = []): Promise<RunningServer> {
  const proc = spawnServer(['--model', path.join(ONNX_FIXTURES, model), '--port', '0', '--host', '127.0.0.1', ...extra]);
  const listening = await proc.waitForLine((l) => l.includes('"message":"listening"'), 'listening line');
  await proc.waitForLine((l) => l.includes('"message":"model loaded"'), 'model loaded line');
  const url = (JSON.parse(listening) as { url: string }).url;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  return { proc, url };
}

/** Stops a server with SIGTERM and waits (bounded) for it to exit. */
async function stopServer(server: RunningServer | undefined): Promise<void> {
  if (!server || server.proc.child.exitCode !== null || server.proc.child.signalCode !== null) return;
  server.proc.child.kill('SIGTERM');
  await Promise.race([server.proc.exited, delay(WAIT_MS)]);
}

const modelName = (file: string) => file.replace(/\.onnx$/, '');
const jsonInputs = (c: RefCase) => Object.entries(c.inputs).map(([name, t]) => ({ name, datatype: t.datatype, shape: t.shape, data: t.data }));

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** Asserts a wire error: status, JSON `{ error, code }`, no stack trace. */
async function expectWireError(res: Response, status: number, code: string): Promise<void> {
  const text = await res.text();
  expect({ status: res.status, code: (JSON.parse(text) as { code?: string }).code }).toEqual({ status, code });
  expect(res.headers.get('content-type')).toBe('application/json');
  expect(JSON.parse(text)).toEqual({ error: expect.any(String), code });
  expect(text).not.toContain('\n    at ');
}

/** Model metadata as the fixtures' README states it (-1 is the dynamic `batch`). */
const t = (name: string, datatype: Datatype, shape: number[]): TensorMetadata => ({ name, datatype, shape });
const README_METADATA: Record<string, { inputs: TensorMetadata[]; outputs: TensorMetadata[] }> = {
  'mlp.onnx': { inputs: [t('features', 'FP32', [-1, 8])], outputs: [t('probabilities', 'FP32', [-1, 3])] },
  'multi_io.onnx': {
    inputs: [t('a', 'FP32', [-1, 4]), t('b', 'FP64', [-1, 4]), t('scale', 'FP32', [1])],
    outputs: [t('sum', 'FP32', [-1, 4]), t('norm', 'FP32', [-1, 1]), t('argmax', 'INT64', [-1])],
  },
  'int_bool.onnx': { inputs: [t('ids', 'INT64', [-1, 3]), t('mask', 'BOOL', [-1, 3])], outputs: [t('masked', 'INT64', [-1, 3]), t('count', 'INT64', [-1])] },
  'fixed_shape.onnx': { inputs: [t('x', 'FP32', [2, 3])], outputs: [t('y', 'FP32', [2, 3])] },
  'uint8_fp16.onnx': { inputs: [t('img', 'UINT8', [-1, 4]), t('h', 'FP16', [-1, 4])], outputs: [t('img_f', 'FP32', [-1, 4]), t('h2', 'FP16', [-1, 4])] },
  'strings.onnx': { inputs: [t('text', 'BYTES', [-1])], outputs: [t('echo', 'BYTES', [-1])] },
};

const MODELS = [...new Set(REFERENCE_CASES.map((c) => c.model))];

describe.each(MODELS)('%s served over HTTP', (model) => {
  const name = modelName(model);
  const cases = REFERENCE_CASES.filter((c) => c.model === model);
  let server: RunningServer | undefined;
  const url = () => server!.url;
  beforeAll(async () => { server = await startServer(model, ['--version', '3']); }, TEST_TIMEOUT);
  afterAll(() => stopServer(server), TEST_TIMEOUT);

  test.each(cases.map((c) => [Object.values(c.inputs)[0]!.shape[0]!, c] as const))('batch %i: JSON request, numpy results', async (_batch, c) => {
    const res = await postJson(`${url()}/v2/models/${name}/infer`, { id: 'req-1', inputs: jsonInputs(c) });
    expect(res.status).toBe(200);
    const body = await res.json() as { model_name: string; model_version: string; id: string; outputs: Array<{ name: string; datatype: Datatype; shape: number[]; data: unknown[] }> };
    expect(body).toMatchObject({ model_name: name, model_version: '3', id: 'req-1' });
    expect(body.outputs.map((o) => o.name)).toEqual(Object.keys(c.outputs));
    for (const [outName, ref] of Object.entries(c.outputs)) {
      const out = body.outputs.find((o) => o.name === outName)!;
      expect({ datatype: out.datatype, shape: out.shape }).toEqual({ datatype: ref.datatype, shape: ref.shape });
      expectClose(ref.datatype, out.data.map((v) => (typeof v === 'string' && ref.datatype !== 'BYTES' ? Number(v) : v)) as never, ref.data);
    }
  }, TEST_TIMEOUT);

  test.each(cases.map((c) => [Object.values(c.inputs)[0]!.shape[0]!, c] as const))('batch %i: binary request and response, numpy results', async (_batch, c) => {
    const encoded = encodeInferenceRequest({ inputs: Object.entries(c.inputs).map(([n, ref]) => toTensor(n, ref)), binaryInputs: true, binaryOutputs: true });
    const res = await fetch(`${url()}/v2/models/${name}/versions/3/infer`, {
      method: 'POST',
      headers: { 'content-type': encoded.contentType, 'inference-header-content-length': String(encoded.headerLength) },
      body: encoded.body,
    });
    expect(encoded.contentType).toBe('application/octet-stream');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const response = decodeInferenceResponse(new Uint8Array(await res.arrayBuffer()), Number(res.headers.get('inference-header-content-length')));
    for (const [outName, ref] of Object.entries(c.outputs)) {
      const out = response.outputs.find((o) => o.name === outName)!;
      expect({ datatype: out.datatype, shape: out.shape }).toEqual({ datatype: ref.datatype, shape: ref.shape });
      expectClose(ref.datatype, plain(out.datatype, out.data), ref.data);
    }
  }, TEST_TIMEOUT);

  test('metadata equals the README\'s shapes and datatypes, on both the model and the version route', async () => {
    const expected = { name, versions: ['3'], platform: 'onnxruntime', ...README_METADATA[model] };
    for (const route of [`/v2/models/${name}`, `/v2/models/${name}/versions/3`]) {
      const res = await fetch(`${url()}${route}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(expected);
    }
  }, TEST_TIMEOUT);

  test('without --capture-percent nothing is captured', () => {
    expect(server!.proc.lines.filter((l) => l.includes('sovereign-ml.capture'))).toEqual([]);
  });
});

describe('routes, health and errors over the wire', () => {
  let server: RunningServer | undefined;
  let small: RunningServer | undefined;
  const c = REFERENCE_CASES.find((x) => x.model === 'mlp.onnx')!;
  beforeAll(async () => {
    [server, small] = await Promise.all([startServer('mlp.onnx', ['--version', '3']), startServer('mlp.onnx', ['--max-body-bytes', '1024'])]);
  }, TEST_TIMEOUT);
  afterAll(() => Promise.all([stopServer(server), stopServer(small)]), TEST_TIMEOUT);

  test('health: live 200, ready 200 once loaded; server and model readiness', async () => {
    for (const route of ['/v2/health/live', '/v2/health/ready', '/v2/models/mlp/ready', '/v2']) {
      const res = await fetch(`${server!.url}${route}`);
      expect({ route, status: res.status }).toEqual({ route, status: 200 });
      await res.arrayBuffer();
    }
  }, TEST_TIMEOUT);

  test('the right version infers; a wrong version or name is 404 MODEL_NOT_FOUND', async () => {
    const ok = await postJson(`${server!.url}/v2/models/mlp/versions/3/infer`, { inputs: jsonInputs(c) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ model_name: 'mlp', model_version: '3' });
    await expectWireError(await postJson(`${server!.url}/v2/models/mlp/versions/4/infer`, { inputs: jsonInputs(c) }), 404, 'MODEL_NOT_FOUND');
    await expectWireError(await postJson(`${server!.url}/v2/models/other/infer`, { inputs: jsonInputs(c) }), 404, 'MODEL_NOT_FOUND');
  }, TEST_TIMEOUT);

  const post = (body: string, contentType = 'application/json') => ({ method: 'POST', headers: { 'content-type': contentType }, body });
  test.each([
    ['an unknown route', 404, 'NOT_FOUND', '/nowhere', { method: 'GET' }],
    ['a bad percent-escape in the model name', 404, 'NOT_FOUND', '/v2/models/%E0/infer', post('{}')],
    ['GET on infer', 405, 'METHOD_NOT_ALLOWED', '/v2/models/mlp/infer', { method: 'GET' }],
    ['POST on live', 405, 'METHOD_NOT_ALLOWED', '/v2/health/live', post('{}')],
    ['a text/plain body', 415, 'UNSUPPORTED_MEDIA_TYPE', '/v2/models/mlp/infer', post('features=1', 'text/plain')],
    ['malformed JSON', 400, 'INVALID_JSON', '/v2/models/mlp/infer', post('{"inputs": [')],
    ['a wrong datatype', 400, 'DATATYPE_MISMATCH', '/v2/models/mlp/infer', post(JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP64', shape: [1, 8], data: [1, 2, 3, 4, 5, 6, 7, 8] }] }))],
  ] as const)('%s is %i %s', async (_name, status, code, route, init) => {
    await expectWireError(await fetch(`${server!.url}${route}`, init), status, code);
  }, TEST_TIMEOUT);

  test('a body over --max-body-bytes is 413 PAYLOAD_TOO_LARGE, with or without Content-Length; the server keeps serving', async () => {
    const big = { inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 8], data: [1, 2, 3, 4, 5, 6, 7, 8] }], pad: 'x'.repeat(2048) };
    await expectWireError(await postJson(`${small!.url}/v2/models/mlp/infer`, big), 413, 'PAYLOAD_TOO_LARGE');
    const chunked = await chunkedPost(`${small!.url}/v2/models/mlp/infer`, ['{"inputs": [', ' '.repeat(600), ' '.repeat(600), ']}']);
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toEqual({ error: expect.stringContaining('over the limit of 1024 bytes'), code: 'PAYLOAD_TOO_LARGE' });
    const ok = await postJson(`${small!.url}/v2/models/mlp/infer`, { inputs: jsonInputs(c) });
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
  }, TEST_TIMEOUT);
});

/** POSTs a JSON body in chunks (Transfer-Encoding: chunked, no Content-Length). */
function chunkedPost(url: string, chunks: readonly string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    // A server that answers early may close before every chunk is written: ignore write errors, not the response.
    for (const chunk of chunks) req.write(chunk, () => undefined);
    req.end();
  });
}

describe('capture', () => {
  let server: RunningServer | undefined;
  beforeAll(async () => { server = await startServer('mlp.onnx', ['--capture-percent', '100', '--name', 'scorer', '--version', '5']); }, TEST_TIMEOUT);
  afterAll(() => stopServer(server), TEST_TIMEOUT);

  const captures = () => server!.proc.lines.map((l) => parseCaptureLine(l)).filter((r): r is { record: CaptureRecord } => 'record' in r).map((r) => r.record);

  test('--capture-percent 100 prints one capture line per inference with the model, ids, inputs and outputs', async () => {
    const [one, five] = REFERENCE_CASES.filter((x) => x.model === 'mlp.onnx');
    const res = await postJson(`${server!.url}/v2/models/scorer/infer`, { id: 'claim-1', inputs: jsonInputs(one!) }, { 'x-request-id': 'edge-req-1' });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const encoded = encodeInferenceRequest({ inputs: [toTensor('features', five!.inputs.features!)], binaryInputs: true, binaryOutputs: true });
    const bin = await fetch(`${server!.url}/v2/models/scorer/versions/5/infer`, {
      method: 'POST', headers: { 'content-type': encoded.contentType, 'inference-header-content-length': String(encoded.headerLength), 'x-request-id': 'edge-req-2' }, body: encoded.body,
    });
    expect(bin.status).toBe(200);
    await bin.arrayBuffer();
    await server!.proc.waitForLine((l) => l.includes('"requestId":"edge-req-2"') && l.includes('sovereign-ml.capture'), 'second capture line');
    const records = captures();
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ model: { name: 'scorer', version: '5' }, requestId: 'edge-req-1', inferenceId: 'claim-1' });
    expect(records[1]).toMatchObject({ model: { name: 'scorer', version: '5' }, requestId: 'edge-req-2' });
    for (const [record, ref] of [[records[0]!, one!], [records[1]!, five!]] as const) {
      // FP32 reference inputs are float32-representable: they come back exactly.
      expect(record.inputs).toEqual([{ name: 'features', datatype: 'FP32', shape: ref.inputs.features!.shape, data: ref.inputs.features!.data }]);
      expectClose('FP32', [...record.outputs[0]!.data], ref.outputs.probabilities!.data);
    }
  }, TEST_TIMEOUT);

  test('concurrent requests are captured under their own request ids', async () => {
    const before = captures().length;
    const ids = Array.from({ length: 12 }, (_, i) => `batch-${i}`);
    await Promise.all(ids.map(async (id, i) => {
      const res = await postJson(`${server!.url}/v2/models/scorer/infer`, { id, inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 8], data: [i, 0, 0, 0, 0, 0, 0, 0] }] }, { 'x-request-id': id });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }));
    await server!.proc.waitForLine(() => captures().length >= before + ids.length, 'all capture lines');
    const records = captures().slice(before);
    expect(records.map((r) => r.requestId).sort()).toEqual([...ids].sort());
    for (const r of records) {
      expect(r.inferenceId).toBe(r.requestId);
      expect(r.inputs[0]!.data[0]).toBe(Number(r.requestId.slice('batch-'.length)));
    }
  }, TEST_TIMEOUT);
});

describe('process lifecycle', () => {
  test('SIGTERM during a request: the request still gets 200, then the process exits 0', async () => {
    const server = await startServer('mlp_bench.onnx');
    const rows = 512;
    const encoded = encodeInferenceRequest({
      inputs: [{ name: 'x', datatype: 'FP32', shape: [rows, 256], data: Float32Array.from({ length: rows * 256 }, (_, i) => ((i * 7919) % 2000) / 1000 - 1) }],
      binaryInputs: true, binaryOutputs: true,
    });
    const response = new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      // Expect: 100-continue makes the request in flight on the server (its handler runs
      // and waits for the body) before SIGTERM; the body is sent once shutdown has begun.
      const req = http.request(`${server.url}/v2/models/mlp_bench/infer`, {
        method: 'POST', agent: false,
        headers: { expect: '100-continue', 'content-type': encoded.contentType, 'inference-header-content-length': String(encoded.headerLength), 'content-length': String(encoded.body.byteLength) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d)).on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.on('continue', () => {
        server.proc.child.kill('SIGTERM');
        server.proc.waitForLine((l) => l.includes('"message":"shutting down"'), 'shutting down line').then(() => req.end(encoded.body), reject);
      });
      req.flushHeaders();
    });
    const res = await response;
    expect(res.status).toBe(200);
    const decoded = decodeInferenceResponse(res.body, Number(res.headers['inference-header-content-length']));
    expect(decoded.outputs[0]).toMatchObject({ name: 'score', datatype: 'FP32', shape: [rows, 1] });
    // Sigmoid outputs.
    for (const v of decoded.outputs[0]!.data as Float32Array) expect(v > 0 && v < 1).toBe(true);
    expect(await Promise.race([server.proc.exited, delay(WAIT_MS).then(() => 'still running')])).toEqual({ code: 0, signal: null });
  }, TEST_TIMEOUT);

  test('a --model that does not exist: the process exits non-zero and says why', async () => {
    const missing = path.join(tempDir('onnx-server-missing-'), 'nope.onnx');
    expect(fs.existsSync(missing)).toBe(false);
    const proc = spawnServer(['--model', missing, '--port', '0', '--host', '127.0.0.1']);
    const exit = await Promise.race([proc.exited, delay(WAIT_MS).then(() => 'still running')]);
    expect(exit).toMatchObject({ code: expect.any(Number) });
    expect((exit as { code: number }).code).not.toBe(0);
    expect(`${proc.lines.join('\n')}${proc.stderr()}`).toContain(`${missing} does not exist`);
  }, TEST_TIMEOUT);

  test.each([
    ['no --model', [], '--model <path | s3://bucket/key> is required'],
    ['a capture share that is not a number', ['--model', 'm.onnx', '--capture-percent', 'all'], '--capture-percent'],
  ])('%s: exit code 2 and the reason on stderr', async (_name, args, phrase) => {
    const proc = spawnServer(args);
    const exit = await Promise.race([proc.exited, delay(WAIT_MS).then(() => 'still running')]);
    expect(exit).toEqual({ code: 2, signal: null });
    expect(proc.stderr()).toContain(phrase);
    expect(proc.lines.filter((l) => l !== '')).toEqual([]);
  }, TEST_TIMEOUT);
});

describe('request bodies over a real socket (readRequestBody)', () => {
  let server: http.Server;
  let url = '';
  const bodies: Buffer[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      readRequestBody(req, 1 << 20).then((body) => { bodies.push(body); res.end('ok'); }, () => res.end('error'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));

  /** POSTs `body` in chunks of `chunk` bytes and returns the Buffer the server read. */
  function roundTrip(body: Uint8Array, headers: Record<string, string>, chunk: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method: 'POST', agent: false, headers: { 'transfer-encoding': 'chunked', ...headers } }, (res) => {
        res.resume().on('end', () => resolve(bodies.pop()!));
      });
      req.on('error', reject);
      for (let i = 0; i < body.length; i += chunk) req.write(body.subarray(i, i + chunk));
      req.end();
    });
  }

  const c = REFERENCE_CASES.find((x) => x.model === 'mlp.onnx' && x.inputs.features!.shape[0] === 5)!;
  test.each([[1, 7], [3, 64], [6, 1000], [0, 13]])('header padded by %i, %i-byte chunks: the FP32 tensor is an aligned view of the body, with numpy\'s inputs', async (pad, chunk) => {
    const encoded = encodeInferenceRequest({ inputs: [toTensor('features', c.inputs.features!)], binaryInputs: true });
    const header = Buffer.concat([Buffer.from(encoded.body.subarray(0, encoded.headerLength)), Buffer.from(' '.repeat(pad))]);
    const sent = Buffer.concat([header, encoded.body.subarray(encoded.headerLength)]);
    const body = await roundTrip(sent, { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) }, chunk);
    expect(body.equals(sent)).toBe(true);
    expect((body.byteOffset + header.length) % 8).toBe(0);
    const data = parseInferenceRequest(body, { headerLength: header.length, copyBinary: false }).inputs[0]!.data as Float32Array;
    expect({ inPlace: data.buffer === body.buffer, aligned: data.byteOffset % 8 }).toEqual({ inPlace: true, aligned: 0 });
    expect(Array.from(data)).toEqual(c.inputs.features!.data);
  }, TEST_TIMEOUT);

  test('a JSON body (no header length) is read as sent', async () => {
    const sent = Buffer.from(JSON.stringify({ inputs: jsonInputs(c) }));
    expect((await roundTrip(sent, { 'content-type': 'application/json' }, 50)).equals(sent)).toBe(true);
  }, TEST_TIMEOUT);
});
