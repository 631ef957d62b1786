import * as fs from 'node:fs';
import * as path from 'node:path';
import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import {
  Baseline, Boundary, Compute, DataResidency, DriftEngine, DriftMonitor, type DriftMonitorProps, DriftSource, ErrorCode, InferenceImage,
  ModelRegistry, OnDrift, OnnxFunction, ServingEndpoint,
} from '../../../constructs';
import { BaselineBuilder } from '../../../lib/drift';
import { DATA_CLASSES_METADATA_KEY } from '../../../lib/residency';
import { FRAUD_MODEL, ROOT, hkStack, tempDir } from '../../support/app';
import { errorOf } from '../../support/errors';
import { errorViolations, validatedSynth } from '../../support/validated-synth';

// The construct bundles the drift job in its constructor: without the job there is nothing to test.
const JOB_ENTRY = path.join(ROOT, 'lambda', 'drift-monitor', 'index.ts');
if (!fs.existsSync(JOB_ENTRY)) {
  throw new Error(`drift-monitor tests need the drift job at ${JOB_ENTRY}, which does not exist yet`);
}

/** A baseline of two features (numeric `amount`, categorical `region`) and the model's `score`, written by BaselineBuilder. */
function writeBaseline(): string {
  const builder = new BaselineBuilder(['amount', 'region', 'score'], { categorical: ['region'], outputColumn: 'score' });
  const regions = ['kowloon', 'hk-island', 'new-territories'];
  for (let i = 0; i < 300; i++) builder.addRow([100 + (i % 50) * 7.5, regions[i % 3]!, (i % 10) / 10]);
  const file = path.join(tempDir('drift-baseline-'), 'baseline.json');
  fs.writeFileSync(file, JSON.stringify(builder.build()));
  return file;
}
const BASELINE_FILE = writeBaseline();

function scorerIn(stack: Stack, capture = true) {
  const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'fraud' });
  const model = registry.addModel('V3', { path: FRAUD_MODEL, version: '3' });
  return new OnnxFunction(stack, 'Scorer', { model, ...(capture ? { capture: { samplingPercent: 10 } } : {}) });
}

function withMonitor(props: Partial<DriftMonitorProps> = {}) {
  const { app, stack } = hkStack();
  const scorer = scorerIn(stack);
  const monitor = new DriftMonitor(stack, 'Drift', { source: DriftSource.onnxFunction(scorer), baseline: Baseline.fromFile(BASELINE_FILE), ...props });
  return { app, stack, scorer, monitor, template: Template.fromStack(stack) };
}

const logicalId = (stack: Stack, c: IConstruct): string => stack.getLogicalId((c.node.defaultChild ?? c) as CfnElement);

interface Statement { Action: string | string[]; Resource: unknown; Condition?: unknown }

/** Statements of the policies attached to a role. */
function statementsOf(template: Template, roleId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}
const actionsOf = (statements: Statement[]) => statements.flatMap((s) => ([] as string[]).concat(s.Action)).sort();
const statementFor = (statements: Statement[], action: string) => statements.find((s) => ([] as string[]).concat(s.Action).includes(action))!;

