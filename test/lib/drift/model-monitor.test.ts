/**
 * `baselineFromModelMonitorStatistics` on a Model Monitor `statistics.json`.
 *
 * The AWS page documents the schema only, with `number` placeholders and no filled-in
 * example, so the document below is a small one written to that schema and made
 * consistent by hand: `claim_amount` holds the values 1..10 (mean 5.5, sum 55, population
 * standard deviation √8.25, four buckets of width 2.25 counting 3/2/2/3), and its KLL
 * sketch stores 7, 8, 9, 10 at level 0 (weight 1) and 2, 5, 6 at level 1 (weight 2),
 * total weight 10 = num_present.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-byoc-statistics.html
 */
import { baselineFromModelMonitorStatistics, kllSample, type NumericFeatureBaseline, type CategoricalFeatureBaseline } from '../../../lib/drift';
import { ErrorCode, SovereignMlError } from '../../../lib/errors';

function statistics(): Record<string, unknown> & { features: Array<Record<string, any>> } {
  return {
    version: 0.0,
    dataset: { item_count: 10 },
    features: [
      {
        name: 'claim_amount',
        inferred_type: 'Fractional',
        numerical_statistics: {
          common: { num_present: 10, num_missing: 0 },
          mean: 5.5, sum: 55, std_dev: 2.8722813232690143, min: 1, max: 10,
          distribution: {
            kll: {
              buckets: [
                { lower_bound: 1, upper_bound: 3.25, count: 3 },
                { lower_bound: 3.25, upper_bound: 5.5, count: 2 },
                { lower_bound: 5.5, upper_bound: 7.75, count: 2 },
                { lower_bound: 7.75, upper_bound: 10, count: 3 },
              ],
              sketch: { parameters: { c: 0.64, k: 2048 }, data: [[7, 8, 9, 10], [2, 5, 6]] },
            },
          },
        },
      },
      {
        name: 'region',
        inferred_type: 'String',
        string_statistics: {
          common: { num_present: 9, num_missing: 1 },
          distinct_count: 3,
          distribution: { categorical: { buckets: [{ value: 'kowloon', count: 5 }, { value: 'hk-island', count: 3 }, { value: 'new-territories', count: 1 }] } },
        },
      },
      {
        name: 'age',
        inferred_type: 'Integral',
        numerical_statistics: {
          common: { num_present: 8, num_missing: 2 },
          mean: 40, sum: 320, std_dev: 0, min: 40, max: 40,
          distribution: { kll: { buckets: [{ lower_bound: 40, upper_bound: 40, count: 8 }], sketch: { parameters: { c: 0.64, k: 2048 }, data: [[40, 40, 40, 40, 40, 40, 40, 40]] } } },
        },
      },
    ],
  };
}

function thrown(run: () => unknown): SovereignMlError {
  try {
    run();
  } catch (error) {
    if (SovereignMlError.isSovereignMlError(error)) return error;
    throw error;
  }
  throw new Error('expected a SovereignMlError');
}

describe('baselineFromModelMonitorStatistics', () => {
  const doc = baselineFromModelMonitorStatistics(statistics());
  const byName = new Map(doc.features.map((f) => [f.name, f]));

  test('keeps the dataset size and every feature in order', () => {
    expect(doc.rows).toBe(10);
    expect(doc.features.map((f) => [f.name, f.kind])).toEqual([['claim_amount', 'numeric'], ['region', 'categorical'], ['age', 'numeric']]);
    expect(doc.output).toBeUndefined();
  });

  test.each([
    ['claim_amount', { count: 10, missing: 0, mean: 5.5, std: 2.8722813232690143, min: 1, max: 10, binEdges: [1, 3.25, 5.5, 7.75, 10], binCounts: [3, 2, 2, 3] }],
    // Zero-width buckets of a constant feature become one bin of width 1 around it.
    ['age', { count: 8, missing: 2, mean: 40, std: 0, min: 40, max: 40, binEdges: [39.5, 40.5], binCounts: [8] }],
  ])('carries over edges, counts and moments of %s exactly', (name, expected) => {
    const f = byName.get(name) as NumericFeatureBaseline;
    expect(f).toMatchObject({ kind: 'numeric', ...expected });
  });

  test('carries over category counts and missing values', () => {
    const f = byName.get('region') as CategoricalFeatureBaseline;
    expect(f).toEqual({ name: 'region', kind: 'categorical', count: 9, missing: 1, categories: { kowloon: 5, 'hk-island': 3, 'new-territories': 1 } });
  });

  test('reconstructs the sample with weight 2^level per sketch item', () => {
    expect((byName.get('claim_amount') as NumericFeatureBaseline).sample).toEqual([2, 2, 5, 5, 6, 6, 7, 8, 9, 10]);
  });

  test('scales the sample down to sampleSize in proportion to the weights', () => {
    const small = baselineFromModelMonitorStatistics(statistics(), { sampleSize: 5 });
    // Quotas: 0.5 per level-0 item, 1 per level-1 item; the 2 remaining copies go to the first level-0 items.
    expect((small.features[0] as NumericFeatureBaseline).sample).toEqual([2, 5, 6, 7, 8]);
  });
});

