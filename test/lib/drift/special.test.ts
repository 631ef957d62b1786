import * as fs from 'node:fs';
import * as path from 'node:path';
import { chiSquareSf, gammaQ, ldexp, lnGamma } from '../../../lib/drift/private/special';

interface Reference {
  readonly scipyVersion: string;
  readonly chi2Sf: { readonly dof: number; readonly x: number; readonly sf: number }[];
  readonly lnGamma: { readonly x: number; readonly value: number }[];
  readonly gammaQ: { readonly a: number; readonly x: number; readonly q: number }[];
}
const reference = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/drift/scipy-reference.json'), 'utf8')) as Reference;

describe(`special functions against SciPy ${reference.scipyVersion}`, () => {
  test.each(reference.lnGamma.map((c) => [c.x, c.value] as const))('lnGamma(%d) = scipy.special.gammaln', (x, value) => {
    expect(Math.abs(lnGamma(x) - value)).toBeLessThanOrEqual(Math.max(1e-13 * Math.abs(value), 1e-14));
  });

  test.each(reference.gammaQ.map((c) => [c.a, c.x, c.q] as const))('gammaQ(%d, %d) = scipy.special.gammaincc', (a, x, q) => {
    expect(Math.abs(gammaQ(a, x) - q)).toBeLessThanOrEqual(1e-10 * q);
  });

  test.each(reference.chi2Sf.map((c) => [c.x, c.dof, c.sf] as const))('chiSquareSf(%d, dof %d) = scipy.stats.chi2.sf', (x, dof, sf) => {
    expect(Math.abs(chiSquareSf(x, dof) - sf)).toBeLessThanOrEqual(1e-10 * sf);
  });
});

describe('special function edge cases', () => {
  test('closed forms', () => {
    // chi2 with 2 dof is exponential with mean 2.
    expect(chiSquareSf(3, 2)).toBeCloseTo(Math.exp(-1.5), 15);
    expect(gammaQ(1, 0.7)).toBeCloseTo(Math.exp(-0.7), 15);
    expect(chiSquareSf(Infinity, 4)).toBe(0);
    expect(chiSquareSf(-1, 4)).toBe(1);
  });

  test.each([[0, 1], [-1, 1], [1, -1], [NaN, 1]])('gammaQ(%d, %d) is NaN', (a, x) => {
    expect(gammaQ(a, x)).toBeNaN();
  });

  test('ldexp does not overflow on the way', () => {
    expect(ldexp(2 ** -600, 1500)).toBe(2 ** 900);
    expect(ldexp(2 ** 600, -1500)).toBe(2 ** -900);
  });
});
