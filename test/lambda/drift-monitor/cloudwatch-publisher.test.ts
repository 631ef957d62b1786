/**
 * `sovereign-ml drift --cloudwatch-region`: the CLI run over a small capture folder with
 * the CloudWatch publisher wired in, CloudWatch mocked (aws-sdk-client-mock). The metric
 * data must be exactly the drift job's aggregates for the capture: counts known from how
 * the fixture is built, scores equal to the CLI's own JSON report of the same files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudWatchClient, PutMetricDataCommand, type MetricDatum, type PutMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import type { DriftReport, FeatureDrift } from '../../../lib/drift';
import { BaselineBuilder } from '../../../lib/drift';
import { main, type CliIo } from '../../../lib/cli/main';
import { batchMetricData, cloudWatchDriftPublisher, MAX_METRICS_PER_REQUEST, MAX_REQUEST_BYTES } from '../../../lambda/drift-monitor/cloudwatch-publisher';
import { tempDir } from '../../support/app';

const cw = mockClient(CloudWatchClient);
beforeEach(() => {
  cw.reset();
  cw.on(PutMetricDataCommand).resolves({});
});

/** A value no metric may carry: every captured record holds it (as its output). */
const MARKER_VALUE = 123456.789;
const SECRET = 'HKID-A123456(7)';

/**
 * A baseline of 400 rows (a ~ i mod 100, b ~ (i * 7) mod 100) and one capture file of
 * 150 records where b is shifted by +60 (drifts) and a is not, plus 2 rejected lines
 * (one truncated record holding SECRET, one non-JSON line with the capture marker) and a
 * blank line.
 */
function fixture(): { baseline: string; capture: string } {
  const dir = tempDir('drift-cw-');
  const builder = new BaselineBuilder(['a', 'b'], { seed: 3 });
  for (let i = 0; i < 400; i++) builder.addRow([i % 100, (i * 7) % 100]);
  const baseline = path.join(dir, 'baseline.json');
  fs.writeFileSync(baseline, JSON.stringify(builder.build()));
  const line = (i: number, values: number[]) => JSON.stringify({
    kind: 'sovereign-ml.capture', v: 1, time: '2026-11-24T06:00:00.000Z', model: { name: 'fraud', version: '3' }, requestId: `r-${i}`,
    inputs: [{ name: 'input', datatype: 'FP64', shape: [1, 2], data: values }],
    outputs: [{ name: 'p', datatype: 'FP64', shape: [1, 1], data: [MARKER_VALUE] }],
  });
  const lines = Array.from({ length: 150 }, (_, i) => line(i, [(i * 3) % 100, ((i * 7) % 100) + 60]));
  lines.splice(10, 0, `${line(999, [1, 2]).slice(0, 50)}${SECRET}`);
  lines.splice(20, 0, `not json sovereign-ml.capture ${SECRET}`);
  lines.splice(30, 0, '');
  const capture = path.join(dir, 'capture');
  fs.mkdirSync(capture);
  fs.writeFileSync(path.join(capture, 'part-1.jsonl'), `${lines.join('\n')}\n`);
  return { baseline, capture };
}

const fx = fixture();
const base = ['drift', '--baseline', fx.baseline, '--capture', fx.capture, '--format', 'onnx'];

async function run(argv: string[], io: Partial<CliIo> = { driftMetrics: cloudWatchDriftPublisher() }): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, ...io });
  return { code, stdout, stderr };
}

const sent = (): PutMetricDataCommandInput[] => cw.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);

test('publishes the drift job\'s metrics for the capture, in the given region, after the report', async () => {
  const before = Date.now();
  const r = await run([...base, '--cloudwatch-region', 'ap-east-1', '--model', 'hk-claims-fraud']);
  const after = Date.now();
  const report = (JSON.parse((await run([...base, '--json'])).stdout) as { report: Extract<DriftReport, { status: 'ok' }> }).report;
  const byName = (f: string) => report.features.find((x) => x.feature === f)!;

  // One drifted feature of two is the default share of 0.5: dataset drift, exit 1, as without publishing.
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('DATASET DRIFT: 1 of 2 features drifted');
  expect(r.stderr).toBe('published 11 drift metrics for model hk-claims-fraud to CloudWatch SovereignML/Drift in ap-east-1 (1 PutMetricData request)\n');

  const calls = cw.commandCalls(PutMetricDataCommand);
  expect(calls).toHaveLength(1);
  expect(await (calls[0]!.thisValue as CloudWatchClient).config.region()).toBe('ap-east-1');
  const input = calls[0]!.args[0].input;
  expect(input.Namespace).toBe('SovereignML/Drift');
  const data = input.MetricData!;
  const timestamp = data[0]!.Timestamp as Date;
  expect(timestamp.getTime()).toBeGreaterThanOrEqual(before);
  expect(timestamp.getTime()).toBeLessThanOrEqual(after);
  const dims = (feature: string) => [{ Name: 'model', Value: 'hk-claims-fraud' }, { Name: 'feature', Value: feature }];
  const perFeature = (f: FeatureDrift): MetricDatum[] => [
    { MetricName: 'DriftScore', Dimensions: dims(f.feature), Timestamp: timestamp, Value: f.score, Unit: 'None' },
    { MetricName: 'Drifted', Dimensions: dims(f.feature), Timestamp: timestamp, Value: f.drifted ? 1 : 0, Unit: 'None' },
    { MetricName: 'PSI', Dimensions: dims(f.feature), Timestamp: timestamp, Value: f.psi, Unit: 'None' },
  ];
  expect({ a: byName('a').drifted, b: byName('b').drifted }).toEqual({ a: false, b: true });
  expect(data).toEqual([
    ...perFeature(byName('a')),
    ...perFeature(byName('b')),
    { MetricName: 'Drifted', Dimensions: dims('__dataset__'), Timestamp: timestamp, Value: 1, Unit: 'None' },
    { MetricName: 'DriftedShare', Dimensions: dims('__dataset__'), Timestamp: timestamp, Value: 0.5, Unit: 'None' },
    { MetricName: 'RecordsAnalyzed', Dimensions: dims('__dataset__'), Timestamp: timestamp, Value: 150, Unit: 'Count' },
    { MetricName: 'RecordsRejected', Dimensions: dims('__dataset__'), Timestamp: timestamp, Value: 2, Unit: 'Count' },
    { MetricName: 'InsufficientData', Dimensions: dims('__dataset__'), Timestamp: timestamp, Value: 0, Unit: 'None' },
  ]);
});

