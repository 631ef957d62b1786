import { RuleId } from '../../rule';
import { placementObservation, UNKNOWN_LOCATION_FIX, type TerraformRule } from '../terraform-rule';

/**
 * RES-UNKNOWN-LOCATION on Terraform: a resource whose location cannot be proven (an AWS
 * provider without a literal region, `region = var.region`, a provider of another type
 * without a location annotation, a provider key with no provider block) fails closed.
 * So does a module call: the resources it creates are not in the document, so neither
 * where they are nor what they hold can be proven until someone has read the module and
 * acknowledged the finding with a reason.
 */
export const terraformUnknownLocationRule: TerraformRule = {
  id: RuleId.UNKNOWN_LOCATION,
  severity: 'error',
  description: 'Where a resource is cannot be proven',
  fix: UNKNOWN_LOCATION_FIX,
  checkDocument(ctx) {
    return ctx.model.document.modules.map((module) => ({
      module,
      propertyPath: 'source',
      compliant: false,
      message: `${module.address} (source ${JSON.stringify(module.source ?? '?')}${module.version ? ` version ${module.version}` : ''}) creates resources that are not in the synthesized Terraform JSON: where they are and what data they hold cannot be proven`,
      fix: 'Read the module: if everything it creates stays inside the boundary, acknowledge RES-UNKNOWN-LOCATION at the module\'s construct path with that reason; otherwise write its resources in the stack, where they are checked',
    }));
  },
  checkResource(resource, ctx) {
    if (resource.mode !== 'managed' || ctx.model.locate(resource).location.isKnown) return [];
    return [{ ...placementObservation(ctx, resource), compliant: false }];
  },
};
