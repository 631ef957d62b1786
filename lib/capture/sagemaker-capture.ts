/**
 * SageMaker data capture: the JSON Lines files a real-time endpoint with `DataCaptureConfig`
 * writes to Amazon S3 (`s3://<prefix>/<endpoint>/<variant>/yyyy/mm/dd/hh/<file>.jsonl`), one
 * captured invocation per line:
 *
 * ```json
 * {"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"132,25,113.2","encoding":"CSV"},
 *  "endpointOutput":{"observedContentType":"text/csv; charset=utf-8","mode":"OUTPUT","data":"0.0107","encoding":"CSV"}},
 *  "eventMetadata":{"eventId":"feca1ab1-...","inferenceTime":"2019-11-20T23:33:12Z"},"eventVersion":"0"}
 * ```
 * - `encoding` says how `data` holds the payload: `CSV` and `JSON` as text, `BASE64` as the
 *   base64 of the payload bytes (the default for content types not listed in the endpoint's
 *   `CaptureContentTypeHeader`).
 * - `endpointInput` or `endpointOutput` is absent when the endpoint captures only the other.
 * - `eventMetadata.inferenceId` is present when the caller passed one;
 *   `customAttributes` when it sent `CustomAttributes`.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture-endpoint.html
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-pre-and-post-processing.html
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CaptureContentTypeHeader.html
 */
import { classifyJsonFailure, type PayloadFailure, type PayloadFormat } from './payload';

/** How SageMaker stored a captured payload in `data`. */
export type SageMakerCaptureEncoding = 'CSV' | 'JSON' | 'BASE64';

/** One side of a captured invocation: `endpointInput` or `endpointOutput`. */
export interface SageMakerCapturedData {
  /** The request's `Content-Type` (input) or the response's (output), parameters included. */
  readonly observedContentType: string;
  /** `INPUT` or `OUTPUT`. */
  readonly mode: string;
  /** The payload, as text or base64 according to `encoding`. */
  readonly data: string;
  /** How `data` holds the payload. */
  readonly encoding: SageMakerCaptureEncoding;
}

/** One line of a SageMaker data-capture file. */
export interface SageMakerCaptureEvent {
  readonly captureData: {
    /** @default - none (the endpoint captures only responses) */
    readonly endpointInput?: SageMakerCapturedData;
    /** @default - none (the endpoint captures only requests) */
    readonly endpointOutput?: SageMakerCapturedData;
  };
  readonly eventMetadata: {
    readonly eventId?: string;
    /** ISO-8601 time of the invocation. */
    readonly inferenceTime?: string;
    /** The `InferenceId` the caller passed to `InvokeEndpoint`, if any. */
    readonly inferenceId?: string;
    readonly customAttributes?: unknown;
  };
  /** `"0"`, the only documented version. */
  readonly eventVersion: string;
}

/** The capture event versions read here. */
export const SAGEMAKER_CAPTURE_EVENT_VERSIONS: readonly string[] = Object.freeze(['0']);

const ENCODINGS: ReadonlySet<string> = new Set<SageMakerCaptureEncoding>(['CSV', 'JSON', 'BASE64']);

/** Why a line is not a SageMaker capture event. */
export type SageMakerCaptureFailure = 'not-json' | 'truncated-json' | 'not-a-capture' | 'unsupported-version' | 'malformed';

/**
 * Checks a parsed line: an object with `captureData` is a capture event (else
 * `not-a-capture`); it is `malformed` when `captureData` or a captured side is not an
 * object, `data` is not a string or `encoding` is not `CSV`, `JSON` or `BASE64`; and
 * `unsupported-version` when `eventVersion` is present and not `"0"`.
 */
