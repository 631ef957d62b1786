import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { hourPartition } from '../../../lib/capture/hour-partitions';
import type { DriftMetricsPublisher, DriftMetricsSummary, DriftMetricsTarget } from '../../../lib/cli/cli-io';
import { windowEndAt } from '../../../lib/cli/drift-command';
import { main } from '../../../lib/cli/main';
import { BaselineBuilder } from '../../../lib/drift';
import { tempDir } from '../../support/app';

async function run(argv: string[], driftMetrics?: DriftMetricsPublisher): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, ...(driftMetrics ? { driftMetrics } : {}) });
  return { code, stdout, stderr };
}

/** mulberry32 uniforms in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Roughly normal(0, 1): a sum of 12 uniforms minus 6. */
function normal(u: () => number): number {
  let s = 0;
  for (let i = 0; i < 12; i++) s += u();
  return s - 6;
}

function captureLine(values: number[], i: number, v = 1): string {
  return JSON.stringify({
    kind: 'sovereign-ml.capture', v, time: '2026-11-24T06:00:00.000Z', model: { name: 'm', version: '1' }, requestId: `r-${i}`,
    inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3], data: values }],
    outputs: [{ name: 'p', datatype: 'FP32', shape: [1, 1], data: [0.1] }],
  });
}

const SCRIPT = '<script>alert("x")</script>';

/**
 * A baseline of 500 rows (a, b, c ~ N(0,1), N(10,2), N(-5,1)) and a capture dir:
 * - hour 06: 150 records, plus 1 truncated record holding a <script>, 1 v2 record,
 *   1 blank line, 1 platform log line (ignored with --format onnx);
 * - hour 07 (gzip): 150 records, plus 1 non-JSON line with the capture marker;
 * - hour 08: a file with the gzip magic bytes and garbage (a corrupt object).
 * Feature b is shifted by +1.5 standard deviations in the capture.
 */
function fixture(): { dir: string; baseline: string; capture: string } {
  const dir = tempDir();
  const u = mulberry32(42);
  const row = (shift: number) => [normal(u), 10 + 2 * normal(u) + shift, -5 + normal(u)];
  const builder = new BaselineBuilder(['a', 'b', 'c'], { seed: 7 });
  for (let i = 0; i < 500; i++) builder.addRow(row(0));
  const baseline = path.join(dir, 'baseline.json');
  fs.writeFileSync(baseline, JSON.stringify(builder.build()));
  const capture = path.join(dir, 'capture');
  for (const h of ['06', '07', '08']) fs.mkdirSync(path.join(capture, '2026', '11', '24', h), { recursive: true });
  const records = (from: number) => Array.from({ length: 150 }, (_, i) => captureLine(row(3), from + i));
  const first = records(0);
  first.splice(10, 0, `${captureLine([1, 2, 3], 9999).slice(0, 60)}${SCRIPT}`);
  first.splice(20, 0, captureLine([1, 2, 3], 9998, 2));
  first.splice(30, 0, '');
  first.splice(40, 0, 'START RequestId: 1234 Version: $LATEST');
  fs.writeFileSync(path.join(capture, '2026/11/24/06/part-1.jsonl'), `${first.join('\n')}\n`);
  const second = records(1000);
  second.splice(5, 0, 'oops sovereign-ml.capture oops');
  fs.writeFileSync(path.join(capture, '2026/11/24/07/part-2.jsonl.gz'), zlib.gzipSync(`${second.join('\n')}\n`));
  fs.writeFileSync(path.join(capture, '2026/11/24/08/part-3.gz'), Buffer.from([0x1f, 0x8b, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]));
  return { dir, baseline, capture };
}

const fx = fixture();
const base = ['drift', '--baseline', fx.baseline, '--capture', fx.capture, '--format', 'onnx'];

function tableRow(stdout: string, feature: string): string {
  const line = stdout.split('\n').find((l) => l.startsWith(`${feature} `));
  if (line === undefined) throw new Error(`no row for ${feature} in\n${stdout}`);
  return line;
}

