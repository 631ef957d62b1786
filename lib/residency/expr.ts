/**
 * Symbolic evaluation of CloudFormation values: intrinsic functions are evaluated as far
 * as the template and the stack's environment allow, and what cannot be known stays
 * marked as unknown (so the checker can fail closed on it).
 */

/** A piece of an evaluated value. */
export type Part =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'resource'; readonly stack: string; readonly logicalId: string; readonly attribute?: string }
  | { readonly kind: 'unknown'; readonly reason: string };

/** An evaluated value: a sequence of parts. */
export type Expr = readonly Part[];

/** What evaluation needs to know about the stack a value comes from. */
export interface EvalScope {
  readonly stack: string;
  readonly region?: string;
  readonly account?: string;
  readonly partition?: string;
  readonly urlSuffix?: string;
  /** Logical ids of the stack's resources. */
  readonly resources: ReadonlySet<string>;
  readonly mappings: Readonly<Record<string, Record<string, Record<string, unknown>>>>;
  /** Looks up an export of any stack of the app. */
  readonly importValue: (name: string, depth: number) => Expr[] | undefined;
}

/** At most this many alternatives are kept for one value (Fn::If inside Fn::Join). */
const MAX_ALTERNATIVES = 16;
const MAX_DEPTH = 8;

const text = (t: string): Part => ({ kind: 'text', text: t });
const unknown = (reason: string): Part => ({ kind: 'unknown', reason });

/** Whether a JSON value is an intrinsic function call (`{ "Ref": … }` or `{ "Fn::…": … }`). */
export function isIntrinsic(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::') || keys[0] === 'Condition');
}

/**
 * Evaluates a scalar value (a string, number, boolean or intrinsic) into its possible
 * alternatives. Returns `[]` for `AWS::NoValue`.
 */
export function evaluate(value: unknown, scope: EvalScope, depth = 0): Expr[] {
  if (depth > MAX_DEPTH) return [[unknown('evaluation too deep')]];
  if (typeof value === 'string') return [[text(value)]];
  if (typeof value === 'number' || typeof value === 'boolean') return [[text(String(value))]];
  if (!isIntrinsic(value)) return [[unknown('not a scalar')]];
  const [fn, arg] = Object.entries(value)[0]!;
  switch (fn) {
    case 'Ref': return evalRef(String(arg), scope);
    case 'Fn::GetAtt': return evalGetAtt(arg, scope);
    case 'Fn::Join': return evalJoin(arg, scope, depth);
    case 'Fn::Sub': return evalSub(arg, scope, depth);
    case 'Fn::If': {
      const branches = Array.isArray(arg) ? arg.slice(1, 3) : [];
      return cap(branches.flatMap((b) => evaluate(b, scope, depth + 1)));
    }
    case 'Fn::Select': return evalSelect(arg, scope, depth);
    case 'Fn::ImportValue': {
      const names = evaluate(arg, scope, depth + 1);
      return cap(names.flatMap((n) => {
        const name = asText(n);
        return (name !== undefined && scope.importValue(name, depth + 1)) || [[unknown(`import of ${name ?? 'a computed export name'}`)]];
      }));
    }
    case 'Fn::FindInMap': return evalFindInMap(arg, scope, depth);
    case 'Fn::Base64': return evaluate(arg, scope, depth + 1);
    default: return [[unknown(`${fn} is not evaluated`)]];
  }
}

function evalRef(name: string, scope: EvalScope): Expr[] {
  switch (name) {
    case 'AWS::Region': return [[scope.region ? text(scope.region) : unknown('the stack region (environment-agnostic stack)')]];
    case 'AWS::Partition': return [[scope.partition ? text(scope.partition) : unknown('the partition')]];
    case 'AWS::URLSuffix': return [[scope.urlSuffix ? text(scope.urlSuffix) : unknown('the URL suffix')]];
    case 'AWS::AccountId': return [[scope.account ? text(scope.account) : unknown('the account')]];
    case 'AWS::NoValue': return [];
    case 'AWS::StackName': case 'AWS::StackId': case 'AWS::NotificationARNs':
      return [[unknown(name)]];
    default:
      return scope.resources.has(name)
        ? [[{ kind: 'resource', stack: scope.stack, logicalId: name }]]
        : [[unknown(`parameter ${name}`)]];
  }
}

function evalGetAtt(arg: unknown, scope: EvalScope): Expr[] {
  const [logicalId, attribute] = Array.isArray(arg) ? arg.map(String) : String(arg).split(/\.(.*)/s);
  if (logicalId && scope.resources.has(logicalId)) {
    return [[{ kind: 'resource', stack: scope.stack, logicalId, attribute }]];
  }
  return [[unknown(`GetAtt of ${logicalId}`)]];
}

function evalJoin(arg: unknown, scope: EvalScope, depth: number): Expr[] {
  if (!Array.isArray(arg) || arg.length !== 2) return [[unknown('malformed Fn::Join')]];
  const delimiter = String(arg[0]);
  const items = listOf(arg[1], scope, depth);
  if (!items) return [[unknown('Fn::Join over a computed list')]];
  let acc: Part[][] = [[]];
  items.forEach((alternatives, i) => {
    const next: Part[][] = [];
    for (const prefix of acc) {
      for (const alt of alternatives) {
        next.push(i === 0 ? [...prefix, ...alt] : [...prefix, text(delimiter), ...alt]);
      }
    }
    acc = next.slice(0, MAX_ALTERNATIVES);
  });
  return acc.map(merge);
}

