/**
 * `sovereign-ml drift --baseline baseline.json --capture <files|dir> [--window-minutes n [--window-end t]]
 * [--format f] [--html out.html] [--json] [--min-records n] [--cloudwatch-region r --model m [--namespace n]]`:
 * reads local capture files (plain or gzip, a directory recursively, in sorted order; with a
 * window, only the directory's hour partitions that cover it) into per-feature
 * windows, evaluates them against the baseline, and prints a table (or JSON) with the line
 * accounting. With `--cloudwatch-region`, the aggregate metrics the drift job emits (never a
 * captured value) are then published through the `driftMetrics` publisher the binary wires in.
 *
 * Exit codes: 0 no dataset drift (or insufficient data), 1 dataset drift, 2 unusable input,
 * 3 the metrics could not be published (the report was printed).
 *
 * The loop mirrors `buildWindows` of the drift job, over the file system instead of S3
 * (lib/ does not import from lambda/).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CaptureReader, hourPartitions, CaptureStreamError, createCaptureStats, linesOf, recordCorruptObject,
  type CaptureFeature, type CaptureFormat, type CaptureStats,
} from '../capture';
import { addValue, emptyWindow, evaluateDrift, readBaselineFile, type BaselineDocument, type DriftPolicy, type DriftReport, type FeatureWindow } from '../drift';
import { ErrorCode, SovereignMlError } from '../errors';
import { DEFAULT_DRIFT_NAMESPACE, isMetricNamespace, METRIC_NAMESPACE_RULE } from '../drift/metric-namespace';
import { isKnownRegion, nearestRegionNames } from '../regions';
import { ExitCode, type CliIo, type DriftMetricsTarget } from './cli-io';
import { fmt, renderDriftHtml, verdictOf } from './drift-html';
import { describeFsError, oneLine } from './template-file';

export { fmt, verdictOf } from './drift-html';

export { DEFAULT_DRIFT_NAMESPACE };

/** Help text of the drift command. */
export const DRIFT_USAGE = `usage: sovereign-ml drift --baseline <baseline.json> --capture <file|dir>... [options]

Evaluates captured traffic (local capture files, plain or gzip) against a drift baseline.

options:
  --baseline <file>       the baseline (from "sovereign-ml baseline"; required)
  --capture <file|dir>... capture files, or directories read recursively in sorted order (required)
  --window-minutes <n>    read only the hour partitions YYYY/MM/DD/HH/ (UTC) of each capture
                          directory that cover the n minutes before --window-end, as the
                          on-prem server's --capture-dir writes them; an empty window gives
                          "insufficient data", not an error
  --window-end <time>     end of the window, ISO 8601, or "hour": the start of the current UTC
                          hour, so that runs on an hourly (or N-hourly) schedule with a
                          whole-hour window read each hour once (default now; needs
                          --window-minutes)
  --format <f>            sagemaker | onnx | auto (default auto: either, per line)
  --min-records <n>       fewest rows needed for a verdict (default 100)
  --drift-share <x>       share of drifted features at which the dataset drifts, in (0, 1] (default 0.5)
  --html <file>           also write a self-contained HTML report
  --json                  print the JSON report instead of the table
  --cloudwatch-region <r> after the report, publish the drift job's metrics to CloudWatch in
                          region r (PutMetricData; credentials from the AWS default chain). Only
                          aggregates leave the site, never a captured value: DriftScore, Drifted
                          and PSI per feature (and for the output, "__output__", where the drift
                          job emits it); Drifted, DriftedShare, RecordsAnalyzed, RecordsRejected
                          and InsufficientData for the dataset ("__dataset__"); dimensions model
                          and feature
  --model <name>          the model dimension of the metrics (required with --cloudwatch-region)
  --namespace <ns>        the metric namespace (default ${DEFAULT_DRIFT_NAMESPACE})
  -h, --help              print this help

exit codes: 0 no dataset drift (or insufficient data), 1 dataset drift, 2 unusable input,
3 the metrics could not be published (the report was printed)
`;

