import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  CaptureStreamError, CaptureStreamErrorCode, createCaptureStats, lineBatchesOf, linesOf, readCaptureLines, recordCorruptObject, type LinesOptions,
} from '../../../lib/capture';

async function collect(chunks: ReadonlyArray<Buffer | string>, options?: LinesOptions): Promise<string[]> {
  const out: string[] = [];
  for await (const line of linesOf(Readable.from(chunks), options)) out.push(line);
  return out;
}

/** The complete lines read, and the error that ended the stream. */
async function collectUntilError(chunks: ReadonlyArray<Buffer | string>, options?: LinesOptions): Promise<{ lines: string[]; error: unknown }> {
  const lines: string[] = [];
  try {
    for await (const line of linesOf(Readable.from(chunks), options)) lines.push(line);
  } catch (error) {
    return { lines, error };
  }
  throw new Error('expected the stream to fail');
}

const TEXT = 'first\nsecond\r\nthird';
const MANY = Array.from({ length: 3000 }, (_, i) => `{"n":${i},"pad":"${'x'.repeat(40)}"}`).join('\n');

describe('linesOf', () => {
  test.each([
    ['plain text', [TEXT], {}],
    ['plain text in one-byte chunks', [...TEXT].map((c) => Buffer.from(c)), {}],
    ['gzip, detected', [gzipSync(TEXT)], {}],
    ['gzip, split before the magic bytes end', (() => { const g = gzipSync(TEXT); return [g.subarray(0, 1), g.subarray(1)]; })(), {}],
    ['gzip, declared', [gzipSync(TEXT)], { gzip: true }],
    ['plain, declared', [TEXT], { gzip: false }],
  ] as const)('%s', async (_, chunks, options) => {
    expect(await collect(chunks, options)).toEqual(['first', 'second', 'third']);
  });

  test('a trailing newline ends the last line, not a blank one', async () => {
    expect(await collect(['a\nb\n'])).toEqual(['a', 'b']);
  });

  test('an empty stream has no lines', async () => {
    expect(await collect([])).toEqual([]);
    expect(await collect([gzipSync('')])).toEqual([]);
  });

  test('a UTF-8 character split across chunks is decoded whole', async () => {
    const bytes = Buffer.from('區域=九龍\n', 'utf8');
    expect(await collect([bytes.subarray(0, 7), bytes.subarray(7)])).toEqual(['區域=九龍']);
  });

  test('concatenated gzip members read as one stream (RFC 1952 section 2.2)', async () => {
    // https://www.rfc-editor.org/rfc/rfc1952#section-2.2: "A gzip file consists of a series of members"
    expect(await collect([Buffer.concat([gzipSync('a\nb\n'), gzipSync('c\n')])])).toEqual(['a', 'b', 'c']);
  });

  test('a truncated gzip stream fails with TRUNCATED_GZIP after the complete lines', async () => {
    const gz = gzipSync(MANY);
    const { lines, error } = await collectUntilError([gz.subarray(0, gz.length - 20)]);
    expect(CaptureStreamError.isCaptureStreamError(error)).toBe(true);
    const e = error as CaptureStreamError;
    expect(e.code).toBe(CaptureStreamErrorCode.TRUNCATED_GZIP);
    expect(e.linesBefore).toBe(lines.length);
    // Every delivered line is whole; the cut one is not delivered.
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => JSON.parse(l).pad.length === 40)).toBe(true);
  });

  test('a corrupt gzip stream fails with CORRUPT_GZIP', async () => {
    const gz = Buffer.from(gzipSync(MANY));
    gz.fill(0xff, 20, 60);
    const { error } = await collectUntilError([gz]);
    expect(error).toMatchObject({ name: 'CaptureStreamError', code: CaptureStreamErrorCode.CORRUPT_GZIP });
  });

  test('a checksum mismatch (RFC 1952 CRC32) is CORRUPT_GZIP', async () => {
    const gz = Buffer.from(gzipSync(MANY));
    gz.writeUInt8(gz.readUInt8(gz.length - 8) ^ 0xff, gz.length - 8); // the CRC32 trailer starts 8 bytes from the end
    const { lines, error } = await collectUntilError([gz]);
    expect(error).toMatchObject({ code: CaptureStreamErrorCode.CORRUPT_GZIP });
    expect(lines.length).toBeGreaterThan(0);
  });

  test('plain text declared as gzip is CORRUPT_GZIP', async () => {
    const { error } = await collectUntilError([TEXT], { gzip: true });
    expect(error).toMatchObject({ code: CaptureStreamErrorCode.CORRUPT_GZIP });
  });

  test('an error of the source stream is passed on unchanged', async () => {
    const failure = new Error('socket hang up');
    async function* source(): AsyncGenerator<Buffer> {
      yield Buffer.from('a\nb\n');
      throw failure;
    }
    for (const gzip of [false, 'auto'] as const) {
      const lines: string[] = [];
      await expect((async () => { for await (const l of linesOf(Readable.from(source()), { gzip })) lines.push(l); })()).rejects.toBe(failure);
    }
  });

  test('stopping early releases the source', async () => {
    const source = Readable.from([MANY]);
    for await (const line of linesOf(source)) {
      expect(line).toContain('"n":0');
      break;
    }
    expect(source.destroyed).toBe(true);
  });
});

