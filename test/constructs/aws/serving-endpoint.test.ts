import { App, type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import {
  Boundary, Compute, DataResidency, Deployment, ErrorCode, InferenceImage, ModelRegistry, ServingEndpoint, type ServingEndpointProps,
} from '../../../constructs';
import { allRegions } from '../../../lib/regions';
import { FRAUD_MODEL, hkStack } from '../../support/app';
import { errorOf } from '../../support/errors';
import { errorViolations, validatedSynth } from '../../support/validated-synth';

const HK = { account: '111111111111', region: 'ap-east-1' };

/**
 * Image URIs from "Docker Registry Paths and Example Code" of the SageMaker docs
 * (ap-east-1: Deep Learning Containers incl. Triton in 871362719292, scikit-learn in 651117190479).
 */
const TRITON_HK = '871362719292.dkr.ecr.ap-east-1.amazonaws.com/sagemaker-tritonserver:24.09-py3';
const SKLEARN_HK = '651117190479.dkr.ecr.ap-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';

type PropsOf = Partial<ServingEndpointProps> | ((stack: Stack, registry: ModelRegistry) => Partial<ServingEndpointProps>);

/** A registry with the fraud model, and an endpoint serving it (Triton on ml.m5.large unless overridden). */
function endpointIn(stack: Stack, props: PropsOf = {}) {
  const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'fraud' });
  const model = registry.addModel('V3', { path: FRAUD_MODEL, version: '3' });
  const overrides = typeof props === 'function' ? props(stack, registry) : props;
  const endpoint = new ServingEndpoint(stack, 'Endpoint', {
    model, image: InferenceImage.triton('24.09'), compute: Compute.instances({ instanceType: 'ml.m5.large' }), ...overrides,
  });
  return { registry, model, endpoint };
}

function withEndpoint(props: PropsOf = {}) {
  const { app, stack } = hkStack();
  return { app, stack, ...endpointIn(stack, props) };
}

/** The logical id CDK gave a construct's resource (never hard-coded: it is generated). */
const logicalId = (stack: Stack, c: IConstruct): string => stack.getLogicalId((c.node.defaultChild ?? c) as CfnElement);

const serverless = () => Compute.serverless({ memorySizeMb: 2048, maxConcurrency: 10 });
const asyncCompute = () => Compute.async({ instanceType: 'ml.m5.large', maxCount: 3 });

describe('ServingEndpoint compute modes', () => {
  test('instances: one AllTraffic variant of the model, InitialInstanceCount = minCount, weight 1, volume key', () => {
    const { stack, endpoint } = withEndpoint({ endpointName: 'fraud', compute: Compute.instances({ instanceType: 'ml.m5.large', minCount: 2, maxCount: 6 }) });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [{
        VariantName: 'AllTraffic',
        ModelName: { 'Fn::GetAtt': [logicalId(stack, endpoint.cfnModel), 'ModelName'] },
        InstanceType: 'ml.m5.large',
        InitialInstanceCount: 2,
        InitialVariantWeight: 1,
        ServerlessConfig: Match.absent(),
      }],
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointKey'), 'Arn'] },
      AsyncInferenceConfig: Match.absent(),
      ShadowProductionVariants: Match.absent(),
    });
  });

  test('serverless: ServerlessConfig with memory and concurrency; no instance type, no count, no volume key', () => {
    const { stack } = withEndpoint({ compute: Compute.serverless({ memorySizeMb: 2048, maxConcurrency: 10, provisionedConcurrency: 2 }) });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [Match.objectLike({
        VariantName: 'AllTraffic',
        InitialVariantWeight: 1,
        ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 10, ProvisionedConcurrency: 2 },
        InstanceType: Match.absent(),
        InitialInstanceCount: Match.absent(),
      })],
      KmsKeyId: Match.absent(),
      DataCaptureConfig: Match.absent(),
    });
    // Only the registry's key: a serverless endpoint without capture has nothing to encrypt.
    t.resourceCountIs('AWS::KMS::Key', 1);
  });

  test('serverless without provisioned concurrency leaves it unset', () => {
    const { stack } = withEndpoint({ compute: serverless() });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [Match.objectLike({ ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 10, ProvisionedConcurrency: Match.absent() } })],
    });
  });

  test('async: outputs and failures under async/<endpoint>/, KMS, notifications and client config', () => {
    const { stack, endpoint } = withEndpoint((s) => ({
      endpointName: 'fraud-async',
      compute: Compute.async({
        instanceType: 'ml.m5.large', maxCount: 3, maxConcurrentInvocationsPerInstance: 4,
        notify: { success: new sns.Topic(s, 'Done'), error: new sns.Topic(s, 'Failed') },
      }),
    }));
    const bucket = stack.resolve(endpoint.captureBucket!.bucketName);
    const key = new Capture();
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [Match.objectLike({ InstanceType: 'ml.m5.large', InitialInstanceCount: 1 })],
      AsyncInferenceConfig: {
        OutputConfig: {
          S3OutputPath: { 'Fn::Join': ['', ['s3://', bucket, '/async/fraud-async/output']] },
          S3FailurePath: { 'Fn::Join': ['', ['s3://', bucket, '/async/fraud-async/failure']] },
          KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
          NotificationConfig: {
            SuccessTopic: { Ref: logicalId(stack, stack.node.findChild('Done')) },
            ErrorTopic: { Ref: logicalId(stack, stack.node.findChild('Failed')) },
          },
        },
        ClientConfig: { MaxConcurrentInvocationsPerInstance: 4 },
      },
    });
    expect(Template.fromStack(stack).toJSON().Resources[key.asString()].Type).toBe('AWS::KMS::Key');
  });

  test('async without notify or client options leaves NotificationConfig and ClientConfig out', () => {
    const { stack } = withEndpoint({ compute: asyncCompute() });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      AsyncInferenceConfig: { OutputConfig: Match.objectLike({ NotificationConfig: Match.absent() }), ClientConfig: Match.absent() },
    });
  });

  test.each([
    ['instances', () => Compute.instances({ instanceType: 'ml.m5.large' })],
    ['serverless', serverless],
    ['async', asyncCompute],
  ])('%s: the config has no name (a new one per change) and the endpoint takes it by GetAtt, keeping variant properties', (mode, compute) => {
    const { stack, endpoint } = withEndpoint({ compute: compute(), endpointName: 'fraud' });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SageMaker::EndpointConfig', 1);
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', { EndpointConfigName: Match.absent() });
    t.hasResourceProperties('AWS::SageMaker::Endpoint', {
      EndpointName: 'fraud',
      EndpointConfigName: { 'Fn::GetAtt': [logicalId(stack, endpoint.endpointConfig), 'EndpointConfigName'] },
      RetainAllVariantProperties: true,
    });
    expect(endpoint.computeMode).toBe(mode);
  });

  test('an instance type with local NVMe storage gets no volume key (SageMaker refuses one)', () => {
    const { stack } = withEndpoint({ compute: Compute.instances({ instanceType: 'ml.g4dn.xlarge' }) });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::EndpointConfig', { KmsKeyId: Match.absent() });
  });
});

