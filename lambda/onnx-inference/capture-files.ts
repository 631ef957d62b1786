/**
 * Capture lines filed by hour on a local or shared volume, for on-prem sites where captured
 * payloads must not leave the site: `<dir>/YYYY/MM/DD/HH/<writer-id>.jsonl`, the UTC hour
 * partitions the drift CLI reads with `--capture <dir> --window-minutes n`.
 *
 * Each process writes only its own files (the writer id is unique per process), so pods
 * sharing one ReadWriteMany volume never append to the same file. A failed write never
 * throws: the line is counted as lost, by kind, and the caller hears once per kind.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hourPartition } from '../../lib/capture';
import { ErrorCode, SovereignMlError } from '../../lib/errors';

/** Options of {@link createHourlyCaptureWriter}. */
export interface HourlyCaptureWriterOptions {
  /**
   * The file name (without `.jsonl`) this writer appends to in each hour partition; letters,
   * digits, `.`, `_` and `-` only. Must differ between processes writing to one directory.
   * @default - `<hostname>-<pid>-<start time in ms>-<6 random hex digits>`
   */
  readonly writerId?: string;
  /**
   * The clock, for the hour of a line written without a time.
   * @default () => new Date()
   */
  readonly now?: () => Date;
  /**
   * Called with the first failure of each kind (the error code, such as `ENOSPC`, `EACCES`,
   * `EFBIG`, or `BUFFER_FULL` and `WRITER_CLOSED`); later failures of that kind are only counted.
   * @default - failures are only counted
   */
  readonly onFirstFailure?: (kind: string, error: Error) => void;
  /**
   * Bytes buffered in memory for a file that is not keeping up (a stalled network volume)
   * above which lines are dropped as `BUFFER_FULL` rather than held.
   * @default 16777216 (16 MiB)
   */
  readonly maxBufferedBytes?: number;
}

/** Counts of a writer. */
export interface CaptureFileStats {
  /** Lines the operating system accepted. */
  readonly linesWritten: number;
  /** Lines lost, the sum of `lostByKind`. */
  readonly linesLost: number;
  /** Lost lines per failure kind. */
  readonly lostByKind: Readonly<Record<string, number>>;
}

/** A writer of hourly capture files. */
export interface HourlyCaptureWriter {
  /** The file name of this writer's files, without `.jsonl`. */
  readonly writerId: string;
  /**
   * Appends a line (a newline is added when missing) to the file of the UTC hour of `time`,
   * or of the clock when no time is given. Never throws: failures are counted.
   */
  write(line: string, time?: Date): void;
  /** The counts so far; complete once {@link close} has settled. */
  stats(): CaptureFileStats;
  /** Flushes and ends the open file; lines written afterwards are lost as `WRITER_CLOSED`. */
  close(): Promise<void>;
}

/** The default writer id: host, process, start time and a random part, as a file name. */
export function defaultWriterId(now: Date = new Date()): string {
  const host = os.hostname().replace(/[^A-Za-z0-9._-]/g, '_') || 'host';
  return `${host}-${process.pid}-${now.getTime()}-${randomBytes(3).toString('hex')}`;
}

/**
 * Checks, before serving, that `dir` is a directory this process can create files in (by
 * creating and removing a probe file, which also catches read-only mounts and root-squashed
 * network volumes that a permission check would pass).
 * @throws SovereignMlError INVALID_PROPS when it does not exist, is not a directory, or is not writable
 */