test('only aggregates are sent: no captured value, no excerpt of a rejected line, no file name', async () => {
  await run([...base, '--cloudwatch-region', 'eu-central-1', '--model', 'm', '--namespace', 'Site/HK-1']);
  const payload = JSON.stringify(sent());
  expect(sent()[0]!.Namespace).toBe('Site/HK-1');
  for (const leak of [SECRET, String(MARKER_VALUE), fx.capture, 'part-1.jsonl', 'r-1', 'fraud']) expect(payload).not.toContain(leak);
  for (const d of sent().flatMap((i) => i.MetricData!)) {
    expect(Object.keys(d).sort()).toEqual(['Dimensions', 'MetricName', 'Timestamp', 'Unit', 'Value']);
    expect(d.Dimensions!.map((x) => x.Name)).toEqual(['model', 'feature']);
    expect(Number.isFinite(d.Value)).toBe(true);
  }
});

test('insufficient data: only the dataset counts and InsufficientData = 1, no verdict', async () => {
  const r = await run([...base, '--min-records', '1000', '--cloudwatch-region', 'ap-east-1', '--model', 'm']);
  expect(r.code).toBe(0);
  expect(sent()[0]!.MetricData!.map((d) => [d.MetricName, d.Value])).toEqual([['RecordsAnalyzed', 150], ['RecordsRejected', 2], ['InsufficientData', 1]]);
});

test('nothing is published without --cloudwatch-region', async () => {
  for (const extra of [[], ['--json'], ['--drift-share', '0.3']]) {
    const r = await run([...base, ...extra]);
    expect(r.stderr).toBe('');
  }
  expect(cw.calls()).toHaveLength(0);
});

test('fails when CloudWatch refuses the request: one line on stderr, exit 3, the report still printed', async () => {
  const denied = Object.assign(new Error('User: arn:aws:sts::111111111111:assumed-role/drift/x is not authorized to perform: cloudwatch:PutMetricData\nbecause no identity-based policy allows it'), { name: 'AccessDenied' });
  cw.on(PutMetricDataCommand).rejects(denied);
  const r = await run([...base, '--cloudwatch-region', 'ap-east-1', '--model', 'm']);
  expect(r.code).toBe(3);
  expect(r.stdout).toContain('DATASET DRIFT: 1 of 2 features drifted');
  expect(r.stderr).toBe('sovereign-ml drift: cannot publish drift metrics to CloudWatch in ap-east-1: AccessDenied: User: arn:aws:sts::111111111111:assumed-role/drift/x is not authorized to perform: cloudwatch:PutMetricData because no identity-based policy allows it\n');
});

describe('batches within the PutMetricData limits', () => {
  /** A report of `n` features named by `name`. */
  function wide(n: number, name: (i: number) => string): DriftReport {
    const features: FeatureDrift[] = Array.from({ length: n }, (_, i) => ({ feature: name(i), method: 'ks', threshold: 0.05, score: i / n, pValue: 0.5, drifted: false, psi: 0.01, count: 10, missing: 0 }));
    return { status: 'ok', records: 10, features, driftedShare: 0, datasetDrift: false };
  }
  const summary = (report: DriftReport) => ({ modelName: 'm', timestamp: new Date('2026-11-24T10:00:00Z'), report, recordsAnalyzed: 10, recordsRejected: 0 });

  test('at most 1000 metric data per request, in order', async () => {
    const result = await cloudWatchDriftPublisher().publish(summary(wide(400, (i) => `f${i}`)), { region: 'ap-east-1', namespace: 'N' });
    expect(result).toEqual({ metrics: 1205, requests: 2 });
    expect(sent().map((i) => i.MetricData!.length)).toEqual([MAX_METRICS_PER_REQUEST, 205]);
    expect(sent()[1]!.MetricData!.at(-1)!.MetricName).toBe('InsufficientData');
  });

  test('long dimension values: requests also stay under 1 MB', async () => {
    const result = await cloudWatchDriftPublisher().publish(summary(wide(600, (i) => `${i}-${'x'.repeat(1000)}`)), { region: 'ap-east-1', namespace: 'N' });
    expect(result.requests).toBeGreaterThan(2);
    for (const input of sent()) expect(Buffer.byteLength(JSON.stringify(input))).toBeLessThan(MAX_REQUEST_BYTES + 4_096);
    expect(sent().reduce((n, i) => n + i.MetricData!.length, 0)).toBe(1805);
  });

  test('fails before sending when a feature name is too long for a dimension value', async () => {
    await expect(cloudWatchDriftPublisher().publish(summary(wide(2, (i) => `${i}${'y'.repeat(1024)}`)), { region: 'ap-east-1', namespace: 'N' }))
      .rejects.toThrow('dimension feature must be 1 to 1024 characters for CloudWatch, got 1025');
    expect(cw.calls()).toHaveLength(0);
  });

  test('an empty list is no request', () => {
    expect(batchMetricData([])).toEqual([]);
  });
});