describe('ServingEndpoint model', () => {
  test.each([
    ['InferenceImage.triton(24.09)', () => InferenceImage.triton('24.09'), TRITON_HK],
    ['InferenceImage.sklearn(1.2-1)', () => InferenceImage.sklearn('1.2-1'), SKLEARN_HK],
  ])('%s in ap-east-1 runs the registry object as is, with the execution role', (_name, image, uri) => {
    const { stack, model, endpoint } = withEndpoint({ image: image() });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Model', {
      ExecutionRoleArn: { 'Fn::GetAtt': [logicalId(stack, endpoint.role), 'Arn'] },
      PrimaryContainer: {
        Image: uri,
        ModelDataSource: { S3DataSource: { S3Uri: stack.resolve(model.s3Url), S3DataType: 'S3Object', CompressionType: 'None' } },
        Environment: { SOVEREIGN_ML_MODEL_SHA256: model.sha256, SOVEREIGN_ML_MODEL_VERSION: '3' },
      },
      VpcConfig: Match.absent(),
      EnableNetworkIsolation: Match.absent(),
    });
    expect(stack.resolve(model.s3Url)).toEqual({ 'Fn::Join': ['', ['s3://', stack.resolve(model.bucket.bucketName), '/models/fraud/3/fraud.onnx']] });
  });

  test('VPC and network isolation when given', () => {
    const { stack } = withEndpoint((s) => ({
      vpc: {
        subnets: [ec2.Subnet.fromSubnetId(s, 'A', 'subnet-0a1b2c3d'), ec2.Subnet.fromSubnetId(s, 'B', 'subnet-4e5f6a7b')],
        securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(s, 'Sg', 'sg-0123456789abcdef0')],
      },
      networkIsolation: true,
    }));
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Model', {
      VpcConfig: { Subnets: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'], SecurityGroupIds: ['sg-0123456789abcdef0'] },
      EnableNetworkIsolation: true,
    });
  });
});

