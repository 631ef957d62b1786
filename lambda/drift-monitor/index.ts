/**
 * Lambda adapter of the drift monitor: runs {@link runDriftJob} over S3, writes the JSON
 * report back to the capture bucket (SSE-KMS), prints the EMF metrics to stdout, and on
 * dataset drift starts a SageMaker pipeline and/or puts an EventBridge event.
 *
 * Under the Distributed Map engine the same function runs the three steps of
 * `./distributed` by the event's `mode`: `plan` (list and batch the window's objects),
 * `partial` (one batch's windows), `reduce` (merge, then report exactly like a single run).
 * OBJECTS_PER_BATCH (default 20) sizes the batches.
 *
 * Environment: CAPTURE_BUCKET, CAPTURE_PREFIX, CAPTURE_FORMAT (`sagemaker` | `onnx`),
 * MODEL_NAME, WINDOW_MINUTES (default 60), REPORT_PREFIX (default `drift-reports/`),
 * POLICY_JSON (a `DriftPolicy`, optional), ON_DRIFT_PIPELINE_NAME (optional),
 * ON_DRIFT_EVENT_BUS (optional). The baseline is `baseline.json` in LAMBDA_TASK_ROOT (or
 * beside this file).
 *
 * A failed drift action is logged at ERROR and reported (`actions[].status = 'failed'`) in
 * the report and the returned summary; the report and metrics are written regardless, and
 * the invocation does not throw (a retry would run the whole window again).
 * Likewise a failed cleanup of the distributed job's work objects, after the report is
 * written, is logged at WARN and does not fail `reduce`.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient, StartPipelineExecutionCommand } from '@aws-sdk/client-sagemaker';
import { readBaselineFile, type BaselineDocument, type DriftPolicy } from '../../lib/drift';
import { ErrorCode, SovereignMlError } from '../../lib/errors';
import { runDriftJob, type DriftCaptureFormat, type DriftJobResult } from './drift-job';
import { buildPartial, deleteWork, planWindow, reducePartials, type DistributedJobDeps, type ManifestBatch, type PartialResult, type PlanResult } from './distributed';
import { driftMetrics, emfLines } from './metrics';

/** The invocation event (a schedule sends `{}`); `windowEnd` backfills a past window. */
export interface DriftMonitorEvent {
  readonly mode?: undefined;
  readonly windowEnd?: string;
}

/**
 * The steps of the Distributed Map engine. `plan` takes the window's end from the
 * execution's input (a backfill) or else its start time, so a retried step plans the
 * same window.
 */
export type DistributedDriftEvent =
  | { readonly mode: 'plan'; readonly input?: { readonly windowEnd?: string }; readonly executionStartTime: string }
  | { readonly mode: 'partial'; readonly workPrefix: string; readonly batch: ManifestBatch }
  | { readonly mode: 'reduce'; readonly workPrefix: string; readonly windowEnd: string; readonly batches: number };

/** Outcome of one drift action. */
export type DriftActionOutcome =
  | { readonly action: 'sagemaker-pipeline' | 'eventbridge'; readonly status: 'done'; readonly id?: string }
  | { readonly action: 'sagemaker-pipeline' | 'eventbridge'; readonly status: 'failed'; readonly error: string };

/** What the handler returns. */
export interface DriftMonitorSummary {
  readonly model: string;
  readonly status: 'ok' | 'insufficient-data';
  readonly datasetDrift: boolean;
  readonly driftedFeatures: string[];
  readonly records: number;
  readonly linesRejected: number;
  readonly objects: number;
  readonly objectsCorrupt: number;
  readonly windowStart: string;
  readonly windowEnd: string;
  /** `s3://bucket/key` of the report. */
  readonly reportUri: string;
  readonly actions: DriftActionOutcome[];
}

interface Config {
  readonly bucket: string;
  readonly prefix: string;
  readonly format: DriftCaptureFormat;
  readonly modelName: string;
  readonly windowMinutes: number;
  readonly reportPrefix: string;
  readonly policy?: DriftPolicy;
  readonly pipelineName?: string;
  readonly eventBus?: string;
  readonly objectsPerBatch: number;
}

