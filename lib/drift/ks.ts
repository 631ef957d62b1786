/**
 * The two-sample Kolmogorov-Smirnov test, two-sided, agreeing with
 * `scipy.stats.ks_2samp(a, b, alternative='two-sided', method=...)` (SciPy 1.10).
 */
import { z } from 'zod';
import { parseWith } from '../validation';
import { attemptExactTwoSided, gcd, roundHalfEven } from './private/ks-exact';
import { kolmogorovSf } from './private/kolmogorov';
import { sortFloat64 } from './private/sort';
import { clipProbability } from './private/special';
import { toPooledSamples } from './private/validate';

/** How {@link ksTwoSample} computes the p-value. */
export type KsMethod = 'auto' | 'exact' | 'asymp';

/** Options for {@link ksTwoSample}. */
export interface KsTwoSampleOptions {
  /**
   * `exact` counts lattice paths (Hodges 1958; Viehmann 2021); `asymp` uses the
   * distribution of the one-sample statistic D_en with en = round(n*m / (n + m)), as
   * SciPy's `kstwo.sf(D, round(en))`; `auto` is `exact` when both samples have at most
   * 10,000 values (SciPy's `MAX_AUTO_N`) and `asymp` otherwise.
   *
   * `exact` falls back to `asymp`, as SciPy does, when lcm(n, m) would exceed 2^31 - 1 or
   * when the exact computation does not produce a probability (rounding can push it just
   * above 1 for equal sizes and the smallest possible statistic). Its cost grows up to
   * n * m steps for coprime sizes and large D (10,000 against 9,999 disjoint values: about
   * 0.6 s, as in SciPy), which is why `auto` stops at 10,000.
   * @default 'auto'
   */
  readonly method?: KsMethod;
}

/** Result of {@link ksTwoSample}. */
export interface KsTwoSampleResult {
  /**
   * D = sup_x |F_a(x) - F_b(x)| over the empirical CDFs. With the exact method it is
   * snapped to the lattice (round(D * lcm) / lcm), as SciPy returns it.
   */
  readonly statistic: number;
  /**
   * Two-sided p-value, clipped to [0, 1]. NaN only when `asymp` is used for two samples of
   * one value each, where SciPy's round(en) is 0 and it returns NaN too.
   */
  readonly pValue: number;
  /** The method that produced `pValue`, after `auto` and any fallback. */
  readonly method: 'exact' | 'asymp';
}

const optionsSchema = z.object({ method: z.enum(['auto', 'exact', 'asymp']).default('auto') }).strict();

const MAX_AUTO_N = 10000;
const INT32_MAX = 2147483647;

/**
 * D = max(max(F_a - F_b), clip(-min(F_a - F_b), 0, 1)) over the empirical CDFs of two
 * sorted samples, evaluated at every distinct value of the pooled sample in one merge
 * pass, with SciPy's choice between the two one-sided maxima.
 */
function cdfDistance(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  // The gap is exactly 0 at the largest pooled value, and once one sample is used up the
  // gap only shrinks towards 0, so the walk can stop there with extremes starting at 0.
  let maxS = 0;
  let minS = 0;
  while (i < n1 && j < n2) {
    const ai = a[i]!;
    const bj = b[j]!;
    const v = ai <= bj ? ai : bj;
    // Step past every copy of v in both samples: ties move both CDFs at once.
    while (i < n1 && a[i]! <= v) i++;
    while (j < n2 && b[j]! <= v) j++;
    // Same expression as SciPy's searchsorted(..., 'right') / n1 - ... / n2.
    const diff = i / n1 - j / n2;
    if (diff > maxS) maxS = diff;
    if (diff < minS) minS = diff;
  }
  const clippedMin = minS < -1 ? 1 : 0 - minS;
  return clippedMin > maxS ? clippedMin : maxS;
}

/**
 * Two-sample, two-sided Kolmogorov-Smirnov test of whether `a` and `b` come from the same
 * continuous distribution.
 *
 * Matches `scipy.stats.ks_2samp(a, b, alternative='two-sided', method)` of SciPy 1.10:
 * same statistic, same exact algorithm and fallback, same asymptotic p-value
 * (`kstwo.sf(D, round(n*m/(n+m)))`). Ties are handled by evaluating the empirical CDFs
 * at each distinct pooled value, in one merge pass over radix-sorted copies of the inputs
 * (linear time; see `bench/drift-stats.bench.ts` for 1e6 against 1e6 values).
 *
 * Differs from SciPy in rejecting NaN (SciPy sorts NaN last and returns a meaningless
 * result); infinities are allowed.
 *
 * @param a first sample (not modified)
 * @param b second sample (not modified)
 * @throws SovereignMlError `INVALID_PROPS` when a sample is empty or contains NaN, or an
 *   option is invalid
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.ks_2samp.html
 */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>, options: KsTwoSampleOptions = {}): KsTwoSampleResult {
  const { method: requested } = parseWith(optionsSchema, options, { path: 'options' });
  const pooled = toPooledSamples('a', a, 'b', b, true);
  const n1 = a.length;
  const n2 = b.length;
  const scratch = new Float64Array(Math.max(n1, n2));
  const x = sortFloat64(pooled.subarray(0, n1), scratch);
  const y = sortFloat64(pooled.subarray(n1), scratch);
  let d = cdfDistance(x, y);

  const g = gcd(n1, n2);
  let method: 'exact' | 'asymp';
  if (requested === 'auto') {
    method = Math.max(n1, n2) <= MAX_AUTO_N ? 'exact' : 'asymp';
  } else if (requested === 'exact' && n1 / g >= INT32_MAX / (n2 / g)) {
    method = 'asymp';
  } else {
    method = requested;
  }

  if (method === 'exact') {
    const attempt = attemptExactTwoSided(n1, n2, g, d);
    d = attempt.statistic;
    if (attempt.success) {
      return { statistic: d, pValue: clipProbability(attempt.pValue), method };
    }
    method = 'asymp';
  }
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  return { statistic: d, pValue: clipProbability(kolmogorovSf(roundHalfEven(en), d)), method };
}
