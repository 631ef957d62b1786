/**
 * Facts about a local model file: its size and SHA-256, computed by streaming the file
 * in fixed-size chunks so that multi-gigabyte models use bounded memory.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCode, SovereignMlError } from './errors';

/** Size, digest and name of a model file. */
export interface ModelFileInfo {
  /** Absolute path. */
  readonly absolutePath: string;
  /** File name without directories, e.g. `fraud.onnx`. */
  readonly fileName: string;
  /** Size in bytes. */
  readonly sizeBytes: number;
  /** Lower-case hex SHA-256 of the contents. */
  readonly sha256: string;
}

const CHUNK_BYTES = 1 << 20;

/**
 * Reads a model file and returns its size and SHA-256.
 *
 * @param filePath path to the file, relative to the working directory or absolute
 * @param propPath the prop path to name in errors, e.g. `addModel.path`
 * @throws SovereignMlError `MODEL_FILE_NOT_FOUND` when the path is missing or not a regular
 *   file, `MODEL_FILE_EMPTY` when it has no bytes
 */
export function inspectModelFile(filePath: string, propPath = 'path'): ModelFileInfo {
  const absolutePath = path.resolve(filePath);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolutePath);
  } catch (cause) {
    throw new SovereignMlError(ErrorCode.MODEL_FILE_NOT_FOUND,
      `${propPath} must name an existing model file, got ${JSON.stringify(filePath)} (resolved to ${absolutePath}, which does not exist)`, { cause });
  }
  if (!stat.isFile()) {
    throw new SovereignMlError(ErrorCode.MODEL_FILE_NOT_FOUND,
      `${propPath} must name a regular file, got ${JSON.stringify(filePath)}, which is a directory or special file`);
  }
  if (stat.size === 0) {
    throw new SovereignMlError(ErrorCode.MODEL_FILE_EMPTY,
      `${propPath} must name a non-empty model file, got ${JSON.stringify(filePath)}, which has 0 bytes`);
  }
  return { absolutePath, fileName: path.basename(absolutePath), sizeBytes: stat.size, sha256: sha256OfFile(absolutePath) };
}

/** SHA-256 (lower-case hex) of a file, read synchronously in 1 MiB chunks. */
export function sha256OfFile(filePath: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const fd = fs.openSync(filePath, 'r');
  try {
    let read: number;
    while ((read = fs.readSync(fd, buffer, 0, CHUNK_BYTES, null)) > 0) {
      hash.update(buffer.subarray(0, read));
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}
