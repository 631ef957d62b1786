/**
 * What a residency rule over a Terraform document is, what it reports, and the context it
 * runs in. Rules are pure functions of the document and the policy; they reuse the rule
 * ids of the CloudFormation rules where the meaning is the same.
 */
import type { Located } from '../app-model';
import { isAllowed, type ResidencyPolicy } from '../boundary';
import type { DataClass } from '../data-class';
import type { Expr } from '../expr';
import type { LocationKind } from '../location';
import { describeGoverning, flowVerdict, RuleId, type FlowKind, type Observation, type ResidencyRule } from '../rule';
import type { TerraformModuleBlock, TerraformProviderBlock, TerraformResourceBlock } from './terraform-document';
import type { TerraformLeaf, TerraformModel } from './terraform-model';

/**
 * What a rule observed about a resource or a provider block: the CloudFormation
 * observation's verdict, message and overrides, about a Terraform block.
 */
export interface TerraformObservation extends Omit<Observation, 'resource' | 'flow'> {
  /** The resource observed. Give this or `provider`. */
  readonly resource?: TerraformResourceBlock;
  /** The provider block observed. */
  readonly provider?: TerraformProviderBlock;
  /** The module call observed. */
  readonly module?: TerraformModuleBlock;
  /** The block observed when it is neither a resource nor a provider, e.g. `terraform.backend.s3`. */
  readonly block?: string;
  /** Data classes concerned (defaults to the resource's). */
  readonly dataClasses?: readonly DataClass[];
  /** The flow, when the observation is about data moving from one location to another (for audits). */
  readonly flow?: TerraformObservedFlow;
}

/** Data moving between locations, as an audit lists it. */
export interface TerraformObservedFlow {
  readonly kind: FlowKind;
  /** Where the data comes from: the block itself, or the other end of an inbound flow. */
  readonly from: Located;
  /** Where it arrives. */
  readonly to: Located;
  /** What flows, from the flow's declaration. */
  readonly description?: string;
}

/** The block an observation is about: a resource or a provider block. */
export type TerraformSubject = Pick<TerraformObservation, 'resource' | 'provider'>;

/** A resource or provider block as the subject of an observation, with the classes of its data and a name for messages. */
export function subjectOf(block: TerraformResourceBlock | TerraformProviderBlock): { subject: TerraformSubject; classes: readonly DataClass[]; name: string } {
  return 'address' in block
    ? { subject: { resource: block }, classes: block.dataClasses, name: block.address }
    : { subject: { provider: block }, classes: [], name: block.logicalId };
}

/** The context every Terraform rule runs in. */
export interface TerraformRuleContext {
  readonly model: TerraformModel;
  readonly policy: ResidencyPolicy;
  /** Marks an argument as checked by a specific rule, so the generic scans skip it. */
  claim(resource: TerraformResourceBlock, path: string): void;
  /** Whether an argument (or a parent of it) was claimed. */
  isClaimed(resource: TerraformResourceBlock, path: string): boolean;
}

/** A residency rule over a Terraform document: id, severity, description and fix as on the CloudFormation side. */
export interface TerraformRule extends Pick<ResidencyRule, 'id' | 'severity' | 'description' | 'fix'> {
  checkDocument?(ctx: TerraformRuleContext): TerraformObservation[];
  checkProvider?(provider: TerraformProviderBlock, ctx: TerraformRuleContext): TerraformObservation[];
  checkResource?(resource: TerraformResourceBlock, ctx: TerraformRuleContext): TerraformObservation[];
}

/** How to fix a location that cannot be proven. */
export const UNKNOWN_LOCATION_FIX = 'Give the AWS provider (or the resource\'s region argument) a literal region, place other providers with TerraformResidency.placeAt(provider, location), and reference only resources of the stack or locations';

/**
 * An observation of data of `classes` arriving at `destination` (`what` says how, for the
 * message): compliant when the policy allows the classes there; an unknown destination
 * is reported as RES-UNKNOWN-LOCATION. With `flow` (its kind and where the data comes
 * from), the observation also records the flow for audits.
 */
