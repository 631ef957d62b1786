import { sortFloat64 } from '../../../lib/drift/private/sort';

/** Deterministic doubles of every kind: signs, magnitudes, ties, zeros, infinities, subnormals. */
function mixed(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const out = new Float64Array(n);
  const specials = [0, -0, Infinity, -Infinity, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1];
  for (let i = 0; i < n; i++) {
    const u = next();
    if (u < 0.05) out[i] = specials[Math.floor(next() * specials.length)]!;
    else if (u < 0.3) out[i] = Math.floor(next() * 20) - 10;
    else out[i] = (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20);
  }
  return out;
}

describe('sortFloat64 agrees with the built-in comparison sort', () => {
  test.each([0, 1, 17, 4095, 4096, 50000, 300001])('%d values', (n) => {
    const values = mixed(n, n + 1);
    const expected = values.slice().sort();
    const actual = sortFloat64(values);
    expect(actual).toBe(values);
    // Compare numerically; -0 and +0 may come in either order among themselves.
    for (let i = 0; i < n; i++) {
      if (actual[i] !== expected[i]) throw new Error(`differs at ${i}: ${actual[i]} vs ${expected[i]}`);
    }
  });

  test('keys whose low bits are all equal skip passes and stay correct', () => {
    const values = Float64Array.from({ length: 10000 }, (_, i) => ((i * 7919) % 10000) - 5000);
    expect(Array.from(sortFloat64(values))).toEqual(Array.from({ length: 10000 }, (_, i) => i - 5000));
  });

  test('works on a view into a larger buffer', () => {
    const buffer = mixed(20000, 3);
    const view = buffer.subarray(5000, 15000);
    const expected = view.slice().sort();
    sortFloat64(view);
    expect(Array.from(view)).toEqual(Array.from(expected));
  });
});
