/**
 * Input checks shared by the drift statistics. Arrays are checked by hand in one pass
 * (a schema library would cost more than the statistic on a million values); each check
 * throws one {@link SovereignMlError} naming the argument, the problem and the value.
 */
import { ErrorCode, SovereignMlError } from '../../errors';
import { CompensatedSum } from './summation';

/** Throws the drift statistics' input error. */
export function invalid(detail: string): never {
  throw new SovereignMlError(ErrorCode.INVALID_PROPS, detail);
}

/** Throws unless `values` is non-empty. */
export function requireNonEmpty(name: string, values: ArrayLike<number>): void {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    invalid(`${name} must be an array of numbers, got ${values === null ? 'null' : typeof values}`);
  }
  if (values.length === 0) {
    invalid(`${name} must contain at least one value, got an empty array`);
  }
}

/**
 * Index of the first NaN (or, unless `allowInfinite`, the first infinity) in `values`, or
 * -1. Kept apart from {@link toSample} so that the hot loop is a small function returning
 * a number, which V8 keeps optimized across garbage collections.
 */
function firstInvalid(values: Float64Array, allowInfinite: boolean): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // v - v is NaN for NaN and +-Infinity, 0 otherwise (and needs no global lookup).
    if (v !== v || (!allowInfinite && v - v !== 0)) {
      return i;
    }
  }
  return -1;
}

/**
 * A copy of `values` as a Float64Array, after checking that it is non-empty and holds
 * numbers only (no NaN; no infinities unless `allowInfinite`).
 */
export function toSample(name: string, values: ArrayLike<number>, allowInfinite: boolean): Float64Array {
  requireNonEmpty(name, values);
  const out = values instanceof Float64Array ? values.slice() : Float64Array.from(values);
  const bad = firstInvalid(out, allowInfinite);
  if (bad >= 0) {
    invalid(`${name}[${bad}] must be a ${allowInfinite ? 'number (not NaN)' : 'finite number'}, got ${String(values[bad])}`);
  }
  return out;
}

/**
 * Copies of two samples, checked as by {@link toSample}, side by side in one Float64Array:
 * `a` in [0, a.length), `b` after it. One allocation instead of two keeps large inputs
 * cheap (fresh memory costs page faults on every call).
 */
export function toPooledSamples(nameA: string, a: ArrayLike<number>, nameB: string, b: ArrayLike<number>, allowInfinite: boolean): Float64Array {
  requireNonEmpty(nameA, a);
  requireNonEmpty(nameB, b);
  const pooled = new Float64Array(a.length + b.length);
  pooled.set(a);
  pooled.set(b, a.length);
  const bad = firstInvalid(pooled, allowInfinite);
  if (bad >= 0) {
    const [name, values, i] = bad < a.length ? [nameA, a, bad] : [nameB, b, bad - a.length];
    invalid(`${name}[${i}] must be a ${allowInfinite ? 'number (not NaN)' : 'finite number'}, got ${String(values[i])}`);
  }
  return pooled;
}

/**
 * A copy of `values` as a Float64Array of non-negative finite numbers with a positive
 * sum (counts, weights or unnormalised probabilities), together with that sum.
 */
export function toMasses(name: string, values: ArrayLike<number>): { readonly masses: Float64Array; readonly total: number } {
  requireNonEmpty(name, values);
  const masses = Float64Array.from(values);
  const sum = new CompensatedSum();
  for (let i = 0; i < masses.length; i++) {
    const v = masses[i]!;
    if (!(v >= 0) || v - v !== 0) {
      invalid(`${name}[${i}] must be a finite number >= 0, got ${String(values[i])}`);
    }
    sum.add(v);
  }
  const total = sum.value;
  if (!(total > 0) || total === Infinity) {
    invalid(`${name} must have a positive finite sum, got ${total}`);
  }
  return { masses, total };
}

/** Throws unless two arrays have the same length. */
export function requireSameLength(nameA: string, a: ArrayLike<number>, nameB: string, b: ArrayLike<number>): void {
  if (a.length !== b.length) {
    invalid(`${nameA} and ${nameB} must have the same length, got ${a.length} and ${b.length}`);
  }
}
