import type { Leaf, Located, ResourceView } from '../app-model';
import type { DataClass } from '../data-class';
import { asResourceRef, asText, render, type Expr } from '../expr';
import { Location } from '../location';
import { classesOf, flowObservation, RuleId, type Observation, type ResidencyRule, type RuleContext } from '../rule';
import { jsonTextField } from './logs-egress';

const ALARM_ACTIONS = /^Properties\.(AlarmActions|OKActions|InsufficientDataActions)\.\d+$/;

/** Properties that send messages or events somewhere, per resource type. */
const TARGET_PATHS: Record<string, RegExp> = {
  'AWS::SNS::Subscription': /^Properties\.(Endpoint|RedrivePolicy\.deadLetterTargetArn)$/,
  'AWS::SNS::Topic': /^Properties\.Subscription\.\d+\.Endpoint$/,
  'AWS::Events::Rule': /^Properties\.Targets\.\d+\.(Arn|DeadLetterConfig\.Arn)$/,
  'AWS::Events::ApiDestination': /^Properties\.InvocationEndpoint$/,
  'AWS::Lambda::EventInvokeConfig': /^Properties\.DestinationConfig\.(OnSuccess|OnFailure)\.Destination$/,
  'AWS::Lambda::Function': /^Properties\.DeadLetterConfig\.TargetArn$/,
  'AWS::Lambda::EventSourceMapping': /^Properties\.DestinationConfig\.OnFailure\.Destination$/,
  'AWS::CloudWatch::Alarm': ALARM_ACTIONS,
  'AWS::CloudWatch::CompositeAlarm': ALARM_ACTIONS,
  'AWS::SageMaker::EndpointConfig': /^Properties\.AsyncInferenceConfig\.OutputConfig\.NotificationConfig\.(SuccessTopic|ErrorTopic)$/,
  // RedrivePolicy is JSON: an object in the template, or a JSON string.
  'AWS::SQS::Queue': /^Properties\.RedrivePolicy(\.deadLetterTargetArn)?$/,
  'AWS::Pipes::Pipe': /^Properties\.(Target|Enrichment|SourceParameters\.\w+\.DeadLetterConfig\.Arn)$/,
};

/** Where the data being sent comes from, when it is another resource (a topic, a function, a stream). */
const SOURCE_PATHS: Record<string, string> = {
  'AWS::SNS::Subscription': 'Properties.TopicArn',
  'AWS::Lambda::EventInvokeConfig': 'Properties.FunctionName',
  'AWS::Lambda::EventSourceMapping': 'Properties.EventSourceArn',
  'AWS::Pipes::Pipe': 'Properties.Source',
};

/** SNS protocols whose endpoints are outside AWS altogether. */
const OFF_AWS_PROTOCOLS: Record<string, string> = {
  'email': 'email is delivered by mail servers outside AWS',
  'email-json': 'email is delivered by mail servers outside AWS',
  'sms': 'SMS messages leave AWS through telephone carriers',
};

/**
 * RES-EVENT-EGRESS: messages and events sent to targets — SNS subscriptions (on the
 * subscription or inline on the topic: ARNs, HTTP(S) URLs, and email/SMS, which leave
 * AWS and so fail closed), EventBridge rule targets and their dead-letter queues,
 * EventBridge API destinations, Lambda destinations and dead-letter queues, event source
 * mapping failure destinations, CloudWatch alarm actions (SNS topics, and EC2 actions
 * such as `arn:aws:automate:<region>:ec2:stop`), SageMaker async-inference notification
 * topics, SQS dead-letter queues, and EventBridge Pipes targets. Each target must be in
 * a region inside the boundary governing the data (the resource's, with that of the
 * topic, function or stream it relays).
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sns-subscription.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-sns-topic-subscription.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-events-rule-target.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-apidestination.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-eventinvokeconfig.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-function-deadletterconfig.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-eventsourcemapping-destinationconfig.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-alarm.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-compositealarm.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-sagemaker-endpointconfig-asyncinferencenotificationconfig.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queue.html#cfn-sqs-queue-redrivepolicy
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-pipes-pipe.html
 */
