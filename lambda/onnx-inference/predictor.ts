/**
 * The ONNX predictor: one onnxruntime session, its Open Inference Protocol metadata, and
 * request validation against it. Used by the Lambda adapter and the HTTP server alike.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  datatypeToOnnxType, encodeInferenceResponse, InferenceError,
  InferenceErrorCode, onnxTypeToDatatype, parseInferenceRequest,
  type EncodedResponse, type InferenceRequest, type InferenceResponse, type ModelMetadata, type Tensor, type TensorData, type TensorMetadata,
} from '../../lib/inference';

/** Options of {@link createPredictor}. */
export interface PredictorOptions {
  /** Path of the `.onnx` file. */
  readonly modelPath: string;
  /**
   * Model name in metadata and responses.
   * @default - the file name without `.onnx`
   */
  readonly name?: string;
  /**
   * Model version in metadata and responses.
   * @default '1'
   */
  readonly version?: string;
  /**
   * Largest request body accepted, in bytes.
   * @default 6 MiB (the Lambda synchronous invocation payload limit)
   */
  readonly maxRequestBytes?: number;
  /**
   * Threads onnxruntime uses within one operator.
   * @default - the CPUs available to the process (os.availableParallelism())
   */
  readonly intraOpNumThreads?: number;
}

/** A model ready to serve. */
export interface Predictor {
  /** The model's name. */
  readonly name: string;
  /** The model's version. */
  readonly version: string;
  /** Open Inference Protocol model metadata derived from the session. */
  readonly metadata: ModelMetadata;
  /**
   * Runs one inference request given as an Open Inference Protocol (V2) JSON object and
   * returns the V2 JSON response object.
   * @throws InferenceError with a stable code and HTTP status
   */
  infer(request: unknown): Promise<Record<string, unknown>>;
  /**
   * Runs one request from its HTTP body (JSON, or JSON header plus binary tensors when
   * `headerLength` is the `Inference-Header-Content-Length`), returning the encoded body.
   *
   * The body is read in place: binary input tensors whose bytes are aligned for their type
   * are views of `body`, not copies (the request returned aliases it). Hand over a body
   * that is not changed while the returned promise is pending, nor afterwards while the
   * returned request is in use: the Lambda adapter and the HTTP server pass a fresh buffer
   * per request.
   */
  inferBody(body: Uint8Array | string, headerLength?: number, options?: { readonly jsonOnly?: boolean }): Promise<{ encoded: EncodedResponse; request: InferenceRequest; response: InferenceResponse }>;
  /** Frees the session. */
  release(): Promise<void>;
}