describe('ServingEndpoint deployment', () => {
  const blueGreen = (routing: object, terminationWait: number) => ({
    BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: routing, TerminationWaitInSeconds: terminationWait },
    RollingUpdatePolicy: Match.absent(),
  });

  test.each([
    ['default (all at once, 10 minutes baking)', undefined,
      blueGreen({ Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: Match.absent(), CanarySize: Match.absent(), LinearStepSize: Match.absent() }, 600)],
    ['allAtOnce with a 5-minute bake', () => Deployment.allAtOnce({ bakeTime: Duration.minutes(5) }),
      blueGreen({ Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: Match.absent() }, 300)],
    ['canary 10% baking 10 minutes, 2 minutes to terminate', () => Deployment.canary({ percent: 10, bakeTime: Duration.minutes(10), terminationWait: Duration.minutes(2) }),
      blueGreen({ Type: 'CANARY', CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 }, WaitIntervalInSeconds: 600, LinearStepSize: Match.absent() }, 120)],
    ['linear 20% steps every 5 minutes', () => Deployment.linear({ stepPercent: 20, interval: Duration.minutes(5) }),
      blueGreen({ Type: 'LINEAR', LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 20 }, WaitIntervalInSeconds: 300, CanarySize: Match.absent() }, 0)],
    ['rolling 25% batches every 5 minutes, full rollback, 2 h limit',
      () => Deployment.rolling({ batchPercent: 25, interval: Duration.minutes(5), rollbackBatchPercent: 100, maxExecutionTime: Duration.hours(2) }),
      {
        BlueGreenUpdatePolicy: Match.absent(),
        RollingUpdatePolicy: {
          MaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 25 },
          WaitIntervalInSeconds: 300,
          RollbackMaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 100 },
          MaximumExecutionTimeoutInSeconds: 7200,
        },
      }],
  ])('%s', (_name, deployment, expected) => {
    const { stack } = withEndpoint({ compute: Compute.instances({ instanceType: 'ml.m5.large', minCount: 4 }), ...(deployment ? { deployment: deployment() } : {}) });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Endpoint', { DeploymentConfig: expected });
  });

  test('rolling without rollback batch or time limit leaves both to SageMaker', () => {
    const { stack } = withEndpoint({ deployment: Deployment.rolling({ batchPercent: 50, interval: Duration.minutes(1) }) });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: { RollingUpdatePolicy: { RollbackMaximumBatchSize: Match.absent(), MaximumExecutionTimeoutInSeconds: Match.absent() } },
    });
  });

  test('rolls back on the 5xx-rate and p99-latency alarms, by name, plus the extra alarms', () => {
    const { stack, endpoint } = withEndpoint((s) => ({
      endpointName: 'fraud',
      deployment: Deployment.canary({ percent: 10, bakeTime: Duration.minutes(10) }),
      extraRollbackAlarms: [cloudwatch.Alarm.fromAlarmName(s, 'Kpi', 'fraud-approval-rate')],
    }));
    const t = Template.fromStack(stack);
    expect(endpoint.rollbackAlarms).toHaveLength(2);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    t.hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: {
        AutoRollbackConfiguration: {
          Alarms: [
            ...endpoint.rollbackAlarms.map((a) => ({ AlarmName: { Ref: logicalId(stack, a) } })),
            { AlarmName: 'fraud-approval-rate' },
          ],
        },
      },
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'fraud-5xx-rate',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(invocations > 0, 100 * errors / invocations, 0)', ReturnData: true }),
        Match.objectLike({ Id: 'errors', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Invocation5XXErrors', Namespace: 'AWS/SageMaker' }), Stat: 'Sum', Period: 60 }) }),
        Match.objectLike({ Id: 'invocations', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Invocations' }), Stat: 'Sum' }) }),
      ]),
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'fraud-p99-latency',
      // Milliseconds: SageMaker reports ModelLatency in microseconds.
      Threshold: 1000,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'model_p99 / 1000', ReturnData: true }),
        Match.objectLike({ Id: 'model_p99', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ModelLatency', Namespace: 'AWS/SageMaker' }), Stat: 'p99' }) }),
      ]),
    });
  });

  test('alarm thresholds follow rollbackAlarms', () => {
    const { stack } = withEndpoint({ endpointName: 'fraud', rollbackAlarms: { errorRatePercent: 2.5, p99LatencyMs: 250 } });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'fraud-5xx-rate', Threshold: 2.5 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'fraud-p99-latency', Threshold: 250 });
  });

  test('async endpoints roll back on the 5xx rate only (no latency alarm)', () => {
    const { stack, endpoint } = withEndpoint({ endpointName: 'fraud', compute: asyncCompute() });
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 2 /* 5xx rate + the wake-from-zero alarm of the step policy */);
    expect(endpoint.rollbackAlarms.map((a) => stack.resolve(a.alarmName))).toEqual([{ Ref: logicalId(stack, endpoint.rollbackAlarms[0]!) }]);
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: { AutoRollbackConfiguration: { Alarms: [{ AlarmName: { Ref: logicalId(stack, endpoint.rollbackAlarms[0]!) } }] } },
    });
  });

  test('serverless without a deployment has no DeploymentConfig and no rollback alarms', () => {
    const { stack, endpoint } = withEndpoint({ compute: serverless() });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SageMaker::Endpoint', { DeploymentConfig: Match.absent() });
    t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(endpoint.rollbackAlarms).toEqual([]);
  });
});

describe('ServingEndpoint shadow variant', () => {
  test('a second model receives samplingPercent/100 of the traffic as a copy', () => {
    const { stack, endpoint } = withEndpoint({ shadow: { samplingPercent: 25 } });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SageMaker::Model', 2);
    const shadowModel = endpoint.node.findChild('ShadowModel');
    expect(logicalId(stack, shadowModel)).not.toBe(logicalId(stack, endpoint.cfnModel));
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [Match.objectLike({ VariantName: 'AllTraffic', InitialVariantWeight: 1 })],
      ShadowProductionVariants: [{
        VariantName: 'Shadow',
        ModelName: { 'Fn::GetAtt': [logicalId(stack, shadowModel), 'ModelName'] },
        InstanceType: 'ml.m5.large',
        InitialInstanceCount: 1,
        InitialVariantWeight: 0.25,
      }],
    });
    // By default the shadow runs the production image and model.
    const images = Object.values(t.findResources('AWS::SageMaker::Model')).map((m) => m.Properties.PrimaryContainer.Image);
    expect(images).toEqual([TRITON_HK, TRITON_HK]);
  });

  test('a different image and model when given, and the role may read that model too', () => {
    let v4: ReturnType<ModelRegistry['addModel']> | undefined;
    const { stack, endpoint } = withEndpoint((_s, registry) => {
      v4 = registry.addModel('V4', { path: FRAUD_MODEL, version: '4' });
      return { shadow: { samplingPercent: 100, model: v4, image: InferenceImage.sklearn('1.2-1') } };
    });
    const t = Template.fromStack(stack);
    const shadow = t.toJSON().Resources[logicalId(stack, endpoint.node.findChild('ShadowModel'))];
    expect(shadow.Properties.PrimaryContainer.Image).toBe(SKLEARN_HK);
    expect(shadow.Properties.PrimaryContainer.ModelDataSource.S3DataSource.S3Uri).toEqual(stack.resolve(v4!.s3Url));
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', { ShadowProductionVariants: [Match.objectLike({ InitialVariantWeight: 1 })] });
    const gets = resourcesFor(roleStatements(stack, endpoint.role), 's3:GetObject');
    expect(gets).toEqual(expect.arrayContaining([stack.resolve(v4!.bucket.arnForObjects('models/fraud/4/fraud.onnx'))]));
  });
});

