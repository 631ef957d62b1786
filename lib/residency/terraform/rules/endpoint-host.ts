import { parseRegionalHosts } from '../../app-model';
import { partsIn, render } from '../../expr';
import { Location } from '../../location';
import { RuleId } from '../../rule';
import type { TerraformProviderBlock, TerraformResourceBlock } from '../terraform-document';
import { arrivalObservation, locateBlock, scanArguments, type TerraformObservation, type TerraformRule, type TerraformRuleContext } from '../terraform-rule';

/**
 * RES-ENDPOINT-HOST on Terraform: any `*.<region>.amazonaws.com[.cn]` host in the
 * arguments of a resource, data source or provider block (container environment, URLs,
 * the AWS provider's `endpoints` overrides) sends data to that region, which must be
 * inside the boundary. A host whose region is computed is left to the rules that place
 * what it is computed from.
 */
export const terraformEndpointHostRule: TerraformRule = {
  id: RuleId.ENDPOINT_HOST,
  severity: 'error',
  description: 'An AWS endpoint host is in a region outside the boundary',
  fix: 'Use the endpoint of a region inside the boundary, built from data.aws_region and data.aws_partition.dns_suffix',
  checkProvider: (provider, ctx) => scan(provider, ctx),
  checkResource: (resource, ctx) => scan(resource, ctx),
};

function scan(block: TerraformResourceBlock | TerraformProviderBlock, ctx: TerraformRuleContext): TerraformObservation[] {
  return scanArguments(block, ctx, (leaf, expr, { subject, classes, name }) => parseRegionalHosts(render(expr))
    // A computed region is a resource attribute or a variable: placed by the rules for those.
    .filter((host) => partsIn(expr, host.region).length === 0)
    .map((host) => arrivalObservation(ctx, subject, leaf.path, { location: Location.ofRegionName(host.region), basis: `host ${host.host}` }, classes, `endpoint in ${leaf.path} of ${name}`,
      { kind: 'endpoint', from: locateBlock(ctx.model, block) })));
}
