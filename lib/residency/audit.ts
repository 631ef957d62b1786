/**
 * The residency engine's entry points over synthesized CloudFormation.
 */
import { AppModel, type ResourceView } from './app-model';
import { claimRegistry, dedupeBy, findingSeverity } from './audit-support';
import type { ResidencyPolicy } from './boundary';
import type { DataClass } from './data-class';
import type { FlowKind, Observation, ResidencyRule, RuleContext, RuleId, Severity } from './rule';
import { ALL_RULES } from './rules';
import type { StackDocument } from './template';

/** A violation of the residency policy, ready for a report. */
export interface Finding {
  readonly ruleId: RuleId;
  readonly severity: Severity;
  readonly stackName: string;
  readonly stackConstructPath: string;
  readonly templatePath?: string;
  readonly logicalId?: string;
  readonly resourceType?: string;
  readonly constructPath?: string;
  readonly propertyPath?: string;
  readonly message: string;
  readonly fix: string;
  readonly dataClasses: readonly DataClass[];
}

/** A data flow the checker followed, with its verdict. */
export interface Flow {
  readonly ruleId: RuleId;
  readonly stackName: string;
  readonly logicalId: string;
  readonly constructPath?: string;
  readonly propertyPath: string;
  readonly kind: FlowKind;
  /**
   * Where the data comes from: the resource's stack location (CloudFormation), or the
   * resource's location, or the other end of a flow declared inbound (Terraform).
   */
  readonly from: string;
  /** Where it goes. */
  readonly to: string;
  readonly basis: string;
  readonly dataClasses: readonly DataClass[];
  readonly allowed: boolean;
  /**
   * What flows, as the flow's declaration describes it (Terraform annotations).
   * @default - none
   */
  readonly description?: string;
}

/** A resource of the app and where it is. */
export interface ResourcePlacement {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  readonly constructPath?: string;
  readonly location: string;
  readonly dataClasses: readonly DataClass[];
}

/** A stack and where it deploys. */
export interface StackPlacement {
  readonly stackName: string;
  readonly constructPath: string;
  /** The stack's region (CloudFormation), or the region of the default `aws` provider block (Terraform). */
  readonly region?: string;
  readonly account?: string;
  readonly templatePath?: string;
  /**
   * Where the stack deploys. A Terraform stack is where its provider blocks are:
   * their location when they agree, `mixed` when they do not (see `providers`), `unknown`
   * when it has none.
   */
  readonly location: string;
  /**
   * The provider blocks of a Terraform stack and where each places what it manages.
   * @default - none (CloudFormation)
   */
  readonly providers?: ProviderPlacement[];
}

/** A Terraform provider block and where it places the resources that use it. */
export interface ProviderPlacement {
  /** How resources name it: `aws`, or `aws.<alias>`. */
  readonly key: string;
  /** The provider type, e.g. `aws`, `kubernetes`. */
  readonly type: string;
  readonly alias?: string;
  readonly location: string;
  /** How the location was proven (its region argument, a location annotation), or why it could not be. */
  readonly basis: string;
}

/** Everything the checker found: findings, the flows it followed, and what is where. */
export interface ResidencyAudit {
  readonly policy: ResidencyPolicy;
  readonly stacks: StackPlacement[];
  readonly resources: ResourcePlacement[];
  readonly flows: Flow[];
  readonly findings: Finding[];
}

/** Options of {@link auditCloudFormation}. */
export interface AuditOptions {
  /**
   * The rules to run.
   * @default - every rule
   */
  readonly rules?: readonly ResidencyRule[];
}

/**
 * Checks synthesized CloudFormation stacks against a residency policy and returns the
 * findings (empty when clean). Stacks are checked together: a reference from one stack to
 * another (exports, bucket names) is placed where the other stack deploys.
 */
export function checkCloudFormation(stacks: readonly StackDocument[], policy: ResidencyPolicy): Finding[] {
  return auditCloudFormation(stacks, policy).findings;
}

/** Like {@link checkCloudFormation}, with the flows and placements a report needs. */
export function auditCloudFormation(stacks: readonly StackDocument[], policy: ResidencyPolicy, options: AuditOptions = {}): ResidencyAudit {
  const model = new AppModel(stacks);
  const ctx: RuleContext = { model, policy, ...claimRegistry<ResourceView>() };
  const rules = options.rules ?? ALL_RULES;
  const findings: Finding[] = [];
  const flows: Flow[] = [];
  const record = (rule: ResidencyRule, stackName: string, obs: Observation) => {
    const stack = model.stack(stackName)!;
    const ruleId = obs.ruleId ?? rule.id;
    if (obs.flow && obs.resource) {
      flows.push({
        ruleId, stackName, logicalId: obs.resource.logicalId, constructPath: obs.resource.constructPath,
        propertyPath: obs.propertyPath ?? '', kind: obs.flow.kind, from: stack.location.toString(),
        to: obs.flow.target.location.toString(), basis: obs.flow.target.basis,
        dataClasses: obs.flow.dataClasses ?? obs.resource.dataClasses, allowed: obs.compliant,
      });
    }
    if (obs.compliant) return;
    findings.push({
      ruleId,
      severity: findingSeverity(rule, obs),
      stackName,
      stackConstructPath: stack.constructPath,
      templatePath: stack.templatePath,
      logicalId: obs.resource?.logicalId,
      resourceType: obs.resource?.type,
      constructPath: obs.resource?.constructPath,
      propertyPath: obs.propertyPath,
      message: obs.message,
      fix: obs.fix ?? rule.fix,
      dataClasses: obs.flow?.dataClasses ?? obs.resource?.dataClasses ?? [],
    });
  };
  for (const stack of model.stacks) {
    for (const rule of rules) {
      for (const obs of rule.checkStack?.(stack, ctx) ?? []) record(rule, stack.name, obs);
    }
    for (const resource of stack.resources) {
      for (const rule of rules) {
        for (const obs of rule.checkResource?.(resource, ctx) ?? []) record(rule, stack.name, obs);
      }
    }
  }
  return {
    policy,
    stacks: model.stacks.map((s) => ({ stackName: s.name, constructPath: s.constructPath, region: s.region, account: s.account, templatePath: s.templatePath, location: s.location.toString() })),
    resources: model.stacks.flatMap((s) => s.resources.filter((r) => r.type !== 'AWS::CDK::Metadata').map((r) => ({
      stackName: s.name, logicalId: r.logicalId, type: r.type, constructPath: r.constructPath,
      location: (model.locateResource({ kind: 'resource', stack: s.name, logicalId: r.logicalId })).location.toString(),
      dataClasses: r.dataClasses,
    }))),
    flows: dedupeBy(flows, (f) => [f.ruleId, f.stackName, f.logicalId, f.propertyPath, f.to, f.allowed].join('|')),
    findings: dedupeBy(findings, (f) => [f.ruleId, f.stackName, f.logicalId, f.propertyPath, f.message].join('|')),
  };
}
