import type { TerraformRule } from '../terraform-rule';
import { terraformAnnotationRule } from './annotation';
import { terraformArnRegionRule } from './arn-region';
import { terraformCrossRegionReferenceRule } from './cross-region-reference';
import { terraformEndpointHostRule } from './endpoint-host';
import { terraformOptInRegionRule } from './opt-in-region';
import { terraformPartitionRule } from './partition';
import { terraformS3ReplicationRule } from './s3-replication';
import { terraformSiteRule } from './site';
import { terraformStackRegionRule } from './stack-region';
import { terraformStateBackendRule } from './state-backend';
import { terraformUnknownLocationRule } from './unknown-location';

/**
 * Every Terraform rule, in evaluation order: annotations and placement, then rules for
 * specific arguments (which claim what they check), then the generic scans.
 */
export const TERRAFORM_RULES: readonly TerraformRule[] = [
  terraformAnnotationRule,
  terraformStackRegionRule,
  terraformStateBackendRule,
  terraformSiteRule,
  terraformUnknownLocationRule,
  terraformOptInRegionRule,
  terraformPartitionRule,
  terraformS3ReplicationRule,
  terraformCrossRegionReferenceRule,
  terraformArnRegionRule,
  terraformEndpointHostRule,
];
