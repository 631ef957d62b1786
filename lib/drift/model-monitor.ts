/**
 * Imports an existing SageMaker Model Monitor baseline: converts its `statistics.json`
 * (one entry per feature: moments, a KLL sketch and 10 materialised buckets for numbers,
 * category counts for strings) into our baseline format.
 *
 * - Numeric features: `binEdges` are the KLL bucket bounds, `binCounts` the bucket counts,
 *   `mean`/`std`/`min`/`max` are `mean`/`std_dev`/`min`/`max` as Model Monitor wrote them.
 * - `sample` is reconstructed from the KLL sketch: an item at level i of `sketch.data`
 *   stands for 2^i values, so each item is repeated in proportion to its weight, to at
 *   most `sampleSize` values (largest-remainder rounding, deterministic). It follows the
 *   sketch's quantiles, not the reference data: Kolmogorov–Smirnov and Wasserstein
 *   statistics computed against it are approximations, with the KLL rank error (about
 *   1.65/k for the sketch's `k`) on top of the usual sampling error. PSI and
 *   chi-square over the buckets are exact.
 * - String features: `categories` are the categorical bucket counts.
 * - `count`/`missing` are `common.num_present`/`common.num_missing`; `rows` is
 *   `dataset.item_count`. Model Monitor does not mark the model output, so the document
 *   has no `output`.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-byoc-statistics.html
 * @see https://datasketches.apache.org/docs/KLL/KLLSketch.html
 */
import * as z from 'zod';
import { ErrorCode, SovereignMlError } from '../errors';
import { formatIssues } from '../validation';
import { parseBaseline, type BaselineDocument, type FeatureBaseline } from './baseline';

/** Options of {@link baselineFromModelMonitorStatistics}. */
export interface ModelMonitorStatisticsOptions {
  /**
   * Largest sample reconstructed per numeric feature from its KLL sketch.
   * @default 10000
   */
  readonly sampleSize?: number;
  /**
   * Where the statistics came from (an S3 URI or a file), recorded as the baseline's `source`.
   * @default 'model-monitor statistics.json'
   */
  readonly source?: string;
}

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });
const common = z.looseObject({ num_present: z.number().int().nonnegative(), num_missing: z.number().int().nonnegative() });

const kllBucket = z.looseObject({ lower_bound: finite, upper_bound: finite, count: z.number().nonnegative() });

const kll = z.looseObject({
  buckets: z.array(kllBucket).min(1),
  sketch: z.looseObject({
    parameters: z.looseObject({ c: z.number().positive(), k: z.number().int().positive() }),
    data: z.array(z.array(finite)),
  }),
}).superRefine((d, ctx) => {
  d.buckets.forEach((b, i) => {
    if (b.upper_bound < b.lower_bound) {
      ctx.addIssue({ code: 'custom', path: ['buckets', i, 'upper_bound'], message: `must not be below lower_bound ${b.lower_bound}`, input: b.upper_bound });
    }
    const next = d.buckets[i + 1];
    if (next !== undefined && next.lower_bound !== b.upper_bound) {
      ctx.addIssue({ code: 'custom', path: ['buckets', i + 1, 'lower_bound'], message: `must equal the upper_bound of the bucket before (${b.upper_bound}): buckets must be contiguous`, input: next.lower_bound });
    }
  });
});

const numericFeature = z.looseObject({
  name: z.string().min(1),
  inferred_type: z.enum(['Fractional', 'Integral']),
  numerical_statistics: z.looseObject({
    common,
    mean: finite,
    sum: finite.optional(),
    std_dev: finite.refine((v) => v >= 0, { message: 'must not be negative' }),
    min: finite,
    max: finite,
    distribution: z.looseObject({ kll }),
  }),
});

const stringFeature = z.looseObject({
  name: z.string().min(1),
  inferred_type: z.literal('String'),
  string_statistics: z.looseObject({
    common,
    distinct_count: z.number().nonnegative().optional(),
    distribution: z.looseObject({
      categorical: z.looseObject({ buckets: z.array(z.looseObject({ value: z.string(), count: z.number().nonnegative() })) }),
    }),
  }),
});

const statisticsSchema = z.looseObject({
  version: z.number(),
  dataset: z.looseObject({ item_count: z.number().int().nonnegative() }),
  features: z.array(z.discriminatedUnion('inferred_type', [numericFeature, stringFeature])).min(1),
});

