import { RuleId } from '../../rule';
import { placementRule, type TerraformRule } from '../terraform-rule';

/**
 * RES-STACK-REGION on Terraform: every resource is deployed to the region of its AWS
 * provider block (default or alias) or of its own v6 `region` argument; that region must
 * be inside the boundaries that govern the resource's data. A provider block no resource
 * uses is checked against the policy boundary. Global locations count as outside.
 *
 * @see https://registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/enhanced-region-support
 */
export const terraformStackRegionRule: TerraformRule = placementRule({
  id: RuleId.STACK_REGION,
  severity: 'error',
  description: 'A resource (or an unused provider block) is placed in a region outside the boundary',
  fix: 'Set the AWS provider\'s region (or the resource\'s region argument) to a region inside the boundary, or use a provider alias in such a region',
}, ['region', 'global']);
