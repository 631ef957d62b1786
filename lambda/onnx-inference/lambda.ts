/**
 * The Lambda adapter of the ONNX predictor: Function URL and API Gateway HTTP API (v2)
 * events, REST API (v1) events and direct invocations, routed to the Open Inference
 * Protocol routes. The model is loaded once per execution environment, at init.
 *
 * Environment: MODEL_PATH (a file, relative to the task root or absolute; wins) or
 * MODEL_S3_URI with MODEL_SHA256; MODEL_NAME, MODEL_VERSION; CAPTURE_SAMPLING_PERCENT;
 * MAX_REQUEST_BYTES.
 */
import * as os from 'node:os';
import { Logger } from '@aws-lambda-powertools/logger';
import { InferenceError, InferenceErrorCode } from '../../lib/inference';
import { createCapture } from './capture';
import { modelSourceFromEnv, resolveModelFile } from './model-source';
import { createPredictor, type Predictor } from './predictor';
import { toHttpRequest } from './lambda-event';
import { createRouter, type HttpRequest, type HttpResponse } from './router';

/** The parts of Lambda's context the adapter reads. */
export interface LambdaContextLike {
  readonly awsRequestId: string;
  readonly functionName?: string;
}

/** The response shape both API Gateway payload versions and Function URLs accept. */
export interface LambdaHttpResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly isBase64Encoded: boolean;
}

const logger = new Logger({ serviceName: 'sovereign-ml-onnx' });
const baseDir = process.env.LAMBDA_TASK_ROOT ?? __dirname;

interface Loaded {
  readonly predictor: Predictor;
  readonly route: (req: HttpRequest) => Promise<HttpResponse>;
  readonly capture: ReturnType<typeof createCapture>;
}

let currentRequestId = '';

/** Loads the model. A failure rejects init, so Lambda reports the error on every invocation. */
async function load(): Promise<Loaded> {
  const source = modelSourceFromEnv(process.env, baseDir);
  const file = await resolveModelFile(source, { tmpDir: os.tmpdir() });
  const predictor = await createPredictor({
    modelPath: file,
    name: source.name,
    version: source.version,
    maxRequestBytes: process.env.MAX_REQUEST_BYTES ? Number(process.env.MAX_REQUEST_BYTES) : undefined,
  });
  logger.appendPersistentKeys({ modelName: predictor.name, modelVersion: predictor.version });
  logger.info('model loaded', { modelFile: file, inputs: predictor.metadata.inputs.length, outputs: predictor.metadata.outputs.length });
  const capture = createCapture({
    samplingPercent: Number(process.env.CAPTURE_SAMPLING_PERCENT ?? 0),
    modelName: predictor.name,
    modelVersion: predictor.version,
    // Raw stdout: one JSON line per record, matched by the capture subscription filter.
    write: (line) => process.stdout.write(line),
  });
  const route = createRouter({
    predictor,
    onInference: (request, response) => {
      capture(request, response, currentRequestId);
    },
  });
  return { predictor, route, capture };
}

const loading = load();

/**
 * Settles when the model is loaded. The bundled entry point awaits it at module level,
 * so a model that cannot be loaded (a SHA-256 mismatch, a missing file) fails the
 * execution environment's init, loudly, before any request.
 */
export const ready: Promise<void> = loading.then(
  () => undefined,
  (e: unknown) => {
    logger.error('model failed to load', e as Error);
    throw e;
  },
);

/** Lambda entry point. */
export async function handler(event: unknown, context: LambdaContextLike): Promise<LambdaHttpResult | Record<string, unknown>> {
  const { predictor, route, capture } = await loading;
  currentRequestId = context.awsRequestId;
  logger.addContext(context as never);
  const started = Date.now();
  const http = toHttpRequest(event);
  if (!http) {
    // Direct invocation: the event is an inference request object.
    try {
      const { encoded, request, response } = await predictor.inferBody(JSON.stringify(event ?? null), undefined, { jsonOnly: true });
      capture(request, response, context.awsRequestId);
      logger.info('inference', { invocation: 'direct', status: 200, ms: Date.now() - started });
      return JSON.parse(Buffer.from(encoded.body).toString('utf8')) as Record<string, unknown>;
    } catch (e) {
      const err = e instanceof InferenceError ? e : new InferenceError(InferenceErrorCode.MODEL_ERROR, 'internal error');
      logger.info('inference', { invocation: 'direct', status: err.status, code: err.code, ms: Date.now() - started });
      return { ...err.toBody(), status: err.status };
    }
  }
  const res = await route(http);
  logger.info('request', { method: http.method, path: http.path, status: res.status, ms: Date.now() - started });
  const text = res.headers['content-type'] === 'application/json';
  return {
    statusCode: res.status,
    headers: res.headers,
    body: Buffer.from(res.body).toString(text ? 'utf8' : 'base64'),
    isBase64Encoded: !text,
  };
}
