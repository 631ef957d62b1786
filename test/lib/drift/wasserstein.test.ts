import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCode } from '../../../lib/errors';
import { wassersteinDistance } from '../../../lib/drift';
import { errorOf } from '../../support/errors';

interface WassersteinCase {
  readonly name: string;
  readonly u: number[];
  readonly v: number[];
  readonly uWeights?: number[];
  readonly vWeights?: number[];
  readonly distance: number;
}
const reference = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/drift/scipy-reference.json'), 'utf8')) as {
  scipyVersion: string; wasserstein: WassersteinCase[];
};

describe(`wassersteinDistance against scipy.stats.wasserstein_distance (SciPy ${reference.scipyVersion})`, () => {
  test.each(reference.wasserstein.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const d = wassersteinDistance(c.u, c.v, c.uWeights, c.vWeights);
    expect(Math.abs(d - c.distance)).toBeLessThanOrEqual(Math.max(1e-9 * c.distance, 1e-12));
  });
});

describe('wassersteinDistance properties', () => {
  const u = Array.from({ length: 5000 }, (_, i) => Math.cos(i * 0.37) * 3);
  const v = Array.from({ length: 7000 }, (_, i) => Math.sin(i * 0.11) * 2 + 0.5);

  test('is symmetric', () => {
    expect(wassersteinDistance(u, v)).toBeCloseTo(wassersteinDistance(v, u), 12);
  });

  test('equals the shift for a translated sample', () => {
    expect(wassersteinDistance(u, u.map((x) => x + 1.25))).toBeCloseTo(1.25, 12);
  });

  test('equal weights are the same as no weights', () => {
    expect(wassersteinDistance(u, v, u.map(() => 2), v.map(() => 0.5))).toBeCloseTo(wassersteinDistance(u, v), 12);
  });

  test('is 0 for the same values in another order', () => {
    expect(wassersteinDistance(u, [...u].reverse())).toBe(0);
  });
});

describe('wassersteinDistance input errors', () => {
  test.each([
    ['an empty sample', () => wassersteinDistance([], [1]), 'u must contain at least one value'],
    ['NaN', () => wassersteinDistance([1], [NaN]), 'v[0] must be a finite number, got NaN'],
    ['weights of the wrong length', () => wassersteinDistance([1, 2], [1], [1]), 'u and uWeights must have the same length, got 2 and 1'],
    ['a negative weight', () => wassersteinDistance([1], [1, 2], undefined, [1, -1]), 'vWeights[1] must be a finite number >= 0, got -1'],
    ['weights summing to 0', () => wassersteinDistance([1], [1], [0]), 'uWeights must have a positive finite sum, got 0'],
  ])('fails on %s', (_what, fn, phrase) => {
    const e = errorOf(fn);
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toContain(phrase);
  });
});
