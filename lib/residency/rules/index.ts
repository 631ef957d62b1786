import type { ResidencyRule } from '../rule';
import { arnRegionRule } from './arn-region';
import { endpointHostRule } from './endpoint-host';
import { imageRegionRule } from './image-region';
import { optInRegionRule } from './opt-in-region';
import { partitionRule } from './partition';
import { s3LocationRule } from './s3-location';
import { stackRegionRule } from './stack-region';

/**
 * Every rule, in evaluation order: stack rules, then rules for specific properties
 * (which claim what they check), then the generic scans over every property.
 */
export const ALL_RULES: readonly ResidencyRule[] = [
  stackRegionRule,
  optInRegionRule,
  partitionRule,
  imageRegionRule,
  s3LocationRule,
  arnRegionRule,
  endpointHostRule,
];
