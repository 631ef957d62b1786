import * as fs from 'node:fs';
import * as path from 'node:path';
import { smirnovSf } from '../../../lib/drift/private/smirnov';

interface SfCase { readonly n: number; readonly d: number; readonly sf: number }
const reference = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/drift/scipy-reference.json'), 'utf8')) as { scipyVersion: string; smirnov: SfCase[] };

describe(`smirnovSf against scipy.special.smirnov (SciPy ${reference.scipyVersion})`, () => {
  test.each(reference.smirnov.map((c) => [c.n, c.d, c.sf] as const))('n=%d d=%d', (n, d, sf) => {
    expect(Math.abs(smirnovSf(n, d) - sf)).toBeLessThanOrEqual(1e-9 * sf + 1e-300);
  });
});

describe('smirnovSf closed forms', () => {
  test.each([
    // n = 1: Pr(D+ >= x) = 1 - x.
    [1, 0.3, 0.7],
    // x >= 1 - 1/n: (1 - x)^n.
    [4, 0.8, 0.2 ** 4],
    // Pr(D+_2 >= x) = (1 - x)^2 + 2x(1 - x)... for 1/2 <= x: (1 - x)^2.
    [2, 0.6, 0.4 ** 2],
    [5, 0, 1],
    [5, 1, 0],
  ])('n=%d x=%d', (n, x, expected) => {
    expect(smirnovSf(n, x)).toBeCloseTo(expected, 15);
  });

  test.each([[0, 0.5], [3, -0.1], [3, 1.1], [3, NaN]])('n=%d x=%d is NaN', (n, x) => {
    expect(smirnovSf(n, x)).toBeNaN();
  });
});
