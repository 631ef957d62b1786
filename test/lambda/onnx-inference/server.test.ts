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
import { hourPartition, linesOf, parseCaptureLine, readCaptureLines, type CaptureRecord } from '../../../lib/capture';
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

/** How to run the child beyond its arguments. */
interface SpawnOptions {
  /** Added to the environment of PATH only. */
  readonly env?: Record<string, string>;
  /** Run as this user (the test runs as root). */
  readonly uid?: number;
  /** RLIMIT_FSIZE in KiB (bash's `ulimit -f`): writes past it fail with EFBIG, as on a full disk. */
  readonly fileSizeKiB?: number;
}

/** Starts `node server.js args` from the built folder, with an environment of PATH only. */
function spawnServer(args: readonly string[], options: SpawnOptions = {}): ServerProcess {
  const server = [path.join(serverDir, 'server.js'), ...args];
  const [command, argv] = options.fileSizeKiB === undefined
    ? [process.execPath, server]
    : ['bash', ['-c', `ulimit -f ${options.fileSizeKiB} && exec "$0" "$@"`, process.execPath, ...server]];
  const child = spawn(command, argv, {
    cwd: serverDir, env: { PATH: process.env.PATH ?? '', ...options.env }, ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
  });
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

async function startServer(model: string, extra: readonly string[] = [], options: SpawnOptions = {}): Promise<RunningServer> {
  const proc = spawnServer(['--model', path.join(ONNX_FIXTURES, model), '--port', '0', '--host', '127.0.0.1', ...extra], options);
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

/** The JSON log lines of a server with this message. */
function logLines(proc: ServerProcess, message: string): Array<Record<string, unknown>> {
  return proc.lines.filter((l) => l.includes(`"message":${JSON.stringify(message)}`)).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Every file under `dir`: its path relative to `dir` and its text. */
function filesIn(dir: string): Array<{ rel: string; text: string }> {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort()
    .map((f) => ({ rel: path.relative(dir, f), text: fs.readFileSync(f, 'utf8') }));
}

/** One mlp input row whose first feature is `i`. */
const mlpRow = (i: number) => [{ name: 'features', datatype: 'FP32', shape: [1, 8], data: [i, 0.5, 0, 0, 0, 0, 0, 0] }];

async function inferOk(url: string, id: string, i: number): Promise<void> {
  const res = await postJson(`${url}/v2/models/scorer/infer`, { id, inputs: mlpRow(i) }, { 'x-request-id': id });
  expect({ id, status: res.status }).toEqual({ id, status: 200 });
  await res.arrayBuffer();
}

const captureArgs = (dir: string) => ['--capture-percent', '100', '--capture-dir', dir, '--name', 'scorer', '--version', '5'];

describe('capture to files (--capture-dir)', () => {
  test('two servers sharing one directory: each writes its own <dir>/YYYY/MM/DD/HH/<writer-id>.jsonl, of the records\' hours, and the drift reader reads them all', async () => {
    const dir = tempDir('onnx-capture-');
    // The second one takes the directory from CAPTURE_DIR.
    const [a, b] = await Promise.all([
      startServer('mlp.onnx', captureArgs(dir)),
      startServer('mlp.onnx', ['--capture-percent', '100', '--name', 'scorer', '--version', '5'], { env: { CAPTURE_DIR: dir } }),
    ]);
    const ids = { a: Array.from({ length: 6 }, (_, i) => `a-${i}`), b: Array.from({ length: 6 }, (_, i) => `b-${i}`) };
    await Promise.all([...ids.a.map((id, i) => inferOk(a.url, id, i)), ...ids.b.map((id, i) => inferOk(b.url, id, 10 + i))]);
    await Promise.all([stopServer(a), stopServer(b)]);
    expect(await Promise.all([a.proc.exited, b.proc.exited])).toEqual([{ code: 0, signal: null }, { code: 0, signal: null }]);

    const writerIds = [a, b].map((s) => logLines(s.proc, 'capture to files')[0]!.writerId as string);
    expect(writerIds[0]).not.toBe(writerIds[1]);
    for (const id of writerIds) expect(id).toMatch(/^[A-Za-z0-9._-]+-\d+-\d+-[0-9a-f]{6}$/);
    const files = filesIn(dir);
    expect(files.length).toBeGreaterThanOrEqual(2);
    const byWriter = new Map<string, string[]>(writerIds.map((w) => [w, []]));
    for (const f of files) {
      expect(f.text.endsWith('\n')).toBe(true);
      for (const line of f.text.slice(0, -1).split('\n')) {
        const parsed = parseCaptureLine(line);
        expect(parsed).toHaveProperty('record');
        const record = (parsed as { record: CaptureRecord }).record;
        expect(record.model).toEqual({ name: 'scorer', version: '5' });
        expect(record.inferenceId).toBe(record.requestId);
        // The file is in the partition of the record's own time, under its writer's name.
        const writer = path.basename(f.rel, '.jsonl');
        expect(f.rel).toBe(`${hourPartition(new Date(record.time))}${writer}.jsonl`);
        byWriter.get(writer)!.push(record.requestId);
      }
    }
    expect([...byWriter.values()].map((r) => r.sort())).toEqual([ids.a, ids.b]);
    // Nothing captured went to stdout.
    expect([...a.proc.lines, ...b.proc.lines].filter((l) => l.includes('sovereign-ml.capture'))).toEqual([]);
    expect(logLines(a.proc, 'capture files closed')[0]).toMatchObject({ level: 'INFO', linesWritten: 6, linesLost: 0 });

    async function* allLines(): AsyncGenerator<string> {
      for (const f of files) yield* linesOf(fs.createReadStream(path.join(dir, f.rel)));
    }
    const rows = readCaptureLines(allLines(), { features: Array.from({ length: 8 }, (_, i) => ({ name: `f${i}`, kind: 'numeric' as const })), format: 'onnx', output: { name: 'probabilities', index: 0 } });
    const firsts: number[] = [];
    for await (const row of rows) {
      firsts.push(row.features[0] as number);
      expect(row.output).toEqual(expect.any(Number));
    }
    expect(firsts.sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15]);
    expect(rows.stats).toMatchObject({ linesRead: 12, linesAnalyzed: 12, linesRejected: 0, linesIgnored: 0, linesBlank: 0 });
  }, TEST_TIMEOUT);

  test('SIGTERM with requests in flight: every one answers 200 and every capture line is in the files when the process exits 0', async () => {
    const dir = tempDir('onnx-capture-');
    const server = await startServer('mlp.onnx', captureArgs(dir));
    const ids = Array.from({ length: 8 }, (_, i) => `drain-${i}`);
    // Expect: 100-continue holds each request open on the server until its body is sent,
    // which happens only once shutdown has begun.
    const pending = ids.map((id, i) => {
      const body = JSON.stringify({ id, inputs: mlpRow(i) });
      let send = () => undefined as void;
      const continued = new Promise<void>((resolve) => { send = resolve; });
      const response = new Promise<number>((resolve, reject) => {
        const req = http.request(`${server.url}/v2/models/scorer/infer`, {
          method: 'POST', agent: false, headers: { expect: '100-continue', 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'x-request-id': id },
        }, (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0)));
        req.on('error', reject);
        req.on('continue', () => { send(); shuttingDown.then(() => req.end(body), reject); });
        req.flushHeaders();
      });
      return { continued, response };
    });
    let shuttingDown!: Promise<string>;
    const allContinued = Promise.all(pending.map((p) => p.continued));
    shuttingDown = allContinued.then(() => {
      server.proc.child.kill('SIGTERM');
      return server.proc.waitForLine((l) => l.includes('"message":"shutting down"'), 'shutting down line');
    });
    expect(await Promise.all(pending.map((p) => p.response))).toEqual(ids.map(() => 200));
    expect(await Promise.race([server.proc.exited, delay(WAIT_MS).then(() => 'still running')])).toEqual({ code: 0, signal: null });
    const captured = filesIn(dir).flatMap((f) => f.text.split('\n').filter(Boolean)).map((l) => (parseCaptureLine(l) as { record: CaptureRecord }).record.requestId);
    expect(captured.sort()).toEqual([...ids].sort());
    expect(logLines(server.proc, 'capture files closed')[0]).toMatchObject({ linesWritten: 8, linesLost: 0 });
  }, TEST_TIMEOUT);

  test('a write failure mid-run (the file size limit, as a full disk) loses lines, logs one ERROR for its kind, and every request still answers 200', async () => {
    const dir = tempDir('onnx-capture-');
    const server = await startServer('mlp.onnx', captureArgs(dir), { fileSizeKiB: 2 });
    const n = 15;
    for (let i = 0; i < n; i++) await inferOk(server.url, `full-${i}`, i);
    const live = await fetch(`${server.url}/v2/health/live`);
    expect(live.status).toBe(200);
    await stopServer(server);
    expect(await server.proc.exited).toEqual({ code: 0, signal: null });
    const errors = server.proc.lines.filter((l) => l.includes('"level":"ERROR"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(errors).toEqual([expect.objectContaining({ message: expect.stringContaining('capture line lost'), kind: 'EFBIG', captureDir: dir })]);
    const closedLine = logLines(server.proc, 'capture files closed')[0]!;
    expect(closedLine).toMatchObject({ level: 'WARN', lostByKind: { EFBIG: closedLine.linesLost } });
    // Mid-run: some lines were written before the limit, the rest were lost.
    expect(closedLine.linesWritten).toBeGreaterThan(0);
    expect(closedLine.linesLost).toBeGreaterThan(0);
    expect((closedLine.linesWritten as number) + (closedLine.linesLost as number)).toBe(n);
    // The lines written before the failure are whole, and the first ones of the run.
    const [file, ...others] = filesIn(dir);
    expect(others).toEqual([]);
    const whole = file!.text.split('\n').slice(0, -1).map((l) => (parseCaptureLine(l) as { record: CaptureRecord }).record.requestId);
    expect(whole).toEqual(Array.from({ length: closedLine.linesWritten as number }, (_, i) => `full-${i}`));
  }, TEST_TIMEOUT);

  test('--capture-dir without --capture-percent: a WARN that nothing will be captured, and no files', async () => {
    const dir = tempDir('onnx-capture-');
    const server = await startServer('mlp.onnx', ['--capture-dir', dir, '--name', 'scorer']);
    expect(logLines(server.proc, '--capture-dir is set but --capture-percent is 0: nothing will be captured')).toEqual([expect.objectContaining({ level: 'WARN', captureDir: dir })]);
    await inferOk(server.url, 'none-1', 1);
    await stopServer(server);
    expect(filesIn(dir)).toEqual([]);
  }, TEST_TIMEOUT);

  test.each([
    ['a directory that does not exist', () => ({ args: ['--capture-dir', path.join(tempDir('onnx-capture-'), 'missing')] }), 'which does not exist'],
    ['a file', () => {
      const file = path.join(tempDir('onnx-capture-'), 'capture');
      fs.writeFileSync(file, '');
      return { args: ['--capture-dir', file] };
    }, 'must be a directory, got'],
    ['a directory the server\'s user cannot write (from CAPTURE_DIR)', () => {
      const dir = tempDir('onnx-capture-');
      fs.chmodSync(dir, 0o555);
      // Root writes anywhere: run the server as nobody, who can read the server folder.
      const asRoot = process.getuid?.() === 0;
      if (asRoot) fs.chmodSync(path.dirname(serverDir), 0o755);
      return { args: [], options: { env: { CAPTURE_DIR: dir }, ...(asRoot ? { uid: 65534 } : {}) } };
    }, 'must be a directory the server can write to'],
  ])('fails at start with %s: exit code 2 and the reason on stderr', async (_name, make, phrase) => {
    const { args, options } = make() as { args: string[]; options?: SpawnOptions };
    const proc = spawnServer(['--model', path.join(ONNX_FIXTURES, 'mlp.onnx'), '--port', '0', '--capture-percent', '10', ...args], options);
    const exit = await Promise.race([proc.exited, delay(WAIT_MS).then(() => 'still running')]);
    expect(exit).toEqual({ code: 2, signal: null });
    expect(proc.stderr()).toContain('--capture-dir (or CAPTURE_DIR)');
    expect(proc.stderr()).toContain(phrase);
    expect(proc.lines.filter((l) => l !== '')).toEqual([]);
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