const logger = new Logger({ serviceName: 'sovereign-ml-drift' });
const s3 = new S3Client({});
const sagemaker = new SageMakerClient({});
const events = new EventBridgeClient({});
const baselines = new Map<string, BaselineDocument>();

/** Lambda entry point. */
export async function handler(event?: DriftMonitorEvent | Extract<DistributedDriftEvent, { mode: 'reduce' }>): Promise<DriftMonitorSummary>;
export async function handler(event: Extract<DistributedDriftEvent, { mode: 'plan' }>): Promise<PlanResult>;
export async function handler(event: Extract<DistributedDriftEvent, { mode: 'partial' }>): Promise<PartialResult>;
export async function handler(event: DriftMonitorEvent | DistributedDriftEvent = {}): Promise<DriftMonitorSummary | PlanResult | PartialResult> {
  const config = readConfig(process.env);
  const baseline = loadBaseline();
  switch (event.mode) {
    case 'plan': {
      const plan = await planWindow({ ...location(config, parseWindowEnd(event.input?.windowEnd ?? event.executionStartTime, 'windowEnd')), objectsPerBatch: config.objectsPerBatch }, s3Deps(s3));
      logger.info('drift window planned', { ...plan });
      return plan;
    }
    case 'partial': {
      const partial = await buildPartial(baseline, { format: config.format, bucket: config.bucket, workPrefix: event.workPrefix, batch: event.batch }, s3Deps(s3));
      logger.info('drift partial built', { ...partial });
      return partial;
    }
    case 'reduce': {
      const windowEnd = parseWindowEnd(event.windowEnd, 'windowEnd');
      const { result, workKeys } = await reducePartials(baseline, { ...location(config, windowEnd), workPrefix: event.workPrefix, batches: event.batches, ...(config.policy ? { policy: config.policy } : {}) }, s3Deps(s3));
      const summary = await finish(config, result);
      // Only after the report is written: a failed reduce can be retried from the partials.
      // Once it is written (and the drift actions started), a failed cleanup must not fail
      // the execution: that would raise the failure alarm for a window whose report is fine,
      // and a re-run would run the drift actions again. Leftovers are only a cost: the
      // library's capture bucket (constructs/aws/private/secure-bucket.ts) expires every
      // object after the capture retention (90 days by default) and noncurrent versions
      // after 30 days; a bucket brought by the user expires them by its own rules, if any.
      try {
        await deleteWork(config.bucket, workKeys, s3Deps(s3));
      } catch (e) {
        logger.warn('drift work objects not deleted; the bucket lifecycle expires them', {
          bucket: config.bucket, workPrefix: event.workPrefix, keys: workKeys.length, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
        });
      }
      return summary;
    }
    default: {
      const windowEnd = event.windowEnd !== undefined ? parseWindowEnd(event.windowEnd, 'event.windowEnd') : new Date();
      const result = await runDriftJob({ ...location(config, windowEnd), baseline, ...(config.policy ? { policy: config.policy } : {}) }, s3Deps(s3));
      return finish(config, result);
    }
  }
}

function loadBaseline(): BaselineDocument {
  const baselinePath = path.join(process.env.LAMBDA_TASK_ROOT ?? __dirname, 'baseline.json');
  let baseline = baselines.get(baselinePath);
  if (!baseline) {
    baseline = readBaselineFile(baselinePath);
    baselines.set(baselinePath, baseline);
  }
  return baseline;
}

function parseWindowEnd(text: string | undefined, name: string): Date {
  const date = new Date(text ?? Number.NaN);
  if (text === undefined || Number.isNaN(date.getTime())) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `${name} must be an ISO-8601 time, got ${JSON.stringify(text)}`);
  }
  return date;
}

function location(config: Config, windowEnd: Date): { format: DriftCaptureFormat; bucket: string; prefix: string; windowEnd: Date; windowMinutes: number; modelName: string } {
  return { format: config.format, bucket: config.bucket, prefix: config.prefix, windowEnd, windowMinutes: config.windowMinutes, modelName: config.modelName };
}

