/**
 * SHA-256 of a model file at synth time: the registry's streaming hash (1 MiB chunks)
 * against the baseline of reading the whole file into memory and hashing it once.
 * Prints throughput and the extra memory each holds; the ratio is streaming / baseline.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sha256OfFile } from '../lib/model-file';

const SIZE_MIB = Number(process.env.BENCH_MODEL_MIB ?? 256);
const ROUNDS = 5;

function makeFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-hash-'));
  const file = path.join(dir, 'model.bin');
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 2654435761) >>> 24;
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < SIZE_MIB; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  return file;
}

function measure(name: string, fn: () => string): { name: string; mibPerSec: number; extraMiB: number; digest: string } {
  const gc = (globalThis as { gc?: () => void }).gc;
  const times: number[] = [];
  let digest = '';
  let extra = 0;
  for (let r = 0; r < ROUNDS; r++) {
    gc?.();
    const before = process.memoryUsage();
    let peak = 0;
    const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().arrayBuffers); }, 1);
    const t0 = process.hrtime.bigint();
    digest = fn();
    const ns = Number(process.hrtime.bigint() - t0);
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    extra = Math.max(extra, (peak - before.arrayBuffers) / 2 ** 20);
    times.push(ns);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  return { name, mibPerSec: SIZE_MIB / (median / 1e9), extraMiB: extra, digest };
}

const file = makeFile();
try {
  const baseline = measure('baseline: readFileSync + one-shot hash', () => createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
  const streaming = measure('sha256OfFile: 1 MiB chunks', () => sha256OfFile(file));
  if (baseline.digest !== streaming.digest) {
    throw new Error('digests differ');
  }
  console.log(`file: ${SIZE_MIB} MiB, median of ${ROUNDS} rounds`);
  for (const m of [baseline, streaming]) {
    console.log(`${m.name.padEnd(42)} ${m.mibPerSec.toFixed(0).padStart(6)} MiB/s   extra buffer memory ~${m.extraMiB.toFixed(0)} MiB`);
  }
  console.log(`throughput ratio streaming/baseline: ${(streaming.mibPerSec / baseline.mibPerSec).toFixed(2)}`);
} finally {
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
}
