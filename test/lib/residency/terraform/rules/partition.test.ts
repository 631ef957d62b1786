import { Boundary } from '../../../../../lib/residency/boundary';
import { checkTerraform } from '../../../../../lib/residency/terraform/check-terraform';
import { GBA_HYBRID, problems, res, tfDoc } from '../tf-docs';

const china = { boundary: Boundary.MAINLAND_CHINA };
const cn = { aws: [{ region: 'cn-north-1' }] };
const bucketPolicy = (resource: string) => tfDoc(cn, { aws_s3_bucket_policy: { p: res('p', { bucket: 'b', policy: JSON.stringify({ Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: resource }] }) }) } });

describe('RES-PARTITION (fatal)', () => {
  test.each([
    ['an aws-cn ARN in an aws-cn boundary', 'arn:aws-cn:s3:::b/*', []],
    ['an aws ARN in an aws-cn boundary', 'arn:aws:s3:::b/*', ['RES-PARTITION aws_s3_bucket_policy.p policy']],
    ['an ARN whose partition comes from data.aws_partition', 'arn:${data.aws_partition.current.partition}:s3:::b/*', []],
  ])('%s', (_name, resource, expected) => {
    const findings = checkTerraform(bucketPolicy(resource), china);
    expect(problems(findings)).toEqual(expected);
    expect(findings.filter((f) => f.ruleId === 'RES-PARTITION').every((f) => f.severity === 'fatal')).toBe(true);
  });

  test('an aws-cn host in an aws boundary', () => {
    const doc = tfDoc({ aws: [{ region: 'ap-east-1' }] }, { aws_ssm_parameter: { p: res('p', { value: 'https://s3.cn-north-1.amazonaws.com.cn/b' }) } });
    expect(problems(checkTerraform(doc, { boundary: GBA_HYBRID }))).toContain('RES-PARTITION aws_ssm_parameter.p value');
  });

  test('IAM service principals are exempt, as JSON strings and as principals blocks; an account principal is not', () => {
    const assume = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    const doc = tfDoc(cn, { aws_iam_role: { r: res('r', { assume_role_policy: assume }) } }, {
      aws_iam_policy_document: {
        svc: res('svc', { statement: [{ principals: [{ type: 'Service', identifiers: ['ecs-tasks.amazonaws.com'] }] }] }),
        acct: res('acct', { statement: [{ principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::111111111111:root'] }] }] }),
      },
    });
    expect(problems(checkTerraform(doc, china))).toEqual(['RES-PARTITION data.aws_iam_policy_document.acct statement.0.principals.0.identifiers.0']);
  });

  // What cdktf writes for Fn.jsonencode({...}): an HCL object in one interpolation.
  const encoded = (statement: string) => `\${jsonencode({"Version" = "2012-10-17", "Statement" = [${statement}]})}`;
  const withPolicy = (providers: Parameters<typeof tfDoc>[0], policy: string) => tfDoc(providers, { aws_iam_policy: { p: res('p', { policy }) } });

  test.each([
    ['an aws ARN in an aws-cn boundary', cn, china, '{"Effect" = "Allow", "Action" = "s3:GetObject", "Resource" = "arn:aws:s3:::b/*"}', ['RES-PARTITION aws_iam_policy.p policy']],
    ['an aws-cn ARN in an aws-cn boundary', cn, china, '{"Effect" = "Allow", "Action" = "s3:GetObject", "Resource" = "arn:aws-cn:s3:::b/*"}', []],
    ['an aws-cn ARN in an aws boundary', { aws: [{ region: 'ap-east-1' }] }, { boundary: GBA_HYBRID }, '{"Effect" = "Allow", "Action" = "s3:GetObject", "Resource" = "arn:aws-cn:s3:::b/*"}', ['RES-PARTITION aws_iam_policy.p policy']],
    ['an aws-cn host in an aws boundary', { aws: [{ region: 'ap-east-1' }] }, { boundary: GBA_HYBRID }, '{"Effect" = "Allow", "Action" = "s3:GetObject", "Resource" = "*", "Condition" = {"StringEquals" = {"aws:SourceVpce" = "s3.cn-north-1.amazonaws.com.cn"}}}', ['RES-PARTITION aws_iam_policy.p policy']],
    // A service principal looks like an aws host; inside an interpolation it cannot be told apart, so aws-cn checks ARNs only there.
    ['a service principal in an aws-cn boundary', cn, china, '{"Effect" = "Allow", "Principal" = {"Service" = "lambda.amazonaws.com"}, "Action" = "sts:AssumeRole"}', []],
    ['an ARN with the partition from data.aws_partition in a nested template', cn, china, '{"Effect" = "Allow", "Action" = "s3:GetObject", "Resource" = "arn:${data.aws_partition.current.partition}:s3:::b/*"}', []],
  ])('inside Fn.jsonencode: %s', (_name, providers, policy, statement, expected) => {
    const findings = checkTerraform(withPolicy(providers, encoded(statement)), policy);
    expect(problems(findings).filter((p) => p.startsWith('RES-PARTITION'))).toEqual(expected);
  });
});
