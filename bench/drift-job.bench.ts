/**
 * End-to-end drift job throughput: `runDriftJob` over 1,000,000 SageMaker data-capture
 * lines (10 numeric features, CSV payloads) in 10 local files of 100k lines laid out like
 * SageMaker capture, for a 60-minute window. `deps` read the local file system (readdir,
 * `fs.createReadStream`), so the figure is parsing and statistics, not S3.
 *
 * Prints records/s (rows analysed / wall time) and peak RSS of the job (sampled every
 * 50 ms, and `VmHWM` after resetting it through `/proc/self/clear_refs` where allowed),
 * against the targets (>= 150,000 records/s on one core, <= 300 MB), with the load average
 * (the figure moves with what else runs on the machine). BENCH_DRIFT_RUNS=<n> runs the job
 * n times on the same files and prints every run, the best and the median. The baseline,
 * measured in the same process on the same files: reading their lines with
 * `lineBatchesOf` as the job does, no parsing; the ratio job / baseline is what parsing and
 * statistics cost. Then stage timings on the first file (JSON.parse, CSV scan + numbers,
 * `CaptureReader.readLine`, `addHashedRow`) to show where the time goes. Files are
 * generated first (not timed) and removed at the end. Sizes: BENCH_DRIFT_FILES,
 * BENCH_DRIFT_LINES (lines per file). BENCH_DRIFT_CPU_PROFILE=<file> writes a V8 CPU
 * profile of the job runs alone (not of generation or the stage timings).
 */
import * as fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CaptureReader, lineBatchesOf } from '../lib/capture';
import { scanCsvRows } from '../lib/capture/private/csv-scan';
import { BaselineBuilder, emptyWindow, fnv1a, recordHash, type BaselineDocument } from '../lib/drift';
import { addHashedRow } from '../lib/drift/window';
import { captureFeatures, runDriftJob, type DriftJobDeps, type DriftJobResult } from '../lambda/drift-monitor/drift-job';
import { rowGenerator, writeCaptureFiles } from './fixtures/sagemaker-capture-files';

const FILES = Number(process.env.BENCH_DRIFT_FILES ?? 10);
const LINES = Number(process.env.BENCH_DRIFT_LINES ?? 100_000);
const RUNS = Math.max(1, Number(process.env.BENCH_DRIFT_RUNS ?? 1));
const FEATURES = 10;
const BASELINE_ROWS = 20_000;
const TARGET_RPS = 150_000;
const TARGET_RSS_MB = 300;
const PREFIX = 'endpoint-capture/bench-endpoint/';
const MB = 1024 * 1024;

