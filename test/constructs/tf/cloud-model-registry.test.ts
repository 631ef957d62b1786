import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudModelRegistry, SiteIdentity } from '../../../constructs/tf';
import { Testing } from '../../../constructs/tf/private/cdktf';
import { KmsKey, S3Bucket, S3BucketPublicAccessBlock, S3BucketVersioning } from '../../../constructs/tf/private/providers';
import { ErrorCode } from '../../../lib/errors';
import { errorOf } from '../../support/errors';
import { annotation, at, newStack, onlyResource, parseJson, resources, terraformJson, text } from './tf-support';

const MODEL = path.join(__dirname, '..', '..', '..', 'examples', 'hk-fraud', 'model', 'fraud.onnx');

function registry(props: Partial<ConstructorParameters<typeof CloudModelRegistry>[2]> = {}) {
  const stack = newStack();
  const r = new CloudModelRegistry(stack, 'Registry', { region: 'ap-east-1', ...props });
  return { stack, registry: r };
}

describe('CloudModelRegistry', () => {
  test('creates a versioned, KMS-encrypted, private bucket pinned to the region', () => {
    const { stack } = registry();
    const synthesized = Testing.synth(stack);
    expect(synthesized).toHaveResourceWithProperties(S3Bucket, { region: 'ap-east-1', bucket_prefix: 'sovereign-ml-models-', force_destroy: false });
    expect(synthesized).toHaveResourceWithProperties(S3BucketVersioning, { versioning_configuration: { status: 'Enabled' } });
    expect(synthesized).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
    });
    expect(synthesized).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, region: 'ap-east-1' });

    const json = terraformJson(stack);
    const encryption = resources(json, 'aws_s3_bucket_server_side_encryption_configuration').find((r) => at(r, 'rule.0.apply_server_side_encryption_by_default.sse_algorithm') === 'aws:kms')!;
    expect(at(encryption, 'rule.0')).toMatchObject({ bucket_key_enabled: true, apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' } });
    expect(at(encryption, 'rule.0.apply_server_side_encryption_by_default.kms_master_key_id')).toMatch(/^\$\{aws_kms_key\.\w+\.arn\}$/);
    for (const controls of resources(json, 'aws_s3_bucket_ownership_controls')) expect(controls.rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
    // Every regional resource names its region: the residency engine needs no provider to place it.
    for (const [type, blocks] of Object.entries(json.resource ?? {})) {
      if (type.startsWith('aws_iam_')) continue;
      for (const block of Object.values(blocks)) expect(block.region).toBe('ap-east-1');
    }
  });

  test('logs access to an SSE-S3 log bucket that accepts logs from the registry bucket only', () => {
    const json = terraformJson(registry().stack);
    const [modelsName, logsName] = ['models', 'model-logs'].map((kind) =>
      Object.entries(json.resource!.aws_s3_bucket!).find(([, b]) => b.bucket_prefix === `sovereign-ml-${kind}-`)![0]);
    expect(onlyResource(json, 'aws_s3_bucket_logging')).toMatchObject({ bucket: `\${aws_s3_bucket.${modelsName}.id}`, target_bucket: `\${aws_s3_bucket.${logsName}.id}` });
    const logsEncryption = resources(json, 'aws_s3_bucket_server_side_encryption_configuration').find((r) => text(r.bucket).includes(logsName!))!;
    expect(at(logsEncryption, 'rule.0.apply_server_side_encryption_by_default')).toEqual({ sse_algorithm: 'AES256' });
    const logsPolicy = parseJson(text(resources(json, 'aws_s3_bucket_policy').find((r) => text(r.bucket).includes(logsName!))!.policy));
    const logsArn = `\${aws_s3_bucket.${logsName}.arn}`;
    // TLS 1.2 or later only, as the registry bucket, and log delivery from the registry bucket only.
    expect(at(logsPolicy, 'Statement')).toEqual([
      { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [logsArn, `${logsArn}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      { Sid: 'DenyOutdatedTls', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [logsArn, `${logsArn}/*`], Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } },
      {
        Sid: 'AllowLogDelivery', Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject',
        Resource: `${logsArn}/*`, Condition: { ArnLike: { 'aws:SourceArn': `\${aws_s3_bucket.${modelsName}.arn}` } },
      },
    ]);
    expect(annotation(json.resource!.aws_s3_bucket![logsName!]!)).toEqual({ dataClasses: ['telemetry'] });
    expect(resources(terraformJson(registry({ accessLogs: false }).stack), 'aws_s3_bucket')).toHaveLength(1);
  });

  test('denies requests without TLS 1.2', () => {
    const json = terraformJson(registry().stack);
    const [modelsName] = Object.entries(json.resource?.aws_s3_bucket ?? {}).find(([, b]) => b.bucket_prefix === 'sovereign-ml-models-')!;
    const policy = parseJson(text(resources(json, 'aws_s3_bucket_policy').find((r) => !text(r.policy).includes('logging.s3'))!.policy));
    const arn = `\${aws_s3_bucket.${modelsName}.arn}`;
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [arn, `${arn}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
        { Sid: 'DenyOutdatedTls', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [arn, `${arn}/*`], Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } },
      ],
    });
  });

  test('the site user reads only the model prefix and decrypts only through S3 in the region', () => {
    const json = terraformJson(registry({ siteName: 'kwun-tong-dc' }).stack);
    expect(onlyResource(json, 'aws_iam_user').name).toBe('sovereign-ml-kwun-tong-dc-model-pull');
    expect(resources(json, 'aws_iam_access_key')).toHaveLength(0);
    const policy = parseJson(text(onlyResource(json, 'aws_iam_user_policy').policy));
    expect(at(policy, 'Statement')).toEqual([
      { Sid: 'ReadModels', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: expect.stringMatching(/^\$\{aws_s3_bucket\.\w+\.arn\}\/models\/\*$/) },
      {
        Sid: 'DecryptModels', Effect: 'Allow', Action: 'kms:Decrypt', Resource: expect.stringMatching(/^\$\{aws_kms_key\.\w+\.arn\}$/),
        Condition: { StringEquals: { 'kms:ViaService': 's3.ap-east-1.amazonaws.com' } },
      },
    ]);
  });

  test('a site name of 40 characters makes a 64-character IAM name, the most IAM takes; 41 is refused', () => {
    const site40 = 'kwun-tong-dc-0123456789-0123456789-abcde';
    expect(site40).toHaveLength(40);
    const name = text(onlyResource(terraformJson(registry({ siteName: site40 }).stack), 'aws_iam_user').name);
    expect(name).toBe('sovereign-ml-kwun-tong-dc-0123456789-0123456789-abcde-model-pull');
    expect(name).toHaveLength(64);
    const role = SiteIdentity.rolesAnywhere({ trustAnchorArn: 'arn:aws:rolesanywhere:ap-east-1:111111111111:trust-anchor/abc' });
    expect(text(onlyResource(terraformJson(registry({ siteName: site40, siteIdentity: role }).stack), 'aws_iam_role').name)).toHaveLength(64);
    const e = errorOf(() => registry({ siteName: `${site40}f` }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.detail).toBe('props.siteName must be 1-40 lower-case letters, digits and hyphens, starting with a letter or digit (IAM names hold 64 characters), got "kwun-tong-dc-0123456789-0123456789-abcdef"');
    expect(errorOf(() => registry({ siteName: '-dc' })).detail).toMatch(/^props\.siteName must be 1-40 lower-case letters/);
  });

  test('a Roles Anywhere role trusts only sessions through the trust anchor', () => {
    const anchor = 'arn:aws:rolesanywhere:ap-east-1:111111111111:trust-anchor/0f1e2d3c-aaaa-bbbb-cccc-000000000001';
    const json = terraformJson(registry({ siteIdentity: SiteIdentity.rolesAnywhere({ trustAnchorArn: anchor }) }).stack);
    expect(resources(json, 'aws_iam_user')).toHaveLength(0);
    const trust = parseJson(text(onlyResource(json, 'aws_iam_role').assume_role_policy));
    expect(at(trust, 'Statement')).toEqual([{
      Effect: 'Allow',
      Principal: { Service: 'rolesanywhere.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
      Condition: { ArnEquals: { 'aws:SourceArn': anchor } },
    }]);
    expect(at(parseJson(text(onlyResource(json, 'aws_iam_role_policy').policy)), 'Statement.0.Action')).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
  });

  test('addModel uploads the file with its SHA-256 and classifies bucket and object as model artifacts', () => {
    const { stack, registry: r } = registry({ bucketName: 'gba-models-test' });
    const model = r.addModel('Fraud', { path: MODEL, name: 'fraud', version: '3' });
    const expected = createHash('sha256').update(fs.readFileSync(MODEL)).digest('hex');
    expect(model).toMatchObject({ name: 'fraud', version: '3', region: 'ap-east-1', sha256: expected, objectKey: 'models/fraud/3/fraud.onnx' });

    const json = terraformJson(stack);
    expect(model.s3Uri).toBe('s3://gba-models-test/models/fraud/3/fraud.onnx');
    const object = onlyResource(json, 'aws_s3_object');
    expect(object).toMatchObject({
      key: 'models/fraud/3/fraud.onnx', checksum_algorithm: 'SHA256', source_hash: expected, server_side_encryption: 'aws:kms',
      bucket_key_enabled: true, metadata: { sha256: expected }, region: 'ap-east-1',
    });
    // The asset is named by the file's SHA-256 (cdktf need not read the file again to hash it).
    expect(object.source).toMatch(new RegExp(`^assets/[^/]+/${expected}/fraud\\.onnx$`));
    expect(annotation(object)).toEqual({ dataClasses: ['model-artifact'] });
    expect(annotation(resources(json, 'aws_s3_bucket').find((b) => b.bucket === 'gba-models-test')!)).toEqual({ dataClasses: ['model-artifact'] });
  });

  test('outputs what the site needs', () => {
    const json = terraformJson(registry({ bucketName: 'gba-models-test', modelPrefix: 'onnx/' }).stack);
    const [userName] = Object.keys(json.resource?.aws_iam_user ?? {});
    expect(Object.values(json.output ?? {}).map((o) => [o.description, o.value])).toEqual([
      ['Registry bucket the site pulls models from', 'gba-models-test'],
      ['Region of the registry (AWS_REGION on the site)', 'ap-east-1'],
      ['Key prefix the site may read', 'onnx/'],
      ["ARN of the site's pull-only IAM user", `\${aws_iam_user.${userName}.arn}`],
    ]);
    // Without a bucket name, the name Terraform generates.
    const generated = terraformJson(registry().stack);
    const [bucketName] = Object.entries(generated.resource?.aws_s3_bucket ?? {}).find(([, b]) => b.bucket_prefix === 'sovereign-ml-models-')!;
    expect(Object.values(generated.output ?? {})[0]).toEqual({ description: 'Registry bucket the site pulls models from', value: `\${aws_s3_bucket.${bucketName}.bucket}` });
  });

  test('fails when the region is not in the catalog', () => {
    const e = errorOf(() => registry({ region: 'ap-east-9' }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toMatch(/props\.region must be an AWS region in the catalog.*got "ap-east-9"/);
    expect(e.constructPath).toBe('test/Registry');
  });

  test('fails when the bucket name or model prefix is malformed', () => {
    expect(errorOf(() => registry({ bucketName: 'Models_Bucket' })).message).toMatch(/props\.bucketName must be 3-63 lower-case/);
    expect(errorOf(() => registry({ modelPrefix: 'models' })).message).toMatch(/props\.modelPrefix must be a key prefix ending in "\/"/);
    expect(errorOf(() => registry({ noncurrentVersionRetentionDays: 0 })).message).toMatch(/props\.noncurrentVersionRetentionDays must be a whole number of days from 1 to 3650, got 0/);
  });

  test('fails when a model version is added twice', () => {
    const { registry: r } = registry();
    r.addModel('V3', { path: MODEL, name: 'fraud', version: '3' });
    const e = errorOf(() => r.addModel('V3Again', { path: MODEL, name: 'fraud', version: '3' }));
    expect(e.code).toBe(ErrorCode.MODEL_VERSION_DUPLICATE);
  });

  test('a version whose file was missing can be added once the file is there', () => {
    const { stack, registry: r } = registry();
    expect(errorOf(() => r.addModel('V3', { path: '/nonexistent/model.onnx', name: 'fraud', version: '3' })).code).toBe(ErrorCode.MODEL_FILE_NOT_FOUND);
    expect(r.addModel('V3', { path: MODEL, name: 'fraud', version: '3' }).objectKey).toBe('models/fraud/3/fraud.onnx');
    expect(onlyResource(terraformJson(stack), 'aws_s3_object').key).toBe('models/fraud/3/fraud.onnx');
  });

  test.each([['..'], ['.'], ['-x'], ['--sha256']])('fails when a model name or version is %j: a key segment climbing out of the prefix, or an option', (bad) => {
    const { registry: r } = registry();
    const rule = 'must be 1-64 letters, digits, ".", "_" and "-", starting with a letter or digit';
    const version = errorOf(() => r.addModel('Bad', { path: MODEL, name: 'fraud', version: bad }));
    expect(version.code).toBe(ErrorCode.INVALID_PROPS);
    expect(version.detail).toBe(`addModel.version ${rule}, got ${JSON.stringify(bad)}`);
    expect(errorOf(() => r.addModel('Bad', { path: MODEL, name: bad, version: '1' })).detail).toBe(`addModel.name ${rule}, got ${JSON.stringify(bad)}`);
    // Dots inside a name are fine.
    expect(r.addModel('Dotted', { path: MODEL, name: 'fraud.v2', version: '1.0.0' }).objectKey).toBe('models/fraud.v2/1.0.0/fraud.onnx');
  });

  test('fails when the model file does not exist or the version is malformed', () => {
    const { registry: r } = registry();
    expect(errorOf(() => r.addModel('Missing', { path: '/nonexistent/model.onnx', name: 'fraud', version: '1' })).code).toBe(ErrorCode.MODEL_FILE_NOT_FOUND);
    expect(errorOf(() => r.addModel('Bad', { path: MODEL, name: 'fraud', version: '3 beta' })).message).toMatch(/addModel\.version must be 1-64 letters/);
  });
});
