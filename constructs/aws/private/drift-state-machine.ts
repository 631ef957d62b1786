import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { DRIFT_WORK_PREFIX } from '../../../lib/drift';
import { DataClass } from '../../../lib/residency/data-class';
import { classifyData } from './classify';
import { nagId } from './nag-id';

/** What the state machine runs and where its work lives. */
export interface DriftStateMachineProps {
  readonly job: lambda.IFunction;
  readonly bucket: s3.IBucket;
  readonly modelName: string;
  readonly maxConcurrency: number;
  /** The schedule period: one execution should not outlive the next one's start by much. */
  readonly period: Duration;
}

/**
 * The Distributed Map engine of a drift monitor: Plan (list and batch the window's objects
 * into a manifest) → Partials (a Distributed Map reading the manifest, one child per batch)
 * → Reduce (merge, report, metrics, drift actions). The steps are the same Lambda function
 * with a `mode` in the payload; the children's results stay in S3, so the state payload
 * stays small however large the window.
 */
export class DriftStateMachine extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly logGroup: logs.LogGroup;

  public constructor(scope: Construct, id: string, props: DriftStateMachineProps) {
    super(scope, id);
    const { job } = props;
    // Plan and Reduce: the job with a mode and fields of the state's input.
    const step = (id: string, payload: Record<string, unknown>, comment: string) => new tasks.LambdaInvoke(this, id, {
      lambdaFunction: job, payload: sfn.TaskInput.fromObject(payload), payloadResponseOnly: true, comment,
    });
    const plan = step('Plan', {
      mode: 'plan',
      input: sfn.JsonPath.objectAt('$'),
      executionStartTime: sfn.JsonPath.stringAt('$$.Execution.StartTime'),
    }, 'List the window\'s capture objects and write the manifest of batches');

    const partials = new sfn.DistributedMap(this, 'Partials', {
      maxConcurrency: props.maxConcurrency,
      // The manifest is a JSON array of { index, keys } written by Plan.
      itemReader: new sfn.S3JsonItemReader({
        bucketNamePath: sfn.JsonPath.stringAt('$.bucket'),
        key: sfn.JsonPath.stringAt('$.manifestKey'),
      }),
      itemSelector: {
        mode: 'partial',
        workPrefix: sfn.JsonPath.stringAt('$.workPrefix'),
        batch: sfn.JsonPath.objectAt('$$.Map.Item.Value'),
      },
      // Each child writes its partial to S3; the Map passes Plan's output on unchanged.
      resultPath: sfn.JsonPath.DISCARD,
      comment: 'One child per batch: partial windows of its objects',
    });
    partials.itemProcessor(new tasks.LambdaInvoke(this, 'Partial', {
      lambdaFunction: job,
      payloadResponseOnly: true,
      // The Map gathers every child's output before discarding it, within the 256 KiB
      // state limit: a child hands back only its batch index.
      outputPath: '$.index',
      comment: 'Build and store the partial windows of one batch',
    }));

    const reduce = step('Reduce', {
      mode: 'reduce',
      workPrefix: sfn.JsonPath.stringAt('$.workPrefix'),
      windowEnd: sfn.JsonPath.stringAt('$.windowEnd'),
      // Plan's output (the Map discards its result): Reduce merges exactly these batches.
      batches: sfn.JsonPath.numberAt('$.batches'),
    }, 'Merge the partials, write the report and metrics, run the drift actions');

    // Execution data holds object keys and counts, never payloads; it is still left out
    // of the logs, which keep the state transitions only.
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    const minutes = props.period.toMinutes();
    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      definitionBody: sfn.DefinitionBody.fromChainable(plan.next(partials).next(reduce)),
      comment: `sovereign-ml drift job of ${props.modelName} (Distributed Map)`,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
      // An execution still running when the next one is due has failed its window.
      timeout: Duration.minutes(Math.max(15, minutes)),
    });
    // The Map reads the manifest itself: only the model's work prefix, with the bucket key.
    this.stateMachine.addToRolePolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [props.bucket.arnForObjects(`${DRIFT_WORK_PREFIX}${props.modelName}/*`)],
    }));
    if (props.bucket.encryptionKey) {
      this.stateMachine.addToRolePolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [props.bucket.encryptionKey.keyArn] }));
    }
    classifyData(this.logGroup, DataClass.TELEMETRY);
    this.acknowledgeWildcards(props);
  }

  /** The role's wildcards, each forced by the service, acknowledged by their exact cdk-nag ids. */
  private acknowledgeWildcards(props: DriftStateMachineProps): void {
    const stack = Stack.of(this);
    const acks = [
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'CloudWatch Logs vended log delivery (for the execution logs) and X-Ray tracing actions have no resource-level permissions' },
      { id: `AwsSolutions-IAM5[Resource::${nagId(stack, props.job.functionArn)}:*]`, reason: 'the Lambda task grant covers the qualified ARNs (versions, aliases) of the one drift job function' },
      { id: `AwsSolutions-IAM5[Resource::${nagId(stack, props.bucket.bucketArn)}/${DRIFT_WORK_PREFIX}${props.modelName}/*]`, reason: 'the Distributed Map reads the manifest its Plan step wrote under this model\'s own work prefix, with a per-window key' },
    ];
    // Child executions of the Distributed Map have generated names under this state
    // machine's execution ARN: acknowledged only when the wildcard is exactly that.
    const policy = this.stateMachine.node.tryFindChild('DistributedMapPolicy') as iam.Policy | undefined;
    const statements = (stack.resolve(policy?.document.toJSON()) as { Statement?: Array<{ Resource: unknown }> } | undefined)?.Statement ?? [];
    for (const resource of statements.flatMap((st) => ([] as unknown[]).concat(st.Resource))) {
      const id = nagId(stack, resource);
      if (id.includes('*') && /:states:[^:]*:[^:]*:execution:/.test(id)) {
        acks.push({ id: `AwsSolutions-IAM5[Resource::${id}]`, reason: 'Distributed Map child executions have generated names under this state machine\'s own executions' });
      }
    }
    Validations.of(this.stateMachine).acknowledge(...acks);
  }
}
