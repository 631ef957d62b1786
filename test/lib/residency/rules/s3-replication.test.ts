import { Boundary } from '../../../../lib/residency/boundary';
import { DataClass, EXTERNALS_METADATA_KEY } from '../../../../lib/residency/data-class';
import { audit, findingsOf, problems, stackDoc } from '../../../support/residency';

const source = (destination: unknown, classes: string[] = [DataClass.TRAINING_DATA]) => ({
  Source: {
    Type: 'AWS::S3::Bucket',
    Metadata: { 'sovereign-ml:dataClasses': classes },
    Properties: {
      VersioningConfiguration: { Status: 'Enabled' },
      ReplicationConfiguration: {
        Role: 'arn:aws:iam::111111111111:role/replication',
        Rules: [{ Status: 'Enabled', Destination: { Bucket: destination } }],
      },
    },
  },
});
const PATH = 'Properties.ReplicationConfiguration.Rules.0.Destination.Bucket';

const mrap = (buckets: unknown[]) => ({
  Mrap: { Type: 'AWS::S3::MultiRegionAccessPoint', Properties: { Name: 'lake', Regions: buckets.map((Bucket) => ({ Bucket })) } },
});

describe('RES-S3-REPLICATION', () => {
  test.each([
    ['a GetAtt of a bucket of the same stack', { 'Fn::GetAtt': ['Replica', 'Arn'] }],
    ['a literal ARN of a bucket of the app, found by name', 'arn:aws:s3:::hk-replica'],
  ])('compliant: %s', (_, destination) => {
    const result = audit(stackDoc({
      ...source(destination),
      Replica: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'hk-replica' } },
    }));
    expect(problems(result)).toEqual([]);
    expect(result.flows).toContainEqual(expect.objectContaining({ ruleId: 'RES-S3-REPLICATION', kind: 'replication', to: 'region:ap-east-1', allowed: true }));
  });

  test('violating: replication to a bucket of a us-west-2 stack, by literal ARN', () => {
    const result = audit([
      stackDoc(source('arn:aws:s3:::us-replica'), { name: 'Hk' }),
      stackDoc({ Replica: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'us-replica' } } }, { name: 'Us', region: 'us-west-2' }),
    ]);
    const f = findingsOf(result, 'RES-S3-REPLICATION');
    expect(f).toEqual([expect.objectContaining({ stackName: 'Hk', logicalId: 'Source', propertyPath: PATH, severity: 'error', dataClasses: [DataClass.TRAINING_DATA] })]);
    expect(f[0]!.message).toBe('replication destination ReplicationConfiguration.Rules.0.Destination.Bucket of Source sends training-data data to us-west-2 (bucket us-replica is Replica of stack Us), outside hong-kong (ap-east-1)');
    // The generic S3 scan does not report the claimed property again.
    expect(findingsOf(result, 'RES-S3-LOCATION')).toEqual([]);
  });

  test('violating: a bucket declared external in eu-west-1', () => {
    const result = audit(stackDoc(source('arn:aws:s3:::partner-archive'), {
      template: { Metadata: { [EXTERNALS_METADATA_KEY]: [{ bucketName: 'partner-archive', location: 'region:eu-west-1' }] } },
    }));
    expect(findingsOf(result, 'RES-S3-REPLICATION')).toEqual([expect.objectContaining({ propertyPath: PATH })]);
  });

  test('an unknown destination bucket fails closed', () => {
    const result = audit(stackDoc(source('arn:aws:s3:::somebody-elses-bucket')));
    const f = findingsOf(result, 'RES-UNKNOWN-LOCATION');
    expect(f).toEqual([expect.objectContaining({ logicalId: 'Source', propertyPath: PATH })]);
    expect(f[0]!.message).toContain('bucket "somebody-elses-bucket" is not in the app and not declared external');
    expect(findingsOf(result, 'RES-S3-LOCATION')).toEqual([]);
  });

  test('telemetry may replicate where the policy lets telemetry go', () => {
    const doc = stackDoc(source('arn:aws:s3:::metrics-us', [DataClass.TELEMETRY]), {
      template: { Metadata: { [EXTERNALS_METADATA_KEY]: [{ bucketName: 'metrics-us', location: 'region:us-east-1' }] } },
    });
    expect(problems(audit(doc, { boundary: Boundary.HONG_KONG, dataClasses: { [DataClass.TELEMETRY]: Boundary.ANYWHERE } }))).toEqual([]);
  });
});

describe('RES-S3-REPLICATION: Multi-Region Access Points', () => {
  test('compliant: every bucket in ap-east-1', () => {
    const result = audit(stackDoc({
      ...mrap([{ Ref: 'A' }, 'hk-b']),
      A: { Type: 'AWS::S3::Bucket' },
      B: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'hk-b' } },
    }));
    expect(problems(result)).toEqual([]);
  });

  test('violating: one bucket in us-east-1, checked with the classes of every bucket', () => {
    const result = audit([
      stackDoc({ ...mrap([{ Ref: 'A' }, 'us-b']), A: { Type: 'AWS::S3::Bucket', Metadata: { 'sovereign-ml:dataClasses': [DataClass.PERSONAL] } } }, { name: 'Hk' }),
      stackDoc({ B: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'us-b' } } }, { name: 'Us', region: 'us-east-1' }),
    ]);
    const f = findingsOf(result, 'RES-S3-REPLICATION');
    expect(f).toEqual([expect.objectContaining({ logicalId: 'Mrap', propertyPath: 'Properties.Regions.1.Bucket', dataClasses: [DataClass.PERSONAL] })]);
    expect(f[0]!.message).toContain('bucket Regions.1.Bucket of multi-Region access point Mrap sends personal data to us-east-1');
    expect(f[0]!.fix).toContain('Multi-Region Access Point');
  });

  test('an unknown bucket fails closed', () => {
    const f = findingsOf(audit(stackDoc(mrap(['not-ours']))), 'RES-UNKNOWN-LOCATION');
    expect(f).toEqual([expect.objectContaining({ logicalId: 'Mrap', propertyPath: 'Properties.Regions.0.Bucket' })]);
  });
});
