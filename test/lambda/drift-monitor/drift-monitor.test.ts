import * as fs from 'node:fs';
import * as path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type GetObjectCommandOutput, type ListObjectsV2CommandInput } from '@aws-sdk/client-s3';
import { SageMakerClient, StartPipelineExecutionCommand } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { buildWindows, hourPrefixes, mergePartials, evaluatePartial, runDriftJob } from '../../../lambda/drift-monitor/drift-job';
import { driftMetrics, DATASET_FEATURE, type EmfDocument } from '../../../lambda/drift-monitor/metrics';
import { handler } from '../../../lambda/drift-monitor';
import { allKeys, BUCKET, folderDeps, makeFixture, PREFIX, WINDOW_END, type Fixture } from '../../support/drift-fixture';

let fx: Fixture;
beforeAll(() => {
  fx = makeFixture();
});
afterAll(() => {
  fs.rmSync(fx.root, { recursive: true, force: true });
});

describe('hourPrefixes', () => {
  test.each([
    ['onnx', '2026-11-24T10:00:00.000Z', 60, ['capture/m/1/2026/11/24/09/']],
    ['onnx', '2026-11-24T10:30:00.000Z', 60, ['capture/m/1/2026/11/24/09/', 'capture/m/1/2026/11/24/10/']],
    ['onnx', '2026-01-01T00:00:00.000Z', 120, ['capture/m/1/2025/12/31/22/', 'capture/m/1/2025/12/31/23/']],
  ] as const)('%s window ending %s over %i minutes', (format, end, minutes, expected) => {
    expect(hourPrefixes(format, 'capture/m/1/', new Date(end), minutes)).toEqual(expected);
  });

  test('sagemaker partitions sit under the variant name', () => {
    expect(hourPrefixes('sagemaker', 'endpoint-capture/fraud-ep/', new Date('2026-11-24T10:00:00Z'), 60)).toEqual(['endpoint-capture/fraud-ep/AllTraffic/2026/11/24/09/']);
  });

  test('fails when the window length is not a positive integer', () => {
    expect(() => hourPrefixes('onnx', 'p/', WINDOW_END, 0)).toThrow(/windowMinutes must be a positive integer, got 0/);
  });
});

