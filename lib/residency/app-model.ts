/**
 * The app as the residency engine sees it: every stack and resource of a set of
 * synthesized templates, where each one is, and how to place a reference (a resource,
 * a bucket name, an ARN, an S3 URI, a URL) at a location.
 */
import { isKnownRegion, regionFacts } from '../regions';
import { DATA_CLASSES_METADATA_KEY, EXTERNALS_METADATA_KEY, isDataClass, type DataClass } from './data-class';
import { asText, evaluate, isIntrinsic, partsIn, render, type EvalScope, type Expr, type Part } from './expr';
import { ErrorCode, SovereignMlError } from '../errors';
import { Location } from './location';
import type { CfnResourceJson, StackDocument } from './template';

/** A reference placed at a location, with the reason it is placed there. */
export interface Located {
  readonly location: Location;
  /** How the location was proven, or why it could not be. */
  readonly basis: string;
}

/** One stack of the app. */
export interface StackView {
  readonly name: string;
  readonly region?: string;
  readonly account?: string;
  readonly partition?: string;
  readonly location: Location;
  readonly templatePath?: string;
  readonly constructPath: string;
  readonly document: StackDocument;
  readonly resources: ResourceView[];
  readonly scope: EvalScope;
}

/** One resource of a stack. */
export interface ResourceView {
  readonly stack: StackView;
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Record<string, unknown>;
  readonly json: CfnResourceJson;
  readonly constructPath?: string;
  readonly dataClasses: DataClass[];
}

/** A scalar value found in a resource's properties, evaluated. */
export interface Leaf {
  /** Property path, e.g. `Properties.Environment.Variables.URL`. */
  readonly path: string;
  /** The possible values. */
  readonly alternatives: Expr[];
}

/** An external thing declared with `DataResidency.declareExternal`. */
export interface ExternalDeclaration {
  readonly bucketName?: string;
  readonly arn?: string;
  readonly url?: string;
  readonly location: string;
  readonly description?: string;
}

/** Resource types whose data sits at edge locations worldwide. */
export const GLOBAL_RESOURCE_TYPES = new Set([
  'AWS::CloudFront::Distribution',
  'AWS::GlobalAccelerator::Accelerator',
  'AWS::GlobalAccelerator::Listener',
  'AWS::GlobalAccelerator::EndpointGroup',
]);

/** CDK's default bootstrap bucket names carry their region: `cdk-<qualifier>-assets-<account>-<region>`. */
const BOOTSTRAP_BUCKET = /^cdk-[a-z0-9]+-assets-(?:\d{12}|[\u0001\u0002]\d+[\u0001\u0002])-([a-z]{2}(?:-[a-z]+)+-\d)$/;

/** The app model over a set of stack documents. */
export class AppModel {
  public readonly stacks: StackView[];
  private readonly byStack = new Map<string, StackView>();
  private readonly exports = new Map<string, { stack: StackView; value: unknown }>();
  private readonly bucketNames = new Map<string, Located>();
  private readonly externals: ExternalDeclaration[] = [];
  private readonly leafCache = new Map<ResourceView, Leaf[]>();

