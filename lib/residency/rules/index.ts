import type { ResidencyRule } from '../rule';
import { arnRegionRule } from './arn-region';
import { bedrockCrossRegionRule } from './bedrock-cross-region';
import { crossRegionReferenceRule } from './cross-region-reference';
import { endpointHostRule } from './endpoint-host';
import { eventEgressRule } from './event-egress';
import { globalServiceRule } from './global-service';
import { imageRegionRule } from './image-region';
import { kmsRule } from './kms';
import { logsEgressRule } from './logs-egress';
import { optInRegionRule } from './opt-in-region';
import { partitionRule } from './partition';
import { replicatedStoreRule } from './replicated-store';
import { s3LocationRule } from './s3-location';
import { s3ReplicationRule } from './s3-replication';
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
  s3ReplicationRule,
  kmsRule,
  logsEgressRule,
  eventEgressRule,
  replicatedStoreRule,
  globalServiceRule,
  crossRegionReferenceRule,
  bedrockCrossRegionRule,
  s3LocationRule,
  arnRegionRule,
  endpointHostRule,
];
