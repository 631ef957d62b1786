import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack, Validations, Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Boundary, DataClass, DataResidency, ErrorCode, Location, ModelRegistry } from '../../../constructs';
import { DATA_CLASSES_METADATA_KEY, EXTERNALS_METADATA_KEY } from '../../../lib/residency';
import { ABC_FILE } from '../../support/app';
import { errorViolations, validatedSynth } from '../../support/validated-synth';
import { errorOf } from '../../support/errors';

const HK = { account: '111111111111', region: 'ap-east-1' };

function fnWithEnv(scope: Stack, id: string, variables: Record<string, string>): lambda.Function {
  return new lambda.Function(scope, id, { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>1'), environment: variables });
}

describe('DataResidency.enforce at synth time', () => {
  test('a clean Hong Kong app synthesizes and writes the report', () => {
    const result = validatedSynth((app) => {
      const stack = new Stack(app, 'Hk', { env: HK });
      new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'fraud' }).addModel('V1', { path: ABC_FILE, version: '1' });
      DataResidency.enforce(app, { boundary: Boundary.HONG_KONG });
    });
    expect(errorViolations(result)).toEqual([]);
    const dir = result.assembly!.directory;
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'residency-report.json'), 'utf8'));
    expect(report.summary.verdict).toBe('clean');
    const template = result.assembly!.getStackByName('Hk').template as { Resources: Record<string, unknown> };
    expect(report.resources).toHaveLength(Object.keys(template.Resources).length);
    expect(fs.readFileSync(path.join(dir, 'residency-report.md'), 'utf8')).toContain('```mermaid');
  });

  test('fails synth naming the rule, the construct path and the fix', () => {
    const result = validatedSynth((app) => {
      const stack = new Stack(app, 'Hk', { env: HK });
      fnWithEnv(stack, 'Scorer', { TARGET_QUEUE: 'arn:aws:sqs:us-west-2:111111111111:q' });
      DataResidency.enforce(app, { boundary: Boundary.HONG_KONG });
    });
    expect(result.error).toBeDefined();
    const v = errorViolations(result).filter((x) => x.plugin === 'Residency');
    expect(v).toEqual([expect.objectContaining({ ruleName: 'RES-ARN-REGION', constructPaths: ['Hk/Scorer/Resource'] })]);
  });

  test('an acknowledged finding no longer fails synth', () => {
    const result = validatedSynth((app) => {
      const stack = new Stack(app, 'Hk', { env: HK });
      const fn = fnWithEnv(stack, 'Scorer', { TARGET_QUEUE: 'arn:aws:sqs:us-west-2:111111111111:q' });
      Validations.of(fn).acknowledge({ id: 'Residency::RES-ARN-REGION', reason: 'the queue holds only aggregate counts (test)' });
      DataResidency.enforce(app, { boundary: Boundary.HONG_KONG });
    });
    expect(result.error).toBeUndefined();
    expect(errorViolations(result)).toEqual([]);
  });

  test('a partition breach is fatal and cannot be acknowledged', () => {
    const result = validatedSynth((app) => {
      const stack = new Stack(app, 'Hk', { env: HK });
      const fn = fnWithEnv(stack, 'Scorer', { CN_BUCKET: 'arn:aws-cn:s3:::mainland-lake' });
      Validations.of(fn).acknowledge({ id: 'Residency::RES-PARTITION', reason: 'trying to hide it (test)' });
      Validations.of(fn).acknowledge({ id: 'Residency::RES-S3-LOCATION', reason: 'test' });
      Validations.of(fn).acknowledge({ id: 'Residency::RES-UNKNOWN-LOCATION', reason: 'test' });
      DataResidency.enforce(app, { boundary: Boundary.HONG_KONG });
    });
    expect(result.error).toBeDefined();
    expect(result.violations.filter((v) => v.ruleName === 'RES-PARTITION')).toEqual([expect.objectContaining({ severity: 'fatal' })]);
  });

  test('fails when the scope is not an App or Stage', () => {
    const stack = new Stack(new App(), 'S');
    expect(errorOf(() => DataResidency.enforce(stack as unknown as App, { boundary: Boundary.HONG_KONG })).message).toContain('needs an App or a Stage');
  });
});

describe('deploy-time guard', () => {
  test('adds a Rules assertion on AWS::Region with the boundary regions', () => {
    const app = new App();
    const stack = new Stack(app, 'Hk', { env: HK });
    new s3.Bucket(stack, 'B');
    DataResidency.enforce(app, { boundary: Boundary.HONG_KONG, report: false });
    const rules = Template.fromStack(stack).toJSON().Rules;
    expect(rules.SovereignMlResidencyRegion).toEqual({
      Assertions: [{ Assert: { 'Fn::Contains': [['ap-east-1'], { Ref: 'AWS::Region' }] }, AssertDescription: expect.stringContaining('hong-kong (ap-east-1)') }],
    });
  });

  test('follows per-class boundaries of what the stack holds', () => {
    const app = new App();
    const stack = new Stack(app, 'Metrics', { env: { account: '111111111111', region: 'ap-southeast-1' } });
    DataResidency.classify(new s3.Bucket(stack, 'Aggregates'), DataClass.TELEMETRY);
    DataResidency.enforce(app, {
      boundary: Boundary.HONG_KONG,
      dataClasses: { [DataClass.TELEMETRY]: Boundary.regions('apac', ['ap-east-1', 'ap-southeast-1']) },
      report: false,
    });
    const assert = Template.fromStack(stack).toJSON().Rules.SovereignMlResidencyRegion.Assertions[0].Assert;
    expect(assert['Fn::Contains'][0]).toEqual(['ap-east-1', 'ap-southeast-1']);
  });

  test('can be turned off', () => {
    const app = new App();
    const stack = new Stack(app, 'Hk', { env: HK });
    new s3.Bucket(stack, 'B');
    DataResidency.enforce(app, { boundary: Boundary.HONG_KONG, deployTimeGuard: false, report: false });
    expect(Template.fromStack(stack).toJSON().Rules?.SovereignMlResidencyRegion).toBeUndefined();
  });
});

