import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCode } from '../../../lib/errors';
import { lInfinityDistance } from '../../../lib/drift';
import { errorOf } from '../../support/errors';

interface DistanceCase { readonly name: string; readonly p: number[]; readonly q: number[]; readonly distance: number }
const reference = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/drift/scipy-reference.json'), 'utf8')) as {
  scipyVersion: string; lInfinity: DistanceCase[];
};

describe(`lInfinityDistance against scipy.spatial.distance.chebyshev of normalised inputs (SciPy ${reference.scipyVersion})`, () => {
  test.each(reference.lInfinity.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(Math.abs(lInfinityDistance(c.p, c.q) - c.distance)).toBeLessThanOrEqual(Math.max(1e-9 * c.distance, 1e-12));
  });
});

describe('lInfinityDistance properties', () => {
  test('is symmetric, 0 on itself and 1 on disjoint supports', () => {
    expect(lInfinityDistance([1, 5, 2], [4, 0, 4])).toBe(lInfinityDistance([4, 0, 4], [1, 5, 2]));
    expect(lInfinityDistance([1, 5, 2], [2, 10, 4])).toBe(0);
    expect(lInfinityDistance([1, 0], [0, 1])).toBe(1);
  });

  test('fails on different lengths', () => {
    const e = errorOf(() => lInfinityDistance([1, 2], [1]));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toContain('p and q must have the same length, got 2 and 1');
  });
});
