import { EXTERNALS_METADATA_KEY } from '../../../../lib/residency/data-class';
import { audit, findingsOf, problems, stackDoc } from '../../../support/residency';

const fnWithEnv = (value: unknown) => ({ F: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { TARGET: value } } } } });

describe('RES-ARN-REGION', () => {
  test('compliant: an ARN in ap-east-1 and a region-less IAM ARN', () => {
    expect(problems(audit(stackDoc({
      ...fnWithEnv('arn:aws:sqs:ap-east-1:111111111111:q'),
      R: { Type: 'AWS::IAM::Role', Properties: { ManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] } },
    })))).toEqual([]);
  });

  test('violating: an environment variable naming a queue in us-west-2', () => {
    const f = findingsOf(audit(stackDoc(fnWithEnv('arn:aws:sqs:us-west-2:111111111111:q'))), 'RES-ARN-REGION');
    expect(f).toEqual([expect.objectContaining({ propertyPath: 'Properties.Environment.Variables.TARGET' })]);
    expect(f[0]!.message).toContain('sqs ARN in Environment.Variables.TARGET of F sends data to us-west-2 (ARN region us-west-2)');
  });

  test('violating: an ARN inside a JSON string (a Step Functions definition)', () => {
    const sm = { SM: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: '{"States":{"A":{"Resource":"arn:aws:lambda:eu-west-1:111111111111:function:f"}}}' } } };
    expect(findingsOf(audit(stackDoc(sm)), 'RES-ARN-REGION')).toHaveLength(1);
  });

  test('an ARN whose region is a parameter fails closed', () => {
    const f = findingsOf(audit(stackDoc(fnWithEnv({ 'Fn::Sub': 'arn:aws:sqs:${TargetRegion}:111111111111:q' }), { template: { Parameters: { TargetRegion: { Type: 'String' } } } })), 'RES-UNKNOWN-LOCATION');
    expect(f).toEqual([expect.objectContaining({
      severity: 'error',
      message: 'sqs ARN in Environment.Variables.TARGET of F sends data to a location that cannot be proven (ARN region depends on parameter TargetRegion); unknown fails closed under hong-kong (ap-east-1)',
      fix: 'Reference a resource of this app, or declare the external location with DataResidency.declareExternal(stack, { ..., location })',
    })]);
  });

  test('an ARN declared external is placed where declared', () => {
    const doc = stackDoc(fnWithEnv('arn:aws:sqs:us-west-2:222222222222:partner'), {
      template: { Metadata: { [EXTERNALS_METADATA_KEY]: [{ arn: 'arn:aws:sqs:us-west-2:222222222222:*', location: 'region:ap-east-1' }] } },
    });
    expect(problems(audit(doc))).toEqual([]);
  });
});
