import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import * as z from 'zod';
import { SovereignMlError } from '../../lib/errors';
import { baselineFromModelMonitorStatistics, readBaselineFile, selectMethod, type BaselineDocument, type DriftMethod } from '../../lib/drift';
import { DataClass } from '../../lib/residency/data-class';
import { checkedNumber } from '../../lib/validation';
import type { DriftSource, DriftSourceConfig } from './drift-source';
import { classifyData } from './private/classify';
import { buildDriftAsset } from './private/drift-asset';
import { ErrorCode, fail, isUnresolved, validateProps } from './private/validate';
import type { IDriftDashboardSource } from './serving-dashboard';

/** Namespace of the drift job's metrics. */
export const DRIFT_METRICS_NAMESPACE = 'SovereignML/Drift';
/** The `feature` dimension of dataset-level drift metrics. */
export const DATASET_FEATURE = '__dataset__';
/** Key prefix of drift reports in the capture bucket. */
const REPORT_PREFIX = 'drift-reports/';

/**
 * The reference distribution drift is measured against: a `sovereign-ml.baseline` document
 * (built with `sovereign-ml baseline` or `BaselineBuilder`), shipped beside the drift job.
 */
export class Baseline {
  /**
   * A baseline file, read and validated now.
   * @param file path of the file, relative to the working directory
   * @throws SovereignMlError INVALID_PROPS naming the file when it is unreadable or invalid
   */
  public static fromFile(file: string): Baseline {
    const absolute = path.resolve(file);
    return new Baseline(absolute, readBaselineFile(absolute));
  }

  /**
   * An existing SageMaker Model Monitor `statistics.json` (KLL buckets), converted now. PSI
   * and chi-square use its buckets exactly; KS and Wasserstein use a sample rebuilt from
   * the KLL sketch, an approximation.
   * @throws SovereignMlError INVALID_PROPS naming the file and the bad field
   */
  public static fromModelMonitorStatistics(file: string): Baseline {
    const absolute = path.resolve(file);
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(absolute, 'utf8'));
    } catch (cause) {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `Model Monitor statistics ${absolute} cannot be read as JSON: ${(cause as Error).message}`, { cause });
    }
    const doc = baselineFromModelMonitorStatistics(json, { source: absolute });
    const text = `${JSON.stringify(doc)}\n`;
    const converted = path.join(os.tmpdir(), 'sovereign-ml-baselines', `${createHash('sha256').update(text).digest('hex').slice(0, 24)}.json`);
    fs.mkdirSync(path.dirname(converted), { recursive: true });
    fs.writeFileSync(converted, text);
    return new Baseline(converted, doc);
  }

  /** Names of the features, in baseline order (the model output is not one of them). */
  public readonly featureNames: readonly string[];

  private constructor(
    /** Absolute path of the baseline file. */
    public readonly file: string,
    private readonly document: BaselineDocument,
  ) {
    this.featureNames = document.features.map((f) => f.name);
  }

  /** The method and threshold a feature (or the output) gets under a policy, if the baseline has it. */
  public methodOf(feature: string, policy: DriftPolicyOptions = {}): { method: DriftMethod; threshold: number } | undefined {
    const f = this.document.features.find((x) => x.name === feature) ?? (this.document.output?.name === feature ? this.document.output : undefined);
    return f ? selectMethod(f, policy) : undefined;
  }
}

/** A drift statistic and its threshold for one feature. */
export interface FeatureDriftPolicy {
  /**
   * The statistic.
   * @default - KS for numeric features (Wasserstein over 1,000 reference rows), chi-square for categorical ones (Jensen-Shannon over 1,000)
   */
  readonly method?: DriftMethod;
  /**
   * Drift when the p-value is below it (`ks`, `chi-square`) or the score at or above it (the others).
   * @default - 0.05 for the tests, 0.1 for the distances, 0.2 for PSI
   */
  readonly threshold?: number;
}

/** How the drift job judges drift. */
export interface DriftPolicyOptions {
  /**
   * Fewest records a window needs for a verdict; fewer gives `InsufficientData` = 1.
   * @default 100
   */
  readonly minRecords?: number;
  /**
   * Share of drifted features at which the dataset drifts, above 0 and at most 1.
   * @default 0.5
   */
  readonly datasetDriftShare?: number;
  /**
   * Per-feature overrides, keyed by baseline feature name.
   * @default - the default method and threshold of each feature
   */
  readonly features?: Readonly<Record<string, FeatureDriftPolicy>>;
}