function elapsedMs(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** `VmHWM` of this process in bytes, or undefined off Linux. */
function vmHwm(): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Resets `VmHWM` to the current RSS (Linux >= 4.0); false where not allowed. */
function resetHwm(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** Local file system as the job's S3 dependencies; the root folder stands in for the bucket. */
function localDeps(root: string): DriftJobDeps {
  return {
    async *listKeys(_bucket, prefix) {
      const dir = path.join(root, prefix);
      if (!fs.existsSync(dir)) return;
      for (const name of fs.readdirSync(dir).sort()) yield `${prefix}${name}`;
    },
    openObject: async (_bucket, key) => fs.createReadStream(path.join(root, key)),
  };
}

function buildBaseline(): BaselineDocument {
  const columns = Array.from({ length: FEATURES }, (_, j) => `f${j}`);
  const builder = new BaselineBuilder(columns, { seed: 7, source: 'bench generator' });
  const next = rowGenerator(12345, FEATURES);
  for (let i = 0; i < BASELINE_ROWS; i++) builder.addRow(next());
  return builder.build();
}

async function readAllLines(root: string, keys: readonly string[]): Promise<number> {
  let n = 0;
  for (const key of keys) {
    for await (const lines of lineBatchesOf(fs.createReadStream(path.join(root, key)))) for (const line of lines) if (line.length > 0) n++;
  }
  return n;
}

/**
 * Microseconds per line of cumulative pipelines over the lines of one file (held in
 * memory, intermediate results not kept): each stage's cost is the difference from the
 * previous pipeline.
 */
function stageTimings(lines: readonly string[], baseline: BaselineDocument): Array<[string, number]> {
  const features = captureFeatures(baseline);
  let sink = 0;
  const time = (run: () => void): number => {
    const t0 = process.hrtime.bigint();
    run();
    return (elapsedMs(t0) * 1000) / lines.length;
  };
  const parse = time(() => {
    for (const l of lines) sink += (JSON.parse(l) as { eventVersion: string }).eventVersion.length;
  });
  const csv = time(() => {
    for (const l of lines) {
      const p = JSON.parse(l) as { captureData: { endpointInput: { data: string } } };
      sink += scanCsvRows(p.captureData.endpointInput.data, features)?.length ?? 0;
    }
  });
  const reader = new CaptureReader({ features, format: 'sagemaker', output: {} });
  const read = time(() => {
    for (const l of lines) sink += reader.readLine(l).length;
  });
  const reader2 = new CaptureReader({ features, format: 'sagemaker', output: {} });
  const windows = baseline.features.map((f) => emptyWindow(f));
  const objectHash = fnv1a('part-00000.jsonl');
  const add = time(() => {
    for (let lineNo = 0; lineNo < lines.length; lineNo++) {
      const rows = reader2.readLine(lines[lineNo]!);
      for (let r = 0; r < rows.length; r++) addHashedRow(windows, baseline.features, rows[r]!.features, recordHash(objectHash, lineNo + 1, r));
    }
  });
  if (sink === 42) process.stdout.write('');
  return [
    ['JSON.parse of the line', parse],
    ['+ CSV scan into 10 numbers (scanCsvRows)', csv - parse],
    ['+ the rest of CaptureReader.readLine (validation, output, rows)', read - csv],
    ['+ addHashedRow per row (record hash, bins, bottom-k heap)', add - read],
    ['= readLine + addHashedRow, in memory', add],
  ];
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sovereign-ml-drift-bench-'));
  try {
    const g0 = process.hrtime.bigint();
    const { keys, bytes } = writeCaptureFiles({
      root, prefix: PREFIX, variant: 'AllTraffic', hour: '2026/11/24/08', files: FILES, linesPerFile: LINES,
      features: FEATURES, seed: 2026, inferenceTime: '2026-11-24T08:00:00Z',
    });
    process.stdout.write(`generated ${FILES * LINES} lines in ${keys.length} files, ${(bytes / MB).toFixed(1)} MB, in ${(elapsedMs(g0) / 1000).toFixed(1)} s (not timed)\n`);
    const baseline = buildBaseline();

    // Baseline figure: line splitting alone, same files, same (warm) page cache.
    const b0 = process.hrtime.bigint();
    const lineCount = await readAllLines(root, keys);
    const linesMs = elapsedMs(b0);

    global.gc?.();
    const hwmReset = resetHwm();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, process.memoryUsage().rss); }, 50);
    const profileFile = process.env.BENCH_DRIFT_CPU_PROFILE;
    const session = profileFile ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const loadBefore = os.loadavg();
    const runMs: number[] = [];
    let result: DriftJobResult | undefined;
    for (let run = 0; run < RUNS; run++) {
      const j0 = process.hrtime.bigint();
      result = await runDriftJob({
        baseline, format: 'sagemaker', bucket: 'local', prefix: PREFIX, windowEnd: new Date('2026-11-24T09:00:00Z'),
        windowMinutes: 60, modelName: 'bench',
      }, localDeps(root));
      runMs.push(elapsedMs(j0));
    }
    const loadAfter = os.loadavg();
    if (result === undefined) throw new Error('no run');
    const sorted = [...runMs].sort((a, b) => a - b);
    const jobMs = sorted[Math.floor((sorted.length - 1) / 2)]!;
    const bestMs = sorted[0]!;
    if (session && profileFile) {
      const { profile } = await session.post('Profiler.stop');
      fs.writeFileSync(profileFile, JSON.stringify(profile));
      session.disconnect();
    }
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    const hwm = vmHwm();

    const rows = result.stats.rowsAnalyzed;
    const rps = rows / (jobMs / 1000);
    const bestRps = rows / (bestMs / 1000);
    const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
    const baseRps = lineCount / (linesMs / 1000);
    const cpus = os.cpus();
    process.stdout.write([
      `machine: ${cpus.length} x ${cpus[0]?.model ?? 'unknown cpu'}, node ${process.version}; the job runs on one core`,
      `drift job: ${rows} rows of ${result.stats.linesRead} lines (${result.stats.linesRejected} rejected), ${result.objects} objects, `
        + `report ${'features' in result.report ? `${result.report.features.length} features` : result.report.status}, in ${(jobMs / 1000).toFixed(2)} s${RUNS > 1 ? ` (median of ${RUNS} runs)` : ''}`,
      `  records/s: ${Math.round(rps).toLocaleString('en')}${RUNS > 1 ? ` median, ${Math.round(bestRps).toLocaleString('en')} best` : ''} (target >= ${TARGET_RPS.toLocaleString('en')}: ${rps >= TARGET_RPS ? 'met' : 'MISSED'})`,
      ...(RUNS > 1 ? [`  runs: ${runMs.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')}`] : []),
      `  load average (1, 5, 15 min) before ${load(loadBefore)}, after ${load(loadAfter)}, on ${os.cpus().length} cores`,
      `  peak RSS sampled every 50 ms: ${(rssPeak / MB).toFixed(0)} MB (before the job ${(rssBefore / MB).toFixed(0)} MB; target <= ${TARGET_RSS_MB} MB: ${rssPeak / MB <= TARGET_RSS_MB ? 'met' : 'MISSED'})`,
      `  VmHWM at the end: ${hwm === undefined ? 'n/a' : `${(hwm / MB).toFixed(0)} MB`} (${hwmReset ? 'reset just before the job' : 'not resettable: includes generation and the baseline pass'})`,
      `baseline, lineBatchesOf only (no parsing): ${lineCount} lines in ${(linesMs / 1000).toFixed(2)} s, ${Math.round(baseRps).toLocaleString('en')} lines/s`,
      `  ratio job time / lineBatchesOf time: ${(jobMs / linesMs).toFixed(2)} (parsing and statistics cost ${Math.max(0, jobMs - linesMs).toFixed(0)} ms of ${jobMs.toFixed(0)} ms)`,
      '',
    ].join('\n'));

    const first = keys[0];
    if (first !== undefined) {
      const lines = fs.readFileSync(path.join(root, first), 'utf8').split('\n').filter((l) => l.length > 0);
      // Warm-up on a slice, then the timed pass over the whole file.
      stageTimings(lines.slice(0, 20_000), baseline);
      process.stdout.write(`stage timings on ${first} (${lines.length} lines in memory), µs per line:\n`);
      for (const [stage, us] of stageTimings(lines, baseline)) process.stdout.write(`  ${stage.padEnd(60)} ${us.toFixed(2)}\n`);
      process.stdout.write(`  lineBatchesOf (from the baseline figure)${' '.repeat(20)} ${((linesMs * 1000) / lineCount).toFixed(2)}\n`);
      process.stdout.write(`  drift job total${' '.repeat(45)} ${((jobMs * 1000) / result.stats.linesRead).toFixed(2)}\n`);
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
