/**
 * The first Wasserstein (earth mover's) distance between two one-dimensional empirical
 * distributions, agreeing with `scipy.stats.wasserstein_distance`.
 */
import { sortFloat64 } from './private/sort';
import { CompensatedSum } from './private/summation';
import { requireSameLength, toMasses, toSample } from './private/validate';

// Module-level aliases: inside Jest's vm contexts every global lookup (Math, Infinity)
// goes through an interceptor and costs ~100x a local one in hot loops.
const { abs, min } = Math;

/** Values sorted ascending with their weights (null weights: all equal). */
interface SortedDistribution {
  readonly values: Float64Array;
  readonly weights: Float64Array | null;
  readonly total: number;
}

function sortedDistribution(name: string, values: ArrayLike<number>, weights: ArrayLike<number> | undefined): SortedDistribution {
  const raw = toSample(name, values, false);
  if (weights === undefined) {
    return { values: sortFloat64(raw), weights: null, total: raw.length };
  }
  const weightsName = `${name}Weights`;
  requireSameLength(name, values, weightsName, weights);
  const { masses, total } = toMasses(weightsName, weights);
  const order = new Uint32Array(raw.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((p, q) => raw[p]! - raw[q]!);
  const sortedValues = new Float64Array(raw.length);
  const sortedWeights = new Float64Array(raw.length);
  for (let i = 0; i < order.length; i++) {
    sortedValues[i] = raw[order[i]!]!;
    sortedWeights[i] = masses[order[i]!]!;
  }
  return { values: sortedValues, weights: sortedWeights, total };
}

/**
 * Walks past every copy of `v` in a sorted distribution from index `i`, adding their
 * weights to `cumulative`. Returns the new index and cumulative weight.
 */
function stepPast(d: SortedDistribution, i: number, cumulative: number, v: number): [number, number] {
  let k = i;
  let c = cumulative;
  while (k < d.values.length && d.values[k]! <= v) {
    c += d.weights === null ? 1 : d.weights[k]!;
    k++;
  }
  return [k, c];
}

/**
 * First Wasserstein distance between the distributions of `u` and `v`:
 * the integral of |U(x) - V(x)| dx over their (weighted) empirical CDFs.
 *
 * Matches `scipy.stats.wasserstein_distance(u, v, uWeights, vWeights)`. Weights need not
 * sum to 1 (each side is normalised by its own total) and may contain zeros. The result
 * is in the units of the values; it is 0 for identical distributions.
 *
 * @param u values of the first distribution
 * @param v values of the second distribution
 * @param uWeights weights of `u`, same length; default all equal
 * @param vWeights weights of `v`, same length; default all equal
 * @throws SovereignMlError `INVALID_PROPS` when a sample is empty or not finite, or weights
 *   have the wrong length, are negative or not finite, or sum to 0
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.wasserstein_distance.html
 */
export function wassersteinDistance(
  u: ArrayLike<number>, v: ArrayLike<number>, uWeights?: ArrayLike<number>, vWeights?: ArrayLike<number>,
): number {
  const du = sortedDistribution('u', u, uWeights);
  const dv = sortedDistribution('v', v, vWeights);
  const nu = du.values.length;
  const nv = dv.values.length;
  let i = 0;
  let j = 0;
  let cu = 0;
  let cv = 0;
  const sum = new CompensatedSum();
  let current = min(du.values[0]!, dv.values[0]!);
  while (i < nu || j < nv) {
    [i, cu] = stepPast(du, i, cu, current);
    [j, cv] = stepPast(dv, j, cv, current);
    if (i === nu && j === nv) break;
    const next = i === nu ? dv.values[j]! : j === nv ? du.values[i]! : min(du.values[i]!, dv.values[j]!);
    sum.add(abs(cu / du.total - cv / dv.total) * (next - current));
    current = next;
  }
  return sum.value;
}
