import { BaselineBuilder } from '../../../lib/drift/baseline-builder';
import { addValue, emptyWindow, mergeWindows, sampleValues, type NumericWindow } from '../../../lib/drift/window';
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
