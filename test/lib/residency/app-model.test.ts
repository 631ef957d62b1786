import { ErrorCode } from '../../../lib/errors';
import { parseArns, parseRegionalHosts } from '../../../lib/residency/app-model';
import { DATA_CLASSES_METADATA_KEY, EXTERNALS_METADATA_KEY } from '../../../lib/residency/data-class';
import { audit, findingsOf, problems, stackDoc } from '../../support/residency';
import { errorOf } from '../../support/errors';

describe('placing references across stacks', () => {
  const consumer = (value: unknown) => stackDoc({
    Fn: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { BUCKET_URI: value } } } },
  }, { name: 'Consumer' });
  const exporter = (region: string) => stackDoc(
    { Lake: { Type: 'AWS::S3::Bucket' } },
    { name: 'Data', region, template: { Outputs: { LakeName: { Value: { Ref: 'Lake' }, Export: { Name: 'Data:LakeName' } } } } },
  );

  test('an imported bucket is placed where its stack deploys', () => {
    const uri = { 'Fn::Join': ['', ['s3://', { 'Fn::ImportValue': 'Data:LakeName' }, '/in']] };
    expect(problems(audit([consumer(uri), exporter('ap-east-1')]))).toEqual([]);
    const far = audit([consumer(uri), exporter('eu-west-1')]);
    expect(findingsOf(far, 'RES-S3-LOCATION')[0]!.message).toContain('sends data to eu-west-1 (Lake of stack Data)');
  });

  test('an import no stack exports fails closed', () => {
    const result = audit(consumer({ 'Fn::Join': ['', ['s3://', { 'Fn::ImportValue': 'Elsewhere:Bucket' }, '/in']] }));
    expect(findingsOf(result, 'RES-UNKNOWN-LOCATION')[0]!.message).toContain('import of Elsewhere:Bucket');
  });

  test('both branches of Fn::If are checked', () => {
    const result = audit(consumer({ 'Fn::If': ['IsProd', 'arn:aws:sqs:ap-east-1:111111111111:q', 'arn:aws:sqs:us-east-1:111111111111:q'] }));
    expect(findingsOf(result, 'RES-ARN-REGION')).toHaveLength(1);
  });
});

describe('malformed input is an error, never a silent pass', () => {
  test.each([
    [{ [EXTERNALS_METADATA_KEY]: 'partner' }, 'must be an array'],
    [{ [EXTERNALS_METADATA_KEY]: [{ bucketName: 'b' }] }, '[0] must have exactly one of bucketName, arn, url and a location'],
    [{ [EXTERNALS_METADATA_KEY]: [{ bucketName: 'b', location: 'mars' }] }, '[0].location "mars" is not a location'],
  ])('externals %j', (metadata, phrase) => {
    const e = errorOf(() => audit(stackDoc({}, { template: { Metadata: metadata } })));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toContain(phrase);
  });

  test('a misspelt data class', () => {
    const e = errorOf(() => audit(stackDoc({ B: { Type: 'AWS::S3::Bucket', Metadata: { [DATA_CLASSES_METADATA_KEY]: ['personnal'] } } })));
    expect(e.message).toContain('resource B metadata sovereign-ml:dataClasses must be an array of data classes, got ["personnal"]');
  });

  test('a resource without a Type, and duplicate stack names', () => {
    expect(errorOf(() => audit(stackDoc({ B: {} as never }))).message).toContain('resource B is not a CloudFormation resource');
    expect(errorOf(() => audit([stackDoc({}), stackDoc({})])).message).toContain('stack name "S" appears twice');
  });
});

describe('parsers', () => {
  test.each([
    ['arn:aws:sqs:ap-east-1:111111111111:q', { partition: 'aws', service: 'sqs', region: 'ap-east-1', account: '111111111111', resource: 'q' }],
    ['arn:aws-cn:s3:::bucket/key', { partition: 'aws-cn', service: 's3', region: '', account: '', resource: 'bucket/key' }],
    ['x {"Resource":"arn:aws:lambda:eu-west-1:1:function:f"}', { service: 'lambda', region: 'eu-west-1', resource: 'function:f' }],
  ])('parseArns(%s)', (text, expected) => {
    expect(parseArns(text)[0]).toMatchObject(expected);
  });

  test.each([
    ['https://runtime.sagemaker.ap-east-1.amazonaws.com/x', 'ap-east-1', false],
    ['sqs.cn-northwest-1.amazonaws.com.cn', 'cn-northwest-1', true],
    ['s3.us-gov-west-1.amazonaws.com', 'us-gov-west-1', false],
  ])('parseRegionalHosts(%s)', (text, region, china) => {
    expect(parseRegionalHosts(text)[0]).toMatchObject({ region, china });
  });

  test('no host in global endpoints or look-alikes', () => {
    expect(parseRegionalHosts('https://s3.amazonaws.com/b')).toEqual([]);
    expect(parseRegionalHosts('https://ap-east-1.amazonaws.com.evil.example/x')).toEqual([]);
  });
});
