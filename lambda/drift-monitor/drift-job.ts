/**
 * The drift job, as a pure function over two dependencies (list keys, open an object): it
 * reads the capture objects of the hour partitions covering a time window, turns every
 * line into rows with one `CaptureReader` per object sharing one set of counts, builds
 * per-feature windows, and evaluates them against the baseline.
 *
 * Partitions (UTC hours):
 * - `onnx`: the ONNX function's capture, delivered by Firehose under its default
 *   timestamp prefix: `<prefix>YYYY/MM/DD/HH/`.
 * - `sagemaker`: SageMaker data capture: `<prefix><variant>/YYYY/MM/DD/HH/`, where
 *   `prefix` ends with the endpoint name (`<DestinationS3Uri>/<endpoint>/`).
 *
 * The window is widened to whole hours: every object of a covered hour is read and rows
 * are not filtered by time (Firehose and SageMaker file records by arrival hour anyway).
 *
 * The windows merge exactly (see `mergeWindows`), so a distributed version can run
 * {@link buildWindows} per object group and combine the parts with {@link mergePartials}:
 * the report equals that of one run over all objects.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture.html
 * @see https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html
 */
import {
  CaptureReader, hourPartitions, CaptureStreamError, createCaptureStats, lineBatchesOf, recordCorruptObject,
  type CaptureFeature, type CaptureOutputOptions, type CaptureStats,
} from '../../lib/capture';
import { addHashedRow, addHashedValue, emptyWindow, fnv1a, recordHash, evaluateDrift, mergeWindows, type BaselineDocument, type DriftPolicy, type DriftReport, type FeatureWindow } from '../../lib/drift';
import { ErrorCode, SovereignMlError } from '../../lib/errors';

/** The capture layout: SageMaker data capture, or the ONNX function's Firehose capture. */
export type DriftCaptureFormat = 'sagemaker' | 'onnx';

/** What locates a window's capture (and names its model). */
export interface WindowLocation {
  readonly format: DriftCaptureFormat;
  readonly bucket: string;
  /** Key prefix ending in `/`, e.g. `capture/hk-claims-fraud/3/` or `endpoint-capture/<endpoint>/`. */
  readonly prefix: string;
  /** End of the window (exclusive). */
  readonly windowEnd: Date;
  /** Length of the window, in minutes (a positive integer). */
  readonly windowMinutes: number;
  /** The model's name, for the result. */
  readonly modelName: string;
  /**
   * SageMaker production variant (format `sagemaker` only).
   * @default 'AllTraffic'
   */
  readonly variantName?: string;
}

/** Input of {@link runDriftJob}. */
export interface DriftJobInput extends WindowLocation {
  readonly baseline: BaselineDocument;
  /**
   * How drift is judged.
   * @default - the defaults of `evaluateDrift`
   */
  readonly policy?: DriftPolicy;
  /**
   * Which model output to compare with the baseline's `output`.
   * @default - the first output, element 0
   */
  readonly output?: CaptureOutputOptions;
}

/** What the job needs from S3. */
export interface DriftJobDeps {
  /** Every key under `prefix` (all pages). */
  listKeys(bucket: string, prefix: string): AsyncIterable<string>;
  /** The object's body; rejects on access errors (these fail the job). */
  openObject(bucket: string, key: string): Promise<NodeJS.ReadableStream>;
}

/** Windows of the features (by name) and of the output, in a JSON-serialisable form. */
export interface PartialWindows {
  readonly features: Record<string, FeatureWindow>;
  readonly output?: FeatureWindow;
  readonly stats: CaptureStats;
  /** Objects read (corrupt ones included). */
  objects: number;
}

/** Result of {@link runDriftJob}. */
export interface DriftJobResult {
  readonly modelName: string;
  readonly report: DriftReport;
  readonly stats: CaptureStats;
  /** Objects read (corrupt ones included). */
  readonly objects: number;
  /** The hour prefixes listed. */
  readonly prefixes: readonly string[];
  readonly windowStart: Date;
  readonly windowEnd: Date;
}

/** Default SageMaker variant name. */
export const DEFAULT_VARIANT = 'AllTraffic';

/**
 * The hour prefixes covering `[windowEnd − windowMinutes, windowEnd)`, oldest first.
 * @throws SovereignMlError INVALID_PROPS for a window length that is not a positive integer or an invalid date
 */
export function hourPrefixes(format: DriftCaptureFormat, prefix: string, windowEnd: Date, windowMinutes: number, variantName = DEFAULT_VARIANT): string[] {
  const base = format === 'sagemaker' ? `${prefix}${variantName}/` : prefix;
  return hourPartitions(windowEnd, windowMinutes).map((p) => `${base}${p}`);
}

/**
 * The keys of a window's capture objects: every key under each of its hour prefixes,
 * oldest hour first, in listing order within an hour.
 */
export async function* windowKeys(location: WindowLocation, deps: Pick<DriftJobDeps, 'listKeys'>): AsyncGenerator<string> {
  for (const p of windowPrefixes(location)) yield* deps.listKeys(location.bucket, p);
}

/** The result of a window from its (merged) partial windows, evaluated against the baseline. */
export function windowResult(baseline: BaselineDocument, location: WindowLocation, part: PartialWindows, policy?: DriftPolicy): DriftJobResult {
  return {
    modelName: location.modelName,
    report: evaluatePartial(baseline, part, policy),
    stats: part.stats,
    objects: part.objects,
    prefixes: windowPrefixes(location),
    windowStart: new Date(location.windowEnd.getTime() - location.windowMinutes * 60_000),
    windowEnd: location.windowEnd,
  };
}

