import { ErrorCode, SovereignMlError } from '../errors';
import { isKnownRegion, nearestRegionNames, regionFacts, type Partition } from '../regions';
import type { DataClass } from './data-class';
import { Location } from './location';

/** Options of {@link Boundary.regions}. */
export interface BoundaryOptions {
  /**
   * On-prem sites inside the boundary.
   * @default - none
   */
  readonly sites?: readonly string[];
}

/**
 * A set of places where data may be: AWS regions (of one partition) and on-prem sites.
 */
export class Boundary {
  /** Hong Kong: ap-east-1. */
  public static readonly HONG_KONG = Boundary.regions('hong-kong', ['ap-east-1']);
  /** Mainland China: the aws-cn partition, cn-north-1 and cn-northwest-1. */
  public static readonly MAINLAND_CHINA = Boundary.regions('mainland-china', ['cn-north-1', 'cn-northwest-1']);
  /** No restriction: for data classes a policy deliberately leaves free (aggregate telemetry, say). */
  public static readonly ANYWHERE = new Boundary('anywhere', [], [], true);

  /**
   * A custom boundary.
   * @param name a short name for reports, e.g. `gba`
   * @param regions region names from the catalog, all of one partition
   * @throws SovereignMlError INVALID_PROPS or REGION_UNKNOWN naming the bad entry
   */
  public static regions(name: string, regions: readonly string[], options: BoundaryOptions = {}): Boundary {
    const sites = options.sites ?? [];
    if (regions.length === 0 && sites.length === 0) {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `boundary ${JSON.stringify(name)} must contain at least one region or site`);
    }
    regions.forEach((r, i) => {
      if (!isKnownRegion(r)) {
        throw new SovereignMlError(ErrorCode.REGION_UNKNOWN,
          `boundary ${JSON.stringify(name)} regions[${i}] ${JSON.stringify(r)} is not a known AWS region; did you mean ${nearestRegionNames(r).join(', ')}?`);
      }
    });
    const partitions = new Set(regions.map((r) => regionFacts(r).partition));
    if (partitions.size > 1) {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS,
        `boundary ${JSON.stringify(name)} mixes partitions ${[...partitions].join(' and ')}; a boundary's regions must share one partition`);
    }
    sites.forEach((s) => Location.onPrem(s));
    return new Boundary(name, [...regions].sort(), [...sites].sort(), false);
  }

  private constructor(
    /** Name for reports. */
    public readonly name: string,
    /** Regions inside, sorted. */
    public readonly regionNames: readonly string[],
    /** On-prem sites inside, sorted. */
    public readonly siteNames: readonly string[],
    /** Whether the boundary allows every location. */
    public readonly unrestricted: boolean,
  ) {}

  /** The partition of the boundary's regions, when it has regions. */
  public get partition(): Partition | undefined {
    const first = this.regionNames[0];
    return first ? regionFacts(first).partition : undefined;
  }

  /** Whether `location` is inside. Unknown is never inside, except for {@link Boundary.ANYWHERE}. */
  public contains(location: Location): boolean {
    if (this.unrestricted) return true;
    switch (location.kind) {
      case 'region': return this.regionNames.includes(location.name);
      case 'site': return this.siteNames.includes(location.name);
      default: return false;
    }
  }

  /** A human description, e.g. `hong-kong (ap-east-1)`. */
  public describe(): string {
    if (this.unrestricted) return 'anywhere';
    return `${this.name} (${[...this.regionNames, ...this.siteNames.map((s) => `site ${s}`)].join(', ')})`;
  }
}

/** Which boundary governs which data. */
export interface ResidencyPolicy {
  /** The boundary for all data, and for unclassified data. */
  readonly boundary: Boundary;
  /**
   * Boundaries for particular data classes, replacing `boundary` for data of that class.
   * @default - every class follows `boundary`
   */
  readonly dataClasses?: Partial<Record<DataClass, Boundary>>;
}

/**
 * The boundaries that govern data of `classes` (the policy boundary for unclassified
 * data); a location is allowed when every one of them contains it.
 */
export function governingBoundaries(policy: ResidencyPolicy, classes: readonly DataClass[]): Boundary[] {
  if (classes.length === 0) return [policy.boundary];
  const out = new Map<string, Boundary>();
  for (const c of classes) {
    const b = policy.dataClasses?.[c] ?? policy.boundary;
    out.set(b.describe(), b);
  }
  return [...out.values()];
}

/** Whether data of `classes` may be at `location` under `policy`. */
export function isAllowed(policy: ResidencyPolicy, classes: readonly DataClass[], location: Location): boolean {
  return governingBoundaries(policy, classes).every((b) => b.contains(location));
}

/**
 * Regions where data of `classes` may be, or `undefined` when unrestricted.
 */
export function allowedRegions(policy: ResidencyPolicy, classes: readonly DataClass[]): string[] | undefined {
  const restricted = governingBoundaries(policy, classes).filter((b) => !b.unrestricted);
  if (restricted.length === 0) return undefined;
  return restricted.map((b) => [...b.regionNames]).reduce((acc, rs) => acc.filter((r) => rs.includes(r)));
}
