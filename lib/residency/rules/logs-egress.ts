import type { Located, ResourceView } from '../app-model';
import { isAllowed } from '../boundary';
import type { DataClass } from '../data-class';
import { asResourceRef, asText, render, type Expr, type Part } from '../expr';
import { Location } from '../location';
import { classesOf, flowObservation, RuleId, type Observation, type ResidencyRule, type RuleContext } from '../rule';

/** S3 destinations of a Firehose stream, followed one hop from a log subscription. */
const FIREHOSE_BUCKET = /^Properties\.(ExtendedS3DestinationConfiguration|S3DestinationConfiguration)\.BucketARN$/;

/**
 * RES-LOGS-EGRESS: log events streamed out of CloudWatch Logs.
 *
 * - `AWS::Logs::SubscriptionFilter` `DestinationArn` (a Lambda function, Kinesis stream,
 *   Firehose stream, or a Logs destination, possibly in another account and region).
 * - `AWS::Logs::AccountPolicy` of type `SUBSCRIPTION_FILTER_POLICY`: the `DestinationArn`
 *   inside its JSON `PolicyDocument` receives the logs of every log group of the account.
 * - `AWS::Logs::Destination` `TargetArn` (a Logs destination may point to a stream in
 *   another region).
 *
 * A Firehose stream of the app is followed to its S3 bucket
 * (`ExtendedS3DestinationConfiguration.BucketARN` or `S3DestinationConfiguration.BucketARN`),
 * and the bucket's location is what is reported, with the hop in the basis; a stream that
 * delivers elsewhere fails closed. The data classes are those of the log group (or
 * function whose log group it is) named by `LogGroupName`, with the filter's own.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-subscriptionfilter.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-accountpolicy.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-destination.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html
 */
export const logsEgressRule: ResidencyRule = {
  id: RuleId.LOGS_EGRESS,
  severity: 'error',
  description: 'Log events are streamed to a destination outside the boundary',
  fix: 'Subscribe log groups only to streams, functions and Firehose streams (delivering to buckets) in regions inside the boundary',
  checkResource(resource, ctx) {
    switch (resource.type) {
      case 'AWS::Logs::SubscriptionFilter': return destinations(resource, ctx, /^Properties\.DestinationArn$/, logGroupClasses(resource, ctx));
      case 'AWS::Logs::Destination': return destinations(resource, ctx, /^Properties\.TargetArn$/, resource.dataClasses);
      case 'AWS::Logs::AccountPolicy': return accountPolicy(resource, ctx);
      default: return [];
    }
  },
};

function destinations(resource: ResourceView, ctx: RuleContext, pattern: RegExp, classes: readonly DataClass[]): Observation[] {
  const out: Observation[] = [];
  for (const leaf of ctx.model.leaves(resource)) {
    if (!pattern.test(leaf.path)) continue;
    ctx.claim(resource, leaf.path);
    const what = `log destination ${leaf.path.replace(/^Properties\./, '')} of ${resource.logicalId}`;
    for (const expr of leaf.alternatives) {
      for (const located of locateLogDestination(ctx, expr, classes)) {
        out.push(flowObservation(ctx, resource, leaf.path, 'logs', located, what, classes));
      }
    }
  }
  return out;
}

/** An account-wide subscription filter policy: the DestinationArn inside its JSON document. */
function accountPolicy(resource: ResourceView, ctx: RuleContext): Observation[] {
  const leaves = ctx.model.leaves(resource);
  const type = leaves.find((l) => l.path === 'Properties.PolicyType');
  if (!type?.alternatives.some((expr) => asText(expr) === 'SUBSCRIPTION_FILTER_POLICY')) return [];
  const out: Observation[] = [];
  for (const leaf of leaves) {
    if (leaf.path !== 'Properties.PolicyDocument' && leaf.path !== 'Properties.PolicyDocument.DestinationArn') continue;
    ctx.claim(resource, leaf.path);
    const what = `subscription destination in ${leaf.path.replace(/^Properties\./, '')} of account policy ${resource.logicalId}`;
    for (const expr of leaf.alternatives) {
      const destination = leaf.path === 'Properties.PolicyDocument' ? jsonTextField(expr, 'DestinationArn') : expr;
      const located = destination
        ? locateLogDestination(ctx, destination, resource.dataClasses)
        : [{ location: Location.UNKNOWN, basis: 'the policy document has no DestinationArn that can be read' }];
      for (const l of located) out.push(flowObservation(ctx, resource, leaf.path, 'logs', l, what));
    }
  }
  return out;
}

