/**
 * The synthesized Terraform JSON document (`cdk.tf.json`) as the residency engine reads
 * it: provider blocks with their aliases, resources and data sources with their provider
 * references, and the `sovereign-ml` annotations inside `//` comment objects.
 *
 * The document shape is validated with zod (a document that is not Terraform JSON is an
 * error); a malformed annotation is kept as an issue, so that the checker reports it as a
 * finding instead of silently ignoring it.
 *
 * @see https://developer.hashicorp.com/terraform/language/syntax/json
 */
import * as z from 'zod';
import { ErrorCode, SovereignMlError } from '../../errors';
import { formatIssues } from '../../validation';
import { ALL_DATA_CLASSES, type DataClass } from '../data-class';
import { Location } from '../location';

/** The key of this library's annotations inside a block's `//` comment object. */
export const TERRAFORM_ANNOTATION_KEY = 'sovereign-ml';

/** Flow kinds an annotation may declare. */
const FLOW_KINDS = ['model', 'metrics', 'logs', 's3', 'endpoint'] as const;

/** A flow kind of a Terraform flow declaration. */
export type TerraformFlowKind = (typeof FLOW_KINDS)[number];

/** A flow declared on a resource (`//.sovereign-ml.flows[i]`). */
export interface TerraformFlowDeclaration {
  readonly kind: TerraformFlowKind;
  /** `in`: data comes from the target to this resource; `out`: this resource sends data to the target. */
  readonly direction: 'in' | 'out';
  /** A reference expression to a resource of the document, or a location string. */
  readonly target: string;
  /** Classes of what flows; absent means the resource's own classes. */
  readonly dataClasses?: readonly DataClass[];
  readonly description?: string;
}

/** A problem with an annotation, reported as a finding. */
export interface AnnotationIssue {
  readonly propertyPath: string;
  readonly message: string;
}

/** One provider block (`provider.<type>[i]`). */
export interface TerraformProviderBlock {
  /** The provider type, e.g. `aws`. */
  readonly type: string;
  readonly alias?: string;
  /** How resources name it: `aws` or `aws.hk`. */
  readonly key: string;
  /** `provider.aws` or `provider.aws.hk`. */
  readonly logicalId: string;
  /** The block's arguments, without `//`. */
  readonly args: Readonly<Record<string, unknown>>;
  /** The annotated location string, if any (validated by the reader of locations). */
  readonly annotatedLocation?: string;
  readonly issues: readonly AnnotationIssue[];
}

/** One resource or data source. */
export interface TerraformResourceBlock {
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  /** `aws_s3_bucket.registry`, or `data.aws_region.current`. */
  readonly address: string;
  /** The construct path cdktf recorded in `//.metadata.path`. */
  readonly constructPath?: string;
  /** The block's arguments, without `//`. */
  readonly args: Readonly<Record<string, unknown>>;
  /** The provider key it uses: its `provider` argument, or the type's prefix. */
  readonly providerKey: string;
  /** Annotated data classes; every class when the annotation is malformed (fail closed). */
  readonly dataClasses: readonly DataClass[];
  readonly flows: readonly TerraformFlowDeclaration[];
  readonly issues: readonly AnnotationIssue[];
}

/**
 * A module call (`module.<name>`). The resources it creates are not in the document: the
 * checker sees only its arguments.
 */
export interface TerraformModuleBlock {
  readonly name: string;
  /** `module.<name>`. */
  readonly address: string;
  /** The module's `source`, when a string. */
  readonly source?: string;
  /** The module's `version` constraint, when a string. */
  readonly version?: string;
  /** The construct path cdktf recorded in `//.metadata.path`. */
  readonly constructPath?: string;
  /** The block's arguments (the module's inputs, `source`, `providers`, …), without `//`. */
  readonly args: Readonly<Record<string, unknown>>;
}

/** The state backend (`terraform.backend.<type>`). */
export interface TerraformBackendBlock {
  /** The backend type, e.g. `s3`, `local`. */
  readonly type: string;
  readonly args: Readonly<Record<string, unknown>>;
}

/** The parts of a Terraform JSON document the checker reads. */
export interface TerraformDocument {
  /** `//.metadata.stackName`, or `terraform` when absent. */
  readonly stackName: string;
  readonly backends: readonly TerraformBackendBlock[];
  readonly providers: readonly TerraformProviderBlock[];
  readonly resources: readonly TerraformResourceBlock[];
  readonly modules: readonly TerraformModuleBlock[];
}

const Block = z.record(z.string(), z.unknown());
const BlocksByName = z.record(z.string(), z.record(z.string(), Block));
const DocumentSchema = z.object({
  '//': z.object({ metadata: z.object({ stackName: z.string().optional() }).loose().optional() }).loose().optional(),
  terraform: z.object({ backend: z.record(z.string(), Block).optional() }).loose().optional(),
  provider: z.record(z.string(), z.union([z.array(Block), Block])).optional(),
  resource: BlocksByName.optional(),
  data: BlocksByName.optional(),
  module: z.record(z.string(), Block).optional(),
}).loose();

const ProviderAnnotation = z.strictObject({
  location: z.string().refine(isLocation, { message: 'must be "region:<name>", "site:<name>" or "global"' }),
});
const ResourceAnnotation = z.strictObject({
  dataClasses: z.array(z.enum(ALL_DATA_CLASSES as [DataClass, ...DataClass[]])).optional(),
  flows: z.array(z.strictObject({
    kind: z.enum(FLOW_KINDS),
    direction: z.enum(['in', 'out']),
    target: z.string().min(1),
    dataClasses: z.array(z.enum(ALL_DATA_CLASSES as [DataClass, ...DataClass[]])).optional(),
    description: z.string().optional(),
  })).optional(),
});