/** Writes the report, prints the metrics, runs the drift actions; the same for both engines. */
async function finish(config: Config, result: DriftJobResult): Promise<DriftMonitorSummary> {
  const reportKey = `${config.reportPrefix}${config.modelName}/${result.windowEnd.toISOString()}.json`;
  const reportUri = `s3://${config.bucket}/${reportKey}`;
  const actions = result.report.status === 'ok' && result.report.datasetDrift ? await runActions(config, result, reportUri) : [];

  await s3.send(new PutObjectCommand({
    Bucket: config.bucket,
    Key: reportKey,
    Body: JSON.stringify(toReportDocument(result, actions), null, 2),
    ContentType: 'application/json',
    // No ServerSideEncryption header: the bucket's default (SSE-KMS with the capture key)
    // applies. 'aws:kms' without a key id would use the AWS-managed aws/s3 key instead.
  }));
  for (const line of emfLines(driftMetrics(result))) process.stdout.write(`${line}\n`);

  const summary = summarize(result, reportUri, actions);
  logger.info('drift window evaluated', { ...summary });
  return summary;
}

/** The job's S3 dependencies over an S3 client: paginated ListObjectsV2, GetObject, PutObject, DeleteObjects. */
export function s3Deps(client: S3Client): DistributedJobDeps {
  return {
    async putObject(bucket, key, body) {
      // The bucket's default encryption (SSE-KMS, the capture key) applies, as for reports.
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
    },
    async deleteObjects(bucket, keys) {
      if (keys.length === 0) return;
      const out = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
      const errors = out.Errors ?? [];
      if (errors.length > 0) throw new Error(`DeleteObjects failed for ${errors.length} key(s), first ${errors[0]?.Key}: ${errors[0]?.Code} ${errors[0]?.Message ?? ''}`.trim());
    },
    async *listKeys(bucket, prefix) {
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
        for (const o of page.Contents ?? []) if (o.Key !== undefined) yield o.Key;
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
    async openObject(bucket, key) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (out.Body === undefined) throw new Error(`s3://${bucket}/${key} has no body`);
      // In Node.js the body is an IncomingMessage (a Readable) with SDK mix-ins.
      return out.Body as unknown as NodeJS.ReadableStream;
    },
  };
}

function readConfig(env: NodeJS.ProcessEnv): Config {
  const problems: string[] = [];
  const required = (name: string): string => {
    const v = env[name];
    if (v === undefined || v === '') problems.push(`${name} must be set`);
    return v ?? '';
  };
  const bucket = required('CAPTURE_BUCKET');
  const prefix = required('CAPTURE_PREFIX');
  const modelName = required('MODEL_NAME');
  const format = required('CAPTURE_FORMAT');
  if (format !== '' && format !== 'sagemaker' && format !== 'onnx') problems.push(`CAPTURE_FORMAT must be sagemaker or onnx, got ${JSON.stringify(format)}`);
  const windowMinutes = Number(env.WINDOW_MINUTES ?? 60);
  const objectsPerBatch = Number(env.OBJECTS_PER_BATCH ?? 20);
  if (!Number.isInteger(objectsPerBatch) || objectsPerBatch <= 0) problems.push(`OBJECTS_PER_BATCH must be a positive integer, got ${JSON.stringify(env.OBJECTS_PER_BATCH)}`);
  if (!Number.isInteger(windowMinutes) || windowMinutes <= 0) problems.push(`WINDOW_MINUTES must be a positive integer, got ${JSON.stringify(env.WINDOW_MINUTES)}`);
  let policy: DriftPolicy | undefined;
  if (env.POLICY_JSON) {
    try {
      const parsed: unknown = JSON.parse(env.POLICY_JSON);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) problems.push('POLICY_JSON must be a JSON object');
      else policy = parsed as DriftPolicy;
    } catch (e) {
      problems.push(`POLICY_JSON is not JSON: ${(e as Error).message}`);
    }
  }
  if (problems.length > 0) throw new SovereignMlError(ErrorCode.INVALID_PROPS, `drift monitor environment is invalid: ${problems.join('; ')}`);
  return {
    bucket, prefix, format: format as DriftCaptureFormat, modelName, windowMinutes, objectsPerBatch,
    reportPrefix: env.REPORT_PREFIX ?? 'drift-reports/',
    ...(policy ? { policy } : {}),
    ...(env.ON_DRIFT_PIPELINE_NAME ? { pipelineName: env.ON_DRIFT_PIPELINE_NAME } : {}),
    ...(env.ON_DRIFT_EVENT_BUS ? { eventBus: env.ON_DRIFT_EVENT_BUS } : {}),
  };
}

