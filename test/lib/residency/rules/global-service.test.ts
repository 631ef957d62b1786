import { Boundary } from '../../../../lib/residency/boundary';
import { DataClass } from '../../../../lib/residency/data-class';
import { audit, findingsOf, problems, stackDoc } from '../../../support/residency';

const classified = (classes: string[]) => ({ 'sovereign-ml:dataClasses': classes });
const TELEMETRY_ANYWHERE = { boundary: Boundary.HONG_KONG, dataClasses: { [DataClass.TELEMETRY]: Boundary.ANYWHERE } };

const distribution = (origins: unknown[], defaultBehavior: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  Cdn: {
    Type: 'AWS::CloudFront::Distribution',
    Properties: {
      DistributionConfig: {
        Enabled: true,
        Origins: origins.map((DomainName, i) => ({ Id: `o${i}`, DomainName, S3OriginConfig: {} })),
        DefaultCacheBehavior: { TargetOriginId: 'o0', ViewerProtocolPolicy: 'redirect-to-https', ...defaultBehavior },
        ...extra,
      },
    },
  },
});

describe('RES-GLOBAL-SERVICE', () => {
  test('violating: any distribution under Boundary.HONG_KONG', () => {
    const result = audit(stackDoc({ ...distribution([{ 'Fn::GetAtt': ['Site', 'RegionalDomainName'] }]), Site: { Type: 'AWS::S3::Bucket' } }));
    const f = findingsOf(result, 'RES-GLOBAL-SERVICE');
    expect(f).toEqual([expect.objectContaining({ logicalId: 'Cdn', resourceType: 'AWS::CloudFront::Distribution', propertyPath: undefined, severity: 'error' })]);
    expect(f[0]!.message).toBe('distribution Cdn (AWS::CloudFront::Distribution) carries data from unclassified origin DistributionConfig.Origins.0.DomainName through edge locations worldwide, outside hong-kong (ap-east-1)');
    expect(result.flows).toContainEqual(expect.objectContaining({ ruleId: 'RES-GLOBAL-SERVICE', kind: 'edge', to: 'global', allowed: false }));
  });

  test('compliant: a distribution whose origins (a bucket, a function URL split by Fn::Select) hold only telemetry, which the policy allows anywhere', () => {
    const result = audit(stackDoc({
      ...distribution([{ 'Fn::GetAtt': ['Dashboards', 'RegionalDomainName'] }, { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': ['MetricsUrl', 'FunctionUrl'] }] }] }]),
      Dashboards: { Type: 'AWS::S3::Bucket', Metadata: classified([DataClass.TELEMETRY]) },
      MetricsUrl: { Type: 'AWS::Lambda::Url', Metadata: classified([DataClass.TELEMETRY]), Properties: { AuthType: 'AWS_IAM', TargetFunctionArn: 'arn:aws:lambda:ap-east-1:111111111111:function:m' } },
    }), TELEMETRY_ANYWHERE);
    expect(problems(result)).toEqual([]);
  });

  test('violating: an origin without classified data behind it (an external host) is governed by the policy boundary', () => {
    const result = audit(stackDoc({
      ...distribution([{ 'Fn::GetAtt': ['Dashboards', 'RegionalDomainName'] }, 'partner.example.com']),
      Dashboards: { Type: 'AWS::S3::Bucket', Metadata: classified([DataClass.TELEMETRY]) },
    }), TELEMETRY_ANYWHERE);
    const f = findingsOf(result, 'RES-GLOBAL-SERVICE');
    expect(f).toEqual([expect.objectContaining({ logicalId: 'Cdn', propertyPath: undefined })]);
    expect(f[0]!.message).toBe('distribution Cdn (AWS::CloudFront::Distribution) carries telemetry, unclassified data from Dashboards (telemetry), unclassified origin DistributionConfig.Origins.1.DomainName through edge locations worldwide, outside hong-kong (ap-east-1)');
  });

  test('compliant: a distribution classified as telemetry declares what it carries', () => {
    const result = audit(stackDoc({ Cdn: { ...distribution(['status.example.com']).Cdn, Metadata: classified([DataClass.TELEMETRY]) } }), TELEMETRY_ANYWHERE);
    expect(problems(result)).toEqual([]);
  });

  test('violating: one origin holds personal data, named in the message', () => {
    const result = audit(stackDoc({
      ...distribution([{ 'Fn::GetAtt': ['Dashboards', 'RegionalDomainName'] }, { 'Fn::GetAtt': ['Profiles', 'RegionalDomainName'] }]),
      Dashboards: { Type: 'AWS::S3::Bucket', Metadata: classified([DataClass.TELEMETRY]) },
      Profiles: { Type: 'AWS::S3::Bucket', Metadata: classified([DataClass.PERSONAL]) },
    }), TELEMETRY_ANYWHERE);
    const f = findingsOf(result, 'RES-GLOBAL-SERVICE');
    expect(f).toEqual([expect.objectContaining({ logicalId: 'Cdn', propertyPath: undefined, dataClasses: [DataClass.PERSONAL, DataClass.TELEMETRY] })]);
    expect(f[0]!.message).toBe('distribution Cdn (AWS::CloudFront::Distribution) carries personal, telemetry data from Dashboards (telemetry), Profiles (personal) through edge locations worldwide, outside hong-kong (ap-east-1)');
  });

  test.each(['AWS::GlobalAccelerator::Accelerator', 'AWS::GlobalAccelerator::Listener', 'AWS::GlobalAccelerator::EndpointGroup'])('violating: %s', (type) => {
    expect(findingsOf(audit(stackDoc({ G: { Type: type, Properties: {} } })), 'RES-GLOBAL-SERVICE')).toEqual([expect.objectContaining({ logicalId: 'G', resourceType: type })]);
  });

  test('a Global Accelerator endpoint group carries the classes of its endpoints', () => {
    const stack = stackDoc({
      Group: { Type: 'AWS::GlobalAccelerator::EndpointGroup', Metadata: classified([DataClass.TELEMETRY]), Properties: { ListenerArn: 'arn:aws:globalaccelerator::111111111111:accelerator/a/listener/l', EndpointGroupRegion: 'ap-east-1', EndpointConfigurations: [{ EndpointId: { Ref: 'Alb' } }] } },
      Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Metadata: classified([DataClass.INFERENCE_PAYLOAD]) },
    });
    expect(findingsOf(audit(stack, TELEMETRY_ANYWHERE), 'RES-GLOBAL-SERVICE')).toEqual([expect.objectContaining({ logicalId: 'Group', dataClasses: [DataClass.INFERENCE_PAYLOAD, DataClass.TELEMETRY] })]);
  });

  test('violating: each Lambda@Edge association, reported instead of by RES-ARN-REGION', () => {
    const edge = (arn: string) => ({ LambdaFunctionAssociations: [{ EventType: 'viewer-request', LambdaFunctionARN: arn }] });
    const result = audit(stackDoc({
      ...distribution([{ 'Fn::GetAtt': ['Site', 'RegionalDomainName'] }],
        edge('arn:aws:lambda:us-east-1:111111111111:function:auth:3'),
        { CacheBehaviors: [{ PathPattern: '/api/*', TargetOriginId: 'o0', ViewerProtocolPolicy: 'https-only', ...edge('arn:aws:lambda:us-east-1:111111111111:function:rewrite:1') }] }),
      Site: { Type: 'AWS::S3::Bucket', Metadata: classified([DataClass.TELEMETRY]) },
    }), TELEMETRY_ANYWHERE);
    const f = findingsOf(result, 'RES-GLOBAL-SERVICE');
    expect(f.map((x) => x.propertyPath)).toEqual([
      'Properties.DistributionConfig.DefaultCacheBehavior.LambdaFunctionAssociations.0.LambdaFunctionARN',
      'Properties.DistributionConfig.CacheBehaviors.0.LambdaFunctionAssociations.0.LambdaFunctionARN',
    ]);
    expect(f[0]!.message).toBe('edge function arn:aws:lambda:us-east-1:111111111111:function:auth:3 (Lambda@Edge) in DistributionConfig.DefaultCacheBehavior.LambdaFunctionAssociations.0.LambdaFunctionARN of Cdn runs on telemetry data in every region with a regional edge cache, outside hong-kong (ap-east-1)');
    expect(f[0]!.fix).toContain('EdgeFunction');
    expect(f[0]!.fix).toContain('us-east-1');
    expect(findingsOf(result, 'RES-ARN-REGION')).toEqual([]);
  });

  test('an EdgeFunction\'s ARN read by the CDK reader custom resource is reported by name', () => {
    const result = audit(stackDoc({
      ...distribution(['example.com'], { LambdaFunctionAssociations: [{ EventType: 'origin-request', LambdaFunctionARN: { 'Fn::GetAtt': ['EdgeFnArnReader', 'FunctionArn'] } }] }),
      EdgeFnArnReader: { Type: 'Custom::CrossRegionStringParameterReader', Properties: { ServiceToken: 'arn:aws:lambda:ap-east-1:111111111111:function:p', Region: 'us-east-1', ParameterName: '/cdk/EdgeFunctionArn/us-east-1/Edge/Fn' } },
    }));
    const f = findingsOf(result, 'RES-GLOBAL-SERVICE').filter((x) => x.propertyPath !== undefined);
    expect(f).toEqual([expect.objectContaining({ propertyPath: 'Properties.DistributionConfig.DefaultCacheBehavior.LambdaFunctionAssociations.0.LambdaFunctionARN' })]);
    expect(f[0]!.message).toContain('edge function EdgeFnArnReader.FunctionArn (Lambda@Edge)');
    // The reader itself reads from us-east-1: RES-CROSS-REGION-REFERENCE.
    expect(findingsOf(result, 'RES-CROSS-REGION-REFERENCE')).toEqual([expect.objectContaining({ logicalId: 'EdgeFnArnReader', propertyPath: 'Properties.Region' })]);
  });

  test('compliant: a telemetry edge function of the app on a telemetry distribution, where telemetry may go anywhere', () => {
    const result = audit(stackDoc({
      ...distribution([{ 'Fn::GetAtt': ['Site', 'RegionalDomainName'] }], { LambdaFunctionAssociations: [{ EventType: 'viewer-request', LambdaFunctionARN: { Ref: 'EdgeVersion' } }] }),
      Site: { Type: 'AWS::S3::Bucket', Metadata: classified([DataClass.TELEMETRY]) },
      EdgeVersion: { Type: 'AWS::Lambda::Version', Metadata: classified([DataClass.TELEMETRY]), Properties: { FunctionName: 'edge' } },
    }), TELEMETRY_ANYWHERE);
    expect(problems(result)).toEqual([]);
  });

  test('compliant: everything under an unrestricted boundary', () => {
    const result = audit(stackDoc(distribution(['example.com'], { LambdaFunctionAssociations: [{ EventType: 'viewer-request', LambdaFunctionARN: 'arn:aws:lambda:us-east-1:111111111111:function:auth:3' }] })), { boundary: Boundary.ANYWHERE });
    expect(problems(result)).toEqual([]);
  });
});
