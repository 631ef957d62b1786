import { ArnFormat, Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import * as z from 'zod';
import { DataClass } from '../../lib/residency/data-class';
import { checkedNumber } from '../../lib/validation';
import type { IModelArtifact } from './model-artifact';
import { OnnxModel } from './onnx-model';
import { CaptureDelivery } from './private/capture-delivery';
import { classifyData } from './private/classify';
import { buildOnnxAsset } from './private/onnx-asset';
import { secureBucket } from './private/secure-bucket';
import { isUnresolved, validateProps } from './private/validate';

/** Capture of a sampled share of inferences for drift monitoring. */
export interface OnnxCaptureOptions {
  /** Share of requests captured, 0-100. */
  readonly samplingPercent: number;
  /**
   * Bucket receiving capture records under `capture/<model>/<version>/YYYY/MM/DD/HH/`.
   * @default - a new KMS-encrypted, TLS-only bucket in the stack
   */
  readonly bucket?: s3.IBucket;
  /**
   * Key encrypting the log group, the delivery stream and a new capture bucket.
   * @default - a new key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * How long captured records are kept in a new capture bucket.
   * @default Duration.days(90)
   */
  readonly retention?: Duration;
}

/** Thresholds of the default alarms. */
export interface OnnxFunctionAlarmOptions {
  /**
   * Errors in 5 minutes that raise the errors alarm.
   * @default 5
   */
  readonly errorsThreshold?: number;
  /**
   * Throttles in 5 minutes that raise the throttles alarm.
   * @default 1
   */
  readonly throttlesThreshold?: number;
  /**
   * p99 duration over three 5-minute periods that raises the latency alarm.
   * @default - 80% of the timeout
   */
  readonly p99Duration?: Duration;
}

/** Properties of an {@link OnnxFunction}. */
export interface OnnxFunctionProps {
  /** The model: a registry artifact (`registry.addModel(...)`) or `OnnxModel.fromFile(path)`. */
  readonly model: IModelArtifact | OnnxModel;
  /**
   * Processor architecture; the asset carries onnxruntime for this one only.
   * @default lambda.Architecture.X86_64
   */
  readonly architecture?: lambda.Architecture;
  /**
   * Memory in MiB (Lambda gives one vCPU per 1,769 MiB; onnxruntime uses them all).
   * @default 2048
   */
  readonly memorySize?: number;
  /**
   * Timeout of one invocation.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Reserved concurrent executions.
   * @default - unreserved
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Provisioned concurrent executions on a `live` alias (the URL then points at the alias).
   * @default - none
   */
  readonly provisionedConcurrentExecutions?: number;
  /**
   * Create a Function URL.
   * @default true
   */
  readonly functionUrl?: boolean;
  /**
   * Authentication of the Function URL. `NONE` makes the model public: opt in deliberately.
   * @default lambda.FunctionUrlAuthType.AWS_IAM
   */
  readonly functionUrlAuthType?: lambda.FunctionUrlAuthType;
  /**
   * Capture of a sampled share of requests and responses.
   * @default - no capture
   */
  readonly capture?: OnnxCaptureOptions;
  /**
   * Largest request body accepted, in bytes.
   * @default 6291456 (6 MiB, the synchronous invocation limit)
   */
  readonly maxRequestBytes?: number;
  /**
   * Default alarms (errors, throttles, p99 duration), or `false` for none.
   * @default - alarms with the default thresholds
   */
  readonly alarms?: OnnxFunctionAlarmOptions | false;
  /**
   * Retention of the function's log group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

const propsSchema = z.object({
  memorySize: checkedNumber(isUnresolved, (v) => Number.isInteger(v) && v >= 512 && v <= 10240, 'must be a whole number of MiB between 512 and 10240 (onnxruntime needs at least 512)').default(2048),
  /** In seconds: the construct converts the Duration before validation. */
  timeout: checkedNumber(isUnresolved, (v) => v >= 1 && v <= 900, 'must be between 1 and 900 seconds').default(30),
  reservedConcurrentExecutions: checkedNumber(isUnresolved, (v) => Number.isInteger(v) && v >= 0, 'must be a whole number, 0 or more').optional(),
  provisionedConcurrentExecutions: checkedNumber(isUnresolved, (v) => Number.isInteger(v) && v >= 1, 'must be a whole number, 1 or more').optional(),
  maxRequestBytes: checkedNumber(isUnresolved, (v) => Number.isInteger(v) && v >= 1024 && v <= 6 * 1024 * 1024, 'must be between 1024 and 6291456 bytes (the Lambda payload limit)').default(6 * 1024 * 1024),
  capture: z.object({
    samplingPercent: checkedNumber(isUnresolved, (v) => v >= 0 && v <= 100, 'must be between 0 and 100'),
  }).loose().optional(),
}).loose();

