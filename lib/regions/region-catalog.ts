/**
 * Look-ups over the generated region catalog.
 */
import { ErrorCode, SovereignMlError } from '../errors';
import { IMAGE_REPOSITORIES, REGION_CATALOG } from './catalog.generated';
import type { ImageFamily, RegionFacts } from './types';

const BY_NAME = new Map(REGION_CATALOG.map((r) => [r.name, r]));

/** Every region in the catalog, sorted by name. */
export function allRegions(): readonly RegionFacts[] {
  return REGION_CATALOG;
}

/** Whether `name` is a region in the catalog. */
export function isKnownRegion(name: string): boolean {
  return BY_NAME.has(name);
}

/**
 * Facts about a region.
 * @throws SovereignMlError `REGION_UNKNOWN`, listing the nearest valid names
 */
export function regionFacts(name: string): RegionFacts {
  const facts = BY_NAME.get(name);
  if (!facts) {
    const near = nearestRegionNames(name);
    throw new SovereignMlError(ErrorCode.REGION_UNKNOWN,
      `region ${JSON.stringify(name)} is not a known AWS region; did you mean ${near.join(', ')}?`);
  }
  return facts;
}

/**
 * The ECR registry account that hosts an image family's SageMaker images in a region.
 * @throws SovereignMlError `IMAGE_NOT_IN_REGION` when the family is not published there,
 *   naming the region, the family and the regions that do have it
 */
export function imageRegistryAccount(region: string, family: ImageFamily): string {
  const facts = regionFacts(region);
  const account = facts.imageAccounts[family];
  if (!account) {
    const near = REGION_CATALOG.filter((r) => r.partition === facts.partition && r.imageAccounts[family]).map((r) => r.name);
    throw new SovereignMlError(ErrorCode.IMAGE_NOT_IN_REGION,
      `SageMaker ${family} images are not published in ${region}; regions of partition ${facts.partition} that have them: ${near.join(', ') || 'none'}`);
  }
  return account;
}

/** The ECR repository name of an image family (for example `sagemaker-tritonserver`). */
export function imageRepositoryName(family: ImageFamily): string {
  return IMAGE_REPOSITORIES[family];
}

/** The registry host of an image family in a region, e.g. `871362719292.dkr.ecr.ap-east-1.amazonaws.com`. */
export function imageRegistryHost(region: string, family: ImageFamily): string {
  const account = imageRegistryAccount(region, family);
  return `${account}.dkr.ecr.${region}.${regionFacts(region).domainSuffix}`;
}

/**
 * Up to `max` catalog names closest to `name` by edit distance (ties by name), for
 * "did you mean" messages.
 */
export function nearestRegionNames(name: string, max = 3): string[] {
  const lower = name.toLowerCase();
  return REGION_CATALOG
    .map((r) => ({ name: r.name, d: editDistance(lower, r.name) }))
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((r) => r.name);
}

/** Levenshtein distance, O(|a|·|b|) time and O(|b|) space. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, sub));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
