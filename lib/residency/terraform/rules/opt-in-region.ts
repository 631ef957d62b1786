import { RuleId } from '../../rule';
import type { TerraformObservation, TerraformRule } from '../terraform-rule';

/**
 * RES-OPT-IN-REGION (info) on Terraform: an AWS provider block, or a resource's own
 * `region` argument, targets a region that must be enabled in the account before use.
 * A resource whose `region` is its provider's is covered by the provider's finding: one
 * line per region to enable, not one per resource.
 * @see https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html
 */
export const terraformOptInRegionRule: TerraformRule = {
  id: RuleId.OPT_IN_REGION,
  severity: 'info',
  description: 'The target region is opt-in',
  fix: 'Enable the region in the account (Account settings > AWS Regions) and use regional STS endpoints (sts_region / AWS_STS_REGIONAL_ENDPOINTS=regional)',
  checkProvider(provider, ctx): TerraformObservation[] {
    if (provider.type !== 'aws') return [];
    const { location } = ctx.model.locateProvider(provider);
    if (!location.isOptInRegion) return [];
    return [{ provider, propertyPath: 'region', compliant: false, message: `${provider.logicalId} targets ${location.label}, an opt-in region: enable it in the account before applying` }];
  },
  checkResource(resource, ctx): TerraformObservation[] {
    if (!ctx.model.hasRegionArgument(resource)) return [];
    const { location } = ctx.model.locate(resource);
    if (!location.isOptInRegion) return [];
    const provider = ctx.model.providerOf(resource);
    if (provider && ctx.model.locateProvider(provider).location.label === location.label) return [];
    return [{ resource, propertyPath: 'region', compliant: false, message: `${resource.address} targets ${location.label}, an opt-in region: enable it in the account before applying` }];
  },
};
