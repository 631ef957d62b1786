/**
 * Lines of a plain or gzip-compressed stream (an S3 object body, a file), read with
 * `node:zlib` in bounded memory, split as `node:readline` splits them.
 */
import { pipeline, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
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

/** A chunk as a Buffer, viewing (not copying) the bytes of a Buffer or Uint8Array. */
function toBuffer(chunk: unknown): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (Buffer.isBuffer(chunk)) return chunk;
  const u = chunk as Uint8Array;
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
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
 * UTF-8, without their `\n` or `\r\n` (see {@link lineBatchesOf} for the exact rules).
 * Memory is bounded by a chunk of the stream and the longest line.
 *
 * A gzip stream that is cut short or corrupt ends the iteration with a
 * {@link CaptureStreamError} (`TRUNCATED_GZIP`, `CORRUPT_GZIP`) after the complete lines
 * before the damage; the partial last line is not delivered. Errors of `stream` itself
 * are passed on unchanged.
 */
export async function* linesOf(stream: NodeJS.ReadableStream, options: LinesOptions = {}): AsyncGenerator<string, void, undefined> {
  for await (const batch of lineBatchesOf(stream, options)) {
    for (const line of batch) yield line;
  }
}

/**
 * The lines of {@link linesOf}, a batch per chunk of the stream (the complete lines it
 * ends): the same lines, the same errors after the same lines, with one step of the
 * iteration per chunk rather than per line, which matters at a million lines. Memory is
 * bounded by a chunk and the longest line.
 *
 * Lines end as with `node:readline` (`crlfDelay: Infinity`): at `\n`, `\r\n`, or a lone
 * `\r`; a last line without an end is delivered when not empty; bytes of an incomplete
 * UTF-8 character at the very end are dropped.
 */
export async function* lineBatchesOf(stream: NodeJS.ReadableStream, options: LinesOptions = {}): AsyncGenerator<string[], void, undefined> {
  const { head, rest } = await peek(stream);
  const gzip = options.gzip === 'auto' || options.gzip === undefined ? head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b : options.gzip;
  async function* bytes(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield toBuffer(next.value);
  }
  // pipeline forwards errors of the source into gunzip, hence to this loop.
  const gunzipped = gzip ? pipeline(Readable.from(bytes(), { objectMode: false }), createGunzip(), () => undefined) : undefined;
  const chunks: AsyncIterable<unknown> = gunzipped ?? bytes();
  const splitter = new LineSplitter();
  let lines = 0;
  try {
    for await (const chunk of chunks) {
      const batch = splitter.push(chunk as Buffer);
      if (batch.length > 0) {
        lines += batch.length;
        yield batch;
      }
    }
    const last = splitter.end();
    if (last !== undefined) {
      lines++;
      yield [last];
    }
  } catch (error) {
    throw toStreamError(error, lines);
  } finally {
    gunzipped?.destroy();
    // Stops the caller's stream too when iteration ends early (break, error).
    await rest.return?.().catch(() => undefined);
  }
}

/**
 * Splits a byte stream into lines exactly as `node:readline` with `crlfDelay: Infinity`
 * does (its decoder, its line ends), without its per-line events and promises.
 */
class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  /** The unfinished line so far. */
  private pending = '';
  /** Whether the last chunk ended with `\r`, whose `\n` may open the next one. */
  private afterCr = false;

  /** The lines that `chunk` completes. */
  public push(chunk: Buffer): string[] {
    let text = this.decoder.write(chunk);
    if (this.afterCr) {
      if (text.charCodeAt(0) === 10) text = text.slice(1);
      this.afterCr = false;
    }
    const lines: string[] = [];
    // The next LF and the next CR at or after `start` (-1: none to the end of `text`),
    // searched again only once `start` has passed them: each search starts where the
    // last one stopped, so a chunk is scanned once however its lines end (searching from
    // `start` for every line scanned to the chunk's end per line when one of the two
    // characters is rare or absent, e.g. CR-only line ends).
    let lf = text.indexOf('\n');
    let cr = text.indexOf('\r');
    let start = 0;
    for (;;) {
      if (lf >= 0 && lf < start) lf = text.indexOf('\n', start);
      if (cr >= 0 && cr < start) cr = text.indexOf('\r', start);
      let end = lf;
      let next = lf + 1;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        end = cr;
        next = text.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1;
      }
      if (end < 0) break;
      const line = text.slice(start, end);
      if (start === 0 && this.pending !== '') {
        lines.push(this.pending + line);
        this.pending = '';
      } else {
        lines.push(line);
      }
      start = next;
    }
    if (start === 0) {
      this.pending += text;
    } else {
      this.pending = text.slice(start);
      this.afterCr = text.charCodeAt(text.length - 1) === 13;
    }
    return lines;
  }

  /** The last line, when the stream does not end with a line end and it is not empty. */
  public end(): string | undefined {
    return this.pending.length > 0 ? this.pending : undefined;
  }
}