describe('DriftMonitor of an ONNX function', () => {
  test('a Node.js 24 job with 1 GiB, 5 minutes and the capture location in its environment', () => {
    const { template, stack, scorer } = withMonitor();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x', Architectures: ['arm64'], MemorySize: 1024, Timeout: 300, Handler: 'index.handler',
      Environment: { Variables: {
        CAPTURE_BUCKET: { Ref: logicalId(stack, scorer.captureBucket!) },
        CAPTURE_PREFIX: 'capture/fraud/3/', CAPTURE_FORMAT: 'onnx', MODEL_NAME: 'fraud', WINDOW_MINUTES: '60', REPORT_PREFIX: 'drift-reports/',
      } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('ships the baseline as baseline.json beside the bundled handler, which loads', () => {
    const { app, stack, monitor } = withMonitor();
    const assembly = app.synth();
    const resource = Template.fromStack(stack).toJSON().Resources[logicalId(stack, monitor.function)];
    // The asset's S3 key is `<hash>.zip`, staged in the assembly as `asset.<hash>`.
    const folder = path.join(assembly.directory, `asset.${(resource.Properties.Code.S3Key as string).replace(/\.zip$/, '')}`);
    expect(JSON.parse(fs.readFileSync(path.join(folder, 'baseline.json'), 'utf8'))).toEqual(JSON.parse(fs.readFileSync(BASELINE_FILE, 'utf8')));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(typeof (require(path.join(folder, 'index.js')) as { handler?: unknown }).handler).toBe('function');
  });

  test('the role may exactly: write its logs, list and read the capture prefix, write its reports, use the capture key', () => {
    const { template, stack, scorer, monitor } = withMonitor();
    const statements = statementsOf(template, logicalId(stack, monitor.role));
    expect(actionsOf(statements)).toEqual(['kms:Decrypt', 'kms:GenerateDataKey', 'logs:CreateLogStream', 'logs:PutLogEvents', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
    const bucket = logicalId(stack, scorer.captureBucket!);
    const bucketArn = { 'Fn::GetAtt': [bucket, 'Arn'] };
    expect(statementFor(statements, 'logs:PutLogEvents').Resource).toEqual({ 'Fn::GetAtt': [logicalId(stack, monitor.logGroup), 'Arn'] });
    expect(statementFor(statements, 's3:ListBucket')).toMatchObject({ Resource: bucketArn, Condition: { StringLike: { 's3:prefix': 'capture/fraud/3/*' } } });
    expect(statementFor(statements, 's3:GetObject').Resource).toEqual({ 'Fn::Join': ['', [bucketArn, '/capture/fraud/3/*']] });
    expect(statementFor(statements, 's3:PutObject').Resource).toEqual({ 'Fn::Join': ['', [bucketArn, '/drift-reports/fraud/*']] });
    expect(statementFor(statements, 'kms:Decrypt').Resource).toEqual({ 'Fn::GetAtt': [logicalId(stack, scorer.captureBucket!.encryptionKey!), 'Arn'] });
    expect(statements.filter((s) => s.Condition === undefined).map((s) => s.Resource)).not.toContain('*');
  });

  test('onDrift adds exactly the pipeline or the event bus permission', () => {
    const pipeline = withMonitor({ onDrift: OnDrift.startPipeline('Retrain-Fraud') });
    const ps = statementsOf(pipeline.template, logicalId(pipeline.stack, pipeline.monitor.role));
    expect(actionsOf(ps)).toContain('sagemaker:StartPipelineExecution');
    expect(statementFor(ps, 'sagemaker:StartPipelineExecution').Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:ap-east-1:111111111111:pipeline/retrain-fraud']] });
    pipeline.template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ ON_DRIFT_PIPELINE_NAME: 'Retrain-Fraud' }) } });

    const put = withMonitor({ onDrift: OnDrift.putEvent() });
    const es = statementsOf(put.template, logicalId(put.stack, put.monitor.role));
    expect(actionsOf(es).filter((a) => !a.startsWith('logs:') && !a.startsWith('s3:') && !a.startsWith('kms:'))).toEqual(['events:PutEvents']);
    expect(JSON.stringify(statementFor(es, 'events:PutEvents').Resource)).toContain(':events:ap-east-1:111111111111:event-bus/default');

    const { app, stack } = hkStack();
    const bus = new events.EventBus(stack, 'Bus');
    const scorer = scorerIn(stack);
    new DriftMonitor(stack, 'Drift', { source: DriftSource.onnxFunction(scorer), baseline: Baseline.fromFile(BASELINE_FILE), onDrift: OnDrift.putEvent(bus) });
    void app;
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ ON_DRIFT_EVENT_BUS: { 'Fn::GetAtt': [logicalId(stack, bus), 'Arn'] } }) } });
  });

  test('an hourly schedule, no flexible window, invoking the job through a role that may only invoke it', () => {
    const { template, stack, monitor } = withMonitor();
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [logicalId(stack, monitor.function), 'Arn'] },
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DriftScheduleRole'), 'Arn'] },
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 3 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(stack, monitor.deadLetterQueue), 'Arn'] } },
      },
    });
    const roles = template.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })] } } });
    const roleId = Object.keys(roles)[0]!;
    const statements = statementsOf(template, roleId);
    expect(actionsOf(statements)).toEqual(['kms:Decrypt', 'kms:GenerateDataKey', 'lambda:InvokeFunction', 'sqs:SendMessage']);
    expect(statementFor(statements, 'lambda:InvokeFunction').Resource).toEqual({ 'Fn::GetAtt': [logicalId(stack, monitor.function), 'Arn'] });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue() });
  });

  test.each([
    [Duration.minutes(5), 'rate(5 minutes)', 300],
    [Duration.minutes(90), 'rate(90 minutes)', 5400],
    [Duration.hours(6), 'rate(6 hours)', 21600],
    [Duration.days(1), 'rate(1 day)', 86400],
  ])('a schedule of %s is %s', (schedule, expression, age) => {
    const { template } = withMonitor({ schedule });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: expression, Target: Match.objectLike({ RetryPolicy: { MaximumEventAgeInSeconds: age, MaximumRetryAttempts: 3 } }) });
  });

  test('alarms on dataset drift and insufficient data notify a new encrypted TLS-only topic', () => {
    const { template, stack, monitor } = withMonitor();
    // Dataset drift, insufficient data, and the output's drift (the baseline has a `score` output).
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm', { Properties: { Namespace: 'SovereignML/Drift' } }))).toHaveLength(3);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'SovereignML/Drift', MetricName: 'Drifted', Dimensions: Match.arrayWith([{ Name: 'feature', Value: '__output__' }]),
      Threshold: 1, TreatMissingData: 'notBreaching', AlarmActions: [{ Ref: logicalId(stack, monitor.topic as sns.Topic) }],
    });
    expect(monitor.outputAlarm).toBeDefined();
    expect(withMonitor({ outputAlarm: false }).monitor.outputAlarm).toBeUndefined();
    const topic = { Ref: logicalId(stack, monitor.topic as sns.Topic) };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'SovereignML/Drift', MetricName: 'Drifted', Statistic: 'Maximum', Period: 3600, Threshold: 1, EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
      Dimensions: [{ Name: 'feature', Value: '__dataset__' }, { Name: 'model', Value: 'fraud' }],
      AlarmActions: [topic],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'InsufficientData', Statistic: 'Maximum', Threshold: 1, EvaluationPeriods: 2, DatapointsToAlarm: 2, TreatMissingData: 'breaching', AlarmActions: [topic],
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) } });
    template.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) } });
    template.hasResource('AWS::SNS::Topic', { Metadata: Match.objectLike({ [DATA_CLASSES_METADATA_KEY]: ['telemetry'] }) });
    template.hasResource('AWS::Lambda::Function', { Metadata: Match.objectLike({ [DATA_CLASSES_METADATA_KEY]: ['inference-payload'] }) });
  });

  test('featureAlarms adds one alarm per baseline feature; a given topic is used and no topic is created', () => {
    const { app, stack } = hkStack();
    void app;
    const topic = new sns.Topic(stack, 'Ops');
    new DriftMonitor(stack, 'Drift', { source: DriftSource.onnxFunction(scorerIn(stack)), baseline: Baseline.fromFile(BASELINE_FILE), featureAlarms: true, topic });
    const t = Template.fromStack(stack);
    expect(Object.keys(t.findResources('AWS::CloudWatch::Alarm', { Properties: { Namespace: 'SovereignML/Drift' } }))).toHaveLength(5);
    t.resourceCountIs('AWS::SNS::Topic', 1);
    for (const feature of ['amount', 'region']) {
      t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Drifted', Dimensions: Match.arrayWith([{ Name: 'feature', Value: feature }]), AlarmActions: [{ Ref: logicalId(stack, topic) }] });
    }
  });

  test('metric helpers and dashboard widgets', () => {
    const { monitor, stack } = withMonitor({ schedule: Duration.minutes(30) });
    const drifted = monitor.metricDrifted();
    expect([drifted.namespace, drifted.metricName, drifted.statistic, drifted.dimensions, drifted.period.toMinutes()]).toEqual(['SovereignML/Drift', 'Drifted', 'Maximum', { model: 'fraud', feature: '__dataset__' }, 30]);
    expect(monitor.metricDriftScore('amount').dimensions).toEqual({ model: 'fraud', feature: 'amount' });
    expect(monitor.metricRecordsAnalyzed().statistic).toBe('Sum');
    const widgets = monitor.driftWidgets();
    expect(widgets).toHaveLength(4);
    expect(widgets.reduce((w, x) => w + x.width, 0)).toBe(24 + 24);
    // The baseline has an output (`score`): its drift is on the dataset graph.
    const graph = stack.resolve(widgets[1]!.toJson()[0]) as { properties: { title: string; metrics: unknown[][] } };
    expect(graph.properties.title).toBe('Dataset drift');
    expect(graph.properties.metrics.map((m) => m.slice(0, 6))).toEqual([
      ['SovereignML/Drift', 'Drifted', 'feature', '__dataset__', 'model', 'fraud'],
      ['SovereignML/Drift', 'Drifted', 'feature', '__output__', 'model', 'fraud'],
      ['SovereignML/Drift', 'InsufficientData', 'feature', '__dataset__', 'model', 'fraud'],
    ]);
  });
});

