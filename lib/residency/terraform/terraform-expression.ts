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
    let depth = 1;
    let j = i + 2;
    let quoted = false;
    for (; j < template.length && depth > 0; j++) {
      const c = template[j];
      if (c === '"' && template[j - 1] !== '\\') quoted = !quoted;
      else if (!quoted && c === '{') depth++;
      else if (!quoted && c === '}') depth--;
    }
    // An unterminated interpolation is not literal text either: it runs to the end.
    out.push({ start: i, end: j, body: template.slice(i + 2, depth === 0 ? j - 1 : j) });
    i = j;
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
 * anything else is unknown.
 */
export function templateExpr(template: string, stack: string, known: ReadonlySet<string>): Expr {
  const parts: Part[] = [];
  let last = 0;
  for (const { start, end, body } of interpolations(template)) {
    if (start > last) parts.push({ kind: 'text', text: template.slice(last, start) });
    const refs = referencedAddresses(body, known);
    const whole = body.trim();
    const single = refs.length === 1 && new RegExp(`^${refs[0]!.address.replace(/\./g, '\\.')}(\\.[A-Za-z_][A-Za-z0-9_]*)?$`).test(whole);
    parts.push(single
      ? { kind: 'resource', stack, logicalId: refs[0]!.address, attribute: refs[0]!.attribute }
      : { kind: 'unknown', reason: `\${${whole}}` });
    last = end;
  }
  if (last < template.length) parts.push({ kind: 'text', text: template.slice(last) });
  return parts;
}

/** Whether a string is a literal (no interpolation). */
export function isLiteral(template: string): boolean {
  return interpolations(template).length === 0;
}
