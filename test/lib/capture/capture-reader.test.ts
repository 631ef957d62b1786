import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import {
  CAPTURE_REJECT_REASONS, CaptureReader, createCaptureStats, linesOf, readCaptureLines,
  type CaptureFeature, type CaptureReaderOptions, type CaptureRejectReason, type CaptureRow, type CaptureStats,
} from '../../../lib/capture';
import { ErrorCode } from '../../../lib/errors';
import { errorOf } from '../../support/errors';

const positional = (n: number): CaptureFeature[] => Array.from({ length: n }, (_, i) => ({ name: `f${i}`, kind: 'numeric' as const }));

async function readAll(lines: Iterable<string> | AsyncIterable<string>, options: CaptureReaderOptions): Promise<{ rows: CaptureRow[]; stats: CaptureStats }> {
  const reader = readCaptureLines(lines, options);
  const rows: CaptureRow[] = [];
  for await (const row of reader) rows.push(row);
  return { rows, stats: reader.stats };
}

/** The accounting invariant, checked on every result. */
function expectBalanced(stats: CaptureStats): void {
  expect(stats.linesRead).toBe(stats.linesAnalyzed + stats.linesRejected + stats.linesBlank + stats.linesIgnored);
  expect(stats.linesRejected).toBe(Object.values(stats.rejectedByReason).reduce((a, b) => a + b, 0));
}

// "View Captured Data", https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture-endpoint.html
// Each record is shown wrapped over three lines on the page; capture files hold one per line.
const ENDPOINT_DOC_LINES = [
  '{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT",'
  + '"data":"69,0,153.7,109,194.0,105,256.1,114,14.1,6,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,1,0,1,0\\n",'
  + '"encoding":"CSV"},"endpointOutput":{"observedContentType":"text/csv; charset=utf-8","mode":"OUTPUT","data":"0.0254181120544672","encoding":"CSV"}},'
  + '"eventMetadata":{"eventId":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","inferenceTime":"2022-02-14T17:25:49Z"},"eventVersion":"0"}',
  '{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT",'
  + '"data":"94,23,197.1,125,214.5,136,282.2,103,9.5,5,4,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,1,0,1,0,1\\n",'
  + '"encoding":"CSV"},"endpointOutput":{"observedContentType":"text/csv; charset=utf-8","mode":"OUTPUT","data":"0.07675473392009735","encoding":"CSV"}},'
  + '"eventMetadata":{"eventId":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","inferenceTime":"2022-02-14T17:25:49Z"},"eventVersion":"0"}',
];

// The inference_record structure, https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-pre-and-post-processing.html
// (pretty-printed on the page).
const PREPROCESSING_DOC_LINE = JSON.stringify(JSON.parse(`{
  "captureData": {
    "endpointInput": { "observedContentType": "text/csv", "mode": "INPUT", "data": "132,25,113.2,96,269.9,107,,0,0,0,0,0,0,1,0,1,0,0,1", "encoding": "CSV" },
    "endpointOutput": { "observedContentType": "text/csv; charset=utf-8", "mode": "OUTPUT", "data": "0.01076381653547287", "encoding": "CSV" }
  },
  "eventMetadata": { "eventId": "feca1ab1-8025-47e3-8f6a-99e3fdd7b8d9", "inferenceTime": "2019-11-20T23:33:12Z" },
  "eventVersion": "0"
}`));

