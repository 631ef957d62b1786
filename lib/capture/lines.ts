/**
 * Lines of a plain or gzip-compressed stream (an S3 object body, a file), read with
 * `node:zlib` and `node:readline` in bounded memory.
 */
import { createInterface } from 'node:readline';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** Stable codes of {@link CaptureStreamError}; each value equals its key. */
export const CaptureStreamErrorCode = {
  /** The gzip data ends before its end marker (an object cut short). */
  TRUNCATED_GZIP: 'TRUNCATED_GZIP',
  /** The gzip data is invalid: bad header, bad block, or checksum mismatch. */
  CORRUPT_GZIP: 'CORRUPT_GZIP',
} as const;

/** One of the stable codes in {@link CaptureStreamErrorCode}. */
export type CaptureStreamErrorCode = (typeof CaptureStreamErrorCode)[keyof typeof CaptureStreamErrorCode];

const ERROR_SYMBOL: unique symbol = Symbol.for('sovereign-ml.CaptureStreamError') as never;

/**
 * A stream that cannot be read to its end, such as a truncated gzip object. The caller
 * counts the object as corrupt (see `recordCorruptObject`) and goes on with the next one;
 * the lines delivered before the error were complete and stay valid.
 */
export class CaptureStreamError extends Error {
  /** Whether `x` is a {@link CaptureStreamError}, across copies of this module (bundles). */
  public static isCaptureStreamError(x: unknown): x is CaptureStreamError {
    return typeof x === 'object' && x !== null && (x as { [ERROR_SYMBOL]?: boolean })[ERROR_SYMBOL] === true;
  }

  /** The stable code. */
  public readonly code: CaptureStreamErrorCode;
  /** Complete lines delivered before the error. */
  public readonly linesBefore: number;

  public constructor(code: CaptureStreamErrorCode, message: string, linesBefore: number, options: { readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CaptureStreamError';
    this.code = code;
    this.linesBefore = linesBefore;
    Object.defineProperty(this, ERROR_SYMBOL, { value: true });
  }
}

/** Options of {@link linesOf}. */
export interface LinesOptions {
  /**
   * Whether the stream is gzip-compressed; `auto` looks for the gzip magic bytes `1f 8b`.
   * @default 'auto'
   */
  readonly gzip?: boolean | 'auto';
}

/** Bytes of the stream, with the first two (or fewer, for a shorter stream) read ahead. */
async function peek(stream: NodeJS.ReadableStream): Promise<{ head: Buffer; rest: AsyncIterator<unknown> }> {
  const rest = (stream as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  while (size < 2) {
    const next = await rest.next();
    if (next.done) break;
    const chunk = toBuffer(next.value);
    chunks.push(chunk);
    size += chunk.length;
  }
  return { head: Buffer.concat(chunks), rest };
}

function toBuffer(chunk: unknown): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk as Uint8Array);
}

/** zlib errors as {@link CaptureStreamError}; other errors (the source's own) unchanged. */
function toStreamError(error: unknown, lines: number): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'Z_BUF_ERROR') {
    return new CaptureStreamError(CaptureStreamErrorCode.TRUNCATED_GZIP,
      `gzip data ends early after ${lines} complete lines (${(error as Error).message}); the object was cut short`, lines, { cause: error });
  }
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new CaptureStreamError(CaptureStreamErrorCode.CORRUPT_GZIP,
      `gzip data is corrupt after ${lines} complete lines (${(error as Error).message})`, lines, { cause: error });
  }
  return error;
}

/**
 * The lines of `stream`, decompressed when it is gzip (one or more members), decoded as
 * UTF-8, without their `\n` or `\r\n`. Memory is bounded by the longest line.
 *
 * A gzip stream that is cut short or corrupt ends the iteration with a
 * {@link CaptureStreamError} (`TRUNCATED_GZIP`, `CORRUPT_GZIP`) after the complete lines
 * before the damage; the partial last line is not delivered. Errors of `stream` itself
 * are passed on unchanged.
 */
export async function* linesOf(stream: NodeJS.ReadableStream, options: LinesOptions = {}): AsyncGenerator<string, void, undefined> {
  const { head, rest } = await peek(stream);
  const gzip = options.gzip === 'auto' || options.gzip === undefined ? head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b : options.gzip;
  async function* bytes(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield toBuffer(next.value);
  }
  let source: NodeJS.ReadableStream = Readable.from(bytes(), { objectMode: false });
  if (gzip) {
    const gunzip = createGunzip();
    // pipeline forwards errors of the source into gunzip, hence to readline.
    source = pipeline(source, gunzip, () => undefined);
  }
  const reader = createInterface({ input: source, crlfDelay: Infinity });
  let lines = 0;
  try {
    for await (const line of reader) {
      lines++;
      yield line;
    }
  } catch (error) {
    throw toStreamError(error, lines);
  } finally {
    reader.close();
    (source as Readable).destroy();
    // Stops the caller's stream too when iteration ends early (break, error).
    await rest.return?.().catch(() => undefined);
  }
}
