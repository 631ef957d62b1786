/**
 * One pass over a CSV payload into cells, for the common case (no quotes, no `\r`, every
 * row well formed), without splitting it into field strings first.
 *
 * It answers only when it is sure: any quote or `\r`, a row of the wrong width, a value a
 * numeric feature refuses, or no rows at all give `undefined`, and the caller takes the
 * general path (`splitCsv`, then a cell per field), which then yields the same rows or the
 * failure with its reason and detail. Where it answers, it gives exactly the rows of the
 * general path: numbers are parsed here only when the result is provably the one
 * `Number()` gives, and every other token goes through `parseNumericToken`.
 */
import { parseNumericToken } from '../csv';
import type { CaptureCell, CaptureFeature } from '../payload';

/**
 * Powers of ten that are exact doubles (10^22 is the largest): for an integer mantissa
 * below 2^53, one multiplication or division by one of them is correctly rounded, hence
 * equal to `Number()` of the decimal text (Clinger's fast path).
 * @see https://doi.org/10.1145/93548.93557
 */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/** Significant digits kept in the mantissa: 10^15 < 2^53, so it stays an exact integer. */
const MAX_DIGITS = 15;

/**
 * The rows of a CSV payload as cells of `features` (by position), or `undefined` when the
 * general path must decide (see the module documentation).
 */
export function scanCsvRows(text: string, features: readonly CaptureFeature[]): CaptureCell[][] | undefined {
  const width = features.length;
  const n = text.length;
  const rows: CaptureCell[][] = [];
  let i = 0;
  while (i < n) {
    if (text.charCodeAt(i) === 10) {
      // An empty line: splitCsv skips it.
      i++;
      continue;
    }
    const row = new Array<CaptureCell>(width);
    let col = 0;
    for (;;) {
      let end = i;
      let c = 0;
      while (end < n) {
        c = text.charCodeAt(end);
        if (c === 44 || c === 10) break;
        if (c === 34 || c === 13) return undefined;
        end++;
      }
      if (col === width) return undefined;
      const cell = features[col]!.kind === 'numeric' ? numericCell(text, i, end) : i === end ? null : text.slice(i, end);
      if (cell === undefined) return undefined;
      row[col++] = cell;
      i = end + 1;
      // A comma at the very end of the text still opens one more (empty) field.
      if (end >= n || c === 10) break;
    }
    if (col !== width) return undefined;
    rows.push(row);
  }
  return rows.length > 0 ? rows : undefined;
}

/**
 * `parseNumericToken(text.slice(start, end))`, without the slice for plain decimals:
 * `[+-]digits[.digits][(e|E)[+-]digits]` with at most 15 significant digits and a decimal
 * exponent within ±22. Anything else is handed to `parseNumericToken`.
 */
export function numericCell(text: string, start: number, end: number): number | null | undefined {
  if (start === end) return null;
  let i = start;
  let c = text.charCodeAt(i);
  const negative = c === 45;
  if (negative || c === 43) i++;
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let sawDigit = false;
  while (i < end && (c = text.charCodeAt(i)) >= 48 && c <= 57) {
    sawDigit = true;
    if (mantissa !== 0 || c !== 48) {
      digits++;
      mantissa = mantissa * 10 + (c - 48);
    }
    i++;
  }
  if (i < end && c === 46) {
    i++;
    while (i < end && (c = text.charCodeAt(i)) >= 48 && c <= 57) {
      sawDigit = true;
      if (mantissa !== 0 || c !== 48) {
        digits++;
        mantissa = mantissa * 10 + (c - 48);
      }
      scale--;
      i++;
    }
  }
  if (!sawDigit || digits > MAX_DIGITS) return slow(text, start, end);
  if (i < end && (c === 101 || c === 69)) {
    i++;
    let expNegative = false;
    if (i < end) {
      c = text.charCodeAt(i);
      if (c === 45 || c === 43) {
        expNegative = c === 45;
        i++;
      }
    }
    const expStart = i;
    let exp = 0;
    while (i < end && (c = text.charCodeAt(i)) >= 48 && c <= 57) {
      exp = exp * 10 + (c - 48);
      i++;
    }
    // No exponent digits, or so many that the sum below could lose exactness: not ours.
    if (i === expStart || i - expStart > 4) return slow(text, start, end);
    scale += expNegative ? -exp : exp;
  }
  if (i !== end) return slow(text, start, end);
  let v: number;
  if (mantissa === 0) v = 0;
  else if (scale === 0) v = mantissa;
  else if (scale > 0 && scale <= 22) v = mantissa * POW10[scale]!;
  else if (scale < 0 && scale >= -22) v = mantissa / POW10[-scale]!;
  else return slow(text, start, end);
  return negative ? -v : v;
}

function slow(text: string, start: number, end: number): number | null | undefined {
  return parseNumericToken(text.slice(start, end));
}
