/**
 * The residency audit over synthesized Terraform JSON: the findings of the Terraform
 * rules, with the placements and flows a report needs, in the shape the CloudFormation
 * audit has.
 */
import { ErrorCode, SovereignMlError } from '../../errors';
import type { Finding, Flow, ProviderPlacement, ResidencyAudit, StackPlacement } from '../audit';
import { claimRegistry, dedupeBy, findingSeverity } from '../audit-support';
import type { ResidencyPolicy } from '../boundary';
import { TERRAFORM_RULES } from './rules';
import type { TerraformResourceBlock } from './terraform-document';
import { TerraformModel } from './terraform-model';
import type { TerraformObservation, TerraformRule, TerraformRuleContext } from './terraform-rule';

/** One synthesized Terraform stack (`cdktf.out/stacks/<name>/cdk.tf.json`) and its name. */
export interface TerraformStackDocument {
  /** Stack name (the folder name under `cdktf.out/stacks`), unique in an audit. */
  readonly name: string;
  /** The parsed JSON of `cdk.tf.json` (or `TerraformStack.toTerraform()`). */
  readonly document: unknown;
  /**
   * Path of the file, for reports.
   * @default - none
   */
  readonly path?: string;
  /**
   * Construct path of the stack (CDKTF), for reports.
   * @default - the name
   */
  readonly constructPath?: string;
}

/** Options of {@link auditTerraform}. */
export interface TerraformAuditOptions {
  /**
   * The rules to run.
   * @default - every Terraform rule (TERRAFORM_RULES)
   */
  readonly rules?: readonly TerraformRule[];
}

/** How the findings and flows of one document name their stack. */
export interface TerraformStackIdentity {
  readonly stackName: string;
  readonly stackConstructPath: string;
  readonly templatePath?: string;
}

/**
 * Audits synthesized Terraform stacks against a residency policy: the findings
 * `checkTerraform` gives for each document, where each stack's provider blocks and each
 * managed resource are (regions, aliases, on-prem sites from the providers' location
 * annotations), and the data flows the rules followed (flows declared in annotations,
 * such as a model pulled from the cloud to a site or metrics sent from a site to the
 * cloud, references to resources at other locations, ARNs, endpoint hosts, S3
 * replication), each with its verdict.
 *
 * Each document is checked on its own: Terraform stacks share nothing but remote state,
 * which a document cannot place. Findings and flows carry the given stack name and path.
 *
 * @throws SovereignMlError INVALID_PROPS naming the stack when a document is not Terraform
 * JSON, or when two documents have the same name
 */
export function auditTerraform(docs: readonly TerraformStackDocument[], policy: ResidencyPolicy, options: TerraformAuditOptions = {}): ResidencyAudit {
  const seen = new Set<string>();
  const audit: Omit<ResidencyAudit, 'policy'> = { stacks: [], resources: [], flows: [], findings: [] };
  for (const doc of docs) {
    if (seen.has(doc.name)) {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `stack name ${JSON.stringify(doc.name)} appears twice; each stack must have its own name`);
    }
    seen.add(doc.name);
    const model = modelOf(doc);
    const identity: TerraformStackIdentity = { stackName: doc.name, stackConstructPath: doc.constructPath ?? doc.name, ...(doc.path === undefined ? {} : { templatePath: doc.path }) };
    const { findings, flows } = evaluateTerraform(model, policy, identity, options.rules ?? TERRAFORM_RULES);
    audit.stacks.push(stackPlacement(model, identity));
    audit.resources.push(...model.resources.map((r) => ({
      stackName: doc.name, logicalId: r.address, type: r.type, constructPath: r.constructPath,
      location: model.locate(r).location.toString(), dataClasses: [...r.dataClasses],
    })));
    audit.flows.push(...flows);
    audit.findings.push(...findings);
  }
  return { policy, ...audit };
}

/**
 * Runs the rules over one document: the findings (each fact once) and every flow the
 * rules observed, allowed or not (each once).
 */