  public constructor(documents: readonly StackDocument[]) {
    this.stacks = documents.map((doc) => this.makeStack(doc));
    for (const stack of this.stacks) {
      if (this.byStack.has(stack.name)) {
        throw new SovereignMlError(ErrorCode.INVALID_PROPS, `stack name ${JSON.stringify(stack.name)} appears twice; each stack must have its own name`);
      }
      this.byStack.set(stack.name, stack);
      for (const [id, output] of Object.entries(stack.document.template.Outputs ?? {})) {
        const name = output.Export?.Name === undefined ? undefined : asText(evaluate(output.Export.Name, stack.scope)[0] ?? []);
        if (name) this.exports.set(name, { stack, value: output.Value ?? id });
      }
      this.externals.push(...parseExternals(stack.name, stack.document.template.Metadata?.[EXTERNALS_METADATA_KEY]));
    }
    // Buckets with a literal name, in every stack: a reference by name in another stack
    // (or in an IAM policy) is placed where the bucket's stack deploys.
    for (const stack of this.stacks) {
      for (const r of stack.resources) {
        if (r.type !== 'AWS::S3::Bucket') continue;
        const name = asText(evaluate(r.properties.BucketName, stack.scope)[0] ?? [{ kind: 'unknown', reason: '' }]);
        if (name) this.bucketNames.set(name, { location: stack.location, basis: `bucket ${name} is ${r.logicalId} of stack ${stack.name}` });
      }
    }
    for (const ext of this.externals) {
      if (ext.bucketName) this.bucketNames.set(ext.bucketName, { location: Location.parse(ext.location), basis: `bucket ${ext.bucketName} declared external at ${ext.location}` });
    }
  }

  /** A stack by name. */
  public stack(name: string): StackView | undefined {
    return this.byStack.get(name);
  }

  /** A resource by stack and logical id. */
  public resource(stack: string, logicalId: string): ResourceView | undefined {
    return this.byStack.get(stack)?.resources.find((r) => r.logicalId === logicalId);
  }

  /** Every scalar in a resource's properties, evaluated (cached). */
  public leaves(resource: ResourceView): Leaf[] {
    let out = this.leafCache.get(resource);
    if (!out) {
      out = [];
      collectLeaves(resource.properties, 'Properties', resource.stack.scope, out);
      this.leafCache.set(resource, out);
    }
    return out;
  }

  /** Where a resource is: its stack's region, or everywhere for global services. */
  public locateResource(part: Extract<Part, { kind: 'resource' }>): Located {
    const resource = this.resource(part.stack, part.logicalId);
    if (resource && GLOBAL_RESOURCE_TYPES.has(resource.type)) {
      return { location: Location.GLOBAL, basis: `${resource.type} ${part.logicalId} is a global service` };
    }
    const stack = this.byStack.get(part.stack)!;
    return { location: stack.location, basis: `${part.logicalId} of stack ${stack.name}` };
  }

  /** Where a bucket named by `name` (text with placeholders of `expr`) is. */
  public locateBucketName(name: string, expr: Expr): Located {
    const parts = partsIn(expr, name);
    if (parts.length === 1 && /^[\u0001\u0002]\d+[\u0001\u0002]$/.test(name)) {
      return this.locatePart(parts[0]!);
    }
    const known = this.bucketNames.get(name);
    if (known) return known;
    const bootstrap = BOOTSTRAP_BUCKET.exec(name);
    if (bootstrap) {
      return { location: Location.observedRegion(bootstrap[1]!), basis: `CDK bootstrap bucket of ${bootstrap[1]}` };
    }
    const unknownParts = parts.filter((p) => p.kind === 'unknown').map((p) => (p as { reason: string }).reason);
    return {
      location: Location.UNKNOWN,
      basis: unknownParts.length ? `bucket name depends on ${unknownParts.join(', ')}` : `bucket ${JSON.stringify(name)} is not in the app and not declared external`,
    };
  }

  /** Where an ARN points (undefined for ARNs that do not place data, such as IAM roles). */
  public locateArn(arn: ParsedArn, expr: Expr): Located | undefined {
    if (arn.region) {
      const parts = partsIn(expr, arn.region);
      if (parts.length > 0) {
        return { location: Location.UNKNOWN, basis: `ARN region depends on ${parts.map(describePart).join(', ')}` };
      }
      return { location: Location.ofRegionName(arn.region), basis: `ARN region ${arn.region}` };
    }
    if (arn.service === 's3') {
      const declared = this.declaredArn(arn.text);
      if (declared) return declared;
      const bucket = arn.resource.split('/')[0]!;
      return bucket && bucket !== '*' ? this.locateBucketName(bucket, expr) : undefined;
    }
    return undefined;
  }

