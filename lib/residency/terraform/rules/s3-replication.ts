import type { Located } from '../../app-model';
import { asResourceRef, asText } from '../../expr';
import { Location } from '../../location';
import { classesOf, RuleId } from '../../rule';
import type { TerraformResourceBlock } from '../terraform-document';
import type { TerraformModel } from '../terraform-model';
import { arrivalObservation, type TerraformObservation, type TerraformRule } from '../terraform-rule';

/** Destination bucket arguments (a bucket ARN), by resource type; blocks may be objects or lists. */
const DESTINATIONS: Record<string, RegExp> = {
  aws_s3_bucket_replication_configuration: /^rule\.\d+\.destination(\.\d+)?\.bucket$/,
  // The inline form of AWS provider v3 and earlier, still accepted in some documents.
  aws_s3_bucket: /^replication_configuration(\.\d+)?\.rules\.\d+\.destination(\.\d+)?\.bucket$/,
};

/**
 * RES-S3-REPLICATION on Terraform: S3 replication copies every object of the source
 * bucket to the destination bucket of each rule. Each destination (a bucket of the
 * document found by reference, ARN or name; otherwise unknown, which fails closed) must
 * be inside the boundary that governs the data of the source bucket and of the
 * replication configuration.
 *
 * @see https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_replication_configuration
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html
 */
export const terraformS3ReplicationRule: TerraformRule = {
  id: RuleId.S3_REPLICATION,
  severity: 'error',
  description: 'S3 replication copies objects to a bucket outside the boundary',
  fix: 'Replicate only to buckets in regions inside the boundary (same-Region replication), or remove the replication rule',
  checkResource(resource, ctx) {
    const pattern = DESTINATIONS[resource.type];
    if (!pattern || resource.mode !== 'managed') return [];
    const source = resource.type === 'aws_s3_bucket' ? undefined : bucketOf(ctx.model, resource.args.bucket);
    const classes = classesOf(resource.dataClasses, source?.dataClasses ?? []);
    const out: TerraformObservation[] = [];
    for (const leaf of ctx.model.leaves(resource)) {
      if (!pattern.test(leaf.path)) continue;
      ctx.claim(resource, leaf.path);
      out.push(arrivalObservation(ctx, { resource }, leaf.path, locateBucket(ctx.model, leaf.text), classes,
        `replication destination ${leaf.path} of ${resource.address}${source ? ` (source ${source.address})` : ''}`,
        { kind: 'replication', from: ctx.model.locate(source ?? resource) }));
    }
    return out;
  },
};

/** The bucket of the document a value names (by reference, ARN or literal bucket name). */
function bucketOf(model: TerraformModel, value: unknown): TerraformResourceBlock | undefined {
  if (typeof value !== 'string') return undefined;
  const expr = model.expr(value);
  const ref = asResourceRef(expr);
  if (ref) return model.resource(ref.logicalId);
  const name = asText(expr)?.replace(/^arn:[a-z-]+:s3:::/, '').split('/')[0];
  return name ? model.resources.find((r) => r.type === 'aws_s3_bucket' && r.args.bucket === name) : undefined;
}

function locateBucket(model: TerraformModel, value: string): Located {
  const bucket = bucketOf(model, value);
  if (bucket) {
    const located = model.locate(bucket);
    return { location: located.location, basis: `bucket ${bucket.address} ${located.basis}` };
  }
  return { location: Location.UNKNOWN, basis: `${JSON.stringify(value)} is not a bucket of this document` };
}