function evalSub(arg: unknown, scope: EvalScope, depth: number): Expr[] {
  const [template, vars] = Array.isArray(arg) ? [String(arg[0]), (arg[1] ?? {}) as Record<string, unknown>] : [String(arg), {}];
  let acc: Part[][] = [[]];
  const re = /\$\{(!?)([^}]*)\}/g;
  let last = 0;
  let m: RegExpExecArray | null;
  const append = (alts: Expr[]) => {
    const next: Part[][] = [];
    for (const prefix of acc) for (const alt of alts) next.push([...prefix, ...alt]);
    acc = next.slice(0, MAX_ALTERNATIVES);
  };
  while ((m = re.exec(template)) !== null) {
    append([[text(template.slice(last, m.index))]]);
    const name = m[2]!;
    if (m[1] === '!') {
      append([[text(`\${${name}}`)]]);
    } else if (name in vars) {
      append(evaluate(vars[name], scope, depth + 1));
    } else if (name.includes('.')) {
      append(evalGetAtt(name, scope));
    } else {
      append(evalRef(name, scope));
    }
    last = re.lastIndex;
  }
  append([[text(template.slice(last))]]);
  return acc.map(merge);
}

function evalSelect(arg: unknown, scope: EvalScope, depth: number): Expr[] {
  if (!Array.isArray(arg) || arg.length !== 2) return [[unknown('malformed Fn::Select')]];
  const index = Number(asText(evaluate(arg[0], scope, depth + 1)[0] ?? []));
  const list = arg[1];
  if (Array.isArray(list) && Number.isInteger(index) && index >= 0 && index < list.length) {
    return evaluate(list[index], scope, depth + 1);
  }
  if (isIntrinsic(list) && 'Fn::Split' in list && Array.isArray(list['Fn::Split'])) {
    const [delimiter, source] = list['Fn::Split'] as [unknown, unknown];
    return cap(evaluate(source, scope, depth + 1).map((alt) => {
      const whole = asText(alt);
      if (whole === undefined) return [unknown('Fn::Select over Fn::Split of a computed value')];
      const piece = whole.split(String(delimiter))[index];
      return piece === undefined ? [unknown('Fn::Select index out of range')] : [text(piece)];
    }));
  }
  return [[unknown('Fn::Select over a computed list')]];
}

function evalFindInMap(arg: unknown, scope: EvalScope, depth: number): Expr[] {
  if (!Array.isArray(arg) || arg.length < 3) return [[unknown('malformed Fn::FindInMap')]];
  const keys = arg.slice(0, 3).map((k) => asText(evaluate(k, scope, depth + 1)[0] ?? []));
  if (keys.some((k) => k === undefined)) return [[unknown('Fn::FindInMap with computed keys')]];
  const value = scope.mappings[keys[0]!]?.[keys[1]!]?.[keys[2]!];
  return value === undefined ? [[unknown(`mapping ${keys.join('.')} is missing`)]] : evaluate(value, scope, depth + 1);
}

function listOf(value: unknown, scope: EvalScope, depth: number): Expr[][] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map((item) => evaluate(item, scope, depth + 1));
}

function cap(alts: Expr[]): Expr[] {
  return alts.slice(0, MAX_ALTERNATIVES);
}

/** Merges adjacent text parts. */
function merge(parts: readonly Part[]): Expr {
  const out: Part[] = [];
  for (const p of parts) {
    const prev = out[out.length - 1];
    if (p.kind === 'text' && prev?.kind === 'text') {
      out[out.length - 1] = text(prev.text + p.text);
    } else if (!(p.kind === 'text' && p.text === '')) {
      out.push(p);
    }
  }
  return out;
}

/** The value as plain text, or `undefined` when any part is not text. */
export function asText(expr: Expr): string | undefined {
  return expr.every((p) => p.kind === 'text') ? expr.map((p) => (p as { text: string }).text).join('') : undefined;
}

/**
 * Renders an expression as a string in which each non-text part is a placeholder
 * `\u0001<i>\u0001` (resource) or `\u0002<i>\u0002` (unknown), `i` indexing `expr`.
 */
export function render(expr: Expr): string {
  return expr.map((p, i) => (p.kind === 'text' ? p.text : p.kind === 'resource' ? `\u0001${i}\u0001` : `\u0002${i}\u0002`)).join('');
}

/** The parts named by the placeholders in a rendered substring. */
export function partsIn(expr: Expr, rendered: string): Part[] {
  const out: Part[] = [];
  for (const m of rendered.matchAll(/[\u0001\u0002](\d+)[\u0001\u0002]/g)) {
    out.push(expr[Number(m[1])]!);
  }
  return out;
}

/** The single resource a value is exactly a reference to, if it is one. */
export function asResourceRef(expr: Expr): Extract<Part, { kind: 'resource' }> | undefined {
  return expr.length === 1 && expr[0]!.kind === 'resource' ? expr[0] : undefined;
}