/** Windows and accounting of a local run. */
export interface LocalDriftRun {
  readonly baseline: BaselineDocument;
  readonly files: readonly string[];
  readonly windows: Map<string, FeatureWindow>;
  readonly outputWindow?: FeatureWindow;
  readonly stats: CaptureStats;
  readonly report: DriftReport;
}

interface DriftArgs {
  readonly baseline: string;
  readonly capture: readonly string[];
  readonly window?: { readonly end: Date; readonly minutes: number };
  readonly format: CaptureFormat;
  readonly minRecords?: number;
  readonly driftShare?: number;
  readonly html?: string;
  readonly json: boolean;
  readonly cloudWatch?: DriftMetricsTarget & { readonly modelName: string };
}

/** Runs the drift command. */
export async function runDrift(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, io);
  if (args === undefined) return ExitCode.OK;
  if (args.cloudWatch && !io.driftMetrics) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, '--cloudwatch-region needs the sovereign-ml binary (bin/sovereign-ml.js or the bundled sovereign-ml.js), which wires in the CloudWatch publisher');
  }
  if (!fs.existsSync(args.baseline)) throw new SovereignMlError(ErrorCode.INVALID_PROPS, `cannot read baseline ${args.baseline}: no such file`);
  const baseline = readBaselineFile(args.baseline);
  const files = args.window ? windowFiles(args.capture, args.window.end, args.window.minutes) : captureFiles(args.capture);
  const run = await evaluateLocalCapture(baseline, files, args.format, {
    ...(args.minRecords !== undefined ? { minRecords: args.minRecords } : {}),
    ...(args.driftShare !== undefined ? { datasetDriftShare: args.driftShare } : {}),
  });
  if (args.html !== undefined) {
    try {
      fs.writeFileSync(args.html, renderDriftHtml({ ...run, baselinePath: args.baseline }));
    } catch (cause) {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `cannot write ${args.html}: ${(cause as Error).message}`, { cause });
    }
  }
  if (args.json) {
    const window = args.window ? { window: { start: new Date(args.window.end.getTime() - args.window.minutes * 60_000).toISOString(), end: args.window.end.toISOString() } } : {};
    io.stdout(`${JSON.stringify({ baseline: args.baseline, ...window, files: files.length, report: run.report, stats: run.stats }, jsonNumbers, 2)}\n`);
  } else {
    io.stdout(formatText(run));
    if (args.html !== undefined) io.stdout(`html report -> ${args.html}\n`);
  }
  if (args.cloudWatch) {
    const { modelName, region, namespace } = args.cloudWatch;
    try {
      // Only the verdict and two counts cross this line: no stats excerpts, no windows, no file names.
      const sent = await io.driftMetrics!.publish(
        { modelName, timestamp: args.window?.end ?? new Date(), report: run.report, recordsAnalyzed: run.stats.rowsAnalyzed, recordsRejected: run.stats.linesRejected },
        { region, namespace },
      );
      io.stderr(`published ${sent.metrics} drift metrics for model ${modelName} to CloudWatch ${namespace} in ${region} (${sent.requests} PutMetricData request${sent.requests === 1 ? '' : 's'})\n`);
    } catch (e) {
      const reason = e instanceof Error ? `${e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}` : String(e);
      io.stderr(`${oneLine(`sovereign-ml drift: cannot publish drift metrics to CloudWatch in ${region}: ${reason}`)}\n`);
      return ExitCode.DELIVERY_FAILED;
    }
  }
  return run.report.status === 'ok' && run.report.datasetDrift ? ExitCode.VIOLATIONS : ExitCode.OK;
}

