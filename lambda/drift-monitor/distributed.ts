/**
 * The drift job split for a Step Functions Distributed Map: `plan` lists the window's
 * capture objects and writes a manifest of batches, one `partial` per batch builds the
 * windows of its objects and writes them as JSON, and `reduce` merges the partial of every
 * batch Plan produced and evaluates the result. The windows merge exactly, so the report is the one a single run
 * over all objects would give.
 *
 * Everything lives under a work prefix of the capture bucket (in the boundary, encrypted
 * with the capture key): `drift-work/<model>/<window end>/manifest.json` and
 * `…/partials/<index>.json`; `reduce` deletes them once the report is written.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */
import { text } from 'node:stream/consumers';
import { DRIFT_WORK_PREFIX, type BaselineDocument, type DriftPolicy } from '../../lib/drift';
import { ErrorCode, SovereignMlError } from '../../lib/errors';
import {
  buildWindows, emptyPartial, mergePartials, windowKeys, windowResult,
  type DriftCaptureFormat, type DriftJobDeps, type DriftJobResult, type PartialWindows, type WindowLocation,
} from './drift-job';

export type { WindowLocation };

/** The S3 operations of the distributed job, besides listing and reading. */
export interface DistributedJobDeps extends DriftJobDeps {
  putObject(bucket: string, key: string, body: string): Promise<void>;
  /** Deletes up to 1,000 keys; rejects when any key could not be deleted. */
  deleteObjects(bucket: string, keys: readonly string[]): Promise<void>;
}

/** One item of the manifest: a batch of capture object keys for one child. */
export interface ManifestBatch {
  readonly index: number;
  readonly keys: readonly string[];
}

/** What `plan` hands to the state machine. */
export interface PlanResult {
  readonly bucket: string;
  readonly manifestKey: string;
  readonly workPrefix: string;
  /** ISO-8601; the children and the reducer use the same window. */
  readonly windowEnd: string;
  readonly objects: number;
  readonly batches: number;
}

/** What a child returns (small: the Map discards it; the partial itself is in S3). */
export interface PartialResult {
  readonly index: number;
  readonly partialKey: string;
  readonly objects: number;
  readonly rows: number;
}

/** The work prefix of a model's window. */
export function workPrefixOf(modelName: string, windowEnd: Date): string {
  return `${DRIFT_WORK_PREFIX}${modelName}/${windowEnd.toISOString()}/`;
}

/**
 * Lists the window's objects and writes the manifest: batches of at most
 * `objectsPerBatch` keys, in listing order.
 * @throws SovereignMlError INVALID_PROPS when `objectsPerBatch` is not a positive integer
 */
export async function planWindow(input: WindowLocation & { readonly objectsPerBatch: number }, deps: DistributedJobDeps): Promise<PlanResult> {
  if (!Number.isInteger(input.objectsPerBatch) || input.objectsPerBatch < 1) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `objectsPerBatch must be a positive integer, got ${input.objectsPerBatch}`);
  }
  const keys: string[] = [];
  for await (const key of windowKeys(input, deps)) keys.push(key);
  const batches: ManifestBatch[] = [];
  for (let i = 0; i < keys.length; i += input.objectsPerBatch) {
    batches.push({ index: batches.length, keys: keys.slice(i, i + input.objectsPerBatch) });
  }
  const workPrefix = workPrefixOf(input.modelName, input.windowEnd);
  const manifestKey = `${workPrefix}manifest.json`;
  await deps.putObject(input.bucket, manifestKey, JSON.stringify(batches));
  return { bucket: input.bucket, manifestKey, workPrefix, windowEnd: input.windowEnd.toISOString(), objects: keys.length, batches: batches.length };
}

/** The key of a child's partial: zero-padded, so that listing order is index order. */
export function partialKeyOf(workPrefix: string, index: number): string {
  return `${workPrefix}partials/${String(index).padStart(6, '0')}.json`;
}

/**
 * Builds the windows of one batch and writes them under the work prefix. A retried child
 * overwrites its own partial, so a retry never counts an object twice.
 */
