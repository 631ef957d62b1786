/**
 * Pearson's chi-square test of homogeneity for two samples of a categorical feature,
 * agreeing with `scipy.stats.chi2_contingency([a, b], correction=False)`.
 */
import { chiSquareSf } from './private/special';
import { CompensatedSum } from './private/summation';
import { requireSameLength, toMasses } from './private/validate';

/** Result of {@link chiSquareTest}. */
export interface ChiSquareResult {
  /** Pearson's statistic, sum over cells of (observed - expected)^2 / expected. */
  readonly statistic: number;
  /** Pr(chi2(dof) >= statistic), the regularized upper incomplete gamma Q(dof/2, statistic/2). */
  readonly pValue: number;
  /** Degrees of freedom: the number of categories kept, minus 1. */
  readonly dof: number;
}

/**
 * Chi-square test of whether two vectors of category counts come from the same
 * categorical distribution (the 2 x k contingency table [observedA, observedB]).
 *
 * Matches `scipy.stats.chi2_contingency([observedA, observedB], correction=False)` with
 * one deliberate difference: a category that is empty in both samples is dropped first
 * (it carries no evidence), where SciPy raises "The internally computed table of expected
 * frequencies has a zero element". When fewer than two categories remain, the test is
 * degenerate and returns statistic 0, p-value 1, dof 0, as SciPy does for a table with one
 * column. Counts may be non-integer (e.g. weighted counts). Without Yates' correction,
 * which SciPy applies only when dof = 1 and `correction=True`.
 *
 * @param observedA counts per category in the first sample (e.g. the baseline)
 * @param observedB counts per category in the second sample, same categories and order
 * @throws SovereignMlError `INVALID_PROPS` when the lengths differ, a count is negative or
 *   not finite, or a sample has no counts at all
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.chi2_contingency.html
 */
export function chiSquareTest(observedA: ArrayLike<number>, observedB: ArrayLike<number>): ChiSquareResult {
  const a = toMasses('observedA', observedA);
  const b = toMasses('observedB', observedB);
  requireSameLength('observedA', observedA, 'observedB', observedB);
  const total = a.total + b.total;
  let kept = 0;
  const statistic = new CompensatedSum();
  for (let i = 0; i < a.masses.length; i++) {
    const oa = a.masses[i]!;
    const ob = b.masses[i]!;
    const column = oa + ob;
    if (column === 0) continue;
    kept++;
    const ea = (a.total * column) / total;
    const eb = (b.total * column) / total;
    statistic.add((oa - ea) ** 2 / ea);
    statistic.add((ob - eb) ** 2 / eb);
  }
  const dof = kept - 1;
  if (dof <= 0) {
    return { statistic: 0, pValue: 1, dof: 0 };
  }
  const value = statistic.value;
  return { statistic: value, pValue: chiSquareSf(value, dof), dof };
}
