import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCode } from '../../../lib/errors';
import { chiSquareTest } from '../../../lib/drift';
import { errorOf } from '../../support/errors';

interface ChiCase {
  readonly name: string;
  readonly a: number[];
  readonly b: number[];
  readonly statistic: number;
  readonly pValue: number;
  readonly dof: number;
  /** SciPy's error on the table before empty categories were dropped, if any. */
  readonly scipyOnFullTable?: string;
}
const reference = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/drift/scipy-reference.json'), 'utf8')) as {
  scipyVersion: string; chiSquare: ChiCase[];
};

describe(`chiSquareTest against scipy.stats.chi2_contingency(correction=False) (SciPy ${reference.scipyVersion})`, () => {
  test.each(reference.chiSquare.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = chiSquareTest(c.a, c.b);
    expect(r.dof).toBe(c.dof);
    expect(Math.abs(r.statistic - c.statistic)).toBeLessThanOrEqual(Math.max(1e-9 * c.statistic, 1e-12));
    expect(Math.abs(r.pValue - c.pValue)).toBeLessThanOrEqual(1e-6 * c.pValue);
  });

  test('categories empty in both samples are dropped where SciPy raises', () => {
    const dropped = reference.chiSquare.filter((c) => c.scipyOnFullTable !== undefined);
    expect(dropped.length).toBeGreaterThan(0);
    for (const c of dropped) {
      expect(c.scipyOnFullTable).toContain('expected frequencies has a zero element');
    }
  });
});

describe('chiSquareTest properties', () => {
  test('is symmetric in its arguments', () => {
    expect(chiSquareTest([3, 9, 4], [7, 2, 8])).toEqual(chiSquareTest([7, 2, 8], [3, 9, 4]));
  });

  test('proportional counts give statistic 0 and p-value 1', () => {
    const r = chiSquareTest([1, 2, 3], [100, 200, 300]);
    expect(r.statistic).toBeCloseTo(0, 12);
    expect(r.pValue).toBeCloseTo(1, 12);
  });
});

describe('chiSquareTest input errors', () => {
  test.each([
    ['different lengths', () => chiSquareTest([1, 2], [1]), 'observedA and observedB must have the same length, got 2 and 1'],
    ['a negative count', () => chiSquareTest([1, 2], [1, -3]), 'observedB[1] must be a finite number >= 0, got -3'],
    ['an empty sample', () => chiSquareTest([0, 0], [1, 3]), 'observedA must have a positive finite sum, got 0'],
  ])('fails on %s', (_what, fn, phrase) => {
    const e = errorOf(fn);
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toContain(phrase);
  });
});
