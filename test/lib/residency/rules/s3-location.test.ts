import { DataClass } from '../../../../lib/residency/data-class';
import { Boundary } from '../../../../lib/residency/boundary';
import { EXTERNALS_METADATA_KEY } from '../../../../lib/residency/data-class';
import { audit, findingsOf, problems, stackDoc } from '../../../support/residency';

const capture = (uri: unknown) => ({
  Config: {
    Type: 'AWS::SageMaker::EndpointConfig',
    Properties: { ProductionVariants: [], DataCaptureConfig: { DestinationS3Uri: uri, InitialSamplingPercentage: 20, CaptureOptions: [{ CaptureMode: 'Input' }] } },
  },
});

describe('RES-S3-LOCATION', () => {
  test('compliant: a capture destination in a bucket of the same stack', () => {
    const result = audit(stackDoc({
      ...capture({ 'Fn::Join': ['', ['s3://', { Ref: 'Capture' }, '/capture']] }),
      Capture: { Type: 'AWS::S3::Bucket' },
    }));
    expect(problems(result)).toEqual([]);
    expect(result.flows).toEqual([expect.objectContaining({ kind: 's3', to: 'region:ap-east-1', allowed: true })]);
  });

  test('violating: a capture destination in a bucket of a us-east-1 stack, found by name', () => {
    const result = audit([
      stackDoc(capture('s3://us-lake/capture'), { name: 'Hk' }),
      stackDoc({ Lake: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'us-lake' } } }, { name: 'Us', region: 'us-east-1' }),
    ]);
    const f = findingsOf(result, 'RES-S3-LOCATION');
    expect(f).toEqual([expect.objectContaining({ stackName: 'Hk', logicalId: 'Config', propertyPath: 'Properties.DataCaptureConfig.DestinationS3Uri' })]);
    expect(f[0]!.message).toContain('us-east-1 (bucket us-lake is Lake of stack Us)');
  });

  test('an unknown bucket fails closed as RES-UNKNOWN-LOCATION', () => {
    const result = audit(stackDoc(capture('s3://partner-drop/capture')));
    expect(findingsOf(result, 'RES-UNKNOWN-LOCATION')).toEqual([expect.objectContaining({ severity: 'error', propertyPath: 'Properties.DataCaptureConfig.DestinationS3Uri' })]);
  });

  test('a bucket declared external inside the boundary is compliant', () => {
    const result = audit(stackDoc(capture('s3://partner-drop/capture'), {
      template: { Metadata: { [EXTERNALS_METADATA_KEY]: [{ bucketName: 'partner-drop', location: 'region:ap-east-1' }] } },
    }));
    expect(problems(result)).toEqual([]);
  });

  test('a bucket declared external outside the boundary is a violation', () => {
    const result = audit(stackDoc(capture('s3://partner-drop/capture'), {
      template: { Metadata: { [EXTERNALS_METADATA_KEY]: [{ bucketName: 'partner-drop', location: 'region:ap-southeast-1' }] } },
    }));
    expect(findingsOf(result, 'RES-S3-LOCATION')).toHaveLength(1);
  });

  test('the CDK bootstrap bucket is placed by its name', () => {
    const code = (bucket: string) => stackDoc({ Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Bucket: bucket, S3Key: 'x.zip' } } } });
    expect(problems(audit(code('cdk-hnb659fds-assets-111111111111-ap-east-1')))).toEqual([]);
    expect(findingsOf(audit(code('cdk-hnb659fds-assets-111111111111-us-west-2')), 'RES-S3-LOCATION')).toHaveLength(1);
    expect(findingsOf(audit(stackDoc({ Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Bucket: { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' } } } } })), 'RES-S3-LOCATION')).toEqual([]);
  });

  test('S3 ARNs in any property are checked, Firehose destinations included', () => {
    const result = audit([
      stackDoc({ Stream: { Type: 'AWS::KinesisFirehose::DeliveryStream', Properties: { ExtendedS3DestinationConfiguration: { BucketARN: 'arn:aws:s3:::eu-archive', RoleARN: 'arn:aws:iam::111111111111:role/r' } } } }, { name: 'Hk' }),
      stackDoc({ B: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'eu-archive' } } }, { name: 'Eu', region: 'eu-west-1' }),
    ]);
    expect(findingsOf(result, 'RES-S3-LOCATION')).toEqual([expect.objectContaining({ propertyPath: 'Properties.ExtendedS3DestinationConfiguration.BucketARN' })]);
  });

  test('a per-class boundary lets telemetry go where model artifacts may not', () => {
    const logs = stackDoc({
      Src: { Type: 'AWS::S3::Bucket', Metadata: { 'sovereign-ml:dataClasses': [DataClass.TELEMETRY] }, Properties: { LoggingConfiguration: { DestinationBucketName: 'central-logs' } } },
    }, { template: { Metadata: { [EXTERNALS_METADATA_KEY]: [{ bucketName: 'central-logs', location: 'region:ap-southeast-1' }] } } });
    expect(findingsOf(audit(logs), 'RES-S3-LOCATION')).toHaveLength(1);
    expect(findingsOf(audit(logs, { boundary: Boundary.HONG_KONG, dataClasses: { [DataClass.TELEMETRY]: Boundary.ANYWHERE } }), 'RES-S3-LOCATION')).toEqual([]);
  });
});
