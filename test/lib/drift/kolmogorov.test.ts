import * as fs from 'node:fs';
import * as path from 'node:path';
import { kolmogorovSf } from '../../../lib/drift/private/kolmogorov';

interface SfCase { readonly n: number; readonly d: number; readonly sf: number }
const reference = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/drift/scipy-reference.json'), 'utf8')) as { scipyVersion: string; kstwoSf: SfCase[] };

describe(`kolmogorovSf against scipy.stats.kstwo.sf (SciPy ${reference.scipyVersion})`, () => {
  // The grid reaches every branch of SciPy's _kolmogn: Ruben-Gambino ends, Durbin matrix,
  // Pomeranz, Pelz-Good and 2 * smirnov, for n from 1 to 2e6.
  test.each(reference.kstwoSf.map((c) => [c.n, c.d, c.sf] as const))('n=%d d=%d', (n, d, sf) => {
    expect(Math.abs(kolmogorovSf(n, d) - sf)).toBeLessThanOrEqual(1e-9 * sf + 1e-300);
  });
});

describe('kolmogorovSf properties', () => {
  test.each([
    [10, 0], [10, -1], [10, 1], [10, 2], [10, 0.05 - 1e-12],
  ])('n=%d x=%d is at the end of the support', (n, x) => {
    expect(kolmogorovSf(n, x)).toBe(x >= 1 ? 0 : 1);
  });

  test.each([[0, 0.5], [2.5, 0.5], [-1, 0.5], [3, NaN]])('n=%d x=%d is NaN', (n, x) => {
    expect(kolmogorovSf(n, x)).toBeNaN();
  });

  test.each([7, 150, 5000, 120000])('is non-increasing in x for n=%d', (n) => {
    let previous = 1;
    for (let k = 1; k < 100; k++) {
      const p = kolmogorovSf(n, k / 100);
      expect(p).toBeLessThanOrEqual(previous + 1e-12);
      previous = p;
    }
  });
});
