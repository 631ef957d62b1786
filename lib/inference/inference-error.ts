/**
 * The error of the inference data plane, with a stable code and the HTTP status it maps to.
 *
 * It is separate from `SovereignMlError` because it travels to HTTP clients: `toBody()` is
 * the protocol's error object (`{ "error": "..." }`) plus the stable code, and never
 * carries a stack trace.
 */

/**
 * Stable codes of {@link InferenceError}; each value equals its key. Codes are part of the
 * public contract and are never renamed once released.
 */
export const InferenceErrorCode = {
  /** The request body (or its JSON header) is not valid UTF-8 JSON. (400) */
  INVALID_JSON: 'INVALID_JSON',
  /** The request does not follow the protocol's schema; the message lists every issue. (400) */
  INVALID_REQUEST: 'INVALID_REQUEST',
  /** A tensor's datatype is not one of the protocol's data types. (400) */
  INVALID_DATATYPE: 'INVALID_DATATYPE',
  /** A tensor's data does not hold as many elements as its shape needs. (400) */
  DATA_LENGTH_MISMATCH: 'DATA_LENGTH_MISMATCH',
  /** A numeric or BOOL tensor holds a string, null, object or array element. (400) */
  NON_NUMERIC_DATA: 'NON_NUMERIC_DATA',
  /** A number does not fit the tensor's datatype (fractional or out-of-range integer, float overflow). (400) */
  VALUE_OUT_OF_RANGE: 'VALUE_OUT_OF_RANGE',
  /** Binary tensor data does not match the JSON header or is malformed. (400) */
  INVALID_BINARY_DATA: 'INVALID_BINARY_DATA',
  /** The request body is larger than the limit. (413) */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** The request has an input the model does not declare. (400) */
  UNKNOWN_INPUT: 'UNKNOWN_INPUT',
  /** The request lacks an input the model declares. (400) */
  MISSING_INPUT: 'MISSING_INPUT',
  /** An input's datatype differs from the model's. (400) */
  DATATYPE_MISMATCH: 'DATATYPE_MISMATCH',
  /** An input's shape is not compatible with the model's. (400) */
  SHAPE_MISMATCH: 'SHAPE_MISMATCH',
  /** The request asks for an output the model does not produce. (400) */
  UNKNOWN_OUTPUT: 'UNKNOWN_OUTPUT',
  /** No model of that name (or version) is served here. (404) */
  MODEL_NOT_FOUND: 'MODEL_NOT_FOUND',
  /** No such endpoint. (404) */
  NOT_FOUND: 'NOT_FOUND',
  /** The endpoint exists but not for this HTTP method. (405) */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** The request's Content-Type is not one the endpoint reads. (415) */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** The model failed while running, or produced outputs that cannot be encoded. (500) */
  MODEL_ERROR: 'MODEL_ERROR',
  /** The model is still loading. (503) */
  MODEL_NOT_READY: 'MODEL_NOT_READY',
} as const;

/** One of the stable codes in {@link InferenceErrorCode}. */
export type InferenceErrorCode = (typeof InferenceErrorCode)[keyof typeof InferenceErrorCode];

const STATUS: Readonly<Record<InferenceErrorCode, number>> = {
  INVALID_JSON: 400,
  INVALID_REQUEST: 400,
  INVALID_DATATYPE: 400,
  DATA_LENGTH_MISMATCH: 400,
  NON_NUMERIC_DATA: 400,
  VALUE_OUT_OF_RANGE: 400,
  INVALID_BINARY_DATA: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNKNOWN_INPUT: 400,
  MISSING_INPUT: 400,
  DATATYPE_MISMATCH: 400,
  SHAPE_MISMATCH: 400,
  UNKNOWN_OUTPUT: 400,
  MODEL_NOT_FOUND: 404,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_MEDIA_TYPE: 415,
  MODEL_ERROR: 500,
  MODEL_NOT_READY: 503,
};

const ERROR_SYMBOL: unique symbol = Symbol.for('sovereign-ml.InferenceError') as never;

/** Options for {@link InferenceError}. */
export interface InferenceErrorOptions {
  /**
   * The underlying cause, kept for logs; it never reaches {@link InferenceError.toBody}.
   * @default - none
   */
  readonly cause?: unknown;
}

/**
 * An error answered to an inference client as `status` with the body `toBody()`.
 *
 * Messages follow the house style and name the tensor, e.g.
 * `inputs[0] ("features").data has 7 elements but shape [2,4] needs 8`.
 *
 * @see https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md#inference-response-json-error-object
 */
export class InferenceError extends Error {
  /** Whether `x` is an {@link InferenceError}, across copies of this module (bundles). */
  public static isInferenceError(x: unknown): x is InferenceError {
    return typeof x === 'object' && x !== null && (x as { [ERROR_SYMBOL]?: boolean })[ERROR_SYMBOL] === true;
  }

  /** The stable code. */
  public readonly code: InferenceErrorCode;
  /** The HTTP status to answer with. */
  public readonly status: number;

  public constructor(code: InferenceErrorCode, message: string, options: InferenceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'InferenceError';
    this.code = code;
    this.status = STATUS[code];
    Object.defineProperty(this, ERROR_SYMBOL, { value: true });
  }

  /** The HTTP response body: the protocol's `error` string and the stable `code`. */
  public toBody(): { error: string; code: string } {
    return { error: this.message, code: this.code };
  }
}