export const eventEgressRule: ResidencyRule = {
  id: RuleId.EVENT_EGRESS,
  severity: 'error',
  description: 'Messages or events are sent to a target outside the boundary',
  fix: 'Send messages and events only to topics, queues, functions, event buses and HTTP endpoints in regions inside the boundary, or declare an external endpoint with DataResidency.declareExternal(stack, { url, location })',
  checkResource(resource, ctx) {
    const pattern = TARGET_PATHS[resource.type];
    if (!pattern) return [];
    const leaves = ctx.model.leaves(resource);
    const classes = sourceClasses(resource, leaves, ctx);
    const out: Observation[] = [];
    for (const leaf of leaves) {
      if (!pattern.test(leaf.path)) continue;
      ctx.claim(resource, leaf.path);
      const what = `target ${leaf.path.replace(/^Properties\./, '')} of ${resource.logicalId}`;
      const protocol = protocolOf(resource, leaf, leaves);
      for (const expr of leaf.alternatives) {
        const target = resource.type === 'AWS::SQS::Queue' && leaf.path === 'Properties.RedrivePolicy'
          ? jsonTextField(expr, 'deadLetterTargetArn')
          : expr;
        const located = target === undefined
          ? { location: Location.UNKNOWN, basis: 'the redrive policy has no deadLetterTargetArn that can be read' }
          : locateTarget(ctx, target, protocol);
        out.push(flowObservation(ctx, resource, leaf.path, 'event', located, what, classes));
      }
    }
    return out;
  },
};

/** The SNS protocol of a subscription endpoint (the sibling `Protocol`), if it is one. */
function protocolOf(resource: ResourceView, leaf: Leaf, leaves: readonly Leaf[]): string | undefined {
  if (!resource.type.startsWith('AWS::SNS::') || !leaf.path.endsWith('.Endpoint')) return undefined;
  const protocol = leaves.find((l) => l.path === leaf.path.replace(/Endpoint$/, 'Protocol'));
  const names = new Set(protocol?.alternatives.map((expr) => asText(expr)?.toLowerCase() ?? '?'));
  return names.size === 1 ? [...names][0] : '?';
}

/** Where a target named by a reference, an ARN or a URL is. */
function locateTarget(ctx: RuleContext, expr: Expr, protocol: string | undefined): Located {
  const offAws = protocol === undefined ? undefined : OFF_AWS_PROTOCOLS[protocol];
  if (offAws) return { location: Location.UNKNOWN, basis: `${offAws} (${protocol} endpoint ${shown(render(expr))})` };
  if (protocol === '?') {
    // The protocol is computed: the endpoint may be an address outside AWS.
    return { location: Location.UNKNOWN, basis: 'the subscription protocol is computed' };
  }
  const ref = asResourceRef(expr);
  if (ref) return ctx.model.locateResource(ref);
  const rendered = render(expr);
  if (/^https?:\/\//.test(rendered)) return ctx.model.locateUrl(rendered, expr);
  return ctx.model.locateValue(expr) ?? { location: Location.UNKNOWN, basis: `${shown(rendered)} is not a regional ARN, a URL or a resource of this app` };
}

/** The resource's classes with those of the resource whose data it relays. */
function sourceClasses(resource: ResourceView, leaves: readonly Leaf[], ctx: RuleContext): DataClass[] {
  const path = SOURCE_PATHS[resource.type];
  const source = path === undefined ? undefined : leaves.find((l) => l.path === path);
  const groups: DataClass[][] = [resource.dataClasses];
  for (const expr of source?.alternatives ?? []) {
    for (const part of expr) {
      if (part.kind === 'resource') groups.push(ctx.model.resource(part.stack, part.logicalId)?.dataClasses ?? []);
    }
  }
  return classesOf(...groups);
}

function shown(rendered: string): string {
  return rendered.replace(/[\u0001\u0002]\d+[\u0001\u0002]/g, '<computed>');
}