/**
 * A Lambda function serving an ONNX model over the Open Inference Protocol (KServe V2):
 * `POST /v2/models/{name}/infer`, `GET /v2/models/{name}`, `GET /v2/health/ready`.
 *
 * The asset holds the handler bundled by esbuild and only the onnxruntime binaries of the
 * function's architecture. A registry model is downloaded at init and verified against
 * its SHA-256. The Function URL uses IAM auth unless you opt out. Optional capture sends
 * a sampled share of requests and responses to a KMS-encrypted bucket for drift checks.
 */
export class OnnxFunction extends Construct {
  /** The function. */
  public readonly function: lambda.Function;
  /** The function's log group (capture records included, when capture is on). */
  public readonly logGroup: logs.LogGroup;
  /** The Function URL, when created. */
  public readonly functionUrl?: lambda.FunctionUrl;
  /** The `live` alias, when provisioned concurrency is set. */
  public readonly alias?: lambda.Alias;
  /** The model served. */
  public readonly model: OnnxModel;
  /** The capture bucket, when capture is on. */
  public readonly captureBucket?: s3.IBucket;
  /** Prefix of capture records in the capture bucket. */
  public readonly capturePrefix?: string;
  /** The default alarms. */
  public readonly alarms: cloudwatch.Alarm[] = [];

