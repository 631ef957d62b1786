/**
 * Inference payloads turned into feature rows and output values, for the drift job: CSV
 * bodies, JSON bodies (Open Inference Protocol requests and responses, SageMaker
 * `instances` / `predictions`, plain arrays), JSON Lines bodies, and already structured
 * tensors (the ONNX function's capture records).
 *
 * Every function returns either a value or a {@link PayloadFailure} naming the reason, so
 * the caller can count the capture line as rejected and go on; nothing here throws on bad
 * data.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/cdf-inference.html
 * @see https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md
 */

import { parseNumericToken, splitCsv } from './csv';
import { scanCsvRows } from './private/csv-scan';

/** How a feature's values are read: numbers, or category strings. */
export type FeatureKind = 'numeric' | 'categorical';

/** One feature of the baseline, in the baseline's order. */
export interface CaptureFeature {
  /** The feature's name: the input tensor name or JSON key for by-name payloads. */
  readonly name: string;
  /** Numeric features take finite numbers; categorical features keep strings. */
  readonly kind: FeatureKind;
}

/** A value of one feature in one row: a number, a category string, or missing. */
export type CaptureCell = number | string | null;

/** Which model output to read, and where in it. */
export interface CaptureOutputOptions {
  /**
   * The output tensor (Open Inference Protocol, ONNX capture records), the top-level key of
   * a JSON response holding one value per row, or the field of a prediction object.
   * @default - the first output tensor, `predictions`, or the prediction object's first field
   */
  readonly name?: string;
  /**
   * The column within an output row: a CSV column, or the element of a `[batch, k]`
   * tensor row or a prediction array.
   * @default 0
   */
  readonly index?: number;
}

/** The text format of a decoded payload. */
export type PayloadFormat = 'csv' | 'json' | 'jsonlines';

/**
 * Why a capture line is rejected.
 *
 * | Reason | Meaning |
 * | --- | --- |
 * | `not-json` | the line is not JSON (and does not merely end early) |
 * | `truncated-json` | the line is JSON that ends inside an open object, array or string |
 * | `not-a-capture` | valid JSON, but not a capture record of the expected format |
 * | `unsupported-version` | a capture record of another format version |
 * | `malformed` | a capture record whose envelope lacks fields or has wrong types |
 * | `bad-base64` | `BASE64` data that is not canonical base64 |
 * | `unsupported-content-type` | a payload that is neither CSV nor JSON (images, protobuf, binary tensors) |
 * | `bad-payload` | a payload that cannot be parsed, has no rows, or has an unrecognised shape |
 * | `missing-input` | a capture without input data (SageMaker `Output`-only capture, a record without inputs) |
 * | `wrong-column-count` | a row whose columns do not match the features (by count, or by name for named inputs) |
 * | `non-numeric` | a value of a numeric feature that is not a finite number |
 * | `row-count-mismatch` | the output has a different number of rows than the input |
 */
export type CaptureRejectReason =
  | 'not-json' | 'truncated-json' | 'not-a-capture' | 'unsupported-version' | 'malformed'
  | 'bad-base64' | 'unsupported-content-type' | 'bad-payload' | 'missing-input'
  | 'wrong-column-count' | 'non-numeric' | 'row-count-mismatch';

/** Every {@link CaptureRejectReason}, in the order of its table. */
export const CAPTURE_REJECT_REASONS: readonly CaptureRejectReason[] = Object.freeze([
  'not-json', 'truncated-json', 'not-a-capture', 'unsupported-version', 'malformed',
  'bad-base64', 'unsupported-content-type', 'bad-payload', 'missing-input',
  'wrong-column-count', 'non-numeric', 'row-count-mismatch',
] as const);

/** A payload that could not be read: the reason to count and a message for examples. */
export interface PayloadFailure {
  readonly failure: CaptureRejectReason;
  readonly detail: string;
}

/** A tensor with plain JSON data, flat or nested along `shape` (row-major). */
export interface PlainTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: readonly unknown[];
}

/** Rows read from a payload (cells in feature order), or why they could not be. */
export type PayloadRows = { readonly rows: CaptureCell[][] } | PayloadFailure;
/** One output value per row, or why they could not be read. */
export type PayloadValues = { readonly values: CaptureCell[] } | PayloadFailure;

