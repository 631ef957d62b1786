import { Boundary } from '../../../../lib/residency/boundary';
import { partitionProblems } from '../../../../lib/residency/rules/partition';
import { audit, findingsOf, stackDoc } from '../../../support/residency';

const fn = (env: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  Fn: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: env }, ...extra } },
});
const cn = { boundary: Boundary.MAINLAND_CHINA };

describe('RES-PARTITION', () => {
  test('violating: a literal arn:aws: ARN inside the aws-cn boundary is fatal', () => {
    const f = findingsOf(audit(stackDoc(fn({ TOPIC: 'arn:aws:sns:cn-north-1:111111111111:t' }), { region: 'cn-north-1' }), cn), 'RES-PARTITION');
    expect(f).toEqual([expect.objectContaining({ severity: 'fatal', propertyPath: 'Properties.Environment.Variables.TOPIC' })]);
  });

  test('violating: an amazonaws.com host inside the aws-cn boundary', () => {
    const f = findingsOf(audit(stackDoc(fn({ URL: 'https://s3.cn-north-1.amazonaws.com/bucket' }), { region: 'cn-north-1' }), cn), 'RES-PARTITION');
    expect(f).toHaveLength(1);
  });

  test('violating: an aws-cn ARN or .com.cn host inside the aws boundary', () => {
    const f = findingsOf(audit(stackDoc(fn({ A: 'arn:aws-cn:s3:::b', H: 'sqs.cn-north-1.amazonaws.com.cn' }))), 'RES-PARTITION');
    expect(f.map((x) => x.propertyPath).sort()).toEqual(['Properties.Environment.Variables.A', 'Properties.Environment.Variables.H']);
  });

  test('compliant: partition-neutral ARNs, .com.cn hosts in China, and service principals', () => {
    const resources = {
      ...fn({ A: { 'Fn::Sub': 'arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:t' }, H: 'https://sqs.cn-north-1.amazonaws.com.cn/1/q' }),
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } } },
    };
    expect(findingsOf(audit(stackDoc(resources, { region: 'cn-north-1' }), cn), 'RES-PARTITION')).toEqual([]);
  });

  test.each([
    ['arn:aws:s3:::x', 'aws-cn', 1],
    ['arn:aws-cn:s3:::x', 'aws-cn', 0],
    ['arn:aws-us-gov:s3:::x', 'aws-cn', 0],
    ['ecr.ap-east-1.amazonaws.com', 'aws-cn', 1],
    ['ecr.cn-north-1.amazonaws.com.cn', 'aws-cn', 0],
    ['ecr.cn-north-1.amazonaws.com.cn', 'aws', 1],
    ['arn:aws:s3:::x', 'aws', 0],
  ])('partitionProblems(%s, %s) finds %d', (text, partition, count) => {
    expect(partitionProblems(text, partition)).toHaveLength(count);
  });
});
