/**
 * `sovereign-ml baseline <data.csv|data.jsonl> --out baseline.json [--categorical a,b]
 * [--target y] [--output-column p] [--sample-size n] [--bins n]`: streams the data once
 * and writes a baseline (format in lib/drift/baseline.ts). Progress on stderr for large
 * files; corrupt rows are counted by reason and reported, never fatal.
 */
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { ErrorCode, SovereignMlError } from '../errors';
import { baselineFromCsv, baselineFromJsonLines } from '../drift/baseline-input';
import { ExitCode, type CliIo } from './cli-io';

/** Help text of the baseline command. */
export const BASELINE_USAGE = `usage: sovereign-ml baseline <data.csv | data.jsonl> --out <baseline.json> [options]

Builds a drift baseline from reference data (a CSV with a header row, or JSON lines).

options:
  --out <file>            where to write the baseline (required)
  --categorical <a,b>     columns that are categorical (the rest are numeric)
  --target <col>          the label column, left out of the features
  --output-column <col>   a column holding model outputs, recorded as the output distribution
  --sample-size <n>       values kept per numeric feature for KS/Wasserstein (default 10000)
  --bins <n>              quantile bins per numeric feature (default 10)
  -h, --help              print this help
`;

/** Runs the baseline command. */
export async function runBaseline(argv: readonly string[], io: CliIo): Promise<number> {
  const { input, options } = parseArgs(argv, io);
  if (input === undefined) return ExitCode.OK;
  if (!fs.existsSync(input)) throw new SovereignMlError(ErrorCode.INVALID_PROPS, `cannot read ${input}: no such file`);
  const out = options.get('out');
  if (!out) throw new SovereignMlError(ErrorCode.INVALID_PROPS, '--out <baseline.json> is required');
  const list = (k: string) => options.get(k)?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  const positive = (k: string) => {
    const v = options.get(k);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new SovereignMlError(ErrorCode.INVALID_PROPS, `--${k} must be a positive integer, got ${JSON.stringify(v)}`);
    return Number(v);
  };
  const builderOptions = {
    categorical: list('categorical'),
    exclude: list('target'),
    outputColumn: options.get('output-column'),
    sampleSize: positive('sample-size'),
    bins: positive('bins'),
    source: input,
  };
  const lines = readline.createInterface({ input: fs.createReadStream(input), crlfDelay: Infinity });
  const progress = (rows: number) => io.stderr(`\rbaseline: ${rows.toLocaleString('en')} rows`);
  const isJson = /\.(jsonl|ndjson|json)$/i.test(input);
  const { baseline, stats } = isJson ? await baselineFromJsonLines(lines, builderOptions, progress) : await baselineFromCsv(lines, builderOptions, progress);
  fs.writeFileSync(out, `${JSON.stringify(baseline, null, 1)}\n`);
  const rejected = Object.entries(stats.rejectedByReason).map(([r, n]) => `${n} ${r}`).join(', ');
  io.stdout(`baseline: ${baseline.rows} rows analyzed, ${stats.rejected} rejected${rejected ? ` (${rejected})` : ''}, ${baseline.features.length} features -> ${out}\n`);
  return ExitCode.OK;
}

function parseArgs(argv: readonly string[], io: CliIo): { input?: string; options: Map<string, string> } {
  const options = new Map<string, string>();
  let input: string | undefined;
  const known = new Set(['out', 'categorical', 'target', 'output-column', 'sample-size', 'bins']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') {
      io.stdout(BASELINE_USAGE);
      return { options };
    }
    if (a.startsWith('--')) {
      const k = a.slice(2);
      if (!known.has(k)) throw new SovereignMlError(ErrorCode.INVALID_PROPS, `unknown option ${a}; see --help`);
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new SovereignMlError(ErrorCode.INVALID_PROPS, `${a} needs a value`);
      options.set(k, v);
    } else if (input === undefined) {
      input = a;
    } else {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `unexpected argument ${JSON.stringify(a)}: give one data file`);
    }
  }
  if (input === undefined) throw new SovereignMlError(ErrorCode.INVALID_PROPS, 'give a data file (CSV or JSON lines); see --help');
  return { input, options };
}
