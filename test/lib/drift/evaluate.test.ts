import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BaselineDocument, CategoricalFeatureBaseline, NumericFeatureBaseline } from '../../../lib/drift/baseline';
import { evaluateDrift, evaluateFeature, selectMethod } from '../../../lib/drift/evaluate';
import { addValue, emptyWindow, type FeatureWindow } from '../../../lib/drift/window';
import { ROOT } from '../../support/app';

interface Ref {
  ks: Array<{ name: string; method: string; statistic: number; pValue: number; a: number[]; b: number[] }>;
  chiSquare: Array<{ name: string; a: number[]; b: number[]; statistic: number; pValue: number }>;
}
const REF = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/drift/scipy-reference.json'), 'utf8')) as Ref;

function numeric(name: string, sample: number[], count = sample.length): NumericFeatureBaseline {
  const edges = [Math.min(...sample) - 1, Math.max(...sample) + 1];
  return { name, kind: 'numeric', count, missing: 0, mean: 0, std: 1, min: 0, max: 0, binEdges: edges, binCounts: [sample.length], sample };
}

function windowOf(feature: NumericFeatureBaseline | CategoricalFeatureBaseline, values: Array<number | string>): FeatureWindow {
  const w = emptyWindow(feature);
  values.forEach((v, i) => addValue(w, feature, v, `k${i}`));
  return w;
}

describe('method selection (Evidently defaults)', () => {
  test.each([
    ['numeric', 1000, 'ks', 0.05],
    ['numeric', 1001, 'wasserstein', 0.1],
    ['categorical', 1000, 'chi-square', 0.05],
    ['categorical', 5000, 'jensen-shannon', 0.1],
  ] as const)('%s with %d reference rows → %s at %d', (kind, count, method, threshold) => {
    const f = kind === 'numeric' ? numeric('x', [1, 2], count) : { name: 'c', kind, count, missing: 0, categories: { a: 1 } } as CategoricalFeatureBaseline;
    expect(selectMethod(f)).toEqual({ method, threshold });
  });

  test('per-feature overrides, with the method\'s default threshold when only the method changes', () => {
    const f = numeric('x', [1, 2], 10);
    expect(selectMethod(f, { features: { x: { method: 'psi' } } })).toEqual({ method: 'psi', threshold: 0.2 });
    expect(selectMethod(f, { features: { x: { threshold: 0.01 } } })).toEqual({ method: 'ks', threshold: 0.01 });
  });
});

describe('feature verdicts use the statistics SciPy agrees with', () => {
  test.each(REF.ks.filter((c) => c.method === 'auto' && Array.isArray(c.a) && Array.isArray(c.b) && c.a.length >= 5 && c.b.length >= 5 && c.a.length <= 1000).slice(0, 8).map((c) => [c.name, c] as const))('KS %s', (_n, c) => {
    const f = numeric('x', c.a);
    const r = evaluateFeature(f, windowOf(f, c.b));
    expect(r.method).toBe('ks');
    expect(r.score).toBeCloseTo(c.statistic, 9);
    expect(Math.abs(r.pValue! - c.pValue)).toBeLessThanOrEqual(1e-6 * Math.max(1, c.pValue));
    expect(r.drifted).toBe(c.pValue < 0.05);
  });

  test.each(REF.chiSquare.filter((c) => c.a.every((x) => Number.isInteger(x))).slice(0, 5).map((c) => [c.name, c] as const))('chi-square %s', (_n, c) => {
    const names = c.a.map((_, i) => `k${i}`);
    const f: CategoricalFeatureBaseline = { name: 'c', kind: 'categorical', count: 100, missing: 0, categories: Object.fromEntries(names.map((n, i) => [n, c.a[i]!])) };
    const values = names.flatMap((n, i) => Array<string>(c.b[i]!).fill(n));
    const r = evaluateFeature(f, windowOf(f, values));
    expect(r.method).toBe('chi-square');
    expect(r.score).toBeCloseTo(c.statistic, 9);
    expect(Math.abs(r.pValue! - c.pValue)).toBeLessThanOrEqual(1e-6);
  });
});

describe('dataset verdict', () => {
  const x = numeric('x', Array.from({ length: 200 }, (_, i) => i / 10));
  const y = numeric('y', Array.from({ length: 200 }, (_, i) => i / 10));
  const doc: BaselineDocument = { format: 'sovereign-ml.baseline', version: 1, createdAt: 't', rows: 200, features: [x, y] };

  test('insufficient data below the minimum, never a verdict', () => {
    const r = evaluateDrift(doc, new Map([['x', windowOf(x, [1])], ['y', windowOf(y, [1])]]), 50);
    expect(r).toEqual({ status: 'insufficient-data', records: 50, minRecords: 100 });
  });

  test('a feature missing in every record gets no verdict rather than an error', () => {
    const w = emptyWindow(x);
    addValue(w, x, null, 'k');
    expect(evaluateFeature(x, w)).toMatchObject({ feature: 'x', drifted: false, insufficientData: true, count: 0, missing: 1 });
  });

  test('drift in one of two features reaches the 0.5 share', () => {
    const same = Array.from({ length: 200 }, (_, i) => i / 10 + 0.01);
    const shifted = same.map((v) => v + 15);
    const r = evaluateDrift(doc, new Map([['x', windowOf(x, same)], ['y', windowOf(y, shifted)]]), 200);
    if (r.status !== 'ok') throw new Error('expected a verdict');
    expect(r.features.map((f) => [f.feature, f.drifted])).toEqual([['x', false], ['y', true]]);
    expect(r.driftedShare).toBe(0.5);
    expect(r.datasetDrift).toBe(true);
  });
});