describe('run-time guard (permissionsBoundary)', () => {
  test('bounds every role with a policy denying regional actions outside the boundary', () => {
    const app = new App();
    const stack = new Stack(app, 'Hk', { env: HK });
    fnWithEnv(stack, 'Scorer', { MODE: 'x' });
    new iam.Role(stack, 'Pipeline', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
    DataResidency.enforce(app, { boundary: Boundary.HONG_KONG, permissionsBoundary: true, report: false });
    const t = Template.fromStack(stack);
    const policies = t.findResources('AWS::IAM::ManagedPolicy');
    const [policyId] = Object.keys(policies);
    const roles = Object.values(t.findResources('AWS::IAM::Role'));
    expect(roles).toHaveLength(2);
    roles.forEach((r) => expect(r.Properties.PermissionsBoundary).toEqual({ Ref: policyId }));
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Effect: 'Deny',
        NotAction: Match.arrayWith(['cloudfront:*', 'iam:*', 'sts:*']),
        Condition: { StringNotEquals: { 'aws:RequestedRegion': ['ap-east-1'] } },
      })]) },
    });
  });

  test('keeps a boundary the user set, with a warning', () => {
    const app = new App();
    const stack = new Stack(app, 'Hk', { env: HK });
    const own = new iam.ManagedPolicy(stack, 'Own', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] });
    new iam.Role(stack, 'Bounded', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), permissionsBoundary: own });
    DataResidency.enforce(app, { boundary: Boundary.HONG_KONG, permissionsBoundary: true, report: false });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { PermissionsBoundary: { Ref: Match.stringLikeRegexp('^Own') } });
    Annotations.fromStack(stack).hasWarning('/Hk/Bounded/Resource', Match.stringLikeRegexp('already has a permissions boundary'));
  });
});

describe('DataResidency.classify', () => {
  test('marks every resource under the construct, merging classes', () => {
    const app = new App();
    const stack = new Stack(app, 'Hk', { env: HK });
    const bucket = new s3.Bucket(stack, 'Claims', { enforceSSL: true });
    DataResidency.classify(bucket, DataClass.PERSONAL);
    DataResidency.classify(stack, DataClass.TRAINING_DATA);
    const t = Template.fromStack(stack);
    t.hasResource('AWS::S3::Bucket', { Metadata: { [DATA_CLASSES_METADATA_KEY]: ['personal', 'training-data'] } });
    t.hasResource('AWS::S3::BucketPolicy', { Metadata: { [DATA_CLASSES_METADATA_KEY]: ['personal', 'training-data'] } });
  });

  test('the registry marks its own resources', () => {
    const app = new App();
    const stack = new Stack(app, 'Hk', { env: HK });
    new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'fraud', noncurrentVersionExpiration: Duration.days(30) });
    const t = Template.fromStack(stack);
    t.hasResource('AWS::SageMaker::ModelPackageGroup', { Metadata: { [DATA_CLASSES_METADATA_KEY]: ['model-artifact'] } });
    t.hasResource('AWS::KMS::Key', { Metadata: { [DATA_CLASSES_METADATA_KEY]: ['model-artifact'] } });
  });

  test('fails without a class or with a class that is not a DataClass', () => {
    const stack = new Stack(new App(), 'S');
    expect(errorOf(() => DataResidency.classify(stack)).message).toContain('needs at least one data class');
    expect(errorOf(() => DataResidency.classify(stack, 'secret' as DataClass)).message).toContain('classes[0] must be a DataClass, got "secret"');
  });
});

describe('DataResidency.declareExternal', () => {
  test('records the declaration in the template metadata', () => {
    const stack = new Stack(new App(), 'Hk', { env: HK });
    DataResidency.declareExternal(stack, { bucketName: 'partner-drop', location: Location.region('ap-east-1'), description: 'DPA 2026-07' });
    DataResidency.declareExternal(stack, { url: 'https://hooks.partner.example.hk/', location: Location.onPrem('kwun-tong-dc') });
    expect(Template.fromStack(stack).toJSON().Metadata[EXTERNALS_METADATA_KEY]).toEqual([
      { bucketName: 'partner-drop', location: 'region:ap-east-1', description: 'DPA 2026-07' },
      { url: 'https://hooks.partner.example.hk/', location: 'site:kwun-tong-dc' },
    ]);
  });

  test.each([
    [{ location: Location.region('ap-east-1') }, 'exactly one of bucketName, arn, url, got none'],
    [{ bucketName: 'a', arn: 'arn:aws:s3:::a', location: Location.region('ap-east-1') }, 'got bucketName, arn'],
    [{ bucketName: 'a', location: Location.UNKNOWN }, 'must be a region or a site'],
  ])('fails when %j', (external, phrase) => {
    const stack = new Stack(new App(), 'Hk', { env: HK });
    const e = errorOf(() => DataResidency.declareExternal(stack, external));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toContain(phrase);
  });
});
