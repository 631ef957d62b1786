/**
 * Hourly capture files on a real temporary directory: the hour partitions the drift CLI
 * reads, one file per writer, lines the capture reader accepts, and failures that are
 * counted instead of thrown.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hourPartitions, linesOf, parseCaptureLine, readCaptureLines, type CaptureRow } from '../../../lib/capture';
import type { InferenceRequest, InferenceResponse } from '../../../lib/inference';
import { createCapture } from '../../../lambda/onnx-inference/capture';
import { checkCaptureDir, createHourlyCaptureWriter, defaultWriterId } from '../../../lambda/onnx-inference/capture-files';
import { tempDir } from '../../support/app';

/** A clock the test moves. */
function clock(iso: string): { now: () => Date; set: (iso: string) => void } {
  let t = new Date(iso);
  return { now: () => t, set: (next) => { t = new Date(next); } };
}

/** Every file under `dir`, relative, sorted. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

const request: InferenceRequest = { inputs: [{ name: 'amount', datatype: 'FP32', shape: [2, 1], data: Float32Array.from([12.5, 80]) }], binaryOutputs: false };
const response: InferenceResponse = { model_name: 'fraud', model_version: '3', outputs: [{ name: 'score', datatype: 'FP32', shape: [2, 1], data: Float32Array.from([0.25, 0.5]) }] };

describe('createHourlyCaptureWriter', () => {
  test('a line goes to <dir>/YYYY/MM/DD/HH/<writer-id>.jsonl of its UTC hour; crossing the hour opens the next file and ends the previous', async () => {
    const dir = tempDir('capture-files-');
    const c = clock('2026-11-24T09:59:59.998Z');
    const w = createHourlyCaptureWriter(dir, { writerId: 'pod-a-1', now: c.now });
    w.write('{"n":1}');
    c.set('2026-11-24T09:59:59.999Z');
    w.write('{"n":2}\n');
    c.set('2026-11-24T10:00:00.000Z');
    w.write('{"n":3}');
    // An explicit time wins over the clock: the record's own time names its partition.
    w.write('{"n":4}', new Date('2026-11-25T00:30:00+08:00'));
    await w.close();
    expect(filesUnder(dir)).toEqual(['2026/11/24/09/pod-a-1.jsonl', '2026/11/24/10/pod-a-1.jsonl', '2026/11/24/16/pod-a-1.jsonl']);
    expect(fs.readFileSync(path.join(dir, '2026/11/24/09/pod-a-1.jsonl'), 'utf8')).toBe('{"n":1}\n{"n":2}\n');
    expect(fs.readFileSync(path.join(dir, '2026/11/24/10/pod-a-1.jsonl'), 'utf8')).toBe('{"n":3}\n');
    expect(w.stats()).toEqual({ linesWritten: 4, linesLost: 0, lostByKind: {} });
  });

  test('the partitions of a window, as the drift CLI computes them, hold exactly the lines of that window', async () => {
    const dir = tempDir('capture-files-');
    const c = clock('2026-11-24T08:59:00Z');
    const w = createHourlyCaptureWriter(dir, { writerId: 'w', now: c.now });
    for (const t of ['2026-11-24T08:59:00Z', '2026-11-24T09:15:00Z', '2026-11-24T09:59:59Z', '2026-11-24T10:00:00Z']) {
      c.set(t);
      w.write(JSON.stringify({ t }));
    }
    await w.close();
    const read = hourPartitions(new Date('2026-11-24T10:00:00Z'), 60)
      .flatMap((p) => fs.readFileSync(path.join(dir, p, 'w.jsonl'), 'utf8').split('\n').filter(Boolean))
      .map((l) => (JSON.parse(l) as { t: string }).t);
    expect(read).toEqual(['2026-11-24T09:15:00Z', '2026-11-24T09:59:59Z']);
  });

  test('a line of an earlier hour (a clock set back) is appended to that hour\'s file of the same writer (order within the file not kept)', async () => {
    const dir = tempDir('capture-files-');
    const w = createHourlyCaptureWriter(dir, { writerId: 'w' });
    w.write('a', new Date('2026-11-24T10:10:00Z'));
    w.write('b', new Date('2026-11-24T11:10:00Z'));
    w.write('c', new Date('2026-11-24T10:59:00Z'));
    await w.close();
    expect(fs.readFileSync(path.join(dir, '2026/11/24/10/w.jsonl'), 'utf8').split('\n').sort()).toEqual(['', 'a', 'c']);
    expect(fs.readFileSync(path.join(dir, '2026/11/24/11/w.jsonl'), 'utf8')).toBe('b\n');
  });

  test('two writers in one directory never share a file, even created in the same millisecond of one process', async () => {
    const dir = tempDir('capture-files-');
    const at = new Date('2026-11-24T10:00:00Z');
    const [a, b] = [createHourlyCaptureWriter(dir, { now: () => at }), createHourlyCaptureWriter(dir, { now: () => at })];
    expect(a.writerId).not.toBe(b.writerId);
    for (let i = 0; i < 50; i++) {
      a.write(`a${i}`);
      b.write(`b${i}`);
    }
    await Promise.all([a.close(), b.close()]);
    expect(filesUnder(dir)).toEqual([`2026/11/24/10/${a.writerId}.jsonl`, `2026/11/24/10/${b.writerId}.jsonl`].sort());
    for (const [w, p] of [[a, 'a'], [b, 'b']] as const) {
      const lines = fs.readFileSync(path.join(dir, '2026/11/24/10', `${w.writerId}.jsonl`), 'utf8').split('\n');
      expect(lines).toEqual([...Array.from({ length: 50 }, (_, i) => `${p}${i}`), '']);
    }
  });

  test('the default writer id names the host, the process and its start, as a file name', () => {
    const id = defaultWriterId(new Date('2026-11-24T10:00:00Z'));
    expect(id).toMatch(new RegExp(`^[A-Za-z0-9._-]+-${process.pid}-${Date.parse('2026-11-24T10:00:00Z')}-[0-9a-f]{6}$`));
  });

  test.each(['a/b', '..', '', 'pod a'])('fails when the writer id is %j', (writerId) => {
    expect(() => createHourlyCaptureWriter(tempDir('capture-files-'), { writerId })).toThrow('writerId must be letters, digits');
  });

  test('capture records written through it parse, carry model and request id, and read back as drift rows with format onnx', async () => {
    const dir = tempDir('capture-files-');
    const w = createHourlyCaptureWriter(dir, { writerId: 'w' });
    const capture = createCapture({
      samplingPercent: 100, modelName: 'fraud', modelVersion: '3', now: () => new Date('2026-11-24T10:20:00Z'),
      write: (line, record) => w.write(line, new Date(record.time)),
    });
    capture(request, response, 'req-1');
    capture({ ...request, id: 'claim-9' }, response, 'req-2');
    await w.close();
    const file = path.join(dir, '2026/11/24/10/w.jsonl');
    const records = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => parseCaptureLine(l));
    expect(records).toEqual([
      { record: expect.objectContaining({ model: { name: 'fraud', version: '3' }, requestId: 'req-1', time: '2026-11-24T10:20:00.000Z' }) },
      { record: expect.objectContaining({ model: { name: 'fraud', version: '3' }, requestId: 'req-2', inferenceId: 'claim-9' }) },
    ]);
    const rows = readCaptureLines(linesOf(fs.createReadStream(file)), { features: [{ name: 'amount', kind: 'numeric' }], format: 'onnx', output: {} });
    const got: CaptureRow[] = [];
    for await (const row of rows) got.push(row);
    expect(got.map((r) => [r.features, r.output, r.id])).toEqual([
      [[12.5], 0.25, 'req-1'], [[80], 0.5, 'req-1'], [[12.5], 0.25, 'claim-9'], [[80], 0.5, 'claim-9'],
    ]);
    expect(rows.stats).toMatchObject({ linesRead: 2, linesAnalyzed: 2, linesRejected: 0, linesBlank: 0, linesIgnored: 0 });
  });

  test('close() flushes every line written before it', async () => {
    const dir = tempDir('capture-files-');
    const w = createHourlyCaptureWriter(dir, { writerId: 'w', now: () => new Date('2026-11-24T10:00:00Z') });
    const line = JSON.stringify({ pad: 'x'.repeat(1000) });
    for (let i = 0; i < 2000; i++) w.write(line);
    await w.close();
    expect(fs.readFileSync(path.join(dir, '2026/11/24/10/w.jsonl'), 'utf8').split('\n')).toHaveLength(2001);
    expect(w.stats()).toEqual({ linesWritten: 2000, linesLost: 0, lostByKind: {} });
  });

  test('a failure is counted by kind and reported once per kind; the writer recovers when the cause goes away', async () => {
    const dir = tempDir('capture-files-');
    // A file where the year directory belongs: mkdir -p fails, for root too.
    fs.writeFileSync(path.join(dir, '2026'), '');
    const reported: Array<[string, string]> = [];
    const c = clock('2026-11-24T10:00:00Z');
    const w = createHourlyCaptureWriter(dir, { writerId: 'w', now: c.now, onFirstFailure: (kind, e) => reported.push([kind, e.message]) });
    expect(() => { for (let i = 0; i < 3; i++) w.write('lost'); }).not.toThrow();
    // The hour's file is a directory: the open fails, after the line was queued.
    fs.rmSync(path.join(dir, '2026'));
    fs.mkdirSync(path.join(dir, '2026/11/24/11/w.jsonl'), { recursive: true });
    c.set('2026-11-24T11:00:00Z');
    w.write('lost too');
    await new Promise((resolve) => setTimeout(resolve, 50));
    c.set('2026-11-24T12:00:00Z');
    w.write('{"kept":1}');
    await w.close();
    w.write('after close');
    expect(reported.map(([kind]) => kind)).toEqual(['ENOTDIR', 'EISDIR', 'WRITER_CLOSED']);
    expect(reported[0]![1]).toContain(path.join(dir, '2026'));
    expect(w.stats()).toEqual({ linesWritten: 1, linesLost: 5, lostByKind: { ENOTDIR: 3, EISDIR: 1, WRITER_CLOSED: 1 } });
    // After a failure the next line starts on a line of its own (a blank line, which readers skip).
    expect(fs.readFileSync(path.join(dir, '2026/11/24/12/w.jsonl'), 'utf8')).toBe('\n{"kept":1}\n');
  });

  test('lines over the buffer limit of a file that is not keeping up are dropped as BUFFER_FULL', async () => {
    const dir = tempDir('capture-files-');
    const reported: string[] = [];
    const w = createHourlyCaptureWriter(dir, { writerId: 'w', now: () => new Date('2026-11-24T10:00:00Z'), maxBufferedBytes: 100, onFirstFailure: (kind) => reported.push(kind) });
    // Nothing is flushed within one synchronous run: the buffer only grows.
    for (let i = 0; i < 10; i++) w.write('x'.repeat(60));
    await w.close();
    expect(reported).toEqual(['BUFFER_FULL']);
    expect(w.stats()).toEqual({ linesWritten: 2, linesLost: 8, lostByKind: { BUFFER_FULL: 8 } });
  });
});

describe('checkCaptureDir', () => {
  test('a writable directory passes and is left as it was', () => {
    const dir = tempDir('capture-files-');
    checkCaptureDir(dir);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test.each([
    ['it does not exist', (d: string) => path.join(d, 'missing'), 'which does not exist'],
    ['it is a file', (d: string) => { fs.writeFileSync(path.join(d, 'f'), ''); return path.join(d, 'f'); }, 'must be a directory, got'],
  ])('fails when %s', (_name, make, phrase) => {
    const dir = make(tempDir('capture-files-'));
    expect(() => checkCaptureDir(dir)).toThrow(phrase);
    expect(() => checkCaptureDir(dir)).toThrow(`--capture-dir must be`);
  });
});
