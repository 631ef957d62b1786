/**
 * The survival function of the two-sided one-sample Kolmogorov-Smirnov statistic D_n,
 * Pr(D_n >= x), ported from SciPy's `scipy/stats/_ksstats.py` (`_kolmogn` with
 * `cdf=False`, the `kstwo.sf` that `ks_2samp` uses for its asymptotic p-value).
 *
 * The choice of method follows Simard and L'Ecuyer (2011), as SciPy does:
 * Ruben-Gambino closed forms near the ends of the support; 2 * Smirnov when x >= 0.5 or
 * n x^2 is large; otherwise the Durbin matrix (Marsaglia-Tsang-Wang), the Pomeranz
 * recursion, or the Pelz-Good asymptotic series, by n and n x^2.
 *
 * References: Simard R, L'Ecuyer P (2011), J. Stat. Softw. 39(11); Marsaglia G, Tsang WW,
 * Wang J (2003), J. Stat. Softw. 8(18); Pomeranz J (1974), CACM 17(12); Pelz W, Good IJ
 * (1976), JRSS B 38(2).
 */
import { smirnovSf } from './smirnov';
import { clipProbability, ldexp } from './special';

// Module-level aliases: inside Jest's vm contexts every global lookup (Math, Infinity)
// goes through an interceptor and costs ~100x a local one in hot loops.
const { abs, ceil, exp, floor, log, max, min, sqrt, PI } = Math;

const E128 = 128;
const EP128 = 2 ** 128;
const EM128 = 2 ** -128;
const SQRT2PI = sqrt(2 * PI);
const LOG_2PI = log(2 * PI);
const MIN_LOG = -708;
const SQRT3 = sqrt(3);
const PI_SQUARED = PI ** 2;
const PI_FOUR = PI ** 4;
const PI_SIX = PI ** 6;

/** Stirling coefficients B_2j / (2j (2j - 1)) for j = 8..1 (highest power first). */
const STIRLING_COEFFS = [
  -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
  -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
];

/** log(n! / n^n) by Stirling's series, with n log n removed up front. */
function logNFactorialDivNPowN(n: number): number {
  const rn = 1 / n;
  const y = rn / n;
  let poly = 0;
  for (const c of STIRLING_COEFFS) {
    poly = poly * y + c;
  }
  return log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/** Row-major product of two m-by-m matrices. */
function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < m; j++) {
        out[i * m + j]! += aik * b[k * m + j]!;
      }
    }
  }
  return out;
}

/** Pr(D_n <= d) by the Durbin matrix algorithm as Marsaglia, Tsang and Wang compute it. */
function durbinMatrixCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;

  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    v[j - 1] = 1 - h ** j;
    w[j - 1] = fac;
    fac /= j;
    v[j - 1]! *= fac;
  }
  const tt = max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;

  let H = new Float64Array(m * m);
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) {
      H[r * m + i] = w[r - (i - 1)]!;
    }
  }
  for (let r = 0; r < m; r++) {
    H[r * m] = v[r]!;
  }
  for (let c = 0; c < m; c++) {
    H[(m - 1) * m + c] = v[m - 1 - c]!;
  }

  let power = new Float64Array(m * m);
  for (let i = 0; i < m; i++) power[i * m + i] = 1;
  let nn = n;
  let exponent = 0;
  let hExponent = 0;
  while (nn > 0) {
    if (nn % 2 === 1) {
      power = multiply(power, H, m);
      exponent += hExponent;
    }
    nn = floor(nn / 2);
    if (nn > 0) {
      H = multiply(H, H, m);
      hExponent *= 2;
      if (abs(H[(k - 1) * m + (k - 1)]!) > EP128) {
        for (let i = 0; i < H.length; i++) H[i]! /= EP128;
        hExponent += E128;
      }
    }
  }

  let p = power[(k - 1) * m + (k - 1)]!;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (abs(p) < EM128) {
      p *= EP128;
      exponent -= E128;
    }
  }
  return clipProbability(exponent === 0 ? p : ldexp(p, exponent));
}

/** Start and end (inclusive) of the non-zero part of row i in the Pomeranz recursion. */
function pomeranzRange(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [max(j1 + 2, 0), min(j2, n)];
}

