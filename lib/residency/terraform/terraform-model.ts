/**
 * Where each provider and resource of a Terraform document is, and the string values a
 * resource's arguments hold.
 *
 * A resource is placed by, in order: the AWS provider v6 per-resource `region` argument;
 * its provider block's `region` (AWS) or annotated location (any provider); otherwise it
 * is unknown, which fails closed. A region that is not a literal (`${var.region}`) is
 * unknown too.
 *
 * @see https://registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/enhanced-region-support
 * @see https://developer.hashicorp.com/terraform/language/providers/configuration#alias-multiple-provider-configurations
 */
import { isKnownRegion } from '../../regions';
import type { Located } from '../app-model';
import type { Expr } from '../expr';
import { Location, REGION_SHAPE } from '../location';
import { isLiteral, templateExpr } from './terraform-expression';
import { readTerraformDocument, type TerraformDocument, type TerraformProviderBlock, type TerraformResourceBlock } from './terraform-document';

/** Meta-arguments that name other blocks for ordering or configuration, not data. */
const META_ARGUMENTS = new Set(['provider', 'alias', 'depends_on', 'lifecycle', 'count', 'for_each', 'provisioner', 'connection']);

/** A string argument of a resource. */
export interface TerraformLeaf {
  /** Dotted path inside the block, e.g. `spec.template.spec.container.0.env.0.value`. */
  readonly path: string;
  readonly text: string;
}

/** A Terraform document with locations. */
export class TerraformModel {
  public readonly document: TerraformDocument;
  /** Every resource and data source address. */
  public readonly addresses: ReadonlySet<string>;
  /** The managed resources (not data sources). */
  public readonly resources: readonly TerraformResourceBlock[];
  private readonly providers = new Map<string, TerraformProviderBlock>();
  private readonly byAddress = new Map<string, TerraformResourceBlock>();
  private readonly locations = new Map<TerraformResourceBlock, Located>();
  private readonly leafCache = new Map<TerraformResourceBlock | TerraformProviderBlock, TerraformLeaf[]>();
  private readonly exprCache = new Map<string, Expr>();

  public constructor(doc: unknown) {
    this.document = readTerraformDocument(doc);
    for (const p of this.document.providers) this.providers.set(p.key, p);
    for (const r of this.document.resources) this.byAddress.set(r.address, r);
    this.addresses = new Set(this.byAddress.keys());
    this.resources = this.document.resources.filter((r) => r.mode === 'managed');
  }

  /** The stack name. */
  public get stackName(): string {
    return this.document.stackName;
  }

  /** A resource or data source by address. */
  public resource(address: string): TerraformResourceBlock | undefined {
    return this.byAddress.get(address);
  }

  /** The provider block a resource uses. */
  public providerOf(resource: TerraformResourceBlock): TerraformProviderBlock | undefined {
    return this.providers.get(resource.providerKey);
  }

  /** The resources that use a provider block. */
  public resourcesOf(provider: TerraformProviderBlock): TerraformResourceBlock[] {
    return this.resources.filter((r) => r.providerKey === provider.key);
  }

  /** Where a provider block places what it manages. */
  public locateProvider(provider: TerraformProviderBlock): Located {
    if (provider.annotatedLocation !== undefined) {
      try {
        return { location: Location.parse(provider.annotatedLocation), basis: `${provider.logicalId} is annotated ${provider.annotatedLocation}` };
      } catch {
        return { location: Location.UNKNOWN, basis: `${provider.logicalId} has a malformed location annotation ${JSON.stringify(provider.annotatedLocation)}` };
      }
    }
    if (provider.type === 'aws') return locateRegionArgument(provider.args.region, provider.logicalId);
    return { location: Location.UNKNOWN, basis: `${provider.logicalId} has no location annotation (place it with TerraformResidency.placeAt)` };
  }

  /** Where a resource or data source is. */
  public locate(resource: TerraformResourceBlock): Located {
    let located = this.locations.get(resource);
    if (!located) {
      located = this.computeLocation(resource);
      this.locations.set(resource, located);
    }
    return located;
  }

  /** Whether the resource's location comes from its own `region` argument. */
  public hasRegionArgument(resource: TerraformResourceBlock): boolean {
    return this.isAws(resource) && resource.args.region !== undefined;
  }

  /**
   * Where a flow target is: a reference expression to a resource of the document
   * (`${aws_s3_bucket.registry.arn}`), or a location string (`region:ap-east-1`).
   */
  public locateTarget(target: string): Located & { address?: string } {
    const expr = this.expr(target);
    const only = expr.length === 1 ? expr[0] : undefined;
    if (only?.kind === 'resource') {
      const address = only.logicalId;
      return { ...this.locate(this.byAddress.get(address)!), address };
    }
    try {
      return { location: Location.parse(target), basis: `declared ${target}` };
    } catch {
      return { location: Location.UNKNOWN, basis: `target ${JSON.stringify(target)} is neither a reference to a resource of the document nor a location` };
    }
  }

  /** A template string as an expression over the document's resources (read once per distinct string). */
  public expr(template: string): Expr {
    let expr = this.exprCache.get(template);
    if (!expr) {
      expr = templateExpr(template, this.stackName, this.addresses);
      this.exprCache.set(template, expr);
    }
    return expr;
  }

  /** Every string argument of a resource or provider block, meta-arguments excluded. */
  public leaves(block: TerraformResourceBlock | TerraformProviderBlock): TerraformLeaf[] {
    let leaves = this.leafCache.get(block);
    if (!leaves) {
      leaves = [];
      for (const [key, value] of Object.entries(block.args)) {
        if (!META_ARGUMENTS.has(key)) collectLeaves(value, key, leaves);
      }
      this.leafCache.set(block, leaves);
    }
    return leaves;
  }

  private computeLocation(resource: TerraformResourceBlock): Located {
    if (this.hasRegionArgument(resource)) {
      return locateRegionArgument(resource.args.region, 'its region argument');
    }
    const provider = this.providerOf(resource);
    if (!provider) {
      return { location: Location.UNKNOWN, basis: `${resource.address} uses provider ${resource.providerKey}, which has no provider block (its configuration comes from the environment)` };
    }
    const located = this.locateProvider(provider);
    return { location: located.location, basis: `via ${located.basis}` };
  }

  private isAws(resource: TerraformResourceBlock): boolean {
    return resource.providerKey === 'aws' || resource.providerKey.startsWith('aws.');
  }
}

/** A `region` argument: a literal region name, or unknown. */
export function locateRegionArgument(value: unknown, what: string): Located {
  if (value === undefined) return { location: Location.UNKNOWN, basis: `${what} has no region (it comes from the environment)` };
  if (typeof value !== 'string' || !isLiteral(value)) return { location: Location.UNKNOWN, basis: `${what} has a computed region ${JSON.stringify(value)}` };
  if (isKnownRegion(value) || REGION_SHAPE.test(value)) return { location: Location.ofRegionName(value), basis: `${what} region ${value}` };
  return { location: Location.UNKNOWN, basis: `${what} region ${JSON.stringify(value)} is not a region name` };
}

function collectLeaves(value: unknown, path: string, out: TerraformLeaf[]): void {
  if (typeof value === 'string') {
    out.push({ path, text: value });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => collectLeaves(v, `${path}.${i}`, out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k !== '//') collectLeaves(v, `${path}.${k}`, out);
    }
  }
}
