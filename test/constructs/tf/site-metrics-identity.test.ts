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

  test.each([['AWS/EC2'], [':x'], ['   '], [''], ['Drift|prod']])('fails when the namespace is %j, which the drift CLI refuses', (metricNamespace) => {
    const e = errorOf(() => new SiteMetricsIdentity(newStack(), 'Metrics', { region: 'ap-east-1', metricNamespace }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.detail).toBe(`props.metricNamespace must be 1 to 255 of letters, digits, . - _ / # : and space, not blank, not starting with ":" or "AWS/", got ${JSON.stringify(metricNamespace)}`);
  });

  test('fails when the namespace is longer than 255 characters', () => {
    expect(() => new SiteMetricsIdentity(newStack(), 'Metrics', { region: 'ap-east-1', metricNamespace: 'n'.repeat(255) })).not.toThrow();
    expect(errorOf(() => new SiteMetricsIdentity(newStack(), 'Metrics', { region: 'ap-east-1', metricNamespace: 'n'.repeat(256) })).detail)
      .toBe(`props.metricNamespace must be 1 to 255 of letters, digits, . - _ / # : and space, not blank, not starting with ":" or "AWS/", got "${'n'.repeat(77)}..."`);
  });

  test('takes a namespace with spaces, # and :, as CloudWatch and the CLI do', () => {
    const stack = newStack();
    new SiteMetricsIdentity(stack, 'Metrics', { region: 'ap-east-1', metricNamespace: 'Sovereign ML/Drift#hk:1' });
    expect(at(parseJson(text(onlyResource(terraformJson(stack), 'aws_iam_user_policy').policy)), ['Statement', 0, 'Condition', 'StringEquals', 'cloudwatch:namespace']))
      .toBe('Sovereign ML/Drift#hk:1');
  });
});