export function toSageMakerCaptureEvent(value: unknown): { event: SageMakerCaptureEvent } | { failure: SageMakerCaptureFailure; detail: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('captureData' in value)) {
    return { failure: 'not-a-capture', detail: 'no captureData' };
  }
  const v = value as { captureData?: unknown; eventMetadata?: unknown; eventVersion?: unknown };
  if (v.eventVersion !== undefined && !SAGEMAKER_CAPTURE_EVENT_VERSIONS.includes(String(v.eventVersion))) {
    return { failure: 'unsupported-version', detail: `eventVersion ${JSON.stringify(v.eventVersion)}` };
  }
  const cd = v.captureData;
  if (typeof cd !== 'object' || cd === null) return { failure: 'malformed', detail: 'captureData is not an object' };
  for (const side of ['endpointInput', 'endpointOutput'] as const) {
    const d = (cd as Record<string, unknown>)[side] as Partial<Record<keyof SageMakerCapturedData, unknown>> | undefined;
    if (d === undefined) continue;
    if (typeof d !== 'object' || d === null) return { failure: 'malformed', detail: `captureData.${side} is not an object` };
    if (typeof d.data !== 'string') return { failure: 'malformed', detail: `captureData.${side}.data is not a string` };
    if (typeof d.encoding !== 'string' || !ENCODINGS.has(d.encoding)) {
      return { failure: 'malformed', detail: `captureData.${side}.encoding is ${JSON.stringify(d.encoding)}, expected CSV, JSON or BASE64` };
    }
    if (d.observedContentType !== undefined && typeof d.observedContentType !== 'string') {
      return { failure: 'malformed', detail: `captureData.${side}.observedContentType is not a string` };
    }
  }
  const meta = v.eventMetadata ?? {};
  if (typeof meta !== 'object' || meta === null) return { failure: 'malformed', detail: 'eventMetadata is not an object' };
  for (const key of ['eventId', 'inferenceTime', 'inferenceId'] as const) {
    const x = (meta as Record<string, unknown>)[key];
    if (x !== undefined && typeof x !== 'string') return { failure: 'malformed', detail: `eventMetadata.${key} is not a string` };
  }
  return { event: { captureData: cd as SageMakerCaptureEvent['captureData'], eventMetadata: meta as SageMakerCaptureEvent['eventMetadata'], eventVersion: String(v.eventVersion ?? '0') } };
}

/**
 * Parses one line of a capture file. `not-json` and `truncated-json` (a line cut short)
 * are told apart by {@link classifyJsonFailure}; see {@link toSageMakerCaptureEvent} for the
 * rest.
 */
export function parseSageMakerCaptureLine(line: string): { event: SageMakerCaptureEvent } | { failure: SageMakerCaptureFailure; detail: string } {
  const parsed = parseJsonLine(line);
  return 'failure' in parsed ? parsed : toSageMakerCaptureEvent(parsed.value);
}

/** A line's JSON value, or why it is not JSON (truncated or otherwise). */
export function parseJsonLine(line: string): { value: unknown } | { failure: ReturnType<typeof classifyJsonFailure>; detail: string } {
  try {
    return { value: JSON.parse(line) as unknown };
  } catch {
    const failure = classifyJsonFailure(line);
    return { failure, detail: failure === 'truncated-json' ? 'line ends inside JSON' : 'line is not JSON' };
  }
}

/**
 * The payload format of a captured side: from the content type when it is CSV
 * (`text/csv`), JSON (`application/json`, `*\/*+json`) or JSON Lines
 * (`application/jsonlines`, `application/x-jsonlines`, `application/x-ndjson`); else from
 * `encoding` `CSV` or `JSON` (content types the endpoint's `CaptureContentTypeHeader` lists
 * as CSV or JSON); else `undefined`. JSON with a `json-header-size` parameter (binary tensor
 * data after the JSON) is `undefined`.
 */
export function capturedPayloadFormat(captured: Pick<SageMakerCapturedData, 'observedContentType' | 'encoding'>): PayloadFormat | undefined {
  const observed = captured.observedContentType ?? '';
  if (observed === 'text/csv') return 'csv';
  if (observed === 'application/json') return 'json';
  const [type = '', ...params] = observed.toLowerCase().split(';').map((s) => s.trim());
  if (params.some((p) => p.startsWith('json-header-size'))) return undefined;
  if (type === 'text/csv') return 'csv';
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === 'application/jsonlines' || type === 'application/x-jsonlines' || type === 'application/x-ndjson') return 'jsonlines';
  if (captured.encoding === 'CSV') return 'csv';
  if (captured.encoding === 'JSON') return 'json';
  return undefined;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The payload text and format of a captured side. Fails with `unsupported-content-type`
 * when the format is neither CSV nor JSON (see {@link capturedPayloadFormat}),
 * `bad-base64` when `BASE64` data is not canonical base64 (length a multiple of 4, only the
 * base64 alphabet, at most two `=` at the end), and `bad-payload` when the decoded bytes
 * are not UTF-8.
 */
export function decodeCapturedData(captured: SageMakerCapturedData): { text: string; format: PayloadFormat } | PayloadFailure {
  const format = capturedPayloadFormat(captured);
  if (format === undefined) {
    return { failure: 'unsupported-content-type', detail: `${captured.mode || 'payload'} content type ${JSON.stringify(captured.observedContentType)} with encoding ${captured.encoding}` };
  }
  if (captured.encoding !== 'BASE64') return { text: captured.data, format };
  const data = captured.data;
  if (data.length % 4 !== 0 || !BASE64.test(data)) {
    return { failure: 'bad-base64', detail: `${captured.mode || 'payload'} data is not base64 (length ${data.length})` };
  }
  try {
    return { text: UTF8.decode(Buffer.from(data, 'base64')), format };
  } catch {
    return { failure: 'bad-payload', detail: `${captured.mode || 'payload'} data is not UTF-8 text` };
  }
}
