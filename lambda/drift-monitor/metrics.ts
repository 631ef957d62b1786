/**
 * CloudWatch metrics of a drift result in the Embedded Metric Format (EMF), built by hand
 * as plain objects: one document per feature (dimensions `model`, `feature`), one for the
 * model output (`feature` = `__output__`) and one for the dataset (`feature` = `__dataset__`). Each EMF document holds a single value per
 * dimension key, so per-feature values need one document each; building them directly
 * keeps this a pure function that tests can inspect, and the adapter prints each as one
 * stdout line for CloudWatch Logs to extract.
 *
 * Values that are not finite (a feature with no values has no score) are left out, as
 * EMF values must be numbers. A window with too little data gets `InsufficientData` = 1
 * and no `Drifted`/`DriftedShare`, so alarms see missing data rather than "no drift".
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import { DATASET_FEATURE, OUTPUT_FEATURE } from '../../lib/drift';
import { DEFAULT_DRIFT_NAMESPACE } from '../../lib/drift/metric-namespace';
import type { DriftJobResult } from './drift-job';

/** Namespace of the drift metrics. */
export const DRIFT_NAMESPACE = DEFAULT_DRIFT_NAMESPACE;
/** The `feature` dimension values of dataset-level and output metrics (shared with the constructs' alarms). */
export { DATASET_FEATURE, OUTPUT_FEATURE };

/** An EMF metric definition. */
export interface EmfMetric {
  readonly Name: string;
  readonly Unit: 'Count' | 'None';
}

/** One EMF document: the metadata under `_aws`, dimension values and metric values at the top level. */
export interface EmfDocument {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: ReadonlyArray<{ readonly Namespace: string; readonly Dimensions: ReadonlyArray<readonly string[]>; readonly Metrics: readonly EmfMetric[] }>;
  };
  readonly [key: string]: unknown;
}

/**
 * The EMF documents of a drift result.
 * @param timestamp when the values apply
 * @default timestamp - the window's end (CloudWatch accepts up to two weeks in the past)
 */
export function driftMetrics(result: DriftJobResult, timestamp: Date = result.windowEnd): EmfDocument[] {
  const model = result.modelName;
  const docs: EmfDocument[] = [];
  const report = result.report;
  if (report.status === 'ok') {
    for (const f of report.features) {
      docs.push(emf(timestamp, model, f.feature, [
        ['DriftScore', f.score, 'None'],
        ['Drifted', f.drifted ? 1 : 0, 'None'],
        ['PSI', f.psi, 'None'],
      ]));
    }
    if (report.output) {
      // The output is not a feature: it has its own dimension value and does not count
      // towards the dataset's drifted share.
      docs.push(emf(timestamp, model, OUTPUT_FEATURE, [
        ['DriftScore', report.output.score, 'None'],
        ['Drifted', report.output.drifted ? 1 : 0, 'None'],
        ['PSI', report.output.psi, 'None'],
      ]));
    }
  }
  const dataset: Array<[string, number, EmfMetric['Unit']]> = [];
  if (report.status === 'ok') {
    dataset.push(['Drifted', report.datasetDrift ? 1 : 0, 'None'], ['DriftedShare', report.driftedShare, 'None']);
  }
  dataset.push(
    ['RecordsAnalyzed', result.stats.rowsAnalyzed, 'Count'],
    ['RecordsRejected', result.stats.linesRejected, 'Count'],
    ['InsufficientData', report.status === 'insufficient-data' ? 1 : 0, 'None'],
  );
  docs.push(emf(timestamp, model, DATASET_FEATURE, dataset));
  return docs;
}

/** The documents as EMF log lines (one JSON object per line). */
export function emfLines(docs: readonly EmfDocument[]): string[] {
  return docs.map((d) => JSON.stringify(d));
}

function emf(timestamp: Date, model: string, feature: string, values: ReadonlyArray<[string, number, EmfMetric['Unit']]>): EmfDocument {
  const finite = values.filter(([, v]) => Number.isFinite(v));
  return {
    _aws: {
      Timestamp: timestamp.getTime(),
      CloudWatchMetrics: [{ Namespace: DRIFT_NAMESPACE, Dimensions: [['model', 'feature']], Metrics: finite.map(([Name, , Unit]) => ({ Name, Unit })) }],
    },
    model,
    feature,
    ...Object.fromEntries(finite.map(([name, v]) => [name, v])),
  };
}
