/**
 * What the current window of traffic looks like, per feature, in a form that merges
 * exactly: bin counts over the baseline's edges, category counts, and a bottom-k sample
 * chosen by a hash of each record's identity (so the sample does not depend on how the
 * records were split between workers).
 */
import { OTHER_CATEGORY, type FeatureBaseline } from './baseline';
import { binIndex } from './baseline-builder';

/** A numeric feature's window. */
export interface NumericWindow {
  readonly kind: 'numeric';
  count: number;
  missing: number;
  sum: number;
  readonly binCounts: number[];
  /** Bottom-k sample: [hash, value] pairs with the k smallest hashes, as a max-heap by hash. */
  readonly sample: Array<[number, number]>;
}

/** A categorical feature's window. */
export interface CategoricalWindow {
  readonly kind: 'categorical';
  count: number;
  missing: number;
  /** Counts by baseline category; values the baseline does not know count as `__other__`. */
  readonly categories: Record<string, number>;
}

/** One feature's window. */
export type FeatureWindow = NumericWindow | CategoricalWindow;

/** Default size of the window sample per feature. */
export const DEFAULT_WINDOW_SAMPLE = 10_000;

/** An empty window shaped by a baseline feature. */
export function emptyWindow(feature: FeatureBaseline): FeatureWindow {
  if (feature.kind === 'numeric') {
    return { kind: 'numeric', count: 0, missing: 0, sum: 0, binCounts: new Array<number>(feature.binCounts.length).fill(0), sample: [] };
  }
  return { kind: 'categorical', count: 0, missing: 0, categories: Object.fromEntries(Object.keys(feature.categories).map((k) => [k, 0])) };
}

/**
 * Adds one value. `key` identifies the record (for example `objectKey:line:row`); its
 * hash decides sample membership.
 */
export function addValue(window: FeatureWindow, feature: FeatureBaseline, value: number | string | null, key: string, sampleSize = DEFAULT_WINDOW_SAMPLE): void {
  addHashedValue(window, feature, value, fnv1a(key), sampleSize);
}

/**
 * Like {@link addValue}, with the record's hash computed once by the caller (a row adds a
 * value to every feature; hashing its identity once per row, not per feature, matters at
 * a million rows). Any hash that depends only on the record's identity keeps merges exact.
 */
export function addHashedValue(window: FeatureWindow, feature: FeatureBaseline, value: number | string | null, hash: number, sampleSize = DEFAULT_WINDOW_SAMPLE): void {
  if (value === null || value === '') {
    window.missing++;
    return;
  }
  window.count++;
  if (window.kind === 'numeric' && feature.kind === 'numeric') {
    const v = typeof value === 'number' ? value : Number(value);
    window.sum += v;
    window.binCounts[binIndex(v, feature.binEdges)]!++;
    offer(window.sample, hash, v, sampleSize);
  } else if (window.kind === 'categorical') {
    const c = String(value);
    const k = c in window.categories ? c : OTHER_CATEGORY;
    window.categories[k] = (window.categories[k] ?? 0) + 1;
  }
}

/**
 * Adds one record's values, `values[i]` to `windows[i]` of `features[i]`, all under the
 * record's one hash: {@link addHashedValue} for each feature, in one call per row.
 * `undefined` values (a short row) are missing.
 */
export function addHashedRow(
  windows: readonly FeatureWindow[], features: readonly FeatureBaseline[], values: ReadonlyArray<number | string | null | undefined>, hash: number,
  sampleSize = DEFAULT_WINDOW_SAMPLE,
): void {
  for (let i = 0; i < windows.length; i++) addHashedValue(windows[i]!, features[i]!, values[i] ?? null, hash, sampleSize);
}

/** Merges `b` into `a` (same feature). The result equals a single pass over both inputs. */
export function mergeWindows(a: FeatureWindow, b: FeatureWindow, sampleSize = DEFAULT_WINDOW_SAMPLE): FeatureWindow {
  a.count += b.count;
  a.missing += b.missing;
  if (a.kind === 'numeric' && b.kind === 'numeric') {
    a.sum += b.sum;
    b.binCounts.forEach((c, i) => { a.binCounts[i] = a.binCounts[i]! + c; });
    for (const [h, v] of b.sample) offer(a.sample, h, v, sampleSize);
  } else if (a.kind === 'categorical' && b.kind === 'categorical') {
    for (const [k, c] of Object.entries(b.categories)) a.categories[k] = (a.categories[k] ?? 0) + c;
  }
  return a;
}

/** The sampled values, ordered by hash (a deterministic order). */
export function sampleValues(window: NumericWindow): number[] {
  return [...window.sample].sort((x, y) => x[0] - y[0] || x[1] - y[1]).map(([, v]) => v);
}

/**
 * Keeps the `k` pairs with the smallest hashes in a max-heap keyed by hash (ties by value).
 * Once the heap is full almost every offer is refused by one comparison with the top, so
 * that check comes first and allocates nothing; a pair is allocated only when it enters.
 */
function offer(heap: Array<[number, number]>, hash: number, value: number, k: number): void {
  const n = heap.length;
  if (n < k) {
    heap.push([hash, value]);
    siftUp(heap, n);
    return;
  }
  // A full heap of size 0 (k = 0) keeps nothing.
  if (n === 0) return;
  const top = heap[0]!;
  if (top[0] > hash || (top[0] === hash && top[1] > value)) siftDown(heap, [hash, value]);
}

/** Whether pair `a` orders after pair `b` (by hash, then by value). */
function greater(a: [number, number], b: [number, number]): boolean {
  return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
}

// Both sifts move the hole rather than swapping pairs: the same moves as swapping, so the
// heap's array order is unchanged, without a temporary per step.
function siftUp(h: Array<[number, number]>, i: number): void {
  const x = h[i]!;
  while (i > 0) {
    const p = (i - 1) >> 1;
    const parent = h[p]!;
    if (!greater(x, parent)) break;
    h[i] = parent;
    i = p;
  }
  h[i] = x;
}

/** Replaces the top with `x` and restores the heap. */
function siftDown(h: Array<[number, number]>, x: [number, number]): void {
  const n = h.length;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    let m = l;
    let mv = h[l]!;
    const r = l + 1;
    if (r < n && greater(h[r]!, mv)) {
      m = r;
      mv = h[r]!;
    }
    if (!greater(mv, x)) break;
    h[i] = mv;
    i = m;
  }
  h[i] = x;
}

/** A record hash from an object's hash and the record's line and row numbers. */
export function recordHash(objectHash: number, line: number, row: number): number {
  let h = Math.imul(objectHash ^ line, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15) ^ row, 0x85ebca77);
  return (h ^ (h >>> 13)) >>> 0;
}

/** FNV-1a, 32 bits. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