/** Pr(D_n <= x) by the Pomeranz recursion. */
function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = floor(t);
  const f = t - ll;
  const g = min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = 1;
  twogpower[0] = 1;
  onem2gpower[0] = 1;
  const gOverN = g / n;
  const twoGOverN = (2 * g) / n;
  const oneMinusTwoGOverN = (1 - 2 * g) / n;
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = (gpower[m - 1]! * gOverN) / m;
    twogpower[m] = (twogpower[m - 1]! * twoGOverN) / m;
    onem2gpower[m] = (onem2gpower[m - 1]! * oneMinusTwoGOverN) / m;
  }

  let V0 = new Float64Array(npwrs);
  let V1 = new Float64Array(npwrs);
  V1[0] = 1;
  let V0s = 0;
  let V1s = 0;
  let exponent = 0;
  let [j1, j2] = pomeranzRange(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [V0s, V1s] = [V1s, V0s];
    V1.fill(0);
    [j1, j2] = pomeranzRange(i, n, ll, ceilf, roundf);
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 === 1 ? twogpower : onem2gpower;
    const ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      // The slice V0[k1 - V0s : k1 - V0s + ln2] convolved with pwrs[:ln2] (numpy slices
      // stop at the end of the array), entries conv_start .. conv_start + conv_len - 1.
      const aStart = k1 - V0s;
      const aLen = max(0, min(ln2, npwrs - aStart));
      const bLen = min(ln2, npwrs);
      const convStart = j1 - k1;
      const convLen = j2 - j1 + 1;
      let largest = 0;
      for (let c = 0; c < convLen; c++) {
        const idx = convStart + c;
        let s = 0;
        const lo = max(0, idx - bLen + 1);
        const hi = min(idx, aLen - 1);
        for (let r = lo; r <= hi; r++) {
          s += V0[aStart + r]! * pwrs[idx - r]!;
        }
        V1[c] = s;
        if (s > largest) largest = s;
      }
      if (largest > 0 && largest < EM128) {
        for (let c = 0; c < npwrs; c++) V1[c]! *= EP128;
        exponent -= E128;
      }
      V1s = V0s + j1 - k1;
    }
  }

  let ans = V1[n - V1s]!;
  for (let m = 1; m <= n; m++) {
    if (abs(ans) > EP128) {
      ans *= EM128;
      exponent += E128;
    }
    ans *= m;
  }
  return clipProbability(exponent === 0 ? ans : ldexp(ans, exponent));
}

/** Pr(D_n <= x) by the Pelz-Good approximation to the Li-Chien/Korolyuk expansion. */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = sqrt(n) * x;
  const z2 = z ** 2;
  const z3 = z ** 3;
  const z4 = z ** 4;
  const z6 = z ** 6;
  const qlog = -PI_SQUARED / 8 / z2;
  if (qlog < MIN_LOG) return 0;
  let q = exp(qlog);

  const k1a = -z2;
  const k1b = PI_SQUARED / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI_SQUARED) / 4;
  const k2c = (PI_FOUR * (1 - 2 * z2)) / 16;
  const k3d = (PI_SIX * (5 - 30 * z2)) / 64;
  const k3c = (PI_FOUR * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI_SQUARED * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;

  // Horner scheme over odd m = 2k - 1 for sum c_m q^(m^2).
  const K = [0, 0, 0, 0];
  const maxk = ceil((16 * z) / PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m ** 2;
    const m4 = m ** 4;
    const m6 = m ** 6;
    const qpower = q ** (8 * k);
    K[0] = K[0]! * qpower + 1;
    K[1] = K[1]! * qpower + (k1a + k1b * m2);
    K[2] = K[2]! * qpower + (k2a + k2b * m2 + k2c * m4);
    K[3] = K[3]! * qpower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) {
    K[i] = (K[i]! * q * SQRT2PI) / divisors[i]!;
  }

  // The terms over all integers k for K2 and K3.
  q = exp(-PI_SQUARED / 2 / z2);
  const sqrt3z = SQRT3 * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const k2 = k ** 2;
    const qk = q ** k2;
    const kpi = PI * k;
    k2extra += k2 * qk;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qk;
  }
  K[2]! += k2extra * ((PI_SQUARED * SQRT2PI) / (-36 * z3));
  K[3]! += k3extra * ((PI_SQUARED * SQRT2PI) / (216 * z6));
  let sum = 0;
  for (let i = 0; i < 4; i++) {
    sum += K[i]! / n ** (i / 2);
  }
  return sum;
}

/**
 * Pr(D_n >= x) for the two-sided one-sample KS statistic of a sample of size n, as
 * `scipy.stats.kstwo.sf(x, n)`. NaN when n is not a positive integer.
 */
export function kolmogorovSf(n: number, x: number): number {
  if (!(Number.isInteger(n) && n > 0) || x !== x) {
    return NaN;
  }
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    // Ruben-Gambino: 1/2n <= x <= 1/n.
    if (t <= 0.5) return 1;
    let prob: number;
    if (n <= 140) {
      prob = 1;
      const base = 2 * t - 1;
      for (let i = 1; i <= n; i++) {
        prob *= i * (1 / n) * base;
      }
    } else {
      prob = exp(logNFactorialDivNPowN(n) + n * log(2 * t - 1));
    }
    return clipProbability(1 - prob);
  }
  if (t >= n - 1) {
    // Ruben-Gambino.
    return clipProbability(2 * (1 - x) ** n);
  }
  if (x >= 0.5) {
    return clipProbability(2 * smirnovSf(n, x));
  }
  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 0.754693) {
      return clipProbability(1 - durbinMatrixCdf(n, x));
    }
    if (nxSquared <= 4) {
      return clipProbability(1 - pomeranzCdf(n, x));
    }
    return clipProbability(2 * smirnovSf(n, x));
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) {
    return clipProbability(2 * smirnovSf(n, x));
  }
  let cdf: number;
  if (nxSquared >= 18) {
    cdf = 1;
  } else if (n <= 100000 && n * x ** 1.5 <= 1.4) {
    cdf = durbinMatrixCdf(n, x);
  } else {
    cdf = pelzGoodCdf(n, x);
  }
  return clipProbability(1 - cdf);
}
