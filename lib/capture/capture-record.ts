/**
 * The capture record of the ONNX inference function: one JSON object per captured
 * request, written as one line to the function's log stream, delivered by a log
 * subscription and Kinesis Data Firehose into the capture bucket (one record per line),
 * and read back by the drift job.
 *
 * Format (version 1), one line of JSON:
 * ```json
 * {"kind":"sovereign-ml.capture","v":1,"time":"2026-11-24T06:00:00.000Z",
 *  "model":{"name":"hk-claims-fraud","version":"3"},"requestId":"<Lambda request id>",
 *  "inferenceId":"<the request's id, if any>",
 *  "inputs":[{"name":"claim_features","datatype":"FP32","shape":[1,10],"data":[...]}],
 *  "outputs":[{"name":"fraud_probability","datatype":"FP32","shape":[1,1],"data":[0.07]}]}
 * ```
 * - `data` is flat and row-major, as in the Open Inference Protocol; INT64/UINT64 values
 *   are JSON numbers (exact up to 2^53), BOOL values `true`/`false`, FP16 values decoded
 *   numbers, BYTES values strings.
 * - The subscription filter selects records with the pattern `{ $.kind = "sovereign-ml.capture" }`.
 */

/** Discriminator of capture lines among other log lines. */
export const CAPTURE_KIND = 'sovereign-ml.capture';
/** Current format version. */
export const CAPTURE_VERSION = 1;
/** CloudWatch Logs filter pattern that selects capture records. */
export const CAPTURE_FILTER_PATTERN = `{ $.kind = "${CAPTURE_KIND}" }`;

/** One captured tensor. */
export interface CapturedTensor {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
  readonly data: ReadonlyArray<number | boolean | string>;
}

/** One captured request and its response. */
export interface CaptureRecord {
  readonly kind: typeof CAPTURE_KIND;
  readonly v: typeof CAPTURE_VERSION;
  /** ISO-8601 time of the response. */
  readonly time: string;
  readonly model: { readonly name: string; readonly version: string };
  /** The invocation's request id (Lambda) or a server-generated id. */
  readonly requestId: string;
  /** The `id` the client gave the inference request, if any. */
  readonly inferenceId?: string;
  readonly inputs: readonly CapturedTensor[];
  readonly outputs: readonly CapturedTensor[];
}

/** Why a line is not a capture record. */
export type CaptureParseFailure = 'not-json' | 'not-a-capture' | 'unsupported-version' | 'malformed';

/** Serializes a record as one line (with a trailing newline). */
export function formatCaptureLine(record: CaptureRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/**
 * Parses one line. Lines of other kinds (ordinary log lines) are `not-a-capture`;
 * truncated or corrupt lines are `not-json` or `malformed`, for the caller to count and
 * skip.
 */
export function parseCaptureLine(line: string): { record: CaptureRecord } | { failure: CaptureParseFailure } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { failure: 'not-json' };
  }
  if (typeof value !== 'object' || value === null || (value as { kind?: unknown }).kind !== CAPTURE_KIND) {
    return { failure: 'not-a-capture' };
  }
  const r = value as Partial<CaptureRecord>;
  if (r.v !== CAPTURE_VERSION) return { failure: 'unsupported-version' };
  const tensorsOk = (ts: unknown) => Array.isArray(ts) && ts.every((t) => {
    const x = t as Partial<CapturedTensor>;
    return typeof x.name === 'string' && typeof x.datatype === 'string' && Array.isArray(x.shape) && Array.isArray(x.data)
      && x.data.length === x.shape.reduce((a: number, b: number) => a * b, 1);
  });
  if (typeof r.time !== 'string' || typeof r.model?.name !== 'string' || typeof r.model.version !== 'string'
    || typeof r.requestId !== 'string' || !tensorsOk(r.inputs) || !tensorsOk(r.outputs)) {
    return { failure: 'malformed' };
  }
  return { record: r as CaptureRecord };
}