test('flags the shifted feature as DRIFT, the others not, with exact accounting', async () => {
  const r = await run([...base, '--drift-share', '0.3']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(1);
  expect(tableRow(r.stdout, 'b')).toMatch(/^b\s+ks\s.*DRIFT\s+300\s+0$/);
  expect(tableRow(r.stdout, 'a')).toMatch(/✓\s+300\s+0$/);
  expect(tableRow(r.stdout, 'c')).toMatch(/✓\s+300\s+0$/);
  expect(r.stdout).toContain('drift: 3 capture files, baseline of 500 rows');
  expect(r.stdout).toContain('DATASET DRIFT: 1 of 3 features drifted');
  expect(r.stdout).toContain('lines: 305 read, 300 analyzed (300 rows), 3 rejected (1 not-json, 1 truncated-json, 1 unsupported-version), 1 blank, 1 ignored');
  expect(r.stdout).toContain('corrupt objects: 1');
  expect(r.stdout).toMatch(/part-3\.gz: CORRUPT_GZIP/);
});

test('with the default drift share one drifted feature of three is no dataset drift: exit 0', async () => {
  const r = await run(base);
  expect(r.code).toBe(0);
  expect(tableRow(r.stdout, 'b')).toContain('DRIFT');
  expect(r.stdout).toContain('no dataset drift: 1 of 3 features drifted');
});

test('--format auto rejects the platform log line instead of ignoring it', async () => {
  const r = await run(['drift', '--baseline', fx.baseline, '--capture', fx.capture]);
  expect(r.stdout).toContain('lines: 305 read, 300 analyzed (300 rows), 4 rejected (2 not-json, 1 truncated-json, 1 unsupported-version), 1 blank, 0 ignored');
});

test('--json prints the report and the accounting', async () => {
  const r = await run([...base, '--drift-share', '0.3', '--json']);
  expect(r.code).toBe(1);
  const doc = JSON.parse(r.stdout) as {
    files: number;
    report: { status: string; records: number; datasetDrift: boolean; features: Array<{ feature: string; method: string; drifted: boolean; count: number; pValue: number }> };
    stats: { linesRead: number; linesAnalyzed: number; linesRejected: number; linesBlank: number; linesIgnored: number; objectsCorrupt: number; rejectedByReason: Record<string, number>; examples: Array<{ excerpt: string }> };
  };
  expect(doc.files).toBe(3);
  expect(doc.report).toMatchObject({ status: 'ok', records: 300, datasetDrift: true });
  expect(doc.report.features.map((f) => [f.feature, f.method, f.drifted, f.count])).toEqual([['a', 'ks', false, 300], ['b', 'ks', true, 300], ['c', 'ks', false, 300]]);
  expect(doc.report.features[1]!.pValue).toBeLessThan(0.05);
  expect(doc.stats).toMatchObject({ linesRead: 305, linesAnalyzed: 300, linesRejected: 3, linesBlank: 1, linesIgnored: 1, objectsCorrupt: 1 });
  expect(doc.stats.rejectedByReason).toMatchObject({ 'not-json': 1, 'truncated-json': 1, 'unsupported-version': 1, 'malformed': 0 });
  expect(doc.stats.examples.some((x) => x.excerpt.includes(SCRIPT))).toBe(true);
});

test('--html writes a self-contained report with a chart per feature and escaped examples', async () => {
  const out = path.join(fx.dir, 'report.html');
  const r = await run([...base, '--html', out]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`html report -> ${out}`);
  const html = fs.readFileSync(out, 'utf8');
  expect(html.match(/<svg /g)).toHaveLength(3);
  expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  expect(html).not.toContain('<script');
  expect(html).not.toMatch(/<link|src=|href=/);
  expect(html).toContain('baseline</text>');
  expect(html).toContain('current</text>');
  expect(html).toContain('CORRUPT_GZIP');
  expect(html).toMatch(/class="drift">DRIFT/);
});

test('insufficient data is exit 0 with a clear message', async () => {
  const r = await run([...base, '--min-records', '1000']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('insufficient data: 300 rows analyzed, at least 1000 needed for a verdict');
  expect(r.stdout).toContain('lines: 305 read');
});

test('reads single files given after --capture', async () => {
  const r = await run(['drift', '--baseline', fx.baseline, '--capture', path.join(fx.capture, '2026/11/24/07/part-2.jsonl.gz'), '--min-records', '10', '--json']);
  const doc = JSON.parse(r.stdout) as { files: number; report: { records: number } };
  expect(doc).toMatchObject({ files: 1, report: { records: 150 } });
});

test.each([
  [['drift', '--baseline', 'missing.json', '--capture', '.'], 'cannot read baseline missing.json'],
  [['drift', '--capture', '.'], '--baseline <baseline.json> is required'],
  [['drift', '--baseline', 'x.json'], '--capture <files|dir> is required'],
  [['drift', '--baseline', 'x.json', '--capture', '.', '--format', 'csv'], '--format must be sagemaker, onnx or auto'],
  [['drift', '--baseline', 'x.json', '--capture', '.', '--min-records', '0'], '--min-records must be a positive integer'],
  [['drift', '--baseline', 'x.json', '--capture', '.', '--colour', 'red'], 'unknown option --colour'],
])('exit 2 with a one-line reason: %j', async (argv, phrase) => {
  const r = await run(argv);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(phrase);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
});

test.each([
  ['a missing capture input', (dir: string) => path.join(dir, 'missing'), 'no such file or directory'],
  ['a capture input under a file', (dir: string) => path.join(dir, 'baseline.json', 'capture'), 'a parent is not a directory'],
])('%s is exit 2 with the reason, with and without a window', async (_, input, reason) => {
  const capture = input(fx.dir);
  for (const extra of [[], ['--window-minutes', '60', '--window-end', '2026-11-24T07:00:00Z']]) {
    const r = await run(['drift', '--baseline', fx.baseline, '--capture', capture, ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`sovereign-ml drift: cannot read capture ${capture}: ${reason}\n`);
  }
});

test('an invalid baseline and an empty capture directory are exit 2', async () => {
  const bad = path.join(fx.dir, 'bad.json');
  fs.writeFileSync(bad, '{"format":"other"}');
  const r1 = await run(['drift', '--baseline', bad, '--capture', fx.capture]);
  expect(r1.code).toBe(2);
  expect(r1.stderr).toContain('is not a valid baseline');
  const empty = path.join(fx.dir, 'empty');
  fs.mkdirSync(empty);
  const r2 = await run(['drift', '--baseline', fx.baseline, '--capture', empty]);
  expect(r2.code).toBe(2);
  expect(r2.stderr).toContain(`no capture files in directory ${empty}`);
  expect(r2.stderr.trim().split('\n')).toHaveLength(1);
});

describe('--window-minutes (hour partitions of a capture directory)', () => {
  const json = async (extra: string[]) => {
    const r = await run([...base, '--min-records', '10', '--json', ...extra]);
    return { ...r, doc: JSON.parse(r.stdout) as { files: number; window: { start: string; end: string }; report: { status: string; records: number } } };
  };

  test.each([
    // [window end, minutes, files read, records, window start, window end as printed]: hour 06 has 150 records, 07 has 150, 08 is a corrupt object.
    ['2026-11-24T07:00:00Z', 60, 1, 150, '2026-11-24T06:00:00.000Z', '2026-11-24T07:00:00.000Z'],
    ['2026-11-24T07:30:00Z', 60, 2, 300, '2026-11-24T06:30:00.000Z', '2026-11-24T07:30:00.000Z'],
    ['2026-11-24T08:00:00Z', 120, 2, 300, '2026-11-24T06:00:00.000Z', '2026-11-24T08:00:00.000Z'],
    ['2026-11-24T09:00:00Z', 180, 3, 300, '2026-11-24T06:00:00.000Z', '2026-11-24T09:00:00.000Z'],
    ['2026-11-24T08:00:01Z', 1, 2, 150, '2026-11-24T07:59:01.000Z', '2026-11-24T08:00:01.000Z'],
    ['2026-11-24T08:30:00Z', 1, 1, 0, '2026-11-24T08:29:00.000Z', '2026-11-24T08:30:00.000Z'],
  ] as const)('a window ending %s of %i minutes reads %i file(s)', async (end, minutes, files, records, windowStart, windowEnd) => {
    const { code, doc } = await json(['--window-minutes', String(minutes), '--window-end', end]);
    expect(code).toBe(0);
    expect(doc.files).toBe(files);
    expect(doc.window).toEqual({ start: windowStart, end: windowEnd });
    expect(doc.report.records ?? 0).toBe(records);
  });

  test.each([
    ['2026-11-24T07:59:59.999Z', '2026-11-24T07:00:00.000Z'],
    ['2026-11-24T08:00:00.000Z', '2026-11-24T08:00:00.000Z'],
    ['2026-11-24T08:00:05.000Z', '2026-11-24T08:00:00.000Z'],
    ['2026-12-31T23:30:00.000Z', '2026-12-31T23:00:00.000Z'],
  ])('--window-end hour at %s ends the window at %s, the start of the UTC hour', (now, end) => {
    expect(windowEndAt('hour', new Date(now)).toISOString()).toBe(end);
  });

  test('without --window-end the window ends now; a given time is kept', () => {
    const now = new Date('2026-11-24T08:00:05.000Z');
    expect(windowEndAt(undefined, now)).toBe(now);
    expect(windowEndAt(new Date('2026-11-24T07:15:00Z'), now).toISOString()).toBe('2026-11-24T07:15:00.000Z');
  });

  test('--window-end hour reads the last whole hour only, never the current one', async () => {
    // Capture in the current UTC hour's partition (40 records) and the previous hour's (150 records).
    const before = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const capture = path.join(tempDir(), 'capture');
    const u = mulberry32(7);
    const write = (hourStart: number, records: number) => {
      const dir = path.join(capture, hourPartition(new Date(hourStart)));
      fs.mkdirSync(dir, { recursive: true });
      const lines = Array.from({ length: records }, (_, i) => captureLine([normal(u), 10 + 2 * normal(u), -5 + normal(u)], i));
      fs.writeFileSync(path.join(dir, 'part.jsonl'), `${lines.join('\n')}\n`);
    };
    write(before - 3_600_000, 150);
    write(before, 40);
    const r = await run(['drift', '--baseline', fx.baseline, '--capture', capture, '--format', 'onnx', '--min-records', '10', '--json', '--window-minutes', '60', '--window-end', 'hour']);
    const after = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { files: number; window: { start: string; end: string }; report: { records: number } };
    expect(doc.files).toBe(1);
    if (doc.window.end === new Date(before).toISOString()) {
      // The window is the previous hour [before − 1 h, before): its 150 records, none of the current hour's 40.
      expect(doc.window.start).toBe(new Date(before - 3_600_000).toISOString());
      expect(doc.report.records).toBe(150);
    } else {
      // The hour turned while the test ran: the window ends at the new hour and is the hour written as current.
      expect(doc.window).toEqual({ start: new Date(before).toISOString(), end: new Date(after).toISOString() });
      expect(after).toBe(before + 3_600_000);
      expect(doc.report.records).toBe(40);
    }
  });

  test('a window without capture is insufficient data, exit 0, not an error', async () => {
    const { code, doc, stderr } = await json(['--window-minutes', '60', '--window-end', '2026-11-25T00:00:00Z']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(doc.files).toBe(0);
    expect(doc.report).toMatchObject({ status: 'insufficient-data', records: 0 });
  });

  test('publishes with the window end as the metrics timestamp', async () => {
    const published: DriftMetricsSummary[] = [];
    const publisher: DriftMetricsPublisher = { async publish(summary: DriftMetricsSummary, _target: DriftMetricsTarget) { published.push(summary); return { metrics: 1, requests: 1 }; } };
    const r = await run([...base, '--window-minutes', '60', '--window-end', '2026-11-24T07:00:00Z', '--cloudwatch-region', 'ap-east-1', '--model', 'm'], publisher);
    expect(r.code).toBe(0);
    expect(published.map((p) => p.timestamp.toISOString())).toEqual(['2026-11-24T07:00:00.000Z']);
  });

  test.each([
    [['--window-minutes', '0'], '--window-minutes must be a whole number of minutes from 1 to 10080 (a week), got "0"'],
    [['--window-minutes', '1.5'], '--window-minutes must be a whole number of minutes from 1 to 10080 (a week), got "1.5"'],
    [['--window-minutes', '60', '--window-end', 'yesterday'], '--window-end must be an ISO 8601 time such as 2026-11-24T10:00:00Z, or "hour", got "yesterday"'],
    [['--window-end', '2026-11-24T07:00:00Z'], '--window-end needs --window-minutes <n>, the length of the window'],
  ])('exit 2 when %j', async (extra, phrase) => {
    const r = await run([...base, ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(phrase);
  });

  test('exit 2 when a capture input is a file: the window selects partitions of directories', async () => {
    const file = path.join(fx.capture, '2026/11/24/06/part-1.jsonl');
    const r = await run(['drift', '--baseline', fx.baseline, '--capture', file, '--window-minutes', '60']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--window-minutes reads the hour partitions of capture directories, but ${file} is a file`);
  });
});

test('drift is listed in the usage and has a help text', async () => {
  expect((await run(['--help'])).stdout).toMatch(/^ {2}drift +evaluate local capture files/m);
  const r = await run(['drift', '--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('usage: sovereign-ml drift --baseline');
});

describe('--cloudwatch-region (the publisher is an interface here; CloudWatch itself in test/lambda/drift-monitor/cloudwatch-publisher.test.ts)', () => {
  /** A publisher recording what it was given. */
  function recorder(): DriftMetricsPublisher & { calls: Array<[DriftMetricsSummary, DriftMetricsTarget]> } {
    const calls: Array<[DriftMetricsSummary, DriftMetricsTarget]> = [];
    return { calls, publish: async (summary, target) => { calls.push([summary, target]); return { metrics: 7, requests: 1 }; } };
  }

  test('hands the publisher the verdict and two counts, nothing else, after printing the report', async () => {
    const p = recorder();
    const r = await run([...base, '--cloudwatch-region', 'ap-east-1', '--model', 'hk-claims-fraud'], p);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no dataset drift: 1 of 3 features drifted');
    expect(r.stderr).toBe('published 7 drift metrics for model hk-claims-fraud to CloudWatch SovereignML/Drift in ap-east-1 (1 PutMetricData request)\n');
    expect(p.calls).toHaveLength(1);
    const [summary, target] = p.calls[0]!;
    expect(target).toEqual({ region: 'ap-east-1', namespace: 'SovereignML/Drift' });
    expect(Object.keys(summary).sort()).toEqual(['modelName', 'recordsAnalyzed', 'recordsRejected', 'report', 'timestamp']);
    expect(summary).toMatchObject({ modelName: 'hk-claims-fraud', recordsAnalyzed: 300, recordsRejected: 3, report: { status: 'ok', records: 300 } });
    expect(JSON.stringify(summary)).not.toContain('script');
  });

  test('--namespace sets the namespace', async () => {
    const p = recorder();
    await run([...base, '--cloudwatch-region', 'eu-central-1', '--model', 'm', '--namespace', 'Site/Frankfurt #2'], p);
    expect(p.calls[0]![1]).toEqual({ region: 'eu-central-1', namespace: 'Site/Frankfurt #2' });
  });

  test.each([
    ['an unknown region', ['--cloudwatch-region', 'ap-east-9', '--model', 'm'], '--cloudwatch-region "ap-east-9" is not a known AWS region; did you mean ap-east-1'],
    ['a region without --model', ['--cloudwatch-region', 'ap-east-1'], '--cloudwatch-region needs --model <name>'],
    ['--model without a region', ['--model', 'm'], '--model is only used with --cloudwatch-region <region>'],
    ['--namespace without a region', ['--namespace', 'X'], '--namespace is only used with --cloudwatch-region <region>'],
    ['a namespace reserved for AWS', ['--cloudwatch-region', 'ap-east-1', '--model', 'm', '--namespace', 'AWS/SageMaker'], 'not starting with ":" or "AWS/", got "AWS/SageMaker"'],
    ['a namespace with other characters', ['--cloudwatch-region', 'ap-east-1', '--model', 'm', '--namespace', 'drift\u00e9'], '--namespace must be 1 to 255 of letters'],
    ['a blank model', ['--cloudwatch-region', 'ap-east-1', '--model', ' '], '--model must be 1 to 1024 characters, not blank'],
  ])('fails when given %s: exit 2, one line, nothing published', async (_name, extra, phrase) => {
    const p = recorder();
    const r = await run([...base, ...extra], p);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(phrase);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(p.calls).toEqual([]);
  });

  test('fails when no publisher is wired in (lib/ alone cannot reach CloudWatch): exit 2 before reading the capture', async () => {
    const r = await run([...base, '--cloudwatch-region', 'ap-east-1', '--model', 'm']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: expect.stringContaining('--cloudwatch-region needs the sovereign-ml binary') });
  });

  test('a refused publish is exit 3 with one line, after the report', async () => {
    const failing: DriftMetricsPublisher = { publish: async () => { throw new Error('connect ETIMEDOUT\n  at somewhere'); } };
    const r = await run([...base, '--cloudwatch-region', 'ap-east-1', '--model', 'm'], failing);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('no dataset drift');
    expect(r.stderr).toBe('sovereign-ml drift: cannot publish drift metrics to CloudWatch in ap-east-1: connect ETIMEDOUT at somewhere\n');
  });

  test('the help text documents the options and exit code 3', async () => {
    const r = await run(['drift', '--help']);
    for (const flag of ['--cloudwatch-region <r>', '--model <name>', '--namespace <ns>', 'default SovereignML/Drift', '3 the metrics could not be published']) expect(r.stdout).toContain(flag);
  });
});
