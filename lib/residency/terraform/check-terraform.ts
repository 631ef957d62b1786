/**
 * The residency engine's entry point over synthesized Terraform JSON (`cdk.tf.json`).
 */
import type { Finding } from '../audit';
import type { ResidencyPolicy } from '../boundary';
import { TERRAFORM_RULES } from './rules';
import type { TerraformResourceBlock } from './terraform-document';
import { TerraformModel } from './terraform-model';
import type { TerraformObservation, TerraformRule, TerraformRuleContext } from './terraform-rule';

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
  const claims = new Map<TerraformResourceBlock, string[]>();
  const ctx: TerraformRuleContext = {
    model,
    policy,
    claim: (r, path) => { const list = claims.get(r) ?? []; list.push(path); claims.set(r, list); },
    isClaimed: (r, path) => (claims.get(r) ?? []).some((c) => path === c || path.startsWith(`${c}.`)),
  };
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const record = (rule: TerraformRule, obs: TerraformObservation) => {
    if (obs.compliant) return;
    const ruleId = obs.ruleId ?? rule.id;
    const finding: Finding = {
      ruleId,
      severity: obs.severity ?? (obs.ruleId && obs.ruleId !== rule.id ? 'error' : rule.severity),
      stackName: model.stackName,
      stackConstructPath: model.stackName,
      logicalId: obs.resource?.address ?? obs.provider?.logicalId ?? obs.block,
      resourceType: obs.resource?.type ?? obs.provider?.type,
      constructPath: obs.resource?.constructPath,
      propertyPath: obs.propertyPath,
      message: obs.message,
      fix: obs.fix ?? rule.fix,
      dataClasses: obs.dataClasses ?? obs.resource?.dataClasses ?? [],
    };
    const key = [finding.ruleId, finding.logicalId, finding.propertyPath, finding.message].join('|');
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(finding);
  };
  for (const rule of TERRAFORM_RULES) {
    for (const obs of rule.checkDocument?.(ctx) ?? []) record(rule, obs);
  }
  for (const provider of model.document.providers) {
    for (const rule of TERRAFORM_RULES) {
      for (const obs of rule.checkProvider?.(provider, ctx) ?? []) record(rule, obs);
    }
  }
  for (const resource of model.document.resources) {
    for (const rule of TERRAFORM_RULES) {
      for (const obs of rule.checkResource?.(resource, ctx) ?? []) record(rule, obs);
    }
  }
  return findings;
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
