/**
 * The residency engine's entry point over synthesized Terraform JSON (`cdk.tf.json`).
 */
import type { Finding } from '../audit';
import type { ResidencyPolicy } from '../boundary';
import { evaluateTerraform } from './audit-terraform';
import { TerraformModel } from './terraform-model';

/**
 * Checks a synthesized Terraform JSON document against a residency policy and returns
 * the findings (empty when clean): where each provider and resource is (provider regions
 * and aliases, the AWS provider v6 per-resource `region`, providers placed at on-prem
 * sites), what the arguments point at (ARNs, endpoint hosts, S3 replication destinations),
 * and the data flows between resources at different locations, by data class.
 *
 * Findings carry `logicalId` `<type>.<name>` (`provider.<type>[.<alias>]` for provider
 * blocks) and the construct path cdktf recorded; rule ids are those of the
 * CloudFormation checker where the meaning is the same.
 *
 * @param doc the parsed JSON of `cdk.tf.json` (or `TerraformStack.toTerraform()`)
 * @throws SovereignMlError INVALID_PROPS when `doc` is not a Terraform JSON document
 */
export function checkTerraform(doc: unknown, policy: ResidencyPolicy): Finding[] {
  const model = new TerraformModel(doc);
  return evaluateTerraform(model, policy, { stackName: model.stackName, stackConstructPath: model.stackName }).findings;
}

/**
 * One line for a finding: rule id, severity, construct path (or the block's address),
 * property path, message and fix, e.g.
 * `[RES-STACK-REGION] error at hybrid/Registry (aws_s3_bucket.Registry, provider): … Fix: …`.
 */
export function renderTerraformFinding(finding: Finding): string {
  const where = finding.constructPath ?? finding.logicalId ?? finding.stackConstructPath;
  const detail = [finding.constructPath ? finding.logicalId : undefined, finding.propertyPath].filter((x) => x !== undefined).join(', ');
  return `[${finding.ruleId}] ${finding.severity} at ${where}${detail ? ` (${detail})` : ''}: ${finding.message}. Fix: ${finding.fix}`;
}