describe('ServingEndpoint data capture', () => {
  test('captures input and output into s3://<bucket>/endpoint-capture/<endpoint>, with default content types', () => {
    const { stack, endpoint } = withEndpoint({ endpointName: 'fraud', dataCapture: { samplingPercent: 20 } });
    const destination = { 'Fn::Join': ['', ['s3://', stack.resolve(endpoint.captureBucket!.bucketName), '/endpoint-capture/fraud']] };
    expect(stack.resolve(endpoint.captureS3Uri)).toEqual(destination);
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      DataCaptureConfig: {
        EnableCapture: true,
        InitialSamplingPercentage: 20,
        DestinationS3Uri: destination,
        KmsKeyId: Match.anyValue(),
        CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
        CaptureContentTypeHeader: { CsvContentTypes: ['text/csv'], JsonContentTypes: ['application/json'] },
      },
    });
  });

  test('content types are configurable', () => {
    const { stack } = withEndpoint({ dataCapture: { samplingPercent: 0, csvContentTypes: ['text/plain'], jsonContentTypes: ['application/jsonlines'] } });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      DataCaptureConfig: Match.objectLike({ InitialSamplingPercentage: 0, CaptureContentTypeHeader: { CsvContentTypes: ['text/plain'], JsonContentTypes: ['application/jsonlines'] } }),
    });
  });

  test('the capture bucket is SSE-KMS with the endpoint key (rotated) and denies non-TLS requests', () => {
    const { stack, endpoint } = withEndpoint({ dataCapture: { samplingPercent: 20 } });
    const t = Template.fromStack(stack);
    const bucketId = logicalId(stack, endpoint.captureBucket!);
    const key = new Capture();
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [key, 'Arn'] } } }] },
      LoggingConfiguration: { LogFilePrefix: 'endpoint-capture/' },
    });
    const keyResource = t.toJSON().Resources[key.asString()];
    expect(keyResource.Type).toBe('AWS::KMS::Key');
    expect(keyResource.Properties.EnableKeyRotation).toBe(true);
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', { DataCaptureConfig: Match.objectLike({ KmsKeyId: { 'Fn::GetAtt': [key.asString(), 'Arn'] } }) });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('uses a given encryption key instead of creating one', () => {
    const { stack } = withEndpoint((s) => ({ dataCapture: { samplingPercent: 5 }, encryptionKey: new kms.Key(s, 'Mine', { enableKeyRotation: true }) }));
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::KMS::Key', 2 /* the registry's and the given one */);
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      DataCaptureConfig: Match.objectLike({ KmsKeyId: { 'Fn::GetAtt': [logicalId(stack, stack.node.findChild('Mine')), 'Arn'] } }),
    });
  });
});

describe('ServingEndpoint autoscaling', () => {
  test('instances with min < max: a scalable target on DesiredInstanceCount and target tracking on invocations per instance', () => {
    const { stack, endpoint } = withEndpoint({
      endpointName: 'fraud', compute: Compute.instances({ instanceType: 'ml.m5.large', minCount: 2, maxCount: 6, targetInvocationsPerInstance: 200 }),
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'sagemaker',
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      ResourceId: 'endpoint/fraud/variant/AllTraffic',
      MinCapacity: 2,
      MaxCapacity: 6,
    });
    // The variant exists only once the endpoint does.
    t.hasResource('AWS::ApplicationAutoScaling::ScalableTarget', { DependsOn: Match.arrayWith([logicalId(stack, endpoint.endpoint)]) });
    t.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 1);
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      ScalingTargetId: { Ref: logicalId(stack, endpoint.scalableTarget!) },
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        TargetValue: 200,
      },
    });
  });

  test('the target defaults to 100 invocations per instance per minute', () => {
    const { stack } = withEndpoint({ compute: Compute.instances({ instanceType: 'ml.m5.large', maxCount: 3 }) });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 3 });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', { TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 100 }) });
  });

  test.each([
    ['min == max', Compute.instances({ instanceType: 'ml.m5.large', minCount: 2, maxCount: 2 })],
    ['no maxCount', Compute.instances({ instanceType: 'ml.m5.large', minCount: 3 })],
    ['serverless', Compute.serverless({ memorySizeMb: 1024, maxConcurrency: 5 })],
  ])('%s: no scaling resources', (_name, compute) => {
    const { stack, endpoint } = withEndpoint({ compute });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    t.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 0);
    expect(endpoint.scalableTarget).toBeUndefined();
  });

  test('async with minCount 0: target tracking on backlog per instance, and a step policy waking from zero on HasBacklogWithoutCapacity', () => {
    const { stack, endpoint } = withEndpoint({ endpointName: 'fraud-async', compute: Compute.async({ instanceType: 'ml.m5.large', maxCount: 4, targetBacklogPerInstance: 8 }) });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ResourceId: 'endpoint/fraud-async/variant/AllTraffic', ScalableDimension: 'sagemaker:variant:DesiredInstanceCount', MinCapacity: 0, MaxCapacity: 4,
    });
    const target = { Ref: logicalId(stack, endpoint.scalableTarget!) };
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      ScalingTargetId: target,
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        CustomizedMetricSpecification: Match.objectLike({
          MetricName: 'ApproximateBacklogSizePerInstance', Namespace: 'AWS/SageMaker', Dimensions: [{ Name: 'EndpointName', Value: 'fraud-async' }], Statistic: 'Average',
        }),
        TargetValue: 8,
      }),
    });
    const step = new Capture();
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      ScalingTargetId: target,
      StepScalingPolicyConfiguration: Match.objectLike({ AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] }),
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HasBacklogWithoutCapacity', Namespace: 'AWS/SageMaker', Dimensions: [{ Name: 'EndpointName', Value: 'fraud-async' }],
      Threshold: 0.5, ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [{ Ref: step }],
    });
    expect(t.toJSON().Resources[step.asString()].Properties.PolicyType).toBe('StepScaling');
  });

  test('async with minCount 1 needs no wake-from-zero policy', () => {
    const { stack } = withEndpoint({ compute: Compute.async({ instanceType: 'ml.m5.large', minCount: 1, maxCount: 4 }) });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 4 });
    t.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 1);
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', { PolicyType: 'TargetTrackingScaling' });
  });
});

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

