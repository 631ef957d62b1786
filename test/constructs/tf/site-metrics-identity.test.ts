import { SiteIdentity, SiteMetricsIdentity } from '../../../constructs/tf';
import { ErrorCode } from '../../../lib/errors';
import { errorOf } from '../../support/errors';
import { at, newStack, onlyResource, parseJson, resources, terraformJson, text } from './tf-support';

describe('SiteMetricsIdentity', () => {
  test('may only put metrics of one namespace in one region', () => {
    const stack = newStack();
    new SiteMetricsIdentity(stack, 'Metrics', { region: 'ap-east-1', siteName: 'kwun-tong-dc' });
    const json = terraformJson(stack);
    expect(onlyResource(json, 'aws_iam_user').name).toBe('sovereign-ml-kwun-tong-dc-metrics');
    expect(at(parseJson(text(onlyResource(json, 'aws_iam_user_policy').policy)), 'Statement')).toEqual([{
      Sid: 'PutDriftMetrics',
      Effect: 'Allow',
      Action: 'cloudwatch:PutMetricData',
      // PutMetricData has no resource-level permissions; the conditions narrow it.
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': 'SovereignML/Drift', 'aws:RequestedRegion': 'ap-east-1' } },
    }]);
  });

  test('can be a Roles Anywhere role', () => {
    const stack = newStack();
    new SiteMetricsIdentity(stack, 'Metrics', {
      region: 'ap-east-1',
      identity: SiteIdentity.rolesAnywhere({ trustAnchorArn: 'arn:aws:rolesanywhere:ap-east-1:111111111111:trust-anchor/abc' }),
    });
    const json = terraformJson(stack);
    expect(resources(json, 'aws_iam_role')).toHaveLength(1);
    expect(resources(json, 'aws_iam_user')).toHaveLength(0);
  });

  test('takes a site name of 40 characters and refuses 41, the limit the registry\'s longer IAM name sets', () => {
    const site40 = 'kwun-tong-dc-0123456789-0123456789-abcde';
    const stack = newStack();
    new SiteMetricsIdentity(stack, 'Metrics', { region: 'ap-east-1', siteName: site40 });
    expect(onlyResource(terraformJson(stack), 'aws_iam_user').name).toBe('sovereign-ml-kwun-tong-dc-0123456789-0123456789-abcde-metrics');
    const e = errorOf(() => new SiteMetricsIdentity(newStack(), 'Metrics', { region: 'ap-east-1', siteName: `${site40}f` }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.detail).toBe('props.siteName must be 1-40 lower-case letters, digits and hyphens, starting with a letter or digit (IAM names hold 64 characters), got "kwun-tong-dc-0123456789-0123456789-abcdef"');
  });

  test('fails when the namespace is an AWS one', () => {
    const e = errorOf(() => new SiteMetricsIdentity(newStack(), 'Metrics', { region: 'ap-east-1', metricNamespace: 'AWS/EC2' }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toMatch(/props\.metricNamespace must be .* not start with "AWS\/", got "AWS\/EC2"/);
  });
});
