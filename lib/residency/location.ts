import { ErrorCode, SovereignMlError } from '../errors';
import { isKnownRegion, regionFacts, type Partition } from '../regions';

/** The shape of an AWS region name, e.g. `us-gov-west-1`. */
export const REGION_SHAPE = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** What kind of place a {@link Location} is. */
export type LocationKind = 'region' | 'site' | 'global' | 'unknown';

/**
 * Where data is: an AWS region (with its partition), an on-prem site, a global service
 * (edge locations worldwide), or unknown.
 */
export class Location {
  /** A location that cannot be proven. Unknown fails closed. */
  public static readonly UNKNOWN = new Location('unknown', 'unknown');
  /** Global services that keep data at edge locations worldwide (CloudFront, Global Accelerator). */
  public static readonly GLOBAL = new Location('global', 'global');

  /**
   * An AWS region from the catalog.
   * @throws SovereignMlError REGION_UNKNOWN for a name not in the catalog
   */
  public static region(name: string): Location {
    regionFacts(name);
    return new Location('region', name);
  }

  /**
   * A region named in third-party text (an ARN, a host name), not checked against the
   * catalog, so that regions outside it (GovCloud, ISO) still place data somewhere.
   */
  public static observedRegion(name: string): Location {
    return new Location('region', name);
  }

  /**
   * A region by name: from the catalog when it is there, else observed (GovCloud, ISO,
   * regions newer than the catalog), so that it still places data somewhere.
   */
  public static ofRegionName(name: string): Location {
    return isKnownRegion(name) ? Location.region(name) : Location.observedRegion(name);
  }

  /** An on-prem site, such as `kwun-tong-dc`: lower-case letters, digits and hyphens. */
  public static onPrem(site: string): Location {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(site)) {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS,
        `site must be 1-63 lower-case letters, digits and hyphens, got ${JSON.stringify(site)}`);
    }
    return new Location('site', site);
  }

  /**
   * Parses the string form (`region:ap-east-1`, `site:kwun-tong-dc`, `global`, `unknown`).
   * @throws SovereignMlError INVALID_PROPS on anything else
   */
  public static parse(text: string): Location {
    if (text === 'unknown') return Location.UNKNOWN;
    if (text === 'global') return Location.GLOBAL;
    const [kind, name] = text.split(':', 2);
    // Regions outside the catalog (GovCloud, ISO) come back as the engine wrote them.
    if (kind === 'region' && name) return isKnownRegion(name) || !REGION_SHAPE.test(name) ? Location.region(name) : Location.observedRegion(name);
    if (kind === 'site' && name) return Location.onPrem(name);
    throw new SovereignMlError(ErrorCode.INVALID_PROPS,
      `location must be "region:<name>", "site:<name>", "global" or "unknown", got ${JSON.stringify(text)}`);
  }

  private constructor(
    /** The kind of place. */
    public readonly kind: LocationKind,
    /** Region name, site name, or `global` / `unknown`. */
    public readonly name: string,
  ) {}

  /** The partition of a region location. */
  public get partition(): Partition | undefined {
    return this.kind === 'region' && isKnownRegion(this.name) ? regionFacts(this.name).partition : undefined;
  }

  /** Whether this is a region in the catalog and enabled only after opt-in. */
  public get isOptInRegion(): boolean {
    return this.kind === 'region' && isKnownRegion(this.name) && regionFacts(this.name).optIn;
  }

  /** Whether this location is proven (not unknown). */
  public get isKnown(): boolean {
    return this.kind !== 'unknown';
  }

  /** Whether two locations are the same place. */
  public equals(other: Location): boolean {
    return this.kind === other.kind && this.name === other.name;
  }

  /** The string form, parsed back by {@link Location.parse}. */
  public toString(): string {
    return this.kind === 'region' || this.kind === 'site' ? `${this.kind}:${this.name}` : this.kind;
  }

  /** A short label for reports: the region or site name. */
  public get label(): string {
    return this.name;
  }
}