/** Reads the files into windows shaped by the baseline and evaluates them. */
export async function evaluateLocalCapture(baseline: BaselineDocument, files: readonly string[], format: CaptureFormat, policy: DriftPolicy = {}): Promise<LocalDriftRun> {
  const features: CaptureFeature[] = baseline.features.map((f) => ({ name: f.name, kind: f.kind }));
  const stats = createCaptureStats(features);
  const windows = new Map(baseline.features.map((f) => [f.name, emptyWindow(f)] as const));
  const outputWindow = baseline.output ? emptyWindow(baseline.output) : undefined;
  for (const file of files) {
    const reader = new CaptureReader({ features, format, stats, source: file, ...(baseline.output ? { output: {} } : {}) });
    let lineNo = 0;
    try {
      for await (const line of linesOf(fs.createReadStream(file))) {
        lineNo++;
        reader.readLine(line).forEach((row, rowIdx) => {
          const id = `${file}:${lineNo}:${rowIdx}`;
          baseline.features.forEach((f, i) => addValue(windows.get(f.name)!, f, row.features[i] ?? null, id));
          if (baseline.output && outputWindow) addValue(outputWindow, baseline.output, row.output, id);
        });
      }
    } catch (error) {
      if (!CaptureStreamError.isCaptureStreamError(error)) {
        throw new SovereignMlError(ErrorCode.INVALID_PROPS, `cannot read capture file ${file}: ${(error as Error).message}`, { cause: error });
      }
      recordCorruptObject(stats, file, error);
    }
  }
  const report = evaluateDrift(baseline, windows, stats.rowsAnalyzed, policy, outputWindow);
  return { baseline, files, windows, ...(outputWindow ? { outputWindow } : {}), stats, report };
}

/** Every file given: a directory contributes all files under it, recursively, sorted. */
export function captureFiles(inputs: readonly string[]): string[] {
  const out: string[] = [];
  for (const input of inputs) {
    if (statCapture(input).isDirectory()) {
      const found = walk(input);
      if (found.length === 0) throw new SovereignMlError(ErrorCode.INVALID_PROPS, `no capture files in directory ${input}`);
      out.push(...found);
    } else {
      out.push(input);
    }
  }
  if (out.length === 0) throw new SovereignMlError(ErrorCode.INVALID_PROPS, 'no capture files given');
  return out;
}

/**
 * The files of the hour partitions covering a window, under each capture directory; a
 * partition that does not exist holds none. Unlike {@link captureFiles}, no files is not an
 * error: an hour without traffic is a window with insufficient data.
 */
export function windowFiles(dirs: readonly string[], windowEnd: Date, windowMinutes: number): string[] {
  const partitions = hourPartitions(windowEnd, windowMinutes);
  const out: string[] = [];
  for (const dir of dirs) {
    if (!statCapture(dir).isDirectory()) {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `--window-minutes reads the hour partitions of capture directories, but ${dir} is a file`);
    }
    for (const p of partitions) {
      const partition = path.join(dir, p);
      if (fs.existsSync(partition)) out.push(...walk(partition));
    }
  }
  return out;
}

/** A capture input's file information; an error names the input and why (`no such file or directory`, `permission denied`, …). */
function statCapture(input: string): fs.Stats {
  try {
    return fs.statSync(input);
  } catch (err) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `cannot read capture ${input}: ${describeFsError(err)}`, { cause: err });
  }
}

