/**
 * Validation of plain-data props and inputs with zod, turned into one
 * {@link SovereignMlError} that lists every problem.
 *
 * zod stays inside the library: exported signatures take and return plain types.
 */
import * as z from 'zod';
import { ErrorCode, SovereignMlError } from './errors';

/** Tells whether a value is a deploy-time token that must not be validated at synth time. */
export type IsUnresolved = (value: unknown) => boolean;

/** A predicate that treats every value as resolved (for code that never sees tokens). */
export const NO_TOKENS: IsUnresolved = () => false;

/** Options for {@link parseWith}. */
export interface ParseOptions {
  /** Prefix of the prop path, such as `props` or `addModel.metadata`. */
  readonly path?: string;
  /**
   * Error code to raise.
   * @default ErrorCode.INVALID_PROPS
   */
  readonly code?: ErrorCode;
}

/**
 * Parses `input` with `schema` and returns the parsed value (defaults applied), or throws
 * one {@link SovereignMlError} whose message lists every issue as
 * `<path> <what is wrong>, got <value>`.
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, options: ParseOptions = {}): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) {
    return result.data;
  }
  throw new SovereignMlError(options.code ?? ErrorCode.INVALID_PROPS, formatIssues(result.error.issues, options.path));
}

/** Formats zod issues as one message, issues separated by `; `. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix?: string): string {
  return issues.map((issue) => formatIssue(issue, prefix)).join('; ');
}

function formatIssue(issue: z.core.$ZodIssue, prefix?: string): string {
  const path = joinPath(prefix, issue.path);
  const got = 'input' in issue ? `, got ${describeValue(issue.input)}` : '';
  // Unknown keys: zod reports them on the parent object; name them.
  if (issue.code === 'unrecognized_keys') {
    return `${path || '(root)'} has unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  // Record keys: zod nests the key's own issues; report those against the key.
  if (issue.code === 'invalid_key') {
    return `${path || '(root)'} ${issue.issues.map((inner) => inner.message).join(', ')}${got}`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return `${path || '(root)'} is required (expected ${issue.expected})`;
  }
  return `${path || '(root)'} ${issue.message}${got}`;
}

/** Joins a prefix and a zod path as `a.b[2].c`. */
export function joinPath(prefix: string | undefined, path: readonly PropertyKey[]): string {
  let out = prefix ?? '';
  for (const part of path) {
    if (typeof part === 'number') {
      out += `[${part}]`;
    } else {
      const key = String(part);
      out += /^[A-Za-z_$][\w$]*$/.test(key) ? (out ? `.${key}` : key) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** A short, safe rendering of a received value for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) {
    return 'undefined';
  }
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  if (Array.isArray(value)) {
    return `an array of ${value.length}`;
  }
  return typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * A string schema whose pattern and length checks are skipped for deploy-time tokens.
 * `message` says what is allowed, e.g. `must be 1-63 characters of a-z, 0-9 and -`.
 */
export function checkedString(isUnresolved: IsUnresolved, check: (value: string) => boolean, message: string) {
  return z.string().refine((value) => isUnresolved(value) || check(value), { message });
}

/** A number schema whose range check is skipped for deploy-time tokens. */
export function checkedNumber(isUnresolved: IsUnresolved, check: (value: number) => boolean, message: string) {
  return z.number().refine((value) => isUnresolved(value) || check(value), { message });
}
