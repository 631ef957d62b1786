/** Helpers for the CDKTF construct tests: stacks with providers, synthesized JSON, and checked reads of that JSON. */
import { setupJest } from 'cdktf/lib/testing/adapters/jest';
import { TerraformStack, Testing } from '../../../constructs/tf/private/cdktf';
import { AwsProvider, KubernetesProvider } from '../../../constructs/tf/private/providers';
import { tempDir } from '../../support/temp-dir';

setupJest();

/** A JSON value, as `JSON.parse` returns it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A parsed Terraform JSON document (the parts the tests read; other top-level keys are kept but not typed). */
export interface TerraformJson {
  readonly resource?: Record<string, Record<string, JsonObject>>;
  readonly data?: Record<string, Record<string, JsonObject>>;
  readonly output?: Record<string, { readonly value: JsonValue; readonly description?: string }>;
  readonly provider?: Record<string, JsonObject[]>;
}

/** A stack in a test app with an AWS provider in ap-east-1 and a Kubernetes provider. */
export function newStack(id = 'test'): TerraformStack {
  const stack = new TerraformStack(Testing.app({ outdir: tempDir('cdktf-') }), id);
  new AwsProvider(stack, 'aws', { region: 'ap-east-1' });
  new KubernetesProvider(stack, 'kubernetes', { configPath: '~/.kube/config' });
  return stack;
}

/** The stack's Terraform JSON as written to disk, with the `//` annotations (Testing.synth strips them). */
export function terraformJson(stack: TerraformStack): TerraformJson {
  return parseTerraformJson(JSON.stringify(stack.toTerraform()));
}

/** Parses a Terraform JSON document (a `cdk.tf.json`), checking the shape of `resource`, `data`, `output` and `provider`. */
export function parseTerraformJson(source: string): TerraformJson {
  const doc = object(parseJson(source), 'Terraform JSON');
  for (const section of ['resource', 'data'] as const) {
    const byType = doc[section];
    if (byType === undefined) continue;
    for (const [type, byName] of Object.entries(object(byType, section))) {
      for (const [name, block] of Object.entries(object(byName, `${section}.${type}`))) object(block, `${section}.${type}.${name}`);
    }
  }
  if (doc.output !== undefined) {
    for (const [name, output] of Object.entries(object(doc.output, 'output'))) {
      const block = object(output, `output.${name}`);
      if (!Object.hasOwn(block, 'value')) throw new Error(`output.${name}: expected a value`);
      if (block.description !== undefined) text(block.description, `output.${name}.description`);
    }
  }
  if (doc.provider !== undefined) {
    for (const [name, blocks] of Object.entries(object(doc.provider, 'provider'))) {
      list(blocks, `provider.${name}`).forEach((block, i) => object(block, `provider.${name}.${i}`));
    }
  }
  // Checked above: every section the interface types has the shape it declares.
  return doc as TerraformJson;
}

/** The blocks of one resource type, in order. */
export function resources(json: TerraformJson, type: string): JsonObject[] {
  return Object.values(json.resource?.[type] ?? {});
}

/** The only block of a resource type; fails when there are none or several. */
export function onlyResource(json: TerraformJson, type: string): JsonObject {
  const blocks = resources(json, type);
  if (blocks.length !== 1) throw new Error(`expected one ${type}, found ${blocks.length}`);
  return blocks[0]!;
}

/** The sovereign-ml residency annotation of a resource block (`//.sovereign-ml`), or undefined when the block has no `//` comment. */
export function annotation(block: JsonObject): JsonValue | undefined {
  const comment = block['//'];
  return comment === undefined ? undefined : object(comment, '//')['sovereign-ml'];
}

/** Parses JSON text; `JSON.parse` without a reviver returns only JSON values. */
export function parseJson(source: string): JsonValue {
  return JSON.parse(source);
}

/**
 * The value at a path below `value`: dot-separated segments (`'spec.template.spec.container.0.args'`), or an array of
 * segments when a key holds a dot (`['data', 'baseline.json']`). A segment indexes an array when it is a whole number,
 * an object otherwise. Like a chain of property accesses, only the last step may be missing (giving undefined): every
 * step before it must reach an object or array, else this throws naming the path.
 */
export function at(value: JsonValue | undefined, path: string | ReadonlyArray<string | number>): JsonValue | undefined {
  const segments = (typeof path === 'string' ? path.split('.') : path).map(String);
  let current = value;
  segments.forEach((segment, i) => {
    const where = segments.slice(0, i).join('.') || '(root)';
    if (current === undefined) throw new Error(`at ${JSON.stringify(segments.join('.'))}: nothing at ${where} to read ${JSON.stringify(segment)} from`);
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment)) throw new Error(`at ${JSON.stringify(segments.join('.'))}: ${where} is an array, ${JSON.stringify(segment)} is not an index`);
      current = current[Number(segment)];
    } else if (current !== null && typeof current === 'object') {
      current = Object.hasOwn(current, segment) ? current[segment] : undefined;
    } else {
      throw new Error(`at ${JSON.stringify(segments.join('.'))}: ${where} is ${describe(current)}, not an object or array to read ${JSON.stringify(segment)} from`);
    }
  });
  return current;
}

/** The value as a string; throws when it is anything else. */
export function text(value: JsonValue | undefined, what = 'value'): string {
  if (typeof value !== 'string') throw new Error(`${what}: expected a string, got ${describe(value)}`);
  return value;
}

/** The value as an array of strings; throws when it is not an array or holds anything but strings. */
export function strings(value: JsonValue | undefined, what = 'value'): string[] {
  return list(value, what).map((item, i) => text(item, `${what}[${i}]`));
}

/** The value as a JSON object; throws when it is an array, null, a scalar or missing. */
export function object(value: JsonValue | undefined, what = 'value'): JsonObject {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what}: expected an object, got ${describe(value)}`);
  return value;
}

/** The value as an array; throws when it is anything else. */
export function list(value: JsonValue | undefined, what = 'value'): JsonValue[] {
  if (!Array.isArray(value)) throw new Error(`${what}: expected an array, got ${describe(value)}`);
  return value;
}

function describe(value: JsonValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  const json = JSON.stringify(value);
  const kind = Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  return `${kind} ${json.length > 80 ? `${json.slice(0, 77)}...` : json}`;
}
