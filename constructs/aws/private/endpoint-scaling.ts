/**
 * Application Auto Scaling of an endpoint's production variant.
 */
import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { CfnEndpoint } from 'aws-cdk-lib/aws-sagemaker';
import type { Construct } from 'constructs';
import type { AsyncOptions, InstancesOptions } from './serving-schema';

/** Target tracking on invocations per instance between min and max (none when they are equal). */
export function scaleOnInvocations(scope: Construct, endpoint: CfnEndpoint, endpointName: string, variant: string, o: InstancesOptions): appscaling.ScalableTarget | undefined {
  const max = o.maxCount ?? o.minCount;
  if (max <= o.minCount) return undefined;
  const target = scalableTargetFor(scope, endpoint, endpointName, variant, o.minCount, max);
  target.scaleToTrackMetric('InvocationsPerInstance', {
    predefinedMetric: appscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE,
    targetValue: o.targetInvocationsPerInstance,
    scaleInCooldown: Duration.minutes(5),
    scaleOutCooldown: Duration.minutes(1),
  });
  return target;
}

/**
 * Target tracking on the queue backlog per instance; with a floor of zero, a step policy on
 * HasBacklogWithoutCapacity brings the first instance up.
 */
export function scaleOnBacklog(scope: Construct, endpoint: CfnEndpoint, endpointName: string, variant: string, o: AsyncOptions): appscaling.ScalableTarget {
  const target = scalableTargetFor(scope, endpoint, endpointName, variant, o.minCount, o.maxCount);
  target.scaleToTrackMetric('BacklogPerInstance', {
    customMetric: new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName: 'ApproximateBacklogSizePerInstance', dimensionsMap: { EndpointName: endpointName }, statistic: 'Average', period: Duration.minutes(1) }),
    targetValue: o.targetBacklogPerInstance,
    scaleInCooldown: Duration.minutes(5),
    scaleOutCooldown: Duration.minutes(1),
  });
  if (o.minCount === 0) {
    // Target tracking cannot leave zero instances (no per-instance backlog to track):
    // a step policy on HasBacklogWithoutCapacity brings the first instance up.
    target.scaleOnMetric('WakeFromZero', {
      metric: new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName: 'HasBacklogWithoutCapacity', dimensionsMap: { EndpointName: endpointName }, statistic: 'Average', period: Duration.minutes(1) }),
      scalingSteps: [{ upper: 0.5, change: 0 }, { lower: 0.5, change: 1 }],
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      cooldown: Duration.minutes(5),
    });
  }
  return target;
}

function scalableTargetFor(scope: Construct, endpoint: CfnEndpoint, endpointName: string, variant: string, min: number, max: number): appscaling.ScalableTarget {
  const target = new appscaling.ScalableTarget(scope, 'Scaling', {
    serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
    resourceId: `endpoint/${endpointName}/variant/${variant}`,
    scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    minCapacity: min,
    maxCapacity: max,
  });
  target.node.addDependency(endpoint);
  return target;
}