function walk(dir: string): string[] {
  const out: string[] = [];
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** NaN and ±Infinity as strings in JSON (JSON.stringify would print null). */
function jsonNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

function formatText(run: LocalDriftRun): string {
  const { report, stats } = run;
  const lines: string[] = [];
  lines.push(`drift: ${run.files.length} capture file${run.files.length === 1 ? '' : 's'}, baseline of ${run.baseline.rows} rows`);
  if (report.status === 'insufficient-data') {
    lines.push(`insufficient data: ${report.records} rows analyzed, at least ${report.minRecords} needed for a verdict (no drift verdict)`);
  } else {
    const rows = [...report.features, ...(report.output ? [{ ...report.output, feature: `${report.output.feature} (output)` }] : [])];
    const header = ['feature', 'method', 'score', 'p-value', 'PSI', 'verdict', 'count', 'missing'];
    const cells = rows.map((f) => [f.feature, f.method, fmt(f.score), fmt(f.pValue), fmt(f.psi), verdictOf(f), String(f.count), String(f.missing)]);
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
    const line = (c: readonly string[]) => c.map((v, i) => (i >= 2 && i !== 5 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd();
    lines.push('', line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line), '');
    const drifted = report.features.filter((f) => f.drifted).length;
    lines.push(report.datasetDrift
      ? `DATASET DRIFT: ${drifted} of ${report.features.length} features drifted (share ${fmt(report.driftedShare)})`
      : `no dataset drift: ${drifted} of ${report.features.length} features drifted (share ${fmt(report.driftedShare)})`);
  }
  lines.push('', ...formatAccounting(stats));
  return `${lines.join('\n')}\n`;
}

/** The accounting lines (also used by the HTML report). */
export function formatAccounting(stats: CaptureStats): string[] {
  const reasons = Object.entries(stats.rejectedByReason).filter(([, n]) => n > 0).map(([r, n]) => `${n} ${r}`).join(', ');
  const out = [
    `lines: ${stats.linesRead} read, ${stats.linesAnalyzed} analyzed (${stats.rowsAnalyzed} rows), ${stats.linesRejected} rejected${reasons ? ` (${reasons})` : ''}, ${stats.linesBlank} blank, ${stats.linesIgnored} ignored`,
    `corrupt objects: ${stats.objectsCorrupt}`,
  ];
  for (const c of stats.corruptObjects) out.push(`  ${c.source}: ${c.code} ${c.message}`);
  return out;
}

function parseArgs(argv: readonly string[], io: CliIo): DriftArgs | undefined {
  let baseline: string | undefined;
  const capture: string[] = [];
  let format: CaptureFormat = 'auto';
  let minRecords: number | undefined;
  let driftShare: number | undefined;
  let html: string | undefined;
  let json = false;
  let region: string | undefined;
  let modelName: string | undefined;
  let namespace: string | undefined;
  let windowMinutes: number | undefined;
  let windowEnd: Date | 'hour' | undefined;
  const value = (i: number, flag: string): string => {
    const v = argv[i];
    if (v === undefined || v.startsWith('--')) throw new SovereignMlError(ErrorCode.INVALID_PROPS, `${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    switch (a) {
      case '-h':
      case '--help':
        io.stdout(DRIFT_USAGE);
        return undefined;
      case '--baseline':
        baseline = value(++i, a);
        break;
      case '--capture':
        capture.push(value(++i, a));
        // More paths may follow, up to the next option.
        while (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-')) capture.push(argv[++i]!);
        break;
      case '--format': {
        const v = value(++i, a);
        if (v !== 'sagemaker' && v !== 'onnx' && v !== 'auto') throw new SovereignMlError(ErrorCode.INVALID_PROPS, `--format must be sagemaker, onnx or auto, got ${JSON.stringify(v)}`);
        format = v;
        break;
      }
      case '--min-records': {
        const v = value(++i, a);
        if (!/^\d+$/.test(v) || Number(v) < 1) throw new SovereignMlError(ErrorCode.INVALID_PROPS, `--min-records must be a positive integer, got ${JSON.stringify(v)}`);
        minRecords = Number(v);
        break;
      }
      case '--drift-share': {
        const v = value(++i, a);
        const x = Number(v);
        if (v.trim() === '' || !(x > 0 && x <= 1)) throw new SovereignMlError(ErrorCode.INVALID_PROPS, `--drift-share must be a number in (0, 1], got ${JSON.stringify(v)}`);
        driftShare = x;
        break;
      }
      case '--html':
        html = value(++i, a);
        break;
      case '--window-minutes': {
        const v = value(++i, a);
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 10_080) throw new SovereignMlError(ErrorCode.INVALID_PROPS, `--window-minutes must be a whole number of minutes from 1 to 10080 (a week), got ${JSON.stringify(v)}`);
        windowMinutes = Number(v);
        break;
      }
      case '--window-end': {
        const v = value(++i, a);
        if (v === 'hour') {
          windowEnd = 'hour';
          break;
        }
        const d = new Date(v);
        if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(d.getTime())) throw new SovereignMlError(ErrorCode.INVALID_PROPS, `--window-end must be an ISO 8601 time such as 2026-11-24T10:00:00Z, or "hour", got ${JSON.stringify(v)}`);
        windowEnd = d;
        break;
      }
      case '--json':
        json = true;
        break;
      case '--cloudwatch-region': {
        const v = value(++i, a);
        if (!isKnownRegion(v)) throw new SovereignMlError(ErrorCode.REGION_UNKNOWN, `--cloudwatch-region ${JSON.stringify(v)} is not a known AWS region; did you mean ${nearestRegionNames(v).join(', ')}?`);
        region = v;
        break;
      }
      case '--model': {
        const v = value(++i, a);
        // A CloudWatch dimension value: 1 to 1024 characters.
        if (v.trim() === '' || v.length > 1024) throw new SovereignMlError(ErrorCode.INVALID_PROPS, `--model must be 1 to 1024 characters, not blank, got ${JSON.stringify(v.slice(0, 80))}`);
        modelName = v;
        break;
      }
      case '--namespace':
        namespace = checkNamespace(value(++i, a));
        break;
      default:
        if (a.startsWith('-')) throw new SovereignMlError(ErrorCode.INVALID_PROPS, `unknown option ${a}; see --help`);
        throw new SovereignMlError(ErrorCode.INVALID_PROPS, `unexpected argument ${JSON.stringify(a)}: give capture files after --capture`);
    }
  }
  if (baseline === undefined) throw new SovereignMlError(ErrorCode.INVALID_PROPS, '--baseline <baseline.json> is required');
  if (capture.length === 0) throw new SovereignMlError(ErrorCode.INVALID_PROPS, '--capture <files|dir> is required');
  // Fail closed: --model or --namespace alone would look like publishing while nothing is sent.
  if (region === undefined && (modelName !== undefined || namespace !== undefined)) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `${modelName !== undefined ? '--model' : '--namespace'} is only used with --cloudwatch-region <region>; add it, or drop the option`);
  }
  if (region !== undefined && modelName === undefined) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, '--cloudwatch-region needs --model <name>, the model dimension of the metrics');
  }
  const cloudWatch = region !== undefined ? { region, modelName: modelName!, namespace: namespace ?? DEFAULT_DRIFT_NAMESPACE } : undefined;
  if (windowEnd !== undefined && windowMinutes === undefined) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, '--window-end needs --window-minutes <n>, the length of the window');
  }
  const window = windowMinutes !== undefined ? { end: windowEndAt(windowEnd, new Date()), minutes: windowMinutes } : undefined;
  return {
    baseline, capture, format, json, ...(window ? { window } : {}),
    ...(minRecords !== undefined ? { minRecords } : {}), ...(driftShare !== undefined ? { driftShare } : {}), ...(html !== undefined ? { html } : {}), ...(cloudWatch ? { cloudWatch } : {}),
  };
}

/** A CloudWatch namespace for `--namespace`, by the rule the constructs check at synth. */
function checkNamespace(ns: string): string {
  if (!isMetricNamespace(ns)) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `--namespace ${METRIC_NAMESPACE_RULE}, got ${JSON.stringify(ns.slice(0, 80))}`);
  }
  return ns;
}

/** The end of the window: the time given, the start of `now`'s UTC hour for "hour", else `now`. */
export function windowEndAt(option: Date | 'hour' | undefined, now: Date): Date {
  if (option === 'hour') return new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
  return option ?? now;
}
