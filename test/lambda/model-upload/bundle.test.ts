/**
 * The model-upload handler as it ships: bundled by esbuild during synthesis, loaded from
 * the synthesized asset folder and run in its own Node process against a loopback fake
 * of S3 and of CloudFormation's response URL.
 */
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { ModelRegistry } from '../../../constructs';
import { hexToBase64 } from '../../../lambda/model-upload/copy-model';
import { ABC_FILE, ABC_SHA256, hkStack } from '../../support/app';
import { runBundledHandler, startFakeEndpoint, type RecordedRequest } from '../../support/run-bundle';

function synthesizedBundleDir(): string {
  const { app, stack } = hkStack({ 'aws:cdk:enable-asset-metadata': true });
  new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'fraud' }).addModel('V1', { path: ABC_FILE, version: '1' });
  const assembly = app.synth();
  const template = Template.fromStack(stack);
  const fns = template.findResources('AWS::Lambda::Function', { Properties: { Description: 'sovereign-ml: copy a model into the registry and verify its SHA-256' } });
  const fn = Object.values(fns)[0] as { Metadata: Record<string, string> };
  return path.join(assembly.directory, fn.Metadata['aws:asset:path']!);
}

const bundleDir = synthesizedBundleDir();

function cfnEvent(responseUrl: string, requestType: 'Create' | 'Delete') {
  return {
    RequestType: requestType,
    ResponseURL: `${responseUrl}/cfn-response?signed=1`,
    StackId: 'arn:aws:cloudformation:ap-east-1:111111111111:stack/TestStack/1',
    RequestId: 'req-1',
    LogicalResourceId: 'Upload',
    PhysicalResourceId: requestType === 'Delete' ? 's3://registry/models/fraud/1/abc.bin' : undefined,
    ResourceProperties: { SourceBucket: 'assets', SourceKey: 'abc.bin', DestinationBucket: 'registry', DestinationKey: 'models/fraud/1/abc.bin', Sha256: ABC_SHA256 },
  };
}

function s3Reply(checksumBase64: string) {
  return (req: RecordedRequest) => {
    if (req.url.startsWith('/cfn-response')) {
      return { status: 200 };
    }
    if (req.method === 'HEAD') {
      return { status: 404 };
    }
    return {
      status: 200,
      headers: { 'content-type': 'application/xml', 'x-amz-version-id': 'v42' },
      body: `<?xml version="1.0" encoding="UTF-8"?><CopyObjectResult><ETag>"e"</ETag><ChecksumSHA256>${checksumBase64}</ChecksumSHA256></CopyObjectResult>`,
    };
  };
}

test('the bundle copies with a SHA-256 checksum and reports SUCCESS to CloudFormation', async () => {
  const fake = await startFakeEndpoint(s3Reply(hexToBase64(ABC_SHA256)));
  try {
    const run = await runBundledHandler(bundleDir, cfnEvent(fake.url, 'Create'), { AWS_ENDPOINT_URL_S3: fake.url });
    expect(run.code).toBe(0);
    const copy = fake.requests.find((r) => r.method === 'PUT' && r.url.startsWith('/registry/'));
    expect(copy?.url).toBe('/registry/models/fraud/1/abc.bin?x-id=CopyObject');
    expect(copy?.headers['x-amz-copy-source']).toBe('assets/abc.bin');
    expect(copy?.headers['x-amz-checksum-algorithm']).toBe('SHA256');
    const response = JSON.parse(fake.requests.find((r) => r.url.startsWith('/cfn-response'))!.body);
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 's3://registry/models/fraud/1/abc.bin', RequestId: 'req-1', LogicalResourceId: 'Upload', Data: { VersionId: 'v42', Copied: 'true' } });
  } finally {
    await fake.close();
  }
});

test('a checksum mismatch reports FAILED with the reason and no stack trace', async () => {
  const fake = await startFakeEndpoint(s3Reply(hexToBase64('00'.repeat(32))));
  try {
    const run = await runBundledHandler(bundleDir, cfnEvent(fake.url, 'Create'), { AWS_ENDPOINT_URL_S3: fake.url });
    expect(run.code).toBe(0);
    const response = JSON.parse(fake.requests.find((r) => r.url.startsWith('/cfn-response'))!.body);
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/^ChecksumMismatchError: model copied to s3:\/\/registry\/models\/fraud\/1\/abc.bin has SHA-256/);
    expect(response.Reason).not.toContain('    at ');
  } finally {
    await fake.close();
  }
});

test('Delete answers SUCCESS without touching S3', async () => {
  const fake = await startFakeEndpoint(s3Reply(''));
  try {
    const run = await runBundledHandler(bundleDir, cfnEvent(fake.url, 'Delete'), { AWS_ENDPOINT_URL_S3: fake.url });
    expect(run.code).toBe(0);
    expect(fake.requests.map((r) => r.url.split('?')[0])).toEqual(['/cfn-response']);
    expect(JSON.parse(fake.requests[0]!.body).Status).toBe('SUCCESS');
  } finally {
    await fake.close();
  }
});