/** What the drift job does when the dataset drifts, besides the alarm. */
export abstract class OnDrift {
  /** Starts a SageMaker pipeline (a retraining pipeline, say) in the monitor's account and region. */
  public static startPipeline(pipelineName: string): OnDrift {
    return new (class extends OnDrift {
      public bind(scope: Construct, role: iam.IRole): Record<string, string> {
        const arn = Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: pipelineName.toLowerCase() });
        role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:StartPipelineExecution'], resources: [arn] }));
        return { ON_DRIFT_PIPELINE_NAME: pipelineName };
      }
    })();
  }

  /**
   * Puts a `sovereign-ml.drift` event with the report's summary on an event bus.
   * @param eventBus the bus
   * @default eventBus - the account's default event bus
   */
  public static putEvent(eventBus?: events.IEventBus): OnDrift {
    return new (class extends OnDrift {
      public bind(scope: Construct, role: iam.IRole): Record<string, string> {
        const bus = eventBus ?? events.EventBus.fromEventBusName(scope, 'DefaultEventBus', 'default');
        bus.grantPutEventsTo(role);
        return { ON_DRIFT_EVENT_BUS: bus.eventBusArn };
      }
    })();
  }

  /** Grants `role` the action and returns the job's environment variables. */
  public abstract bind(scope: Construct, role: iam.IRole): Record<string, string>;
}

/** Properties of a {@link DriftMonitor}. */
export interface DriftMonitorProps {
  /** The captured inferences to watch: `DriftSource.endpoint(e)` or `DriftSource.onnxFunction(f)`. */
  readonly source: DriftSource;
  /** The reference distribution: `Baseline.fromFile(path)`. */
  readonly baseline: Baseline;
  /**
   * How often the job runs, in whole minutes from 5 minutes to 1 day; each run analyses the
   * window of that length before it (widened to whole hours of capture).
   * @default Duration.hours(1)
   */
  readonly schedule?: Duration;
  /**
   * How drift is judged.
   * @default - the defaults of `DriftPolicyOptions`
   */
  readonly policy?: DriftPolicyOptions;
  /**
   * An alarm per feature on its `Drifted` metric, besides the dataset alarms.
   * @default false
   */
  readonly featureAlarms?: boolean;
  /**
   * Topic the alarms notify.
   * @default - a new topic encrypted with the monitor's key, TLS-only
   */
  readonly topic?: sns.ITopic;
  /**
   * Action of the job when the dataset drifts.
   * @default - none (the alarm only)
   */
  readonly onDrift?: OnDrift;
}

const thresholdSchema = checkedNumber(isUnresolved, (v) => Number.isFinite(v) && v > 0, 'must be above 0');
const propsSchema = z.object({
  /** In minutes: the construct converts the Duration before validation. */
  schedule: checkedNumber(isUnresolved, (v) => Number.isInteger(v) && v >= 5 && v <= 1440, 'must be a whole number of minutes from 5 to 1440 (1 day)'),
  policy: z.strictObject({
    minRecords: checkedNumber(isUnresolved, (v) => Number.isInteger(v) && v >= 1, 'must be a whole number, 1 or more').optional(),
    datasetDriftShare: checkedNumber(isUnresolved, (v) => v > 0 && v <= 1, 'must be above 0 and at most 1').optional(),
    features: z.record(z.string(), z.strictObject({
      method: z.enum(['ks', 'wasserstein', 'chi-square', 'jensen-shannon', 'psi']).optional(),
      threshold: thresholdSchema.optional(),
    })).optional(),
  }).optional(),
}).loose();

/**
 * A scheduled drift check of captured inferences against a baseline.
 *
 * An EventBridge Scheduler schedule invokes a Lambda job that reads the capture objects of
 * the last window, compares each feature with the baseline, writes a JSON report under
 * `drift-reports/<model>/` in the capture bucket and prints the verdicts as CloudWatch
 * embedded metrics (namespace `SovereignML/Drift`, dimensions `model` and `feature`).
 * Alarms on dataset drift and on windows without enough data notify a topic.
 */
export class DriftMonitor extends Construct implements IDriftDashboardSource {
  /** The drift job. */
  public readonly function: lambda.Function;
  /** The job's role. */
  public readonly role: iam.Role;
  /** The job's log group (the metrics are extracted from it). */
  public readonly logGroup: logs.LogGroup;
  /** The schedule running the job. */
  public readonly schedule: scheduler.CfnSchedule;
  /** Queue of schedule invocations that failed after their retries. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The topic the alarms notify. */
  public readonly topic: sns.ITopic;
  /** Dataset drift alarm (`Drifted` of `__dataset__` at 1). */
  public readonly driftAlarm: cloudwatch.Alarm;
  /** Alarm on windows with too few records, or no verdict at all. */
  public readonly insufficientDataAlarm: cloudwatch.Alarm;
  /** Per-feature alarms, when `featureAlarms` is set. */
  public readonly featureAlarms: cloudwatch.Alarm[] = [];
  /** Name of the model in the metrics' `model` dimension. */
  public readonly modelName: string;

