import { Boundary } from '../../../../lib/residency/boundary';
import { DataClass, EXTERNALS_METADATA_KEY } from '../../../../lib/residency/data-class';
import { audit, findingsOf, problems, stackDoc } from '../../../support/residency';

const US_TOPIC = 'arn:aws:sns:us-east-1:111111111111:alerts';
const HK_TOPIC = 'arn:aws:sns:ap-east-1:111111111111:alerts';

/** [resource type, properties with `target` in the checked place, checked path]. */
const cases = (target: unknown): Array<[string, Record<string, unknown>, string]> => [
  ['AWS::SNS::Subscription', { TopicArn: { Ref: 'Topic' }, Protocol: 'sqs', Endpoint: target }, 'Properties.Endpoint'],
  ['AWS::SNS::Topic', { Subscription: [{ Protocol: 'lambda', Endpoint: target }] }, 'Properties.Subscription.0.Endpoint'],
  ['AWS::Events::Rule', { EventPattern: { source: ['aws.sagemaker'] }, Targets: [{ Id: 't', Arn: target }] }, 'Properties.Targets.0.Arn'],
  ['AWS::Events::Rule', { EventPattern: { source: ['aws.sagemaker'] }, Targets: [{ Id: 't', Arn: { 'Fn::GetAtt': ['Queue', 'Arn'] }, DeadLetterConfig: { Arn: target } }] }, 'Properties.Targets.0.DeadLetterConfig.Arn'],
  ['AWS::Lambda::EventInvokeConfig', { FunctionName: 'f', Qualifier: '$LATEST', DestinationConfig: { OnFailure: { Destination: target } } }, 'Properties.DestinationConfig.OnFailure.Destination'],
  ['AWS::Lambda::EventInvokeConfig', { FunctionName: 'f', Qualifier: '$LATEST', DestinationConfig: { OnSuccess: { Destination: target } } }, 'Properties.DestinationConfig.OnSuccess.Destination'],
  ['AWS::Lambda::Function', { Runtime: 'nodejs20.x', DeadLetterConfig: { TargetArn: target } }, 'Properties.DeadLetterConfig.TargetArn'],
  ['AWS::Lambda::EventSourceMapping', { FunctionName: 'f', EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] }, DestinationConfig: { OnFailure: { Destination: target } } }, 'Properties.DestinationConfig.OnFailure.Destination'],
  ['AWS::CloudWatch::Alarm', { AlarmActions: [target], MetricName: 'Invocations', Namespace: 'AWS/SageMaker' }, 'Properties.AlarmActions.0'],
  ['AWS::CloudWatch::Alarm', { OKActions: [target], MetricName: 'Invocations', Namespace: 'AWS/SageMaker' }, 'Properties.OKActions.0'],
  ['AWS::CloudWatch::CompositeAlarm', { AlarmRule: 'ALARM(a)', InsufficientDataActions: [target] }, 'Properties.InsufficientDataActions.0'],
  ['AWS::SageMaker::EndpointConfig', { ProductionVariants: [], AsyncInferenceConfig: { OutputConfig: { S3OutputPath: { 'Fn::Sub': 's3://${Bucket}/out' }, NotificationConfig: { SuccessTopic: target } } } },
    'Properties.AsyncInferenceConfig.OutputConfig.NotificationConfig.SuccessTopic'],
  ['AWS::SageMaker::EndpointConfig', { ProductionVariants: [], AsyncInferenceConfig: { OutputConfig: { S3OutputPath: { 'Fn::Sub': 's3://${Bucket}/out' }, NotificationConfig: { ErrorTopic: target } } } },
    'Properties.AsyncInferenceConfig.OutputConfig.NotificationConfig.ErrorTopic'],
  ['AWS::SQS::Queue', { RedrivePolicy: { deadLetterTargetArn: target, maxReceiveCount: 5 } }, 'Properties.RedrivePolicy.deadLetterTargetArn'],
  ['AWS::Pipes::Pipe', { RoleArn: 'arn:aws:iam::111111111111:role/p', Source: { 'Fn::GetAtt': ['Queue', 'Arn'] }, Target: target }, 'Properties.Target'],
];

const withSupport = (type: string, properties: Record<string, unknown>) => stackDoc({
  R: { Type: type, Properties: properties },
  Topic: { Type: 'AWS::SNS::Topic' },
  Queue: { Type: 'AWS::SQS::Queue' },
  Bucket: { Type: 'AWS::S3::Bucket' },
});