describe('DriftMonitor of an endpoint', () => {
  test('reads SageMaker data capture under endpoint-capture/<endpointName>/', () => {
    const { stack } = hkStack();
    const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'fraud' });
    const endpoint = new ServingEndpoint(stack, 'Endpoint', {
      model: registry.addModel('V3', { path: FRAUD_MODEL, version: '3' }), image: InferenceImage.triton('24.09'),
      compute: Compute.instances({ instanceType: 'ml.m5.large' }), endpointName: 'fraud-ep', dataCapture: { samplingPercent: 20 },
    });
    const monitor = new DriftMonitor(stack, 'Drift', { source: DriftSource.endpoint(endpoint), baseline: Baseline.fromFile(BASELINE_FILE) });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ CAPTURE_PREFIX: 'endpoint-capture/fraud-ep/', CAPTURE_FORMAT: 'sagemaker', MODEL_NAME: 'fraud-ep' }) } });
    const statements = statementsOf(t, logicalId(stack, monitor.role));
    expect(statementFor(statements, 's3:ListBucket').Condition).toEqual({ StringLike: { 's3:prefix': 'endpoint-capture/fraud-ep/*' } });
    expect(JSON.stringify(statementFor(statements, 's3:PutObject').Resource)).toContain('/drift-reports/fraud-ep/*');
  });
});

