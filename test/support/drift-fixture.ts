/**
 * Capture objects of an ONNX function in a folder standing in for the bucket, and S3
 * dependencies over it: shifted features f0 and f1, stable f2 and f3, corrupt lines of
 * every kind, a truncated gzip object, and objects outside the window.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { CAPTURE_KIND, type CaptureRecord } from '../../lib/capture';
import { BaselineBuilder, type BaselineDocument } from '../../lib/drift';
import type { DriftJobDeps } from '../../lambda/drift-monitor/drift-job';
import { tempDir } from './temp-dir';

export const FEATURES = ['f0', 'f1', 'f2', 'f3'];
export const PREFIX = 'capture/hk-claims-fraud/3/';
export const BUCKET = 'capture-bucket';
export const WINDOW_END = new Date('2026-11-24T10:00:00.000Z');

/** Mulberry32, so the data are the same on every run. */
function generator(seed: number): { uniform(): number; normal(mean: number, sd: number): number } {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    uniform,
    normal: (mean, sd) => mean + sd * Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()),
  };
}

const MEANS = [0, 10, 5, 100];
const SDS = [1, 2, 1, 15];

/** A row of the four features; `shift` moves f0 and f1 by one standard deviation. */
function row(g: ReturnType<typeof generator>, shift: boolean): number[] {
  return MEANS.map((m, i) => g.normal(m + (shift && i < 2 ? SDS[i]! : 0), SDS[i]!));
}

function buildBaseline(): BaselineDocument {
  const g = generator(42);
  const b = new BaselineBuilder([...FEATURES, 'score'], { outputColumn: 'score', source: 'test' });
  for (let i = 0; i < 2000; i++) b.addRow([...row(g, false), g.uniform()]);
  return b.build();
}

function record(rows: number[][], scores: number[], id: string): CaptureRecord {
  return {
    kind: CAPTURE_KIND, v: 1, time: '2026-11-24T08:30:00.000Z', model: { name: 'hk-claims-fraud', version: '3' }, requestId: id,
    inputs: [{ name: 'claim_features', datatype: 'FP32', shape: [rows.length, 4], data: rows.flat() }],
    outputs: [{ name: 'score', datatype: 'FP32', shape: [rows.length, 1], data: scores }],
  };
}

/** `n` rows as capture lines, every fifth line a batch of two. Returns the lines and the row count. */
function goodLines(g: ReturnType<typeof generator>, n: number, shift: boolean, tag: string): string[] {
  const lines: string[] = [];
  let made = 0;
  while (made < n) {
    const batch = lines.length % 5 === 4 && n - made >= 2 ? 2 : 1;
    const rows = Array.from({ length: batch }, () => row(g, shift));
    lines.push(JSON.stringify(record(rows, rows.map(() => g.uniform()), `${tag}-${lines.length}`)));
    made += batch;
  }
  return lines;
}

export interface Fixture {
  readonly root: string;
  readonly baseline: BaselineDocument;
  /** Rows in the complete objects of the window (the truncated object adds some). */
  readonly rowsInCompleteObjects: number;
  readonly truncatedKey: string;
}

function writeObject(root: string, key: string, text: string, gzip: boolean, cut = false): void {
  const file = path.join(root, key);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let body = gzip ? gzipSync(Buffer.from(text)) : Buffer.from(text);
  if (cut) body = body.subarray(0, Math.floor(body.length / 2));
  fs.writeFileSync(file, body);
}

/** Capture objects in a folder standing in for the bucket, hour-partitioned like Firehose. */
export function makeFixture(): Fixture {
  const root = tempDir('drift-monitor-');
  const baseline = buildBaseline();
  fs.writeFileSync(path.join(root, 'baseline.json'), JSON.stringify(baseline));
  const g = generator(7);
  const h = (hour: string, name: string) => `${PREFIX}2026/11/24/${hour}/${name}`;

  const a = goodLines(g, 500, true, 'a');
  const truncatedLine = a[3]!.slice(0, 80);
  writeObject(root, h('08', 'part-a.gz'), [
    ...a.slice(0, 10), truncatedLine,
    JSON.stringify({ level: 'INFO', message: 'powertools log line', service: 'sovereign-ml-onnx' }),
    '', ...a.slice(10),
  ].join('\n') + '\n', true);

  const b = goodLines(g, 400, true, 'b');
  const wrongShape = JSON.stringify({ ...record([[1, 2, 3, 4]], [0.5], 'w'), inputs: [{ name: 'claim_features', datatype: 'FP32', shape: [1, 3], data: [1, 2, 3] }] });
  const malformed = JSON.stringify({ ...record([[1, 2, 3, 4]], [0.5], 'm'), inputs: [{ name: 'claim_features', datatype: 'FP32', shape: [1, 4], data: [1, 2] }] });
  writeObject(root, h('08', 'part-b'), [...b.slice(0, 5), wrongShape, ...b.slice(5, 9), malformed, ...b.slice(9)].join('\n') + '\n', false);

  const c = goodLines(g, 600, true, 'c');
  writeObject(root, h('09', 'part-c.gz'), ['START RequestId: 1 Version: $LATEST', ...c].join('\n') + '\n', true);

  writeObject(root, h('09', 'part-d.gz'), goodLines(g, 100, true, 'd').join('\n') + '\n', true, true);

  // Outside the window: would change every verdict if read.
  writeObject(root, h('07', 'early.gz'), goodLines(g, 50, false, 'e').join('\n') + '\n', true);
  writeObject(root, h('10', 'late'), goodLines(g, 50, false, 'l').join('\n') + '\n', false);

  // A sparse window two hours later: too few records.
  writeObject(root, h('12', 'sparse'), goodLines(g, 20, false, 's').join('\n') + '\n', false);

  return { root, baseline, rowsInCompleteObjects: 1500, truncatedKey: h('09', 'part-d.gz') };
}

export function allKeys(root: string): string[] {
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .map((p) => p.split(path.sep).join('/'))
    .filter((k) => k.startsWith(PREFIX) && fs.statSync(path.join(root, k)).isFile())
    .sort();
}

export function folderDeps(root: string): DriftJobDeps & { listed: string[]; opened: string[] } {
  const listed: string[] = [];
  const opened: string[] = [];
  return {
    listed,
    opened,
    async *listKeys(_bucket, prefix) {
      listed.push(prefix);
      yield* allKeys(root).filter((k) => k.startsWith(prefix));
    },
    async openObject(_bucket, key) {
      opened.push(key);
      return fs.createReadStream(path.join(root, key));
    },
  };
}
