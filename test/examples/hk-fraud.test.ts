import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from '../../examples/hk-fraud/app';
import { errorViolations, validatedSynth } from '../support/validated-synth';

/** `sha256sum examples/hk-fraud/model/fraud.onnx` (GNU coreutils), for the committed model. */
const FRAUD_ONNX_SHA256 = '3e975b403ee4ab28dde3a256fdbe2c88ac89fc319b98fd68491a111c788c5f6b';

describe('the validation harness', () => {
  // Without these, a clean example could mean a harness that reports nothing.
  test('catches an error-level CloudFormation schema finding', () => {
    const result = validatedSynth((app) => {
      const stack = new Stack(app, 'Bad', { env: { account: '111111111111', region: 'ap-east-1' } });
      new CfnResource(stack, 'Broken', { type: 'AWS::S3::Bucket', properties: { NotAProperty: true } });
    });
    expect(result.error).toBeDefined();
    expect(errorViolations(result)).toEqual([expect.objectContaining({ plugin: 'CloudFormation Validate', constructPaths: ['Bad/Broken'] })]);
  });

  test('catches an unacknowledged cdk-nag finding', () => {
    const result = validatedSynth((app) => {
      const stack = new Stack(app, 'Nag', { env: { account: '111111111111', region: 'ap-east-1' } });
      new s3.Bucket(stack, 'Plain');
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    });
    expect(result.error).toBeDefined();
    expect(errorViolations(result).map((v) => v.ruleName)).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
  });
});

describe('examples/hk-fraud', () => {
  const result = validatedSynth((app) => buildApp(app));

  test('synthesizes with no error-level finding from the CloudFormation validator or cdk-nag', () => {
    expect(errorViolations(result)).toEqual([]);
    expect(result.error).toBeUndefined();
  });

  test('has one stack, in ap-east-1', () => {
    const stacks = result.assembly!.stacks;
    expect(stacks.map((s) => s.environment.region)).toEqual(['ap-east-1']);
  });

  test('holds the registry bucket, the rotated key, the group and the registered model', () => {
    const t = Template.fromJSON(result.assembly!.stacks[0]!.template);
    t.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } } },
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    t.hasResourceProperties('AWS::SageMaker::ModelPackageGroup', { ModelPackageGroupName: 'hk-claims-fraud' });
    t.hasResourceProperties('AWS::SageMaker::ModelPackage', {
      ModelApprovalStatus: 'Approved',
      CustomerMetadataProperties: Match.objectLike({ sha256: FRAUD_ONNX_SHA256, version: '3', fileName: 'fraud.onnx' }),
    });
    t.hasResourceProperties('Custom::SovereignMlModelUpload', { DestinationKey: 'models/hk-claims-fraud/3/fraud.onnx', Sha256: FRAUD_ONNX_SHA256 });
  });

  test('enforces Boundary.HONG_KONG: clean residency report listing every resource', () => {
    const dir = result.assembly!.directory;
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'residency-report.json'), 'utf8')) as {
      summary: { verdict: string }; resources: Array<{ logicalId: string; location: string }>; findings: Array<{ ruleId: string; severity: string }>;
    };
    expect(report.summary.verdict).toBe('clean');
    expect(report.findings.map((f) => `${f.ruleId}:${f.severity}`)).toEqual(['RES-OPT-IN-REGION:info']);
    const template = result.assembly!.stacks[0]!.template as { Resources: Record<string, { Type: string }> };
    const expected = Object.entries(template.Resources).filter(([, r]) => r.Type !== 'AWS::CDK::Metadata').map(([id]) => id).sort();
    expect(report.resources.map((r) => r.logicalId).sort()).toEqual(expected);
    report.resources.forEach((r) => expect(r.location).toBe('region:ap-east-1'));
    expect(fs.readFileSync(path.join(dir, 'residency-report.md'), 'utf8')).toContain('flowchart LR');
  });

  test('carries the deploy-time and run-time guards', () => {
    const t = Template.fromJSON(result.assembly!.stacks[0]!.template);
    expect(t.toJSON().Rules.SovereignMlResidencyRegion.Assertions[0].Assert).toEqual({ 'Fn::Contains': [['ap-east-1'], { Ref: 'AWS::Region' }] });
    const roles = Object.values(t.findResources('AWS::IAM::Role'));
    expect(roles.length).toBeGreaterThan(0);
    roles.forEach((r) => expect(r.Properties.PermissionsBoundary).toBeDefined());
  });

  test('serves the model from a real-time endpoint with capture and a canary deployment, and a dashboard', () => {
    const t = Template.fromJSON(result.assembly!.stacks[0]!.template);
    t.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: Match.objectLike({ Image: '871362719292.dkr.ecr.ap-east-1.amazonaws.com/sagemaker-tritonserver:24.09-py3' }),
    });
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      DataCaptureConfig: Match.objectLike({ EnableCapture: true, InitialSamplingPercentage: 20 }),
    });
    t.hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: Match.objectLike({ BlueGreenUpdatePolicy: Match.objectLike({
        TrafficRoutingConfiguration: { Type: 'CANARY', CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 }, WaitIntervalInSeconds: 600 },
      }) }),
    });
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ MODEL_SHA256: FRAUD_ONNX_SHA256, CAPTURE_SAMPLING_PERCENT: '10' }) } });
  });

  test('watches drift on both the endpoint and the ONNX scorer, hourly, against the training baseline', () => {
    const t = Template.fromJSON(result.assembly!.stacks[0]!.template);
    t.resourceCountIs('AWS::Scheduler::Schedule', 2);
    t.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 hour)' });
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ CAPTURE_FORMAT: 'sagemaker', CAPTURE_PREFIX: Match.stringLikeRegexp('^endpoint-capture/') }) } });
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ CAPTURE_FORMAT: 'onnx', CAPTURE_PREFIX: 'capture/hk-claims-fraud/3/' }) } });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Drifted', Namespace: 'SovereignML/Drift' });
  });
});