describe('RES-EVENT-EGRESS', () => {
  test.each(cases(HK_TOPIC))('compliant: %s with a target in ap-east-1 (%#)', (type, properties, path) => {
    const result = audit(withSupport(type, properties));
    expect(problems(result)).toEqual([]);
    expect(result.flows).toContainEqual(expect.objectContaining({ ruleId: 'RES-EVENT-EGRESS', propertyPath: path, to: 'region:ap-east-1', allowed: true }));
  });

  test.each(cases(US_TOPIC))('violating: %s with a target in us-east-1 (%#)', (type, properties, path) => {
    const result = audit(withSupport(type, properties));
    const f = findingsOf(result, 'RES-EVENT-EGRESS');
    expect(f).toEqual([expect.objectContaining({ logicalId: 'R', propertyPath: path, severity: 'error' })]);
    expect(f[0]!.message).toBe(`target ${path.replace(/^Properties\./, '')} of R sends data to us-east-1 (ARN region us-east-1), outside hong-kong (ap-east-1)`);
    expect(findingsOf(result, 'RES-ARN-REGION')).toEqual([]);
  });

  test.each(cases({ Ref: 'Target' }))('a target given as a parameter fails closed: %s (%#)', (type, properties, path) => {
    const doc = withSupport(type, properties);
    const result = audit({ ...doc, template: { ...doc.template, Parameters: { Target: { Type: 'String' } } } });
    expect(findingsOf(result, 'RES-UNKNOWN-LOCATION')).toEqual([expect.objectContaining({ logicalId: 'R', propertyPath: path })]);
  });

  test('compliant: a target that is a resource of the stack', () => {
    expect(problems(audit(withSupport('AWS::Events::Rule', { Targets: [{ Id: 't', Arn: { Ref: 'Topic' } }] })))).toEqual([]);
  });

  test('an SQS redrive policy written as a JSON string is parsed', () => {
    const queue = (dlq: string) => audit(stackDoc({ Q: { Type: 'AWS::SQS::Queue', Properties: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq, maxReceiveCount: 3 }) } } }));
    expect(problems(queue('arn:aws:sqs:ap-east-1:111111111111:dlq'))).toEqual([]);
    const result = queue('arn:aws:sqs:eu-west-1:111111111111:dlq');
    expect(findingsOf(result, 'RES-EVENT-EGRESS')).toEqual([expect.objectContaining({ logicalId: 'Q', propertyPath: 'Properties.RedrivePolicy' })]);
    expect(findingsOf(result, 'RES-ARN-REGION')).toEqual([]);
  });

  test.each([
    ['arn:aws:automate:ap-east-1:ec2:stop', 0],
    ['arn:aws:automate:us-west-2:ec2:recover', 1],
  ])('an EC2 alarm action %s is placed by its region', (action, count) => {
    const result = audit(stackDoc({ A: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [action] } } }));
    expect(findingsOf(result, 'RES-EVENT-EGRESS')).toEqual(Array(count).fill(expect.objectContaining({ propertyPath: 'Properties.AlarmActions.0' })));
  });

  test('the data classes of the topic a subscription relays are used', () => {
    const result = audit(stackDoc({
      Topic: { Type: 'AWS::SNS::Topic', Metadata: { 'sovereign-ml:dataClasses': [DataClass.INFERENCE_PAYLOAD] } },
      Sub: { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: { Ref: 'Topic' }, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:ap-southeast-1:111111111111:q' } },
    }));
    expect(findingsOf(result, 'RES-EVENT-EGRESS')).toEqual([expect.objectContaining({ logicalId: 'Sub', dataClasses: [DataClass.INFERENCE_PAYLOAD] })]);
  });
});

describe('RES-EVENT-EGRESS: HTTP, email and SMS endpoints', () => {
  const subscription = (protocol: string, endpoint: string, template = {}) => stackDoc({
    Sub: { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: 'arn:aws:sns:ap-east-1:111111111111:t', Protocol: protocol, Endpoint: endpoint } },
  }, { template });

  test.each([
    ['email', 'ops@example.com', 'email is delivered by mail servers outside AWS'],
    ['email-json', 'ops@example.com', 'email is delivered by mail servers outside AWS'],
    ['sms', '+85212345678', 'SMS messages leave AWS through telephone carriers'],
    ['https', 'https://hooks.example.com/alerts', 'is not an AWS regional endpoint and not declared external'],
  ])('a %s endpoint fails closed', (protocol, endpoint, reason) => {
    const f = findingsOf(audit(subscription(protocol, endpoint)), 'RES-UNKNOWN-LOCATION');
    expect(f).toEqual([expect.objectContaining({ logicalId: 'Sub', propertyPath: 'Properties.Endpoint' })]);
    expect(f[0]!.message).toContain(reason);
  });

  test('an HTTPS endpoint declared external inside the boundary is compliant', () => {
    const doc = subscription('https', 'https://hooks.example.com/alerts', { Metadata: { [EXTERNALS_METADATA_KEY]: [{ url: 'https://hooks.example.com/', location: 'site:kwun-tong-dc' }] } });
    expect(problems(audit(doc, { boundary: Boundary.regions('hk-and-dc', ['ap-east-1'], { sites: ['kwun-tong-dc'] }) }))).toEqual([]);
  });

  test.each([
    ['https://abc123.execute-api.ap-east-1.amazonaws.com/prod/hook', 0],
    ['https://abc123.execute-api.us-east-1.amazonaws.com/prod/hook', 1],
  ])('an API destination invoking %s', (url, count) => {
    const result = audit(stackDoc({ Api: { Type: 'AWS::Events::ApiDestination', Properties: { ConnectionArn: 'arn:aws:events:ap-east-1:111111111111:connection/c', HttpMethod: 'POST', InvocationEndpoint: url } } }));
    expect(findingsOf(result, 'RES-EVENT-EGRESS')).toEqual(Array(count).fill(expect.objectContaining({ logicalId: 'Api', propertyPath: 'Properties.InvocationEndpoint' })));
    // The generic host scan does not report the claimed property again.
    expect(findingsOf(result, 'RES-ENDPOINT-HOST')).toEqual([]);
  });
});