describe('runDriftJob over a folder', () => {
  const input = () => ({ baseline: fx.baseline, format: 'onnx' as const, bucket: BUCKET, prefix: PREFIX, windowEnd: WINDOW_END, windowMinutes: 120, modelName: 'hk-claims-fraud' });

  test('flags the shifted features, not the stable ones, and accounts for every line', async () => {
    const deps = folderDeps(fx.root);
    const result = await runDriftJob(input(), deps);

    expect(deps.listed).toEqual([`${PREFIX}2026/11/24/08/`, `${PREFIX}2026/11/24/09/`]);
    expect(deps.opened.some((k) => k.includes('/07/') || k.includes('/10/'))).toBe(false);
    expect(result.objects).toBe(4);

    const r = result.report;
    if (r.status !== 'ok') throw new Error(`expected a verdict, got ${r.status}`);
    const drifted = Object.fromEntries(r.features.map((f) => [f.feature, f.drifted]));
    expect(drifted).toEqual({ f0: true, f1: true, f2: false, f3: false });
    expect(r.features.every((f) => f.method === 'wasserstein')).toBe(true);
    expect(r.driftedShare).toBe(0.5);
    expect(r.datasetDrift).toBe(true);
    expect(r.output).toMatchObject({ feature: 'score', drifted: false });

    const s = result.stats;
    expect(s.linesRead).toBe(s.linesAnalyzed + s.linesRejected + s.linesBlank + s.linesIgnored);
    expect(s.linesRejected).toBe(3);
    expect(s.rejectedByReason).toMatchObject({ 'truncated-json': 1, 'wrong-column-count': 1, 'malformed': 1, 'not-json': 0 });
    expect(Object.values(s.rejectedByReason).reduce((x, y) => x + y, 0)).toBe(3);
    expect(s.linesBlank).toBe(1);
    expect(s.linesIgnored).toBe(2);
    expect(s.objectsCorrupt).toBe(1);
    expect(s.corruptObjects).toEqual([expect.objectContaining({ source: fx.truncatedKey, code: 'TRUNCATED_GZIP' })]);
    // The truncated object keeps the complete lines before the cut (one row each).
    const fromTruncated = s.rowsAnalyzed - fx.rowsInCompleteObjects;
    expect(fromTruncated).toBeGreaterThanOrEqual(0);
    expect(fromTruncated).toBeLessThan(100);
    expect(r.records).toBe(s.rowsAnalyzed);
    expect(s.examples.map((e) => [e.source, e.reason])).toEqual([
      [`${PREFIX}2026/11/24/08/part-a.gz`, 'truncated-json'],
      [`${PREFIX}2026/11/24/08/part-b`, 'wrong-column-count'],
      [`${PREFIX}2026/11/24/08/part-b`, 'malformed'],
    ]);
  });

  test('a window with too few records gets insufficient-data and the InsufficientData metric', async () => {
    const result = await runDriftJob({ ...input(), windowEnd: new Date('2026-11-24T13:00:00.000Z'), windowMinutes: 60 }, folderDeps(fx.root));
    expect(result.report).toEqual({ status: 'insufficient-data', records: 20, minRecords: 100 });
    const dataset = driftMetrics(result).find((d) => d.feature === DATASET_FEATURE)!;
    expect(dataset.InsufficientData).toBe(1);
    expect(dataset.RecordsAnalyzed).toBe(20);
    expect(dataset).not.toHaveProperty('Drifted');
  });

  test('two partial runs merged give exactly the single-run report', async () => {
    const single = await runDriftJob(input(), folderDeps(fx.root));
    const keys = allKeys(fx.root).filter((k) => /\/(08|09)\//.test(k));
    const deps = folderDeps(fx.root);
    const options = { format: 'onnx' as const, bucket: BUCKET };
    const p1 = await buildWindows(fx.baseline, { ...options, keys: [keys[0]!, keys[3]!] }, deps);
    const p2 = await buildWindows(fx.baseline, { ...options, keys: [keys[1]!, keys[2]!] }, deps);
    // Through JSON, as a distributed run would pass the parts around.
    const merged = mergePartials([JSON.parse(JSON.stringify(p2)), JSON.parse(JSON.stringify(p1))]);
    expect(evaluatePartial(fx.baseline, merged)).toEqual(single.report);
    expect(merged.objects).toBe(single.objects);
    const { examples: _e1, corruptObjects: _c1, ...counts } = merged.stats;
    const { examples: _e2, corruptObjects: _c2, ...singleCounts } = single.stats;
    expect(counts).toEqual(singleCounts);
  });
});

describe('handler', () => {
  const s3 = mockClient(S3Client);
  const sagemaker = mockClient(SageMakerClient);
  const events = mockClient(EventBridgeClient);
  const env = { ...process.env };
  let stdout: string[];
  let stderr: string[];

  beforeEach(() => {
    s3.reset();
    sagemaker.reset();
    events.reset();
    stdout = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    });
    stderr = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
    Object.assign(process.env, {
      AWS_REGION: 'ap-east-1', LAMBDA_TASK_ROOT: fx.root, CAPTURE_BUCKET: BUCKET, CAPTURE_PREFIX: PREFIX,
      CAPTURE_FORMAT: 'onnx', MODEL_NAME: 'hk-claims-fraud', WINDOW_MINUTES: '120',
    });
    delete process.env.ON_DRIFT_PIPELINE_NAME;
    delete process.env.ON_DRIFT_EVENT_BUS;
    // S3 served from the fixture folder, one key per page to exercise pagination.
    s3.on(ListObjectsV2Command).callsFake((req: ListObjectsV2CommandInput) => {
      const keys = allKeys(fx.root).filter((k) => k.startsWith(req.Prefix ?? ''));
      const start = Number(req.ContinuationToken ?? 0);
      const page = keys.slice(start, start + 1);
      const more = start + 1 < keys.length;
      return { Contents: page.map((Key) => ({ Key })), IsTruncated: more, ...(more ? { NextContinuationToken: String(start + 1) } : {}) };
    });
    s3.on(GetObjectCommand).callsFake((req: { Key: string }) => ({
      Body: fs.createReadStream(path.join(fx.root, req.Key)) as unknown as GetObjectCommandOutput['Body'],
    }));
    s3.on(PutObjectCommand).resolves({});
  });

  afterEach(() => {
    jest.restoreAllMocks();
    process.env = { ...env };
  });

  const emf = (): EmfDocument[] => stdout.flatMap((c) => c.split('\n')).filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as EmfDocument);

  test('writes the report with SSE-KMS, prints EMF, and lists only the window partitions', async () => {
    const summary = await handler({ windowEnd: WINDOW_END.toISOString() });

    expect(summary).toMatchObject({
      model: 'hk-claims-fraud', status: 'ok', datasetDrift: true, driftedFeatures: ['f0', 'f1'], objects: 4, objectsCorrupt: 1, linesRejected: 3,
      reportUri: `s3://${BUCKET}/drift-reports/hk-claims-fraud/2026-11-24T10:00:00.000Z.json`, actions: [],
    });
    const prefixes = [...new Set(s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input.Prefix))];
    expect(prefixes).toEqual([`${PREFIX}2026/11/24/08/`, `${PREFIX}2026/11/24/09/`]);
    expect(s3.commandCalls(ListObjectsV2Command).some((c) => c.args[0].input.ContinuationToken !== undefined)).toBe(true);
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key).filter((k) => /\/(07|10)\//.test(k ?? ''))).toEqual([]);

    const puts = s3.commandCalls(PutObjectCommand);
    expect(puts).toHaveLength(1);
    const put = puts[0]!.args[0].input;
    expect(put).toMatchObject({ Bucket: BUCKET, Key: 'drift-reports/hk-claims-fraud/2026-11-24T10:00:00.000Z.json', ContentType: 'application/json' });
    // The bucket default (the capture key) encrypts it; an explicit 'aws:kms' without a key id would pick aws/s3.
    expect(put.ServerSideEncryption).toBeUndefined();
    expect(put.SSEKMSKeyId).toBeUndefined();
    const doc = JSON.parse(String(put.Body)) as { report: { status: string }; stats: { linesRejected: number; examples: unknown[] }; prefixes: string[] };
    expect(doc.report.status).toBe('ok');
    expect(doc.stats.linesRejected).toBe(3);
    expect(doc.stats.examples).toHaveLength(3);

    const metrics = emf();
    expect(metrics.map((m) => m.feature)).toEqual(['f0', 'f1', 'f2', 'f3', '__output__', DATASET_FEATURE]);
    expect(metrics.find((m) => m.feature === '__output__')).toMatchObject({ Drifted: 0 });
    expect(metrics.find((m) => m.feature === 'f0')).toMatchObject({ model: 'hk-claims-fraud', Drifted: 1 });
    expect(metrics.find((m) => m.feature === 'f2')).toMatchObject({ Drifted: 0 });
    expect(metrics.find((m) => m.feature === DATASET_FEATURE)).toMatchObject({ Drifted: 1, DriftedShare: 0.5, RecordsRejected: 3, InsufficientData: 0 });
  });

  test('a sparse window reports insufficient data and starts nothing', async () => {
    process.env.ON_DRIFT_PIPELINE_NAME = 'retrain';
    process.env.WINDOW_MINUTES = '60';
    const summary = await handler({ windowEnd: '2026-11-24T13:00:00.000Z' });
    expect(summary).toMatchObject({ status: 'insufficient-data', records: 20, datasetDrift: false, actions: [] });
    expect(sagemaker.commandCalls(StartPipelineExecutionCommand)).toHaveLength(0);
    expect(emf().find((m) => m.feature === DATASET_FEATURE)).toMatchObject({ InsufficientData: 1, RecordsAnalyzed: 20 });
  });

  test('on dataset drift starts the pipeline and puts an event', async () => {
    process.env.ON_DRIFT_PIPELINE_NAME = 'hk-claims-fraud-retrain';
    process.env.ON_DRIFT_EVENT_BUS = 'ml-events';
    sagemaker.on(StartPipelineExecutionCommand).resolves({ PipelineExecutionArn: 'arn:aws:sagemaker:ap-east-1:111122223333:pipeline/x/execution/1' });
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-1' }] });

    const summary = await handler({ windowEnd: WINDOW_END.toISOString() });

    expect(summary.actions).toEqual([
      { action: 'sagemaker-pipeline', status: 'done', id: 'arn:aws:sagemaker:ap-east-1:111122223333:pipeline/x/execution/1' },
      { action: 'eventbridge', status: 'done', id: 'evt-1' },
    ]);
    const start = sagemaker.commandCalls(StartPipelineExecutionCommand)[0]!.args[0].input;
    expect(start.PipelineName).toBe('hk-claims-fraud-retrain');
    expect(start.ClientRequestToken!.length).toBeGreaterThanOrEqual(32);
    const entry = events.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!;
    expect(entry).toMatchObject({ EventBusName: 'ml-events', DetailType: 'sovereign-ml.drift', Source: 'sovereign-ml.drift-monitor' });
    expect(JSON.parse(entry.Detail!)).toMatchObject({ model: 'hk-claims-fraud', driftedFeatures: ['f0', 'f1'], reportUri: summary.reportUri });
  });

  test('failed drift actions are logged and reported, and the report and metrics are still written', async () => {
    process.env.ON_DRIFT_PIPELINE_NAME = 'hk-claims-fraud-retrain';
    process.env.ON_DRIFT_EVENT_BUS = 'ml-events';
    sagemaker.on(StartPipelineExecutionCommand).rejects(new Error('User is not authorized to perform sagemaker:StartPipelineExecution'));
    events.on(PutEventsCommand).rejects(new Error('event bus ml-events does not exist'));

    const summary = await handler({ windowEnd: WINDOW_END.toISOString() });

    expect(summary.actions).toEqual([
      { action: 'sagemaker-pipeline', status: 'failed', error: expect.stringContaining('not authorized') },
      { action: 'eventbridge', status: 'failed', error: expect.stringContaining('does not exist') },
    ]);
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(JSON.parse(String(put.Body)).actions).toEqual(summary.actions);
    expect(emf().length).toBe(6);
    const errors = [...stdout, ...stderr].filter((l) => l.includes('drift action failed'));
    expect(errors).toHaveLength(2);
  });

  test('fails when the environment is incomplete, naming every problem', async () => {
    delete process.env.CAPTURE_BUCKET;
    process.env.CAPTURE_FORMAT = 'parquet';
    await expect(handler({})).rejects.toThrow(/CAPTURE_BUCKET must be set; CAPTURE_FORMAT must be sagemaker or onnx, got "parquet"/);
  });
});
