import type { IConstruct } from 'constructs';
import type { Finding } from '../../lib/residency/audit';
import type { ResidencyPolicy } from '../../lib/residency/boundary';
import { isDataClass, type DataClass } from '../../lib/residency/data-class';
import type { Location } from '../../lib/residency/location';
import { RuleId } from '../../lib/residency/rule';
import { checkTerraform, renderTerraformFinding } from '../../lib/residency/terraform/check-terraform';
import { TERRAFORM_ANNOTATION_KEY, type TerraformFlowKind } from '../../lib/residency/terraform/terraform-document';
import { TERRAFORM_RULES } from '../../lib/residency/terraform/rules';
import { Annotations, TerraformProviderBase, TerraformStack, Token, type TerraformProvider, type TerraformResource } from './private/cdktf';
import { classifyResource, declareResourceFlow } from './private/residency-annotations';
import { ErrorCode, fail } from './private/validate';

/** A finding the stack's owner accepts, for {@link TerraformResidencyOptions.acknowledge}. */
export interface TerraformAcknowledgement {
  /** The rule whose findings are accepted, e.g. `RuleId.CROSS_REGION_REFERENCE`. */
  readonly ruleId: RuleId;
  /**
   * The construct path of the resource or provider the findings are about (as in the
   * error message), or of a construct above it: every finding at or under it is accepted.
   */
  readonly constructPath: string;
  /** Why the finding is acceptable (a contract, a data-processing agreement); must not be empty. */
  readonly reason: string;
}

/** Options of {@link TerraformResidency.enforce}: the residency policy, and what is accepted. */
export interface TerraformResidencyOptions extends ResidencyPolicy {
  /**
   * Findings the owner accepts, each with a reason. Accepted findings do not fail
   * synthesis; they are reported as warnings on the stack. Findings of fatal rules
   * (RES-PARTITION) cannot be accepted.
   * @default - none
   */
  readonly acknowledge?: readonly TerraformAcknowledgement[];
}

/** A data flow of a resource, for {@link TerraformResidency.declareFlow}. */
export interface TerraformFlow {
  /** What flows: `model` (a model pull), `metrics`, `logs`, `s3` (objects), `endpoint` (requests). */
  readonly kind: TerraformFlowKind;
  /** `in`: data comes from `target` to the resource (a model pull); `out`: the resource sends data to `target`. */
  readonly direction: 'in' | 'out';
  /** The other end: a resource of the same stack, or a location (for anything else, a resource of another stack included). */
  readonly target: TerraformResource | Location;
  /** Classes of what flows; only these are checked against the destination. */
  readonly dataClasses: readonly DataClass[];
  /** What the flow is, for reports. */
  readonly description: string;
}

const enforced = new WeakSet<TerraformStack>();
const FATAL_RULES = new Set<string>(TERRAFORM_RULES.filter((r) => r.severity === 'fatal').map((r) => r.id));
/**
 * The ids a Terraform finding can carry: the Terraform rules' own, and RES-UNKNOWN-LOCATION,
 * which any rule reports for a location it cannot prove. Other ids (RES-KMS, say) are
 * checked on CloudFormation templates only: an acknowledgement of one would never match.
 */
const TERRAFORM_RULE_IDS = new Set<string>([...TERRAFORM_RULES.map((r) => r.id), RuleId.UNKNOWN_LOCATION]);
const ALL_RULE_IDS = new Set<string>(Object.values(RuleId));

/**
 * Data residency for CDK for Terraform stacks: the same engine as the CDK side, run on
 * the synthesized Terraform JSON.
 *
 * @example
 * TerraformResidency.enforce(stack, { boundary: Boundary.regions('gba-hybrid', ['ap-east-1'], { sites: ['kwun-tong-dc'] }) });
 * TerraformResidency.placeAt(kubernetesProvider, Location.onPrem('kwun-tong-dc'));
 * TerraformResidency.classify(deployment, DataClass.INFERENCE_PAYLOAD);
 * TerraformResidency.declareFlow(deployment, { kind: 'model', direction: 'in', target: registryBucket, dataClasses: [DataClass.MODEL_ARTIFACT], description: 'model pull' });
 */
