/**
 * The HTTP server adapter of the ONNX predictor, for on-prem and edge sites:
 *
 *   node server.js --model <path | s3://bucket/key> [--sha256 <hex>] [--name n] [--version v]
 *                  [--port 8080] [--host 0.0.0.0] [--max-body-bytes 6291456] [--capture-percent 0]
 *                  [--capture-dir <dir>]
 *
 * Same routes as the Lambda adapter plus `GET /v2/health/live`. `/v2/health/ready` answers
 * 503 until the model is loaded. SIGTERM and SIGINT stop accepting connections, let
 * requests in flight finish (up to 10 s), then exit 0.
 *
 * Capture records, when sampled (`--capture-percent`), are written to stdout, one JSON line
 * each, like the Lambda's, unless `--capture-dir <dir>` (or CAPTURE_DIR) is given: then they
 * stay on the site's volume, in `<dir>/YYYY/MM/DD/HH/<writer-id>.jsonl`, where the hour is
 * the UTC hour of the record's `time` and the writer id (`<hostname>-<pid>-<start ms>-<hex>`)
 * is this process's own, so pods sharing a ReadWriteMany volume never write one file.
 * `sovereign-ml drift --capture <dir> --window-minutes n` reads them. The directory must
 * exist and be writable at start (exit code 2 otherwise); a failed write later loses the
 * line, is counted and logged once per kind (ERROR), and never fails the inference.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import { finished } from 'node:stream/promises';
import { alignedRequestBody, headerLengthForLayout, InferenceError, InferenceErrorCode } from '../../lib/inference';
import { createCapture } from './capture';
import { checkCaptureDir, createHourlyCaptureWriter, type HourlyCaptureWriter } from './capture-files';
import { ModelLoadError, resolveModelFile, type ModelSource } from './model-source';
import { createPredictor, type Predictor } from './predictor';
import { createRouter } from './router';

/** Options of {@link startServer}. */
export interface ServerOptions {
  readonly model: ModelSource;
  readonly port: number;
  readonly host: string;
  readonly maxBodyBytes: number;
  readonly capturePercent: number;
  /**
   * The directory of hourly capture files (see {@link createHourlyCaptureWriter}); checked
   * by {@link main} before the server starts.
   * @default - capture lines go to `write`
   */
  readonly captureDir?: string;
  /** Where log lines go, and capture lines without `captureDir`. */
  readonly write: (line: string) => void;
}

/** A running server. */
export interface RunningServer {
  readonly url: string;
  /** Settles when the model is loaded (rejects when it cannot be). */
  readonly ready: Promise<Predictor>;
  /**
   * Stops accepting connections, waits for requests in flight (at most `graceMs`), then
   * closes the capture files, so every line of a finished request is flushed.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Parses the command line; MODEL_PATH, MODEL_S3_URI, MODEL_SHA256, MODEL_NAME, MODEL_VERSION,
 * CAPTURE_SAMPLING_PERCENT and CAPTURE_DIR in `env` stand in for missing options.
 * @throws ModelLoadError on an unknown option, a missing or malformed value, or an S3 model without a SHA-256
 */
export function parseServerArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Omit<ServerOptions, 'write'> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i]!;
    if (!key.startsWith('--')) throw new ModelLoadError(`unexpected argument ${JSON.stringify(key)}`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new ModelLoadError(`${key} needs a value`);
    args.set(key.slice(2), value);
    i++;
  }
  const known = new Set(['model', 'sha256', 'name', 'version', 'port', 'host', 'max-body-bytes', 'capture-percent', 'capture-dir']);
  for (const k of args.keys()) if (!known.has(k)) throw new ModelLoadError(`unknown option --${k}; options are ${[...known].map((x) => `--${x}`).join(', ')}`);
  const model = args.get('model') ?? env.MODEL_PATH ?? env.MODEL_S3_URI;
  if (!model) throw new ModelLoadError('--model <path | s3://bucket/key> is required');
  const sha256 = args.get('sha256') ?? env.MODEL_SHA256;
  const int = (k: string, fallback: number, max = Number.MAX_SAFE_INTEGER) => {
    const raw = args.get(k);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) > max) throw new ModelLoadError(`--${k} must be an integer from 0 to ${max}, got ${JSON.stringify(raw)}`);
    return Number(raw);
  };
  // A typo must not turn into NaN, which createCapture would treat as "capture everything".
  const capturePercentRaw = args.get('capture-percent') ?? env.CAPTURE_SAMPLING_PERCENT ?? '0';
  const capturePercent = capturePercentRaw.trim() === '' ? NaN : Number(capturePercentRaw);
  if (!(capturePercent >= 0 && capturePercent <= 100)) {
    throw new ModelLoadError(`--capture-percent (or CAPTURE_SAMPLING_PERCENT) must be a number from 0 to 100, got ${JSON.stringify(capturePercentRaw)}`);
  }
  const captureDir = args.get('capture-dir') ?? env.CAPTURE_DIR;
  // Empty is a mistake (a template that lost its value), not "off": capture must not silently stop.
  if (captureDir?.trim() === '') throw new ModelLoadError('--capture-dir (or CAPTURE_DIR) must be a directory path, got ""');
  const isS3 = model.startsWith('s3://');
  if (isS3 && !sha256) throw new ModelLoadError('a model from S3 needs --sha256 (or MODEL_SHA256): it is only served after its SHA-256 is verified');
  return {
    model: { path: isS3 ? undefined : model, s3Uri: isS3 ? model : undefined, sha256, name: args.get('name') ?? env.MODEL_NAME, version: args.get('version') ?? env.MODEL_VERSION },
    port: int('port', 8080, 65535),
    host: args.get('host') ?? '0.0.0.0',
    maxBodyBytes: int('max-body-bytes', 6 * 1024 * 1024),
    capturePercent,
    ...(captureDir !== undefined ? { captureDir } : {}),
  };
}

