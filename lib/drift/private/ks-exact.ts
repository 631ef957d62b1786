/**
 * The exact null distribution of the two-sample two-sided Kolmogorov-Smirnov statistic,
 * ported from SciPy 1.10 (`_attempt_exact_2kssamp`, `_compute_prob_outside_square` in
 * `scipy/stats/_stats_py.py`, `_compute_outer_prob_inside_method` in
 * `scipy/stats/_stats_pythran.py`).
 *
 * Counting follows Hodges (1958) on lattice paths from (0, 0) to (m, n); for unequal
 * sizes the recursion computes 1 - p directly, as in Viehmann (2021), "Numerically more
 * stable computation of the p-values for the two-sample Kolmogorov-Smirnov test",
 * arXiv:2102.08037. Arithmetic is done in the same order as SciPy so that the results,
 * including SciPy's fallback when the result is not a probability, agree with it.
 */

/** Outcome of {@link attemptExactTwoSided}. */
export interface ExactAttempt {
  /** False when the computation did not give a probability; the caller falls back. */
  readonly success: boolean;
  /** The statistic snapped to the lattice: round(d * lcm) / lcm. */
  readonly statistic: number;
  /** The p-value (meaningful only when `success`). */
  readonly pValue: number;
}

/** Rounds half to even, as `numpy.round`. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round rounds half up; move exact halves at odd results down to the even one.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Greatest common divisor of two positive integers. */
export function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) {
    const r = x % y;
    x = y;
    y = r;
  }
  return x;
}

/** Pr(D_{n,n} >= h/n): the proportion of paths that leave the band |x - y| < h. */
function probOutsideSquare(n: number, h: number): number {
  // P = 2 * A0 * (1 - A1 * (1 - A2 * (1 - ...))), each Ai a ratio of binomials.
  let P = 0;
  let k = Math.floor(n / h);
  while (k >= 0) {
    let p1 = 1;
    for (let j = 0; j < h; j++) {
      p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    }
    P = p1 * (1 - P);
    k -= 1;
  }
  return 2 * P;
}

/**
 * The proportion of lattice paths from (0, 0) to (m, n) that do not stay strictly inside
 * |x/m - y/n| < h / lcm(m, n), i.e. Pr(D_{m,n} >= h / lcm).
 */
function outerProbInsideMethod(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  // One sliding window of the current column of A; minj tracks the slide.
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) {
      return 1;
    }
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) {
      // Carried-over entries beyond the new window are paths that already left the band.
      A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
    }
  }
  return A[maxj - minj - 1]!;
}

/**
 * Tries the exact two-sided p-value for sizes n1, n2 (gcd g) and statistic d, as SciPy's
 * `_attempt_exact_2kssamp(n1, n2, g, d, 'two-sided')`.
 */
export function attemptExactTwoSided(n1: number, n2: number, g: number, d: number): ExactAttempt {
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const statistic = h / lcm;
  if (h === 0) {
    return { success: true, statistic, pValue: 1 };
  }
  const pValue = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInsideMethod(n1, n2, g, h);
  return { success: pValue >= 0 && pValue <= 1, statistic, pValue };
}