const list = <T>(x: T | T[]): T[] => ([] as T[]).concat(x);

/** Every statement of every policy attached to `role`. */
function roleStatements(stack: Stack, role: iam.Role): Statement[] {
  const ref = { Ref: logicalId(stack, role) };
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([ref]) } });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

/** The resources every statement that allows `action` names. */
function resourcesFor(statements: Statement[], action: string): unknown[] {
  return statements.filter((s) => list(s.Action).includes(action)).flatMap((s) => list(s.Resource));
}

describe('ServingEndpoint execution role', () => {
  test('has exactly the permissions an instance endpoint with capture needs', () => {
    const { stack, registry, model, endpoint } = withEndpoint({ endpointName: 'fraud', dataCapture: { samplingPercent: 20 } });
    const statements = roleStatements(stack, endpoint.role);
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    expect([...new Set(statements.flatMap((s) => list(s.Action)))].sort()).toEqual([
      'cloudwatch:PutMetricData',
      'ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetAuthorizationToken', 'ecr:GetDownloadUrlForLayer',
      'kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKey',
      'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents',
      's3:GetObject', 's3:PutObject',
    ]);

    const repository = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:ap-east-1:871362719292:repository/sagemaker-tritonserver']] };
    for (const action of ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability']) {
      expect(resourcesFor(statements, action)).toEqual([repository]);
    }
    // GetAuthorizationToken has no resource-level permissions (Service Authorization Reference, Amazon ECR).
    expect(resourcesFor(statements, 'ecr:GetAuthorizationToken')).toEqual(['*']);
    expect(resourcesFor(statements, 's3:GetObject')).toEqual([stack.resolve(model.bucket.arnForObjects('models/fraud/3/fraud.onnx'))]);

    const endpointKey = stack.resolve((endpoint.node.findChild('Key') as kms.Key).keyArn);
    const registryKey = stack.resolve(registry.encryptionKey!.keyArn);
    expect(resourcesFor(statements, 'kms:Decrypt')).toHaveLength(2);
    expect(resourcesFor(statements, 'kms:Decrypt')).toEqual(expect.arrayContaining([endpointKey, registryKey]));
    expect(resourcesFor(statements, 'kms:GenerateDataKey')).toEqual([endpointKey]);
    expect(resourcesFor(statements, 'kms:CreateGrant')).toEqual([endpointKey]);

    const logGroup = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:ap-east-1:111111111111:log-group:/aws/sagemaker/Endpoints/fraud:*']] };
    for (const action of ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams']) {
      expect(resourcesFor(statements, action)).toEqual([logGroup]);
    }

    const metrics = statements.filter((s) => list(s.Action).includes('cloudwatch:PutMetricData'));
    expect(metrics).toEqual([expect.objectContaining({
      Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': ['/aws/sagemaker/Endpoints', 'AWS/SageMaker'] } },
    })]);
    expect(list(metrics[0]!.Action)).toEqual(['cloudwatch:PutMetricData']);

    expect(resourcesFor(statements, 's3:PutObject')).toEqual([stack.resolve(endpoint.captureBucket!.arnForObjects('endpoint-capture/fraud/*'))]);
  });

  test.each([
    ['instances with capture', { dataCapture: { samplingPercent: 20 } }],
    ['serverless', { compute: serverless() }],
    ['async', { compute: asyncCompute() }],
    ['with a shadow', { shadow: { samplingPercent: 10 } }],
  ])('%s: no s3:*, no sagemaker:*, no Delete action, no managed policy', (_name, props: Partial<ServingEndpointProps>) => {
    const { stack, endpoint } = withEndpoint(props);
    const actions = roleStatements(stack, endpoint.role).flatMap((s) => list(s.Action));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => a.includes('*') || a.startsWith('sagemaker:') || a.includes('Delete'))).toEqual([]);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'sagemaker.amazonaws.com' } })] }),
      ManagedPolicyArns: Match.absent(),
      Policies: Match.absent(),
    });
  });

  test('async: may write only under its output and failure prefixes, and publish to its (SSE-KMS) topics with exact KMS actions', () => {
    const { stack, endpoint } = withEndpoint((s) => {
      const masterKey = new kms.Key(s, 'TopicKey', { enableKeyRotation: true });
      return {
        endpointName: 'fraud-async',
        compute: Compute.async({ instanceType: 'ml.m5.large', maxCount: 2, notify: { success: new sns.Topic(s, 'Done', { masterKey }), error: new sns.Topic(s, 'Failed', { masterKey }) } }),
      };
    });
    const statements = roleStatements(stack, endpoint.role);
    const bucket = endpoint.captureBucket!;
    expect(resourcesFor(statements, 's3:PutObject')).toEqual(expect.arrayContaining([
      stack.resolve(bucket.arnForObjects('async/fraud-async/output/*')), stack.resolve(bucket.arnForObjects('async/fraud-async/failure/*')),
    ]));
    expect(resourcesFor(statements, 's3:PutObject')).toHaveLength(2);
    expect(resourcesFor(statements, 'sns:Publish')).toEqual(expect.arrayContaining(['Done', 'Failed'].map((id) => ({ Ref: logicalId(stack, stack.node.findChild(id)) }))));
    expect(resourcesFor(statements, 'sns:Publish')).toHaveLength(2);
    // Publishing to an SSE topic needs a data key (Amazon SNS developer guide, key management).
    const topicKey = stack.resolve((stack.node.findChild('TopicKey') as kms.Key).keyArn);
    expect(resourcesFor(statements, 'kms:GenerateDataKey')).toContainEqual(topicKey);
    expect(resourcesFor(statements, 'kms:Decrypt')).toContainEqual(topicKey);
    expect(statements.flatMap((s) => list(s.Action)).filter((a) => a.includes('*'))).toEqual([]);
  });
});

