/**
 * The baseline format: what the reference data (the training sample) looked like, per
 * feature and for the model output, in a JSON document validated by a zod schema.
 *
 * ```json
 * { "format": "sovereign-ml.baseline", "version": 1, "createdAt": "...", "rows": 2000,
 *   "features": [ { "name": "claim_amount_hkd", "kind": "numeric", "count": 2000, "missing": 0,
 *                   "mean": 1.2e5, "std": 8.1e4, "min": 310.5, "max": 9.9e5,
 *                   "binEdges": [..11 edges..], "binCounts": [..10 counts..],
 *                   "sample": [..up to 10000 values..] },
 *                 { "name": "region", "kind": "categorical", "count": 2000, "missing": 3,
 *                   "categories": { "kowloon": 800, "hk-island": 700, "__other__": 497 } } ],
 *   "output": { ...one feature entry for the model output, optional... } }
 * ```
 * - `binEdges` are reference quantiles (deciles by default), strictly increasing; the first
 *   and last bins are open (values below the first edge count in the first bin, above the
 *   last in the last).
 * - `sample` is a uniform sample of at most `sampleSize` values (all of them for small
 *   data), used by the Kolmogorov–Smirnov and Wasserstein statistics.
 * - `categories` keeps the `topK` most frequent values and folds the rest into `__other__`.
 */
import * as fs from 'node:fs';
import * as z from 'zod';
import { ErrorCode, SovereignMlError } from '../errors';
import { formatIssues } from '../validation';

/** Category that collects values outside the top K. */
export const OTHER_CATEGORY = '__other__';

const numericFeature = z.object({
  name: z.string().min(1),
  kind: z.literal('numeric'),
  count: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  mean: z.number(),
  std: z.number().nonnegative(),
  min: z.number(),
  max: z.number(),
  binEdges: z.array(z.number()).min(2),
  binCounts: z.array(z.number().nonnegative()),
  sample: z.array(z.number()),
}).refine((f) => f.binCounts.length === f.binEdges.length - 1, { message: 'binCounts must have one entry fewer than binEdges', path: ['binCounts'] })
  .refine((f) => f.binEdges.every((e, i) => i === 0 || e > f.binEdges[i - 1]!), { message: 'binEdges must be strictly increasing', path: ['binEdges'] });

const categoricalFeature = z.object({
  name: z.string().min(1),
  kind: z.literal('categorical'),
  count: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  categories: z.record(z.string(), z.number().nonnegative()),
});

const featureSchema = z.union([numericFeature, categoricalFeature]);

export const baselineSchema = z.object({
  format: z.literal('sovereign-ml.baseline'),
  version: z.literal(1),
  createdAt: z.string(),
  rows: z.number().int().nonnegative(),
  source: z.string().optional(),
  features: z.array(featureSchema).min(1),
  output: featureSchema.optional(),
}).refine((b) => new Set(b.features.map((f) => f.name)).size === b.features.length, { message: 'feature names must be unique', path: ['features'] });

/** A numeric feature of a baseline. */
export type NumericFeatureBaseline = z.output<typeof numericFeature>;
/** A categorical feature of a baseline. */
export type CategoricalFeatureBaseline = z.output<typeof categoricalFeature>;
/** One feature (or the output) of a baseline. */
export type FeatureBaseline = NumericFeatureBaseline | CategoricalFeatureBaseline;
/** A baseline document. */
export type BaselineDocument = z.output<typeof baselineSchema>;

/**
 * Validates a parsed baseline document.
 * @throws SovereignMlError INVALID_PROPS listing every problem with its path
 */
export function parseBaseline(value: unknown, source = 'baseline'): BaselineDocument {
  const result = baselineSchema.safeParse(value, { reportInput: true });
  if (!result.success) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `${source} is not a valid baseline: ${formatIssues(result.error.issues, source)}`);
  }
  return result.data;
}

/**
 * Reads and validates a baseline file.
 * @throws SovereignMlError INVALID_PROPS naming the file on unreadable or invalid content
 */
export function readBaselineFile(path: string): BaselineDocument {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (cause) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `baseline file ${path} cannot be read`, { cause });
  }
  return parseBaselineText(text, path);
}

/**
 * Parses and validates the text of a baseline file read elsewhere.
 * @throws SovereignMlError INVALID_PROPS naming `path` on invalid content
 */
export function parseBaselineText(text: string, path: string): BaselineDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `baseline file ${path} is not JSON: ${(cause as Error).message}`, { cause });
  }
  return parseBaseline(json, `baseline file ${path}`);
}
