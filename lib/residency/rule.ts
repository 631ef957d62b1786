/**
 * What a residency rule is, what it reports, and the context it runs in.
 */
import type { AppModel, Located, ResourceView, StackView } from './app-model';
import { isAllowed, governingBoundaries, type ResidencyPolicy } from './boundary';
import type { DataClass } from './data-class';

/** How bad a finding is. `fatal` findings cannot be acknowledged. */
export type Severity = 'fatal' | 'error' | 'warning' | 'info';

/** The stable rule ids. */
export const RuleId = {
  STACK_REGION: 'RES-STACK-REGION',
  PARTITION: 'RES-PARTITION',
  ARN_REGION: 'RES-ARN-REGION',
  ENDPOINT_HOST: 'RES-ENDPOINT-HOST',
  IMAGE_REGION: 'RES-IMAGE-REGION',
  S3_LOCATION: 'RES-S3-LOCATION',
  S3_REPLICATION: 'RES-S3-REPLICATION',
  KMS: 'RES-KMS',
  LOGS_EGRESS: 'RES-LOGS-EGRESS',
  EVENT_EGRESS: 'RES-EVENT-EGRESS',
  REPLICATED_STORE: 'RES-REPLICATED-STORE',
  GLOBAL_SERVICE: 'RES-GLOBAL-SERVICE',
  CROSS_REGION_REFERENCE: 'RES-CROSS-REGION-REFERENCE',
  BEDROCK_CROSS_REGION: 'RES-BEDROCK-CROSS-REGION',
  UNKNOWN_LOCATION: 'RES-UNKNOWN-LOCATION',
  OPT_IN_REGION: 'RES-OPT-IN-REGION',
  /** A resource is placed at an on-prem site that is not allowed for its data classes (Terraform). */
  SITE: 'RES-SITE',
  /** A `sovereign-ml` annotation in a synthesized document is malformed, so what it would prove is not (Terraform). */
  ANNOTATION: 'RES-ANNOTATION',
} as const;

/** One of the rule ids. */
export type RuleId = (typeof RuleId)[keyof typeof RuleId];

/** Kinds of data flow, for reports (`metrics`: aggregate metrics a Terraform annotation declares). */
export type FlowKind = 's3' | 'replication' | 'kms' | 'logs' | 'event' | 'store-replica' | 'edge' | 'reference' | 'image' | 'endpoint' | 'arn' | 'model' | 'metrics';

/** A flow of data from a resource to a location. */
export interface FlowTarget {
  readonly kind: FlowKind;
  readonly target: Located;
  /** Data classes of what flows (defaults to the source resource's). */
  readonly dataClasses?: readonly DataClass[];
}

/** What a rule observed: a compliant or violating fact about a stack or a resource. */
export interface Observation {
  /** The resource observed; absent for stack-level observations. */
  readonly resource?: ResourceView;
  /** Property path inside the resource, e.g. `Properties.Targets.0.Arn`. */
  readonly propertyPath?: string;
  /** Whether the fact is inside the boundary. */
  readonly compliant: boolean;
  /** The violation, in a sentence. */
  readonly message: string;
  /** Rule id to report instead of the rule's own (unknown locations report RES-UNKNOWN-LOCATION). */
  readonly ruleId?: RuleId;
  /** Severity instead of the rule's own. */
  readonly severity?: Severity;
  /** Fix instead of the rule's own. */
  readonly fix?: string;
  /** The flow, when the observation is about data moving somewhere. */
  readonly flow?: FlowTarget;
}

/** The context every rule runs in. */
export interface RuleContext {
  readonly model: AppModel;
  readonly policy: ResidencyPolicy;
  /** Marks a property as checked by a specific rule, so the generic scans skip it. */
  claim(resource: ResourceView, path: string): void;
  /** Whether a property (or a parent of it) was claimed. */
  isClaimed(resource: ResourceView, path: string): boolean;
}

/** A residency rule: a pure function over a stack or a resource. */
export interface ResidencyRule {
  readonly id: RuleId;
  readonly severity: Severity;
  /** What the rule checks, in a sentence. */
  readonly description: string;
  /** The usual fix. */
  readonly fix: string;
  checkStack?(stack: StackView, ctx: RuleContext): Observation[];
  checkResource?(resource: ResourceView, ctx: RuleContext): Observation[];
}

/**
 * An observation of data flowing from `resource` (at `path`) to `target`: compliant when
 * the policy allows the data's classes there; an unknown target is reported as
 * RES-UNKNOWN-LOCATION.
 */
export function flowObservation(ctx: RuleContext, resource: ResourceView, path: string, kind: FlowKind, target: Located, what: string, dataClasses?: readonly DataClass[]): Observation {
  const classes = [...(dataClasses ?? resource.dataClasses)];
  const { compliant, message } = flowVerdict(ctx.policy, classes, target, `${what} sends`, 'data');
  const observed = { resource, propertyPath: path, compliant, flow: { kind, target, dataClasses: classes }, message };
  return target.location.isKnown ? observed : {
    ...observed, ruleId: RuleId.UNKNOWN_LOCATION,
    fix: 'Reference a resource of this app, or declare the external location with DataResidency.declareExternal(stack, { ..., location })',
  };
}

/**
 * Whether data of `classes` may arrive at `destination`, and the message when it may not:
 * `<how> <data> to <where> (<basis>), outside <boundaries>`, or for an unknown destination
 * that it fails closed. `how` says what moves the data (`ARN in … sends`); `unclassified`
 * names data without classes.
 */
export function flowVerdict(policy: ResidencyPolicy, classes: readonly DataClass[], destination: Located, how: string, unclassified: string): { compliant: boolean; message: string } {
  const compliant = isAllowed(policy, classes, destination.location);
  const data = classes.length ? `${classes.join(', ')} data` : unclassified;
  const boundaries = describeGoverning(policy, classes);
  return {
    compliant,
    message: destination.location.isKnown
      ? `${how} ${data} to ${destination.location.label} (${destination.basis}), outside ${boundaries}`
      : `${how} ${data} to a location that cannot be proven (${destination.basis}); unknown fails closed under ${boundaries}`,
  };
}

/** The boundaries that govern data of `classes`, for messages (`Boundary A and Boundary B`). */
export function describeGoverning(policy: ResidencyPolicy, classes: readonly DataClass[]): string {
  return governingBoundaries(policy, classes).map((b) => b.describe()).join(' and ');
}

/** Data classes of the resource a located target names, when it is a resource of the app. */
export function classesOf(...groups: ReadonlyArray<readonly DataClass[]>): DataClass[] {
  return [...new Set(groups.flat())].sort();
}
