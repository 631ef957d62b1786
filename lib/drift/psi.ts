/**
 * The population stability index (PSI) between a reference and a current sample.
 *
 * PSI is not in SciPy; the formula is the published one (Siddiqi 2006, "Credit Risk
 * Scorecards"; Yurdakul 2018, "Statistical properties of population stability index"):
 *
 *     PSI = sum_i (a_i - e_i) * ln(a_i / e_i)
 *
 * over bins i, where e_i and a_i are the proportions of the reference (expected) and
 * current (actual) values in bin i. An empty bin's proportion is replaced by `epsilon`
 * (the others are left as they are, not renormalised), so that the logarithm is finite.
 * Tests check it against a numpy transcription in `test/fixtures/drift/make_reference.py`.
 */
import { z } from 'zod';
import { parseWith } from '../validation';
import { sortFloat64 } from './private/sort';
import { CompensatedSum } from './private/summation';
import { invalid, requireSameLength, toMasses, toSample } from './private/validate';

/** Options for {@link psi}. */
export interface PsiOptions {
  /**
   * Number of quantile bins cut from the reference sample: edges at its quantiles
   * k/bins, k = 1..bins-1 (numpy's default 'linear' quantile, Hyndman-Fan type 7).
   * Ignored when `edges` is given.
   * @default 10 (deciles)
   */
  readonly bins?: number;
  /**
   * Interior bin edges to use instead of reference quantiles; sorted and deduplicated.
   * @default - quantile edges of the reference sample, see `bins`
   */
  readonly edges?: readonly number[];
  /**
   * Proportion used in place of 0 for an empty bin.
   * @default 1e-4
   */
  readonly epsilon?: number;
}

const DEFAULT_EPSILON = 1e-4;

const optionsSchema = z.object({
  bins: z.number().int().min(2).max(1e6).default(10),
  edges: z.array(z.number().finite()).optional(),
  epsilon: z.number().positive().max(1).default(DEFAULT_EPSILON),
}).strict();

/** numpy's lerp: a + t(b - a), or b - (1 - t)(b - a) when t >= 0.5. */
function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * The interior quantile edges of a sorted sample, k/bins for k = 1..bins-1, computed as
 * `numpy.quantile(sorted, k / bins, method='linear')` does.
 */
function quantileBinEdges(sorted: Float64Array, bins: number): number[] {
  const n = sorted.length;
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const virtual = (n - 1) * (k / bins);
    const previous = Math.floor(virtual);
    const next = Math.min(previous + 1, n - 1);
    edges.push(lerp(sorted[previous]!, sorted[next]!, virtual - previous));
  }
  return edges;
}

/** Sorted, deduplicated copy of `edges`. */
function normalizeEdges(edges: readonly number[]): Float64Array {
  const sorted = Float64Array.from(edges).sort();
  let k = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[k - 1]) {
      sorted[k++] = sorted[i]!;
    }
  }
  return sorted.subarray(0, k);
}

/** Counts of `values` in the bins cut by sorted `edges`: bin i holds edges[i-1] <= x < edges[i]. */
function binCounts(values: Float64Array, edges: Float64Array): Float64Array {
  const counts = new Float64Array(edges.length + 1);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // Number of edges <= v (searchsorted side='right'), by binary search.
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    counts[lo]! += 1;
  }
  return counts;
}

/**
 * PSI from the counts (or proportions) of the reference and current data in the same bins.
 *
 * Each side is normalised to proportions by its own sum; a proportion of exactly 0 is
 * replaced by `epsilon`. Returns sum (a - e) ln(a / e); 0 means identical distributions.
 *
 * @param expected reference counts per bin
 * @param actual current counts per bin, same length
 * @param epsilon proportion used for an empty bin; default 1e-4
 * @throws SovereignMlError `INVALID_PROPS` when the lengths differ, a count is negative or
 *   not finite, a side sums to 0, or epsilon is not in (0, 1]
 */
export function psiFromCounts(expected: ArrayLike<number>, actual: ArrayLike<number>, epsilon: number = DEFAULT_EPSILON): number {
  if (!(epsilon > 0 && epsilon <= 1)) {
    invalid(`epsilon must be a number in (0, 1], got ${String(epsilon)}`);
  }
  const e = toMasses('expected', expected);
  const a = toMasses('actual', actual);
  requireSameLength('expected', expected, 'actual', actual);
  const sum = new CompensatedSum();
  for (let i = 0; i < e.masses.length; i++) {
    const ei = e.masses[i]! === 0 ? epsilon : e.masses[i]! / e.total;
    const ai = a.masses[i]! === 0 ? epsilon : a.masses[i]! / a.total;
    sum.add((ai - ei) * Math.log(ai / ei));
  }
  return sum.value;
}

/**
 * PSI between a reference sample and a current sample of a numeric feature.
 *
 * Bins are cut at the reference's quantiles (deciles by default) or at `edges`; duplicate
 * edges (a reference with many ties) are merged, and the first and last bins are open to
 * -Infinity and +Infinity. Bin i holds edges[i-1] <= x < edges[i]. Then
 * {@link psiFromCounts} on the two histograms.
 *
 * Common reading (Siddiqi 2006): below 0.1 no significant change, 0.1 to 0.25 moderate,
 * above 0.25 significant.
 *
 * @param reference the baseline sample
 * @param current the sample to compare
 * @throws SovereignMlError `INVALID_PROPS` when a sample is empty or holds NaN or an
 *   infinity, or an option is invalid
 */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>, options: PsiOptions = {}): number {
  const { bins, edges, epsilon } = parseWith(optionsSchema, options, { path: 'options' });
  const ref = sortFloat64(toSample('reference', reference, false));
  const cur = toSample('current', current, false);
  const cuts = normalizeEdges(edges ?? quantileBinEdges(ref, bins));
  return psiFromCounts(binCounts(ref, cuts), binCounts(cur, cuts), epsilon);
}
