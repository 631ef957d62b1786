import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type GetObjectCommandOutput, type ListObjectsV2CommandInput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../lambda/drift-monitor';
import {
  buildPartial, decodePartial, encodePartial, partialKeyOf, planWindow, reducePartials,
  type DistributedJobDeps, type ManifestBatch,
} from '../../../lambda/drift-monitor/distributed';
import { buildWindows, emptyPartial, evaluatePartial, runDriftJob, windowKeys } from '../../../lambda/drift-monitor/drift-job';
import { DRIFT_WORK_PREFIX } from '../../../lib/drift';
import { allKeys, BUCKET, folderDeps, makeFixture, PREFIX, WINDOW_END, type Fixture } from '../../support/drift-fixture';

let fx: Fixture;
beforeAll(() => {
  fx = makeFixture();
});
afterAll(() => {
  fs.rmSync(fx.root, { recursive: true, force: true });
});

/** The fixture folder for capture objects, plus an in-memory store for what the job writes. */
function storeDeps(): DistributedJobDeps & { store: Map<string, string>; deleted: string[][] } {
  const folder = folderDeps(fx.root);
  const store = new Map<string, string>();
  const deleted: string[][] = [];
  return {
    store,
    deleted,
    async *listKeys(bucket, prefix) {
      if (prefix.startsWith(DRIFT_WORK_PREFIX)) yield* [...store.keys()].filter((k) => k.startsWith(prefix)).sort();
      else yield* folder.listKeys(bucket, prefix);
    },
    async openObject(bucket, key) {
      const text = store.get(key);
      return text !== undefined ? Readable.from([Buffer.from(text)]) : folder.openObject(bucket, key);
    },
    async putObject(_bucket, key, body) {
      store.set(key, body);
    },
    async deleteObjects(_bucket, keys) {
      deleted.push([...keys]);
      for (const k of keys) store.delete(k);
    },
  };
}

const location = { format: 'onnx' as const, bucket: BUCKET, prefix: PREFIX, windowEnd: WINDOW_END, windowMinutes: 120, modelName: 'hk-claims-fraud' };