type NumericStatistics = z.output<typeof numericFeature>;
type StringStatistics = z.output<typeof stringFeature>;

/**
 * Converts a Model Monitor `statistics.json` (parsed) into a baseline document.
 * @throws SovereignMlError INVALID_PROPS listing every problem with its path in the
 *   document (e.g. `features[2].numerical_statistics.distribution.kll.buckets`)
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-byoc-statistics.html
 */
export function baselineFromModelMonitorStatistics(statistics: unknown, options: ModelMonitorStatisticsOptions = {}): BaselineDocument {
  const sampleSize = options.sampleSize ?? 10_000;
  if (!Number.isInteger(sampleSize) || sampleSize < 1) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `sampleSize must be a positive integer, got ${sampleSize}`);
  }
  const result = statisticsSchema.safeParse(statistics, { reportInput: true });
  if (!result.success) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `statistics.json is not valid Model Monitor statistics: ${formatIssues(result.error.issues)}`);
  }
  const features = result.data.features.map((f): FeatureBaseline => (f.inferred_type === 'String' ? categorical(f as StringStatistics) : numeric(f as NumericStatistics, sampleSize)));
  return parseBaseline({
    format: 'sovereign-ml.baseline',
    version: 1,
    createdAt: new Date().toISOString(),
    rows: result.data.dataset.item_count,
    source: options.source ?? 'model-monitor statistics.json',
    features,
  }, 'converted statistics.json');
}

function numeric(f: NumericStatistics, sampleSize: number): FeatureBaseline {
  const s = f.numerical_statistics;
  const { buckets, sketch } = s.distribution.kll;
  let binEdges = [...buckets.map((b) => b.lower_bound), buckets[buckets.length - 1]!.upper_bound];
  let binCounts = buckets.map((b) => b.count);
  // A constant feature comes as buckets of zero width; our edges must increase strictly.
  if (binEdges.every((e) => e === binEdges[0])) {
    binEdges = [binEdges[0]! - 0.5, binEdges[0]! + 0.5];
    binCounts = [binCounts.reduce((a, b) => a + b, 0)];
  }
  return {
    name: f.name,
    kind: 'numeric',
    count: s.common.num_present,
    missing: s.common.num_missing,
    mean: s.mean,
    std: s.std_dev,
    min: s.min,
    max: s.max,
    binEdges,
    binCounts,
    sample: kllSample(sketch.data, sampleSize),
  };
}

function categorical(f: StringStatistics): FeatureBaseline {
  const s = f.string_statistics;
  const categories: Record<string, number> = {};
  for (const b of s.distribution.categorical.buckets) categories[b.value] = (categories[b.value] ?? 0) + b.count;
  return { name: f.name, kind: 'categorical', count: s.common.num_present, missing: s.common.num_missing, categories };
}

/**
 * Values standing for a KLL sketch: an item at level i has weight 2^i. With total weight
 * W ≤ `size` each item is repeated 2^i times; otherwise item j gets ⌊w_j·size/W⌋ copies
 * and the remaining copies go to the largest remainders (ties to the earlier item), so
 * the result has exactly `size` values. Sorted ascending.
 */
export function kllSample(levels: readonly (readonly number[])[], size: number): number[] {
  const items: Array<{ value: number; weight: number }> = [];
  levels.forEach((level, i) => { for (const value of level) items.push({ value, weight: 2 ** i }); });
  const total = items.reduce((a, it) => a + it.weight, 0);
  const copies = total <= size ? items.map((it) => it.weight) : apportion(items.map((it) => it.weight), total, size);
  const out: number[] = [];
  items.forEach((it, j) => { for (let c = 0; c < copies[j]!; c++) out.push(it.value); });
  return out.sort((a, b) => a - b);
}

/** Largest-remainder apportionment of `size` copies to weights summing to `total`. */
function apportion(weights: readonly number[], total: number, size: number): number[] {
  const quotas = weights.map((w) => (w * size) / total);
  const copies = quotas.map(Math.floor);
  let left = size - copies.reduce((a, b) => a + b, 0);
  const order = quotas.map((q, j) => ({ j, rem: q - Math.floor(q) })).sort((a, b) => b.rem - a.rem || a.j - b.j);
  for (const { j } of order) {
    if (left <= 0) break;
    copies[j]!++;
    left--;
  }
  return copies;
}
