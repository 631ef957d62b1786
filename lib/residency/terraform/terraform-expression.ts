/**
 * Terraform string templates (`"arn:aws:s3:::${aws_s3_bucket.registry.bucket}/*"`) as the
 * engine's {@link Expr}: literal text, references to resources of the document, and
 * unknown parts (variables, locals, function calls), so that the same ARN and host
 * parsers serve CloudFormation and Terraform.
 *
 * @see https://developer.hashicorp.com/terraform/language/expressions/strings#interpolation
 */
import type { Expr, Part } from '../expr';

/** Named values that are not resources. */
const NOT_RESOURCES = new Set(['var', 'local', 'module', 'each', 'count', 'self', 'path', 'terraform', 'data']);

/** A reference to a resource inside an interpolation: `type.name` or `data.type.name`, then an attribute. */
const REFERENCE = /(?<![\w.])(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?/g;

/** The `${…}` interpolations of a template, with their positions; `$${` is an escape. */
export function interpolations(template: string): { start: number; end: number; body: string }[] {
  const out: { start: number; end: number; body: string }[] = [];
  let i = 0;
  while ((i = template.indexOf('${', i)) !== -1) {
    if (i > 0 && template[i - 1] === '$') { i += 2; continue; }
    const { end, closed } = scanInterpolation(template, i + 2);
    // An unterminated interpolation is not literal text either: it runs to the end.
    out.push({ start: i, end, body: template.slice(i + 2, closed ? end - 1 : end) });
    i = end;
  }
  return out;
}

/**
 * Addresses of the resources (`aws_s3_bucket.registry`, `data.aws_region.current`) an
 * interpolation body refers to, among `known` addresses.
 */
export function referencedAddresses(body: string, known: ReadonlySet<string>): { address: string; attribute?: string }[] {
  const out: { address: string; attribute?: string }[] = [];
  for (const m of body.matchAll(REFERENCE)) {
    const [, data, type, name, attribute] = m;
    if (!data && NOT_RESOURCES.has(type!)) continue;
    const address = data ? `data.${type}.${name}` : `${type}.${name}`;
    if (known.has(address)) out.push({ address, attribute });
  }
  return out;
}

/**
 * A template as an expression: text outside interpolations; an interpolation that is
 * exactly one reference to a known resource is a resource part (`logicalId` = address),
 * anything else is unknown. The quoted string literals inside an unknown interpolation
 * (`${jsonencode({ Resource = "arn:aws:sqs:us-west-2:…" })}`, the branches of a
 * conditional) are read as templates of their own between unknown parts: what they say
 * literally is as much in the value as text outside an interpolation.
 */
export function templateExpr(template: string, stack: string, known: ReadonlySet<string>, depth = 0): Expr {
  const parts: Part[] = [];
  let last = 0;
  for (const { start, end, body } of interpolations(template)) {
    if (start > last) parts.push({ kind: 'text', text: template.slice(last, start) });
    const refs = referencedAddresses(body, known);
    const whole = body.trim();
    const ref = refs.length === 1 ? refs[0]! : undefined;
    if (ref && whole === (ref.attribute ? `${ref.address}.${ref.attribute}` : ref.address)) {
      parts.push({ kind: 'resource', stack, logicalId: ref.address, attribute: ref.attribute });
    } else {
      const unknown: Part = { kind: 'unknown', reason: `\${${whole}}` };
      parts.push(unknown);
      // Each literal is fenced by unknown parts, so texts of different literals never join.
      for (const literal of depth < MAX_NESTING ? quotedLiterals(body) : []) {
        parts.push(...templateExpr(literal, stack, known, depth + 1), unknown);
      }
    }
    last = end;
  }
  if (last < template.length) parts.push({ kind: 'text', text: template.slice(last) });
  return parts;
}

/** How deep quoted literals inside interpolations inside quoted literals are read. */
const MAX_NESTING = 4;

/**
 * The quoted string literals of an interpolation body (HCL expression syntax), in order,
 * with their escapes resolved (`\"`, `\\`, `\n`, `\t`, `\r`, `\uXXXX`) but their own
 * `${…}` kept, so each is a template. Literals inside a literal's interpolations belong to
 * that literal, not to this body.
 */
export function quotedLiterals(body: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '"') continue;
    const end = stringEnd(body, i + 1);
    // An unterminated literal runs to the end of the body.
    const closed = end - 1 > i && body[end - 1] === '"';
    out.push(unescapeHcl(body.slice(i + 1, closed ? end - 1 : end)));
    i = end - 1;
  }
  return out;
}

/** The index after the closing quote of a string starting at `i` (after its opening quote). */
function stringEnd(s: string, i: number): number {
  while (i < s.length) {
    const c = s[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else if (c === '$' && s[i + 1] === '{' && s[i - 1] !== '$') i = scanInterpolation(s, i + 2).end;
    else i++;
  }
  return s.length;
}

/**
 * The end of an interpolation whose body starts at `i`: the index after its closing `}`
 * (braces and quoted strings inside it nest), or the end of `s` when it is unterminated.
 */
function scanInterpolation(s: string, i: number): { end: number; closed: boolean } {
  let depth = 1;
  while (i < s.length && depth > 0) {
    const c = s[i];
    if (c === '"') { i = stringEnd(s, i + 1); continue; }
    if (c === '{') depth++;
    else if (c === '}') depth--;
    i++;
  }
  return { end: i, closed: depth === 0 };
}

/**
 * HCL's string escapes resolved in the text of a quoted literal; the literal's own
 * interpolations are HCL expressions with literals of their own, kept as written, and
 * `$${` / `%%{` are left for {@link interpolations}.
 */
function unescapeHcl(raw: string): string {
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === '$' && raw[i + 1] === '{' && raw[i - 1] !== '$') {
      const { end } = scanInterpolation(raw, i + 2);
      out += raw.slice(i, end);
      i = end;
    } else if (c === '\\' && i + 1 < raw.length) {
      const m = /^(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[\s\S])/.exec(raw.slice(i + 1, i + 10))!;
      out += unescapeOne(m[1]!);
      i += 1 + m[1]!.length;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function unescapeOne(e: string): string {
  if (e.length > 1) {
    const code = parseInt(e.slice(1), 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : `\\${e}`;
  }
  return ({ n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' } as Record<string, string>)[e] ?? `\\${e}`;
}

/** Whether a string is a literal (no interpolation). */
export function isLiteral(template: string): boolean {
  return interpolations(template).length === 0;
}