export function evaluateTerraform(model: TerraformModel, policy: ResidencyPolicy, stack: TerraformStackIdentity, rules: readonly TerraformRule[] = TERRAFORM_RULES): { findings: Finding[]; flows: Flow[] } {
  const ctx: TerraformRuleContext = { model, policy, ...claimRegistry<TerraformResourceBlock>() };
  const findings: Finding[] = [];
  const flows: Flow[] = [];
  const record = (rule: TerraformRule, obs: TerraformObservation) => {
    const ruleId = obs.ruleId ?? rule.id;
    const logicalId = obs.resource?.address ?? obs.provider?.logicalId ?? obs.module?.address ?? obs.block;
    const constructPath = obs.resource?.constructPath ?? obs.module?.constructPath;
    const dataClasses = obs.dataClasses ?? obs.resource?.dataClasses ?? [];
    if (obs.flow) {
      flows.push({
        ruleId, stackName: stack.stackName, logicalId: logicalId ?? '', constructPath,
        propertyPath: obs.propertyPath ?? '', kind: obs.flow.kind, from: obs.flow.from.location.toString(),
        to: obs.flow.to.location.toString(), basis: obs.flow.to.basis, dataClasses, allowed: obs.compliant,
        ...(obs.flow.description === undefined ? {} : { description: obs.flow.description }),
      });
    }
    if (obs.compliant) return;
    findings.push({
      ruleId,
      severity: findingSeverity(rule, obs),
      stackName: stack.stackName,
      stackConstructPath: stack.stackConstructPath,
      ...(stack.templatePath === undefined ? {} : { templatePath: stack.templatePath }),
      logicalId,
      resourceType: obs.resource?.type ?? obs.provider?.type ?? (obs.module ? 'module' : undefined),
      constructPath,
      propertyPath: obs.propertyPath,
      message: obs.message,
      fix: obs.fix ?? rule.fix,
      dataClasses,
    });
  };
  for (const rule of rules) {
    for (const obs of rule.checkDocument?.(ctx) ?? []) record(rule, obs);
  }
  for (const provider of model.document.providers) {
    for (const rule of rules) {
      for (const obs of rule.checkProvider?.(provider, ctx) ?? []) record(rule, obs);
    }
  }
  for (const resource of model.document.resources) {
    for (const rule of rules) {
      for (const obs of rule.checkResource?.(resource, ctx) ?? []) record(rule, obs);
    }
  }
  return {
    findings: dedupeBy(findings, (f) => [f.ruleId, f.logicalId, f.propertyPath, f.message].join('|')),
    flows: dedupeBy(flows, (f) => [f.ruleId, f.logicalId, f.propertyPath, f.from, f.to, f.allowed].join('|')),
  };
}

function modelOf(doc: TerraformStackDocument): TerraformModel {
  try {
    return new TerraformModel(doc.document);
  } catch (err) {
    if (!SovereignMlError.isSovereignMlError(err)) throw err;
    throw new SovereignMlError(err.code, `stack ${doc.name}${doc.path ? ` (${doc.path})` : ''}: ${err.detail}`, { cause: err });
  }
}

/**
 * Where a stack's provider blocks place what they manage; the stack's location is theirs
 * when they agree, and its region that of the default `aws` provider block.
 */
function stackPlacement(model: TerraformModel, identity: TerraformStackIdentity): StackPlacement {
  const providers: ProviderPlacement[] = model.document.providers.map((p) => {
    const { location, basis } = model.locateProvider(p);
    return { key: p.key, type: p.type, ...(p.alias === undefined ? {} : { alias: p.alias }), location: location.toString(), basis };
  });
  const locations = [...new Set(providers.map((p) => p.location))];
  const aws = model.document.providers.find((p) => p.key === 'aws');
  const awsLocation = aws ? model.locateProvider(aws).location : undefined;
  return {
    stackName: identity.stackName,
    constructPath: identity.stackConstructPath,
    ...(awsLocation?.kind === 'region' ? { region: awsLocation.name } : {}),
    ...(identity.templatePath === undefined ? {} : { templatePath: identity.templatePath }),
    location: locations.length === 0 ? 'unknown' : locations.length === 1 ? locations[0]! : 'mixed',
    providers,
  };
}
