import { CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import * as z from 'zod';
import { DATASET_FEATURE, DRIFT_WORK_PREFIX, OUTPUT_FEATURE, type DriftMethod } from '../../lib/drift';
import { DEFAULT_DRIFT_NAMESPACE } from '../../lib/drift/metric-namespace';
import { DataClass } from '../../lib/residency/data-class';
import { checkedNumber } from '../../lib/validation';
import type { Baseline } from './baseline';
import { DriftEngine, type DriftEngineConfig } from './drift-engine';
import type { DriftSource, DriftSourceConfig } from './drift-source';
import type { OnDrift } from './on-drift';
import { classifyData } from './private/classify';
import { buildDriftAsset } from './private/drift-asset';
import { DriftStateMachine } from './private/drift-state-machine';
import { ErrorCode, fail, isUnresolved, validateProps } from './private/validate';
import type { IDriftDashboardSource } from './serving-dashboard';

/** Namespace of the drift job's metrics. */
export const DRIFT_METRICS_NAMESPACE = DEFAULT_DRIFT_NAMESPACE;
/** The `feature` dimensions of dataset-level and model-output drift metrics (the ones the job publishes). */
export { DATASET_FEATURE, OUTPUT_FEATURE };
/** Key prefix of drift reports in the capture bucket. */
const REPORT_PREFIX = 'drift-reports/';

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
  /**
   * How the job runs: one Lambda invocation per window, or a Step Functions Distributed
   * Map for windows too large for one (`DriftEngine.distributedMap({ maxConcurrency })`).
   * @default DriftEngine.singleFunction()
   */
  readonly engine?: DriftEngine;
  /**
   * An alarm on the drift of the model's output (`Drifted` of `__output__`), when the
   * baseline has an output distribution.
   * @default true
   */
  readonly outputAlarm?: boolean;
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
  /** Alarm on the model output's drift, when the baseline has an output and `outputAlarm` is not false. */
  public readonly outputAlarm?: cloudwatch.Alarm;
  /** The state machine of the Distributed Map engine (absent under the single-function engine). */
  public readonly stateMachine?: sfn.StateMachine;
  /** Alarm on failed, timed-out or aborted executions of the Distributed Map engine. */
  public readonly executionFailureAlarm?: cloudwatch.Alarm;
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
    const engine = (props.engine ?? DriftEngine.singleFunction()).config(this);
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
    const environment = this.grantJob(source, engine);
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
      timeout: jobTimeout(engine),
      environment,
      description: `sovereign-ml: drift check of ${source.modelName} every ${minutes} minutes`,
    });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    if (engine.kind === 'distributed-map') {
      const machine = new DriftStateMachine(this, 'StateMachine', {
        job: this.function, bucket: source.bucket, modelName: source.modelName, maxConcurrency: engine.maxConcurrency, period: schedule,
      });
      this.stateMachine = machine.stateMachine;
    }
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
    if (props.baseline.hasOutput && props.outputAlarm !== false) {
      this.outputAlarm = this.metricDrifted(OUTPUT_FEATURE).createAlarm(this, 'OutputAlarm', {
        threshold: 1, evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${source.modelName}: the model's output distribution drifted against the baseline`,
      });
    }
    if (this.stateMachine) {
      const m = this.stateMachine;
      const failures = new cloudwatch.MathExpression({
        expression: 'failed + timedOut + aborted',
        usingMetrics: { failed: m.metricFailed({ statistic: 'Sum' }), timedOut: m.metricTimedOut({ statistic: 'Sum' }), aborted: m.metricAborted({ statistic: 'Sum' }) },
        period: schedule,
        label: 'Executions failed, timed out or aborted',
      });
      this.executionFailureAlarm = failures.createAlarm(this, 'ExecutionFailureAlarm', {
        threshold: 1, evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${source.modelName}: a drift job execution failed, timed out or was aborted`,
      });
    }
    const alarms = [this.driftAlarm, this.insufficientDataAlarm, ...this.featureAlarms, this.outputAlarm, this.executionFailureAlarm];
    for (const alarm of alarms) alarm?.addAlarmAction(action);

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
        left: [
          this.metricDrifted(DATASET_FEATURE, { label: 'dataset drifted' }),
          ...(this.baseline.hasOutput ? [this.metricDrifted(OUTPUT_FEATURE, { label: 'output drifted' })] : []),
          this.metric('InsufficientData', DATASET_FEATURE, { label: 'insufficient data' }),
        ],
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
  private grantJob(source: DriftSourceConfig, engine: DriftEngineConfig): Record<string, string> {
    const { bucket, prefix, modelName } = source;
    const workPrefix = `${DRIFT_WORK_PREFIX}${modelName}/`;
    const distributed = engine.kind === 'distributed-map';
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }));
    this.role.addToPolicy(new iam.PolicyStatement({
      actions: ['s3:ListBucket'], resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': distributed ? [`${prefix}*`, `${workPrefix}*`] : `${prefix}*` } },
    }));
    if (distributed) {
      // The manifest and the partials: written by the steps, deleted by Reduce.
      this.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [bucket.arnForObjects(`${workPrefix}*`)] }));
    }
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
      ...(distributed ? { OBJECTS_PER_BATCH: String(engine.objectsPerChild) } : {}),
    };
  }

  private createSchedule(minutes: number, key: kms.Key): scheduler.CfnSchedule {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: `sovereign-ml drift schedule of ${this.modelName}: invoke the drift job`,
    });
    if (this.stateMachine) {
      role.addToPolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachine.stateMachineArn] }));
    } else {
      role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }));
    }
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }));
    // Sending to a KMS-encrypted queue needs a data key.
    role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.keyArn] }));
    const resource = new scheduler.CfnSchedule(this, 'Schedule', {
      description: `sovereign-ml: drift check of ${this.modelName}`,
      scheduleExpression: rateExpression(minutes),
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: this.stateMachine?.stateMachineArn ?? this.function.functionArn,
        // The state machine takes a backfill's `windowEnd` from its input; a schedule sends none.
        ...(this.stateMachine ? { input: '{}' } : {}),
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
      if (this.stateMachine) {
        Validations.of(this.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${arn}/${DRIFT_WORK_PREFIX}${source.modelName}/*]`,
          reason: 'the distributed drift job writes, reads and deletes its manifest and partials, with per-window keys, under its own model\'s work prefix',
        });
      }
    }
  }
}

/** The Lambda timeout of the job: a child or the reducer of a big window gets Lambda's maximum. */
function jobTimeout(engine: DriftEngineConfig): Duration {
  return engine.kind === 'distributed-map' ? Duration.minutes(15) : Duration.minutes(5);
}

/** An EventBridge Scheduler rate expression for a whole number of minutes. */
function rateExpression(minutes: number): string {
  const [value, unit] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return `rate(${value} ${unit}${value === 1 ? '' : 's'})`;
}
