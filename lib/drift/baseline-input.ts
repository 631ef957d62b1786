/**
 * Builds baselines from CSV (a header row, then one row per line) or JSON lines (one
 * object per line), streamed. A corrupt row is counted by reason and skipped.
 */
import { ErrorCode, SovereignMlError } from '../errors';
import type { BaselineDocument } from './baseline';
import { BaselineBuilder, type BaselineBuilderOptions, type BuildStats, type Cell } from './baseline-builder';

/**
 * Splits one CSV record (RFC 4180: quoted fields, doubled quotes inside them; no line
 * breaks inside fields). Returns undefined for an unterminated quote.
 */
export function parseCsvLine(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return undefined;
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
    } else {
      const c = line.indexOf(',', i);
      out.push(line.slice(i, c < 0 ? line.length : c).trim());
      i = c < 0 ? line.length : c;
    }
    if (i >= line.length) return out;
    if (line[i] !== ',') return undefined;
    i++;
  }
}

/** Progress callback: rows read so far. */
export type Progress = (rows: number) => void;

/** Builds a baseline from CSV lines (the first line is the header). */
export async function baselineFromCsv(lines: AsyncIterable<string> | Iterable<string>, options: BaselineBuilderOptions = {}, progress?: Progress): Promise<{ baseline: BaselineDocument; stats: BuildStats }> {
  let builder: BaselineBuilder | undefined;
  let width = 0;
  const stats: BuildStats = { rows: 0, rejected: 0, rejectedByReason: {} };
  for await (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const cells = parseCsvLine(line);
    if (!builder) {
      if (!cells) throw new SovereignMlError(ErrorCode.INVALID_PROPS, 'the CSV header has an unterminated quote');
      builder = new BaselineBuilder(cells, options);
      width = cells.length;
      continue;
    }
    stats.rows++;
    if (!cells) reject(stats, 'unterminated-quote');
    else if (cells.length !== width) reject(stats, 'wrong-column-count');
    else addOrReject(builder, cells, stats);
    if (progress && stats.rows % 100_000 === 0) progress(stats.rows);
  }
  if (!builder) throw new SovereignMlError(ErrorCode.INVALID_PROPS, 'the CSV has no header row');
  return { baseline: builder.build(), stats };
}

/** Builds a baseline from JSON lines; columns are the keys of the first object. */
export async function baselineFromJsonLines(lines: AsyncIterable<string> | Iterable<string>, options: BaselineBuilderOptions = {}, progress?: Progress): Promise<{ baseline: BaselineDocument; stats: BuildStats }> {
  let builder: BaselineBuilder | undefined;
  let columns: string[] = [];
  const stats: BuildStats = { rows: 0, rejected: 0, rejectedByReason: {} };
  for await (const raw of lines) {
    if (raw.trim() === '') continue;
    stats.rows++;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      reject(stats, 'not-json');
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      reject(stats, 'not-an-object');
      continue;
    }
    const obj = value as Record<string, unknown>;
    if (!builder) {
      columns = Object.keys(obj);
      builder = new BaselineBuilder(columns, options);
    }
    const cells = columns.map((c) => {
      const v = obj[c];
      return v === undefined || v === null ? null : typeof v === 'number' || typeof v === 'string' ? v : typeof v === 'boolean' ? String(v) : NaN;
    });
    addOrReject(builder, cells, stats);
    if (progress && stats.rows % 100_000 === 0) progress(stats.rows);
  }
  if (!builder) throw new SovereignMlError(ErrorCode.INVALID_PROPS, 'the JSON lines have no object');
  return { baseline: builder.build(), stats };
}

function addOrReject(builder: BaselineBuilder, cells: readonly Cell[], stats: BuildStats): void {
  try {
    builder.addRow(cells);
  } catch (e) {
    if (SovereignMlError.isSovereignMlError(e)) reject(stats, 'non-numeric');
    else throw e;
  }
}

function reject(stats: BuildStats, reason: string): void {
  stats.rejected++;
  stats.rejectedByReason[reason] = (stats.rejectedByReason[reason] ?? 0) + 1;
}