/** A SageMaker capture line with the documented envelope. */
function capture(input?: { type: string; data: string; encoding: string }, output?: { type: string; data: string; encoding: string }, meta: Record<string, string> = {}): string {
  const side = (mode: string, s: { type: string; data: string; encoding: string }) => ({ observedContentType: s.type, mode, data: s.data, encoding: s.encoding });
  return JSON.stringify({
    captureData: { ...(input ? { endpointInput: side('INPUT', input) } : {}), ...(output ? { endpointOutput: side('OUTPUT', output) } : {}) },
    eventMetadata: { eventId: 'e1', inferenceTime: '2026-11-24T06:00:00Z', ...meta },
    eventVersion: '0',
  });
}
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('SageMaker data capture', () => {
  test('the documented lines: the first is read, the second (67 values for 69 features on the page) is refused', async () => {
    const { rows, stats } = await readAll(ENDPOINT_DOC_LINES, { features: positional(69), format: 'sagemaker', output: {} });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.features.slice(0, 9)).toEqual([69, 0, 153.7, 109, 194, 105, 256.1, 114, 14.1]);
    expect(rows[0]).toMatchObject({ output: 0.0254181120544672, time: '2022-02-14T17:25:49Z', id: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' });
    expect(stats).toMatchObject({ linesRead: 2, linesAnalyzed: 1, linesRejected: 1, rowsAnalyzed: 1 });
    expect(stats.rejectedByReason['wrong-column-count']).toBe(1);
    expect(stats.examples).toEqual([{ line: 2, reason: 'wrong-column-count', detail: 'row 1 has 67 columns, expected 69', excerpt: expect.any(String) }]);
    expectBalanced(stats);
  });

  test('an empty CSV value is missing, counted per feature', async () => {
    const { rows, stats } = await readAll([PREPROCESSING_DOC_LINE], { features: positional(19), format: 'sagemaker', output: {} });
    expect(rows).toEqual([{
      features: [132, 25, 113.2, 96, 269.9, 107, null, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1],
      output: 0.01076381653547287, time: '2019-11-20T23:33:12Z', id: 'feca1ab1-8025-47e3-8f6a-99e3fdd7b8d9',
    }]);
    expect(stats.missingByFeature).toMatchObject({ f5: 0, f6: 1, f7: 0 });
    expect(stats.linesRejected).toBe(0);
  });

  // Payloads from Common Data Formats for Inference, https://docs.aws.amazon.com/sagemaker/latest/dg/cdf-inference.html,
  // captured as text (content types in CaptureContentTypeHeader) or base64 (the default).
  const request = '{"instances": [{"features": [1.5, 16.0, 14.0, 23.0]}, {"features": [-2.0, 100.2, 15.2, 9.2]}]}';
  const response = '{"predictions": [{"closest_cluster": 5, "distance_to_cluster": 36.5}, {"closest_cluster": 2, "distance_to_cluster": 90.3}]}';
  test.each([
    ['JSON', request, 'JSON', response, 'JSON'],
    ['BASE64', b64(request), 'BASE64', b64(response), 'BASE64'],
  ])('%s encoding', async (_, inData, inEnc, outData, outEnc) => {
    const line = capture({ type: 'application/json', data: inData, encoding: inEnc }, { type: 'application/json', data: outData, encoding: outEnc }, { inferenceId: 'claim-7' });
    const { rows } = await readAll([line], { features: positional(4), format: 'sagemaker', output: { name: 'distance_to_cluster' } });
    expect(rows).toEqual([
      { features: [1.5, 16, 14, 23], output: 36.5, time: '2026-11-24T06:00:00Z', id: 'claim-7' },
      { features: [-2, 100.2, 15.2, 9.2], output: 90.3, time: '2026-11-24T06:00:00Z', id: 'claim-7' },
    ]);
  });

  test('an Open Inference Protocol request and response captured as JSON', async () => {
    // Request input0 from the spec's example; the response as the spec describes it, for a [2, 2] FP32 output.
    // https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md#inference-request-examples
    const req = '{"id": "42", "inputs": [{"name": "input0", "shape": [2, 2], "datatype": "UINT32", "data": [1, 2, 3, 4]}], "outputs": [{"name": "output0"}]}';
    const res = '{"model_name": "mymodel", "id": "42", "outputs": [{"name": "output0", "shape": [2, 2], "datatype": "FP32", "data": [1.0, 1.1, 2.0, 2.1]}]}';
    const line = capture({ type: 'application/json', data: req, encoding: 'JSON' }, { type: 'application/json', data: res, encoding: 'JSON' });
    const { rows } = await readAll([line], { features: positional(2), format: 'sagemaker', output: { name: 'output0', index: 1 } });
    expect(rows.map((r) => [r.features, r.output])).toEqual([[[1, 2], 1.1], [[3, 4], 2.1]]);
  });

  test('outputs are not read unless asked for', async () => {
    const { rows } = await readAll([PREPROCESSING_DOC_LINE], { features: positional(19), format: 'sagemaker' });
    expect(rows[0]!.output).toBeNull();
  });

  test('an Input-only capture gives rows with a missing output', async () => {
    const line = capture({ type: 'text/csv', data: '1,2', encoding: 'CSV' });
    const { rows } = await readAll([line], { features: positional(2), format: 'sagemaker', output: {} });
    expect(rows).toEqual([expect.objectContaining({ features: [1, 2], output: null })]);
  });
});

// One line per reason, in SageMaker format with four numeric features and outputs read.
const csv = (data: string) => ({ type: 'text/csv', data, encoding: 'CSV' });
const CORRUPT: ReadonlyArray<readonly [CaptureRejectReason, string]> = [
  ['not-json', 'Traceback (most recent call last):'],
  ['truncated-json', capture(csv('1,2,3,4')).slice(0, 90)],
  ['not-a-capture', '{"level":"INFO","message":"request","service":"claims"}'],
  ['unsupported-version', capture(csv('1,2,3,4')).replace('"eventVersion":"0"', '"eventVersion":"9"')],
  ['malformed', '{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":7,"encoding":"CSV"}}}'],
  ['bad-base64', capture({ type: 'text/csv', data: 'MSwyLDMsNA=x', encoding: 'BASE64' })],
  ['unsupported-content-type', capture({ type: 'image/jpeg', data: '/9j/4AAQ', encoding: 'BASE64' })],
  ['bad-payload', capture({ type: 'application/json', data: '{"text": "hello"}', encoding: 'JSON' })],
  ['missing-input', capture(undefined, csv('0.5'))],
  ['wrong-column-count', capture(csv('1,2,3'))],
  ['non-numeric', capture(csv('1,2,three,4'))],
  ['row-count-mismatch', capture(csv('1,2,3,4\n5,6,7,8'), csv('0.5'))],
];

describe('corrupt lines', () => {
  test('the table covers every reason', () => {
    expect(CORRUPT.map(([r]) => r).sort()).toEqual([...CAPTURE_REJECT_REASONS].sort());
  });

  test.each(CORRUPT)('%s', async (reason, line) => {
    const { rows, stats } = await readAll([line], { features: positional(4), format: 'sagemaker', output: {} });
    expect(rows).toEqual([]);
    expect(stats.rejectedByReason[reason]).toBe(1);
    expect(stats).toMatchObject({ linesRead: 1, linesRejected: 1, linesAnalyzed: 0 });
    expect(stats.examples[0]).toMatchObject({ line: 1, reason });
  });

  test('a mixed stream is accounted exactly, line by line', async () => {
    const good = capture(csv('1,2,3,4'), csv('0.5'));
    const batch = capture(csv('1,2,3,4\n5,6,7,8\n9,10,11,12\n'), csv('0.1\n0.2\n0.3'));
    const lines = ['', good, ...CORRUPT.map(([, l]) => l), '   ', batch, '\t', good];
    const { rows, stats } = await readAll(lines, { features: positional(4), format: 'sagemaker', output: {}, maxExamples: 3, source: 's3://bucket/a.jsonl' });
    expect(rows.map((r) => r.output)).toEqual([0.5, 0.1, 0.2, 0.3, 0.5]);
    expect(stats).toMatchObject({
      linesRead: 18, linesAnalyzed: 3, linesRejected: 12, linesBlank: 3, linesIgnored: 0, rowsAnalyzed: 5,
    });
    expect(Object.values(stats.rejectedByReason).every((n) => n === 1)).toBe(true);
    expect(stats.examples.map((e) => [e.line, e.reason, e.source])).toEqual([
      [3, 'not-json', 's3://bucket/a.jsonl'], [4, 'truncated-json', 's3://bucket/a.jsonl'], [5, 'not-a-capture', 's3://bucket/a.jsonl'],
    ]);
    expectBalanced(stats);
  });

  test('a bad row rejects its whole batch line, and no missing value of it is counted', async () => {
    const line = capture(csv('1,,3,4\n5,6,7'));
    const { rows, stats } = await readAll([line], { features: positional(4), format: 'sagemaker' });
    expect(rows).toEqual([]);
    expect(stats.rowsAnalyzed).toBe(0);
    expect(stats.missingByFeature.f1).toBe(0);
    expect(stats.examples[0]!.detail).toBe('row 2 has 3 columns, expected 4');
  });

  test('excerpts keep at most 200 characters', async () => {
    const long = `not json ${'x'.repeat(500)}`;
    const { stats } = await readAll([long], { features: positional(1), format: 'sagemaker' });
    expect(stats.examples[0]!.excerpt).toHaveLength(200);
    expect(stats.examples[0]!.excerpt.endsWith('…')).toBe(true);
  });

  test('maxExamples 0 keeps none but still counts', async () => {
    const { stats } = await readAll(['x', 'y'], { features: positional(1), format: 'sagemaker', maxExamples: 0 });
    expect(stats.examples).toEqual([]);
    expect(stats.rejectedByReason['not-json']).toBe(2);
  });
});

describe('ONNX function capture records', () => {
  // The format documented in lib/capture/capture-record.ts, written out by hand.
  const record = '{"kind":"sovereign-ml.capture","v":1,"time":"2026-11-24T06:00:00.000Z","model":{"name":"hk-claims-fraud","version":"3"},'
    + '"requestId":"c793869b-ee49-115b-a5b6-4fd21e8dedac","inferenceId":"42",'
    + '"inputs":[{"name":"claim_features","datatype":"FP32","shape":[2,3],"data":[1,2,3,4,5,null]}],'
    + '"outputs":[{"name":"fraud_probability","datatype":"FP32","shape":[2,1],"data":[0.07,0.9]}]}';
  const byName = '{"kind":"sovereign-ml.capture","v":1,"time":"2026-11-24T06:01:00.000Z","model":{"name":"m","version":"1"},"requestId":"r2",'
    + '"inputs":[{"name":"amount","datatype":"FP64","shape":[1],"data":[310.5]},{"name":"region","datatype":"BYTES","shape":[1,1],"data":["kowloon"]}],'
    + '"outputs":[{"name":"label","datatype":"BYTES","shape":[1],"data":["fraud"]},{"name":"fraud_probability","datatype":"FP32","shape":[1],"data":[0.8]}]}';
  // Other lines of the function's log stream: Lambda platform lines (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html)
  // and Powertools logger JSON (https://docs.powertools.aws.dev/lambda/typescript/latest/core/logger/).
  const noise = [
    'START RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac Version: $LATEST',
    '{"level":"INFO","message":"This is an INFO log with some context","sampling_rate":0,"service":"serverlessAirline","timestamp":"2021-12-12T21:21:08.921Z","xray_trace_id":"abcdef123456abcdef123456abcdef123456"}',
    'END RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac',
    'REPORT RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac\tDuration: 170.19 ms\tBilled Duration: 200 ms\tMemory Size: 128 MB\tMax Memory Used: 73 MB',
  ];

  test('records map like the inference protocol; other log lines are ignored, not rejected', async () => {
    const lines = [noise[0]!, record, '', noise[1]!, record.slice(0, 150), record.replace('"v":1', '"v":2'), noise[2]!, noise[3]!];
    const { rows, stats } = await readAll(lines, { features: positional(3), format: 'onnx', output: { name: 'fraud_probability' } });
    expect(rows).toEqual([
      { features: [1, 2, 3], output: 0.07, time: '2026-11-24T06:00:00.000Z', id: '42' },
      { features: [4, 5, null], output: 0.9, time: '2026-11-24T06:00:00.000Z', id: '42' },
    ]);
    expect(stats).toMatchObject({ linesRead: 8, linesAnalyzed: 1, linesBlank: 1, linesIgnored: 4, linesRejected: 2, rowsAnalyzed: 2 });
    expect(stats.rejectedByReason).toMatchObject({ 'truncated-json': 1, 'unsupported-version': 1 });
    expect(stats.missingByFeature.f2).toBe(1);
    expectBalanced(stats);
  });

  test('named inputs map to features by name; a string output is kept', async () => {
    const features: CaptureFeature[] = [{ name: 'region', kind: 'categorical' }, { name: 'amount', kind: 'numeric' }];
    const { rows } = await readAll([byName], { features, format: 'onnx', output: {} });
    expect(rows).toEqual([{ features: ['kowloon', 310.5], output: 'fraud', time: '2026-11-24T06:01:00.000Z', id: 'r2' }]);
  });

  test('a malformed record is rejected', async () => {
    const bad = record.replace('"shape":[2,3]', '"shape":[2,4]');
    const { stats } = await readAll([bad], { features: positional(3), format: 'onnx' });
    expect(stats.rejectedByReason.malformed).toBe(1);
  });

  test('auto reads both formats per line and rejects other JSON', async () => {
    const lines = [record, PREPROCESSING_DOC_LINE.replace('132,25,113.2,96,269.9,107,,0,0,0,0,0,0,1,0,1,0,0,1', '7,8,9'), noise[1]!, noise[0]!];
    const { rows, stats } = await readAll(lines, { features: positional(3), format: 'auto' });
    expect(rows.map((r) => r.features)).toEqual([[1, 2, 3], [4, 5, null], [7, 8, 9]]);
    expect(stats.rejectedByReason).toMatchObject({ 'not-a-capture': 1, 'not-json': 1 });
    expect(stats.linesIgnored).toBe(0);
  });
});

describe('options and totals', () => {
  test('counts add up over several sources; line numbers restart', async () => {
    const features = positional(4);
    const stats = createCaptureStats(features);
    await readAll(['', 'x'], { features, format: 'sagemaker', stats, source: 'a' });
    await readAll(['y'], { features, format: 'sagemaker', stats, source: 'b' });
    expect(stats).toMatchObject({ linesRead: 3, linesBlank: 1, linesRejected: 2 });
    expect(stats.examples.map((e) => [e.source, e.line])).toEqual([['a', 2], ['b', 1]]);
  });

  test('the visitor API reads one line at a time', () => {
    const reader = new CaptureReader({ features: positional(19), format: 'sagemaker' });
    expect(reader.readLine(PREPROCESSING_DOC_LINE)).toHaveLength(1);
    expect(reader.readLine('')).toEqual([]);
    expect(reader.stats).toMatchObject({ linesRead: 2, linesAnalyzed: 1, linesBlank: 1 });
  });

  test.each([
    ['no features', { features: [], format: 'sagemaker' }, 'features must have at least one feature'],
    ['duplicate names', { features: [...positional(2), { name: 'f0', kind: 'numeric' }], format: 'sagemaker' }, 'features must have unique names, got "f0" twice'],
    ['a bad maxExamples', { features: positional(1), format: 'sagemaker', maxExamples: -1 }, 'maxExamples must be a non-negative integer, got -1'],
  ] as const)('fails when given %s', (_, options, message) => {
    const error = errorOf(() => new CaptureReader(options as CaptureReaderOptions));
    expect(error.code).toBe(ErrorCode.INVALID_PROPS);
    expect(error.message).toContain(message);
  });
});

test('200,000 lines stream through gzip in bounded memory, counted exactly', async () => {
  const total = 200_000;
  let produced = 0;
  const line = (i: number): string => {
    const k = i % 1000;
    if (k === 999) return `${capture(csv('1,2,3,4')).slice(0, 60)}\n`;
    if (k === 550) return '\n';
    if (i % 100 === 0) return `${capture(csv(`${i},2,,4\n5,6,7,8`), csv('0.1\n0.2'))}\n`;
    return `${capture(csv(`${i},2,3,4`), csv('0.3'))}\n`;
  };
  // Chunks of about 64 KiB, as an S3 object body arrives.
  function* source(): Generator<string> {
    let chunk = '';
    for (let i = 0; i < total; i++) {
      produced++;
      chunk += line(i);
      if (chunk.length >= 65536) { yield chunk; chunk = ''; }
    }
    if (chunk !== '') yield chunk;
  }
  const body = Readable.from(source()).pipe(createGzip());
  const reader = readCaptureLines(linesOf(body), { features: positional(4), format: 'sagemaker', output: {} });
  let rows = 0;
  let producedAtFirstRow = -1;
  let lastOutput: unknown;
  for await (const row of reader) {
    if (rows === 0) producedAtFirstRow = produced;
    rows++;
    lastOutput = row.output;
  }
  // Streaming: the first row arrived while most of the input was still unproduced.
  expect(producedAtFirstRow).toBeGreaterThan(0);
  expect(producedAtFirstRow).toBeLessThan(total / 4);
  const truncated = total / 1000;
  const blank = total / 1000;
  const batchLines = total / 100; // i % 100 === 0 never meets k 550 or 999
  expect(reader.stats).toMatchObject({
    linesRead: total, linesBlank: blank, linesRejected: truncated, linesIgnored: 0,
    linesAnalyzed: total - truncated - blank, rowsAnalyzed: total - truncated - blank + batchLines,
  });
  expect(reader.stats.rejectedByReason['truncated-json']).toBe(truncated);
  expect(reader.stats.missingByFeature.f2).toBe(batchLines);
  expect(rows).toBe(reader.stats.rowsAnalyzed);
  expect(lastOutput).toBe(0.3);
  expectBalanced(reader.stats);
});