const fail = (failure: CaptureRejectReason, detail: string): PayloadFailure => ({ failure, detail });

/**
 * Reads a JSON value (or CSV token, as a string) for a feature of `kind`; `undefined` when
 * it does not fit: a non-numeric value of a numeric feature, or an object or array.
 */
export function toCell(value: unknown, kind: FeatureKind): CaptureCell | undefined {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) return kind === 'numeric' ? undefined : String(value);
      return kind === 'numeric' ? value : String(value);
    case 'string':
      if (kind === 'numeric') return parseNumericToken(value);
      return value === '' ? null : value;
    case 'boolean':
      return kind === 'numeric' ? (value ? 1 : 0) : String(value);
    default:
      return undefined;
  }
}

/** An output value: numbers (and numeric strings) as numbers, other strings kept, else missing or unreadable. */
function toOutputCell(value: unknown): CaptureCell | undefined {
  if (typeof value === 'string') {
    const n = parseNumericToken(value);
    return n === undefined ? value : n;
  }
  return toCell(value, 'numeric');
}

/**
 * Classifies a line that `JSON.parse` refused: `truncated-json` when it ends inside an open
 * object, array or string (a write cut short), `not-json` otherwise (text log lines, two
 * records on one line, syntax errors).
 */
export function classifyJsonFailure(text: string): 'truncated-json' | 'not-json' {
  const start = text.search(/\S/);
  if (start < 0 || (text[start] !== '{' && text[start] !== '[')) return 'not-json';
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 123 || c === 91) {
      depth++;
    } else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return 'not-json'; // closed, so something else is wrong
    }
  }
  return 'truncated-json';
}

/** Converts one positional row; `values.length` must equal the number of features. */
function positionalRow(values: readonly unknown[], features: readonly CaptureFeature[], where: string): CaptureCell[] | PayloadFailure {
  if (values.length !== features.length) {
    return fail('wrong-column-count', `${where} has ${values.length} columns, expected ${features.length}`);
  }
  const cells: CaptureCell[] = new Array<CaptureCell>(values.length);
  for (let i = 0; i < values.length; i++) {
    const f = features[i]!;
    const cell = toCell(values[i], f.kind);
    if (cell === undefined) return cellFailure(values[i], f, where);
    cells[i] = cell;
  }
  return cells;
}

function cellFailure(value: unknown, f: CaptureFeature, where: string): PayloadFailure {
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : JSON.stringify(value)?.slice(0, 40) ?? String(value);
  return typeof value === 'object' && value !== null
    ? fail('bad-payload', `${where} has a nested value for ${f.name}: ${shown}`)
    : fail('non-numeric', `${where} has ${shown} for numeric feature ${f.name}`);
}

/** Converts one JSON instance: an array, `{features: [...]}`, `{data: {features: {values}}}`, or an object keyed by feature name. */
function instanceRow(instance: unknown, features: readonly CaptureFeature[], where: string): CaptureCell[] | PayloadFailure {
  if (Array.isArray(instance)) return positionalRow(instance, features, where);
  if (typeof instance !== 'object' || instance === null) {
    return features.length === 1 ? positionalRow([instance], features, where) : fail('wrong-column-count', `${where} is a single value, expected ${features.length} columns`);
  }
  const o = instance as Record<string, unknown>;
  if (Array.isArray(o.features)) return positionalRow(o.features, features, where);
  const dense = (o.data as { features?: { values?: unknown; keys?: unknown } } | undefined)?.features;
  if (dense !== undefined && typeof dense === 'object' && dense !== null) {
    if (dense.keys !== undefined) return fail('bad-payload', `${where} is in the sparse format, which is not read`);
    if (Array.isArray(dense.values)) return positionalRow(dense.values, features, where);
  }
  let found = 0;
  const cells: CaptureCell[] = [];
  for (const f of features) {
    const v = o[f.name];
    if (v !== undefined) found++;
    const cell = toCell(v, f.kind);
    if (cell === undefined) return cellFailure(v, f, where);
    cells.push(cell);
  }
  if (found === 0) return fail('wrong-column-count', `${where} has none of the features by name (keys: ${Object.keys(o).slice(0, 5).join(', ')})`);
  return cells;
}

