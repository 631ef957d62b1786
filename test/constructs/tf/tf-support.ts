/** Helpers for the CDKTF construct tests: stacks with providers, synthesized JSON. */
import { setupJest } from 'cdktf/lib/testing/adapters/jest';
import { TerraformStack, Testing } from '../../../constructs/tf/private/cdktf';
import { AwsProvider, KubernetesProvider } from '../../../constructs/tf/private/providers';

setupJest();

/** A stack in a test app with an AWS provider in ap-east-1 and a Kubernetes provider. */
export function newStack(id = 'test'): TerraformStack {
  const stack = new TerraformStack(Testing.app(), id);
  new AwsProvider(stack, 'aws', { region: 'ap-east-1' });
  new KubernetesProvider(stack, 'kubernetes', { configPath: '~/.kube/config' });
  return stack;
}

/** The stack's Terraform JSON as written to disk, with the `//` annotations (Testing.synth strips them). */
export function terraformJson(stack: TerraformStack): TerraformJson {
  return JSON.parse(JSON.stringify(stack.toTerraform())) as TerraformJson;
}

/** The blocks of one resource type, in order. */
export function resources(json: TerraformJson, type: string): Array<Record<string, any>> {
  return Object.values(json.resource?.[type] ?? {});
}

/** The only block of a resource type; fails when there are none or several. */
export function onlyResource(json: TerraformJson, type: string): Record<string, any> {
  const list = resources(json, type);
  if (list.length !== 1) throw new Error(`expected one ${type}, found ${list.length}`);
  return list[0]!;
}

/** The sovereign-ml residency annotation of a resource block. */
export function annotation(block: Record<string, any>): { dataClasses?: string[]; flows?: Array<Record<string, any>> } | undefined {
  return block['//']?.['sovereign-ml'];
}

/** A parsed Terraform JSON document. */
export interface TerraformJson {
  readonly resource?: Record<string, Record<string, Record<string, any>>>;
  readonly output?: Record<string, { value: unknown; description?: string }>;
  readonly provider?: Record<string, Array<Record<string, any>>>;
}
