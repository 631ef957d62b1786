import { Boundary } from '../../../../lib/residency/boundary';
import { DataClass } from '../../../../lib/residency/data-class';
import { audit, findingsOf, problems, stackDoc } from '../../../support/residency';

const fnWithEnv = (value: unknown) => ({ F: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'python3.12', Environment: { Variables: { MODEL_ID: value } } } } });
const ENV = 'Properties.Environment.Variables.MODEL_ID';

describe('RES-BEDROCK-CROSS-REGION', () => {
  test.each([
    'anthropic.claude-3-5-sonnet-20240620-v1:0',
    'arn:aws:bedrock:ap-east-1::foundation-model/amazon.nova-pro-v1:0',
    { 'Fn::Sub': 'arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/meta.llama3-1-70b-instruct-v1:0' },
    'https://bus.amazon.example.com/models',
  ])('compliant: an in-Region model id %p', (value) => {
    expect(problems(audit(stackDoc(fnWithEnv(value))))).toEqual([]);
  });

  test.each([
    ['apac.anthropic.claude-3-5-sonnet-20240620-v1:0', 'apac'],
    ['us.amazon.nova-pro-v1:0', 'us'],
    ['eu.meta.llama3-2-3b-instruct-v1:0', 'eu'],
    ['us-gov.anthropic.claude-3-haiku-20240307-v1:0', 'us-gov'],
    ['jp.anthropic.claude-sonnet-4-5-20250929-v1:0', 'jp'],
    ['au.anthropic.claude-haiku-4-5-20251001-v1:0', 'au'],
    ['us.deepseek.r1-v1:0', 'us'],
    ['us.writer.palmyra-x5-v1:0', 'us'],
    ['us.mistral.pixtral-large-2502-v1:0', 'us'],
    ['us.cohere.embed-v4:0', 'us'],
  ])('violating: %s', (profile, geography) => {
    const result = audit(stackDoc(fnWithEnv(profile)));
    const f = findingsOf(result, 'RES-BEDROCK-CROSS-REGION');
    expect(f).toEqual([expect.objectContaining({ logicalId: 'F', propertyPath: ENV, severity: 'error' })]);
    expect(f[0]!.message).toBe(`property Environment.Variables.MODEL_ID of F names cross-Region inference profile ${profile}, which routes requests to any destination region of the ${geography} geography, outside hong-kong (ap-east-1)`);
  });

  test('violating: a global profile', () => {
    const result = audit(stackDoc(fnWithEnv('global.anthropic.claude-sonnet-4-20250514-v1:0')));
    const f = findingsOf(result, 'RES-BEDROCK-CROSS-REGION');
    expect(f[0]!.message).toContain('routes requests to any commercial region');
    expect(result.flows).toContainEqual(expect.objectContaining({ ruleId: 'RES-BEDROCK-CROSS-REGION', kind: 'model', to: 'global', allowed: false }));
  });

  test('violating: an inference-profile ARN, reported once and not by RES-ARN-REGION', () => {
    const result = audit(stackDoc(fnWithEnv('arn:aws:bedrock:us-east-1:111111111111:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0')));
    expect(findingsOf(result, 'RES-BEDROCK-CROSS-REGION')).toEqual([expect.objectContaining({ propertyPath: ENV })]);
    expect(findingsOf(result, 'RES-ARN-REGION')).toEqual([]);
  });

  test('an inference-profile ARN in the boundary region is still a violation', () => {
    const result = audit(stackDoc(fnWithEnv('arn:aws:bedrock:ap-east-1:111111111111:inference-profile/apac.amazon.nova-pro-v1:0')));
    expect(findingsOf(result, 'RES-BEDROCK-CROSS-REGION')).toEqual([expect.objectContaining({ propertyPath: ENV })]);
    expect(findingsOf(result, 'RES-UNKNOWN-LOCATION')).toEqual([]);
  });

  test('profiles in IAM policies, JSON strings and agent definitions are found', () => {
    const result = audit(stackDoc({
      P: { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: [{ 'Fn::Sub': 'arn:aws:bedrock:${AWS::Region}:${AWS::AccountId}:inference-profile/apac.anthropic.claude-3-haiku-20240307-v1:0' }] }] } } },
      SM: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: '{"States":{"A":{"Type":"Task","Resource":"arn:aws:states:::bedrock:invokeModel","Parameters":{"ModelId":"eu.anthropic.claude-3-7-sonnet-20250219-v1:0"}}}}' } },
      Agent: { Type: 'AWS::Bedrock::Agent', Properties: { AgentName: 'a', FoundationModel: 'apac.amazon.nova-lite-v1:0' } },
    }));
    expect(findingsOf(result, 'RES-BEDROCK-CROSS-REGION').map((f) => `${f.logicalId} ${f.propertyPath}`)).toEqual([
      'P Properties.PolicyDocument.Statement.0.Resource.0',
      'SM Properties.DefinitionString',
      'Agent Properties.FoundationModel',
    ]);
  });

  test('a value with other references besides the profile is still scanned by the generic rules', () => {
    const sm = { SM: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: '{"States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-west-2:111111111111:function:f","Parameters":{"ModelId":"apac.amazon.nova-pro-v1:0"}}}}' } } };
    const result = audit(stackDoc(sm));
    expect(findingsOf(result, 'RES-BEDROCK-CROSS-REGION')).toEqual([expect.objectContaining({ propertyPath: 'Properties.DefinitionString' })]);
    expect(findingsOf(result, 'RES-ARN-REGION')).toEqual([expect.objectContaining({ propertyPath: 'Properties.DefinitionString' })]);
  });

  test('compliant: data the policy leaves free may use a profile', () => {
    const fn = fnWithEnv('apac.anthropic.claude-3-5-sonnet-20240620-v1:0');
    const classified = { F: { ...fn.F, Metadata: { 'sovereign-ml:dataClasses': [DataClass.TELEMETRY] } } };
    expect(problems(audit(stackDoc(classified), { boundary: Boundary.HONG_KONG, dataClasses: { [DataClass.TELEMETRY]: Boundary.ANYWHERE } }))).toEqual([]);
    expect(problems(audit(stackDoc(fn), { boundary: Boundary.ANYWHERE }))).toEqual([]);
  });
});