function collect(items: readonly unknown[], each: (item: unknown, where: string) => CaptureCell[] | PayloadFailure): PayloadRows {
  const rows: CaptureCell[][] = [];
  for (let i = 0; i < items.length; i++) {
    const r = each(items[i], `row ${i + 1}`);
    if (!Array.isArray(r)) return r;
    rows.push(r);
  }
  return rows.length === 0 ? fail('bad-payload', 'payload has no rows') : { rows };
}

function parseJson(text: string, what: string): { value: unknown } | PayloadFailure {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return fail('bad-payload', `${what} is not JSON (${classifyJsonFailure(text) === 'truncated-json' ? 'it ends early' : 'syntax error'})`);
  }
}

function isTensorList(v: unknown): v is PlainTensor[] {
  return Array.isArray(v) && v.length > 0 && v.every((t) => typeof t === 'object' && t !== null && !Array.isArray(t)
    && typeof (t as { name?: unknown }).name === 'string');
}

/**
 * Reads the input rows of a payload.
 *
 * - `csv`: one row per non-empty line; columns map to features by position; an empty value
 *   is missing.
 * - `json`: an Open Inference Protocol request (`{"inputs": [...]}`, see
 *   {@link tensorsToRows}); `{"instances": [...]}` (each instance an array,
 *   `{"features": [...]}`, `{"data": {"features": {"values": [...]}}}`, or an object keyed
 *   by feature name, absent keys missing); an array of rows; or one flat array as one row.
 * - `jsonlines`: one instance per non-empty line.
 *
 * A payload with no rows is `bad-payload`.
 */
export function readInputRows(text: string, format: PayloadFormat, features: readonly CaptureFeature[]): PayloadRows {
  if (format === 'csv') {
    // The one-pass scan answers for well-formed unquoted CSV; the rest (and every failure,
    // with its detail) comes from the general path below.
    const scanned = scanCsvRows(text, features);
    if (scanned !== undefined) return { rows: scanned };
    const table = splitCsv(text);
    if (table === undefined) return fail('bad-payload', 'CSV payload has an unclosed quoted field');
    return collect(table, (r, where) => positionalRow(r as string[], features, where));
  }
  if (format === 'jsonlines') {
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const values: unknown[] = [];
    for (const [i, l] of lines.entries()) {
      const parsed = parseJson(l, `JSON Lines record ${i + 1}`);
      if ('failure' in parsed) return parsed;
      values.push(parsed.value);
    }
    return collect(values, (v, where) => instanceRow(v, features, where));
  }
  const parsed = parseJson(text, 'JSON payload');
  if ('failure' in parsed) return parsed;
  const body = parsed.value;
  if (Array.isArray(body)) {
    return body.length > 0 && body.every((x) => typeof x !== 'object' || x === null)
      ? collect([body], (v, where) => instanceRow(v, features, where))
      : collect(body, (v, where) => instanceRow(v, features, where));
  }
  if (typeof body === 'object' && body !== null) {
    const o = body as Record<string, unknown>;
    if (isTensorList(o.inputs)) return tensorsToRows(o.inputs, features);
    if (Array.isArray(o.instances)) return collect(o.instances, (v, where) => instanceRow(v, features, where));
    if (Array.isArray(o.features) || typeof o.data === 'object') return collect([o], (v, where) => instanceRow(v, features, where));
  }
  return fail('bad-payload', 'JSON payload is none of: inference protocol request, {"instances": [...]}, array of rows');
}

