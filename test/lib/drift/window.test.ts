import { BaselineBuilder } from '../../../lib/drift/baseline-builder';
import { addHashedRow, addHashedValue, addValue, emptyWindow, mergeWindows, sampleValues, type NumericWindow } from '../../../lib/drift/window';
import { xorshift } from '../../../lib/drift/baseline-builder';

function baseline() {
  const b = new BaselineBuilder(['x', 'c'], { categorical: ['c'] });
  const r = xorshift(7);
  for (let i = 0; i < 500; i++) b.addRow([r() * 10, r() < 0.5 ? 'a' : 'b']);
  return b.build();
}

test('merging partial windows gives exactly the single-pass window', () => {
  const doc = baseline();
  const [fx, fc] = doc.features as [typeof doc.features[0], typeof doc.features[0]];
  const r = xorshift(99);
  const records = Array.from({ length: 5000 }, (_, i) => ({ key: `obj-${i % 7}:${i}`, x: r() < 0.01 ? null : r() * 12 - 1, c: ['a', 'b', 'z'][Math.floor(r() * 3)]! }));
  const single = { x: emptyWindow(fx), c: emptyWindow(fc) };
  for (const rec of records) {
    addValue(single.x, fx, rec.x, rec.key, 100);
    addValue(single.c, fc, rec.c, rec.key, 100);
  }
  const parts = [0, 1, 2].map(() => ({ x: emptyWindow(fx), c: emptyWindow(fc) }));
  records.forEach((rec, i) => {
    const p = parts[(i * 7919) % 3]!;
    addValue(p.x, fx, rec.x, rec.key, 100);
    addValue(p.c, fc, rec.c, rec.key, 100);
  });
  const merged = parts.reduce((acc, p) => ({ x: mergeWindows(acc.x, p.x, 100), c: mergeWindows(acc.c, p.c, 100) }), { x: emptyWindow(fx), c: emptyWindow(fc) });
  const mx = merged.x as NumericWindow;
  const sx = single.x as NumericWindow;
  expect(mx.count).toBe(sx.count);
  expect(mx.missing).toBe(sx.missing);
  expect(mx.binCounts).toEqual(sx.binCounts);
  expect(mx.sum).toBeCloseTo(sx.sum, 6);
  expect(sampleValues(mx)).toEqual(sampleValues(sx));
  expect(merged.c).toEqual(single.c);
  expect((merged.c as { categories: Record<string, number> }).categories.__other__).toBeGreaterThan(0);
});

test('the sample is the k smallest (hash, value) pairs, as a full sort finds them', () => {
  const doc = baseline();
  const fx = doc.features[0]!;
  const r = xorshift(3);
  // Few distinct hashes and values, so ties on hash and on both are common.
  const offered = Array.from({ length: 3000 }, () => [Math.floor(r() * 500), Math.floor(r() * 20)] as [number, number]);
  const w = emptyWindow(fx) as NumericWindow;
  for (const [h, v] of offered) addHashedValue(w, fx, v, h, 64);
  const reference = [...offered].sort((a, b) => a[0] - b[0] || a[1] - b[1]).slice(0, 64).map(([, v]) => v);
  expect(sampleValues(w)).toEqual(reference);
  expect(w.count).toBe(3000);
});

test('addHashedRow adds each value to its feature\'s window under the row\'s hash', () => {
  const doc = baseline();
  const features = doc.features;
  const byRow = features.map((f) => emptyWindow(f));
  const byValue = features.map((f) => emptyWindow(f));
  const r = xorshift(11);
  for (let i = 0; i < 2000; i++) {
    const row = [r() < 0.05 ? null : r() * 10, r() < 0.5 ? 'a' : 'q'];
    const hash = Math.floor(r() * 2 ** 32);
    addHashedRow(byRow, features, row, hash, 50);
    features.forEach((f, j) => addHashedValue(byValue[j]!, f, row[j] ?? null, hash, 50));
  }
  expect(byRow).toEqual(byValue);
  // A short row: the missing value counts as missing.
  addHashedRow(byRow, features, [1], 7, 50);
  expect(byRow[1]!.missing).toBe(byValue[1]!.missing + 1);
});