function windowPrefixes(location: WindowLocation): string[] {
  return hourPrefixes(location.format, location.prefix, location.windowEnd, location.windowMinutes, location.variantName);
}

/** The features of a baseline as the capture reader wants them. */
export function captureFeatures(baseline: BaselineDocument): CaptureFeature[] {
  return baseline.features.map((f) => ({ name: f.name, kind: f.kind }));
}

/** Empty windows (and zeroed counts) shaped by a baseline. */
export function emptyPartial(baseline: BaselineDocument): PartialWindows {
  return {
    features: Object.fromEntries(baseline.features.map((f) => [f.name, emptyWindow(f)])),
    ...(baseline.output ? { output: emptyWindow(baseline.output) } : {}),
    stats: createCaptureStats(captureFeatures(baseline)),
    objects: 0,
  };
}

/**
 * Reads objects into windows. A `CaptureStreamError` (a truncated or corrupt gzip object)
 * counts the object as corrupt, keeps its complete lines, and goes on; other errors reject.
 */
export async function buildWindows(
  baseline: BaselineDocument,
  options: { readonly format: DriftCaptureFormat; readonly bucket: string; readonly keys: Iterable<string> | AsyncIterable<string>; readonly output?: CaptureOutputOptions },
  deps: Pick<DriftJobDeps, 'openObject'>,
): Promise<PartialWindows> {
  const part = emptyPartial(baseline);
  const features = captureFeatures(baseline);
  // Looked up once: the loop below adds a million rows times the features.
  const featureBaselines = baseline.features;
  const windows = featureBaselines.map((f) => part.features[f.name]!);
  for await (const key of options.keys) {
    part.objects++;
    const reader = new CaptureReader({
      features, format: options.format, stats: part.stats, source: key,
      ...(baseline.output ? { output: options.output ?? {} } : {}),
    });
    const body = await deps.openObject(options.bucket, key);
    const objectHash = fnv1a(key);
    let lineNo = 0;
    try {
      // A batch of lines per chunk of the object: one await per chunk, not per line.
      for await (const lines of lineBatchesOf(body)) {
        for (const line of lines) {
          lineNo++;
          const rows = reader.readLine(line);
          for (let rowIdx = 0; rowIdx < rows.length; rowIdx++) {
            const row = rows[rowIdx]!;
            // One hash per row, from the object and the row's position: the same record gets
            // the same hash however the objects are split between runs.
            const hash = recordHash(objectHash, lineNo, rowIdx);
            addHashedRow(windows, featureBaselines, row.features, hash);
            if (baseline.output && part.output) addHashedValue(part.output, baseline.output, row.output, hash);
          }
        }
      }
    } catch (error) {
      if (!CaptureStreamError.isCaptureStreamError(error)) throw error;
      recordCorruptObject(part.stats, key, error);
    }
  }
  return part;
}

/** Merges partial windows into the first one; the result equals one pass over all their objects. */
export function mergePartials(parts: readonly PartialWindows[], maxExamples = 5): PartialWindows {
  const [first, ...rest] = parts;
  if (first === undefined) throw new SovereignMlError(ErrorCode.INVALID_PROPS, 'parts must have at least one partial window');
  for (const p of rest) {
    for (const [name, w] of Object.entries(p.features)) {
      const target = first.features[name];
      if (target === undefined) throw new SovereignMlError(ErrorCode.INVALID_PROPS, `partial windows disagree: feature ${name} is not in the first part`);
      mergeWindows(target, w);
    }
    if (first.output && p.output) mergeWindows(first.output, p.output);
    mergeStats(first.stats, p.stats, maxExamples);
    first.objects += p.objects;
  }
  return first;
}

/** Adds the counts of `b` to `a`, keeping at most `maxExamples` examples. */
export function mergeStats(a: CaptureStats, b: CaptureStats, maxExamples = 5): CaptureStats {
  a.linesRead += b.linesRead;
  a.linesAnalyzed += b.linesAnalyzed;
  a.linesRejected += b.linesRejected;
  a.linesBlank += b.linesBlank;
  a.linesIgnored += b.linesIgnored;
  a.rowsAnalyzed += b.rowsAnalyzed;
  for (const [r, n] of Object.entries(b.rejectedByReason)) a.rejectedByReason[r as keyof CaptureStats['rejectedByReason']] += n;
  for (const [f, n] of Object.entries(b.missingByFeature)) a.missingByFeature[f] = (a.missingByFeature[f] ?? 0) + n;
  a.examples.push(...b.examples.slice(0, Math.max(0, maxExamples - a.examples.length)));
  a.objectsCorrupt += b.objectsCorrupt;
  a.corruptObjects.push(...b.corruptObjects.slice(0, Math.max(0, maxExamples - a.corruptObjects.length)));
  return a;
}

/** Evaluates (merged) partial windows against the baseline. */
export function evaluatePartial(baseline: BaselineDocument, part: PartialWindows, policy?: DriftPolicy): DriftReport {
  return evaluateDrift(baseline, new Map(Object.entries(part.features)), part.stats.rowsAnalyzed, policy, part.output);
}

/** Reads the window's capture objects and evaluates drift. */
export async function runDriftJob(input: DriftJobInput, deps: DriftJobDeps): Promise<DriftJobResult> {
  const part = await buildWindows(input.baseline, { format: input.format, bucket: input.bucket, keys: windowKeys(input, deps), ...(input.output ? { output: input.output } : {}) }, deps);
  return windowResult(input.baseline, input, part, input.policy);
}
