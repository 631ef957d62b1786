/**
 * Sampled capture of inference requests and responses as capture records (the format is
 * documented in lib/capture/capture-record.ts), for the drift job.
 */
import { CAPTURE_KIND, CAPTURE_VERSION, formatCaptureLine, type CapturedTensor, type CaptureRecord } from '../../lib/capture';
import { halfToFloat, type InferenceRequest, type InferenceResponse, type Tensor } from '../../lib/inference';

/** Options of {@link createCapture}. */
export interface CaptureOptions {
  /** Share of requests captured, 0-100. */
  readonly samplingPercent: number;
  readonly modelName: string;
  readonly modelVersion: string;
  /**
   * Where a capture line goes (the log stream, or hourly files filed by the record's `time`,
   * which is why the record comes along).
   */
  readonly write: (line: string, record: CaptureRecord) => void;
  /**
   * A uniform random number in [0, 1).
   * @default Math.random
   */
  readonly random?: () => number;
  /**
   * The current time.
   * @default () => new Date()
   */
  readonly now?: () => Date;
}

/** Returns a function that captures a sampled share of inferences; `true` when it captured. */
export function createCapture(options: CaptureOptions): (request: InferenceRequest, response: InferenceResponse, requestId: string) => boolean {
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => new Date());
  const share = Math.min(100, Math.max(0, options.samplingPercent)) / 100;
  return (request, response, requestId) => {
    if (share === 0 || random() >= share) return false;
    const record: CaptureRecord = {
      kind: CAPTURE_KIND,
      v: CAPTURE_VERSION,
      time: now().toISOString(),
      model: { name: options.modelName, version: options.modelVersion },
      requestId,
      ...(request.id !== undefined ? { inferenceId: request.id } : {}),
      inputs: request.inputs.map(toCaptured),
      outputs: response.outputs.map(toCaptured),
    };
    options.write(formatCaptureLine(record), record);
    return true;
  };
}

/** A tensor as plain JSON values. */
export function toCaptured(t: Tensor): CapturedTensor {
  let data: Array<number | boolean | string>;
  if (Array.isArray(t.data)) {
    data = t.data;
  } else if (t.datatype === 'BOOL') {
    data = Array.from(t.data as Uint8Array, (v) => v !== 0);
  } else if (t.datatype === 'FP16') {
    data = Array.from(t.data as Uint16Array, halfToFloat);
  } else if (t.data instanceof BigInt64Array || t.data instanceof BigUint64Array) {
    data = Array.from(t.data as ArrayLike<bigint>, Number);
  } else {
    data = Array.from(t.data as ArrayLike<number>);
  }
  return { name: t.name, datatype: t.datatype, shape: [...t.shape], data };
}
