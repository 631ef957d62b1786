/**
 * Simple distances between discrete distributions given as counts or probabilities.
 */
import { requireSameLength, toMasses } from './private/validate';

/**
 * L-infinity (Chebyshev) distance between two discrete distributions:
 * max_i |p_i - q_i| after normalising each side by its sum.
 *
 * Equals `scipy.spatial.distance.chebyshev(p / sum(p), q / sum(q))`; it lies in [0, 1],
 * 0 for identical distributions.
 *
 * @param p counts or probabilities of the first distribution
 * @param q counts or probabilities of the second distribution, same length
 * @throws SovereignMlError `INVALID_PROPS` when the lengths differ, a value is negative or
 *   not finite, or a side sums to 0
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.spatial.distance.chebyshev.html
 */
export function lInfinityDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const pm = toMasses('p', p);
  const qm = toMasses('q', q);
  requireSameLength('p', p, 'q', q);
  let max = 0;
  for (let i = 0; i < pm.masses.length; i++) {
    const d = Math.abs(pm.masses[i]! / pm.total - qm.masses[i]! / qm.total);
    if (d > max) max = d;
  }
  return max;
}
