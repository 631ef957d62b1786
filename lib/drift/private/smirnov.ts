/**
 * The one-sided Kolmogorov-Smirnov (Smirnov) survival function Pr(D+_n >= x), ported
 * from `smirnov` in SciPy's Cephes `kolmogorov.c` (van Mulbregt's rewrite, SciPy >= 1.2).
 *
 * Birnbaum and Tingey's sum, in its lower form
 *
 *     Pr(D+_n >= x) = x * sum_{v=0}^{floor(n(1-x))} C(n, v) (x + v/n)^(v-1) (1 - x - v/n)^(n-v)
 *
 * or, for small x and large n, in the upper form (three terms at most), with SciPy's
 * special cases (x <= 1/n, x >= 1 - 1/n, underflow, and its closed-form approximation
 * above n = 1e6) and its early stop once the remaining terms cannot change the sum.
 *
 * Where SciPy keeps each term in double-double arithmetic, this port evaluates the log
 * of each term in double precision (binomials carried as mantissa and exponent, and
 * x + v/n formed from the exact floor and remainder of n*x). The terms of the lower sum
 * are positive, so the result keeps about 1e-12 relative accuracy for n up to 1e6.
 */
import { CompensatedSum } from './summation';
import { clipProbability } from './special';

// Module-level aliases: inside Jest's vm contexts every global lookup (Math, Infinity)
// goes through an interceptor and costs ~100x a local one in hot loops.
const { abs, exp, expm1, floor, log, log1p, pow, sqrt, LN2 } = Math;
const EPSILON = Number.EPSILON;

/** ln(2^-1022), Cephes MINLOG. */
const MIN_LOG = -7.08396418532264106224e2;
const SMIRNOV_MAX_COMPUTE_N = 1000000;
const SM_UPPER_MAX_TERMS = 3;
const SM_UPPERSUM_MIN_N = 10;
const SPLITTER = 134217729; // 2^27 + 1

/** floor(n*x) and the remainder n*x - floor(n*x), from the exact product (Dekker). */
function floorAndRemainder(n: number, x: number): { readonly floor: number; readonly alpha: number; readonly nx: number } {
  const p = n * x;
  const nh = SPLITTER * n - (SPLITTER * n - n);
  const nl = n - nh;
  const xh = SPLITTER * x - (SPLITTER * x - x);
  const xl = x - xh;
  const err = ((nh * xh - p) + nh * xl + nl * xh) + nl * xl;
  let whole = floor(p);
  let alpha: number;
  if (whole === p) {
    const fe = floor(err);
    whole += fe;
    alpha = err - fe;
  } else {
    alpha = (p - whole) + err;
    if (alpha < 0) {
      whole -= 1;
      alpha += 1;
    } else if (alpha >= 1) {
      whole += 1;
      alpha -= 1;
    }
  }
  if (alpha === 1) {
    whole += 1;
    alpha = 0;
  }
  return { floor: whole, alpha, nx: p + err };
}

/** Pr(D+_n >= x), as `scipy.special.smirnov(n, x)`. */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) {
    return NaN;
  }
  if (n === 1) {
    return 1 - x;
  }
  if (x === 0) {
    return 1;
  }
  if (x === 1) {
    return 0;
  }
  const { floor: nxfl, alpha } = floorAndRemainder(n, x);
  let n1mxfl = n - nxfl - (alpha === 0 ? 0 : 1);
  let n1mxceil = n - nxfl;
  if (alpha === 0) {
    // n*x is an integer: the term at v = n(1 - x) vanishes; include it in neither sum.
    n1mxfl -= 1;
    n1mxceil += 1;
  }

  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) {
    // x <= 1/n: cdf = x (1 + x)^(n-1).
    return clipProbability(1 - x * exp((n - 1) * log1p(x)));
  }
  if (-2 * n * x * x < MIN_LOG) {
    return 0;
  }
  if (nxfl >= n - 1) {
    // x >= 1 - 1/n: sf = (1 - x)^n.
    return clipProbability(pow(1 - x, n));
  }
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    // SciPy's approximation p ~ exp(-(6nx + 1)^2 / 18n) for very large n.
    const logp = -pow(6 * n * x + 1, 2) / 18 / n;
    return clipProbability(logp < -LN2 ? exp(logp) : 1 + expm1(logp));
  }

  const nUpperTerms = n - n1mxceil + 1;
  const useUpperSum = (nUpperTerms <= 1 && x < 0.5)
    || (n >= SM_UPPERSUM_MIN_N && nUpperTerms <= SM_UPPER_MAX_TERMS && x <= 0.5 / sqrt(n));
  const start = useUpperSum ? n : 0;
  const step = useUpperSum ? -1 : 1;
  const nTerms = useUpperSum ? n - n1mxceil + 1 : n1mxfl + 1;
  const vmid = floor(n / 2);

  // C(n, j) = cMan * 2^cExp, rescaled to stay well inside the double range.
  let cMan = 1;
  let cExp = 0;
  const sum = new CompensatedSum();
  for (let j = 0; j < nTerms; j++) {
    const v = start + j * step;
    // 1 - x - v/n and x + v/n from the exact integer and fractional parts of n*x.
    const below = (n - v - nxfl - alpha) / n;
    const above = (v + nxfl + alpha) / n;
    const negative = below < 0 && (n - v) % 2 === 1;
    const logTerm = log(cMan) + cExp * LN2
      + (n - v === 0 ? 0 : (n - v) * log(abs(below)))
      + (v - 1 === 0 ? 0 : (v - 1) * log(above));
    const term = negative ? -exp(logTerm) : exp(logTerm);
    if (term - term === 0 && term !== 0) {
      sum.add(term);
    }
    if (term !== 0) {
      if (4 * (nTerms - j) * abs(term) < EPSILON * sum.value && j !== nTerms - 1) {
        break;
      }
    } else if (j > vmid) {
      break;
    }
    cMan *= (n - j) / (j + 1);
    if (cMan > 2 ** 500) {
      cMan *= 2 ** -500;
      cExp += 500;
    } else if (cMan < 2 ** -500) {
      cMan *= 2 ** 500;
      cExp -= 500;
    }
  }
  const prob = x * sum.value;
  return clipProbability(useUpperSum ? 1 - prob : prob);
}
