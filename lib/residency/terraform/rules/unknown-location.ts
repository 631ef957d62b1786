import { RuleId } from '../../rule';
import { placementObservation, UNKNOWN_LOCATION_FIX, type TerraformRule } from '../terraform-rule';

/**
 * RES-UNKNOWN-LOCATION on Terraform: a resource whose location cannot be proven (an AWS
 * provider without a literal region, `region = var.region`, a provider of another type
 * without a location annotation, a provider key with no provider block) fails closed.
 */
export const terraformUnknownLocationRule: TerraformRule = {
  id: RuleId.UNKNOWN_LOCATION,
  severity: 'error',
  description: 'Where a resource is cannot be proven',
  fix: UNKNOWN_LOCATION_FIX,
  checkResource(resource, ctx) {
    if (resource.mode !== 'managed') return [];
    const obs = placementObservation(ctx, resource);
    return obs.located.location.isKnown ? [] : [{ ...obs, compliant: false }];
  },
};
