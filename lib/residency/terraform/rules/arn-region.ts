import type { Located } from '../../app-model';
import { parseArns } from '../../app-model';
import { partsIn, render, type Expr } from '../../expr';
import { Location } from '../../location';
import type { TerraformProviderBlock, TerraformResourceBlock } from '../terraform-document';
import { RuleId } from '../../rule';
import type { TerraformModel } from '../terraform-model';
import { arrivalObservation, locateBlock, scanArguments, type TerraformObservation, type TerraformRule, type TerraformRuleContext } from '../terraform-rule';

/**
 * RES-ARN-REGION on Terraform: any ARN with a region in the arguments of a resource,
 * data source or provider block (policies and JSON strings included) names a resource in
 * that region, which must be inside the boundary for the block's data. A region taken from
 * a resource or data source (`${data.aws_region.current.region}`) is placed where that
 * block is; any other computed region is unknown and fails closed. Arguments a specific
 * rule already checked are skipped.
 */
export const terraformArnRegionRule: TerraformRule = {
  id: RuleId.ARN_REGION,
  severity: 'error',
  description: 'An ARN names a resource in a region outside the boundary',
  fix: 'Reference a resource in a region inside the boundary, or build the ARN from data.aws_region of the provider that manages it',
  checkProvider: (provider, ctx) => scan(provider, ctx),
  checkResource: (resource, ctx) => scan(resource, ctx),
};

function scan(block: TerraformResourceBlock | TerraformProviderBlock, ctx: TerraformRuleContext): TerraformObservation[] {
  return scanArguments(block, ctx, (leaf, expr, { subject, classes, name }) => parseArns(render(expr))
    .filter((arn) => arn.region)
    .map((arn) => arrivalObservation(ctx, subject, leaf.path, locateArnRegion(ctx.model, expr, arn.region), classes, `${arn.service} ARN in ${leaf.path} of ${name}`,
      { kind: 'arn', from: locateBlock(ctx.model, block) })));
}

/** The region segment of an ARN: literal, taken from a block of the document, or unknown. */
function locateArnRegion(model: TerraformModel, expr: Expr, rendered: string): Located {
  const parts = partsIn(expr, rendered);
  if (parts.length === 0) {
    return { location: Location.ofRegionName(rendered), basis: `ARN region ${rendered}` };
  }
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only?.kind === 'resource') {
    const located = model.locate(model.resource(only.logicalId)!);
    return { location: located.location, basis: `ARN region from ${only.logicalId}, ${located.basis}` };
  }
  const reasons = parts.map((p) => (p.kind === 'unknown' ? p.reason : p.kind === 'resource' ? p.logicalId : p.text));
  return { location: Location.UNKNOWN, basis: `the ARN region is computed from ${reasons.join(', ')}` };
}
