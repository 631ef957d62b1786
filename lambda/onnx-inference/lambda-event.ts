/**
 * Lambda HTTP events (Function URL and HTTP API payload 2.0, REST API payload 1.0) as
 * transport-neutral requests.
 */
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
  const body = e.body == null ? Buffer.alloc(0) : Buffer.from(e.body, e.isBase64Encoded ? 'base64' : 'utf8');
  return { method: method.toUpperCase(), path: rawPath, headers, body };
}