describe('lines split as node:readline splits them', () => {
  /** The reference: node:readline over the same chunks. */
  async function readline(chunks: readonly Buffer[]): Promise<string[]> {
    const out: string[] = [];
    for await (const line of createInterface({ input: Readable.from(chunks), crlfDelay: Infinity })) out.push(line);
    return out;
  }

  test.each([
    ['lone CR, CR CR LF, LF', ['a\r\r\n\nb']],
    ['CR LF across chunks', ['a\r', '\nb\r']],
    ['CR then CR LF across chunks', ['a\r', '\r\nb']],
    ['a line across many chunks', ['ab', 'cd', 'ef\ngh', 'ij']],
  ])('%s', async (_, parts) => {
    const chunks = parts.map((x) => Buffer.from(x));
    expect(await collect(chunks)).toEqual(await readline(chunks));
  });

  /** Where `actual` and `expected` first differ (their lengths, or a line), or undefined when they are equal. */
  function firstDifference(actual: readonly string[], expected: readonly string[]): string | undefined {
    if (actual.length !== expected.length) return `${actual.length} lines, expected ${expected.length}`;
    const i = actual.findIndex((line, k) => line !== expected[k]);
    return i < 0 ? undefined : `line ${i}: ${JSON.stringify(actual[i])}, expected ${JSON.stringify(expected[i])}`;
  }

  test.each([
    // 200,000 lines each: CR-only ends, LF ends with one stray CR, and CR / LF / CR LF by turns.
    ['CR-only line ends', Array.from({ length: 200_000 }, (_, i) => `r${i}\r`).join('')],
    ['LF line ends and one stray CR', Array.from({ length: 200_000 }, (_, i) => (i === 7 ? `s${i}\r` : `s${i}\n`)).join('')],
    ['CR, LF and CR LF line ends mixed', Array.from({ length: 200_000 }, (_, i) => `m${i}${['\r', '\n', '\r\n'][i % 3]}`).join('') + 'last'],
  ])('a large input with %s, in 64 KiB chunks, splits as a regex split and as readline', async (_, text) => {
    const bytes = Buffer.from(text);
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 65_521) chunks.push(bytes.subarray(at, at + 65_521)); // a prime size: line ends (CR LF too) fall across chunk boundaries
    // Independent reference: split the whole (ASCII) text at CR LF, CR or LF; an empty last piece is the end of the last line, not a line.
    const expected = text.split(/\r\n|\r|\n/);
    if (expected[expected.length - 1] === '') expected.pop();
    expect(expected.length).toBe(text.endsWith('last') ? 200_001 : 200_000);
    const batched: string[] = [];
    for await (const batch of lineBatchesOf(Readable.from(chunks))) batched.push(...batch);
    // As strict as toEqual on the arrays (length, then every line), without its deep-diff cost on 200,000 items.
    expect(firstDifference(batched, expected)).toBeUndefined();
    expect(firstDifference(await readline(chunks), expected)).toBeUndefined();
  });

  test('invalid and incomplete UTF-8 decode as readline decodes them', async () => {
    const chunks = [Buffer.from([0x61, 0xff, 0x0a, 0xe4]), Buffer.from([0xb8, 0xad, 0x0a, 0x62, 0xe4, 0xb8])];
    expect(await collect(chunks)).toEqual(await readline(chunks));
  });

  test('generated texts in random chunks give readline\'s lines, per line and in batches', async () => {
    // Seeded xorshift32 over pieces that matter to line splitting and decoding.
    let x = 0x51ed270b;
    const next = (k: number) => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) % k; };
    const pieces = [[0x61], [0x62, 0x63], [0x0a], [0x0d], [0x0d, 0x0a], [0xe4, 0xb8, 0xad], [0xff], [0xe4, 0xb8], [0x20]];
    for (let t = 0; t < 300; t++) {
      const bytes = Buffer.from(Array.from({ length: next(60) }, () => pieces[next(pieces.length)]!).flat());
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length;) {
        const size = 1 + next(8);
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      const expected = await readline(chunks);
      expect(await collect(chunks)).toEqual(expected);
      const batched: string[] = [];
      for await (const batch of lineBatchesOf(Readable.from(chunks))) batched.push(...batch);
      expect(batched).toEqual(expected);
    }
  });
});

test('a truncated object is counted as corrupt and the next one read', async () => {
  const features = [{ name: 'x', kind: 'numeric' as const }];
  const stats = createCaptureStats(features);
  const line = (x: number) => JSON.stringify({ captureData: { endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: String(x), encoding: 'CSV' } }, eventMetadata: {}, eventVersion: '0' });
  const whole = gzipSync(`${line(1)}\n${line(2)}\n`);
  const objects = { 'a.jsonl.gz': whole.subarray(0, whole.length - 12), 'b.jsonl.gz': whole };
  let rows = 0;
  for (const [key, body] of Object.entries(objects)) {
    try {
      for await (const _ of readCaptureLines(linesOf(Readable.from([body])), { features, format: 'sagemaker', stats, source: key })) rows++;
    } catch (error) {
      if (!CaptureStreamError.isCaptureStreamError(error)) throw error;
      recordCorruptObject(stats, key, error);
    }
  }
  expect(stats.objectsCorrupt).toBe(1);
  expect(stats.corruptObjects).toEqual([{ source: 'a.jsonl.gz', code: 'TRUNCATED_GZIP', message: expect.stringContaining('ends early') }]);
  expect(rows).toBe(stats.rowsAnalyzed);
  expect(stats.linesRead).toBe(stats.linesAnalyzed + stats.linesRejected + stats.linesBlank + stats.linesIgnored);
});