describe('fails on bad props', () => {
  test('fails when the ONNX function has no capture', () => {
    const { stack } = hkStack();
    const e = errorOf(() => new DriftMonitor(stack, 'Drift', { source: DriftSource.onnxFunction(scorerIn(stack, false)), baseline: Baseline.fromFile(BASELINE_FILE) }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toContain('source: ONNX function TestStack/Scorer has no capture');
    expect(e.constructPath).toBe('TestStack/Drift');
  });

  test('fails when the endpoint has no data capture', () => {
    const { stack } = hkStack();
    const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'fraud' });
    const endpoint = new ServingEndpoint(stack, 'Endpoint', {
      model: registry.addModel('V3', { path: FRAUD_MODEL, version: '3' }), image: InferenceImage.triton('24.09'), compute: Compute.instances({ instanceType: 'ml.m5.large' }),
    });
    const e = errorOf(() => new DriftMonitor(stack, 'Drift', { source: DriftSource.endpoint(endpoint), baseline: Baseline.fromFile(BASELINE_FILE) }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toContain('source: endpoint TestStack/Endpoint has no data capture');
  });

  test('fails when the baseline file is missing', () => {
    const e = errorOf(() => Baseline.fromFile('no/such/baseline.json'));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toContain(path.resolve('no/such/baseline.json'));
  });

  test('fails when the baseline file is invalid', () => {
    const file = path.join(tempDir('drift-bad-'), 'baseline.json');
    fs.writeFileSync(file, JSON.stringify({ format: 'sovereign-ml.baseline', version: 1, createdAt: 'x', rows: 1, features: [] }));
    const e = errorOf(() => Baseline.fromFile(file));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toContain(`baseline file ${file}`);
    expect(e.message).toContain('features');
  });

  test.each([
    ['schedule is 4 minutes', { schedule: Duration.minutes(4) }, 'props.schedule must be a whole number of minutes from 5 to 1440 (1 day), got 4'],
    ['schedule is 25 hours', { schedule: Duration.hours(25) }, 'props.schedule must be a whole number of minutes from 5 to 1440 (1 day), got 1500'],
    ['schedule is not whole minutes', { schedule: Duration.seconds(330) }, 'props.schedule must be a whole number of minutes from 5 to 1440 (1 day), got 5.5'],
    ['policy.datasetDriftShare is 0', { policy: { datasetDriftShare: 0 } }, 'props.policy.datasetDriftShare must be above 0 and at most 1, got 0'],
    ['policy.minRecords is 0', { policy: { minRecords: 0 } }, 'props.policy.minRecords must be a whole number, 1 or more, got 0'],
    ['a feature threshold is negative', { policy: { features: { amount: { threshold: -1 } } } }, 'props.policy.features.amount.threshold must be above 0, got -1'],
    ['a ks threshold is 1.5 (a p-value)', { policy: { features: { amount: { method: 'ks' as const, threshold: 1.5 } } } }, 'props.policy.features["amount"].threshold must be below 1 for ks'],
    ['a chi-square threshold is 2 (a p-value)', { policy: { features: { region: { threshold: 2 } } } }, 'props.policy.features["region"].threshold must be below 1 for chi-square'],
    ['the policy names a feature the baseline lacks', { policy: { features: { nope: { threshold: 0.1 } } } }, 'props.policy.features["nope"] is not a feature of the baseline'],
  ])('fails when %s', (_label, props, phrase) => {
    const e = errorOf(() => withMonitor(props as Partial<DriftMonitorProps>));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toContain(phrase);
    expect(e.constructPath).toBe('TestStack/Drift');
  });

  test('a valid policy reaches the job as POLICY_JSON', () => {
    const policy = { minRecords: 50, datasetDriftShare: 0.3, features: { amount: { method: 'psi' as const, threshold: 0.25 } } };
    withMonitor({ policy }).template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ POLICY_JSON: JSON.stringify(policy) }) } });
  });
});

