import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DataResidency, Boundary, ErrorCode, ModelRegistry, OnnxFunction, OnnxModel } from '../../../constructs';
import { DATA_CLASSES_METADATA_KEY } from '../../../lib/residency';
import { FRAUD_MODEL, hkStack } from '../../support/app';
import { errorViolations, validatedSynth } from '../../support/validated-synth';
import { errorOf } from '../../support/errors';

/** `sha256sum examples/hk-fraud/model/fraud.onnx` (GNU coreutils). */
const FRAUD_SHA256 = '3e975b403ee4ab28dde3a256fdbe2c88ac89fc319b98fd68491a111c788c5f6b';

function withRegistryModel(props: Partial<ConstructorParameters<typeof OnnxFunction>[2]> = {}) {
  const { app, stack } = hkStack();
  const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'fraud' });
  const model = registry.addModel('V3', { path: FRAUD_MODEL, version: '3' });
  const scorer = new OnnxFunction(stack, 'Scorer', { model, ...props });
  return { app, stack, registry, model, scorer };
}

describe('OnnxFunction from the registry', () => {
  test('a Node.js 24 x86_64 function that downloads and verifies the registered model', () => {
    const { stack } = withRegistryModel();
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['x86_64'],
      Handler: 'index.handler',
      MemorySize: 2048,
      Timeout: 30,
      Environment: { Variables: Match.objectLike({
        MODEL_NAME: 'fraud', MODEL_VERSION: '3', MODEL_SHA256: FRAUD_SHA256,
        MODEL_S3_URI: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('RegistryBucket') }, '/models/fraud/3/fraud.onnx']] },
        CAPTURE_SAMPLING_PERCENT: '0',
      }) },
    });
  });

  test('may read exactly the model object and decrypt with its key, nothing more', () => {
    const { stack } = withRegistryModel();
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^ScorerRole') }] } });
    const statements = Object.values(policies)[0]!.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>;
    const actions = statements.flatMap((s) => ([] as string[]).concat(s.Action)).sort();
    expect(actions).toEqual(['kms:Decrypt', 'logs:CreateLogStream', 'logs:PutLogEvents', 's3:GetObject']);
    expect(JSON.stringify(statements.find((s) => s.Action === 's3:GetObject')!.Resource)).toContain('/models/fraud/3/fraud.onnx');
  });

  test('has a Function URL with IAM auth by default, and NONE only when asked', () => {
    Template.fromStack(withRegistryModel().stack).hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM' });
    Template.fromStack(withRegistryModel({ functionUrlAuthType: lambda.FunctionUrlAuthType.NONE }).stack).hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    Template.fromStack(withRegistryModel({ functionUrl: false }).stack).resourceCountIs('AWS::Lambda::Url', 0);
  });

  test('provisioned concurrency goes on a live alias, which the URL then serves', () => {
    const { stack } = withRegistryModel({ provisionedConcurrentExecutions: 2, reservedConcurrentExecutions: 10 });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live', ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 } });
    t.hasResourceProperties('AWS::Lambda::Url', { Qualifier: 'live' });
    t.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 10 });
  });

  test('default alarms on errors, throttles and p99 duration at 80% of the timeout', () => {
    const { stack, scorer } = withRegistryModel({ timeout: Duration.seconds(10) });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Threshold: 5, Statistic: 'Sum' });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Throttles', Threshold: 1 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Duration', ExtendedStatistic: 'p99', Threshold: 8000, EvaluationPeriods: 3 });
    expect(scorer.alarms).toHaveLength(3);
    Template.fromStack(withRegistryModel({ alarms: false }).stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('metric helpers name the function', () => {
    const { stack, scorer } = withRegistryModel();
    const m = scorer.metricInvocations();
    expect(m.metricName).toBe('Invocations');
    expect(m.namespace).toBe('AWS/Lambda');
    expect(m.statistic).toBe('Sum');
    expect(stack.resolve(m.dimensions)).toEqual({ FunctionName: { Ref: stack.getLogicalId(scorer.function.node.defaultChild as lambda.CfnFunction) } });
    expect(scorer.metricDuration().statistic).toBe('p99');
  });

  test('grantInvoke allows invoking through the URL and directly', () => {
    const { stack, scorer } = withRegistryModel();
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    scorer.grantInvoke(caller);
    const doc = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^Caller') }] } }));
    expect(doc).toContain('lambda:InvokeFunctionUrl');
    expect(doc).toContain('lambda:InvokeFunction');
  });
});

