import { CAPTURE_FILTER_PATTERN, formatCaptureLine, parseCaptureLine, type CaptureRecord } from '../../../lib/capture';

const record: CaptureRecord = {
  kind: 'sovereign-ml.capture', v: 1, time: '2026-11-24T06:00:00.000Z', model: { name: 'fraud', version: '3' }, requestId: 'r1',
  inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2], data: [0.5, 1] }], outputs: [{ name: 'p', datatype: 'FP32', shape: [1, 1], data: [0.1] }],
};

test('one line per record, read back unchanged', () => {
  const line = formatCaptureLine(record);
  expect(line.endsWith('\n')).toBe(true);
  expect(line.indexOf('\n')).toBe(line.length - 1);
  expect(parseCaptureLine(line.trim())).toEqual({ record });
});

test.each([
  ['{"kind":"sovereign-ml.capture","v":1,"time":"t","mod', 'not-json'],
  ['{"level":"INFO","message":"request"}', 'not-a-capture'],
  [JSON.stringify({ ...record, v: 2 }), 'unsupported-version'],
  [JSON.stringify({ ...record, inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3], data: [1] }] }), 'malformed'],
  [JSON.stringify({ ...record, model: { name: 'fraud' } }), 'malformed'],
])('%s is %s', (line, failure) => {
  expect(parseCaptureLine(line)).toEqual({ failure });
});

test('the CloudWatch Logs filter pattern selects the kind', () => {
  // Filter syntax: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html (JSON log events)
  expect(CAPTURE_FILTER_PATTERN).toBe('{ $.kind = "sovereign-ml.capture" }');
});