describe('ServingEndpoint metrics and grants', () => {
  test('metricModelLatency is ModelLatency (microseconds) divided by 1000, p99 unless told', () => {
    const { endpoint } = withEndpoint({ endpointName: 'fraud' });
    const latency = endpoint.metricModelLatency();
    expect(latency).toBeInstanceOf(cloudwatch.MathExpression);
    expect(latency.expression).toBe('model_p99 / 1000');
    const inner = latency.usingMetrics.model_p99 as cloudwatch.Metric;
    expect(inner.metricName).toBe('ModelLatency');
    expect(inner.namespace).toBe('AWS/SageMaker');
    expect(inner.dimensions).toEqual({ EndpointName: 'fraud', VariantName: 'AllTraffic' });
    expect(inner.statistic).toBe('p99');
    expect(latency.period.toSeconds()).toBe(60);
    const p50 = endpoint.metricModelLatency({ statistic: 'p50' });
    expect(p50.expression).toBe('model_p50 / 1000');
    expect((p50.usingMetrics.model_p50 as cloudwatch.Metric).statistic).toBe('p50');
  });

  test('metricOverheadLatency is OverheadLatency divided by 1000', () => {
    const { endpoint } = withEndpoint({ endpointName: 'fraud' });
    const overhead = endpoint.metricOverheadLatency();
    expect(overhead.expression).toBe('overhead_p99 / 1000');
    expect((overhead.usingMetrics.overhead_p99 as cloudwatch.Metric).metricName).toBe('OverheadLatency');
  });

  test.each([
    ['metricInvocations', 'Invocations', 'AWS/SageMaker', 'Sum'],
    ['metricInvocation5xxErrors', 'Invocation5XXErrors', 'AWS/SageMaker', 'Sum'],
    ['metricInvocation4xxErrors', 'Invocation4XXErrors', 'AWS/SageMaker', 'Sum'],
    ['metricCpuUtilization', 'CPUUtilization', '/aws/sagemaker/Endpoints', 'Average'],
  ] as const)('%s is %s in %s (%s) of the AllTraffic variant', (method, metricName, namespace, statistic) => {
    const { endpoint } = withEndpoint({ endpointName: 'fraud' });
    const m = endpoint[method]();
    expect(m.metricName).toBe(metricName);
    expect(m.namespace).toBe(namespace);
    expect(m.statistic).toBe(statistic);
    expect(m.dimensions).toEqual({ EndpointName: 'fraud', VariantName: 'AllTraffic' });
    expect(m.period.toSeconds()).toBe(60);
  });

  test('grantInvoke allows InvokeEndpoint and InvokeEndpointAsync on the endpoint ARN (lower-cased name) only', () => {
    const { stack, endpoint } = withEndpoint({ endpointName: 'Fraud-Scorer' });
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    endpoint.grantInvoke(caller);
    expect(roleStatements(stack, caller)).toEqual([{
      Effect: 'Allow',
      Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:ap-east-1:111111111111:endpoint/fraud-scorer']] },
    }]);
  });

  test('a default endpoint name is valid for SageMaker and unique per construct', () => {
    const { stack } = hkStack();
    const { endpoint } = endpointIn(stack);
    expect(endpoint.endpointName).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
    expect(endpoint.endpointName).toContain('Endpoint');
  });
});

describe('fails on unsupported combinations', () => {
  const vpc = (s: Stack) => ({ subnets: [ec2.Subnet.fromSubnetId(s, 'A', 'subnet-0a1b2c3d')], securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(s, 'Sg', 'sg-0123456789abcdef0')] });
  const rolling = () => Deployment.rolling({ batchPercent: 25, interval: Duration.minutes(5) });

  test.each([
    ['dataCapture is on a serverless endpoint', () => ({ compute: serverless(), dataCapture: { samplingPercent: 10 } }), 'props.dataCapture is not supported on serverless endpoints'],
    ['vpc is on a serverless endpoint', (s: Stack) => ({ compute: serverless(), vpc: vpc(s) }), 'props.vpc is not supported on serverless endpoints'],
    ['networkIsolation is on a serverless endpoint', () => ({ compute: serverless(), networkIsolation: true }), 'props.networkIsolation is not supported on serverless endpoints'],
    ['shadow is on a serverless endpoint', () => ({ compute: serverless(), shadow: { samplingPercent: 10 } }), 'props.shadow is not supported on serverless endpoints'],
    ['shadow is on an async endpoint', () => ({ compute: asyncCompute(), shadow: { samplingPercent: 10 } }), 'props.shadow is not supported on asynchronous endpoints'],
    ['rolling is on a serverless endpoint', () => ({ compute: serverless(), deployment: rolling() }), 'props.deployment Deployment.rolling is not supported on serverless endpoints'],
    ['canary has a shadow variant', () => ({ shadow: { samplingPercent: 10 }, deployment: Deployment.canary({ percent: 10, bakeTime: Duration.minutes(5) }) }),
      'props.deployment CANARY traffic shifting is not supported on endpoints with a shadow variant'],
    ['linear has a shadow variant', () => ({ shadow: { samplingPercent: 10 }, deployment: Deployment.linear({ stepPercent: 10, interval: Duration.minutes(5) }) }),
      'props.deployment LINEAR traffic shifting is not supported on endpoints with a shadow variant'],
    ['rolling has a shadow variant', () => ({ shadow: { samplingPercent: 10 }, deployment: rolling() }),
      'props.deployment ROLLING traffic shifting is not supported on endpoints with a shadow variant'],
  ])('fails when %s', (_name, props: (s: Stack) => Partial<ServingEndpointProps>, phrase) => {
    const e = errorOf(() => withEndpoint((s) => props(s)));
    expect(e.code).toBe(ErrorCode.UNSUPPORTED_COMBINATION);
    expect(e.message).toContain(phrase);
    expect(e.constructPath).toBe('TestStack/Endpoint');
  });

  test('allAtOnce with a shadow variant is fine', () => {
    expect(() => withEndpoint({ shadow: { samplingPercent: 10 }, deployment: Deployment.allAtOnce() })).not.toThrow();
  });
});

