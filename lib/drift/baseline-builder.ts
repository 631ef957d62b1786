/**
 * Builds a baseline by streaming rows once, in bounded memory: per numeric feature a
 * running mean/variance (Welford), min, max and a uniform reservoir sample; per
 * categorical feature a count per value (capped). Bin edges are the sample's quantiles.
 */
import { ErrorCode, SovereignMlError } from '../errors';
import { OTHER_CATEGORY, type BaselineDocument, type FeatureBaseline } from './baseline';

/** Options of {@link BaselineBuilder}. */
export interface BaselineBuilderOptions {
  /** Columns that are categorical (the rest are numeric). */
  readonly categorical?: readonly string[];
  /** Columns left out (the label, ids). */
  readonly exclude?: readonly string[];
  /** A column recorded as the model output distribution instead of a feature. */
  readonly outputColumn?: string;
  /**
   * Largest sample kept per numeric feature.
   * @default 10000
   */
  readonly sampleSize?: number;
  /**
   * Number of quantile bins.
   * @default 10
   */
  readonly bins?: number;
  /**
   * Categories kept by name; the rest fold into `__other__`.
   * @default 50
   */
  readonly topK?: number;
  /**
   * Seed of the sampling generator (the same data and seed give the same baseline).
   * @default 1
   */
  readonly seed?: number;
  /** Where the data came from, recorded in the document. */
  readonly source?: string;
}

/** A value of one cell: a number, a category string, or missing. */
export type Cell = number | string | null;

/** Counts of rows the builder took and refused. */
export interface BuildStats {
  rows: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
}

const MAX_DISTINCT = 100_000;

/** Streams rows into a baseline. */
export class BaselineBuilder {
  private readonly accumulators: Array<NumericAccumulator | CategoricalAccumulator | undefined>;
  private readonly outputIndex: number;
  private rows = 0;

  public constructor(private readonly columns: readonly string[], private readonly options: BaselineBuilderOptions = {}) {
    const categorical = new Set(options.categorical ?? []);
    const exclude = new Set(options.exclude ?? []);
    for (const name of [...categorical, ...exclude, ...(options.outputColumn ? [options.outputColumn] : [])]) {
      if (!columns.includes(name)) {
        throw new SovereignMlError(ErrorCode.INVALID_PROPS, `column ${JSON.stringify(name)} is not in the data; columns are ${columns.join(', ')}`);
      }
    }
    const random = xorshift(options.seed ?? 1);
    const sampleSize = options.sampleSize ?? 10_000;
    this.outputIndex = options.outputColumn ? columns.indexOf(options.outputColumn) : -1;
    this.accumulators = columns.map((name) => {
      if (exclude.has(name)) return undefined;
      return categorical.has(name) ? new CategoricalAccumulator(name) : new NumericAccumulator(name, sampleSize, random);
    });
  }

  /**
   * Adds one row (cells in column order). A non-numeric cell in a numeric column throws
   * `SovereignMlError` INVALID_PROPS without changing any accumulator, so the caller can
   * count the row as rejected and go on.
   */
  public addRow(cells: readonly Cell[]): void {
    if (cells.length !== this.columns.length) {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `row has ${cells.length} cells, expected ${this.columns.length}`);
    }
    // Check the whole row first: a rejected row leaves no partial trace.
    const parsed = cells.map((c, i) => {
      const acc = this.accumulators[i];
      return acc instanceof NumericAccumulator ? toNumber(c, this.columns[i]!) : c === null || c === '' ? null : String(c);
    });
    parsed.forEach((v, i) => this.accumulators[i]?.add(v as never));
    this.rows++;
  }

  /** The baseline document. */
  public build(): BaselineDocument {
    if (this.rows === 0) throw new SovereignMlError(ErrorCode.INVALID_PROPS, 'no rows: a baseline needs reference data');
    const bins = this.options.bins ?? 10;
    const topK = this.options.topK ?? 50;
    const entries = this.accumulators.map((a) => a?.toBaseline(bins, topK));
    const features = entries.filter((e, i): e is FeatureBaseline => e !== undefined && i !== this.outputIndex);
    return {
      format: 'sovereign-ml.baseline',
      version: 1,
      createdAt: new Date().toISOString(),
      rows: this.rows,
      ...(this.options.source ? { source: this.options.source } : {}),
      features,
      ...(this.outputIndex >= 0 ? { output: entries[this.outputIndex] } : {}),
    };
  }
}

