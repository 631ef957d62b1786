import * as fs from 'node:fs';
import * as path from 'node:path';
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ErrorCode, ModelApprovalStatus, ModelArtifact, ModelRegistry, ObjectLock } from '../../../constructs';
import { ABC_FILE, ABC_SHA256, hkStack, tempDir } from '../../support/app';
import { errorOf } from '../../support/errors';

function registry(props: Partial<ConstructorParameters<typeof ModelRegistry>[2]> = {}) {
  const { stack } = hkStack();
  const reg = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'fraud', ...props });
  return { stack, reg };
}

describe('ModelRegistry bucket', () => {
  test('is versioned, SSE-KMS with a bucket key, blocks public access and logs access', () => {
    const { stack } = registry();
    const t = Template.fromStack(stack);
    const key = new Capture();
    const logs = new Capture();
    t.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [key, 'Arn'] } } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: { DestinationBucketName: { Ref: logs }, LogFilePrefix: 'registry/' },
    });
    expect(t.toJSON().Resources[key.asString()].Type).toBe('AWS::KMS::Key');
    expect(t.toJSON().Resources[key.asString()].Properties.EnableKeyRotation).toBe(true);
    expect(t.toJSON().Resources[logs.asString()].Type).toBe('AWS::S3::Bucket');
  });

  test('denies every request that is not TLS', () => {
    const { stack } = registry();
    Template.fromStack(stack).hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('expires noncurrent versions after a year by default and keeps ten', () => {
    const { stack } = registry();
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 365, NewerNoncurrentVersions: 10 }, Status: 'Enabled' })]) },
    });
  });

  test('noncurrent expiry is configurable', () => {
    const { stack } = registry({ noncurrentVersionExpiration: Duration.days(30), noncurrentVersionsToRetain: 2 });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30, NewerNoncurrentVersions: 2 } })]) },
    });
  });

  test.each([
    [ObjectLock.governance(Duration.days(30)), 'GOVERNANCE', 30],
    [ObjectLock.compliance(Duration.days(3650)), 'COMPLIANCE', 3650],
  ])('Object Lock in %s mode', (lock, mode, days) => {
    const { stack } = registry({ objectLock: lock });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: mode, Days: days } } },
    });
  });

  test('has no Object Lock unless asked', () => {
    const { stack } = registry();
    const buckets = Template.fromStack(stack).findResources('AWS::S3::Bucket');
    for (const bucket of Object.values(buckets)) {
      expect(bucket.Properties.ObjectLockEnabled).toBeUndefined();
    }
  });

  test('retains bucket and key by default and follows removalPolicy', () => {
    const t = Template.fromStack(registry().stack);
    t.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    t.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ VersioningConfiguration: { Status: 'Enabled' } }) });
    const destroy = Template.fromStack(registry({ removalPolicy: RemovalPolicy.DESTROY }).stack);
    destroy.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });

  test('uses a given log bucket instead of creating one', () => {
    const { stack } = hkStack();
    const logs = new s3.Bucket(stack, 'CentralLogs');
    new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'fraud', serverAccessLogsBucket: logs });
    Template.fromStack(stack).resourceCountIs('AWS::S3::Bucket', 2);
  });
});

describe('ModelRegistry model package group', () => {
  test('is created with the name and description', () => {
    const { stack } = registry({ description: 'fraud models' });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::ModelPackageGroup', {
      ModelPackageGroupName: 'fraud', ModelPackageGroupDescription: 'fraud models',
    });
  });
});