/**
 * Reads a Terraform JSON document.
 * @throws SovereignMlError INVALID_PROPS when `doc` is not a Terraform JSON document
 */
export function readTerraformDocument(doc: unknown): TerraformDocument {
  const parsed = DocumentSchema.safeParse(doc, { reportInput: true });
  if (!parsed.success) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `the Terraform document is malformed: ${formatIssues(parsed.error.issues)}`);
  }
  const data = parsed.data;
  const providers = Object.entries(data.provider ?? {}).flatMap(([type, blocks]) =>
    (Array.isArray(blocks) ? blocks : [blocks]).map((block) => readProvider(type, block)));
  const resources = [
    ...blocksOf(data.resource).map(([type, name, block]) => readResource('managed', type, name, block)),
    ...blocksOf(data.data).map(([type, name, block]) => readResource('data', type, name, block)),
  ];
  const backends = Object.entries(data.terraform?.backend ?? {}).map(([type, args]) => ({ type, args }));
  const modules = Object.entries(data.module ?? {}).map(([name, block]) => readModule(name, block));
  return { stackName: data['//']?.metadata?.stackName ?? 'terraform', backends, providers, resources, modules };
}

function blocksOf(section: Record<string, Record<string, Record<string, unknown>>> | undefined): [string, string, Record<string, unknown>][] {
  return Object.entries(section ?? {}).flatMap(([type, byName]) => Object.entries(byName).map(([name, block]) => [type, name, block] as [string, string, Record<string, unknown>]));
}

function readProvider(type: string, block: Record<string, unknown>): TerraformProviderBlock {
  const { '//': comment, ...args } = block;
  const alias = typeof args.alias === 'string' ? args.alias : undefined;
  const key = alias ? `${type}.${alias}` : type;
  const issues: AnnotationIssue[] = [];
  let annotatedLocation: string | undefined;
  const raw = annotationOf(comment, issues);
  if (raw !== undefined) {
    const result = ProviderAnnotation.safeParse(raw, { reportInput: true });
    // A malformed annotation places the provider nowhere (unknown), never by its region.
    const location = (raw as { location?: unknown } | null)?.location;
    annotatedLocation = typeof location === 'string' ? location : 'unknown';
    if (!result.success) issues.push({ propertyPath: `//.${TERRAFORM_ANNOTATION_KEY}`, message: formatIssues(result.error.issues, `//.${TERRAFORM_ANNOTATION_KEY}`) });
  }
  return { type, alias, key, logicalId: `provider.${key}`, args, annotatedLocation, issues };
}

function readResource(mode: 'managed' | 'data', type: string, name: string, block: Record<string, unknown>): TerraformResourceBlock {
  const { '//': comment, ...args } = block;
  const issues: AnnotationIssue[] = [];
  const constructPath = metadataPath(comment);
  let dataClasses: readonly DataClass[] = [];
  let flows: readonly TerraformFlowDeclaration[] = [];
  const raw = annotationOf(comment, issues);
  if (raw !== undefined) {
    const result = ResourceAnnotation.safeParse(raw, { reportInput: true });
    if (result.success) {
      dataClasses = [...new Set(result.data.dataClasses ?? [])].sort();
      flows = result.data.flows ?? [];
    } else {
      issues.push({ propertyPath: `//.${TERRAFORM_ANNOTATION_KEY}`, message: formatIssues(result.error.issues, `//.${TERRAFORM_ANNOTATION_KEY}`) });
      // What the resource holds cannot be proven: the strictest reading.
      dataClasses = [...ALL_DATA_CLASSES].sort();
    }
  }
  const providerKey = typeof args.provider === 'string' ? args.provider.replace(/^\$\{(.*)\}$/s, '$1') : type.split('_')[0]!;
  const address = mode === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
  return { mode, type, name, address, constructPath, args, providerKey, dataClasses, flows, issues };
}

function readModule(name: string, block: Record<string, unknown>): TerraformModuleBlock {
  const { '//': comment, ...args } = block;
  const constructPath = metadataPath(comment);
  return {
    name, address: `module.${name}`, args,
    ...(typeof args.source === 'string' ? { source: args.source } : {}),
    ...(typeof args.version === 'string' ? { version: args.version } : {}),
    ...(constructPath === undefined ? {} : { constructPath }),
  };
}

/** The `sovereign-ml` entry of a `//` comment object; a `//` that is not an object is an issue when it would hide one. */
function annotationOf(comment: unknown, issues: AnnotationIssue[]): unknown {
  if (comment === undefined) return undefined;
  if (typeof comment !== 'object' || comment === null || Array.isArray(comment)) {
    if (typeof comment === 'string' && comment.includes(TERRAFORM_ANNOTATION_KEY)) {
      issues.push({ propertyPath: '//', message: `// must be an object holding a "${TERRAFORM_ANNOTATION_KEY}" key, got a string that mentions it` });
    }
    return undefined;
  }
  return (comment as Record<string, unknown>)[TERRAFORM_ANNOTATION_KEY];
}

function isLocation(text: string): boolean {
  try {
    return Location.parse(text).isKnown;
  } catch {
    return false;
  }
}

function metadataPath(comment: unknown): string | undefined {
  const path = (comment as { metadata?: { path?: unknown } } | undefined)?.metadata?.path;
  return typeof path === 'string' ? path : undefined;
}
