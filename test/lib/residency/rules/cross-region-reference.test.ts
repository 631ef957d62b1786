import { Boundary } from '../../../../lib/residency/boundary';
import type { CfnResourceJson } from '../../../../lib/residency/template';
import { audit, findingsOf, problems, stackDoc } from '../../../support/residency';

// Property shapes as aws-cdk-lib renders them (export-writer-provider.js, export-reader-provider.js,
// aws-cloudfront/lib/experimental/edge-function.js).
const writer = (region: unknown): Record<string, CfnResourceJson> => ({
  ExportsWriter: {
    Type: 'Custom::CrossRegionExportWriter',
    Properties: {
      ServiceToken: { 'Fn::GetAtt': ['WriterProvider', 'Arn'] },
      WriterProps: { region, exports: { '/cdk/exports/Consumer/ProducerBucketArn': { 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/cdk/exports/Consumer/ProducerTopicArn': { Ref: 'Topic' } } },
    },
  },
  WriterProvider: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs20.x' } },
  Bucket: { Type: 'AWS::S3::Bucket' },
  Topic: { Type: 'AWS::SNS::Topic' },
});
const reader = (region: unknown): Record<string, CfnResourceJson> => ({
  ExportsReader: { Type: 'Custom::CrossRegionExportReader', Properties: { ServiceToken: 'arn:aws:lambda:ap-east-1:111111111111:function:r', ReaderProps: { region, prefix: 'Consumer', imports: { '/cdk/exports/Consumer/ProducerBucketArn': '{{resolve:ssm:/cdk/exports/Consumer/ProducerBucketArn}}' } } } },
});
const parameterReader = (region: unknown): Record<string, CfnResourceJson> => ({
  ArnReader: { Type: 'Custom::CrossRegionStringParameterReader', Properties: { ServiceToken: 'arn:aws:lambda:ap-east-1:111111111111:function:r', Region: region, ParameterName: '/cdk/EdgeFunctionArn/us-east-1/Stack/Edge', RefreshToken: 'EdgeVersion1' } },
});

/** [resource type, template maker, logical id, checked path]. */
const cases: Array<[string, (region: unknown) => Record<string, CfnResourceJson>, string, string]> = [
  ['Custom::CrossRegionExportWriter', writer, 'ExportsWriter', 'Properties.WriterProps.region'],
  ['Custom::CrossRegionExportReader', reader, 'ExportsReader', 'Properties.ReaderProps.region'],
  ['Custom::CrossRegionStringParameterReader', parameterReader, 'ArnReader', 'Properties.Region'],
];

describe('RES-CROSS-REGION-REFERENCE', () => {
  test.each(cases)('compliant: %s in ap-east-1', (_, make, id, path) => {
    const result = audit(stackDoc(make('ap-east-1')));
    expect(problems(result)).toEqual([]);
    expect(result.flows).toContainEqual(expect.objectContaining({ ruleId: 'RES-CROSS-REGION-REFERENCE', logicalId: id, propertyPath: path, kind: 'reference', to: 'region:ap-east-1', allowed: true }));
  });

  test.each(cases)('violating: %s naming us-east-1', (_, make, id, path) => {
    const f = findingsOf(audit(stackDoc(make('us-east-1'))), 'RES-CROSS-REGION-REFERENCE');
    expect(f).toEqual([expect.objectContaining({ logicalId: id, propertyPath: path, severity: 'error' })]);
    expect(f[0]!.message).toContain('sends data to us-east-1 (SSM parameters in us-east-1), outside hong-kong (ap-east-1)');
  });

  test.each(cases)('a computed region fails closed: %s', (_, make, id, path) => {
    const f = findingsOf(audit(stackDoc(make({ Ref: 'ConsumerRegion' }), { template: { Parameters: { ConsumerRegion: { Type: 'String' } } } })), 'RES-UNKNOWN-LOCATION');
    expect(f).toEqual([expect.objectContaining({ logicalId: id, propertyPath: path })]);
    expect(f[0]!.message).toContain('depends on parameter ConsumerRegion');
  });

  test('the writer message counts the exported values', () => {
    const f = findingsOf(audit(stackDoc(writer('eu-west-1'))), 'RES-CROSS-REGION-REFERENCE');
    expect(f[0]!.message).toBe('cross-region export writer ExportsWriter (WriterProps.region, 2 exports) sends data to eu-west-1 (SSM parameters in eu-west-1), outside hong-kong (ap-east-1)');
  });

  test('a reference between two regions of a custom boundary is compliant', () => {
    const gba = Boundary.regions('apac', ['ap-east-1', 'ap-southeast-1']);
    expect(problems(audit(stackDoc(writer('ap-southeast-1')), { boundary: gba }))).toEqual([]);
  });
});