test('an ONNX function with capture, its registry and a drift monitor synthesize clean under Boundary.HONG_KONG, the CloudFormation validator and cdk-nag', () => {
  const result = validatedSynth((app) => {
    const stack = new Stack(app, 'Hk', { env: { account: '111111111111', region: 'ap-east-1' } });
    const scorer = scorerIn(stack);
    new DriftMonitor(stack, 'Drift', { source: DriftSource.onnxFunction(scorer), baseline: Baseline.fromFile(BASELINE_FILE), featureAlarms: true, onDrift: OnDrift.putEvent() });
    DataResidency.enforce(app, { boundary: Boundary.HONG_KONG, report: false });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  });
  expect(result.error).toBeUndefined();
  expect(errorViolations(result)).toEqual([]);
});

describe('DriftEngine.distributedMap', () => {
  const distributed = (options = { maxConcurrency: 40 }) => withMonitor({ engine: DriftEngine.distributedMap(options) });

  test('a state machine runs Plan, a Distributed Map of children reading the manifest, and Reduce, all on the job function', () => {
    const { template, stack, monitor } = distributed();
    expect(monitor.stateMachine).toBeDefined();
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0]!;
    // The definition is a Fn::Join of strings and the function's ARN: join it with a marker.
    const parts = (machine.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const fnArn = JSON.stringify({ 'Fn::GetAtt': [logicalId(stack, monitor.function), 'Arn'] });
    const definition = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p) === fnArn ? 'JOB' : 'OTHER')).join('')) as {
      StartAt: string; TimeoutSeconds: number;
      States: Record<string, { Type: string; Next?: string; Resource?: string; Parameters?: Record<string, unknown>; MaxConcurrency?: number; ItemReader?: { Resource: string; ReaderConfig: unknown; Parameters: unknown }; ItemSelector?: unknown; ResultPath?: unknown; ItemProcessor?: { ProcessorConfig: unknown; StartAt: string; States: Record<string, { Resource: string; OutputPath?: string }> } }>;
    };
    expect(definition.StartAt).toBe('Plan');
    const { Plan: plan, Partials: map, Reduce: reduce } = definition.States;
    expect(plan).toMatchObject({ Type: 'Task', Next: 'Partials', Resource: 'JOB', Parameters: { mode: 'plan', 'input.$': '$', 'executionStartTime.$': '$$.Execution.StartTime' } });
    expect(map).toMatchObject({
      Type: 'Map', Next: 'Reduce', MaxConcurrency: 40, ResultPath: null,
      ItemReader: { ReaderConfig: { InputType: 'JSON' }, Parameters: { 'Bucket.$': '$.bucket', 'Key.$': '$.manifestKey' } },
      ItemSelector: { mode: 'partial', 'workPrefix.$': '$.workPrefix', 'batch.$': '$$.Map.Item.Value' },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Partial' },
    });
    expect(map!.ItemReader!.Resource).toMatch(/:states:::s3:getObject$/);
    expect(map!.ItemProcessor!.States.Partial).toMatchObject({ Resource: 'JOB', OutputPath: '$.index' });
    expect(reduce).toMatchObject({ Type: 'Task', Resource: 'JOB', Parameters: { mode: 'reduce', 'workPrefix.$': '$.workPrefix', 'windowEnd.$': '$.windowEnd', 'batches.$': '$.batches' } });
    // Exactly these fields: Reduce merges the batches Plan counted, passed on by the Map (ResultPath null).
    expect(Object.keys(reduce!.Parameters!).sort()).toEqual(['batches.$', 'mode', 'windowEnd.$', 'workPrefix.$']);
    expect(definition.TimeoutSeconds).toBe(3600);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
  });

  test('the schedule starts the state machine, through a role that may only start it', () => {
    const { template, stack, monitor } = distributed();
    template.hasResourceProperties('AWS::Scheduler::Schedule', { Target: Match.objectLike({ Arn: { Ref: logicalId(stack, monitor.stateMachine!) }, Input: '{}' }) });
    const roles = template.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })] } } });
    const statements = statementsOf(template, Object.keys(roles)[0]!);
    expect(actionsOf(statements)).toEqual(['kms:Decrypt', 'kms:GenerateDataKey', 'sqs:SendMessage', 'states:StartExecution']);
    expect(statementFor(statements, 'states:StartExecution').Resource).toEqual({ Ref: logicalId(stack, monitor.stateMachine!) });
  });

  test('the job may also write, read and delete its work prefix, and nothing else more; children get 15 minutes and the batch size', () => {
    const { template, stack, scorer, monitor } = distributed({ maxConcurrency: 5, objectsPerChild: 7 } as { maxConcurrency: number });
    const statements = statementsOf(template, logicalId(stack, monitor.role));
    const bucketArn = { 'Fn::GetAtt': [logicalId(stack, scorer.captureBucket!), 'Arn'] };
    expect(actionsOf(statements)).toEqual(['kms:Decrypt', 'kms:GenerateDataKey', 'logs:CreateLogStream', 'logs:PutLogEvents', 's3:DeleteObject', 's3:GetObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject', 's3:PutObject']);
    expect(statementFor(statements, 's3:DeleteObject')).toMatchObject({ Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], Resource: { 'Fn::Join': ['', [bucketArn, '/drift-work/fraud/*']] } });
    expect(statementFor(statements, 's3:ListBucket')).toMatchObject({ Condition: { StringLike: { 's3:prefix': ['capture/fraud/3/*', 'drift-work/fraud/*'] } } });
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 900, Environment: { Variables: Match.objectLike({ OBJECTS_PER_BATCH: '7' }) } });
  });

  test('the state machine may read only the manifest prefix with the capture key, and manage only its own child executions', () => {
    const { template, stack, scorer, monitor } = distributed();
    const roleId = stack.getLogicalId(monitor.stateMachine!.role.node.defaultChild as CfnElement);
    const statements = statementsOf(template, roleId);
    const bucketArn = { 'Fn::GetAtt': [logicalId(stack, scorer.captureBucket!), 'Arn'] };
    expect(statementFor(statements, 's3:GetObject').Resource).toEqual({ 'Fn::Join': ['', [bucketArn, '/drift-work/fraud/*']] });
    expect(statementFor(statements, 'kms:Decrypt').Resource).toEqual({ 'Fn::GetAtt': [logicalId(stack, scorer.captureBucket!.encryptionKey!), 'Arn'] });
    expect(statementFor(statements, 'lambda:InvokeFunction').Resource).toEqual([
      { 'Fn::GetAtt': [logicalId(stack, monitor.function), 'Arn'] },
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack, monitor.function), 'Arn'] }, ':*']] },
    ]);
    expect(statementFor(statements, 'states:StartExecution').Resource).toEqual({ Ref: logicalId(stack, monitor.stateMachine!) });
  });

  test('an alarm on failed, timed-out or aborted executions notifies the topic', () => {
    const { template, stack, monitor } = distributed();
    expect(monitor.executionFailureAlarm).toBeDefined();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: logicalId(stack, monitor.topic) }],
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'failed + timedOut + aborted' }),
        Match.objectLike({ Id: 'failed', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ExecutionsFailed', Namespace: 'AWS/States' }), Stat: 'Sum' }) }),
        Match.objectLike({ Id: 'timedOut', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ExecutionsTimedOut' }) }) }),
        Match.objectLike({ Id: 'aborted', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ExecutionsAborted' }) }) }),
      ]),
    });
  });

  test('the single-function engine has no state machine and invokes the function', () => {
    const { template, monitor } = withMonitor({ engine: DriftEngine.singleFunction() });
    expect(monitor.stateMachine).toBeUndefined();
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 300 });
  });

  test.each([
    [{ maxConcurrency: 0 }, 'props.engine.maxConcurrency must be a whole number from 1 to 10000, got 0'],
    [{ maxConcurrency: 10001 }, 'props.engine.maxConcurrency must be a whole number from 1 to 10000, got 10001'],
    [{ objectsPerChild: 2.5 }, 'props.engine.objectsPerChild must be a whole number from 1 to 1000, got 2.5'],
  ])('fails when the engine options are %j', (options, message) => {
    const err = errorOf(() => distributed(options as { maxConcurrency: number }));
    expect(err.code).toBe(ErrorCode.INVALID_PROPS);
    expect(err.message).toContain(message);
    expect(err.message).toContain('TestStack/Drift');
  });

  test('synthesizes clean under Boundary.HONG_KONG, the CloudFormation validator and cdk-nag', () => {
    const result = validatedSynth((app) => {
      const stack = new Stack(app, 'Hk', { env: { account: '111111111111', region: 'ap-east-1' } });
      new DriftMonitor(stack, 'Drift', { source: DriftSource.onnxFunction(scorerIn(stack)), baseline: Baseline.fromFile(BASELINE_FILE), engine: DriftEngine.distributedMap({ maxConcurrency: 50 }) });
      DataResidency.enforce(app, { boundary: Boundary.HONG_KONG, report: false });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    });
    expect(result.error).toBeUndefined();
    expect(errorViolations(result)).toEqual([]);
  });
});

