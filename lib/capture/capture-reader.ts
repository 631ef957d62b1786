/**
 * Capture lines turned into feature rows for the drift job, streaming (one line in memory at
 * a time), with every line accounted for: analysed, rejected by reason, blank, or ignored.
 *
 * Accounting, per {@link CaptureStats}:
 * - `linesRead = linesAnalyzed + linesRejected + linesBlank + linesIgnored`, always.
 * - A line is analysed or rejected as a whole: a batch payload yields all its rows, or the
 *   line is rejected for the first bad row. `rowsAnalyzed` counts the rows of analysed
 *   lines (a batch line gives several).
 * - `linesRejected` is the sum of `rejectedByReason`; every reason of
 *   {@link CAPTURE_REJECT_REASONS} is present, at 0 when none occurred.
 * - Blank lines (empty or white space) are `linesBlank`.
 * - With format `onnx`, lines of other log sources in the function's log stream (Powertools
 *   JSON logs, `START`/`END`/`REPORT` platform lines) are expected noise: `linesIgnored`,
 *   not rejected. A line that is not JSON but holds the capture kind marker is a damaged
 *   capture record and is rejected (`truncated-json` or `not-json`).
 * - An empty value is missing, not corrupt: the row is kept with `null` and
 *   `missingByFeature` counts it.
 */
import { ErrorCode, SovereignMlError } from '../errors';
import { CAPTURE_KIND, parseCaptureLine, type CaptureRecord } from './capture-record';
import type { CaptureStreamError } from './lines';
import {
  CAPTURE_REJECT_REASONS, classifyJsonFailure, readInputRows, readOutputValues, tensorOutputValues, tensorsToRows,
  type CaptureCell, type CaptureFeature, type CaptureOutputOptions, type CaptureRejectReason, type PayloadFailure,
} from './payload';
import { decodeCapturedData, parseJsonLine, toSageMakerCaptureEvent, type SageMakerCaptureEvent } from './sagemaker-capture';

/** One row for drift statistics. */
export interface CaptureRow {
  /** Values in the order of the reader's `features`; `null` is missing. */
  readonly features: CaptureCell[];
  /** The model output for this row; `null` when outputs are not read or not captured, or the value is missing. */
  readonly output: CaptureCell;
  /** ISO-8601 time of the inference (`inferenceTime`, or the capture record's `time`). */
  readonly time?: string;
  /** The inference id if the caller gave one, else the event id (SageMaker) or request id (ONNX). */
  readonly id?: string;
}

/** A rejected line kept as an example. */
export interface CaptureExample {
  /** Where the line came from (an object key), when the reader was given `source`. */
  readonly source?: string;
  /** 1-based line number within the source, blank lines included. */
  readonly line: number;
  readonly reason: CaptureRejectReason;
  /** What was wrong, e.g. `row 2 has 9 columns, expected 10`. */
  readonly detail: string;
  /** The line's first 200 characters at most (`…` marks a cut). */
  readonly excerpt: string;
}

/** An object whose stream could not be read to its end (see `linesOf`). */
export interface CorruptObject {
  readonly source: string;
  readonly code: string;
  readonly message: string;
}

/**
 * Counts of one or more readers: `linesRead = linesAnalyzed + linesRejected + linesBlank +
 * linesIgnored`; see the module documentation for the rules.
 */
export interface CaptureStats {
  /** Every line given to a reader. */
  linesRead: number;
  /** Lines that gave rows. */
  linesAnalyzed: number;
  /** Lines refused, the sum of `rejectedByReason`. */
  linesRejected: number;
  /** Empty or white-space lines. */
  linesBlank: number;
  /** Other log lines of the ONNX function's log stream (format `onnx` only). */
  linesIgnored: number;
  /** Rows of analysed lines; a batch line gives several. */
  rowsAnalyzed: number;
  /** Rejected lines per reason, every reason present. */
  rejectedByReason: Record<CaptureRejectReason, number>;
  /** Missing values per feature name, over analysed rows. */
  missingByFeature: Record<string, number>;
  /** The first `maxExamples` rejected lines. */
  examples: CaptureExample[];
  /** Objects counted with {@link recordCorruptObject}. */
  objectsCorrupt: number;
  /** The first `maxExamples` of them. */
  corruptObjects: CorruptObject[];
}

/** The input format of {@link readCaptureLines}. */
export type CaptureFormat = 'sagemaker' | 'onnx' | 'auto';

