/**
 * Special functions for the drift p-values: log-gamma, the regularized incomplete gamma
 * functions and the chi-square survival function built on them.
 *
 * The incomplete gamma functions follow Numerical Recipes (3rd ed., section 6.2) and
 * Cephes `igam.c`: the power series for P(a, x) when x < a + 1, Lentz's continued
 * fraction for Q(a, x) otherwise. The common factor x^a e^-x / Gamma(a) is computed in
 * logs, and for a >= 15 as a * (log1p(u) - u) + Stirling terms with u = (x - a) / a, so
 * that large degrees of freedom do not lose digits to cancelling a*ln(x) against lnGamma(a).
 */

// Module-level aliases: inside Jest's vm contexts every global lookup (Math, Infinity)
// goes through an interceptor and costs ~100x a local one in hot loops.
const { abs, exp, log, log1p, max, min, sin, PI } = Math;

const LN_SQRT_2PI = 0.91893853320467274178;
const EPSILON = Number.EPSILON;
const TINY = 1e-300;
const MAX_ITERATIONS = 100000;

/** Lanczos coefficients, g = 7, n = 9 (Godfrey). */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** Natural log of Gamma(x) for x > 0 (Lanczos approximation; reflection below 0.5). */
export function lnGamma(x: number): number {
  if (x < 0.5) {
    // Gamma(x) Gamma(1 - x) = pi / sin(pi x), for 0 < x < 0.5.
    return log(PI / sin(PI * x)) - lnGamma(1 - x);
  }
  const y = x - 1;
  let a = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) {
    a += LANCZOS[i]! / (y + i);
  }
  const t = y + 7.5;
  return LN_SQRT_2PI + (y + 0.5) * log(t) - t + log(a);
}

/**
 * lnGamma(a) - ((a - 0.5) ln a - a + ln sqrt(2 pi)), the remainder of Stirling's formula,
 * by its asymptotic series (a >= 15: the first omitted term is below 1e-17).
 */
function stirlingRemainder(a: number): number {
  const r = 1 / (a * a);
  return (1 / 12 - r * (1 / 360 - r * (1 / 1260 - r * (1 / 1680 - r * (1 / 1188 - r * (691 / 360360)))))) / a;
}

/** ln(x^a e^-x / Gamma(a)). */
function logGammaFactor(a: number, x: number): number {
  if (a < 15) {
    return a * log(x) - x - lnGamma(a);
  }
  const u = (x - a) / a;
  return a * (log1p(u) - u) + 0.5 * log(a) - LN_SQRT_2PI - stirlingRemainder(a);
}

/** P(a, x) by its power series; converges for all x, fast for x < a + 1. */
function lowerSeries(a: number, x: number): number {
  let ap = a;
  let term = 1 / a;
  let sum = term;
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (abs(term) < abs(sum) * EPSILON) {
      break;
    }
  }
  return sum * exp(logGammaFactor(a, x));
}

/** Q(a, x) by its continued fraction (modified Lentz); for x >= a + 1. */
function upperContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (abs(delta - 1) < EPSILON) {
      break;
    }
  }
  return exp(logGammaFactor(a, x)) * h;
}

/**
 * The regularized upper incomplete gamma function Q(a, x) = Gamma(a, x) / Gamma(a), as
 * `scipy.special.gammaincc(a, x)`; a > 0, x >= 0.
 */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) {
    return NaN;
  }
  if (x === 0) {
    return 1;
  }
  if (x === Infinity) {
    return 0;
  }
  if (x < a + 1) {
    return max(0, 1 - lowerSeries(a, x));
  }
  return min(1, upperContinuedFraction(a, x));
}

/** The chi-square survival function, as `scipy.stats.chi2.sf(x, dof)`; dof > 0. */
export function chiSquareSf(x: number, dof: number): number {
  if (!(dof > 0) || x !== x) {
    return NaN;
  }
  if (x <= 0) {
    return 1;
  }
  return gammaQ(dof / 2, x / 2);
}

/** x * 2^e without overflowing or underflowing the power of two on its own. */
export function ldexp(x: number, e: number): number {
  let v = x;
  let k = e;
  while (k > 1000) {
    v *= 2 ** 1000;
    k -= 1000;
  }
  while (k < -1000) {
    v *= 2 ** -1000;
    k += 1000;
  }
  return v * 2 ** k;
}

/** Clips a probability to [0, 1]; NaN stays NaN. */
export function clipProbability(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}
