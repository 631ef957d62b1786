/**
 * The Open Inference Protocol routes, shared by the Lambda adapter and the HTTP server:
 * plain request in, plain response out.
 *
 * @see https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md
 */
import { InferenceError, InferenceErrorCode, type InferenceRequest, type InferenceResponse } from '../../lib/inference';
import type { Predictor } from './predictor';

/** A transport-neutral HTTP request. Header names are lower case. */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Uint8Array;
}

/** A transport-neutral HTTP response. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

/** Called after every successful inference (capture, metrics). */
export type InferenceListener = (request: InferenceRequest, response: InferenceResponse) => void;

/** Options of {@link createRouter}. */
export interface RouterOptions {
  /** The predictor, or a function returning it once loaded (undefined while loading). */
  readonly predictor: Predictor | (() => Predictor | undefined);
  /**
   * Called after each successful inference.
   * @default - nothing
   */
  readonly onInference?: InferenceListener;
}

const MODEL_PATH = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/infer|\/ready)?$/;

/** Builds the route handler. It never throws: every failure is a JSON error response. */
export function createRouter(options: RouterOptions): (req: HttpRequest) => Promise<HttpResponse> {
  const current = typeof options.predictor === 'function' ? options.predictor : () => options.predictor as Predictor;
  return async (req) => {
    try {
      return await route(req, current, options.onInference);
    } catch (e) {
      if (e instanceof InferenceError) return json(e.status, e.toBody());
      // Not a client error: log it, answer without internals.
      console.error(JSON.stringify({ level: 'ERROR', message: 'unhandled error', error: e instanceof Error ? e.message : String(e) }));
      return json(500, { error: 'internal error', code: InferenceErrorCode.MODEL_ERROR });
    }
  };
}

async function route(req: HttpRequest, current: () => Predictor | undefined, onInference?: InferenceListener): Promise<HttpResponse> {
  const path = req.path.replace(/\/+$/, '') || '/';
  const predictor = current();
  if (path === '/v2/health/live') return only(req, 'GET', () => json(200, { live: true }));
  if (path === '/v2/health/ready') return only(req, 'GET', () => json(predictor ? 200 : 503, { ready: predictor !== undefined }));
  if (path === '/v2') {
    return only(req, 'GET', () => json(200, { name: 'sovereign-ml-onnx', version: '1', extensions: ['binary_tensor_data'] }));
  }
  const m = MODEL_PATH.exec(path);
  if (!m) throw new InferenceError(InferenceErrorCode.NOT_FOUND, `no route for ${req.method} ${path}; routes are /v2/health/ready, /v2/health/live, /v2/models/{name}, /v2/models/{name}/infer`);
  if (!predictor) throw new InferenceError(InferenceErrorCode.MODEL_NOT_READY, 'the model is still loading');
  const [, rawName, rawVersion, action] = m;
  const name = decodeSegment(rawName!);
  const version = rawVersion === undefined ? undefined : decodeSegment(rawVersion);
  if (name !== predictor.name) {
    throw new InferenceError(InferenceErrorCode.MODEL_NOT_FOUND, `model ${JSON.stringify(name)} is not served here; this server serves ${JSON.stringify(predictor.name)}`);
  }
  if (version !== undefined && version !== predictor.version) {
    throw new InferenceError(InferenceErrorCode.MODEL_NOT_FOUND, `version ${JSON.stringify(version)} of ${predictor.name} is not served here; this server serves version ${predictor.version}`);
  }
  if (action === undefined) return only(req, 'GET', () => json(200, predictor.metadata));
  if (action === '/ready') return only(req, 'GET', () => json(200, { name: predictor.name, ready: true }));
  if (req.method !== 'POST') throw new InferenceError(InferenceErrorCode.METHOD_NOT_ALLOWED, `${req.method} is not allowed on ${path}; use POST`);
  const headerLength = parseHeaderLength(req.headers['inference-header-content-length']);
  const type = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  if (headerLength === undefined ? type !== 'application/json' && type !== '' : type !== 'application/octet-stream' && type !== 'application/json') {
    throw new InferenceError(InferenceErrorCode.UNSUPPORTED_MEDIA_TYPE, `content-type ${JSON.stringify(type)} is not accepted; send application/json, or application/octet-stream with Inference-Header-Content-Length`);
  }
  const { encoded, request, response } = await predictor.inferBody(req.body, headerLength);
  onInference?.(request, response);
  const headers: Record<string, string> = { 'content-type': encoded.contentType };
  if (encoded.headerLength !== undefined) headers['inference-header-content-length'] = String(encoded.headerLength);
  return { status: 200, headers, body: encoded.body };
}

/** A path segment percent-decoded; bad escapes (`%E0`) are the client's error, not a 500. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new InferenceError(InferenceErrorCode.NOT_FOUND, `the path segment ${JSON.stringify(segment)} is not valid percent-encoded UTF-8`);
  }
}

function parseHeaderLength(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new InferenceError(InferenceErrorCode.INVALID_REQUEST, `Inference-Header-Content-Length must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return n;
}

function only(req: HttpRequest, method: string, answer: () => HttpResponse): HttpResponse {
  if (req.method !== method) throw new InferenceError(InferenceErrorCode.METHOD_NOT_ALLOWED, `${req.method} is not allowed here; use ${method}`);
  return answer();
}

function json(status: number, value: unknown): HttpResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(value)) };
}
