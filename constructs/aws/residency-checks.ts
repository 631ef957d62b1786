import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnResource, Stack, type IPolicyValidationContext, type IPolicyValidationPlugin, type PolicyValidationPluginReport, type PolicyViolation } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { auditCloudFormation, type Finding, type ResidencyAudit } from '../../lib/residency/audit';
import type { ResidencyPolicy } from '../../lib/residency/boundary';
import { renderJsonReport, renderMarkdownReport } from '../../lib/residency/report';
import { ALL_RULES } from '../../lib/residency/rules';
import type { CfnTemplateJson, StackDocument } from '../../lib/residency/template';

/** Properties of {@link ResidencyChecks}. */
export interface ResidencyChecksProps extends ResidencyPolicy {
  /**
   * Write `residency-report.json` and `residency-report.md` beside the templates.
   * @default true
   */
  readonly report?: boolean;
}

/**
 * The residency checker as an aws-cdk-lib policy validation plugin: findings appear in
 * CDK's validation report, fail `cdk synth`, and can be acknowledged with
 * `Validations.of(scope).acknowledge({ id: 'Residency::RES-…', reason })` — except
 * partition breaches (`fatal`), which cannot.
 */
export class ResidencyChecks implements IPolicyValidationPlugin {
  /** The plugin name; acknowledgement ids are `Residency::<rule id>`. */
  public static readonly PLUGIN_NAME = 'Residency';

  public readonly name = ResidencyChecks.PLUGIN_NAME;
  public readonly version = '0.1.0';
  public readonly ruleIds = ALL_RULES.map((r) => r.id);
  /** The last audit, for callers that want more than the report (tests, tooling). */
  public lastAudit?: ResidencyAudit;

  public constructor(private readonly props: ResidencyChecksProps) {}

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    let paths: Map<string, Record<string, string>> | undefined;
    const documents: StackDocument[] = context.stackTemplates.map((s) => {
      const template = JSON.parse(fs.readFileSync(s.templatePath, 'utf8')) as CfnTemplateJson;
      // The CDK CLI writes aws:cdk:path metadata; without it, ask the construct tree.
      if (!hasPathMetadata(template)) paths ??= constructPathsByStack(context.appConstruct);
      return {
        stackName: path.basename(s.templatePath).replace(/\.template\.json$/, ''),
        template,
        region: s.region,
        account: s.accountId,
        templatePath: s.templatePath,
        constructPath: s.stackConstructPath,
        resourceConstructPaths: paths?.get(s.stackConstructPath),
      };
    });
    const audit = auditCloudFormation(documents, this.props);
    this.lastAudit = audit;
    if ((this.props.report ?? true) && documents.length > 0) {
      const dir = commonDirectory(documents.map((d) => d.templatePath!));
      fs.writeFileSync(path.join(dir, 'residency-report.json'), renderJsonReport(audit));
      fs.writeFileSync(path.join(dir, 'residency-report.md'), renderMarkdownReport(audit));
    }
    const violations = groupViolations(audit.findings);
    return {
      success: !audit.findings.some((f) => f.severity === 'fatal' || f.severity === 'error'),
      violations,
    };
  }
}

/** One CDK violation per (rule, severity, message), listing every resource it concerns. */
function groupViolations(findings: readonly Finding[]): PolicyViolation[] {
  const byKey = new Map<string, { finding: Finding; resources: PolicyViolation['violatingResources'][number][] }>();
  for (const f of findings) {
    const key = `${f.ruleId}|${f.severity}|${f.message}`;
    const entry = byKey.get(key) ?? { finding: f, resources: [] };
    entry.resources.push({
      resourceLogicalId: f.logicalId,
      constructPath: f.constructPath ?? (f.logicalId ? undefined : f.stackConstructPath),
      templatePath: f.templatePath,
      locations: f.propertyPath ? [f.propertyPath] : [],
    });
    byKey.set(key, entry);
  }
  return [...byKey.values()].map(({ finding, resources }) => ({
    ruleName: finding.ruleId,
    description: finding.message,
    fix: finding.fix,
    severity: finding.severity,
    violatingResources: resources,
    ruleMetadata: finding.dataClasses.length ? { dataClasses: finding.dataClasses.join(',') } : undefined,
  }));
}

function hasPathMetadata(template: CfnTemplateJson): boolean {
  const first = Object.values(template.Resources ?? {})[0];
  return first === undefined || typeof first.Metadata?.['aws:cdk:path'] === 'string';
}

/** Construct paths of every CloudFormation resource, by stack path and logical id. */
function constructPathsByStack(root: IConstruct): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const node of root.node.findAll()) {
    if (!CfnResource.isCfnResource(node)) continue;
    const stack = Stack.of(node);
    const byId = out.get(stack.node.path) ?? {};
    byId[stack.resolve(node.logicalId) as string] = node.node.path;
    out.set(stack.node.path, byId);
  }
  return out;
}

function commonDirectory(files: readonly string[]): string {
  const split = files.map((f) => path.dirname(path.resolve(f)).split(path.sep));
  const first = split[0]!;
  let n = first.length;
  for (const parts of split) {
    let i = 0;
    while (i < n && parts[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n).join(path.sep) || path.sep;
}
