import { asText, evaluate, render, type EvalScope } from '../../../lib/residency/expr';

const scope: EvalScope = {
  stack: 'S', region: 'ap-east-1', account: '111111111111', partition: 'aws', urlSuffix: 'amazonaws.com',
  resources: new Set(['Bucket']),
  mappings: { ServiceMap: { 'ap-east-1': { host: 'runtime.sagemaker.ap-east-1.amazonaws.com' } } },
  importValue: (name) => (name === 'Shared-Topic' ? [[{ kind: 'text', text: 'arn:aws:sns:ap-east-1:111111111111:t' }]] : undefined),
};

const texts = (value: unknown) => evaluate(value, scope).map((e) => asText(e) ?? render(e));

describe('evaluate', () => {
  // Intrinsic function semantics: AWS CloudFormation User Guide, "Intrinsic function reference".
  test.each([
    ['a literal', 'x', ['x']],
    ['Fn::Join', { 'Fn::Join': ['-', ['a', { Ref: 'AWS::Region' }, 'b']] }, ['a-ap-east-1-b']],
    ['Fn::Sub with pseudo parameters', { 'Fn::Sub': 'arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:t' }, ['arn:aws:sns:ap-east-1:111111111111:t']],
    ['Fn::Sub with a variable map', { 'Fn::Sub': ['s3://${B}/k', { B: 'lake' }] }, ['s3://lake/k']],
    ['Fn::Sub literal escape', { 'Fn::Sub': '${!Literal}' }, ['${Literal}']],
    ['Fn::If gives both branches', { 'Fn::If': ['C', 'a', 'b'] }, ['a', 'b']],
    ['Fn::If with AWS::NoValue', { 'Fn::If': ['C', 'a', { Ref: 'AWS::NoValue' }] }, ['a']],
    ['Fn::Select over a list', { 'Fn::Select': [1, ['a', 'b']] }, ['b']],
    ['Fn::Select over Fn::Split', { 'Fn::Select': [3, { 'Fn::Split': [':', 'arn:aws:sqs:eu-west-1:1:q'] }] }, ['eu-west-1']],
    ['Fn::FindInMap with the region key', { 'Fn::FindInMap': ['ServiceMap', { Ref: 'AWS::Region' }, 'host'] }, ['runtime.sagemaker.ap-east-1.amazonaws.com']],
    ['Fn::ImportValue', { 'Fn::ImportValue': 'Shared-Topic' }, ['arn:aws:sns:ap-east-1:111111111111:t']],
  ])('%s', (_name, value, expected) => {
    expect(texts(value)).toEqual(expected);
  });

  test('a Ref to a resource is a resource part; a Ref to a parameter is unknown', () => {
    expect(evaluate({ Ref: 'Bucket' }, scope)).toEqual([[{ kind: 'resource', stack: 'S', logicalId: 'Bucket' }]]);
    expect(evaluate({ 'Fn::GetAtt': ['Bucket', 'Arn'] }, scope)).toEqual([[{ kind: 'resource', stack: 'S', logicalId: 'Bucket', attribute: 'Arn' }]]);
    expect(evaluate({ Ref: 'Param' }, scope)).toEqual([[{ kind: 'unknown', reason: 'parameter Param' }]]);
  });

  test('an unknown import, an environment-agnostic region and unevaluated functions are unknown', () => {
    expect(evaluate({ 'Fn::ImportValue': 'Nope' }, scope)[0]![0]).toEqual({ kind: 'unknown', reason: 'import of Nope' });
    expect(evaluate({ Ref: 'AWS::Region' }, { ...scope, region: undefined })[0]![0]!.kind).toBe('unknown');
    expect(evaluate({ 'Fn::GetAZs': '' }, scope)[0]![0]!.kind).toBe('unknown');
  });

  test('render marks resource and unknown parts with placeholders', () => {
    const [expr] = evaluate({ 'Fn::Join': ['', ['s3://', { Ref: 'Bucket' }, '/', { Ref: 'P' }]] }, scope);
    expect(render(expr!)).toBe('s3://\u00011\u0001/\u00023\u0002');
  });
});
