import { CopyObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { ChecksumMismatchError, copyModel, hexToBase64, type CopyModelEvent } from '../../../lambda/model-upload/copy-model';
import { ABC_SHA256 } from '../../support/app';

/** base64 of SHA-256("abc"): `printf abc | openssl dgst -sha256 -binary | base64`. */
const ABC_SHA256_BASE64 = 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'ap-east-1' });

function event(requestType: CopyModelEvent['RequestType'], physicalId?: string): CopyModelEvent {
  return {
    RequestType: requestType,
    PhysicalResourceId: physicalId,
    ResourceProperties: {
      SourceBucket: 'cdk-assets',
      SourceKey: 'abc123.onnx',
      DestinationBucket: 'registry',
      DestinationKey: 'models/fraud/3/fraud.onnx',
      Sha256: ABC_SHA256,
    },
  };
}

function notFound(): S3ServiceException {
  return new S3ServiceException({ name: 'NotFound', $fault: 'client', $metadata: { httpStatusCode: 404 }, message: 'Not Found' });
}

beforeEach(() => s3Mock.reset());

test('hexToBase64 turns the hex digest into the form S3 reports', () => {
  expect(hexToBase64(ABC_SHA256)).toBe(ABC_SHA256_BASE64);
});

test('Create copies with an S3 SHA-256 checksum and reports the version', async () => {
  s3Mock.on(HeadObjectCommand).rejects(notFound());
  s3Mock.on(CopyObjectCommand).resolves({ VersionId: 'v1', CopyObjectResult: { ChecksumSHA256: ABC_SHA256_BASE64 } });
  const result = await copyModel(event('Create'), s3);
  expect(result).toEqual({ PhysicalResourceId: 's3://registry/models/fraud/3/fraud.onnx', Data: { VersionId: 'v1', ChecksumSHA256: ABC_SHA256_BASE64, Copied: 'true' } });
  const copy = s3Mock.commandCalls(CopyObjectCommand)[0]!.args[0].input;
  expect(copy).toMatchObject({ Bucket: 'registry', Key: 'models/fraud/3/fraud.onnx', CopySource: 'cdk-assets/abc123.onnx', ChecksumAlgorithm: 'SHA256' });
});

test('fails when the copied bytes have another SHA-256', async () => {
  s3Mock.on(HeadObjectCommand).rejects(notFound());
  s3Mock.on(CopyObjectCommand).resolves({ VersionId: 'v1', CopyObjectResult: { ChecksumSHA256: hexToBase64('00'.repeat(32)) } });
  await expect(copyModel(event('Create'), s3)).rejects.toThrow(ChecksumMismatchError);
});

test('fails when S3 reports no checksum at all', async () => {
  s3Mock.on(HeadObjectCommand).rejects(notFound());
  s3Mock.on(CopyObjectCommand).resolves({ VersionId: 'v1', CopyObjectResult: {} });
  await expect(copyModel(event('Create'), s3)).rejects.toThrow('(none reported)');
});

test('an Update whose object already holds the same bytes copies nothing', async () => {
  s3Mock.on(HeadObjectCommand).resolves({ ChecksumSHA256: ABC_SHA256_BASE64, VersionId: 'v0' });
  const result = await copyModel(event('Update', 's3://registry/models/fraud/3/fraud.onnx'), s3);
  expect(result.Data).toEqual({ VersionId: 'v0', ChecksumSHA256: ABC_SHA256_BASE64, Copied: 'false' });
  expect(s3Mock.commandCalls(CopyObjectCommand)).toHaveLength(0);
});

test('an object with other bytes at the key is copied over as a new version', async () => {
  s3Mock.on(HeadObjectCommand).resolves({ ChecksumSHA256: hexToBase64('11'.repeat(32)), VersionId: 'v0' });
  s3Mock.on(CopyObjectCommand).resolves({ VersionId: 'v2', CopyObjectResult: { ChecksumSHA256: ABC_SHA256_BASE64 } });
  expect((await copyModel(event('Update', 'x'), s3)).Data.VersionId).toBe('v2');
});

test('access errors from S3 are not mistaken for a missing object', async () => {
  s3Mock.on(HeadObjectCommand).rejects(new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'Access Denied' }));
  await expect(copyModel(event('Create'), s3)).rejects.toThrow('Access Denied');
  expect(s3Mock.commandCalls(CopyObjectCommand)).toHaveLength(0);
});

test('Delete keeps the object and calls no S3 API', async () => {
  const result = await copyModel(event('Delete', 's3://registry/models/fraud/3/fraud.onnx'), s3);
  expect(result.PhysicalResourceId).toBe('s3://registry/models/fraud/3/fraud.onnx');
  expect(s3Mock.calls()).toHaveLength(0);
});