export class TerraformResidency {
  /**
   * Adds a validation to `stack` that checks its Terraform JSON against the policy when
   * the stack is synthesized (`app.synth()`, `Testing.fullSynth(stack)`,
   * `Testing.synth(stack, true)`): every finding that is not informational and not
   * acknowledged fails synthesis with a line naming the rule id and the construct path.
   *
   * @throws SovereignMlError INVALID_PROPS for an acknowledgement without a reason, of an
   * unknown or fatal rule or of one the Terraform checker does not have (RES-KMS, say), or
   * when the stack is already enforced
   */
  public static enforce(stack: TerraformStack, options: TerraformResidencyOptions): void {
    if (enforced.has(stack)) fail(stack, ErrorCode.INVALID_PROPS, 'TerraformResidency.enforce was already called on this stack');
    const acks = options.acknowledge ?? [];
    acks.forEach((a, i) => {
      if (!ALL_RULE_IDS.has(a.ruleId)) fail(stack, ErrorCode.INVALID_PROPS, `acknowledge[${i}].ruleId must be a residency rule id (RES-…), got ${JSON.stringify(a.ruleId)}`);
      if (!TERRAFORM_RULE_IDS.has(a.ruleId)) {
        fail(stack, ErrorCode.INVALID_PROPS, `acknowledge[${i}].ruleId ${a.ruleId} is checked on CloudFormation templates only, so no Terraform finding carries it and the acknowledgement would never match; Terraform findings carry ${[...TERRAFORM_RULE_IDS].sort().join(', ')}`);
      }
      if (FATAL_RULES.has(a.ruleId)) fail(stack, ErrorCode.INVALID_PROPS, `acknowledge[${i}].ruleId ${a.ruleId} is fatal and cannot be acknowledged; fix the finding instead`);
      if (typeof a.reason !== 'string' || a.reason.trim() === '') fail(stack, ErrorCode.INVALID_PROPS, `acknowledge[${i}].reason must say why ${a.ruleId} at ${JSON.stringify(a.constructPath)} is acceptable, got ${JSON.stringify(a.reason)}`);
      if (typeof a.constructPath !== 'string' || a.constructPath === '') fail(stack, ErrorCode.INVALID_PROPS, `acknowledge[${i}].constructPath must be a construct path, got ${JSON.stringify(a.constructPath)}`);
    });
    enforced.add(stack);
    const policy: ResidencyPolicy = { boundary: options.boundary, dataClasses: options.dataClasses };
    const reported = new Set<string>();
    stack.node.addValidation({
      validate: () => {
        const findings = withProviderPaths(stack, checkTerraform(stack.toTerraform(), policy));
        const errors: string[] = [];
        for (const finding of findings) {
          const line = renderTerraformFinding(finding);
          const ack = finding.severity === 'fatal' ? undefined : acks.find((a) => covers(a, finding));
          // Validations may run more than once per synthesis; report each note once.
          const note = (text: string, add: (t: string) => void) => { if (!reported.has(text)) { reported.add(text); add(text); } };
          if (finding.severity === 'info') note(line, (t) => Annotations.of(stack).addInfo(t));
          else if (ack) note(`${line} (acknowledged: ${ack.reason})`, (t) => Annotations.of(stack).addWarning(t));
          else errors.push(line);
        }
        return errors;
      },
    });
  }

  /** Marks a resource as holding data of `classes` (written to its `//.sovereign-ml.dataClasses`). */
  public static classify(resource: TerraformResource, ...classes: DataClass[]): void {
    if (classes.length === 0) fail(resource, ErrorCode.INVALID_PROPS, 'TerraformResidency.classify needs at least one data class');
    classes.forEach((c, i) => {
      if (!isDataClass(c)) fail(resource, ErrorCode.INVALID_PROPS, `classes[${i}] must be a DataClass, got ${JSON.stringify(c)}`);
    });
    classifyResource(resource, ...classes);
  }

