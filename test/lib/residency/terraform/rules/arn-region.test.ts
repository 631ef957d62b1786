import { checkTerraform } from '../../../../../lib/residency/terraform/check-terraform';
import { GBA_HYBRID, problems, res, tfDoc } from '../tf-docs';

const policyDoc = (resource: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: resource }] });
const providers = { aws: [{ region: 'ap-east-1' }, { region: 'us-east-1', alias: 'us' }] };
// The alias aws.us, unused by resources, is reported by RES-STACK-REGION (tested with that rule).
const check = (resource: string, data: Record<string, Record<string, Record<string, unknown>>> = {}) =>
  problems(checkTerraform(tfDoc(providers, { aws_iam_policy: { p: res('p', { policy: policyDoc(resource) }) } }, data), { boundary: GBA_HYBRID })).filter((p) => !p.includes('provider.aws.us'));

describe('RES-ARN-REGION', () => {
  test.each([
    ['a queue in ap-east-1', 'arn:aws:sqs:ap-east-1:111111111111:q', []],
    ['a region-less IAM ARN', 'arn:aws:iam::111111111111:role/r', []],
    ['a queue in us-west-2', 'arn:aws:sqs:us-west-2:111111111111:q', ['RES-ARN-REGION aws_iam_policy.p policy']],
    ['a region from a variable fails closed', 'arn:aws:sqs:${var.region}:111111111111:q', ['RES-UNKNOWN-LOCATION aws_iam_policy.p policy']],
  ])('%s', (_name, arn, expected) => {
    expect(check(arn)).toEqual(expected);
  });

  test.each([
    ['the default provider (ap-east-1)', {}, []],
    ['the alias aws.us (us-east-1)', { provider: 'aws.us' }, ['RES-ARN-REGION aws_iam_policy.p policy']],
  ])('a region read from data.aws_region on %s is placed where that data source is', (_name, args, expected) => {
    expect(check('arn:aws:sqs:${data.aws_region.current.region}:111111111111:q', { aws_region: { current: res('current', args) } })).toEqual(expected);
  });

  // What cdktf writes for Fn.jsonencode({...}): an HCL object in one interpolation.
  const jsonencoded = (resource: string) => `\${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Allow", "Action" = "sqs:SendMessage", "Resource" = "${resource}"}]})}`;
  const checkRaw = (policy: string, data: Record<string, Record<string, Record<string, unknown>>> = {}) =>
    problems(checkTerraform(tfDoc(providers, { aws_iam_policy: { p: res('p', { policy }) } }, data), { boundary: GBA_HYBRID })).filter((p) => !p.includes('provider.aws.us'));

  test.each([
    ['a queue in ap-east-1', 'arn:aws:sqs:ap-east-1:111111111111:q', []],
    ['a queue in us-west-2', 'arn:aws:sqs:us-west-2:111111111111:q', ['RES-ARN-REGION aws_iam_policy.p policy']],
    ['a region from data.aws_region in a nested template', 'arn:aws:sqs:${data.aws_region.current.region}:111111111111:q', []],
    ['a region from a variable in a nested template', 'arn:aws:sqs:${var.region}:111111111111:q', ['RES-UNKNOWN-LOCATION aws_iam_policy.p policy']],
  ])('a policy built with jsonencode naming %s', (_name, arn, expected) => {
    expect(checkRaw(jsonencoded(arn), { aws_region: { current: res('current', {}) } })).toEqual(expected);
  });

  test('the branches of a conditional are both read', () => {
    expect(checkRaw('${var.dr ? "arn:aws:sqs:us-west-2:111111111111:q" : "arn:aws:sqs:ap-east-1:111111111111:q"}')).toEqual(['RES-ARN-REGION aws_iam_policy.p policy']);
  });

  test('the message names the service, the argument and the region', () => {
    const [f] = checkTerraform(tfDoc(providers, { aws_iam_policy: { p: res('p', { policy: policyDoc('arn:aws:sqs:us-west-2:111111111111:q') }) } }), { boundary: GBA_HYBRID }).filter((x) => x.ruleId === 'RES-ARN-REGION');
    expect(f!.message).toContain('sqs ARN in policy of aws_iam_policy.p moves unclassified data to us-west-2 (ARN region us-west-2)');
  });

  test('an unknown region fails closed as RES-UNKNOWN-LOCATION, an error with the unknown-location fix, naming the boundary', () => {
    const [f] = checkTerraform(tfDoc(providers, { aws_iam_policy: { p: res('p', { policy: policyDoc('arn:aws:sqs:${var.region}:111111111111:q') }) } }), { boundary: GBA_HYBRID }).filter((x) => x.ruleId === 'RES-UNKNOWN-LOCATION');
    expect(f).toMatchObject({
      severity: 'error',
      message: 'sqs ARN in policy of aws_iam_policy.p moves unclassified data to a location that cannot be proven (the ARN region is computed from ${var.region}); unknown fails closed under gba-hybrid (ap-east-1, site kwun-tong-dc)',
      fix: 'Give the AWS provider (or the resource\'s region argument) a literal region, place other providers with TerraformResidency.placeAt(provider, location), and reference only resources of the stack or locations',
    });
  });
});
