import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCode } from '../../../lib/errors';
import { jensenShannonDistance } from '../../../lib/drift';
import { errorOf } from '../../support/errors';

interface JsCase {
  readonly name: string;
  readonly p: number[];
  readonly q: number[];
  readonly base?: number;
  /** SciPy's value; null where SciPy returns NaN. */
  readonly distance: number | null;
  /** The value in 60-digit decimal arithmetic on the same double inputs. */
  readonly exact: number;
  /** Whether SciPy's double-precision value agrees with `exact` to 1e-9. */
  readonly scipyAccurate: boolean;
}
const reference = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/drift/scipy-reference.json'), 'utf8')) as {
  scipyVersion: string; jensenShannon: JsCase[];
};

const cases = reference.jensenShannon.map((c) => [c.name, c] as const);

describe(`jensenShannonDistance against scipy.spatial.distance.jensenshannon (SciPy ${reference.scipyVersion})`, () => {
  test.each(cases.filter(([, c]) => c.scipyAccurate))('%s', (_name, c) => {
    const d = jensenShannonDistance(c.p, c.q, c.base);
    expect(Math.abs(d - c.distance!)).toBeLessThanOrEqual(Math.max(1e-9 * c.distance!, 1e-12));
  });

  // Where SciPy's sum is all rounding (nearly identical inputs: SciPy is off by 3e-4
  // relative, or returns NaN), the reference is the 60-digit decimal value.
  test.each(cases)('%s against the high-precision value', (_name, c) => {
    const d = jensenShannonDistance(c.p, c.q, c.base);
    expect(Math.abs(d - c.exact)).toBeLessThanOrEqual(Math.max(1e-12 * c.exact, 1e-15));
  });

  test('the reference includes cases where SciPy loses accuracy', () => {
    expect(cases.filter(([, c]) => !c.scipyAccurate).length).toBeGreaterThan(0);
  });
});

describe('jensenShannonDistance properties', () => {
  const p = [3, 0, 7, 1, 9];
  const q = [1, 4, 4, 0, 2];

  test('is 0 for a distribution and itself, and for scaled copies', () => {
    expect(jensenShannonDistance(p, p)).toBe(0);
    expect(jensenShannonDistance(p, p.map((x) => x * 3.5))).toBe(0);
  });

  test('is symmetric', () => {
    expect(jensenShannonDistance(p, q)).toBeCloseTo(jensenShannonDistance(q, p), 15);
  });

  test('is at most 1 in base 2, reached by disjoint supports', () => {
    expect(jensenShannonDistance([1, 0], [0, 1], 2)).toBeCloseTo(1, 15);
    expect(jensenShannonDistance(p, q, 2)).toBeLessThan(1);
  });

  test('changing the base rescales by sqrt(ln base)', () => {
    expect(jensenShannonDistance(p, q, 2)).toBeCloseTo(jensenShannonDistance(p, q) / Math.sqrt(Math.LN2), 14);
  });
});

describe('jensenShannonDistance input errors', () => {
  test.each([
    ['different lengths', () => jensenShannonDistance([1, 2], [1]), 'p and q must have the same length, got 2 and 1'],
    ['a negative value', () => jensenShannonDistance([1, -1], [1, 1]), 'p[1] must be a finite number >= 0, got -1'],
    ['an all-zero side', () => jensenShannonDistance([1, 1], [0, 0]), 'q must have a positive finite sum, got 0'],
    ['base 1', () => jensenShannonDistance([1], [1], 1), 'base must be a positive finite number other than 1, got 1'],
  ])('fails on %s', (_what, fn, phrase) => {
    const e = errorOf(fn);
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toContain(phrase);
  });
});
