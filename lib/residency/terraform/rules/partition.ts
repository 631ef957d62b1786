import { RuleId } from '../../rule';
import { partitionProblems } from '../../rules/partition';
import { interpolations, quotedLiterals } from '../terraform-expression';
import type { TerraformLeaf } from '../terraform-model';
import type { TerraformProviderBlock, TerraformResourceBlock } from '../terraform-document';
import { subjectOf, type TerraformObservation, type TerraformRule, type TerraformRuleContext } from '../terraform-rule';

/**
 * RES-PARTITION (fatal) on Terraform: literal `arn:aws:` ARNs or `amazonaws.com` hosts
 * inside an aws-cn boundary, and the reverse, in the arguments of resources, data sources
 * and provider blocks. Only literal text counts (`arn:${data.aws_partition.current.partition}:…`
 * is correct in both): the template's text, and the quoted string literals inside its
 * interpolations (`${jsonencode({ Resource = "arn:aws:…" })}`). IAM service principals are
 * exempt (`lambda.amazonaws.com` is valid in both partitions), in policy documents written
 * as JSON strings and in `principals { type = "Service" }` blocks; inside interpolations a
 * principal cannot be told from a host, so there an aws-cn boundary checks ARNs only.
 */
export const terraformPartitionRule: TerraformRule = {
  id: RuleId.PARTITION,
  severity: 'fatal',
  description: 'A literal ARN or endpoint of the other partition',
  fix: 'Build ARNs from data.aws_partition (arn:${data.aws_partition.current.partition}:…) and hosts from data.aws_partition.dns_suffix',
  checkProvider: (provider, ctx) => check(provider, ctx),
  checkResource: (resource, ctx) => check(resource, ctx),
};

function check(block: TerraformResourceBlock | TerraformProviderBlock, ctx: TerraformRuleContext): TerraformObservation[] {
  const partition = ctx.policy.boundary.partition;
  if (!partition) return [];
  const { subject, name } = subjectOf(block);
  const out: TerraformObservation[] = [];
  for (const leaf of ctx.model.leaves(block)) {
    if (isServicePrincipal(block, leaf)) continue;
    const texts = [
      ...literalTexts(leaf.text).map((text) => ({ text, hosts: true })),
      ...interpolatedLiterals(leaf.text).map((text) => ({ text, hosts: partition !== 'aws-cn' })),
    ];
    for (const { text, hosts } of texts) {
      for (const problem of partitionProblems(text, partition, { hosts })) {
        out.push({ ...subject, propertyPath: leaf.path, compliant: false, message: `${problem} in ${leaf.path} of ${name} breaks the ${partition} boundary` });
      }
    }
  }
  return out;
}

/** The literal text of a template (interpolations blanked out); a JSON document's strings, service principals left out. */
function literalTexts(template: string): string[] {
  const literal = blankInterpolations(template);
  const trimmed = literal.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const out: string[] = [];
      jsonStrings(JSON.parse(trimmed), false, out);
      return out;
    } catch {
      // Not JSON: read it as plain text.
    }
  }
  return [literal];
}

/** A template's text with each interpolation replaced by a NUL, so no match spans one. */
function blankInterpolations(template: string): string {
  let literal = '';
  let last = 0;
  for (const { start, end } of interpolations(template)) {
    literal += `${template.slice(last, start)}\u0000`;
    last = end;
  }
  return literal + template.slice(last);
}

/** The quoted literals inside a template's interpolations, and inside theirs, each with its interpolations blanked out. */
function interpolatedLiterals(template: string, depth = 0): string[] {
  if (depth > 4) return [];
  return interpolations(template).flatMap(({ body }) => quotedLiterals(body)
    .flatMap((literal) => [blankInterpolations(literal), ...interpolatedLiterals(literal, depth + 1)]));
}

function jsonStrings(value: unknown, underPrincipal: boolean, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => jsonStrings(v, underPrincipal, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (underPrincipal && k === 'Service') continue;
      jsonStrings(v, k === 'Principal' || k === 'NotPrincipal', out);
    }
  }
}

/** `principals { type = "Service", identifiers = [...] }` of an IAM policy document. */
function isServicePrincipal(block: TerraformResourceBlock | TerraformProviderBlock, leaf: TerraformLeaf): boolean {
  const m = /^(.*(?:^|\.)(?:not_)?principals\.\d+)\.identifiers\.\d+$/.exec(leaf.path);
  if (!m) return false;
  const principal = m[1]!.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], block.args);
  return (principal as { type?: unknown } | undefined)?.type === 'Service';
}