/** The tensor's data flattened, or a failure when its element count does not match its shape. */
function flatData(t: PlainTensor, label: string): unknown[] | PayloadFailure {
  const shape = t.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    return fail('bad-payload', `${label} has an invalid shape ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(t.data)) return fail('bad-payload', `${label} has no data array`);
  const flat = t.data.some(Array.isArray) ? (t.data as unknown[]).flat(Infinity) : t.data as unknown[];
  const count = shape.reduce((a, b) => a * b, 1);
  if (flat.length !== count) return fail('bad-payload', `${label} has ${flat.length} elements but shape [${shape.join(',')}] needs ${count}`);
  return flat;
}

/**
 * Maps input tensors to rows.
 *
 * - One input with shape `[batch, n]`, n the number of features: columns map to features
 *   by index (`[n]` alone is one row). This is the layout when the single input's name is
 *   not a feature name, or there are several features.
 * - Otherwise inputs map by name: each feature needs an input of that name with shape
 *   `[batch]` or `[batch, 1]`, all with the same batch; inputs that are not features are
 *   left out. A feature without an input is `wrong-column-count`.
 */
export function tensorsToRows(inputs: readonly PlainTensor[], features: readonly CaptureFeature[]): PayloadRows {
  if (inputs.length === 0) return fail('missing-input', 'capture has no input tensors');
  const first = inputs[0]!;
  const byName = inputs.length > 1 || (features.length === 1 && features[0]!.name === first.name);
  if (!byName) {
    const label = `input ${JSON.stringify(first.name)}`;
    const data = flatData(first, label);
    if (!Array.isArray(data)) return data;
    const shape = first.shape;
    if (shape.length === 1) return collect([data], (v, where) => positionalRow(v as unknown[], features, where));
    if (shape.length !== 2) return fail('bad-payload', `${label} has shape [${shape.join(',')}], expected [batch, ${features.length}]`);
    const [batch, width] = shape as [number, number];
    if (width !== features.length) return fail('wrong-column-count', `${label} has shape [${batch},${width}], expected ${features.length} columns`);
    const rows: unknown[][] = [];
    for (let r = 0; r < batch; r++) rows.push(data.slice(r * width, (r + 1) * width));
    return collect(rows, (v, where) => positionalRow(v as unknown[], features, where));
  }
  const columns: unknown[][] = [];
  let batch: number | undefined;
  for (const f of features) {
    const t = inputs.find((x) => x.name === f.name);
    if (t === undefined) {
      return fail('wrong-column-count', `no input named ${JSON.stringify(f.name)} (inputs: ${inputs.map((x) => x.name).slice(0, 5).join(', ')})`);
    }
    const label = `input ${JSON.stringify(t.name)}`;
    const data = flatData(t, label);
    if (!Array.isArray(data)) return data;
    if (t.shape.length < 1 || t.shape.length > 2 || (t.shape.length === 2 && t.shape[1] !== 1)) {
      return fail('bad-payload', `${label} has shape [${t.shape.join(',')}], expected [batch] or [batch, 1]`);
    }
    if (batch !== undefined && t.shape[0] !== batch) return fail('bad-payload', `${label} has batch ${t.shape[0]}, other inputs ${batch}`);
    batch = t.shape[0]!;
    columns.push(data);
  }
  const rows: unknown[][] = [];
  for (let r = 0; r < (batch ?? 0); r++) rows.push(columns.map((c) => c[r]));
  return collect(rows, (v, where) => positionalRow(v as unknown[], features, where));
}

/** Picks an output value from one prediction: a scalar, an array element, or an object field. */
function pick(prediction: unknown, output: CaptureOutputOptions, where: string): CaptureCell | PayloadFailure {
  let v = prediction;
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const key = output.name ?? Object.keys(o)[0];
    if (key === undefined || !(key in o)) return fail('bad-payload', `${where} has no field ${JSON.stringify(key ?? '')}`);
    v = o[key];
  }
  if (Array.isArray(v)) {
    const i = output.index ?? 0;
    if (i >= v.length) return fail('bad-payload', `${where} has ${v.length} elements, no element ${i}`);
    v = v[i];
  }
  const cell = toOutputCell(v);
  return cell === undefined ? fail('bad-payload', `${where} output is not a number or string`) : cell;
}

function pickAll(predictions: readonly unknown[], output: CaptureOutputOptions, rowCount: number): PayloadValues {
  // One row whose prediction is a whole array (class scores) rather than a batch of one.
  const items = predictions.length !== rowCount && rowCount === 1 ? [predictions] : predictions;
  if (items.length !== rowCount) return fail('row-count-mismatch', `output has ${items.length} rows, input ${rowCount}`);
  const values: CaptureCell[] = [];
  for (let i = 0; i < items.length; i++) {
    const v = pick(items[i], output, `output row ${i + 1}`);
    if (typeof v === 'object' && v !== null) return v;
    values.push(v);
  }
  return { values };
}

/**
 * Reads one output value per input row.
 *
 * - `csv`: one row per non-empty line, column `index`; a single line with exactly
 *   `rowCount` (more than one) values is one value per row, as some containers answer a
 *   batch on one line.
 * - `json`: an Open Inference Protocol response (`{"outputs": [...]}`, see
 *   {@link tensorOutputValues}); an object whose key `name` holds one value per row;
 *   `{"predictions": [...]}`; an array; a single value or prediction object (one row).
 * - `jsonlines`: one prediction per non-empty line.
 *
 * A prediction is a number or string, an array (element `index`), or an object (field
 * `name`, else its first field). Numeric strings read as numbers.
 */
export function readOutputValues(text: string, format: PayloadFormat, output: CaptureOutputOptions, rowCount: number): PayloadValues {
  if (format === 'csv') {
    const table = splitCsv(text);
    if (table === undefined) return fail('bad-payload', 'CSV output has an unclosed quoted field');
    if (table.length === 1 && rowCount > 1 && table[0]!.length === rowCount && output.index === undefined) {
      return pickAll(table[0]!, output, rowCount);
    }
    return pickAll(table, output, rowCount);
  }
  if (format === 'jsonlines') {
    const values: unknown[] = [];
    for (const [i, l] of text.split('\n').filter((x) => x.trim() !== '').entries()) {
      const parsed = parseJson(l, `output JSON Lines record ${i + 1}`);
      if ('failure' in parsed) return parsed;
      values.push(parsed.value);
    }
    return pickAll(values, output, rowCount);
  }
  const parsed = parseJson(text, 'JSON output');
  if ('failure' in parsed) return parsed;
  const body = parsed.value;
  if (Array.isArray(body)) return pickAll(body, output, rowCount);
  if (typeof body === 'object' && body !== null) {
    const o = body as Record<string, unknown>;
    if (isTensorList(o.outputs)) return tensorOutputValues(o.outputs, output, rowCount);
    if (output.name !== undefined && Array.isArray(o[output.name])) return pickAll(o[output.name] as unknown[], { index: output.index }, rowCount);
    if (Array.isArray(o.predictions)) return pickAll(o.predictions, output, rowCount);
  }
  return pickAll([body], output, rowCount);
}

/**
 * Reads one value per row from output tensors: the tensor named `name` (else the first);
 * shape `[]` or `[batch]` gives one value per row, `[batch, k, ...]` element `index` of each
 * row's `k...` elements. With one input row, a tensor whose first dimension is not 1 is that
 * row's vector.
 */
export function tensorOutputValues(outputs: readonly PlainTensor[], output: CaptureOutputOptions, rowCount: number): PayloadValues {
  const t = output.name === undefined ? outputs[0] : outputs.find((x) => x.name === output.name);
  if (t === undefined) {
    return fail('bad-payload', output.name === undefined ? 'capture has no output tensors' : `no output named ${JSON.stringify(output.name)}`);
  }
  const label = `output ${JSON.stringify(t.name)}`;
  const data = flatData(t, label);
  if (!Array.isArray(data)) return data;
  const index = output.index ?? 0;
  const batch = t.shape.length === 0 ? 1 : t.shape[0]!;
  if (batch !== rowCount) {
    return rowCount === 1 ? pickAll([data], { index }, 1) : fail('row-count-mismatch', `${label} has batch ${batch}, input ${rowCount} rows`);
  }
  const width = batch === 0 ? 0 : data.length / batch;
  if (index >= width) return fail('bad-payload', `${label} rows have ${width} elements, no element ${index}`);
  const values: CaptureCell[] = [];
  for (let r = 0; r < batch; r++) {
    const cell = toOutputCell(data[r * width + index]);
    if (cell === undefined) return fail('bad-payload', `${label} row ${r + 1} is not a number or string`);
    values.push(cell);
  }
  return { values };
}