describe('Baseline.fromModelMonitorStatistics', () => {
  test('converts a Model Monitor statistics.json and ships the converted baseline', () => {
    const file = path.join(tempDir(), 'statistics.json');
    // A statistics.json written to the schema on
    // https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-byoc-statistics.html
    fs.writeFileSync(file, JSON.stringify({
      version: 0.0,
      dataset: { item_count: 10 },
      features: [{
        name: 'claim_amount', inferred_type: 'Fractional',
        numerical_statistics: {
          common: { num_present: 10, num_missing: 0 }, mean: 5.5, sum: 55, std_dev: 2.87, min: 1, max: 10,
          distribution: { kll: {
            buckets: [{ lower_bound: 1, upper_bound: 5.5, count: 5 }, { lower_bound: 5.5, upper_bound: 10, count: 5 }],
            sketch: { parameters: { c: 0.64, k: 2048 }, data: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]] },
          } },
        },
      }],
    }));
    const baseline = Baseline.fromModelMonitorStatistics(file);
    expect(baseline.featureNames).toEqual(['claim_amount']);
    const converted = JSON.parse(fs.readFileSync(baseline.file, 'utf8')) as { features: Array<{ binEdges: number[]; binCounts: number[] }> };
    expect(converted.features[0]!.binEdges).toEqual([1, 5.5, 10]);
    expect(converted.features[0]!.binCounts).toEqual([5, 5]);
  });

  test('fails when the file is not JSON', () => {
    const file = path.join(tempDir(), 'statistics.json');
    fs.writeFileSync(file, '{"version":');
    const e = errorOf(() => Baseline.fromModelMonitorStatistics(file));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toContain(`Model Monitor statistics ${file} cannot be read as JSON`);
  });
});