  private readonly period: Duration;
  private readonly baseline: Baseline;

  public constructor(scope: Construct, id: string, props: DriftMonitorProps) {
    super(scope, id);
    const schedule = props.schedule ?? Duration.hours(1);
    const minutes = schedule.toSeconds({ integral: false }) / 60;
    const valid = validateProps(this, propsSchema, { ...props, schedule: minutes }, 'props');
    this.checkPolicy(props.baseline, props.policy);
    const source = props.source.bind(this);
    this.modelName = source.modelName;
    this.period = schedule;
    this.baseline = props.baseline;

    const key = new kms.Key(this, 'Key', {
      description: `sovereign-ml drift monitor of ${source.modelName}: alarm topic and dead-letter queue`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `sovereign-ml drift job of ${source.modelName}: read its capture, write its reports`,
    });
    const environment = this.grantJob(source);
    if (valid.policy) environment.POLICY_JSON = JSON.stringify(valid.policy);
    Object.assign(environment, props.onDrift?.bind(this, this.role) ?? {});
    environment.WINDOW_MINUTES = String(minutes);

    this.function = new lambda.Function(this, 'Resource', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(buildDriftAsset(props.baseline.file)),
      role: this.role,
      logGroup: this.logGroup,
      memorySize: 1024,
      timeout: Duration.minutes(5),
      environment,
      description: `sovereign-ml: drift check of ${source.modelName} every ${minutes} minutes`,
    });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.schedule = this.createSchedule(minutes, key);

    this.topic = props.topic ?? this.createTopic(key);
    const action = new cwActions.SnsAction(this.topic);
    this.driftAlarm = this.metricDrifted().createAlarm(this, 'DriftAlarm', {
      threshold: 1, evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // A window without a verdict is the insufficient-data alarm's business.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${source.modelName}: dataset drift against the baseline`,
    });
    // Missing data breaches: a job that stopped running leaves no datapoints. Two periods,
    // so one run whose datapoint lands in the next period does not raise it.
    this.insufficientDataAlarm = this.metric('InsufficientData', DATASET_FEATURE, { statistic: 'Maximum' }).createAlarm(this, 'InsufficientDataAlarm', {
      threshold: 1, evaluationPeriods: 2, datapointsToAlarm: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: `${source.modelName}: two drift windows in a row without enough records, or without a job run`,
    });
    if (props.featureAlarms) {
      for (const feature of props.baseline.featureNames) {
        this.featureAlarms.push(this.metricDrifted(feature).createAlarm(this, `FeatureAlarm-${feature.replace(/[^A-Za-z0-9_-]/g, '_')}`, {
          threshold: 1, evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          alarmDescription: `${source.modelName}: feature ${feature} drifted`,
        }));
      }
    }
    for (const alarm of [this.driftAlarm, this.insufficientDataAlarm, ...this.featureAlarms]) alarm.addAlarmAction(action);

