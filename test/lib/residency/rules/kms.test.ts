import { Boundary } from '../../../../lib/residency/boundary';
import { DataClass } from '../../../../lib/residency/data-class';
import { audit, findingsOf, problems, stackDoc } from '../../../support/residency';

const logGroup = (key: unknown) => ({ Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30, KmsKeyId: key } } });

describe('RES-KMS', () => {
  test.each([
    ['a key of the stack', { 'Fn::GetAtt': ['Key', 'Arn'] }],
    ['a literal key ARN in ap-east-1', 'arn:aws:kms:ap-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['a key ARN built from the stack region', { 'Fn::Sub': 'arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:alias/logs' }],
    ['a bare key id (resolved in the stack region)', '1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['an alias name', 'alias/logs'],
  ])('compliant: %s', (_, key) => {
    const result = audit(stackDoc({ ...logGroup(key), Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: {} } } }));
    expect(problems(result)).toEqual([]);
    expect(result.flows).toContainEqual(expect.objectContaining({ ruleId: 'RES-KMS', kind: 'kms', to: 'region:ap-east-1', allowed: true }));
  });

  test.each([
    ['AWS::Logs::LogGroup', { KmsKeyId: 'arn:aws:kms:us-east-1:111111111111:key/k' }, 'Properties.KmsKeyId'],
    ['AWS::S3::Bucket', { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'arn:aws:kms:us-east-1:111111111111:key/k' } }] } },
      'Properties.BucketEncryption.ServerSideEncryptionConfiguration.0.ServerSideEncryptionByDefault.KMSMasterKeyID'],
    ['AWS::SQS::Queue', { KmsMasterKeyId: 'arn:aws:kms:us-east-1:111111111111:alias/q' }, 'Properties.KmsMasterKeyId'],
    ['AWS::SageMaker::EndpointConfig', { ProductionVariants: [], KmsKeyId: 'arn:aws:kms:us-east-1:111111111111:key/k' }, 'Properties.KmsKeyId'],
    ['AWS::DynamoDB::Table', { KeySchema: [], SSESpecification: { SSEEnabled: true, KMSMasterKeyId: 'arn:aws:kms:us-east-1:111111111111:key/k' } }, 'Properties.SSESpecification.KMSMasterKeyId'],
  ])('violating: %s with a key in us-east-1', (type, properties, path) => {
    const result = audit(stackDoc({ R: { Type: type, Properties: properties } }));
    const f = findingsOf(result, 'RES-KMS');
    expect(f).toEqual([expect.objectContaining({ logicalId: 'R', propertyPath: path, severity: 'error' })]);
    expect(f[0]!.message).toContain(`encryption key ${path.replace(/^Properties\./, '')} of R sends data to us-east-1 (ARN region us-east-1)`);
    // The generic ARN scan skips the claimed property.
    expect(findingsOf(result, 'RES-ARN-REGION')).toEqual([]);
  });

  test('violating: a key of a stack in ap-southeast-1, imported by reference', () => {
    const result = audit([
      stackDoc(logGroup({ 'Fn::ImportValue': 'SgKeyArn' }), { name: 'Hk' }),
      stackDoc({ Key: { Type: 'AWS::KMS::Key' } }, { name: 'Sg', region: 'ap-southeast-1', template: { Outputs: { K: { Value: { 'Fn::GetAtt': ['Key', 'Arn'] }, Export: { Name: 'SgKeyArn' } } } } }),
    ]);
    expect(findingsOf(result, 'RES-KMS')).toEqual([expect.objectContaining({ stackName: 'Hk', propertyPath: 'Properties.KmsKeyId' })]);
  });

  test('a key given as a parameter fails closed', () => {
    const result = audit(stackDoc(logGroup({ Ref: 'LogKey' }), { template: { Parameters: { LogKey: { Type: 'String' } } } }));
    const f = findingsOf(result, 'RES-UNKNOWN-LOCATION');
    expect(f).toEqual([expect.objectContaining({ logicalId: 'Logs', propertyPath: 'Properties.KmsKeyId' })]);
    expect(f[0]!.message).toContain('parameter LogKey');
  });

  test('violating: a multi-Region key under a restricted boundary', () => {
    const result = audit(stackDoc({ Key: { Type: 'AWS::KMS::Key', Properties: { MultiRegion: true } } }));
    const f = findingsOf(result, 'RES-KMS');
    expect(f).toEqual([expect.objectContaining({ logicalId: 'Key', propertyPath: 'Properties.MultiRegion' })]);
    expect(f[0]!.message).toBe('multi-Region key Key (MultiRegion: true) can be replicated with its key material to any region, outside hong-kong (ap-east-1)');
  });

  test('compliant: a single-Region key, and a multi-Region key of data the policy leaves free', () => {
    expect(problems(audit(stackDoc({ Key: { Type: 'AWS::KMS::Key', Properties: { MultiRegion: false } } })))).toEqual([]);
    const telemetryKey = stackDoc({ Key: { Type: 'AWS::KMS::Key', Metadata: { 'sovereign-ml:dataClasses': [DataClass.TELEMETRY] }, Properties: { MultiRegion: true } } });
    expect(problems(audit(telemetryKey, { boundary: Boundary.HONG_KONG, dataClasses: { [DataClass.TELEMETRY]: Boundary.ANYWHERE } }))).toEqual([]);
  });

  test.each([
    ['ap-east-1', 0],
    ['us-west-2', 1],
  ])('a replica key whose primary key is in %s', (region, count) => {
    const result = audit(stackDoc({ Replica: { Type: 'AWS::KMS::ReplicaKey', Properties: { KeyPolicy: {}, PrimaryKeyArn: `arn:aws:kms:${region}:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab` } } }));
    expect(findingsOf(result, 'RES-KMS')).toEqual(Array(count).fill(expect.objectContaining({ logicalId: 'Replica', propertyPath: 'Properties.PrimaryKeyArn' })));
    expect(findingsOf(result, 'RES-ARN-REGION')).toEqual([]);
  });
});