export async function buildPartial(
  baseline: BaselineDocument,
  input: { readonly format: DriftCaptureFormat; readonly bucket: string; readonly workPrefix: string; readonly batch: ManifestBatch },
  deps: DistributedJobDeps,
): Promise<PartialResult> {
  const { batch } = input;
  if (!Number.isInteger(batch.index) || batch.index < 0 || !Array.isArray(batch.keys) || !batch.keys.every((k) => typeof k === 'string')) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `a batch needs a non-negative integer index and an array of keys, got ${JSON.stringify(batch).slice(0, 200)}`);
  }
  if (!input.workPrefix.startsWith(DRIFT_WORK_PREFIX)) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `workPrefix must start with ${DRIFT_WORK_PREFIX}, got ${JSON.stringify(input.workPrefix)}`);
  }
  const part = await buildWindows(baseline, { format: input.format, bucket: input.bucket, keys: batch.keys }, deps);
  const partialKey = partialKeyOf(input.workPrefix, batch.index);
  await deps.putObject(input.bucket, partialKey, encodePartial(part));
  return { index: batch.index, partialKey, objects: part.objects, rows: part.stats.rowsAnalyzed };
}

/**
 * Merges the partials of exactly the `batches` Plan produced (in index order) and
 * evaluates them. Other objects under `partials/` (left by an earlier run of the same
 * window with another batch size) are not merged, only deleted with the work objects.
 * With no batches (an empty window) the result is that of an empty window: insufficient data.
 * @returns the result and the work keys to delete once the report is written
 * @throws SovereignMlError INVALID_PROPS when `batches` is not a non-negative integer, or
 *   when a batch's partial is missing (checked before any partial is read)
 */
export async function reducePartials(
  baseline: BaselineDocument,
  input: WindowLocation & { readonly workPrefix: string; readonly batches: number; readonly policy?: DriftPolicy },
  deps: DistributedJobDeps,
): Promise<{ readonly result: DriftJobResult; readonly workKeys: string[] }> {
  if (!Number.isInteger(input.batches) || input.batches < 0) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `batches must be a non-negative integer, got ${JSON.stringify(input.batches)}`);
  }
  const partialKeys = Array.from({ length: input.batches }, (_, i) => partialKeyOf(input.workPrefix, i));
  const listed = new Set<string>();
  for await (const key of deps.listKeys(input.bucket, `${input.workPrefix}partials/`)) listed.add(key);
  const missing = partialKeys.filter((k) => !listed.has(k));
  if (missing.length > 0) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `${missing.length} of ${input.batches} partial(s) of ${input.workPrefix} are missing, first ${missing[0]}: a child did not write its partial`);
  }
  // One partial in memory at a time besides the running merge: a partial holds up to a
  // full sample per feature, and a big window has many.
  let merged: PartialWindows | undefined;
  for (const key of partialKeys) {
    const part = decodePartial(await text(await deps.openObject(input.bucket, key)), key);
    merged = merged ? mergePartials([merged, part]) : part;
  }
  const result = windowResult(baseline, input, merged ?? emptyPartial(baseline), input.policy);
  return { result, workKeys: [`${input.workPrefix}manifest.json`, ...[...listed].sort()] };
}

/** Deletes the work objects, 1,000 keys per request (the DeleteObjects limit). */
export async function deleteWork(bucket: string, keys: readonly string[], deps: DistributedJobDeps): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) await deps.deleteObjects(bucket, keys.slice(i, i + 1000));
}

/**
 * A partial as JSON. The windows hold only finite numbers, strings and counts, which JSON
 * carries exactly (a double prints as its shortest round-trip form); a non-finite number
 * would turn into `null`, so one is refused rather than silently changed.
 */
export function encodePartial(part: PartialWindows): string {
  return JSON.stringify({ format: 'sovereign-ml.drift-partial', version: 1, part }, (_key, value: unknown) => {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `a partial window holds a non-finite number (${value}); it cannot be carried as JSON`);
    }
    return value;
  });
}

/**
 * Reads a partial written by {@link encodePartial}.
 * @throws SovereignMlError INVALID_PROPS naming the source when it is not one
 */
export function decodePartial(body: string, source: string): PartialWindows {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (cause) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `partial ${source} is not JSON: ${(cause as Error).message}`, { cause });
  }
  const d = doc as { format?: unknown; version?: unknown; part?: { features?: unknown; stats?: unknown; objects?: unknown } } | null;
  if (d?.format !== 'sovereign-ml.drift-partial' || d.version !== 1 || typeof d.part?.features !== 'object' || typeof d.part.stats !== 'object' || typeof d.part.objects !== 'number') {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `${source} is not a sovereign-ml.drift-partial version 1 document`);
  }
  return d.part as PartialWindows;
}
