/**
 * Lambda HTTP events (Function URL and HTTP API payload 2.0, REST API payload 1.0) as
 * transport-neutral requests.
 */
import { alignedRequestBody, headerLengthForLayout } from '../../lib/inference';
import type { HttpRequest } from './router';

/** An HTTP event from a Function URL, an HTTP API (payload 2.0) or a REST API (payload 1.0). */
interface HttpEvent {
  readonly version?: string;
  readonly rawPath?: string;
  readonly path?: string;
  readonly httpMethod?: string;
  readonly requestContext?: { readonly http?: { readonly method?: string; readonly path?: string } };
  readonly headers?: Record<string, string | undefined> | null;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
}

/** The HTTP request an event carries, or undefined for a direct invocation. */
export function toHttpRequest(event: unknown): HttpRequest | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const e = event as HttpEvent;
  const method = e.requestContext?.http?.method ?? e.httpMethod;
  const rawPath = e.rawPath ?? e.path ?? e.requestContext?.http?.path;
  if (!method || rawPath === undefined) return undefined;
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(e.headers ?? {})) headers[k.toLowerCase()] = v;
  let body: Buffer;
  if (e.body == null) body = Buffer.alloc(0);
  else if (e.isBase64Encoded) body = decodeBase64(e.body, headerLengthForLayout(headers['inference-header-content-length']));
  else body = Buffer.from(e.body, 'utf8');
  return { method: method.toUpperCase(), path: rawPath, headers, body };
}

/**
 * Decodes a base64 body straight into a buffer whose binary section (from `headerLength`)
 * is aligned, so binary tensors are read in place rather than copied a second time.
 */
function decodeBase64(text: string, headerLength: number | undefined): Buffer {
  // byteLength is exact for canonical base64 and an upper bound otherwise (line breaks, no padding).
  const out = alignedRequestBody(Buffer.byteLength(text, 'base64'), headerLength);
  return out.subarray(0, out.write(text, 'base64'));
}