describe('planWindow', () => {
  test('batches the keys of the window\'s hour partitions into a manifest under the work prefix', async () => {
    const deps = storeDeps();
    const plan = await planWindow({ ...location, objectsPerBatch: 3 }, deps);
    const windowKeys = allKeys(fx.root).filter((k) => /\/2026\/11\/24\/(08|09)\//.test(k));
    expect(windowKeys).toHaveLength(4);
    expect(plan).toEqual({
      bucket: BUCKET, workPrefix: 'drift-work/hk-claims-fraud/2026-11-24T10:00:00.000Z/',
      manifestKey: 'drift-work/hk-claims-fraud/2026-11-24T10:00:00.000Z/manifest.json',
      windowEnd: '2026-11-24T10:00:00.000Z', objects: 4, batches: 2,
    });
    const manifest = JSON.parse(deps.store.get(plan.manifestKey)!) as ManifestBatch[];
    expect(manifest).toEqual([{ index: 0, keys: windowKeys.slice(0, 3) }, { index: 1, keys: windowKeys.slice(3) }]);
  });

  test('an empty window gives an empty manifest', async () => {
    const deps = storeDeps();
    const plan = await planWindow({ ...location, windowEnd: new Date('2026-11-20T10:00:00.000Z'), objectsPerBatch: 3 }, deps);
    expect(plan).toMatchObject({ objects: 0, batches: 0 });
    expect(JSON.parse(deps.store.get(plan.manifestKey)!)).toEqual([]);
  });

  test.each([0, 1.5, -2])('fails when objectsPerBatch is %p', async (n) => {
    await expect(planWindow({ ...location, objectsPerBatch: n }, storeDeps())).rejects.toThrow(`objectsPerBatch must be a positive integer, got ${n}`);
  });
});

describe('plan, partials and reduce', () => {
  test.each([1, 2, 3, 4])('with %i object(s) per batch give exactly the single-run report and counts', async (objectsPerBatch) => {
    const single = await runDriftJob({ ...location, baseline: fx.baseline }, folderDeps(fx.root));
    const deps = storeDeps();
    const plan = await planWindow({ ...location, objectsPerBatch }, deps);
    const manifest = JSON.parse(deps.store.get(plan.manifestKey)!) as ManifestBatch[];
    // Children finish in any order; reduce merges in index order.
    for (const batch of [...manifest].reverse()) {
      const out = await buildPartial(fx.baseline, { format: 'onnx', bucket: BUCKET, workPrefix: plan.workPrefix, batch }, deps);
      expect(out.partialKey).toBe(partialKeyOf(plan.workPrefix, batch.index));
      expect(out.objects).toBe(batch.keys.length);
    }
    const { result, workKeys } = await reducePartials(fx.baseline, { ...location, workPrefix: plan.workPrefix, batches: plan.batches }, deps);

    expect(result.report).toEqual(single.report);
    expect(result.objects).toBe(single.objects);
    expect(result.prefixes).toEqual(single.prefixes);
    const { examples: e1, corruptObjects: c1, ...counts } = result.stats;
    const { examples: e2, corruptObjects: c2, ...singleCounts } = single.stats;
    expect(counts).toEqual(singleCounts);
    // Examples follow object order, which index order keeps.
    expect(e1).toEqual(e2);
    expect(c1).toEqual(c2);
    expect(workKeys).toEqual([plan.manifestKey, ...manifest.map((b) => partialKeyOf(plan.workPrefix, b.index))]);
  });

  test('a retried child overwrites its partial, so no object counts twice', async () => {
    const deps = storeDeps();
    const plan = await planWindow({ ...location, objectsPerBatch: 2 }, deps);
    const manifest = JSON.parse(deps.store.get(plan.manifestKey)!) as ManifestBatch[];
    for (const batch of [...manifest, manifest[0]!]) await buildPartial(fx.baseline, { format: 'onnx', bucket: BUCKET, workPrefix: plan.workPrefix, batch }, deps);
    const { result } = await reducePartials(fx.baseline, { ...location, workPrefix: plan.workPrefix, batches: plan.batches }, deps);
    expect(result.objects).toBe(4);
  });

  test('merges only the batches Plan produced: a stale partial of an earlier run with smaller batches is ignored, and deleted', async () => {
    const single = await runDriftJob({ ...location, baseline: fx.baseline }, folderDeps(fx.root));
    const deps = storeDeps();
    // An earlier run of the same window, one object per batch: partials 0 to 3.
    const earlier = await planWindow({ ...location, objectsPerBatch: 1 }, deps);
    for (const batch of JSON.parse(deps.store.get(earlier.manifestKey)!) as ManifestBatch[]) {
      await buildPartial(fx.baseline, { format: 'onnx', bucket: BUCKET, workPrefix: earlier.workPrefix, batch }, deps);
    }
    // The re-run, two objects per batch, overwrites partials 0 and 1 only.
    const plan = await planWindow({ ...location, objectsPerBatch: 2 }, deps);
    expect(plan.workPrefix).toBe(earlier.workPrefix);
    expect(plan.batches).toBe(2);
    for (const batch of JSON.parse(deps.store.get(plan.manifestKey)!) as ManifestBatch[]) {
      await buildPartial(fx.baseline, { format: 'onnx', bucket: BUCKET, workPrefix: plan.workPrefix, batch }, deps);
    }
    expect([...deps.store.keys()].filter((k) => k.includes('/partials/'))).toHaveLength(4);

    const { result, workKeys } = await reducePartials(fx.baseline, { ...location, workPrefix: plan.workPrefix, batches: plan.batches }, deps);

    expect(result.objects).toBe(4);
    expect(result.stats.rowsAnalyzed).toBe(single.stats.rowsAnalyzed);
    expect(result.report).toEqual(single.report);
    const prefix = 'drift-work/hk-claims-fraud/2026-11-24T10:00:00.000Z/';
    expect(workKeys).toEqual([
      `${prefix}manifest.json`, `${prefix}partials/000000.json`, `${prefix}partials/000001.json`, `${prefix}partials/000002.json`, `${prefix}partials/000003.json`,
    ]);
  });

  test('fails, naming it, when a batch\'s partial is missing, before reading any partial', async () => {
    const deps = storeDeps();
    const plan = await planWindow({ ...location, objectsPerBatch: 1 }, deps);
    const manifest = JSON.parse(deps.store.get(plan.manifestKey)!) as ManifestBatch[];
    for (const batch of manifest.filter((b) => b.index !== 2)) await buildPartial(fx.baseline, { format: 'onnx', bucket: BUCKET, workPrefix: plan.workPrefix, batch }, deps);
    const opened: string[] = [];
    const openObject = deps.openObject.bind(deps);
    deps.openObject = async (bucket, key) => {
      opened.push(key);
      return openObject(bucket, key);
    };
    await expect(reducePartials(fx.baseline, { ...location, workPrefix: plan.workPrefix, batches: plan.batches }, deps)).rejects.toThrow(
      '1 of 4 partial(s) of drift-work/hk-claims-fraud/2026-11-24T10:00:00.000Z/ are missing, first drift-work/hk-claims-fraud/2026-11-24T10:00:00.000Z/partials/000002.json: a child did not write its partial',
    );
    expect(opened).toEqual([]);
  });

  test.each([-1, 1.5, undefined])('fails when batches is %p', async (batches) => {
    await expect(reducePartials(fx.baseline, { ...location, workPrefix: 'drift-work/hk-claims-fraud/x/', batches: batches as number }, storeDeps()))
      .rejects.toThrow(`batches must be a non-negative integer, got ${JSON.stringify(batches)}`);
  });

  test('reduce of no batches is an empty window: insufficient data', async () => {
    const { result, workKeys } = await reducePartials(fx.baseline, { ...location, workPrefix: 'drift-work/hk-claims-fraud/none/', batches: 0 }, storeDeps());
    expect(result.report).toEqual({ status: 'insufficient-data', records: 0, minRecords: 100 });
    expect(workKeys).toEqual(['drift-work/hk-claims-fraud/none/manifest.json']);
  });

  test('fails when a batch is malformed or its work prefix is elsewhere', async () => {
    const deps = storeDeps();
    await expect(buildPartial(fx.baseline, { format: 'onnx', bucket: BUCKET, workPrefix: 'drift-work/m/', batch: { index: -1, keys: [] } }, deps))
      .rejects.toThrow(/a batch needs a non-negative integer index and an array of keys/);
    await expect(buildPartial(fx.baseline, { format: 'onnx', bucket: BUCKET, workPrefix: 'drift-reports/m/', batch: { index: 0, keys: [] } }, deps))
      .rejects.toThrow('workPrefix must start with drift-work/, got "drift-reports/m/"');
  });
});

describe('partial encoding', () => {
  test('round-trips a real partial exactly: the same windows, samples and counts, and the same report', async () => {
    const part = await buildWindows(fx.baseline, { format: 'onnx', bucket: BUCKET, keys: windowKeys(location, folderDeps(fx.root)) }, folderDeps(fx.root));
    // A partial worth round-tripping: the fixture's four window objects (one truncated),
    // its three rejected lines, samples and counts in every window.
    expect(part.objects).toBe(4);
    expect(part.stats).toMatchObject({ objectsCorrupt: 1, linesRejected: 3 });
    expect(part.stats.rowsAnalyzed).toBeGreaterThan(1500);
    expect(part.stats.examples.length).toBeGreaterThan(0);
    expect(part.stats.corruptObjects).toHaveLength(1);
    expect(Object.keys(part.features)).toEqual(['f0', 'f1', 'f2', 'f3']);
    for (const w of [...Object.values(part.features), part.output!]) {
      expect(w).toMatchObject({ kind: 'numeric' });
      expect(w.count).toBe(part.stats.rowsAnalyzed);
      if (w.kind !== 'numeric') throw new Error('numeric windows expected');
      expect(w.sample).toHaveLength(part.stats.rowsAnalyzed);
      expect(w.binCounts.reduce((a, b) => a + b, 0)).toBe(part.stats.rowsAnalyzed);
      expect(w.sum).not.toBe(0);
    }

    const decoded = decodePartial(encodePartial(part), 'p');

    expect(decoded).toStrictEqual(part);
    const report = evaluatePartial(fx.baseline, part);
    expect(report).toMatchObject({ status: 'ok', datasetDrift: true });
    expect(report.status === 'ok' && report.features.filter((f) => f.drifted).map((f) => f.feature)).toEqual(['f0', 'f1']);
    expect(evaluatePartial(fx.baseline, decoded)).toStrictEqual(report);
  });

  test.each([
    ['not JSON', '{"format":', /partial p\.json is not JSON/],
    ['another document', JSON.stringify({ format: 'sovereign-ml.drift-report', version: 1 }), /p\.json is not a sovereign-ml\.drift-partial version 1 document/],
    ['a later version', JSON.stringify({ format: 'sovereign-ml.drift-partial', version: 2, part: { features: {}, stats: {}, objects: 0 } }), /not a sovereign-ml\.drift-partial version 1/],
  ])('fails when the partial is %s', (_what, text, error) => {
    expect(() => decodePartial(text, 'p.json')).toThrow(error);
  });

  test('refuses a non-finite number rather than writing null', () => {
    const part = emptyPartial(fx.baseline);
    part.objects = Number.POSITIVE_INFINITY;
    expect(() => encodePartial(part)).toThrow(/non-finite number \(Infinity\)/);
  });
});

describe('handler modes over S3', () => {
  const s3 = mockClient(S3Client);
  const env = { ...process.env };
  const store = new Map<string, string>();

  beforeEach(() => {
    s3.reset();
    store.clear();
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    Object.assign(process.env, {
      AWS_REGION: 'ap-east-1', LAMBDA_TASK_ROOT: fx.root, CAPTURE_BUCKET: BUCKET, CAPTURE_PREFIX: PREFIX,
      CAPTURE_FORMAT: 'onnx', MODEL_NAME: 'hk-claims-fraud', WINDOW_MINUTES: '120', OBJECTS_PER_BATCH: '3',
    });
    s3.on(ListObjectsV2Command).callsFake((req: ListObjectsV2CommandInput) => {
      const prefix = req.Prefix ?? '';
      const keys = prefix.startsWith(DRIFT_WORK_PREFIX) ? [...store.keys()].filter((k) => k.startsWith(prefix)).sort() : allKeys(fx.root).filter((k) => k.startsWith(prefix));
      return { Contents: keys.map((Key) => ({ Key })), IsTruncated: false };
    });
    s3.on(GetObjectCommand).callsFake((req: { Key: string }) => ({
      Body: (store.has(req.Key) ? Readable.from([Buffer.from(store.get(req.Key)!)]) : fs.createReadStream(path.join(fx.root, req.Key))) as unknown as GetObjectCommandOutput['Body'],
    }));
    s3.on(PutObjectCommand).callsFake((req: { Key: string; Body: string }) => {
      store.set(req.Key, req.Body);
      return {};
    });
    s3.on(DeleteObjectsCommand).callsFake((req: { Delete: { Objects: Array<{ Key: string }> } }) => {
      for (const o of req.Delete.Objects) store.delete(o.Key);
      return { Errors: [] };
    });
  });

  afterEach(() => {
    jest.restoreAllMocks();
    process.env = { ...env };
  });

  test('plan takes a backfill window from the execution input, else the execution start', async () => {
    const fromInput = await handler({ mode: 'plan', input: { windowEnd: WINDOW_END.toISOString() }, executionStartTime: '2026-11-24T12:00:00.000Z' });
    expect(fromInput).toMatchObject({ windowEnd: WINDOW_END.toISOString(), objects: 4, batches: 2 });
    const fromStart = await handler({ mode: 'plan', input: {}, executionStartTime: '2026-11-24T10:00:00.000Z' });
    expect(fromStart.windowEnd).toBe('2026-11-24T10:00:00.000Z');
    await expect(handler({ mode: 'plan', executionStartTime: 'yesterday' })).rejects.toThrow('windowEnd must be an ISO-8601 time, got "yesterday"');
  });

  test('the three steps write the single-run report and then delete their work objects', async () => {
    const plan = await handler({ mode: 'plan', input: { windowEnd: WINDOW_END.toISOString() }, executionStartTime: '2026-11-24T12:00:00.000Z' });
    const manifest = JSON.parse(store.get(plan.manifestKey)!) as ManifestBatch[];
    for (const batch of manifest) await handler({ mode: 'partial', workPrefix: plan.workPrefix, batch });
    const summary = await handler({ mode: 'reduce', workPrefix: plan.workPrefix, windowEnd: plan.windowEnd, batches: plan.batches });

    expect(summary).toMatchObject({
      model: 'hk-claims-fraud', status: 'ok', datasetDrift: true, driftedFeatures: ['f0', 'f1'], objects: 4, objectsCorrupt: 1, linesRejected: 3,
      reportUri: `s3://${BUCKET}/drift-reports/hk-claims-fraud/2026-11-24T10:00:00.000Z.json`,
    });
    const single = await runDriftJob({ ...location, baseline: fx.baseline }, folderDeps(fx.root));
    const report = JSON.parse(store.get('drift-reports/hk-claims-fraud/2026-11-24T10:00:00.000Z.json')!) as { report: unknown };
    expect(report.report).toEqual(single.report);
    // Only the report is left.
    expect([...store.keys()]).toEqual(['drift-reports/hk-claims-fraud/2026-11-24T10:00:00.000Z.json']);
    const deletes = s3.commandCalls(DeleteObjectsCommand);
    expect(deletes).toHaveLength(1);
    expect(deletes[0]!.args[0].input.Delete!.Objects!.map((o) => o.Key)).toEqual([plan.manifestKey, partialKeyOf(plan.workPrefix, 0), partialKeyOf(plan.workPrefix, 1)]);
  });

  test('a failed delete after the report is written is a WARN, and the reduce still returns the summary', async () => {
    s3.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'drift-work/x', Code: 'AccessDenied', Message: 'Access Denied' }] });
    const logged: string[] = [];
    const capture = (chunk: string | Uint8Array): boolean => {
      logged.push(String(chunk));
      return true;
    };
    jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    jest.spyOn(process.stderr, 'write').mockImplementation(capture);
    const plan = await handler({ mode: 'plan', input: { windowEnd: WINDOW_END.toISOString() }, executionStartTime: '2026-11-24T12:00:00.000Z' });
    const manifest = JSON.parse(store.get(plan.manifestKey)!) as ManifestBatch[];
    for (const batch of manifest) await handler({ mode: 'partial', workPrefix: plan.workPrefix, batch });

    const summary = await handler({ mode: 'reduce', workPrefix: plan.workPrefix, windowEnd: plan.windowEnd, batches: plan.batches });

    expect(summary).toMatchObject({
      model: 'hk-claims-fraud', status: 'ok', datasetDrift: true, objects: 4,
      reportUri: `s3://${BUCKET}/drift-reports/hk-claims-fraud/2026-11-24T10:00:00.000Z.json`,
    });
    const single = await runDriftJob({ ...location, baseline: fx.baseline }, folderDeps(fx.root));
    const report = JSON.parse(store.get('drift-reports/hk-claims-fraud/2026-11-24T10:00:00.000Z.json')!) as { report: unknown };
    expect(report.report).toEqual(single.report);
    const warnings = logged.flatMap((c) => c.split('\n')).filter((l) => l.includes('drift work objects not deleted')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      level: 'WARN', bucket: BUCKET, workPrefix: plan.workPrefix, keys: 3,
      error: 'Error: DeleteObjects failed for 1 key(s), first drift-work/x: AccessDenied Access Denied',
    });
  });

  test('a reduce with a missing partial fails before writing the report or deleting anything', async () => {
    const plan = await handler({ mode: 'plan', input: { windowEnd: WINDOW_END.toISOString() }, executionStartTime: '2026-11-24T12:00:00.000Z' });
    const manifest = JSON.parse(store.get(plan.manifestKey)!) as ManifestBatch[];
    expect(manifest).toHaveLength(2);
    await handler({ mode: 'partial', workPrefix: plan.workPrefix, batch: manifest[0]! });
    const puts = s3.commandCalls(PutObjectCommand).length;

    await expect(handler({ mode: 'reduce', workPrefix: plan.workPrefix, windowEnd: plan.windowEnd, batches: plan.batches }))
      .rejects.toThrow(`1 of 2 partial(s) of ${plan.workPrefix} are missing, first ${plan.workPrefix}partials/000001.json`);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(puts);
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
    expect(store.has('drift-reports/hk-claims-fraud/2026-11-24T10:00:00.000Z.json')).toBe(false);
  });

  test('fails when OBJECTS_PER_BATCH is not a positive integer', async () => {
    process.env.OBJECTS_PER_BATCH = 'ten';
    await expect(handler({ mode: 'plan', executionStartTime: WINDOW_END.toISOString() })).rejects.toThrow('OBJECTS_PER_BATCH must be a positive integer, got "ten"');
  });
});