function toNumber(cell: Cell, column: string): number | null {
  if (cell === null || cell === '') return null;
  const n = typeof cell === 'number' ? cell : Number(cell);
  if (!Number.isFinite(n)) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `column ${column} is numeric but has ${JSON.stringify(cell)}`);
  }
  return n;
}

class NumericAccumulator {
  private count = 0;
  private missing = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;
  private readonly sample: number[] = [];

  public constructor(private readonly name: string, private readonly sampleSize: number, private readonly random: () => number) {}

  public add(v: number | null): void {
    if (v === null) {
      this.missing++;
      return;
    }
    this.count++;
    const d = v - this.mean;
    this.mean += d / this.count;
    this.m2 += d * (v - this.mean);
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    // Algorithm R: every value ends up in the sample with probability sampleSize/count.
    if (this.sample.length < this.sampleSize) {
      this.sample.push(v);
    } else {
      const j = Math.floor(this.random() * this.count);
      if (j < this.sampleSize) this.sample[j] = v;
    }
  }

  public toBaseline(bins: number): FeatureBaseline {
    const sorted = Float64Array.from(this.sample).sort();
    const edges = quantileEdges(sorted, bins);
    const counts = histogram(sorted, edges);
    const scale = sorted.length ? this.count / sorted.length : 0;
    return {
      name: this.name,
      kind: 'numeric',
      count: this.count,
      missing: this.missing,
      mean: this.count ? this.mean : 0,
      std: this.count > 1 ? Math.sqrt(this.m2 / (this.count - 1)) : 0,
      min: this.count ? this.min : 0,
      max: this.count ? this.max : 0,
      binEdges: edges,
      binCounts: counts.map((c) => c * scale),
      sample: Array.from(this.sample),
    };
  }
}

class CategoricalAccumulator {
  private count = 0;
  private missing = 0;
  private readonly counts = new Map<string, number>();
  private overflow = 0;

  public constructor(private readonly name: string) {}

  public add(v: string | null): void {
    if (v === null) {
      this.missing++;
      return;
    }
    this.count++;
    const c = this.counts.get(v);
    if (c !== undefined) this.counts.set(v, c + 1);
    else if (this.counts.size < MAX_DISTINCT) this.counts.set(v, 1);
    else this.overflow++;
  }

  public toBaseline(_bins: number, topK: number): FeatureBaseline {
    const sorted = [...this.counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const categories: Record<string, number> = {};
    let other = this.overflow;
    sorted.forEach(([k, v], i) => {
      if (i < topK) categories[k] = v;
      else other += v;
    });
    if (other > 0) categories[OTHER_CATEGORY] = other;
    return { name: this.name, kind: 'categorical', count: this.count, missing: this.missing, categories };
  }
}

/**
 * Bin edges at the quantiles i/bins of a sorted sample (linear interpolation, numpy's
 * default), made strictly increasing. A constant feature gets edges [v - 0.5, v + 0.5].
 */
export function quantileEdges(sorted: Float64Array, bins: number): number[] {
  if (sorted.length === 0) return [0, 1];
  const edges: number[] = [];
  for (let i = 0; i <= bins; i++) {
    const q = quantileSorted(sorted, i / bins);
    if (edges.length === 0 || q > edges[edges.length - 1]!) edges.push(q);
  }
  if (edges.length < 2) return [edges[0]! - 0.5, edges[0]! + 0.5];
  return edges;
}

/** The q-quantile of a sorted sample, linear interpolation between order statistics. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Counts of values per bin; bins are [e0, e1), [e1, e2), …, [e(n-1), en], with values
 * below e0 in the first bin and above en in the last.
 */
export function histogram(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (let i = 0; i < values.length; i++) counts[binIndex(values[i]!, edges)]!++;
  return counts;
}

/** The bin of a value (binary search over the inner edges). */
export function binIndex(v: number, edges: readonly number[]): number {
  let lo = 0;
  let hi = edges.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (v >= edges[mid]!) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A small deterministic generator (xorshift32) in [0, 1). */
export function xorshift(seed: number): () => number {
  let x = (seed | 0) || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}