describe('addModel', () => {
  test('uploads to models/<group>/<version>/<file> and registers a package with the SHA-256', () => {
    const { stack, reg } = registry();
    const model = reg.addModel('V3', { path: ABC_FILE, version: '3', metadata: { commit: 'a1b2c3', trainingData: 's3://lake/claims-2026-10.csv' } });
    expect(model.objectKey).toBe('models/fraud/3/abc.bin');
    expect(model.sha256).toBe(ABC_SHA256);
    expect(model.version).toBe('3');
    expect(model.modelName).toBe('fraud');
    const bucketId = stack.getLogicalId(reg.bucket.node.defaultChild as s3.CfnBucket);
    expect(stack.resolve(model.s3Url)).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: bucketId }, '/models/fraud/3/abc.bin']] });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('Custom::SovereignMlModelUpload', {
      DestinationKey: 'models/fraud/3/abc.bin',
      Sha256: ABC_SHA256,
    });
    t.hasResourceProperties('AWS::SageMaker::ModelPackage', {
      ModelApprovalStatus: 'PendingManualApproval',
      CustomerMetadataProperties: Match.objectLike({ sha256: ABC_SHA256, version: '3', fileName: 'abc.bin', sizeBytes: '3', commit: 'a1b2c3', trainingData: 's3://lake/claims-2026-10.csv' }),
    });
  });

  test('the package is created after the upload and inside the group', () => {
    const { stack, reg } = registry();
    reg.addModel('V3', { path: ABC_FILE, version: '3', approvalStatus: ModelApprovalStatus.APPROVED });
    const t = Template.fromStack(stack);
    const pkg = Object.values(t.findResources('AWS::SageMaker::ModelPackage'))[0]!;
    const upload = Object.keys(t.findResources('Custom::SovereignMlModelUpload'))[0]!;
    const group = Object.keys(t.findResources('AWS::SageMaker::ModelPackageGroup'))[0]!;
    expect(pkg.DependsOn).toContain(upload);
    expect(pkg.Properties.ModelPackageGroupName).toEqual({ 'Fn::GetAtt': [group, 'ModelPackageGroupArn'] });
    expect(pkg.Properties.ModelApprovalStatus).toBe('Approved');
  });

  test('the upload role may read only its asset and write only its key, and never delete', () => {
    const { stack, reg } = registry();
    reg.addModel('V3', { path: ABC_FILE, version: '3' });
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
    const actions = statements.flatMap((s) => ([] as string[]).concat(s.Action));
    expect(actions.filter((a) => a.includes('Delete') || a.endsWith('*'))).toEqual([]);
    const resolved = JSON.stringify(statements.map((s) => s.Resource));
    expect(resolved).toContain('/models/fraud/3/abc.bin');
    expect(resolved).not.toMatch(/"\*"|\/\*"/);
  });

  test('two models share one upload function', () => {
    const { stack, reg } = registry();
    reg.addModel('V3', { path: ABC_FILE, version: '3' });
    reg.addModel('V4', { path: ABC_FILE, version: '4' });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Lambda::Function', 1);
    t.resourceCountIs('AWS::SageMaker::ModelPackage', 2);
  });

  test('fails when a version is registered twice', () => {
    const { reg } = registry();
    reg.addModel('V3', { path: ABC_FILE, version: '3' });
    const e = errorOf(() => reg.addModel('V3b', { path: ABC_FILE, version: '3' }));
    expect(e.code).toBe(ErrorCode.MODEL_VERSION_DUPLICATE);
    expect(e.message).toContain('addModel.version "3" is already registered in fraud');
  });

  test('fails when the file does not exist, naming the construct', () => {
    const { reg } = registry();
    const e = errorOf(() => reg.addModel('Missing', { path: 'nope/model.onnx', version: '1' }));
    expect(e.code).toBe(ErrorCode.MODEL_FILE_NOT_FOUND);
    expect(e.message).toContain('addModel.path must name an existing model file, got "nope/model.onnx"');
    expect(e.constructPath).toBe('TestStack/Registry/Missing');
  });

  test('fails when the file is empty', () => {
    const file = path.join(tempDir(), 'empty.onnx');
    fs.writeFileSync(file, '');
    const e = errorOf(() => registry().reg.addModel('Empty', { path: file, version: '1' }));
    expect(e.code).toBe(ErrorCode.MODEL_FILE_EMPTY);
  });

  test.each([
    [{ version: 'v 1' }, 'addModel.version must be a literal of 1-64 characters', '"v 1"'],
    [{ version: '' }, 'addModel.version must be a literal', '""'],
    [{ metadata: { sha256: 'x' } }, 'addModel.metadata.sha256 keys sha256, version, s3Uri, fileName, sizeBytes are written by the registry', ''],
    [{ metadata: { url: 'https://x.example/?a=1&b=2' } }, 'addModel.metadata.url may contain only letters, digits, spaces', '"https://x.example/?a=1&b=2"'],
    [{ metadata: { k: 'v'.repeat(257) } }, 'addModel.metadata.k must be at most 256 characters', ''],
  ])('fails when options are %j', (options, phrase, got) => {
    const e = errorOf(() => registry().reg.addModel('Bad', { path: ABC_FILE, version: '1', ...options }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toContain(phrase);
    expect(e.message).toContain(got);
  });

  test('fails when metadata has more entries than SageMaker allows beside the registry keys', () => {
    const metadata = Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`k${i}`, 'v']));
    const e = errorOf(() => registry().reg.addModel('Bad', { path: ABC_FILE, version: '1', metadata }));
    expect(e.message).toContain('addModel.metadata must have at most 45 entries');
  });
});