describe('kllSample', () => {
  test.each([
    [[[1], [2], [3]], 100, [1, 2, 2, 3, 3, 3, 3]],
    [[[1], [2], [3]], 7, [1, 2, 2, 3, 3, 3, 3]],
    [[[], [], [5, 6]], 4, [5, 5, 6, 6]],
    [[[1, 2], [], [3]], 3, [1, 3, 3]],
    [[], 10, []],
  ])('levels %j to at most %i values', (levels, size, expected) => {
    expect(kllSample(levels, size)).toEqual(expected);
  });

  test('is exact in size and proportional when the total weight exceeds the size', () => {
    const levels = [Array.from({ length: 100 }, (_, i) => i), Array.from({ length: 50 }, (_, i) => 1000 + i)];
    const sample = kllSample(levels, 100);
    expect(sample).toHaveLength(100);
    // Weight 100 at level 0 against 100 at level 1: half the values each.
    expect(sample.filter((v) => v >= 1000)).toHaveLength(50);
  });
});

describe('fails when the statistics are malformed', () => {
  test.each<[string, (s: ReturnType<typeof statistics>) => unknown, string]>([
    ['buckets are missing', (s) => { delete s.features[0]!.numerical_statistics.distribution.kll.buckets; return s; }, 'features[0].numerical_statistics.distribution.kll.buckets'],
    ['buckets are empty', (s) => { s.features[2]!.numerical_statistics.distribution.kll.buckets = []; return s; }, 'features[2].numerical_statistics.distribution.kll.buckets'],
    ['buckets are not contiguous', (s) => { s.features[0]!.numerical_statistics.distribution.kll.buckets[2].lower_bound = 6; return s; },
      'features[0].numerical_statistics.distribution.kll.buckets[2].lower_bound must equal the upper_bound of the bucket before (5.5)'],
    ['a bucket count is negative', (s) => { s.features[0]!.numerical_statistics.distribution.kll.buckets[1].count = -1; return s; }, 'features[0].numerical_statistics.distribution.kll.buckets[1].count'],
    ['the sketch holds a string', (s) => { s.features[0]!.numerical_statistics.distribution.kll.sketch.data = [['x']]; return s; }, 'features[0].numerical_statistics.distribution.kll.sketch.data[0][0]'],
    ['std_dev is negative', (s) => { s.features[0]!.numerical_statistics.std_dev = -1; return s; }, 'features[0].numerical_statistics.std_dev'],
    ['a string feature lacks its buckets', (s) => { delete s.features[1]!.string_statistics.distribution.categorical; return s; }, 'features[1].string_statistics.distribution.categorical'],
    ['inferred_type is unknown', (s) => { s.features[1]!.inferred_type = 'Unknown'; return s; }, 'features[1].inferred_type'],
    ['dataset is missing', (s) => { delete s.dataset; return s; }, 'dataset'],
    ['feature names repeat', (s) => { s.features[2]!.name = 'claim_amount'; return s; }, 'feature names must be unique'],
    ['it is not an object', () => 'statistics', 'statistics.json is not valid Model Monitor statistics'],
  ])('fails when %s', (_, mutate, phrase) => {
    const error = thrown(() => baselineFromModelMonitorStatistics(mutate(statistics())));
    expect(error.code).toBe(ErrorCode.INVALID_PROPS);
    expect(error.message).toContain(phrase);
  });

  test('fails when sampleSize is not a positive integer', () => {
    const error = thrown(() => baselineFromModelMonitorStatistics(statistics(), { sampleSize: 0 }));
    expect(error.code).toBe(ErrorCode.INVALID_PROPS);
    expect(error.message).toContain('sampleSize must be a positive integer, got 0');
  });
});