/** Starts listening at once; the model loads in the background (ready turns 200 when done). */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  let predictor: Predictor | undefined;
  let capture: ReturnType<typeof createCapture> | undefined;
  const log = (level: string, message: string, extra: Record<string, unknown> = {}) =>
    options.write(`${JSON.stringify({ level, message, time: new Date().toISOString(), ...extra })}\n`);
  const files = options.captureDir !== undefined ? openCaptureFiles(options.captureDir, options.capturePercent, log) : undefined;
  const ready = (async () => {
    const file = await resolveModelFile(options.model, { tmpDir: os.tmpdir() });
    const p = await createPredictor({ modelPath: file, name: options.model.name, version: options.model.version, maxRequestBytes: options.maxBodyBytes });
    capture = createCapture({
      samplingPercent: options.capturePercent, modelName: p.name, modelVersion: p.version,
      // Filed under the hour of the record's own time, so a record is always in the partition its time names.
      write: files ? (line, record) => files.write(line, new Date(record.time)) : options.write,
    });
    predictor = p;
    log('INFO', 'model loaded', { modelName: p.name, modelVersion: p.version, modelFile: file });
    return p;
  })();
  ready.catch((e: unknown) => log('ERROR', 'model failed to load', { error: e instanceof Error ? e.message : String(e) }));

  const inFlight = new Set<Promise<void>>();
  const server = http.createServer((req, res) => {
    // In flight until the response is flushed: close() destroys sockets once this settles.
    const done = handle(req, res).catch(() => undefined).then(() => finished(res)).catch(() => undefined);
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  });
  server.keepAliveTimeout = 5_000;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    // Per request: requests overlap while the model runs, so a shared variable would mix ids up.
    const requestId = String(req.headers['x-request-id'] ?? randomUUID());
    const route = createRouter({ predictor: () => predictor, onInference: (q, r) => capture?.(q, r, requestId) });
    let body: Buffer;
    try {
      body = await readRequestBody(req, options.maxBodyBytes);
    } catch (e) {
      const err = e instanceof InferenceError ? e : new InferenceError(InferenceErrorCode.INVALID_REQUEST, 'the request body could not be read');
      send(res, err.status, { 'content-type': 'application/json', connection: 'close' }, Buffer.from(JSON.stringify(err.toBody())));
      return;
    }
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(',') : v;
    const out = await route({ method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0]!, headers, body });
    send(res, out.status, out.headers, out.body);
    log('INFO', 'request', { requestId, method: req.method, path: req.url, status: out.status, ms: Date.now() - started });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`,
    ready,
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.race([Promise.all([...inFlight]), new Promise((r) => setTimeout(r, graceMs).unref())]);
      server.closeAllConnections();
      await closed;
      if (files) {
        await files.close();
        const stats = files.stats();
        log(stats.linesLost > 0 ? 'WARN' : 'INFO', 'capture files closed', { captureDir: options.captureDir, writerId: files.writerId, ...stats });
      }
      await predictor?.release();
    },
  };
}

/** The hourly capture files of `dir`; failures are logged once per kind, as ERROR. */
function openCaptureFiles(dir: string, capturePercent: number, log: (level: string, message: string, extra?: Record<string, unknown>) => void): HourlyCaptureWriter {
  const files = createHourlyCaptureWriter(dir, {
    onFirstFailure: (kind, error) => log('ERROR', 'capture line lost: cannot write the capture file; later failures of this kind are only counted', {
      kind, error: error.message, captureDir: dir,
    }),
  });
  log('INFO', 'capture to files', { captureDir: dir, writerId: files.writerId, capturePercent, layout: `YYYY/MM/DD/HH/${files.writerId}.jsonl` });
  if (capturePercent === 0) log('WARN', '--capture-dir is set but --capture-percent is 0: nothing will be captured', { captureDir: dir });
  return files;
}

function send(res: http.ServerResponse, status: number, headers: Record<string, string>, body: Uint8Array): void {
  res.writeHead(status, { ...headers, 'content-length': String(body.byteLength) });
  res.end(body);
}

/**
 * Reads a request body of at most `limit` bytes. With an `Inference-Header-Content-Length`
 * header, the chunks are joined into a buffer whose binary section is aligned (see
 * alignedRequestBody), so binary tensors are read in place, not copied again.
 * @throws InferenceError PAYLOAD_TOO_LARGE over the limit
 */
export function readRequestBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      reject(new InferenceError(InferenceErrorCode.PAYLOAD_TOO_LARGE, `the request body of ${declared} bytes is over the limit of ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        // Not req.destroy(): that resets the socket before the 413 is written. The 413 goes
        // with `connection: close`, which ends the socket once it is sent.
        req.off('data', onData);
        chunks.length = 0;
        req.resume();
        reject(new InferenceError(InferenceErrorCode.PAYLOAD_TOO_LARGE, `the request body is over the limit of ${limit} bytes`));
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => {
      // Already rejected as too large: nothing to assemble.
      if (size > limit) return;
      const raw = req.headers['inference-header-content-length'];
      const headerLength = headerLengthForLayout(typeof raw === 'string' ? raw : undefined);
      if (headerLength === undefined) {
        resolve(Buffer.concat(chunks, size));
        return;
      }
      const body = alignedRequestBody(size, headerLength);
      let pos = 0;
      for (const c of chunks) pos += c.copy(body, pos);
      resolve(body);
    });
    req.on('error', reject);
  });
}

/** The command-line entry point. */
export async function main(argv: readonly string[]): Promise<void> {
  const write = (line: string) => process.stdout.write(line);
  let options: Omit<ServerOptions, 'write'>;
  try {
    options = parseServerArgs(argv, process.env);
    if (options.captureDir !== undefined) checkCaptureDir(options.captureDir, '--capture-dir (or CAPTURE_DIR)');
  } catch (e) {
    process.stderr.write(`sovereign-ml onnx server: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
    return;
  }
  let server: RunningServer;
  try {
    server = await startServer({ ...options, write });
  } catch (e) {
    // A port in use or not allowed: one line, no stack trace.
    process.stderr.write(`sovereign-ml onnx server: cannot listen on ${options.host}:${options.port}: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
    return;
  }
  write(`${JSON.stringify({ level: 'INFO', message: 'listening', url: server.url })}\n`);
  server.ready.catch(() => {
    // A model that cannot be served: stop, so the orchestrator restarts or reports it.
    void server.close(0).then(() => { process.exitCode = 1; });
  });
  const stop = (signal: string) => {
    write(`${JSON.stringify({ level: 'INFO', message: 'shutting down', signal })}\n`);
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) {
  void main(process.argv.slice(2));
}
