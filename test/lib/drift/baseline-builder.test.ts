import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCode } from '../../../lib/errors';
import { parseBaseline } from '../../../lib/drift/baseline';
import { BaselineBuilder, histogram, quantileEdges } from '../../../lib/drift/baseline-builder';
import { baselineFromCsv, baselineFromJsonLines, parseCsvLine } from '../../../lib/drift/baseline-input';
import { ROOT } from '../../support/app';
import { errorOf } from '../../support/errors';

const X = [3.5, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4];

describe('quantile bins', () => {
  test('edges are numpy.quantile(x, linspace(0, 1, 11)) with repeats removed', () => {
    // numpy 1.24: [1.0, 1.9, 2.8, 3.0, 3.8, 4.5, 5.0, 6.3, 8.0, 9.0, 9.0]
    const edges = quantileEdges(Float64Array.from(X).sort(), 10);
    const expected = [1.0, 1.9000000000000001, 2.8000000000000003, 3.0, 3.8000000000000003, 4.5, 5.0, 6.300000000000001, 8.0, 9.0];
    expect(edges).toHaveLength(expected.length);
    edges.forEach((e, i) => expect(e).toBeCloseTo(expected[i]!, 12));
  });

  test('counts agree with numpy.histogram on the same edges (last bin closed)', () => {
    // numpy 1.24: numpy.histogram(x, bins=[1.0, 1.9, 2.8, 3.0, 3.8, 4.5, 5.0, 6.3, 8.0, 9.0])[0] -> [2, 2, 0, 4, 2, 0, 4, 1, 5]
    expect(histogram(X, [1.0, 1.9, 2.8, 3.0, 3.8, 4.5, 5.0, 6.3, 8.0, 9.0])).toEqual([2, 2, 0, 4, 2, 0, 4, 1, 5]);
  });

  test('a constant feature gets two edges around its value', () => {
    expect(quantileEdges(Float64Array.from([7, 7, 7]), 10)).toEqual([6.5, 7.5]);
  });
});

describe('BaselineBuilder', () => {
  test('mean and sample standard deviation agree with numpy (ddof=1)', () => {
    const b = new BaselineBuilder(['x']);
    X.forEach((v) => b.addRow([v]));
    const f = b.build().features[0]!;
    expect(f.kind).toBe('numeric');
    if (f.kind !== 'numeric') return;
    // numpy: mean 4.875, std(ddof=1) 2.6846297402258776
    expect(f.mean).toBeCloseTo(4.875, 12);
    expect(f.std).toBeCloseTo(2.6846297402258776, 12);
    expect(f.sample).toHaveLength(20);
    expect(parseBaseline(b.build())).toBeDefined();
  });

  test('keeps a bounded sample and counts every value', () => {
    const b = new BaselineBuilder(['x'], { sampleSize: 100 });
    for (let i = 0; i < 10_000; i++) b.addRow([i]);
    const f = b.build().features[0]!;
    if (f.kind !== 'numeric') throw new Error('numeric expected');
    expect(f.count).toBe(10_000);
    expect(f.sample).toHaveLength(100);
    expect(f.binCounts.reduce((a, c) => a + c, 0)).toBeCloseTo(10_000, 6);
  });

  test('categorical features keep the top K and fold the rest into __other__', () => {
    const b = new BaselineBuilder(['c'], { categorical: ['c'], topK: 2 });
    ['a', 'a', 'a', 'b', 'b', 'c', null].forEach((v) => b.addRow([v]));
    expect(b.build().features[0]).toEqual({ name: 'c', kind: 'categorical', count: 6, missing: 1, categories: { a: 3, b: 2, __other__: 1 } });
  });

  test('a rejected row leaves no trace', () => {
    const b = new BaselineBuilder(['x', 'y']);
    b.addRow([1, 2]);
    expect(() => b.addRow([3, 'oops'])).toThrow('column y is numeric but has "oops"');
    const f = b.build().features;
    expect(f.map((x) => x.count)).toEqual([1, 1]);
  });

  test('fails when a named column is not in the data', () => {
    expect(errorOf(() => new BaselineBuilder(['x'], { categorical: ['region'] })).code).toBe(ErrorCode.INVALID_PROPS);
  });
});

describe('inputs', () => {
  test.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['"x, y",2,"say ""hi"""', ['x, y', '2', 'say "hi"']],
    ['1,,3', ['1', '', '3']],
    ['"open,2', undefined],
  ])('parseCsvLine(%s)', (line, cells) => {
    expect(parseCsvLine(line)).toEqual(cells);
  });

  test('the example training sample: 2000 rows, 10 features, the label left out', async () => {
    const text = fs.readFileSync(path.join(ROOT, 'examples/hk-fraud/model/training-sample.csv'), 'utf8');
    const { baseline, stats } = await baselineFromCsv(text.split('\n'), { exclude: ['is_fraud'] });
    expect(stats).toEqual({ rows: 2000, rejected: 0, rejectedByReason: {} });
    expect(baseline.rows).toBe(2000);
    expect(baseline.features.map((f) => f.name)).toEqual(text.split('\n')[0]!.split(',').filter((c) => c !== 'is_fraud'));
  });

  test('corrupt rows are counted by reason and skipped', async () => {
    const lines = ['x,y', '1,2', '3', '4,abc', '"5,6', '7,8', ''];
    const { baseline, stats } = await baselineFromCsv(lines);
    expect(stats).toEqual({ rows: 5, rejected: 3, rejectedByReason: { 'wrong-column-count': 1, 'non-numeric': 1, 'unterminated-quote': 1 } });
    expect(baseline.rows).toBe(2);
  });

  test('JSON lines', async () => {
    const { baseline, stats } = await baselineFromJsonLines(['{"x":1,"c":"a"}', '{"x":2,"c":"b"}', '{bad', '[1]'], { categorical: ['c'] });
    expect(stats.rejectedByReason).toEqual({ 'not-json': 1, 'not-an-object': 1 });
    expect(baseline.features.map((f) => `${f.name}:${f.kind}`)).toEqual(['x:numeric', 'c:categorical']);
  });
});