    this.acknowledge(source);
    classifyData(this.function, DataClass.INFERENCE_PAYLOAD);
    classifyData(this.logGroup, DataClass.INFERENCE_PAYLOAD);
  }

  /** A drift metric of this model: Maximum over the schedule period. */
  public metric(metricName: string, feature: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: DRIFT_METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { model: this.modelName, feature },
      statistic: 'Maximum',
      period: this.period,
      ...props,
    });
  }

  /** 1 when the dataset (or `feature`) drifted in a window, 0 when not; no value without a verdict. */
  public metricDrifted(feature: string = DATASET_FEATURE, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Drifted', feature, props);
  }

  /** The drift score of a feature (a p-value for `ks` and `chi-square`, a distance otherwise). */
  public metricDriftScore(feature: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('DriftScore', feature, props);
  }

  /** Records analysed per window, summed. */
  public metricRecordsAnalyzed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('RecordsAnalyzed', DATASET_FEATURE, { statistic: 'Sum', ...props });
  }

  /** Capture lines rejected per window, summed. */
  public metricRecordsRejected(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('RecordsRejected', DATASET_FEATURE, { statistic: 'Sum', ...props });
  }

  /** A dashboard row: dataset drift, records analysed and rejected, the drift score per feature. */
  public driftWidgets(): cloudwatch.IWidget[] {
    return [
      new cloudwatch.TextWidget({ markdown: `### Drift of ${this.modelName}`, width: 24, height: 1 }),
      new cloudwatch.GraphWidget({
        title: 'Dataset drift', width: 8, height: 6,
        left: [this.metricDrifted(), this.metric('InsufficientData', DATASET_FEATURE)],
        leftYAxis: { min: 0, max: 1 },
      }),
      new cloudwatch.GraphWidget({ title: 'Records', width: 8, height: 6, left: [this.metricRecordsAnalyzed(), this.metricRecordsRejected()] }),
      new cloudwatch.GraphWidget({ title: 'Drift score per feature', width: 8, height: 6, left: this.baseline.featureNames.map((f) => this.metricDriftScore(f, { label: f })) }),
    ];
  }

  /** Policy checks that need the baseline: known features, thresholds a p-value can reach. */
  private checkPolicy(baseline: Baseline, policy: DriftPolicyOptions | undefined): void {
    for (const [name, override] of Object.entries(policy?.features ?? {})) {
      const at = `props.policy.features[${JSON.stringify(name)}]`;
      const choice = baseline.methodOf(name, policy);
      if (!choice) {
        fail(this, ErrorCode.INVALID_PROPS, `${at} is not a feature of the baseline ${baseline.file}; features are ${baseline.featureNames.join(', ')}`);
      }
      const bounded = choice.method === 'ks' || choice.method === 'chi-square' || choice.method === 'jensen-shannon';
      if (override.threshold !== undefined && bounded && choice.threshold >= 1 && !isUnresolved(override.threshold)) {
        fail(this, ErrorCode.INVALID_PROPS, `${at}.threshold must be below 1 for ${choice.method} (its score is at most 1), got ${override.threshold}`);
      }
    }
  }

  /** The job's permissions, exactly; returns its environment. */
  private grantJob(source: DriftSourceConfig): Record<string, string> {
    const { bucket, prefix, modelName } = source;
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }));
    this.role.addToPolicy(new iam.PolicyStatement({
      actions: ['s3:ListBucket'], resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': `${prefix}*` } },
    }));
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${prefix}*`)] }));
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects(`${REPORT_PREFIX}${modelName}/*`)] }));
    // Capture objects are read and reports written with the bucket's key (SSE-KMS).
    if (bucket.encryptionKey) {
      this.role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [bucket.encryptionKey.keyArn] }));
    }
    // No cloudwatch:PutMetricData: the job prints embedded-metric-format lines, and
    // CloudWatch Logs extracts the metrics from the log group.
    return {
      CAPTURE_BUCKET: bucket.bucketName,
      CAPTURE_PREFIX: prefix,
      CAPTURE_FORMAT: source.format,
      MODEL_NAME: modelName,
      REPORT_PREFIX,
    };
  }

  private createSchedule(minutes: number, key: kms.Key): scheduler.CfnSchedule {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: `sovereign-ml drift schedule of ${this.modelName}: invoke the drift job`,
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }));
    // Sending to a KMS-encrypted queue needs a data key.
    role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.keyArn] }));
    const resource = new scheduler.CfnSchedule(this, 'Schedule', {
      description: `sovereign-ml: drift check of ${this.modelName}`,
      scheduleExpression: rateExpression(minutes),
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: this.function.functionArn,
        roleArn: role.roleArn,
        // A run later than one period is superseded by the next one.
        retryPolicy: { maximumEventAgeInSeconds: Math.min(86400, Math.max(60, minutes * 60)), maximumRetryAttempts: 3 },
        deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
      },
    });
    resource.node.addDependency(role);
    return resource;
  }

  private createTopic(key: kms.Key): sns.Topic {
    // CloudWatch alarms publish to an encrypted topic only when the key lets CloudWatch use it.
    key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }));
    const topic = new sns.Topic(this, 'Topic', { displayName: `sovereign-ml drift of ${this.modelName}`, masterKey: key, enforceSSL: true });
    classifyData(topic, DataClass.TELEMETRY);
    return topic;
  }

  /** cdk-nag findings forced by the design, by their exact ids. */
  private acknowledge(source: DriftSourceConfig): void {
    const stack = Stack.of(this);
    const bucket = source.bucket.node.defaultChild;
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'this queue is the dead-letter queue of the EventBridge Scheduler schedule, not of another queue' });
    if (CfnResource.isCfnResource(bucket)) {
      const arn = `<${stack.getLogicalId(bucket)}.Arn>`;
      Validations.of(this.role).acknowledge(
        { id: `AwsSolutions-IAM5[Resource::${arn}/${source.prefix}*]`, reason: 'the drift job reads every capture object of its own source, whose keys are generated by the capture service' },
        { id: `AwsSolutions-IAM5[Resource::${arn}/${REPORT_PREFIX}${source.modelName}/*]`, reason: 'the drift job writes one report per run, with a timestamped key, under its own model\'s report prefix' },
      );
    }
  }
}

/** An EventBridge Scheduler rate expression for a whole number of minutes. */
function rateExpression(minutes: number): string {
  const [value, unit] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return `rate(${value} ${unit}${value === 1 ? '' : 's'})`;
}