  /**
   * Places everything a provider manages at `location` (written to the provider block's
   * `//.sovereign-ml.location`): a Kubernetes provider at an on-prem site, say. AWS
   * providers are placed by their `region` and need no call.
   */
  public static placeAt(provider: TerraformProvider, location: Location): void {
    if (!location.isKnown) fail(provider, ErrorCode.INVALID_PROPS, 'location must be a region, a site or global; placing a provider at an unknown location proves nothing');
    // A path override merges with whatever else the provider's `//` holds; `addOverride('//', …)` would replace it.
    provider.addOverride(`//.${TERRAFORM_ANNOTATION_KEY}`, { location: location.toString() });
  }

  /**
   * Declares what data flows between `resource` and another resource or a location, so
   * that the checker tests those classes at the destination instead of assuming all of
   * the resource's data goes wherever its arguments point.
   */
  public static declareFlow(resource: TerraformResource, flow: TerraformFlow): void {
    if (flow.dataClasses.length === 0 || !flow.dataClasses.every(isDataClass)) {
      fail(resource, ErrorCode.INVALID_PROPS, `flow.dataClasses must list at least one DataClass, got ${JSON.stringify(flow.dataClasses)}`);
    }
    if (flow.description.trim() === '') fail(resource, ErrorCode.INVALID_PROPS, 'flow.description must say what flows, for the report');
    const target = isTerraformResource(flow.target) ? targetReference(resource, flow.target) : targetLocation(resource, flow.target);
    // The annotation writers are shared with the constructs, so the two never overwrite each other.
    declareResourceFlow(resource, { ...flow, target });
  }

  private constructor() {}
}

/** A reference to a resource of the same stack, which the checker places where that resource is. */
function targetReference(resource: TerraformResource, target: TerraformResource): string {
  if (TerraformStack.of(target) !== TerraformStack.of(resource)) {
    fail(resource, ErrorCode.INVALID_PROPS, `flow.target ${target.node.path} is in another stack, whose document the checker does not see; give its location instead (Location.region(...) or Location.onPrem(...))`);
  }
  return `\${${target.terraformResourceType}.${target.friendlyUniqueId}}`;
}

function targetLocation(resource: IConstruct, location: Location): string {
  if (!location.isKnown) fail(resource, ErrorCode.INVALID_PROPS, 'flow.target must be a resource, a region or a site; an unknown target proves nothing');
  return location.toString();
}

function isTerraformResource(x: TerraformResource | Location): x is TerraformResource {
  return typeof (x as TerraformResource).terraformResourceType === 'string';
}

/** A finding placed in the construct tree (see {@link withProviderPaths}). */
type PlacedFinding = Finding & { readonly constructPath: string };

/** Whether an acknowledgement covers a finding: same rule, at or under the construct path. */
function covers(ack: TerraformAcknowledgement, finding: PlacedFinding): boolean {
  const path = finding.constructPath;
  return ack.ruleId === finding.ruleId && (path === ack.constructPath || path.startsWith(`${ack.constructPath}/`));
}

/** Provider blocks carry no construct path in the JSON; take it from the construct tree. */
function withProviderPaths(stack: TerraformStack, findings: Finding[]): PlacedFinding[] {
  const paths = new Map<string, string>();
  for (const node of stack.node.findAll()) {
    if (!TerraformProviderBase.isTerraformProvider(node)) continue;
    const alias = node.alias;
    if (alias !== undefined && Token.isUnresolved(alias)) continue;
    paths.set(`provider.${node.terraformResourceType}${alias ? `.${alias}` : ''}`, node.node.path);
  }
  // What is neither a resource nor a provider (the state backend) is the stack's.
  return findings.map((f) => ({ ...f, constructPath: f.constructPath ?? ((f.logicalId && paths.get(f.logicalId)) || stack.node.path) }));
}
