import { DataClass } from '../../../../lib/residency/data-class';
import { audit, findingsOf, problems, stackDoc } from '../../../support/residency';

const PERSONAL = { 'sovereign-ml:dataClasses': [DataClass.PERSONAL] };

const filter = (destination: unknown, logGroupName: unknown = { Ref: 'Logs' }) => ({
  Logs: { Type: 'AWS::Logs::LogGroup', Metadata: PERSONAL, Properties: { RetentionInDays: 30 } },
  Filter: { Type: 'AWS::Logs::SubscriptionFilter', Properties: { LogGroupName: logGroupName, FilterPattern: '', DestinationArn: destination } },
});

const firehose = (bucketArn: unknown) => ({
  Stream: {
    Type: 'AWS::KinesisFirehose::DeliveryStream',
    Properties: { DeliveryStreamType: 'DirectPut', ExtendedS3DestinationConfiguration: { BucketARN: bucketArn, RoleARN: 'arn:aws:iam::111111111111:role/firehose' } },
  },
});

const accountPolicy = (document: unknown, policyType = 'SUBSCRIPTION_FILTER_POLICY') => ({
  Policy: { Type: 'AWS::Logs::AccountPolicy', Properties: { PolicyName: 'all-logs', PolicyType: policyType, Scope: 'ALL', PolicyDocument: document } },
});

describe('RES-LOGS-EGRESS', () => {
  test.each([
    ['a Lambda function of the stack', { 'Fn::GetAtt': ['Fn', 'Arn'] }],
    ['a Kinesis stream ARN in ap-east-1', 'arn:aws:kinesis:ap-east-1:111111111111:stream/logs'],
    ['a Firehose stream of the stack delivering to a bucket of the stack', { 'Fn::GetAtt': ['Stream', 'Arn'] }],
  ])('compliant: a subscription to %s', (_, destination) => {
    const result = audit(stackDoc({
      ...filter(destination),
      ...firehose({ 'Fn::GetAtt': ['Archive', 'Arn'] }),
      Archive: { Type: 'AWS::S3::Bucket' },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs20.x' } },
    }));
    expect(problems(result)).toEqual([]);
    expect(result.flows).toContainEqual(expect.objectContaining({ ruleId: 'RES-LOGS-EGRESS', kind: 'logs', to: 'region:ap-east-1', allowed: true }));
  });

  test('violating: a cross-account Logs destination in us-east-1, with the log group\'s classes', () => {
    const result = audit(stackDoc(filter('arn:aws:logs:us-east-1:222222222222:destination:central')));
    const f = findingsOf(result, 'RES-LOGS-EGRESS');
    expect(f).toEqual([expect.objectContaining({ logicalId: 'Filter', propertyPath: 'Properties.DestinationArn', dataClasses: [DataClass.PERSONAL] })]);
    expect(f[0]!.message).toBe('log destination DestinationArn of Filter sends personal data to us-east-1 (ARN region us-east-1), outside hong-kong (ap-east-1)');
    expect(findingsOf(result, 'RES-ARN-REGION')).toEqual([]);
  });

  test('violating: a Firehose stream of the stack is followed to its bucket in eu-west-1', () => {
    const result = audit([
      stackDoc({ ...filter({ 'Fn::GetAtt': ['Stream', 'Arn'] }), ...firehose('arn:aws:s3:::eu-archive') }, { name: 'Hk' }),
      stackDoc({ B: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'eu-archive' } } }, { name: 'Eu', region: 'eu-west-1' }),
    ]);
    const f = findingsOf(result, 'RES-LOGS-EGRESS');
    expect(f).toEqual([expect.objectContaining({ logicalId: 'Filter', propertyPath: 'Properties.DestinationArn' })]);
    expect(f[0]!.message).toContain('to eu-west-1 (via Firehose stream Stream of stack Hk to its bucket: bucket eu-archive is B of stack Eu)');
    const flow = result.flows.find((x) => x.ruleId === 'RES-LOGS-EGRESS');
    expect(flow).toEqual(expect.objectContaining({ to: 'region:eu-west-1', allowed: false, dataClasses: [DataClass.PERSONAL] }));
  });

  test('a Firehose stream that delivers elsewhere than S3 fails closed', () => {
    const result = audit(stackDoc({
      ...filter({ 'Fn::GetAtt': ['Stream', 'Arn'] }),
      Stream: { Type: 'AWS::KinesisFirehose::DeliveryStream', Properties: { HttpEndpointDestinationConfiguration: { EndpointConfiguration: { Url: 'https://logs.example.com' } } } },
    }));
    const f = findingsOf(result, 'RES-UNKNOWN-LOCATION').filter((x) => x.logicalId === 'Filter');
    expect(f).toEqual([expect.objectContaining({ propertyPath: 'Properties.DestinationArn' })]);
    expect(f[0]!.message).toContain('delivers to a destination other than S3');
  });

  test('a destination given as a parameter fails closed', () => {
    const result = audit(stackDoc(filter({ Ref: 'Destination' }), { template: { Parameters: { Destination: { Type: 'String' } } } }));
    expect(findingsOf(result, 'RES-UNKNOWN-LOCATION')).toEqual([expect.objectContaining({ logicalId: 'Filter', propertyPath: 'Properties.DestinationArn' })]);
  });

  test('the classes of a log group named literally are found too', () => {
    const result = audit(stackDoc({
      Logs: { Type: 'AWS::Logs::LogGroup', Metadata: PERSONAL, Properties: { LogGroupName: '/app/inference' } },
      Filter: { Type: 'AWS::Logs::SubscriptionFilter', Properties: { LogGroupName: '/app/inference', FilterPattern: '', DestinationArn: 'arn:aws:kinesis:ap-southeast-1:111111111111:stream/s' } },
    }));
    expect(findingsOf(result, 'RES-LOGS-EGRESS')).toEqual([expect.objectContaining({ dataClasses: [DataClass.PERSONAL] })]);
  });

  test.each([
    ['ap-east-1', 0],
    ['us-east-1', 1],
  ])('a Logs destination whose target stream is in %s', (region, count) => {
    const result = audit(stackDoc({
      Dest: { Type: 'AWS::Logs::Destination', Properties: { DestinationName: 'central', RoleArn: 'arn:aws:iam::111111111111:role/r', TargetArn: `arn:aws:kinesis:${region}:111111111111:stream/central` } },
    }));
    expect(findingsOf(result, 'RES-LOGS-EGRESS')).toEqual(Array(count).fill(expect.objectContaining({ logicalId: 'Dest', propertyPath: 'Properties.TargetArn' })));
    expect(findingsOf(result, 'RES-ARN-REGION')).toEqual([]);
  });
});