export function arrivalObservation(
  ctx: TerraformRuleContext, subject: TerraformSubject, propertyPath: string, destination: Located, classes: readonly DataClass[], what: string,
  flow?: Omit<TerraformObservedFlow, 'to'>,
): TerraformObservation {
  const { compliant, message } = flowVerdict(ctx.policy, classes, destination, `${what} moves`, 'unclassified data');
  const observed = { ...subject, ...(flow ? { flow: { ...flow, to: destination } } : {}), propertyPath, compliant, dataClasses: classes, message };
  return destination.location.isKnown ? observed : { ...observed, ruleId: RuleId.UNKNOWN_LOCATION, fix: UNKNOWN_LOCATION_FIX };
}

/** Where a resource or provider block is. */
export function locateBlock(model: TerraformModel, block: TerraformResourceBlock | TerraformProviderBlock): Located {
  return 'address' in block ? model.locate(block) : model.locateProvider(block);
}

/**
 * Whether a resource may be where it is: its location against the boundaries of its data
 * classes (the policy boundary for unclassified resources). The property path is
 * `region` when the resource's own region argument places it, else `provider`.
 */
export function placementObservation(ctx: TerraformRuleContext, resource: TerraformResourceBlock): TerraformObservation & { readonly located: Located } {
  const located = ctx.model.locate(resource);
  const propertyPath = ctx.model.hasRegionArgument(resource) ? 'region' : 'provider';
  const classes = resource.dataClasses;
  const data = classes.length ? `its data (${classes.join(', ')})` : 'unclassified data';
  return {
    resource, propertyPath, located, dataClasses: classes,
    compliant: isAllowed(ctx.policy, classes, located.location),
    message: located.location.isKnown
      ? `${resource.address} is placed at ${located.location.label} (${located.basis}), outside ${describeGoverning(ctx.policy, classes)} for ${data}`
      : `where ${resource.address} is cannot be proven (${located.basis}); unknown fails closed`,
  };
}

/**
 * A rule on where managed resources, and provider blocks no resource uses, are: it
 * reports the {@link placementObservation} (or {@link unusedProviderObservation}) of those
 * at a location of one of `kinds`, so that each placement is judged by one rule.
 */
export function placementRule(rule: Pick<TerraformRule, 'id' | 'severity' | 'description' | 'fix'>, kinds: readonly LocationKind[]): TerraformRule {
  const applies = (located: Located) => kinds.includes(located.location.kind);
  return {
    ...rule,
    checkResource(resource, ctx) {
      return resource.mode === 'managed' && applies(ctx.model.locate(resource)) ? [placementObservation(ctx, resource)] : [];
    },
    checkProvider(provider, ctx) {
      const obs = unusedProviderObservation(ctx, provider);
      return obs && applies(obs.located) ? [obs] : [];
    },
  };
}

/** Whether a provider block may be where it is, for a provider no resource uses (checked against the policy boundary). */
export function unusedProviderObservation(ctx: TerraformRuleContext, provider: TerraformProviderBlock): (TerraformObservation & { readonly located: Located }) | undefined {
  if (ctx.model.resourcesOf(provider).some((r) => !ctx.model.hasRegionArgument(r))) return undefined;
  const located = ctx.model.locateProvider(provider);
  return {
    provider, propertyPath: provider.type === 'aws' && provider.annotatedLocation === undefined ? 'region' : `//.sovereign-ml.location`, located,
    compliant: ctx.policy.boundary.contains(located.location), dataClasses: [],
    message: `${provider.logicalId} is configured for ${located.location.label} (${located.basis}), outside ${ctx.policy.boundary.describe()}`,
  };
}

/**
 * Runs `visit` over every string argument of a block that no specific rule claimed, with
 * the argument as an expression over the document's resources.
 */
export function scanArguments(
  block: TerraformResourceBlock | TerraformProviderBlock,
  ctx: TerraformRuleContext,
  visit: (leaf: TerraformLeaf, expr: Expr, about: ReturnType<typeof subjectOf>) => TerraformObservation[],
): TerraformObservation[] {
  const about = subjectOf(block);
  return ctx.model.leaves(block)
    .filter((leaf) => !('address' in block && ctx.isClaimed(block, leaf.path)))
    .flatMap((leaf) => visit(leaf, ctx.model.expr(leaf.text), about));
}
