/**
 * The HTTP body of a request or response: JSON alone, or (binary tensor data extension)
 * a JSON header of `Inference-Header-Content-Length` bytes followed by raw tensor bytes.
 *
 * @see https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_binary_data.md
 */
import type { z } from 'zod';
import { describeValue, formatIssues } from '../../validation';
import { InferenceError, InferenceErrorCode } from '../inference-error';

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const UTF8_ENCODER = new TextEncoder();

/** The parts of a body: the parsed JSON object and the bytes after it (empty without a header length). */
export interface SplitBody {
  readonly json: unknown;
  readonly binary: Uint8Array;
  /** Whether the body had a header length, i.e. may carry binary tensor data. */
  readonly hasBinarySection: boolean;
}

/** The size of a body in bytes (strings count as UTF-8). */
export function bodyByteLength(body: Uint8Array | string): number {
  return typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
}

/**
 * Splits `body` at `headerLength` (when given) and parses the JSON part. `what` names the
 * body in messages (`request body`, `response body`).
 *
 * @throws InferenceError INVALID_BINARY_DATA for a header length outside the body,
 *   INVALID_JSON for JSON (or UTF-8) that does not parse
 */
export function splitBody(body: Uint8Array | string, headerLength: number | undefined, what: string): SplitBody {
  if (headerLength === undefined) {
    const text = typeof body === 'string' ? body : decodeUtf8(body, what);
    return { json: parseJson(text, what), binary: new Uint8Array(0), hasBinarySection: false };
  }
  const bytes = typeof body === 'string' ? UTF8_ENCODER.encode(body) : body;
  if (!Number.isInteger(headerLength) || headerLength <= 0 || headerLength > bytes.length) {
    throw new InferenceError(InferenceErrorCode.INVALID_BINARY_DATA,
      `the Inference-Header-Content-Length header must be an integer from 1 to the body size ${bytes.length}, got ${describeValue(headerLength)}`);
  }
  const json = parseJson(decodeUtf8(bytes.subarray(0, headerLength), `${what} JSON header`), `${what} JSON header`);
  return { json, binary: bytes.subarray(headerLength), hasBinarySection: true };
}

function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return UTF8.decode(bytes);
  } catch (e) {
    throw new InferenceError(InferenceErrorCode.INVALID_JSON, `${what} is not valid UTF-8`, { cause: e });
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    // The parser's message says where it stopped, which is what a client needs to fix it.
    const reason = e instanceof Error ? e.message : String(e);
    throw new InferenceError(InferenceErrorCode.INVALID_JSON, `${what} is not valid JSON (${reason})`, { cause: e });
  }
}

/**
 * Validates the JSON envelope with `schema` and returns the parsed value, or throws one
 * INVALID_REQUEST error listing every issue with its path, like `inputs[0].shape[1]`.
 */
export function parseEnvelope<S extends z.ZodType>(schema: S, json: unknown, what: string): z.output<S> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InferenceError(InferenceErrorCode.INVALID_REQUEST, `${what} must be a JSON object, got ${describeValue(json)}`);
  }
  const result = schema.safeParse(json, { reportInput: true });
  if (!result.success) {
    throw new InferenceError(InferenceErrorCode.INVALID_REQUEST, formatIssues(result.error.issues));
  }
  return result.data;
}

/**
 * A body of `header` (JSON text) followed by `parts`; `headerLength` is set (for the
 * `Inference-Header-Content-Length` header) only when there are parts.
 */
export function assembleBody(header: string, parts: readonly Uint8Array[]): { body: Uint8Array; headerLength?: number } {
  const head = UTF8_ENCODER.encode(header);
  if (parts.length === 0) {
    return { body: head };
  }
  let total = head.length;
  for (const part of parts) {
    total += part.length;
  }
  const body = new Uint8Array(total);
  body.set(head, 0);
  let pos = head.length;
  for (const part of parts) {
    body.set(part, pos);
    pos += part.length;
  }
  return { body, headerLength: head.length };
}
