import type { CaptureStats } from '../../../lib/capture';
import { createCaptureStats } from '../../../lib/capture';
import type { DriftReport, FeatureDrift } from '../../../lib/drift';
import type { DriftJobResult } from '../../../lambda/drift-monitor/drift-job';
import { DATASET_FEATURE, DRIFT_NAMESPACE, OUTPUT_FEATURE, driftMetrics, emfLines } from '../../../lambda/drift-monitor/metrics';

const WINDOW_END = new Date('2026-11-24T10:00:00.000Z');

function feature(name: string, score: number, drifted: boolean, psi: number): FeatureDrift {
  return { feature: name, method: 'wasserstein', threshold: 0.1, score, drifted, psi, count: 500, missing: 0 };
}

function result(report: DriftReport, stats: Partial<CaptureStats> = {}): DriftJobResult {
  return {
    modelName: 'hk-claims-fraud', report, stats: { ...createCaptureStats([{ name: 'a', kind: 'numeric' }]), ...stats },
    objects: 3, prefixes: [], windowStart: new Date(WINDOW_END.getTime() - 3_600_000), windowEnd: WINDOW_END,
  };
}

const ok: DriftReport = {
  status: 'ok', records: 500, driftedShare: 0.5, datasetDrift: true,
  features: [feature('claim_amount', 0.42, true, 0.31), feature('age', 0.03, false, 0.01)],
};

describe('driftMetrics', () => {
  test('every document follows the EMF specification', () => {
    for (const doc of driftMetrics(result(ok, { rowsAnalyzed: 500, linesRejected: 7 }))) {
      const directive = doc._aws.CloudWatchMetrics[0]!;
      expect(doc._aws.CloudWatchMetrics).toHaveLength(1);
      expect(doc._aws.Timestamp).toBe(WINDOW_END.getTime());
      expect(directive.Namespace).toBe(DRIFT_NAMESPACE);
      expect(DRIFT_NAMESPACE).toBe('SovereignML/Drift');
      expect(directive.Dimensions).toEqual([['model', 'feature']]);
      // Each dimension and each metric is a top-level member of the document.
      for (const key of directive.Dimensions.flat()) expect(typeof doc[key]).toBe('string');
      for (const m of directive.Metrics) expect(typeof doc[m.Name]).toBe('number');
    }
  });

  test('per-feature and dataset values', () => {
    const docs = driftMetrics(result(ok, { rowsAnalyzed: 500, linesRejected: 7 }));
    expect(docs.map((d) => d.feature)).toEqual(['claim_amount', 'age', DATASET_FEATURE]);
    expect(docs[0]).toMatchObject({ model: 'hk-claims-fraud', feature: 'claim_amount', DriftScore: 0.42, Drifted: 1, PSI: 0.31 });
    expect(docs[0]!._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name)).toEqual(['DriftScore', 'Drifted', 'PSI']);
    expect(docs[1]).toMatchObject({ feature: 'age', Drifted: 0 });
    expect(docs[2]).toMatchObject({ feature: DATASET_FEATURE, Drifted: 1, DriftedShare: 0.5, RecordsAnalyzed: 500, RecordsRejected: 7, InsufficientData: 0 });
    expect(docs[2]!._aws.CloudWatchMetrics[0]!.Metrics).toEqual(expect.arrayContaining([{ Name: 'RecordsAnalyzed', Unit: 'Count' }, { Name: 'RecordsRejected', Unit: 'Count' }]));
  });

  test('the output gets its own document, apart from the features and the dataset share', () => {
    const withOutput: DriftReport = { ...ok, output: { ...feature('score', 0.27, true, 0.4), method: 'ks', threshold: 0.05 } };
    const docs = driftMetrics(result(withOutput));
    expect(docs.map((d) => d.feature)).toEqual(['claim_amount', 'age', OUTPUT_FEATURE, DATASET_FEATURE]);
    expect(OUTPUT_FEATURE).toBe('__output__');
    expect(docs[2]).toMatchObject({ model: 'hk-claims-fraud', feature: OUTPUT_FEATURE, DriftScore: 0.27, Drifted: 1, PSI: 0.4 });
    // The dataset verdict is the features' alone.
    expect(docs[3]).toMatchObject({ DriftedShare: 0.5 });
  });

  test('insufficient data: only the dataset document, without a drift verdict', () => {
    const docs = driftMetrics(result({ status: 'insufficient-data', records: 12, minRecords: 100 }, { rowsAnalyzed: 12 }));
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ feature: DATASET_FEATURE, InsufficientData: 1, RecordsAnalyzed: 12 });
    expect(docs[0]).not.toHaveProperty('Drifted');
    expect(docs[0]).not.toHaveProperty('DriftedShare');
  });

  test('scores that are not finite are left out, as EMF values must be numbers', () => {
    const empty: FeatureDrift = { ...feature('region', Number.NaN, false, Number.NaN), count: 0, insufficientData: true };
    const [doc] = driftMetrics(result({ ...ok, features: [empty] }));
    expect(doc).not.toHaveProperty('DriftScore');
    expect(doc).not.toHaveProperty('PSI');
    expect(doc!._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name)).toEqual(['Drifted']);
    expect(emfLines([doc!])[0]).not.toContain('null');
  });
});