/** Creates a predictor: loads the model once, with graph optimizations on. */
export async function createPredictor(options: PredictorOptions): Promise<Predictor> {
  const threads = options.intraOpNumThreads ?? Math.max(1, os.availableParallelism());
  const session = await ort.InferenceSession.create(options.modelPath, {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
  const name = options.name ?? path.basename(options.modelPath).replace(/\.onnx$/, '');
  const version = options.version ?? '1';
  const inputs = session.inputNames.map((n, i) => tensorMetadata(n, session.inputMetadata[i]));
  const outputs = session.outputNames.map((n, i) => tensorMetadata(n, session.outputMetadata[i]));
  const metadata: ModelMetadata = { name, versions: [version], platform: 'onnxruntime', inputs, outputs };
  const maxBytes = options.maxRequestBytes ?? 6 * 1024 * 1024;

  const run = async (request: InferenceRequest): Promise<InferenceResponse> => {
    const feeds = feedsFor(request, inputs);
    const wanted = request.outputs?.map((o) => o.name) ?? outputs.map((o) => o.name);
    for (const [i, w] of wanted.entries()) {
      if (!outputs.some((o) => o.name === w)) {
        throw new InferenceError(InferenceErrorCode.UNKNOWN_OUTPUT, `outputs[${i}] ${JSON.stringify(w)} is not an output of model ${name}; outputs are ${outputs.map((o) => o.name).join(', ')}`);
      }
    }
    let results: ort.InferenceSession.OnnxValueMapType;
    try {
      results = await session.run(feeds, wanted);
    } catch (e) {
      throw new InferenceError(InferenceErrorCode.MODEL_ERROR, `model ${name} failed to run: ${firstLine(e)}`);
    }
    return {
      model_name: name,
      model_version: version,
      id: request.id,
      outputs: wanted.map((w) => fromOrtTensor(w, results[w] as ort.Tensor)),
    };
  };

  return {
    name,
    version,
    metadata,
    async infer(request: unknown) {
      // One validation path for objects and bodies: the object is checked as its JSON text.
      const parsed = parseInferenceRequest(JSON.stringify(request ?? null), { maxBytes });
      const response = await run(parsed);
      return JSON.parse(Buffer.from(encodeInferenceResponse(response, () => false, { trusted: true }).body).toString('utf8')) as Record<string, unknown>;
    },
    async inferBody(body, headerLength, opts = {}) {
      // The body is ours for the request (see Predictor.inferBody): aligned binary inputs go to onnxruntime uncopied.
      const request = parseInferenceRequest(body, { maxBytes, headerLength, copyBinary: false });
      const response = await run(request);
      const binary = (outputName: string) => !opts.jsonOnly && (request.binaryOutputs || (request.outputs?.some((o) => o.name === outputName && o.binary) ?? false));
      // Outputs come from fromOrtTensor: a known datatype, onnxruntime's dims and its typed data.
      return { encoded: encodeInferenceResponse(response, binary, { trusted: true }), request, response };
    },
    release: () => session.release(),
  };
}

function tensorMetadata(name: string, meta: unknown): TensorMetadata {
  const m = meta as { isTensor?: boolean; type?: string; shape?: ReadonlyArray<number | string> } | undefined;
  const datatype = m?.type ? onnxTypeToDatatype(m.type) : undefined;
  if (!m?.isTensor || !datatype) {
    throw new InferenceError(InferenceErrorCode.MODEL_NOT_READY, `model ${name} uses a non-tensor or unsupported type ${m?.type ?? '(unknown)'}`);
  }
  return { name, datatype, shape: (m.shape ?? []).map((d) => (typeof d === 'number' && d >= 0 ? d : -1)) };
}

/** Validates inputs against the model and builds onnxruntime tensors. */
function feedsFor(request: InferenceRequest, inputs: readonly TensorMetadata[]): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  request.inputs.forEach((t, i) => {
    const meta = inputs.find((m) => m.name === t.name);
    const where = () => `inputs[${i}] (${JSON.stringify(t.name)})`;
    if (!meta) {
      throw new InferenceError(InferenceErrorCode.UNKNOWN_INPUT, `${where()} is not an input of the model; inputs are ${inputs.map((m) => m.name).join(', ')}`);
    }
    if (t.datatype !== meta.datatype) {
      throw new InferenceError(InferenceErrorCode.DATATYPE_MISMATCH, `${where()}.datatype is ${t.datatype} but the model takes ${meta.datatype}`);
    }
    const fits = t.shape.length === meta.shape.length && meta.shape.every((d, k) => d === -1 || d === t.shape[k]);
    if (!fits) {
      throw new InferenceError(InferenceErrorCode.SHAPE_MISMATCH, `${where()}.shape [${t.shape.join(',')}] does not fit the model's [${meta.shape.join(',')}] (-1 is any size)`);
    }
    feeds[t.name] = new ort.Tensor(datatypeToOnnxType(t.datatype) as ort.Tensor.Type, t.data as never, [...t.shape]);
  });
  const missing = inputs.filter((m) => !(m.name in feeds));
  if (missing.length > 0) {
    throw new InferenceError(InferenceErrorCode.MISSING_INPUT, `the request lacks ${missing.length === 1 ? 'input' : 'inputs'} ${missing.map((m) => JSON.stringify(m.name)).join(', ')}`);
  }
  return feeds;
}

function fromOrtTensor(name: string, t: ort.Tensor): Tensor {
  const datatype = onnxTypeToDatatype(t.type);
  if (!datatype) {
    throw new InferenceError(InferenceErrorCode.MODEL_ERROR, `output ${JSON.stringify(name)} has unsupported type ${t.type}`);
  }
  // onnxruntime gives each type the typed array TensorData lists, except FP16 where the
  // runtime has Float16Array: keep the IEEE 754 bit patterns, as TensorData says.
  let data = t.data as TensorData;
  if (datatype === 'FP16' && !(data instanceof Uint16Array)) {
    const halves = data as unknown as ArrayBufferView;
    data = new Uint16Array(halves.buffer, halves.byteOffset, halves.byteLength / 2);
  }
  return { name, datatype, shape: t.dims.map(Number), data };
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);
}
