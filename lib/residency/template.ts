/**
 * The synthesized documents the residency engine reads.
 */

/** A CloudFormation resource as it appears in a template. */
export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly DependsOn?: unknown;
  readonly Condition?: string;
}

/** A CloudFormation template. */
export interface CfnTemplateJson {
  readonly Resources?: Record<string, CfnResourceJson>;
  readonly Outputs?: Record<string, { readonly Value?: unknown; readonly Export?: { readonly Name?: unknown } }>;
  readonly Parameters?: Record<string, { readonly Type?: string; readonly Default?: unknown }>;
  readonly Metadata?: Record<string, unknown>;
  readonly Rules?: Record<string, unknown>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  readonly Conditions?: Record<string, unknown>;
}

/** One stack's template and where it deploys. */
export interface StackDocument {
  /** Stack name (the artifact id in a cloud assembly). */
  readonly stackName: string;
  /** The template. */
  readonly template: CfnTemplateJson;
  /**
   * Region the stack deploys to.
   * @default - unknown (environment-agnostic): a RES-STACK-REGION finding
   */
  readonly region?: string;
  /**
   * Account the stack deploys to.
   * @default - unknown
   */
  readonly account?: string;
  /**
   * Path of the template file, for reports.
   * @default - none
   */
  readonly templatePath?: string;
  /**
   * Construct path of the stack (CDK), for reports.
   * @default - the stack name
   */
  readonly constructPath?: string;
  /**
   * Construct paths of resources by logical id, for templates synthesized without
   * `aws:cdk:path` metadata.
   * @default - taken from each resource's `aws:cdk:path` metadata, when present
   */
  readonly resourceConstructPaths?: Readonly<Record<string, string>>;
}

/** Whether `x` looks like a CloudFormation template (an object with a Resources object). */
export function isCfnTemplate(x: unknown): x is CfnTemplateJson {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
    && typeof (x as { Resources?: unknown }).Resources === 'object' && (x as { Resources?: unknown }).Resources !== null;
}
