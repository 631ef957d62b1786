import { audit, findingsOf, problems, stackDoc } from '../../../support/residency';

const env = (vars: Record<string, unknown>) => ({ F: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: vars } } } });

describe('RES-ENDPOINT-HOST', () => {
  test('compliant: hosts in ap-east-1, and hosts built from the stack region', () => {
    expect(problems(audit(stackDoc(env({
      A: 'https://runtime.sagemaker.ap-east-1.amazonaws.com/endpoints/e/invocations',
      B: { 'Fn::Sub': 'https://sqs.${AWS::Region}.${AWS::URLSuffix}/1/q' },
    }))))).toEqual([]);
  });

  test.each([
    ['https://bedrock-runtime.us-east-1.amazonaws.com', 'us-east-1'],
    ['monitoring.ap-southeast-1.amazonaws.com', 'ap-southeast-1'],
    ['https://s3.dualstack.eu-west-1.amazonaws.com/b', 'eu-west-1'],
    ['https://sqs.cn-north-1.amazonaws.com.cn/1/q', 'cn-north-1'],
  ])('violating: %s', (url, region) => {
    const f = findingsOf(audit(stackDoc(env({ URL: url }))), 'RES-ENDPOINT-HOST');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain(`sends data to ${region}`);
  });

  test('a host in a policy condition is checked too', () => {
    const policy = { P: { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } }] } } } };
    expect(findingsOf(audit(stackDoc(policy)), 'RES-ENDPOINT-HOST')).toHaveLength(1);
  });
});