  public constructor(scope: Construct, id: string, props: OnnxFunctionProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.seconds(30);
    const valid = validateProps(this, propsSchema, { ...props, timeout: timeout.toSeconds({ integral: false }) }, 'props');
    this.model = props.model instanceof OnnxModel ? props.model : OnnxModel.fromArtifact(props.model);
    const arch = props.architecture ?? lambda.Architecture.X86_64;

    const captureKey = props.capture ? props.capture.encryptionKey ?? this.captureKey() : undefined;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: captureKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `sovereign-ml ONNX function serving ${this.model.name} ${this.model.version}`,
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }));

    const environment: Record<string, string> = {
      MODEL_NAME: this.model.name,
      MODEL_VERSION: this.model.version,
      CAPTURE_SAMPLING_PERCENT: String(valid.capture?.samplingPercent ?? 0),
      MAX_REQUEST_BYTES: String(valid.maxRequestBytes),
      NODE_OPTIONS: '--enable-source-maps=false',
    };
    if (this.model.artifact) {
      environment.MODEL_S3_URI = this.model.artifact.s3Url;
      environment.MODEL_SHA256 = this.model.artifact.sha256;
      this.model.artifact.grantRead(role);
    } else {
      environment.MODEL_PATH = `model/${this.model.file!.fileName}`;
      environment.MODEL_SHA256 = this.model.file!.sha256;
    }

    this.function = new lambda.Function(this, 'Resource', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: arch,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(buildOnnxAsset({
        entry: 'lambda/onnx-inference/entry.mts',
        outputName: 'index.mjs',
        arch: arch === lambda.Architecture.ARM_64 ? 'arm64' : 'x64',
        modelFile: this.model.file?.absolutePath,
      })),
      role,
      logGroup: this.logGroup,
      memorySize: valid.memorySize,
      timeout,
      ephemeralStorageSize: ephemeralStorageFor(this.model.artifact),
      reservedConcurrentExecutions: valid.reservedConcurrentExecutions,
      environment,
      description: `sovereign-ml: ONNX model ${this.model.name} ${this.model.version} over the Open Inference Protocol`,
    });
    if (this.model.artifact && Construct.isConstruct(this.model.artifact)) {
      // The object must be in the registry before the first cold start reads it.
      this.function.node.addDependency(this.model.artifact);
    }

    if (valid.provisionedConcurrentExecutions !== undefined) {
      this.alias = new lambda.Alias(this, 'Live', {
        aliasName: 'live',
        version: this.function.currentVersion,
        provisionedConcurrentExecutions: valid.provisionedConcurrentExecutions,
      });
    }
    if (props.functionUrl ?? true) {
      this.functionUrl = (this.alias ?? this.function).addFunctionUrl({ authType: props.functionUrlAuthType ?? lambda.FunctionUrlAuthType.AWS_IAM });
    }

    if (props.capture) {
      this.capturePrefix = `capture/${this.model.name}/${this.model.version}/`;
      this.captureBucket = props.capture.bucket ?? secureBucket(this, 'CaptureBucket', {
        encryptionKey: captureKey!,
        removalPolicy: RemovalPolicy.RETAIN,
        expiration: props.capture.retention ?? Duration.days(90),
        serverAccessLogsPrefix: 'capture/',
      }).bucket;
      new CaptureDelivery(this, 'Capture', { logGroup: this.logGroup, bucket: this.captureBucket, encryptionKey: captureKey!, prefix: this.capturePrefix });
    }

    if (props.alarms !== false) this.createAlarms(props.alarms ?? {}, timeout);
    classifyData(this, DataClass.MODEL_ARTIFACT);
    if (props.capture) classifyData(this, DataClass.INFERENCE_PAYLOAD);
  }

  /** Grants permission to invoke the function through its URL (and directly). */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    const target = this.alias ?? this.function;
    const url = this.functionUrl ? target.grantInvokeUrl(grantee) : undefined;
    const direct = target.grantInvoke(grantee);
    return url ? url.combine(direct) : direct;
  }

  /** A metric of the function (of the `live` alias when provisioned concurrency is set). */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return (this.alias ?? this.function).metric(metricName, props);
  }

  /** Invocations, summed over 5 minutes. */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocations', { statistic: 'Sum', ...props });
  }

  /** Errors (init failures and 5xx answers that throw), summed over 5 minutes. */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Errors', { statistic: 'Sum', ...props });
  }

  /** Throttles, summed over 5 minutes. */
  public metricThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Throttles', { statistic: 'Sum', ...props });
  }

  /** Duration, p99 over 5 minutes. */
  public metricDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Duration', { statistic: 'p99', ...props });
  }

  private captureKey(): kms.Key {
    const key = new kms.Key(this, 'CaptureKey', {
      description: `sovereign-ml capture of ${this.model.name} ${this.model.version}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts the log group with the key.
    const stack = Stack.of(this);
    key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) } },
    }));
    return key;
  }

  private createAlarms(options: OnnxFunctionAlarmOptions, timeout: Duration): void {
    const p99 = options.p99Duration ?? Duration.millis(timeout.toMilliseconds() * 0.8);
    this.alarms.push(
      this.metricErrors({ period: Duration.minutes(5) }).createAlarm(this, 'ErrorsAlarm', {
        threshold: options.errorsThreshold ?? 5, evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${this.model.name} ${this.model.version}: function errors`,
      }),
      this.metricThrottles({ period: Duration.minutes(5) }).createAlarm(this, 'ThrottlesAlarm', {
        threshold: options.throttlesThreshold ?? 1, evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${this.model.name} ${this.model.version}: throttled invocations`,
      }),
      this.metricDuration({ period: Duration.minutes(5) }).createAlarm(this, 'LatencyAlarm', {
        threshold: p99.toMilliseconds(), evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${this.model.name} ${this.model.version}: p99 duration at or over ${p99.toMilliseconds()} ms`,
      }),
    );
  }
}

/** /tmp room for a model downloaded from S3: twice its size (the download and the session's mapping), at least 512 MiB. */
function ephemeralStorageFor(artifact: IModelArtifact | undefined): Size | undefined {
  const size = (artifact as { sizeBytes?: number } | undefined)?.sizeBytes;
  if (size === undefined) return undefined;
  return Size.mebibytes(Math.min(10240, Math.max(512, Math.ceil((2 * size) / 1024 ** 2) + 256)));
}