/** Options of {@link CaptureReader} and {@link readCaptureLines}. */
export interface CaptureReaderOptions {
  /** The baseline's features, in order; names unique. */
  readonly features: readonly CaptureFeature[];
  /**
   * Which model output to read into `CaptureRow.output`.
   * @default - outputs are not read and `output` is `null`
   */
  readonly output?: CaptureOutputOptions;
  /**
   * `sagemaker`: SageMaker data-capture lines; any other line is rejected. `onnx`: the ONNX
   * function's capture records among other log lines, which are ignored. `auto`: either, per
   * line; other JSON is rejected as `not-a-capture`.
   */
  readonly format: CaptureFormat;
  /**
   * Rejected lines kept in `examples` (and corrupt objects in `corruptObjects`).
   * @default 5
   */
  readonly maxExamples?: number;
  /**
   * Counts to add to, to total several objects; lines are numbered from 1 per reader.
   * @default - new counts
   */
  readonly stats?: CaptureStats;
  /**
   * The name of the lines' source (an S3 key), recorded in examples.
   * @default - none
   */
  readonly source?: string;
}

/** The largest excerpt of a line kept in an example. */
export const MAX_EXCERPT_CHARS = 200;

/** New, zeroed counts for `features`. */
export function createCaptureStats(features: readonly CaptureFeature[]): CaptureStats {
  const rejectedByReason = {} as Record<CaptureRejectReason, number>;
  for (const r of CAPTURE_REJECT_REASONS) rejectedByReason[r] = 0;
  const missingByFeature: Record<string, number> = {};
  for (const f of features) missingByFeature[f.name] = 0;
  return {
    linesRead: 0, linesAnalyzed: 0, linesRejected: 0, linesBlank: 0, linesIgnored: 0, rowsAnalyzed: 0,
    rejectedByReason, missingByFeature, examples: [], objectsCorrupt: 0, corruptObjects: [],
  };
}

/**
 * Counts an object whose line stream failed (a `CaptureStreamError` from `linesOf`, such
 * as a truncated gzip file). The lines read before the failure stay counted.
 */
export function recordCorruptObject(stats: CaptureStats, source: string, error: CaptureStreamError, maxExamples = 5): void {
  stats.objectsCorrupt++;
  if (stats.corruptObjects.length < maxExamples) stats.corruptObjects.push({ source, code: error.code, message: error.message });
}

type LineResult = { rows: CaptureRow[] } | { ignored: true } | PayloadFailure;

/**
 * Reads capture lines one at a time into rows, counting each line in `stats`.
 *
 * @throws SovereignMlError INVALID_PROPS when `features` is empty or has duplicate names,
 *   or `maxExamples` is not a non-negative integer
 */
export class CaptureReader {
  /** The counts, updated by every {@link CaptureReader.readLine}. */
  public readonly stats: CaptureStats;
  private readonly features: readonly CaptureFeature[];
  private readonly maxExamples: number;
  private lineNumber = 0;

