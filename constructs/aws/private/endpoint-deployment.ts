import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { RollingDeployment, type Deployment } from '../deployment';
import type { BlueGreenOptions, RollingUpdateOptions } from './serving-schema';

/**
 * The endpoint's deployment configuration: blue/green traffic routing or a rolling update,
 * with automatic rollback on `alarms`.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails.html
 */
export function deploymentConfig(deployment: Deployment, options: BlueGreenOptions | RollingUpdateOptions, alarms: cloudwatch.IAlarm[]): sagemaker.CfnEndpoint.DeploymentConfigProperty {
  const autoRollbackConfiguration = { alarms: alarms.map((a) => ({ alarmName: a.alarmName })) };
  if (deployment instanceof RollingDeployment) {
    const o = options as RollingUpdateOptions;
    return {
      autoRollbackConfiguration,
      rollingUpdatePolicy: {
        maximumBatchSize: { type: 'CAPACITY_PERCENT', value: o.batchPercent },
        waitIntervalInSeconds: o.interval,
        rollbackMaximumBatchSize: o.rollbackBatchPercent ? { type: 'CAPACITY_PERCENT', value: o.rollbackBatchPercent } : undefined,
        maximumExecutionTimeoutInSeconds: o.maxExecutionTime,
      },
    };
  }
  const o = options as BlueGreenOptions;
  const mode = deployment.mode as 'ALL_AT_ONCE' | 'CANARY' | 'LINEAR';
  return {
    autoRollbackConfiguration,
    blueGreenUpdatePolicy: {
      trafficRoutingConfiguration: {
        type: mode,
        waitIntervalInSeconds: mode === 'LINEAR' ? o.interval : mode === 'CANARY' ? o.bakeTime : undefined,
        canarySize: mode === 'CANARY' ? { type: 'CAPACITY_PERCENT', value: o.percent! } : undefined,
        linearStepSize: mode === 'LINEAR' ? { type: 'CAPACITY_PERCENT', value: o.stepPercent! } : undefined,
      },
      terminationWaitInSeconds: mode === 'ALL_AT_ONCE' ? o.bakeTime : o.terminationWait,
    },
  };
}