describe('fails on out-of-range props', () => {
  const inst = (o: Partial<Parameters<typeof Compute.instances>[0]>) => ({ compute: Compute.instances({ instanceType: 'ml.m5.large', ...o }) });
  const sls = (o: Partial<Parameters<typeof Compute.serverless>[0]>) => ({ compute: Compute.serverless({ memorySizeMb: 2048, maxConcurrency: 10, ...o }) });
  const five = Duration.minutes(5);

  // Ranges from the SageMaker API reference: ProductionVariantServerlessConfig, ProductionVariant,
  // TrafficRoutingConfig, CapacitySize, RollingUpdatePolicy, DataCaptureConfig, CreateEndpoint.
  test.each([
    ['serverless memory is 512 MB', sls({ memorySizeMb: 512 }), 'compute.memorySizeMb must be 1024, 2048, 3072, 4096, 5120 or 6144 MB for serverless endpoints', 'got 512'],
    ['serverless memory is 1500 MB', sls({ memorySizeMb: 1500 }), 'compute.memorySizeMb must be 1024, 2048, 3072, 4096, 5120 or 6144 MB', 'got 1500'],
    ['serverless memory is 7168 MB', sls({ memorySizeMb: 7168 }), 'compute.memorySizeMb must be 1024, 2048, 3072, 4096, 5120 or 6144 MB', 'got 7168'],
    ['serverless maxConcurrency is 0', sls({ maxConcurrency: 0 }), 'compute.maxConcurrency must be a whole number between 1 and 200 for serverless endpoints', 'got 0'],
    ['serverless maxConcurrency is 201', sls({ maxConcurrency: 201 }), 'compute.maxConcurrency must be a whole number between 1 and 200 for serverless endpoints', 'got 201'],
    ['provisionedConcurrency exceeds maxConcurrency', sls({ maxConcurrency: 5, provisionedConcurrency: 6 }),
      'compute.provisionedConcurrency must be between 1 and maxConcurrency (5) for serverless endpoints', 'got 6'],
    ['instanceType lacks the ml. prefix', inst({ instanceType: 'm5.large' }), 'compute.instanceType must be a SageMaker instance type such as ml.m5.large', 'got "m5.large"'],
    ['instances minCount is 0', inst({ minCount: 0 }), 'compute.minCount must be a whole number between 1 and 1000 for real-time instance endpoints', 'got 0'],
    ['maxCount is below minCount', inst({ minCount: 3, maxCount: 2 }), 'compute.maxCount must be at least minCount (3)', 'got 2'],
    ['async maxCount is 0', { compute: Compute.async({ instanceType: 'ml.m5.large', maxCount: 0 }) }, 'compute.maxCount must be a whole number between 1 and 1000 for asynchronous endpoints', 'got 0'],
    ['async maxCount is below minCount', { compute: Compute.async({ instanceType: 'ml.m5.large', minCount: 3, maxCount: 2 }) }, 'compute.maxCount must be at least minCount (3)', 'got 2'],
    ['canary percent is 0', { deployment: Deployment.canary({ percent: 0, bakeTime: five }) }, 'deployment.percent must be a whole number between 1 and 50 percent', 'got 0'],
    ['canary percent is 51', { deployment: Deployment.canary({ percent: 51, bakeTime: five }) }, 'deployment.percent must be a whole number between 1 and 50 percent', 'got 51'],
    ['linear stepPercent is 9', { deployment: Deployment.linear({ stepPercent: 9, interval: five }) }, 'deployment.stepPercent must be a whole number between 10 and 50 percent', 'got 9'],
    ['linear stepPercent is 51', { deployment: Deployment.linear({ stepPercent: 51, interval: five }) }, 'deployment.stepPercent must be a whole number between 10 and 50 percent', 'got 51'],
    ['rolling batchPercent is 4', { deployment: Deployment.rolling({ batchPercent: 4, interval: five }) }, 'deployment.batchPercent must be a whole number between 5 and 50 percent', 'got 4'],
    ['rolling batchPercent is 51', { deployment: Deployment.rolling({ batchPercent: 51, interval: five }) }, 'deployment.batchPercent must be a whole number between 5 and 50 percent', 'got 51'],
    ['allAtOnce bakeTime is over an hour', { deployment: Deployment.allAtOnce({ bakeTime: Duration.seconds(3601) }) }, 'deployment.bakeTime must be between 0 and 3600 seconds', 'got 3601'],
    ['canary bakeTime is over an hour', { deployment: Deployment.canary({ percent: 10, bakeTime: Duration.minutes(61) }) }, 'deployment.bakeTime must be between 0 and 3600 seconds', 'got 3660'],
    ['linear interval is over an hour', { deployment: Deployment.linear({ stepPercent: 10, interval: Duration.minutes(61) }) }, 'deployment.interval must be between 0 and 3600 seconds', 'got 3660'],
    ['rolling maxExecutionTime is under 600 s', { deployment: Deployment.rolling({ batchPercent: 10, interval: five, maxExecutionTime: Duration.seconds(599) }) },
      'deployment.maxExecutionTime must be between 600 and 28800 seconds', 'got 599'],
    ['rolling maxExecutionTime is over 8 h', { deployment: Deployment.rolling({ batchPercent: 10, interval: five, maxExecutionTime: Duration.seconds(28801) }) },
      'deployment.maxExecutionTime must be between 600 and 28800 seconds', 'got 28801'],
    ['dataCapture samplingPercent is 101', { dataCapture: { samplingPercent: 101 } }, 'props.dataCapture.samplingPercent must be a whole number between 0 and 100 percent', 'got 101'],
    ['shadow samplingPercent is 0', { shadow: { samplingPercent: 0 } }, 'props.shadow.samplingPercent must be a whole number between 1 and 100 percent', 'got 0'],
    ['rollbackAlarms errorRatePercent is 0', { rollbackAlarms: { errorRatePercent: 0 } }, 'props.rollbackAlarms.errorRatePercent must be above 0 and at most 100 percent', 'got 0'],
    ['endpointName has an underscore', { endpointName: 'fraud_scorer' }, 'props.endpointName must be 1-63 letters, digits and hyphens', 'got "fraud_scorer"'],
    ['endpointName is 64 characters', { endpointName: 'a'.repeat(64) }, 'props.endpointName must be 1-63 letters, digits and hyphens', `got "${'a'.repeat(64)}"`],
  ])('fails when %s', (_name, props: Partial<ServingEndpointProps>, phrase, got) => {
    const e = errorOf(() => withEndpoint(props));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toContain(phrase);
    expect(e.message).toContain(got);
    expect(e.constructPath).toBe('TestStack/Endpoint');
  });

  test.each([
    ['serverless memory', sls({ memorySizeMb: 6144, maxConcurrency: 200, provisionedConcurrency: 200 })],
    ['instance counts', inst({ minCount: 1000, maxCount: 1000 })],
    ['canary bounds', { deployment: Deployment.canary({ percent: 50, bakeTime: Duration.hours(1), terminationWait: Duration.hours(1) }) }],
    ['linear bounds', { deployment: Deployment.linear({ stepPercent: 50, interval: Duration.seconds(0) }) }],
    ['rolling bounds', { deployment: Deployment.rolling({ batchPercent: 5, interval: Duration.hours(1), maxExecutionTime: Duration.hours(8) }) }],
    ['63-character name', { endpointName: `a${'-'.repeat(61)}b` }],
  ])('accepts the edge of the range: %s', (_name, props: Partial<ServingEndpointProps>) => {
    expect(() => withEndpoint(props)).not.toThrow();
  });

  test('fails when InferenceImage.triton is used in an environment-agnostic stack', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    const e = errorOf(() => endpointIn(stack));
    expect(e.code).toBe(ErrorCode.REGION_UNRESOLVED);
    expect(e.message).toContain("InferenceImage.triton('24.09') needs a stack with a concrete region");
    expect(e.constructPath).toBe('Agnostic/Endpoint');
  });

  test('fails when the image family is not published in the stack region', () => {
    const region = allRegions().find((r) => r.partition === 'aws' && r.imageAccounts.triton === undefined)!.name;
    const app = new App();
    const stack = new Stack(app, 'Elsewhere', { env: { account: '111111111111', region } });
    const e = errorOf(() => endpointIn(stack));
    expect(e.code).toBe(ErrorCode.IMAGE_NOT_IN_REGION);
    expect(e.message).toContain(`SageMaker triton images are not published in ${region}`);
    expect(e.message).toContain('ap-east-1');
    expect(e.constructPath).toBe('Elsewhere/Endpoint');
  });
});