  public constructor(private readonly options: CaptureReaderOptions) {
    const names = options.features.map((f) => f.name);
    const problems: string[] = [];
    if (names.length === 0) problems.push('features must have at least one feature');
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) problems.push(`features must have unique names, got ${JSON.stringify(dup)} twice`);
    const bad = options.features.find((f) => f.kind !== 'numeric' && f.kind !== 'categorical');
    if (bad !== undefined) problems.push(`features kind must be numeric or categorical, got ${JSON.stringify(bad.kind)} for ${JSON.stringify(bad.name)}`);
    const maxExamples = options.maxExamples ?? 5;
    if (!Number.isInteger(maxExamples) || maxExamples < 0) problems.push(`maxExamples must be a non-negative integer, got ${maxExamples}`);
    if (problems.length > 0) throw new SovereignMlError(ErrorCode.INVALID_PROPS, problems.join('; '));
    this.features = options.features;
    this.maxExamples = maxExamples;
    this.stats = options.stats ?? createCaptureStats(options.features);
    for (const f of options.features) this.stats.missingByFeature[f.name] ??= 0;
  }

  /** Reads the next line; returns its rows (none for a blank, ignored or rejected line). */
  public readLine(line: string): readonly CaptureRow[] {
    const s = this.stats;
    s.linesRead++;
    this.lineNumber++;
    if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '')) {
      s.linesBlank++;
      return [];
    }
    const result = this.parse(line);
    if ('ignored' in result) {
      s.linesIgnored++;
      return [];
    }
    if ('failure' in result) {
      s.linesRejected++;
      s.rejectedByReason[result.failure]++;
      if (s.examples.length < this.maxExamples) {
        s.examples.push({
          ...(this.options.source !== undefined ? { source: this.options.source } : {}),
          line: this.lineNumber, reason: result.failure, detail: result.detail, excerpt: excerpt(line),
        });
      }
      return [];
    }
    s.linesAnalyzed++;
    s.rowsAnalyzed += result.rows.length;
    for (const row of result.rows) {
      for (let i = 0; i < row.features.length; i++) {
        if (row.features[i] === null) s.missingByFeature[this.features[i]!.name]!++;
      }
    }
    return result.rows;
  }

  private parse(line: string): LineResult {
    const format = this.options.format;
    if (format === 'onnx') return this.parseOnnxLine(line);
    const json = parseJsonLine(line);
    if ('failure' in json) return json;
    const value = json.value;
    if (format === 'auto' && typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === CAPTURE_KIND) {
      return this.parseOnnxLine(line);
    }
    const parsed = toSageMakerCaptureEvent(value);
    if ('failure' in parsed) {
      return parsed.failure === 'not-a-capture' && format === 'auto'
        ? { failure: 'not-a-capture', detail: 'neither a SageMaker capture event nor a capture record' }
        : parsed;
    }
    return this.sageMakerRows(parsed.event);
  }

  private parseOnnxLine(line: string): LineResult {
    const parsed = parseCaptureLine(line);
    if ('record' in parsed) return this.onnxRows(parsed.record);
    switch (parsed.failure) {
      case 'not-a-capture':
        return { ignored: true };
      case 'not-json': {
        if (!line.includes(CAPTURE_KIND)) return { ignored: true };
        const failure = classifyJsonFailure(line);
        return { failure, detail: failure === 'truncated-json' ? 'capture record ends inside JSON' : 'capture record is not JSON' };
      }
      case 'unsupported-version':
        return { failure: 'unsupported-version', detail: 'capture record version is not 1' };
      default:
        return { failure: 'malformed', detail: 'capture record lacks fields, or a tensor\'s data does not match its shape' };
    }
  }

  private sageMakerRows(event: SageMakerCaptureEvent): LineResult {
    const input = event.captureData.endpointInput;
    if (input === undefined) return { failure: 'missing-input', detail: 'no captureData.endpointInput (Output-only capture)' };
    const decoded = decodeCapturedData(input);
    if ('failure' in decoded) return decoded;
    const inputs = readInputRows(decoded.text, decoded.format, this.features);
    if ('failure' in inputs) return inputs;
    let outputs: CaptureCell[] | undefined;
    const out = event.captureData.endpointOutput;
    if (this.options.output !== undefined && out !== undefined) {
      const decodedOut = decodeCapturedData(out);
      if ('failure' in decodedOut) return decodedOut;
      const values = readOutputValues(decodedOut.text, decodedOut.format, this.options.output, inputs.rows.length);
      if ('failure' in values) return values;
      outputs = values.values;
    }
    const meta = event.eventMetadata;
    return { rows: toRows(inputs.rows, outputs, meta.inferenceTime, meta.inferenceId ?? meta.eventId) };
  }

  private onnxRows(record: CaptureRecord): LineResult {
    const inputs = tensorsToRows(record.inputs, this.features);
    if ('failure' in inputs) return inputs;
    let outputs: CaptureCell[] | undefined;
    if (this.options.output !== undefined) {
      const values = tensorOutputValues(record.outputs, this.options.output, inputs.rows.length);
      if ('failure' in values) return values;
      outputs = values.values;
    }
    return { rows: toRows(inputs.rows, outputs, record.time, record.inferenceId ?? record.requestId) };
  }
}

function toRows(rows: CaptureCell[][], outputs: CaptureCell[] | undefined, time: string | undefined, id: string | undefined): CaptureRow[] {
  return rows.map((features, i) => {
    const row: { features: CaptureCell[]; output: CaptureCell; time?: string; id?: string } = { features, output: outputs?.[i] ?? null };
    if (time !== undefined) row.time = time;
    if (id !== undefined) row.id = id;
    return row;
  });
}

function excerpt(line: string): string {
  return line.length <= MAX_EXCERPT_CHARS ? line : `${line.slice(0, MAX_EXCERPT_CHARS - 1)}…`;
}

/** Rows of {@link readCaptureLines}, with the counts so far. */
export interface CaptureRows extends AsyncIterable<CaptureRow> {
  /** The counts, complete once iteration ends. */
  readonly stats: CaptureStats;
}

/**
 * Streams rows from capture lines (for example `linesOf(s3Body)`), holding one line at a
 * time. Errors of `lines` itself (such as a `CaptureStreamError` for a truncated gzip
 * object) end the iteration with that error; lines read before it stay counted.
 *
 * @example
 * const rows = readCaptureLines(linesOf(body), { features, format: 'sagemaker', output: {} });
 * for await (const row of rows) accumulate(row.features, row.output);
 * console.log(rows.stats.rejectedByReason);
 */
export function readCaptureLines(lines: Iterable<string> | AsyncIterable<string>, options: CaptureReaderOptions): CaptureRows {
  const reader = new CaptureReader(options);
  return {
    stats: reader.stats,
    async *[Symbol.asyncIterator]() {
      for await (const line of lines) {
        yield* reader.readLine(line);
      }
    },
  };
}

