/**
 * The one error type of sovereign-ml, with stable codes.
 *
 * Codes are part of the public contract: scripts and tests match on them, so a code is
 * never renamed once released. Messages follow the house style: they name the prop path,
 * what is wrong, the value received and what is allowed; lowercase start, no trailing
 * period.
 */

/** Stable error codes, grouped by the part of the library that raises them. */
export const ErrorCode = {
  /** Construct props or plain-data input failed validation. */
  INVALID_PROPS: 'INVALID_PROPS',
  /** A region name is not in the region catalog. */
  REGION_UNKNOWN: 'REGION_UNKNOWN',
  /** A stack's region is needed but the stack is environment-agnostic. */
  REGION_UNRESOLVED: 'REGION_UNRESOLVED',
  /** A SageMaker prebuilt image family is not published in a region. */
  IMAGE_NOT_IN_REGION: 'IMAGE_NOT_IN_REGION',
  /** A model file given to the registry does not exist or is not a regular file. */
  MODEL_FILE_NOT_FOUND: 'MODEL_FILE_NOT_FOUND',
  /** A model file given to the registry is empty. */
  MODEL_FILE_EMPTY: 'MODEL_FILE_EMPTY',
  /** A model file is too large to upload through a CloudFormation deployment. */
  MODEL_FILE_TOO_LARGE: 'MODEL_FILE_TOO_LARGE',
  /** Props combine features that the service does not support together. */
  UNSUPPORTED_COMBINATION: 'UNSUPPORTED_COMBINATION',
  /** A model version was registered twice in the same registry. */
  MODEL_VERSION_DUPLICATE: 'MODEL_VERSION_DUPLICATE',
} as const;

/** One of the stable error codes in {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const ERROR_SYMBOL: unique symbol = Symbol.for('sovereign-ml.SovereignMlError') as never;

/** Options for {@link SovereignMlError}. */
export interface SovereignMlErrorOptions {
  /**
   * Path of the construct the error is about, added by the construct layer.
   * @default - none (the error comes from plain-data code)
   */
  readonly constructPath?: string;
  /**
   * The underlying cause.
   * @default - none
   */
  readonly cause?: unknown;
}

/**
 * The error thrown by every part of sovereign-ml.
 *
 * `code` is stable; `detail` is the message without the construct path; `message` adds
 * the path (when there is one) so that a `cdk synth` failure points at the construct.
 */
export class SovereignMlError extends Error {
  /** Whether `x` is a {@link SovereignMlError}, across copies of this module. */
  public static isSovereignMlError(x: unknown): x is SovereignMlError {
    return typeof x === 'object' && x !== null && (x as { [ERROR_SYMBOL]?: boolean })[ERROR_SYMBOL] === true;
  }

  /** The stable code. */
  public readonly code: ErrorCode;
  /** The message without the construct path. */
  public readonly detail: string;
  /** Path of the construct the error is about, if any. */
  public readonly constructPath?: string;

  public constructor(code: ErrorCode, detail: string, options: SovereignMlErrorOptions = {}) {
    super(options.constructPath ? `${detail} (at ${options.constructPath})` : detail,
      options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SovereignMlError';
    this.code = code;
    this.detail = detail;
    this.constructPath = options.constructPath;
    Object.defineProperty(this, ERROR_SYMBOL, { value: true });
  }

  /** A copy of this error that names the construct it is about. */
  public withConstructPath(constructPath: string): SovereignMlError {
    return new SovereignMlError(this.code, this.detail, { constructPath, cause: this.cause });
  }
}