export function checkCaptureDir(dir: string, option = '--capture-dir'): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `${option} must be an existing directory, got ${JSON.stringify(dir)}, which does not exist: create it (or mount the capture volume there)`);
  }
  if (!st.isDirectory()) throw new SovereignMlError(ErrorCode.INVALID_PROPS, `${option} must be a directory, got ${JSON.stringify(dir)}, which is a file`);
  const probe = path.join(dir, `.write-check-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    fs.writeFileSync(probe, '', { flag: 'wx' });
  } catch (e) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `${option} must be a directory the server can write to, got ${JSON.stringify(dir)}: ${errorKind(e)} creating a file there (uid ${process.getuid?.() ?? 'unknown'}); fix its owner or mode, or mount the volume read-write`);
  }
  fs.rmSync(probe, { force: true });
}

/** One open file and what is known about it. */
interface OpenFile {
  readonly partition: string;
  readonly stream: fs.WriteStream;
  /** The kind of the stream's first error: later lines it rejects are lost to that. */
  failure?: string;
}

/**
 * Returns a writer of `<dir>/YYYY/MM/DD/HH/<writer-id>.jsonl`. Files are opened on the first
 * line of their hour (directories created as needed) in append mode, and the previous
 * hour's file is ended when a line of another hour arrives; a line of an earlier hour (a
 * clock set back) reopens that hour's file, never another writer's. Lines keep their order
 * within a file, except such a late line, which may land before lines of its hour that were
 * still being flushed (appends stay whole: one process, one write per line).
 * @throws SovereignMlError INVALID_PROPS for a writer id that is not a plain file name
 */
export function createHourlyCaptureWriter(dir: string, options: HourlyCaptureWriterOptions = {}): HourlyCaptureWriter {
  const now = options.now ?? (() => new Date());
  const writerId = options.writerId ?? defaultWriterId(now());
  if (!/^[A-Za-z0-9._-]+$/.test(writerId) || writerId === '.' || writerId === '..') {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `writerId must be letters, digits, ".", "_" and "-" only, got ${JSON.stringify(writerId)}`);
  }
  const maxBuffered = options.maxBufferedBytes ?? 16 * 1024 * 1024;
  let current: OpenFile | undefined;
  const ending = new Set<Promise<void>>();
  const lostByKind: Record<string, number> = {};
  let linesWritten = 0;
  let linesLost = 0;
  let closed = false;
  // After a failure, a file may end with part of a line: the next line starts on a line of its own.
  let startWithNewline = false;

  const lose = (kind: string, error: Error) => {
    linesLost++;
    if (lostByKind[kind] === undefined) {
      lostByKind[kind] = 0;
      options.onFirstFailure?.(kind, error);
    }
    lostByKind[kind]++;
  };

  const retire = (file: OpenFile) => {
    const done = new Promise<void>((resolve) => {
      file.stream.once('close', resolve);
      if (file.stream.closed) resolve();
      else file.stream.end();
    });
    ending.add(done);
    void done.then(() => ending.delete(done));
  };

  const open = (partition: string): OpenFile | { readonly error: Error } => {
    const folder = path.join(dir, partition);
    try {
      fs.mkdirSync(folder, { recursive: true });
    } catch (e) {
      return { error: e as Error };
    }
    const file: OpenFile = { partition, stream: fs.createWriteStream(path.join(folder, `${writerId}.jsonl`), { flags: 'a' }) };
    file.stream.on('error', (e: NodeJS.ErrnoException) => {
      file.failure ??= errorKind(e);
      startWithNewline = true;
      if (current === file) current = undefined;
    });
    return file;
  };

  return {
    writerId,
    write(line, time) {
      const at = time !== undefined && !Number.isNaN(time.getTime()) ? time : now();
      if (closed) {
        lose('WRITER_CLOSED', new Error('a capture line was written after the capture files were closed'));
        return;
      }
      const partition = hourPartition(at);
      if (current?.partition !== partition) {
        if (current) retire(current);
        current = undefined;
        const opened = open(partition);
        if ('error' in opened) {
          startWithNewline = true;
          lose(errorKind(opened.error), opened.error);
          return;
        }
        current = opened;
      }
      const file = current;
      if (file.stream.writableLength > maxBuffered) {
        lose('BUFFER_FULL', new Error(`over ${maxBuffered} bytes of capture lines are waiting for ${file.stream.path as string}`));
        return;
      }
      const text = `${startWithNewline ? '\n' : ''}${line}${line.endsWith('\n') ? '' : '\n'}`;
      startWithNewline = false;
      file.stream.write(text, (e) => {
        if (!e) {
          linesWritten++;
          return;
        }
        // The failing write hears the cause; lines queued behind it hear only that the stream
        // is gone, and are counted under the cause once the stream has reported it.
        if ((e as NodeJS.ErrnoException).code !== 'ERR_STREAM_DESTROYED') file.failure ??= errorKind(e);
        if (file.failure !== undefined || file.stream.closed) lose(file.failure ?? errorKind(e), e);
        else file.stream.once('close', () => lose(file.failure ?? errorKind(e), e));
      });
    },
    stats: () => ({ linesWritten, linesLost, lostByKind: { ...lostByKind } }),
    async close() {
      closed = true;
      if (current) retire(current);
      current = undefined;
      await Promise.all([...ending]);
    },
  };
}

/** The error's code (`ENOSPC`), or its name when it has none. */
function errorKind(e: unknown): string {
  const { code, name } = (e ?? {}) as { code?: unknown; name?: unknown };
  return typeof code === 'string' && code !== '' ? code : typeof name === 'string' && name !== '' ? name : 'UNKNOWN';
}