/**
 * Where log events sent to a destination end up: the destination itself or, for a
 * Firehose stream of the app inside the boundary, the bucket it delivers to.
 */
function locateLogDestination(ctx: RuleContext, expr: Expr, classes: readonly DataClass[]): Located[] {
  const ref = asResourceRef(expr);
  if (!ref) {
    return [ctx.model.locateValue(expr) ?? { location: Location.UNKNOWN, basis: `${shown(render(expr))} is not an ARN or a resource of this app` }];
  }
  const at = ctx.model.locateResource(ref);
  const target = ctx.model.resource(ref.stack, ref.logicalId);
  if (target?.type !== 'AWS::KinesisFirehose::DeliveryStream' || !isAllowed(ctx.policy, classes, at.location)) return [at];
  const hop = `via Firehose stream ${target.logicalId} of stack ${target.stack.name}`;
  const buckets = ctx.model.leaves(target).filter((leaf) => FIREHOSE_BUCKET.test(leaf.path));
  if (buckets.length === 0) {
    return [{ location: Location.UNKNOWN, basis: `${hop}, which delivers to a destination other than S3 that is not followed` }];
  }
  return buckets.flatMap((leaf) => leaf.alternatives.map((bucket) => {
    const bucketRef = asResourceRef(bucket);
    const located = bucketRef ? ctx.model.locateResource(bucketRef) : ctx.model.locateValue(bucket) ?? ctx.model.locateBucketName(render(bucket), bucket);
    return { location: located.location, basis: `${hop} to its bucket: ${located.basis}` };
  }));
}

/** The filter's classes with those of the log group (or the function owning it) its LogGroupName names. */
function logGroupClasses(resource: ResourceView, ctx: RuleContext): DataClass[] {
  const leaf = ctx.model.leaves(resource).find((l) => l.path === 'Properties.LogGroupName');
  const groups: DataClass[][] = [resource.dataClasses];
  for (const expr of leaf?.alternatives ?? []) {
    for (const part of expr) {
      if (part.kind === 'resource') groups.push(ctx.model.resource(part.stack, part.logicalId)?.dataClasses ?? []);
    }
    const name = asText(expr);
    if (name === undefined) continue;
    for (const group of ctx.model.stacks.flatMap((s) => s.resources)) {
      if (group.type !== 'AWS::Logs::LogGroup') continue;
      const groupName = ctx.model.leaves(group).find((l) => l.path === 'Properties.LogGroupName');
      if (groupName?.alternatives.some((alt) => asText(alt) === name)) groups.push(group.dataClasses);
    }
  }
  return classesOf(...groups);
}

/**
 * The value of a string field of a JSON document given as text (`"field":"value"`), as an
 * expression, so that references spliced into the document (Fn::Join, Fn::Sub) survive.
 * (A candidate for expr.ts: RES-EVENT-EGRESS uses it for SQS redrive policies.)
 */
export function jsonTextField(expr: Expr, field: string): Expr | undefined {
  const rendered = render(expr);
  const m = new RegExp(`"${field}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(rendered);
  if (!m) return undefined;
  const out: Part[] = [];
  const pushText = (raw: string) => {
    if (!raw) return;
    let text = raw;
    try { text = JSON.parse(`"${raw}"`) as string; } catch { /* keep the raw text */ }
    out.push({ kind: 'text', text });
  };
  let last = 0;
  for (const p of m[1]!.matchAll(/[\u0001\u0002](\d+)[\u0001\u0002]/g)) {
    pushText(m[1]!.slice(last, p.index ?? 0));
    out.push(expr[Number(p[1])]!);
    last = (p.index ?? 0) + p[0].length;
  }
  pushText(m[1]!.slice(last));
  return out;
}

function shown(rendered: string): string {
  return rendered.replace(/[\u0001\u0002]\d+[\u0001\u0002]/g, '<computed>');
}
