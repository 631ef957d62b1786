import { ArnFormat, CfnResource, Duration, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { DataClass } from '../../lib/residency/data-class';
import { AsyncCompute, InstanceCompute, ServerlessCompute, type Compute } from './compute';
import { BlueGreenDeployment, Deployment, RollingDeployment } from './deployment';
import type { InferenceImage } from './inference-image';
import type { IModelArtifact } from './model-artifact';
import { classifyData } from './private/classify';
import { deploymentConfig } from './private/endpoint-deployment';
import { scaleOnBacklog, scaleOnInvocations } from './private/endpoint-scaling';
import { secureBucket } from './private/secure-bucket';
import {
  asyncSchema, blueGreenSchema, endpointSchema, instancesSchema, rollingSchema, serverlessSchema,
  type AsyncOptions, type BlueGreenOptions, type EndpointOptions, type InstancesOptions, type RollingUpdateOptions, type ServerlessOptions,
} from './private/serving-schema';
import { ErrorCode, fail, validateProps } from './private/validate';

/** Data capture of endpoint requests and responses. */
export interface EndpointDataCaptureOptions {
  /** Share of requests captured, 0-100. */
  readonly samplingPercent: number;
  /**
   * Content types captured as CSV text.
   * @default ['text/csv']
   */
  readonly csvContentTypes?: string[];
  /**
   * Content types captured as JSON text.
   * @default ['application/json']
   */
  readonly jsonContentTypes?: string[];
}

/** A shadow variant: receives a copy of a share of requests; its answers are not returned. */
export interface ShadowVariantOptions {
  /** Share of requests copied to the shadow, 1-100. */
  readonly samplingPercent: number;
  /**
   * The shadow's model.
   * @default - the production model
   */
  readonly model?: IModelArtifact;
  /**
   * The shadow's image.
   * @default - the production image
   */
  readonly image?: InferenceImage;
}

/** Thresholds of the alarms that roll a deployment back. */
export interface RollbackAlarmOptions {
  /**
   * 5xx errors as a share of invocations, over one minute, that trips rollback.
   * @default 1
   */
  readonly errorRatePercent?: number;
  /**
   * p99 model latency in milliseconds, over one minute, that trips rollback.
   * @default 1000
   */
  readonly p99LatencyMs?: number;
}

/** Properties of a {@link ServingEndpoint}. */
export interface ServingEndpointProps {
  /** The model, from the registry. */
  readonly model: IModelArtifact;
  /** The container image. */
  readonly image: InferenceImage;
  /** Instances, serverless, or asynchronous. */
  readonly compute: Compute;
  /**
   * How updates move traffic, with automatic rollback on the endpoint's alarms.
   * @default Deployment.allAtOnce() (blue/green, 10 minutes baking) for instance and async endpoints; none for serverless
   */
  readonly deployment?: Deployment;
  /**
   * Capture of requests and responses into the capture bucket.
   * @default - no capture
   */
  readonly dataCapture?: EndpointDataCaptureOptions;
  /**
   * A shadow variant (instance endpoints only).
   * @default - none
   */
  readonly shadow?: ShadowVariantOptions;
  /**
   * Endpoint name. Fixed so that the rollback alarms can name the endpoint.
   * @default - a name unique in the account, derived from the construct path
   */
  readonly endpointName?: string;
  /**
   * Thresholds of the rollback alarms the construct creates.
   * @default - 1% 5xx errors, p99 model latency 1000 ms
   */
  readonly rollbackAlarms?: RollbackAlarmOptions;
  /**
   * More alarms that roll a deployment back.
   * @default - only the construct's own
   */
  readonly extraRollbackAlarms?: cloudwatch.IAlarm[];
  /**
   * Bucket for captured data and asynchronous outputs.
   * @default - a new KMS-encrypted, TLS-only bucket in the stack
   */
  readonly captureBucket?: s3.IBucket;
  /**
   * Key for the capture bucket, async outputs and instance volumes.
   * @default - a new key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * VPC the model containers run in (not for serverless).
   * @default - no VPC
   */
  readonly vpc?: { readonly subnets: ec2.ISubnet[]; readonly securityGroups: ec2.ISecurityGroup[] };
  /**
   * Network isolation: the container makes no outbound calls (not for serverless).
   * @default false
   */
  readonly networkIsolation?: boolean;
}

const VARIANT = 'AllTraffic';
const SHADOW_VARIANT = 'Shadow';

/**
 * A SageMaker endpoint serving a registered model: real-time instances, serverless or
 * asynchronous; data capture; blue/green (all at once, canary, linear) or rolling
 * deployment with automatic rollback on alarms the construct creates; shadow variants;
 * autoscaling; least-privilege execution role; and a new endpoint config name on every
 * change, so an update never deletes the config a rollback returns to.
 */
export class ServingEndpoint extends Construct {
  /** The endpoint name. */
  public readonly endpointName: string;
  /** ARN of the endpoint. */
  public readonly endpointArn: string;
  /** The execution role of the model containers. */
  public readonly role: iam.Role;
  /** The SageMaker model. */
  public readonly cfnModel: sagemaker.CfnModel;
  /** The endpoint configuration. */
  public readonly endpointConfig: sagemaker.CfnEndpointConfig;
  /** The endpoint. */
  public readonly endpoint: sagemaker.CfnEndpoint;
  /** The alarms that roll deployments back. */
  public readonly rollbackAlarms: cloudwatch.Alarm[] = [];
  /** Bucket of captured data and async outputs, when either is used. */
  public readonly captureBucket?: s3.IBucket;
  /** `s3://` prefix of captured data, when capture is on. */
  public readonly captureS3Uri?: string;
  /** The scalable target, when the endpoint scales. */
  public readonly scalableTarget?: appscaling.ScalableTarget;
  /** The compute mode. */
  public readonly computeMode: Compute['mode'];
  /** Prefix in the capture bucket where asynchronous requests' input objects go. */
  public get asyncInputPrefix(): string {
    return `async/${this.endpointName}/input/`;
  }
  private readonly model: IModelArtifact;

  public constructor(scope: Construct, id: string, props: ServingEndpointProps) {
    super(scope, id);
    const compute = props.compute;
    this.computeMode = compute.mode;
    this.model = props.model;
    const valid = validateProps(this, endpointSchema, props, 'props');
    this.checkCombinations(props);
    const computeOptions = this.validateCompute(compute);
    const deployment = props.deployment ?? (compute.mode === 'serverless' ? undefined : Deployment.allAtOnce());
    const deploymentOptions = deployment ? this.validateDeployment(deployment) : undefined;

    this.endpointName = valid.endpointName ?? Names.uniqueResourceName(this, { maxLength: 63, separator: '-' }).replace(/[^a-zA-Z0-9-]/g, '');
    const stack = Stack.of(this);
    this.endpointArn = stack.formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: this.endpointName.toLowerCase() });

    const needsBucket = props.dataCapture !== undefined || compute.mode === 'async';
    const key = props.encryptionKey ?? (needsBucket || compute.mode !== 'serverless' ? new kms.Key(this, 'Key', {
      description: `sovereign-ml endpoint ${this.endpointName}: capture, async outputs, volumes`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    }) : undefined);
    if (needsBucket) {
      this.captureBucket = props.captureBucket ?? secureBucket(this, 'CaptureBucket', {
        encryptionKey: key!, removalPolicy: RemovalPolicy.RETAIN, expiration: Duration.days(90), serverAccessLogsPrefix: 'endpoint-capture/',
      }).bucket;
    }

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `sovereign-ml endpoint ${this.endpointName}: pull its image, read its model, write its logs and metrics`,
    });
    this.grantRuntimeBasics(key);

    const bound = props.image.bind(this, this.role);
    props.model.grantRead(this.role);
    this.cfnModel = this.createModel('Model', bound.imageUri, props.model, props);
    let shadowModel: sagemaker.CfnModel | undefined;
    if (props.shadow) {
      const shadowImage = props.shadow.image ? props.shadow.image.bind(this, this.role).imageUri : bound.imageUri;
      const shadowArtifact = props.shadow.model ?? props.model;
      if (shadowArtifact !== props.model) shadowArtifact.grantRead(this.role);
      shadowModel = this.createModel('ShadowModel', shadowImage, shadowArtifact, props);
    }

    this.endpointConfig = new sagemaker.CfnEndpointConfig(this, 'Config', {
      // No name: CloudFormation generates one per change, so an update creates a new config
      // and leaves the previous one for a rollback.
      productionVariants: [this.productionVariant(compute, computeOptions)],
      shadowProductionVariants: shadowModel ? [{
        variantName: SHADOW_VARIANT,
        modelName: shadowModel.attrModelName,
        instanceType: (computeOptions as { instanceType: string }).instanceType,
        initialInstanceCount: 1,
        initialVariantWeight: valid.shadow!.samplingPercent / 100,
      }] : undefined,
      kmsKeyId: key && compute.mode !== 'serverless' && !hasInstanceStorage((computeOptions as { instanceType?: string }).instanceType) ? key.keyArn : undefined,
      dataCaptureConfig: props.dataCapture ? this.dataCaptureConfig(valid.dataCapture!, key) : undefined,
      asyncInferenceConfig: compute instanceof AsyncCompute ? this.asyncConfig(compute, key) : undefined,
    });
    this.endpointConfig.node.addDependency(this.role);

    if (deployment && deploymentOptions) this.createRollbackAlarms(valid.rollbackAlarms, compute.mode);
    this.endpoint = new sagemaker.CfnEndpoint(this, 'Resource', {
      endpointName: this.endpointName,
      endpointConfigName: this.endpointConfig.attrEndpointConfigName,
      // Keep autoscaled instance counts across config updates (aws-cdk#23151).
      retainAllVariantProperties: true,
      deploymentConfig: deployment && deploymentOptions ? deploymentConfig(deployment, deploymentOptions, [...this.rollbackAlarms, ...(props.extraRollbackAlarms ?? [])]) : undefined,
    });

    if (compute instanceof InstanceCompute) this.scalableTarget = scaleOnInvocations(this, this.endpoint, this.endpointName, VARIANT, computeOptions as InstancesOptions);
    if (compute instanceof AsyncCompute) this.scalableTarget = scaleOnBacklog(this, this.endpoint, this.endpointName, VARIANT, computeOptions as AsyncOptions);

    this.acknowledgeRoleWildcards(compute.mode);
    classifyData(this, DataClass.MODEL_ARTIFACT);
    if (needsBucket) classifyData(this, DataClass.INFERENCE_PAYLOAD);
  }

  /** Lets `grantee` invoke the endpoint (real-time and asynchronous). */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync'], resourceArns: [this.endpointArn] });
  }

  /** A metric of the endpoint's production variant in `AWS/SageMaker`. */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/SageMaker',
      metricName,
      dimensionsMap: { EndpointName: this.endpointName, VariantName: VARIANT },
      period: Duration.minutes(1),
      ...props,
    });
  }

  /** Invocations, summed. */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocations', { statistic: 'Sum', ...props });
  }

  /**
   * Model latency in **milliseconds**. SageMaker reports `ModelLatency` in microseconds;
   * this is the metric divided by 1000, p99 unless a statistic is given.
   */
  public metricModelLatency(props?: cloudwatch.MetricOptions): cloudwatch.MathExpression {
    return microsToMillis('model', this.metric('ModelLatency', { statistic: 'p99', ...props }), 'ModelLatency (ms)');
  }

  /** Overhead latency in **milliseconds** (SageMaker reports microseconds). */
  public metricOverheadLatency(props?: cloudwatch.MetricOptions): cloudwatch.MathExpression {
    return microsToMillis('overhead', this.metric('OverheadLatency', { statistic: 'p99', ...props }), 'OverheadLatency (ms)');
  }

  /** 4xx errors, summed. */
  public metricInvocation4xxErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocation4XXErrors', { statistic: 'Sum', ...props });
  }

  /** 5xx errors, summed. */
  public metricInvocation5xxErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocation5XXErrors', { statistic: 'Sum', ...props });
  }

  /** CPU utilization of the instances (`/aws/sagemaker/Endpoints`, percent per core summed). */
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: '/aws/sagemaker/Endpoints',
      metricName: 'CPUUtilization',
      dimensionsMap: { EndpointName: this.endpointName, VariantName: VARIANT },
      period: Duration.minutes(1),
      statistic: 'Average',
      ...props,
    });
  }

  private checkCombinations(props: ServingEndpointProps): void {
    const mode = props.compute.mode;
    const unsupported = (what: string, fix: string) => fail(this, ErrorCode.UNSUPPORTED_COMBINATION, `${what} ${fix}`);
    if (mode === 'serverless') {
      if (props.dataCapture) unsupported('props.dataCapture is not supported on serverless endpoints (compute is Compute.serverless);', 'remove dataCapture or use Compute.instances');
      if (props.vpc) unsupported('props.vpc is not supported on serverless endpoints;', 'remove vpc or use Compute.instances');
      if (props.networkIsolation) unsupported('props.networkIsolation is not supported on serverless endpoints;', 'remove networkIsolation or use Compute.instances');
      if (props.shadow) unsupported('props.shadow is not supported on serverless endpoints;', 'use Compute.instances for shadow testing');
      if (props.deployment instanceof RollingDeployment) unsupported('props.deployment Deployment.rolling is not supported on serverless endpoints;', 'use Deployment.allAtOnce, canary or linear');
    }
    if (mode === 'async' && props.shadow) unsupported('props.shadow is not supported on asynchronous endpoints;', 'use Compute.instances for shadow testing');
    if (props.shadow && props.deployment?.isGuardrail) {
      unsupported(`props.deployment ${props.deployment.mode} traffic shifting is not supported on endpoints with a shadow variant (multi-variant endpoints);`, 'use Deployment.allAtOnce, or remove the shadow');
    }
  }

  private validateCompute(compute: Compute): InstancesOptions | ServerlessOptions | AsyncOptions {
    if (compute instanceof InstanceCompute) return validateProps(this, instancesSchema, compute.options, 'compute');
    if (compute instanceof ServerlessCompute) return validateProps(this, serverlessSchema, compute.options, 'compute');
    return validateProps(this, asyncSchema, (compute as AsyncCompute).options, 'compute');
  }

  private validateDeployment(deployment: Deployment): BlueGreenOptions | RollingUpdateOptions {
    const secs = (d?: Duration) => d?.toSeconds({ integral: false });
    if (deployment instanceof RollingDeployment) {
      const o = deployment.options;
      return validateProps(this, rollingSchema, { ...o, interval: secs(o.interval), maxExecutionTime: secs(o.maxExecutionTime) }, 'deployment');
    }
    const o = (deployment as BlueGreenDeployment).options;
    return validateProps(this, blueGreenSchema, {
      mode: deployment.mode, percent: o.percent, stepPercent: o.stepPercent,
      bakeTime: secs(o.bakeTime ?? (deployment.mode === 'ALL_AT_ONCE' ? Duration.minutes(10) : undefined)),
      interval: secs(o.interval), terminationWait: secs(o.terminationWait),
    }, 'deployment');
  }

  /**
   * The execution role's wildcards, each one forced by the service. Acknowledged by their
   * exact cdk-nag finding ids, so a new wildcard still fails the check.
   */
  private acknowledgeRoleWildcards(mode: Compute['mode']): void {
    const stack = Stack.of(this);
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const acks = [
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'ecr:GetAuthorizationToken and cloudwatch:PutMetricData (scoped by a namespace condition) have no resource-level permissions; ENI actions for a VPC neither' },
      { id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${region}:${account}:log-group:/aws/sagemaker/Endpoints/${this.endpointName}:*]`, reason: 'SageMaker writes one log stream per instance with generated names, all in this endpoint\'s own log group' },
    ];
    const bucket = this.captureBucket?.node.defaultChild;
    if (CfnResource.isCfnResource(bucket)) {
      const arn = `<${stack.getLogicalId(bucket)}.Arn>`;
      const prefixes = mode === 'async' ? [`async/${this.endpointName}/output`, `async/${this.endpointName}/failure`, `async/${this.endpointName}/input`] : [];
      if (this.captureS3Uri) prefixes.push(`endpoint-capture/${this.endpointName}`);
      for (const prefix of prefixes) {
        acks.push({ id: `AwsSolutions-IAM5[Resource::${arn}/${prefix}/*]`, reason: 'SageMaker writes objects with generated names under this endpoint\'s own prefix' });
      }
    }
    Validations.of(this.role).acknowledge(...acks);
  }

  private grantRuntimeBasics(key: kms.IKey | undefined): void {
    const stack = Stack.of(this);
    this.role.addToPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/sagemaker/Endpoints/${this.endpointName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
    }));
    // PutMetricData has no resource-level permissions; the namespace condition scopes it.
    this.role.addToPolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'], resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': ['/aws/sagemaker/Endpoints', 'AWS/SageMaker'] } },
    }));
    if (key) key.grant(this.role, 'kms:GenerateDataKey', 'kms:Decrypt', 'kms:CreateGrant');
  }

  private createModel(id: string, imageUri: string, artifact: IModelArtifact, props: ServingEndpointProps): sagemaker.CfnModel {
    const model = new sagemaker.CfnModel(this, id, {
      executionRoleArn: this.role.roleArn,
      primaryContainer: {
        image: imageUri,
        // The registry stores the file itself, not a tarball: SageMaker copies the object as is.
        modelDataSource: { s3DataSource: { s3Uri: artifact.s3Url, s3DataType: 'S3Object', compressionType: 'None' } },
        environment: { SOVEREIGN_ML_MODEL_SHA256: artifact.sha256, SOVEREIGN_ML_MODEL_VERSION: artifact.version },
      },
      enableNetworkIsolation: props.networkIsolation || undefined,
      vpcConfig: props.vpc ? { subnets: props.vpc.subnets.map((s) => s.subnetId), securityGroupIds: props.vpc.securityGroups.map((g) => g.securityGroupId) } : undefined,
    });
    model.node.addDependency(this.role);
    if (Construct.isConstruct(artifact)) model.node.addDependency(artifact);
    if (props.vpc) {
      // ENI management has no resource-level permissions for these actions.
      this.role.addToPolicy(new iam.PolicyStatement({
        actions: ['ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission',
          'ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs', 'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups'],
        resources: ['*'],
      }));
    }
    return model;
  }

  private productionVariant(compute: Compute, options: InstancesOptions | ServerlessOptions | AsyncOptions): sagemaker.CfnEndpointConfig.ProductionVariantProperty {
    if (compute instanceof ServerlessCompute) {
      const o = options as ServerlessOptions;
      return {
        variantName: VARIANT, modelName: this.cfnModel.attrModelName, initialVariantWeight: 1,
        serverlessConfig: { memorySizeInMb: o.memorySizeMb, maxConcurrency: o.maxConcurrency, provisionedConcurrency: o.provisionedConcurrency },
      };
    }
    const o = options as InstancesOptions | AsyncOptions;
    return {
      variantName: VARIANT, modelName: this.cfnModel.attrModelName, initialVariantWeight: 1,
      instanceType: o.instanceType,
      // Async endpoints start at one instance and scale to zero on an empty queue.
      initialInstanceCount: Math.max(1, o.minCount),
    };
  }

  private dataCaptureConfig(capture: NonNullable<EndpointOptions['dataCapture']>, key: kms.IKey | undefined): sagemaker.CfnEndpointConfig.DataCaptureConfigProperty {
    const prefix = `endpoint-capture/${this.endpointName}`;
    (this as { captureS3Uri?: string }).captureS3Uri = `s3://${this.captureBucket!.bucketName}/${prefix}`;
    this.grantBucketWrite(prefix);
    return {
      enableCapture: true,
      initialSamplingPercentage: capture.samplingPercent,
      destinationS3Uri: this.captureS3Uri!,
      kmsKeyId: key?.keyArn,
      captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
      captureContentTypeHeader: { csvContentTypes: capture.csvContentTypes ?? ['text/csv'], jsonContentTypes: capture.jsonContentTypes ?? ['application/json'] },
    };
  }

  private asyncConfig(compute: AsyncCompute, key: kms.IKey | undefined): sagemaker.CfnEndpointConfig.AsyncInferenceConfigProperty {
    const out = `async/${this.endpointName}/output`;
    const failed = `async/${this.endpointName}/failure`;
    this.grantBucketWrite(out);
    this.grantBucketWrite(failed);
    // SageMaker reads each request's input object with the execution role: callers put
    // inputs under this prefix (InvokeEndpointAsync InputLocation).
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.captureBucket!.arnForObjects(`${this.asyncInputPrefix}*`)] }));
    const notify = compute.options.notify;
    for (const topic of [notify?.success, notify?.error]) {
      if (!topic) continue;
      this.role.addToPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
      // An SSE topic needs a data key to publish: the two exact actions, not grantPublish's
      // `kms:GenerateDataKey*` wildcard (which cdk-nag AwsSolutions-IAM5 rejects).
      topic.masterKey?.grant(this.role, 'kms:GenerateDataKey', 'kms:Decrypt');
    }
    return {
      clientConfig: compute.options.maxConcurrentInvocationsPerInstance ? { maxConcurrentInvocationsPerInstance: compute.options.maxConcurrentInvocationsPerInstance } : undefined,
      outputConfig: {
        s3OutputPath: `s3://${this.captureBucket!.bucketName}/${out}`,
        s3FailurePath: `s3://${this.captureBucket!.bucketName}/${failed}`,
        kmsKeyId: key?.keyArn,
        notificationConfig: notify?.success || notify?.error ? {
          successTopic: notify.success?.topicArn, errorTopic: notify.error?.topicArn, includeInferenceResponseIn: ['SUCCESS_NOTIFICATION_TOPIC', 'ERROR_NOTIFICATION_TOPIC'],
        } : undefined,
      },
    };
  }

  private grantBucketWrite(prefix: string): void {
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.captureBucket!.arnForObjects(`${prefix}/*`)] }));
  }

  private createRollbackAlarms(thresholds: EndpointOptions['rollbackAlarms'], mode: Compute['mode']): void {
    const errorRate = new cloudwatch.MathExpression({
      expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
      usingMetrics: { errors: this.metricInvocation5xxErrors(), invocations: this.metricInvocations() },
      period: Duration.minutes(1),
      label: '5xx error rate (%)',
    });
    this.rollbackAlarms.push(errorRate.createAlarm(this, 'ErrorRateAlarm', {
      alarmName: `${this.endpointName}-5xx-rate`,
      threshold: thresholds.errorRatePercent, evaluationPeriods: 2, datapointsToAlarm: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${this.endpointName}: 5xx errors at or over ${thresholds.errorRatePercent}% of invocations; rolls a deployment back`,
    }));
    if (mode !== 'async') {
      this.rollbackAlarms.push(this.metricModelLatency().createAlarm(this, 'LatencyAlarm', {
        alarmName: `${this.endpointName}-p99-latency`,
        threshold: thresholds.p99LatencyMs, evaluationPeriods: 2, datapointsToAlarm: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${this.endpointName}: p99 model latency at or over ${thresholds.p99LatencyMs} ms; rolls a deployment back`,
      }));
    }
  }



  /** The model artifact served. */
  public get modelArtifact(): IModelArtifact {
    return this.model;
  }
}

/**
 * Instance types with local NVMe instance storage, where SageMaker refuses a volume KMS key
 * (the storage is hardware-encrypted).
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/host-instance-storage.html
 */
function hasInstanceStorage(instanceType: string | undefined): boolean {
  if (instanceType === undefined) return false;
  const family = instanceType.split('.')[1] ?? '';
  return /^[a-z]+\d+[a-z]*d[a-z]*$/.test(family) || ['g5', 'g6', 'g6e', 'gr6', 'p5', 'p5e', 'p5en', 'trn1', 'trn1n', 'trn2'].includes(family);
}

/** `metric / 1000`; the id carries the statistic so p50 and p99 can share a graph. */
function microsToMillis(base: string, metric: cloudwatch.Metric, label: string): cloudwatch.MathExpression {
  const id = `${base}_${(metric.statistic ?? 'avg').toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
  return new cloudwatch.MathExpression({ expression: `${id} / 1000`, usingMetrics: { [id]: metric }, label: `${label} ${metric.statistic ?? ''}`.trim(), period: metric.period });
}