describe('RES-LOGS-EGRESS: account-level subscription filter policies', () => {
  test('compliant: the JSON document names a stream in ap-east-1, spliced in with Fn::Join', () => {
    const result = audit(stackDoc({
      ...accountPolicy({ 'Fn::Join': ['', ['{"DestinationArn":"', { 'Fn::GetAtt': ['Central', 'Arn'] }, '","FilterPattern":"","Distribution":"Random"}']] }),
      Central: { Type: 'AWS::Kinesis::Stream', Properties: { ShardCount: 1 } },
    }));
    expect(problems(result)).toEqual([]);
    expect(result.flows).toContainEqual(expect.objectContaining({ ruleId: 'RES-LOGS-EGRESS', to: 'region:ap-east-1', allowed: true }));
  });

  test('violating: the JSON document names a Logs destination in us-east-1 (AWS docs example)', () => {
    const result = audit(stackDoc(accountPolicy(JSON.stringify({ DestinationArn: 'arn:aws:logs:us-east-1:222222222222:destination:testFirehoseDestination', FilterPattern: '{$.userIdentity.type = AssumedRole}', Distribution: 'Random' }))));
    const f = findingsOf(result, 'RES-LOGS-EGRESS');
    expect(f).toEqual([expect.objectContaining({ logicalId: 'Policy', propertyPath: 'Properties.PolicyDocument' })]);
    expect(f[0]!.message).toContain('subscription destination in PolicyDocument of account policy Policy sends data to us-east-1');
    expect(findingsOf(result, 'RES-ARN-REGION')).toEqual([]);
  });

  test('a document without a readable DestinationArn fails closed', () => {
    const f = findingsOf(audit(stackDoc(accountPolicy('{"FilterPattern":""}'))), 'RES-UNKNOWN-LOCATION');
    expect(f).toEqual([expect.objectContaining({ logicalId: 'Policy', propertyPath: 'Properties.PolicyDocument' })]);
  });

  test('other account policy types are not subscription filters', () => {
    const result = audit(stackDoc(accountPolicy('{"Name":"mask","Version":"2021-06-01","Statement":[]}', 'DATA_PROTECTION_POLICY')));
    expect(problems(result)).toEqual([]);
  });
});