  /** Where an ARN declared external is. */
  public declaredArn(arn: string): Located | undefined {
    const ext = this.externals.find((e) => e.arn !== undefined && (e.arn === arn || (e.arn.endsWith('*') && arn.startsWith(e.arn.slice(0, -1)))));
    return ext ? { location: Location.parse(ext.location), basis: `declared external at ${ext.location}` } : undefined;
  }

  /** Where a URL points: an AWS regional host, a declared external URL, or unknown. */
  public locateUrl(url: string, expr: Expr): Located {
    const ext = this.externals.find((e) => e.url !== undefined && url.startsWith(e.url));
    if (ext) return { location: Location.parse(ext.location), basis: `URL declared external at ${ext.location}` };
    const host = parseRegionalHosts(url)[0];
    if (host && partsIn(expr, host.region).length === 0) {
      return { location: Location.ofRegionName(host.region), basis: `host ${host.host}` };
    }
    return { location: Location.UNKNOWN, basis: `URL ${url.replace(/[\u0001\u0002]\d+[\u0001\u0002]/g, '<computed>')} is not an AWS regional endpoint and not declared external` };
  }

  /** Where any single evaluated reference (a resource, an ARN, an S3 URI, a URL or a bucket name) points. */
  public locateValue(expr: Expr): Located | undefined {
    if (expr.length === 1 && expr[0]!.kind !== 'text') return this.locatePart(expr[0]!);
    const rendered = render(expr);
    const arn = parseArns(rendered)[0];
    if (arn && arn.start === 0) return this.locateArn(arn, expr);
    const s3 = /^s3:\/\/([^/\s]+)/.exec(rendered);
    if (s3) return this.locateBucketName(s3[1]!, expr);
    if (/^https?:\/\//.test(rendered)) return this.locateUrl(rendered, expr);
    return undefined;
  }

  /** Where a part is. */
  public locatePart(part: Part): Located {
    if (part.kind === 'resource') return this.locateResource(part);
    if (part.kind === 'unknown') return { location: Location.UNKNOWN, basis: `depends on ${part.reason}` };
    return { location: Location.UNKNOWN, basis: `literal ${part.text}` };
  }

  private makeStack(doc: StackDocument): StackView {
    const region = doc.region;
    const known = region !== undefined && isKnownRegion(region);
    const partition = known ? regionFacts(region).partition : undefined;
    const resourcesJson = doc.template.Resources ?? {};
    const stack: StackView = {
      name: doc.stackName,
      region,
      account: doc.account,
      partition,
      location: region === undefined ? Location.UNKNOWN : Location.ofRegionName(region),
      templatePath: doc.templatePath,
      constructPath: doc.constructPath ?? doc.stackName,
      document: doc,
      resources: [],
      scope: {
        stack: doc.stackName,
        region,
        account: doc.account,
        partition,
        urlSuffix: known ? regionFacts(region).domainSuffix : undefined,
        resources: new Set(Object.keys(resourcesJson)),
        mappings: doc.template.Mappings ?? {},
        importValue: (name, depth) => this.importValue(name, depth),
      },
    };
    for (const [logicalId, json] of Object.entries(resourcesJson)) {
      if (typeof json !== 'object' || json === null || typeof json.Type !== 'string') {
        throw new SovereignMlError(ErrorCode.INVALID_PROPS, `stack ${doc.stackName} resource ${logicalId} is not a CloudFormation resource (it needs a string Type)`);
      }
      const classes = parseDataClasses(doc.stackName, logicalId, json.Metadata?.[DATA_CLASSES_METADATA_KEY]);
      stack.resources.push({
        stack,
        logicalId,
        type: json.Type,
        properties: json.Properties ?? {},
        json,
        constructPath: typeof json.Metadata?.['aws:cdk:path'] === 'string' ? json.Metadata['aws:cdk:path'] as string : doc.resourceConstructPaths?.[logicalId],
        dataClasses: classes,
      });
    }
    return stack;
  }

  private importValue(name: string, depth: number): Expr[] | undefined {
    const exported = this.exports.get(name);
    return exported ? evaluate(exported.value, exported.stack.scope, depth) : undefined;
  }
}

/** An ARN found in a rendered value. */
export interface ParsedArn {
  readonly text: string;
  readonly start: number;
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

const P = '[\\u0001\\u0002]\\d+[\\u0001\\u0002]';
const ARN_RE = new RegExp(`arn:((?:[a-z0-9-]|${P})+):([a-z0-9-]+):((?:[a-z0-9-]|${P})*):((?:[a-z0-9-]|${P})*):([^\\s"',]*)`, 'g');

/** Every ARN in a rendered value. */
export function parseArns(rendered: string): ParsedArn[] {
  return [...rendered.matchAll(ARN_RE)].map((m) => ({
    text: m[0], start: m.index ?? 0, partition: m[1]!, service: m[2]!, region: m[3]!, account: m[4]!, resource: m[5]!,
  }));
}

/** A regional AWS endpoint host found in a value. */
export interface RegionalHost {
  readonly host: string;
  readonly region: string;
  readonly china: boolean;
}

const HOST_RE = new RegExp(`((?:[a-z0-9-]+\\.)*?)((?:[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\\d)|${P})\\.amazonaws\\.com(\\.cn)?(?![a-z0-9.-]*[a-z0-9])`, 'g');

/** Every `*.<region>.amazonaws.com[.cn]` host in a rendered value. */
export function parseRegionalHosts(rendered: string): RegionalHost[] {
  return [...rendered.matchAll(HOST_RE)].map((m) => ({ host: m[0], region: m[2]!, china: m[3] !== undefined }));
}

/**
 * Declared externals of a stack. A malformed declaration is an error, not a skip: a
 * declaration that silently did nothing would turn a proven location into a guess.
 */
function parseExternals(stackName: string, raw: unknown): ExternalDeclaration[] {
  if (raw === undefined) return [];
  const where = `stack ${stackName} metadata ${EXTERNALS_METADATA_KEY}`;
  if (!Array.isArray(raw)) throw new SovereignMlError(ErrorCode.INVALID_PROPS, `${where} must be an array, got ${typeof raw}`);
  return raw.map((entry: unknown, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const keys = (['bucketName', 'arn', 'url'] as const).filter((k) => typeof e[k] === 'string');
    if (keys.length !== 1 || typeof e.location !== 'string') {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `${where}[${i}] must have exactly one of bucketName, arn, url and a location string`);
    }
    try {
      Location.parse(e.location);
    } catch (cause) {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `${where}[${i}].location ${JSON.stringify(e.location)} is not a location (region:<name>, site:<name>)`, { cause });
    }
    return e as unknown as ExternalDeclaration;
  });
}

/** Data classes of a resource; an unknown class name is an error, never silently unclassified. */
function parseDataClasses(stackName: string, logicalId: string, raw: unknown): DataClass[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || !raw.every(isDataClass)) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS,
      `stack ${stackName} resource ${logicalId} metadata ${DATA_CLASSES_METADATA_KEY} must be an array of data classes, got ${JSON.stringify(raw)}`);
  }
  return raw;
}

function describePart(p: Part): string {
  return p.kind === 'unknown' ? p.reason : p.kind === 'resource' ? `resource ${p.logicalId}` : p.text;
}

function collectLeaves(value: unknown, path: string, scope: EvalScope, out: Leaf[]): void {
  if (value === null || value === undefined) return;
  if (typeof value !== 'object' || isIntrinsic(value)) {
    out.push({ path, alternatives: evaluate(value, scope) });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => collectLeaves(v, `${path}.${i}`, scope, out));
    return;
  }
  for (const [k, v] of Object.entries(value)) collectLeaves(v, `${path}.${k}`, scope, out);
}
