/**
 * The plain-data part of ServingEndpoint props, validated in one place. Ranges are the
 * SageMaker API's.
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariantServerlessConfig.html
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TrafficRoutingConfig.html
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_RollingUpdatePolicy.html
 */
import * as z from 'zod';
import { checkedNumber, checkedString } from '../../../lib/validation';
import { isUnresolved } from './validate';

const int = (lo: number, hi: number, what: string) =>
  checkedNumber(isUnresolved, (v) => Number.isInteger(v) && v >= lo && v <= hi, `must be a whole number between ${lo} and ${hi}${what}`);
const seconds = (lo: number, hi: number) =>
  checkedNumber(isUnresolved, (v) => Number.isInteger(v) && v >= lo && v <= hi, `must be between ${lo} and ${hi} seconds`);
const instanceType = checkedString(isUnresolved, (v) => /^ml\.[a-z0-9-]+\.[a-z0-9]+$/.test(v), 'must be a SageMaker instance type such as ml.m5.large');

/** Cross-field check, reported on maxCount with the value received (not the whole object). */
function maxCountAtLeastMinCount(c: { minCount: number; maxCount?: number }, ctx: z.RefinementCtx): void {
  if (c.maxCount !== undefined && !isUnresolved(c.maxCount) && !isUnresolved(c.minCount) && c.maxCount < c.minCount) {
    ctx.addIssue({ code: 'custom', path: ['maxCount'], input: c.maxCount, message: `must be at least minCount (${c.minCount})` });
  }
}

export const instancesSchema = z.object({
  instanceType,
  minCount: int(1, 1000, ' for real-time instance endpoints').default(1),
  maxCount: int(1, 1000, ' for real-time instance endpoints').optional(),
  targetInvocationsPerInstance: int(1, 1_000_000, ' invocations per instance per minute').default(100),
}).loose().superRefine(maxCountAtLeastMinCount);

export const serverlessSchema = z.object({
  memorySizeMb: checkedNumber(isUnresolved, (v) => Number.isInteger(v) && v >= 1024 && v <= 6144 && v % 1024 === 0, 'must be 1024, 2048, 3072, 4096, 5120 or 6144 MB for serverless endpoints'),
  maxConcurrency: int(1, 200, ' for serverless endpoints'),
  provisionedConcurrency: int(1, 200, ' for serverless endpoints').optional(),
}).loose().superRefine((c, ctx) => {
  if (c.provisionedConcurrency !== undefined && !isUnresolved(c.provisionedConcurrency) && !isUnresolved(c.maxConcurrency) && c.provisionedConcurrency > c.maxConcurrency) {
    ctx.addIssue({ code: 'custom', path: ['provisionedConcurrency'], input: c.provisionedConcurrency, message: `must be between 1 and maxConcurrency (${c.maxConcurrency}) for serverless endpoints` });
  }
});

export const asyncSchema = z.object({
  instanceType,
  minCount: int(0, 1000, ' for asynchronous endpoints').default(0),
  maxCount: int(1, 1000, ' for asynchronous endpoints'),
  maxConcurrentInvocationsPerInstance: int(1, 1000, '').optional(),
  targetBacklogPerInstance: int(1, 100_000, '').default(5),
}).loose().superRefine(maxCountAtLeastMinCount);

export const blueGreenSchema = z.object({
  mode: z.enum(['ALL_AT_ONCE', 'CANARY', 'LINEAR']),
  percent: int(1, 50, ' percent (SageMaker: at most half of the new fleet)').optional(),
  stepPercent: int(10, 50, ' percent (SageMaker: 10-50% of the fleet per step)').optional(),
  bakeTime: seconds(0, 3600).optional(),
  interval: seconds(0, 3600).optional(),
  terminationWait: seconds(0, 3600).default(0),
}).loose();

export const rollingSchema = z.object({
  batchPercent: int(5, 50, ' percent (SageMaker: 5-50% of the fleet per batch)'),
  interval: seconds(0, 3600),
  rollbackBatchPercent: int(1, 100, ' percent').optional(),
  maxExecutionTime: seconds(600, 28800).optional(),
}).loose();

export const endpointSchema = z.object({
  dataCapture: z.object({
    samplingPercent: int(0, 100, ' percent'),
    csvContentTypes: z.array(z.string().min(1)).max(10).optional(),
    jsonContentTypes: z.array(z.string().min(1)).max(10).optional(),
  }).loose().optional(),
  shadow: z.object({ samplingPercent: int(1, 100, ' percent') }).loose().optional(),
  rollbackAlarms: z.object({
    errorRatePercent: checkedNumber(isUnresolved, (v) => v > 0 && v <= 100, 'must be above 0 and at most 100 percent').default(1),
    p99LatencyMs: checkedNumber(isUnresolved, (v) => v > 0 && v <= 3_600_000, 'must be above 0 and at most 3600000 ms').default(1000),
  }).loose().default({ errorRatePercent: 1, p99LatencyMs: 1000 }),
  endpointName: checkedString(isUnresolved, (v) => /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(v), 'must be 1-63 letters, digits and hyphens, starting and ending with a letter or digit').optional(),
}).loose();

/** Parsed options per compute mode and deployment, for the construct. */
export type InstancesOptions = z.output<typeof instancesSchema>;
export type ServerlessOptions = z.output<typeof serverlessSchema>;
export type AsyncOptions = z.output<typeof asyncSchema>;
export type BlueGreenOptions = z.output<typeof blueGreenSchema>;
export type RollingUpdateOptions = z.output<typeof rollingSchema>;
export type EndpointOptions = z.output<typeof endpointSchema>;