describe('fails on bad registry props', () => {
  test.each([
    [{ modelPackageGroupName: 'bad_name' }, 'props.modelPackageGroupName must be 1-63 characters of letters, digits and hyphens', '"bad_name"'],
    [{ modelPackageGroupName: '-fraud' }, 'props.modelPackageGroupName must be 1-63', '"-fraud"'],
    [{ modelPackageGroupName: 'a'.repeat(64) }, 'props.modelPackageGroupName must be 1-63', ''],
    [{ noncurrentVersionExpiration: Duration.days(0) }, 'props.noncurrentVersionExpiration must be between 1 and 36500 whole days', 'got 0'],
    [{ noncurrentVersionExpiration: Duration.hours(36) }, 'props.noncurrentVersionExpiration must be between 1 and 36500 whole days', 'got 1.5'],
    [{ noncurrentVersionsToRetain: 101 }, 'props.noncurrentVersionsToRetain must be a whole number between 1 and 100', 'got 101'],
  ])('fails when %j', (props, phrase, got) => {
    const e = errorOf(() => registry(props));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toContain(phrase);
    expect(e.message).toContain(got);
    expect(e.constructPath).toBe('TestStack/Registry');
  });

  test.each([
    [ObjectLock.governance(Duration.hours(12)), '12 hours'],
    [ObjectLock.compliance(Duration.days(36501)), '36501 days'],
  ])('fails when Object Lock retention is %s', (lock, shown) => {
    const e = errorOf(() => registry({ objectLock: lock }));
    expect(e.message).toBe(`props.objectLock.retention must be a whole number of days between 1 and 36500, got ${shown} (at TestStack/Registry)`);
  });

  test('fails when the group name is a deploy-time token', () => {
    const { stack } = hkStack();
    const e = errorOf(() => new ModelRegistry(stack, 'Registry', { modelPackageGroupName: Aws.STACK_NAME }));
    expect(e.message).toContain('props.modelPackageGroupName must be a literal string');
  });
});

describe('grants', () => {
  test('grantRead gives read on models/* with decrypt, and describe on the group', () => {
    const { stack, reg } = registry();
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    reg.grantRead(role);
    const t = Template.fromStack(stack);
    const doc = JSON.stringify(Object.values(t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('Reader') }] } }))[0]!.Properties.PolicyDocument);
    expect(doc).toContain('s3:GetObject*');
    expect(doc).toContain('/models/*');
    expect(doc).toContain('kms:Decrypt');
    expect(doc).toContain('sagemaker:DescribeModelPackage');
    expect(doc).toContain(':model-package/fraud/*');
    expect(doc).not.toContain('s3:PutObject');
    expect(doc).not.toContain('Delete');
  });

  test('grantWrite gives put on models/* with encrypt and CreateModelPackage, never delete', () => {
    const { stack, reg } = registry();
    const role = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
    reg.grantWrite(role);
    const doc = JSON.stringify(Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('Writer') }] } }))[0]!.Properties.PolicyDocument);
    expect(doc).toContain('s3:PutObject');
    expect(doc).toContain('kms:GenerateDataKey');
    expect(doc).toContain('sagemaker:CreateModelPackage');
    expect(doc).not.toContain('Delete');
  });

  test('an artifact grants read on its own key only', () => {
    const { stack, reg } = registry();
    const model = reg.addModel('V3', { path: ABC_FILE, version: '3' });
    const role = new iam.Role(stack, 'Server', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    model.grantRead(role);
    const doc = JSON.stringify(Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('Server') }] } }))[0]!.Properties.PolicyDocument);
    expect(doc).toContain('/models/fraud/3/abc.bin');
    expect(doc).not.toContain('/models/*');
  });
});

describe('imports', () => {
  test('fromModelRegistryAttributes supports grants and addModel', () => {
    const { stack } = hkStack();
    const imported = ModelRegistry.fromModelRegistryAttributes(stack, 'Imported', {
      bucketArn: 'arn:aws:s3:::shared-registry',
      modelPackageGroupName: 'Fraud',
      encryptionKeyArn: 'arn:aws:kms:ap-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    imported.grantRead(role);
    const model = imported.addModel('V1', { path: ABC_FILE, version: '1' });
    expect(model.objectKey).toBe('models/Fraud/1/abc.bin');
    const t = Template.fromStack(stack);
    const doc = JSON.stringify(t.toJSON().Resources);
    expect(doc).toContain('arn:aws:s3:::shared-registry/models/*');
    expect(doc).toContain(':model-package-group/fraud');
    t.hasResourceProperties('AWS::SageMaker::ModelPackage', { CustomerMetadataProperties: Match.objectLike({ sha256: ABC_SHA256 }) });
  });

  test('fails when an imported group name is invalid', () => {
    const { stack } = hkStack();
    const e = errorOf(() => ModelRegistry.fromModelRegistryAttributes(stack, 'Imported', { bucketArn: 'arn:aws:s3:::b', modelPackageGroupName: 'no spaces' }));
    expect(e.message).toContain('attrs.modelPackageGroupName must be 1-63 characters');
  });

  test('fromArtifactAttributes validates the digest', () => {
    const { stack } = hkStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'bkt');
    const ok = ModelArtifact.fromArtifactAttributes(stack, 'A', { bucket, objectKey: 'k/m.onnx', sha256: ABC_SHA256, version: '1', modelName: 'm' });
    expect(stack.resolve(ok.s3Url)).toBe('s3://bkt/k/m.onnx');
    const e = errorOf(() => ModelArtifact.fromArtifactAttributes(stack, 'Bad', { bucket, objectKey: 'k', sha256: 'ABC', version: '1', modelName: 'm' }));
    expect(e.message).toContain('attrs.sha256 must be 64 lower-case hex characters, got "ABC"');
  });
});
