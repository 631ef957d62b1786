import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCode } from '../../../lib/errors';
import { psi, psiFromCounts } from '../../../lib/drift';
import { errorOf } from '../../support/errors';

interface PsiCase {
  readonly name: string;
  readonly reference: number[];
  readonly current: number[];
  readonly bins?: number;
  readonly edges?: number[];
  readonly epsilon?: number;
  readonly psi: number;
}
interface PsiCountsCase { readonly name: string; readonly expected: number[]; readonly actual: number[]; readonly epsilon?: number; readonly psi: number }

// PSI is not in SciPy: the reference values come from a numpy transcription of the
// published formula in make_reference.py (numpy.quantile edges, searchsorted bins).
const reference = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/drift/scipy-reference.json'), 'utf8')) as {
  numpyVersion: string; psi: PsiCase[]; psiFromCounts: PsiCountsCase[];
};

const close = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(1e-9 * Math.abs(expected), 1e-12));

describe(`psi against the numpy reference (numpy ${reference.numpyVersion})`, () => {
  test.each(reference.psi.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    close(psi(c.reference, c.current, { bins: c.bins, edges: c.edges, epsilon: c.epsilon }), c.psi);
  });

  test.each(reference.psiFromCounts.map((c) => [c.name, c] as const))('psiFromCounts %s', (_name, c) => {
    close(psiFromCounts(c.expected, c.actual, c.epsilon), c.psi);
  });
});

describe('psi properties', () => {
  const ref = Array.from({ length: 300 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
  const cur = ref.map((x) => x * 1.3 + 0.1);

  test('is 0 for the same sample', () => {
    expect(psi(ref, ref)).toBe(0);
    expect(psiFromCounts([1, 2, 3], [10, 20, 30])).toBe(0);
  });

  test('is symmetric in the proportions for fixed edges', () => {
    const edges = [-0.5, 0, 0.5];
    expect(psi(ref, cur, { edges })).toBeCloseTo(psi(cur, ref, { edges }), 12);
  });

  test('is non-negative', () => {
    expect(psi(ref, cur)).toBeGreaterThan(0);
    expect(psiFromCounts([5, 0, 5], [0, 5, 5])).toBeGreaterThan(0);
  });

  test('duplicate and unsorted edges are the same as sorted distinct ones', () => {
    expect(psi(ref, cur, { edges: [0.5, -0.2, 0.5, 0.1] })).toBe(psi(ref, cur, { edges: [-0.2, 0.1, 0.5] }));
  });
});

describe('psi input errors', () => {
  test.each([
    ['an empty reference', () => psi([], [1]), 'reference must contain at least one value'],
    ['an infinite value', () => psi([1, 2], [Infinity]), 'current[0] must be a finite number, got Infinity'],
    ['one bin', () => psi([1, 2], [1], { bins: 1 }), 'options.bins'],
    ['a non-finite edge', () => psi([1, 2], [1], { edges: [NaN] }), 'options.edges[0]'],
    ['a zero epsilon', () => psiFromCounts([1], [1], 0), 'epsilon must be a number in (0, 1], got 0'],
    ['different lengths', () => psiFromCounts([1, 2], [1]), 'expected and actual must have the same length, got 2 and 1'],
    ['a negative count', () => psiFromCounts([1, -2], [1, 1]), 'expected[1] must be a finite number >= 0, got -2'],
    ['no counts', () => psiFromCounts([1, 2], [0, 0]), 'actual must have a positive finite sum, got 0'],
  ])('fails on %s', (_what, fn, phrase) => {
    const e = errorOf(fn);
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toContain(phrase);
  });
});
