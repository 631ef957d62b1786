import type { Located, ResourceView } from '../app-model';
import { asResourceRef, asText, render, type Expr } from '../expr';
import { classesOf, flowObservation, RuleId, type Observation, type ResidencyRule, type RuleContext } from '../rule';

/** `AWS::S3::Bucket` replication destinations (a bucket ARN). */
const REPLICATION_DESTINATION = /^Properties\.ReplicationConfiguration\.Rules\.\d+\.Destination\.Bucket$/;
/** `AWS::S3::MultiRegionAccessPoint` buckets (a bucket name). */
const MRAP_BUCKET = /^Properties\.Regions\.\d+\.Bucket$/;

const MRAP_FIX = 'Put only buckets in regions inside the boundary behind the Multi-Region Access Point, or use a single-Region access point';

/**
 * RES-S3-REPLICATION: S3 replication copies every object of a bucket to the destination
 * bucket of each replication rule, and a Multi-Region Access Point routes reads and
 * writes to any of its buckets. Every destination bucket (a bucket of the app, found by
 * reference, ARN or name; a bucket declared external; or unknown, which fails closed)
 * must be inside the boundary that governs the source bucket's data. A Multi-Region
 * Access Point carries the data of all of its buckets, so each of them is checked
 * against the classes of all of them.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-replicationdestination.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-s3-multiregionaccesspoint.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-multiregionaccesspoint-region.html
 */
export const s3ReplicationRule: ResidencyRule = {
  id: RuleId.S3_REPLICATION,
  severity: 'error',
  description: 'S3 replication or a Multi-Region Access Point copies objects to a bucket outside the boundary',
  fix: 'Replicate only to buckets in regions inside the boundary (same-Region replication), or remove the replication rule',
  checkResource(resource, ctx) {
    if (resource.type === 'AWS::S3::Bucket') return replication(resource, ctx);
    if (resource.type === 'AWS::S3::MultiRegionAccessPoint') return multiRegionAccessPoint(resource, ctx);
    return [];
  },
};

function replication(resource: ResourceView, ctx: RuleContext): Observation[] {
  const out: Observation[] = [];
  for (const leaf of ctx.model.leaves(resource)) {
    if (!REPLICATION_DESTINATION.test(leaf.path)) continue;
    ctx.claim(resource, leaf.path);
    for (const expr of leaf.alternatives) {
      out.push(flowObservation(ctx, resource, leaf.path, 'replication', locateBucket(ctx, expr),
        `replication destination ${leaf.path.replace(/^Properties\./, '')} of ${resource.logicalId}`));
    }
  }
  return out;
}

function multiRegionAccessPoint(resource: ResourceView, ctx: RuleContext): Observation[] {
  const leaves = ctx.model.leaves(resource).filter((leaf) => MRAP_BUCKET.test(leaf.path));
  // Requests through the access point reach any bucket: each bucket may hold the data of all.
  const classes = classesOf(resource.dataClasses, ...leaves.flatMap((leaf) => leaf.alternatives.map((expr) => bucketResource(ctx, expr)?.dataClasses ?? [])));
  const out: Observation[] = [];
  for (const leaf of leaves) {
    ctx.claim(resource, leaf.path);
    for (const expr of leaf.alternatives) {
      const obs = flowObservation(ctx, resource, leaf.path, 'replication', locateBucket(ctx, expr),
        `bucket ${leaf.path.replace(/^Properties\./, '')} of multi-Region access point ${resource.logicalId}`, classes);
      // An unknown bucket keeps the RES-UNKNOWN-LOCATION fix (declare it external).
      out.push(obs.ruleId ? obs : { ...obs, fix: MRAP_FIX });
    }
  }
  return out;
}

/** Where a bucket given by reference, ARN or name is. */
function locateBucket(ctx: RuleContext, expr: Expr): Located {
  const ref = asResourceRef(expr);
  if (ref) return ctx.model.locateResource(ref);
  return ctx.model.locateValue(expr) ?? ctx.model.locateBucketName(render(expr), expr);
}

/** The bucket of the app a value names (by reference, or by a literal name or ARN), if any. */
function bucketResource(ctx: RuleContext, expr: Expr): ResourceView | undefined {
  const ref = asResourceRef(expr);
  if (ref) return ctx.model.resource(ref.stack, ref.logicalId);
  const name = asText(expr)?.replace(/^arn:[a-z-]+:s3:::/, '').split('/')[0];
  if (!name) return undefined;
  return ctx.model.stacks.flatMap((s) => s.resources).find((r) => r.type === 'AWS::S3::Bucket'
    && ctx.model.leaves(r).some((leaf) => leaf.path === 'Properties.BucketName' && leaf.alternatives.some((alt) => asText(alt) === name)));
}