describe('ServingEndpoint under residency, CloudFormation validation and cdk-nag', () => {
  test('four endpoints (instances+capture+canary, serverless, async+notify+rolling, instances+shadow) synthesize clean under Boundary.HONG_KONG', () => {
    const result = validatedSynth((app) => {
      const stack = new Stack(app, 'Hk', { env: HK });
      const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'fraud' });
      const model = registry.addModel('V3', { path: FRAUD_MODEL, version: '3' });
      const image = InferenceImage.triton('24.09');
      new ServingEndpoint(stack, 'RealTime', {
        model, image, endpointName: 'fraud-realtime',
        compute: Compute.instances({ instanceType: 'ml.m5.large', minCount: 2, maxCount: 6 }),
        dataCapture: { samplingPercent: 20 },
        deployment: Deployment.canary({ percent: 10, bakeTime: Duration.minutes(10) }),
      });
      new ServingEndpoint(stack, 'Serverless', { model, image: InferenceImage.sklearn('1.2-1'), compute: Compute.serverless({ memorySizeMb: 2048, maxConcurrency: 20 }) });
      const topicKey = new kms.Key(stack, 'TopicKey', { enableKeyRotation: true });
      const topic = (id: string) => new sns.Topic(stack, id, { masterKey: topicKey, enforceSSL: true });
      new ServingEndpoint(stack, 'Batchy', {
        model, image,
        compute: Compute.async({ instanceType: 'ml.m5.large', maxCount: 3, notify: { success: topic('Done'), error: topic('Failed') } }),
        deployment: Deployment.rolling({ batchPercent: 25, interval: Duration.minutes(5) }),
      });
      new ServingEndpoint(stack, 'Shadowed', {
        model, image, compute: Compute.instances({ instanceType: 'ml.m5.large' }), shadow: { samplingPercent: 20 },
      });
      DataResidency.enforce(app, { boundary: Boundary.HONG_KONG, report: false });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    });
    expect(errorViolations(result)).toEqual([]);
    expect(result.error).toBeUndefined();
    const template = result.assembly!.getStackByName('Hk').template as { Resources: Record<string, { Type: string }> };
    expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::SageMaker::Endpoint')).toHaveLength(4);
  });
});
