import type { TerraformRule } from '../terraform-rule';
import { terraformAnnotationRule } from './annotation';
import { terraformOptInRegionRule } from './opt-in-region';
import { terraformSiteRule } from './site';
import { terraformStackRegionRule } from './stack-region';
import { terraformUnknownLocationRule } from './unknown-location';

/**
 * Every Terraform rule, in evaluation order: annotations and placement, then rules for
 * specific arguments (which claim what they check), then the generic scans.
 */
export const TERRAFORM_RULES: readonly TerraformRule[] = [
  terraformAnnotationRule,
  terraformStackRegionRule,
  terraformSiteRule,
  terraformUnknownLocationRule,
  terraformOptInRegionRule,
];
