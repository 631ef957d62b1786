/**
 * Helpers for residency engine tests: one-stack and multi-stack apps written as plain
 * CloudFormation JSON, so tests state exactly what the checker reads.
 */
import { auditCloudFormation, type Finding, type ResidencyAudit } from '../../lib/residency/audit';
import { Boundary, type ResidencyPolicy } from '../../lib/residency/boundary';
import type { CfnResourceJson, CfnTemplateJson, StackDocument } from '../../lib/residency/template';

/** A stack document in `region` (default ap-east-1) holding `resources`. */
export function stackDoc(resources: Record<string, CfnResourceJson>, options: { name?: string; region?: string | null; account?: string; template?: Partial<CfnTemplateJson> } = {}): StackDocument {
  return {
    stackName: options.name ?? 'S',
    region: options.region === null ? undefined : options.region ?? 'ap-east-1',
    account: options.account ?? '111111111111',
    template: { ...options.template, Resources: resources },
  };
}

/** Audits stacks under a policy (default: Boundary.HONG_KONG for all data). */
export function audit(stacks: StackDocument | StackDocument[], policy: ResidencyPolicy = { boundary: Boundary.HONG_KONG }): ResidencyAudit {
  return auditCloudFormation(Array.isArray(stacks) ? stacks : [stacks], policy);
}

/** Findings of one rule id (info findings such as RES-OPT-IN-REGION are left out unless asked for). */
export function findingsOf(result: ResidencyAudit, ruleId: string): Finding[] {
  return result.findings.filter((f) => f.ruleId === ruleId);
}

/** Findings other than the informational opt-in notice. */
export function problems(result: ResidencyAudit): Finding[] {
  return result.findings.filter((f) => f.severity !== 'info');
}
