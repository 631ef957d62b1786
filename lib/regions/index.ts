/**
 * Facts about AWS regions: partition, domain suffix, opt-in, and the SageMaker prebuilt
 * image registry accounts per image family.
 */
export * from './types';
export { allRegions, isKnownRegion, regionFacts, imageRegistryAccount, imageRegistryHost, imageRepositoryName, nearestRegionNames } from './region-catalog';
