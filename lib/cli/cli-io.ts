/**
 * Where the CLI writes, so that tests capture output without a child process, and the
 * services a build may wire in (lib/ imports no AWS SDK client: the `sovereign-ml` binary
 * passes a CloudWatch publisher from lambda/drift-monitor/cloudwatch-publisher.ts).
 */
import type { DriftReport } from '../drift';

/**
 * What a drift run may send off-site: the verdict and counts. It holds no captured value,
 * no excerpt of a rejected line and no file name, by construction.
 */
export interface DriftMetricsSummary {
  /** The model, the `model` dimension of every metric. */
  readonly modelName: string;
  /** When the values apply. */
  readonly timestamp: Date;
  /** The drift verdict: per-feature scores, PSI and verdicts, and the dataset verdict. */
  readonly report: DriftReport;
  /** Rows analysed (a batch line gives several). */
  readonly recordsAnalyzed: number;
  /** Capture lines rejected. */
  readonly recordsRejected: number;
}

/** Where drift metrics go. */
export interface DriftMetricsTarget {
  /** The region of the monitoring service (inside the residency boundary). */
  readonly region: string;
  /** The metric namespace. */
  readonly namespace: string;
}

/** Publishes the metrics of a drift run to a monitoring service. */
export interface DriftMetricsPublisher {
  /**
   * Publishes the metrics of `summary` to `target`.
   * @returns how many metric values were sent, in how many requests
   * @throws when the service refuses a request or cannot be reached
   */
  publish(summary: DriftMetricsSummary, target: DriftMetricsTarget): Promise<{ readonly metrics: number; readonly requests: number }>;
}

/** The CLI's output streams and wired services. Each stream call writes `s` as is (lines end with `\n`). */
export interface CliIo {
  /** Writes to standard output: reports and results. */
  stdout(s: string): void;
  /** Writes to standard error: usage, input errors and notes. */
  stderr(s: string): void;
  /**
   * Publishes drift metrics (`drift --cloudwatch-region`).
   * @default - none: `drift --cloudwatch-region` is refused with exit code 2
   */
  readonly driftMetrics?: DriftMetricsPublisher;
}

/** Exit codes shared by every command. */
export const ExitCode = {
  /** The check passed (informational findings allowed). */
  OK: 0,
  /** The check found violations. */
  VIOLATIONS: 1,
  /** The input was unusable: a missing or malformed file, a bad option. */
  USAGE: 2,
  /** The check ran and its report was printed, but its results could not be delivered (a refused metrics request). */
  DELIVERY_FAILED: 3,
} as const;