function driftedFeatures(result: DriftJobResult): string[] {
  return result.report.status === 'ok' ? result.report.features.filter((f) => f.drifted).map((f) => f.feature) : [];
}

async function runActions(config: Config, result: DriftJobResult, reportUri: string): Promise<DriftActionOutcome[]> {
  const outcomes: DriftActionOutcome[] = [];
  if (config.pipelineName) {
    try {
      // The same window gives the same token, so a retried invocation does not start a second execution.
      const token = createHash('sha256').update(`${config.modelName}|${result.windowEnd.toISOString()}`).digest('hex').slice(0, 48);
      const out = await sagemaker.send(new StartPipelineExecutionCommand({
        PipelineName: config.pipelineName,
        ClientRequestToken: token,
        PipelineExecutionDescription: `drift in ${config.modelName}: ${reportUri}`.slice(0, 3072),
      }));
      outcomes.push({ action: 'sagemaker-pipeline', status: 'done', ...(out.PipelineExecutionArn ? { id: out.PipelineExecutionArn } : {}) });
    } catch (e) {
      outcomes.push(failed('sagemaker-pipeline', e));
    }
  }
  if (config.eventBus) {
    try {
      const out = await events.send(new PutEventsCommand({
        Entries: [{
          EventBusName: config.eventBus,
          Source: 'sovereign-ml.drift-monitor',
          DetailType: 'sovereign-ml.drift',
          Detail: JSON.stringify({
            model: config.modelName, windowStart: result.windowStart.toISOString(), windowEnd: result.windowEnd.toISOString(),
            driftedShare: result.report.status === 'ok' ? result.report.driftedShare : 0, driftedFeatures: driftedFeatures(result), reportUri,
          }),
        }],
      }));
      const entry = out.Entries?.[0];
      if ((out.FailedEntryCount ?? 0) > 0) throw new Error(`PutEvents rejected the event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim());
      outcomes.push({ action: 'eventbridge', status: 'done', ...(entry?.EventId ? { id: entry.EventId } : {}) });
    } catch (e) {
      outcomes.push(failed('eventbridge', e));
    }
  }
  return outcomes;
}

function failed(action: DriftActionOutcome['action'], e: unknown): DriftActionOutcome {
  const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  logger.error('drift action failed', { action, error });
  return { action, status: 'failed', error };
}

function toReportDocument(result: DriftJobResult, actions: readonly DriftActionOutcome[]): Record<string, unknown> {
  return {
    format: 'sovereign-ml.drift-report',
    version: 1,
    model: result.modelName,
    windowStart: result.windowStart.toISOString(),
    windowEnd: result.windowEnd.toISOString(),
    prefixes: result.prefixes,
    objects: result.objects,
    report: result.report,
    stats: result.stats,
    actions,
  };
}

function summarize(result: DriftJobResult, reportUri: string, actions: DriftActionOutcome[]): DriftMonitorSummary {
  return {
    model: result.modelName,
    status: result.report.status,
    datasetDrift: result.report.status === 'ok' && result.report.datasetDrift,
    driftedFeatures: driftedFeatures(result),
    records: result.stats.rowsAnalyzed,
    linesRejected: result.stats.linesRejected,
    objects: result.objects,
    objectsCorrupt: result.stats.objectsCorrupt,
    windowStart: result.windowStart.toISOString(),
    windowEnd: result.windowEnd.toISOString(),
    reportUri,
    actions,
  };
}
