/**
 * The CloudWatch publisher of `sovereign-ml drift --cloudwatch-region`, for drift runs
 * outside AWS (the on-prem CronJob): the same metrics the drift job emits as EMF (built by
 * {@link driftMetrics}), sent with `PutMetricData` to the boundary region. lib/cli only
 * knows the {@link DriftMetricsPublisher} interface; the binaries wire this one in.
 *
 * What is sent is fixed by construction: the publisher receives a
 * {@link DriftMetricsSummary} (the verdict and two counts), never captured values,
 * excerpts or file names, and every datum is a metric name, the `model` and `feature`
 * dimensions, a finite number and a timestamp.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html
 */
import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { createCaptureStats } from '../../lib/capture';
import type { DriftMetricsPublisher, DriftMetricsSummary, DriftMetricsTarget } from '../../lib/cli/cli-io';
import { driftMetrics } from './metrics';

/** PutMetricData's limit on metric data per request. */
export const MAX_METRICS_PER_REQUEST = 1000;
/**
 * PutMetricData's limit on the request size (1 MB), less room for the envelope: batches
 * are cut by their JSON size too, as long dimension values (up to 1024 characters each)
 * would put 1000 data over it.
 */
export const MAX_REQUEST_BYTES = 1_000_000 - 4_096;
/** PutMetricData's limit on the length of a dimension value. */
const MAX_DIMENSION_VALUE_LENGTH = 1024;

/** Options of {@link cloudWatchDriftPublisher}. */
export interface CloudWatchDriftPublisherOptions {
  /**
   * Creates the client for a region.
   * @default - a CloudWatchClient for the region, with the SDK's default credential chain
   */
  readonly client?: (region: string) => CloudWatchClient;
}

/**
 * A publisher sending the drift metrics with PutMetricData, one request per batch of at
 * most {@link MAX_METRICS_PER_REQUEST} data and {@link MAX_REQUEST_BYTES}, one after the
 * other. The first refused request rejects the promise (the SDK has retried throttling
 * and transient errors by then); batches already sent stay sent.
 */
export function cloudWatchDriftPublisher(options: CloudWatchDriftPublisherOptions = {}): DriftMetricsPublisher {
  const makeClient = options.client ?? ((region: string) => new CloudWatchClient({ region }));
  return {
    async publish(summary: DriftMetricsSummary, target: DriftMetricsTarget) {
      const data = driftMetricData(summary);
      const batches = batchMetricData(data);
      const client = makeClient(target.region);
      try {
        for (const batch of batches) {
          await client.send(new PutMetricDataCommand({ Namespace: target.namespace, MetricData: batch }));
        }
      } finally {
        client.destroy();
      }
      return { metrics: data.length, requests: batches.length };
    },
  };
}

/**
 * The metric data of a drift run: the documents of {@link driftMetrics} (what the drift
 * job logs as EMF), one datum per metric value, with the documents' dimensions.
 * @throws Error for a dimension value CloudWatch would refuse (empty or over 1024 characters)
 */
export function driftMetricData(summary: DriftMetricsSummary): MetricDatum[] {
  // driftMetrics reads a job result; of its stats only the two counts, the rest is empty.
  const stats = { ...createCaptureStats([]), rowsAnalyzed: summary.recordsAnalyzed, linesRejected: summary.recordsRejected };
  const docs = driftMetrics({
    modelName: summary.modelName, report: summary.report, stats,
    objects: 0, prefixes: [], windowStart: summary.timestamp, windowEnd: summary.timestamp,
  }, summary.timestamp);
  return docs.flatMap((doc) => doc._aws.CloudWatchMetrics.flatMap((def) => {
    const dimensions = (def.Dimensions[0] ?? []).map((name) => {
      const value = String(doc[name]);
      if (value.length === 0 || value.length > MAX_DIMENSION_VALUE_LENGTH) {
        throw new Error(`dimension ${name} must be 1 to ${MAX_DIMENSION_VALUE_LENGTH} characters for CloudWatch, got ${value.length} (${JSON.stringify(value.slice(0, 40))})`);
      }
      return { Name: name, Value: value };
    });
    return def.Metrics.map((m): MetricDatum => ({
      MetricName: m.Name,
      Dimensions: dimensions,
      Timestamp: new Date(doc._aws.Timestamp),
      Value: doc[m.Name] as number,
      Unit: m.Unit,
    }));
  }));
}

/** Cuts `data` into request-sized batches, in order. */
export function batchMetricData(data: readonly MetricDatum[]): MetricDatum[][] {
  const batches: MetricDatum[][] = [];
  let current: MetricDatum[] = [];
  let bytes = 0;
  for (const datum of data) {
    const size = Buffer.byteLength(JSON.stringify(datum)) + 1;
    if (current.length === MAX_METRICS_PER_REQUEST || (current.length > 0 && bytes + size > MAX_REQUEST_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(datum);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
