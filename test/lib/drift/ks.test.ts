import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCode } from '../../../lib/errors';
import { ksTwoSample, type KsMethod } from '../../../lib/drift';
import { errorOf } from '../../support/errors';

/** A sample described by the reference script instead of stored: shift + scale * mulberry32 uniforms. */
interface Generated { readonly seed: number; readonly n: number; readonly shift?: number; readonly scale?: number }
interface KsCase {
  readonly name: string;
  readonly method: KsMethod;
  readonly methodUsed: 'exact' | 'asymp';
  readonly statistic: number;
  /** null where SciPy returns NaN. */
  readonly pValue: number | null;
  readonly a?: number[];
  readonly b?: number[];
  readonly genA?: Generated;
  readonly genB?: Generated;
}

const reference = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/drift/scipy-reference.json'), 'utf8')) as { scipyVersion: string; ks: KsCase[] };

/** mulberry32 (Tommy Ettinger) uniforms as uint32 / 2^32, as in make_reference.py. */
function mulberry32(seed: number, n: number): Float64Array {
  let a = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t = (t + Math.imul(t ^ (t >>> 7), t | 61)) ^ t;
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return out;
}

function generate(g: Generated): Float64Array {
  const shift = g.shift ?? 0;
  const scale = g.scale ?? 1;
  return mulberry32(g.seed, g.n).map((u) => shift + scale * u);
}

function sample(values: number[] | undefined, g: Generated | undefined): ArrayLike<number> {
  if (values) return values;
  if (g) return generate(g);
  throw new Error('reference case without a sample');
}

describe(`ksTwoSample against scipy.stats.ks_2samp (SciPy ${reference.scipyVersion})`, () => {
  test.each(reference.ks.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = ksTwoSample(sample(c.a, c.genA), sample(c.b, c.genB), { method: c.method });
    expect(result.method).toBe(c.methodUsed);
    expect(Math.abs(result.statistic - c.statistic)).toBeLessThanOrEqual(Math.max(1e-9 * c.statistic, 1e-12));
    if (c.pValue === null) {
      expect(result.pValue).toBeNaN();
    } else {
      expect(Math.abs(result.pValue - c.pValue)).toBeLessThanOrEqual(1e-6 * c.pValue);
    }
  });

  test('the reference covers exact, asymp, the auto switch and the exact fallback', () => {
    const used = (pred: (c: KsCase) => boolean) => reference.ks.filter(pred).length;
    expect(used((c) => c.method === 'auto' && c.methodUsed === 'exact')).toBeGreaterThan(50);
    expect(used((c) => c.method === 'auto' && c.methodUsed === 'asymp' && (c.genA?.n ?? 0) > 10000)).toBeGreaterThan(0);
    expect(used((c) => c.method !== 'asymp' && c.methodUsed === 'asymp' && !c.genA)).toBeGreaterThan(0);
  });
});

describe('ksTwoSample properties', () => {
  const rng = mulberry32(2024, 400);
  const a = Array.from(rng.subarray(0, 150), (u) => Math.round(u * 40) / 4);
  const b = Array.from(rng.subarray(150), (u) => Math.round(u * 44) / 4);

  test.each<KsMethod>(['auto', 'exact', 'asymp'])('is symmetric in its arguments (%s)', (method) => {
    expect(ksTwoSample(a, b, { method })).toEqual(ksTwoSample(b, a, { method }));
  });

  test('is invariant under a strictly increasing transform', () => {
    const f = (x: number) => Math.exp(x / 3) - 7;
    expect(ksTwoSample(a.map(f), b.map(f))).toEqual(ksTwoSample(a, b));
  });

  test('does not depend on the order of the values', () => {
    expect(ksTwoSample([...a].reverse(), b)).toEqual(ksTwoSample(a, b));
  });

  test('accepts typed arrays and infinities without modifying the input', () => {
    const x = new Float64Array([3, -Infinity, 1, Infinity, 2]);
    const copy = x.slice();
    expect(ksTwoSample(x, [0.5, 1.5, 2.5]).statistic).toBeCloseTo(0.4, 15);
    expect(x).toEqual(copy);
  });

  test('the statistic of identical samples is 0 with p-value 1', () => {
    expect(ksTwoSample(a, a)).toEqual({ statistic: 0, pValue: 1, method: 'exact' });
  });

  test('treats -0 and +0 as ties', () => {
    expect(ksTwoSample([-0, 1], [0, 1]).statistic).toBe(0);
  });
});

describe('ksTwoSample input errors', () => {
  test.each([
    ['an empty first sample', () => ksTwoSample([], [1]), 'a must contain at least one value'],
    ['an empty second sample', () => ksTwoSample([1], []), 'b must contain at least one value'],
    ['NaN', () => ksTwoSample([1, NaN], [1]), 'a[1] must be a number (not NaN), got NaN'],
    ['an unknown method', () => ksTwoSample([1], [2], { method: 'fast' as KsMethod }), 'options.method'],
  ])('fails on %s', (_what, fn, phrase) => {
    const e = errorOf(fn);
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toContain(phrase);
  });
});