describe('OnnxFunction asset', () => {
  test('ships the bundle, onnxruntime for its one architecture, and no other platform', () => {
    const { app, stack } = withRegistryModel({ architecture: lambda.Architecture.ARM_64 });
    const assembly = app.synth();
    const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('ONNX model') } }))[0]!;
    expect(fn.Properties.Architectures).toEqual(['arm64']);
    const key = fn.Properties.Code.S3Key as string;
    const dir = path.join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
    expect(fs.existsSync(path.join(dir, 'index.mjs'))).toBe(true);
    const bin = path.join(dir, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6');
    expect(fs.readdirSync(bin)).toEqual(['linux']);
    expect(fs.readdirSync(path.join(bin, 'linux'))).toEqual(['arm64']);
    expect(fs.existsSync(path.join(dir, 'node_modules', 'onnxruntime-common', 'dist', 'cjs', 'index.js'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'node_modules', 'onnxruntime-common', 'dist', 'esm'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'model'))).toBe(false);
  });

  test('OnnxModel.fromFile bundles the model and points MODEL_PATH at it', () => {
    const { stack } = hkStack();
    new OnnxFunction(stack, 'Scorer', { model: OnnxModel.fromFile(FRAUD_MODEL, { name: 'fraud', version: '3' }) });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ MODEL_PATH: 'model/fraud.onnx', MODEL_SHA256: FRAUD_SHA256, MODEL_NAME: 'fraud', MODEL_VERSION: '3' }) },
    });
  });
});

describe('OnnxFunction capture', () => {
  test('log subscription → Firehose (decompress, extract, delimit) → KMS-encrypted capture bucket, hour-partitioned', () => {
    const { stack, scorer } = withRegistryModel({ capture: { samplingPercent: 10 } });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ CAPTURE_SAMPLING_PERCENT: '10' }) } });
    t.hasResourceProperties('AWS::Logs::SubscriptionFilter', { FilterPattern: '{ $.kind = "sovereign-ml.capture" }' });
    t.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'CUSTOMER_MANAGED_CMK' },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix: 'capture/fraud/3/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/!{timestamp:HH}/',
        ProcessingConfiguration: { Enabled: true, Processors: [
          Match.objectLike({ Type: 'Decompression' }), Match.objectLike({ Type: 'CloudWatchLogProcessing' }), Match.objectLike({ Type: 'AppendDelimiterToRecord' }),
        ] },
      }),
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue() });
    expect(scorer.capturePrefix).toBe('capture/fraud/3/');
    t.hasResource('AWS::KinesisFirehose::DeliveryStream', { Metadata: Match.objectLike({ [DATA_CLASSES_METADATA_KEY]: Match.arrayWith(['inference-payload']) }) });
  });

  test('synthesizes clean under Boundary.HONG_KONG, the CloudFormation validator and cdk-nag', () => {
    const result = validatedSynth((app) => {
      const stack = new Stack(app, 'Hk', { env: { account: '111111111111', region: 'ap-east-1' } });
      const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'fraud' });
      new OnnxFunction(stack, 'Scorer', { model: registry.addModel('V3', { path: FRAUD_MODEL, version: '3' }), capture: { samplingPercent: 10 } });
      DataResidency.enforce(app, { boundary: Boundary.HONG_KONG, report: false });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { AwsSolutionsChecks } = require('cdk-nag') as typeof import('cdk-nag');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('aws-cdk-lib') as typeof import('aws-cdk-lib')).Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    });
    expect(errorViolations(result)).toEqual([]);
  });
});

describe('fails on bad props', () => {
  test.each([
    [{ memorySize: 256 }, 'props.memorySize must be a whole number of MiB between 512 and 10240', 'got 256'],
    [{ timeout: Duration.minutes(20) }, 'props.timeout must be between 1 and 900 seconds', 'got 1200'],
    [{ capture: { samplingPercent: 150 } }, 'props.capture.samplingPercent must be between 0 and 100', 'got 150'],
    [{ provisionedConcurrentExecutions: 0 }, 'props.provisionedConcurrentExecutions must be a whole number, 1 or more', 'got 0'],
    [{ maxRequestBytes: 10 * 1024 * 1024 }, 'props.maxRequestBytes must be between 1024 and 6291456 bytes', 'got 10485760'],
  ])('fails when %j', (props, phrase, got) => {
    const e = errorOf(() => withRegistryModel(props));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toContain(phrase);
    expect(e.message).toContain(got);
    expect(e.constructPath).toBe('TestStack/Scorer');
  });

  test('fails when OnnxModel.fromFile names a missing file', () => {
    expect(errorOf(() => OnnxModel.fromFile('nope.onnx')).code).toBe(ErrorCode.MODEL_FILE_NOT_FOUND);
  });
});
