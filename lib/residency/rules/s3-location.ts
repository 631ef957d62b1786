import { parseArns } from '../app-model';
import { asResourceRef, render } from '../expr';
import { flowObservation, RuleId, type Observation, type ResidencyRule } from '../rule';

/**
 * Properties that name a bucket by name or ARN (not by URI), per resource type.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-template-resource-type-ref.html
 */
const BUCKET_PATHS: Record<string, RegExp> = {
  'AWS::Lambda::Function': /^Properties\.Code\.S3Bucket$/,
  'AWS::Lambda::LayerVersion': /^Properties\.Content\.S3Bucket$/,
  'AWS::S3::Bucket': /^Properties\.LoggingConfiguration\.DestinationBucketName$|^Properties\.InventoryConfigurations\.\d+\.Destination\.BucketArn$|^Properties\.AnalyticsConfigurations\.\d+\.StorageClassAnalysis\.DataExport\.Destination\.BucketArn$/,
  'AWS::KinesisFirehose::DeliveryStream': /^Properties\.(S3DestinationConfiguration|ExtendedS3DestinationConfiguration|(Redshift|Elasticsearch|AmazonopensearchService|Splunk|HttpEndpoint)DestinationConfiguration\.S3Configuration|ExtendedS3DestinationConfiguration\.S3BackupConfiguration)\.BucketARN$/,
  'AWS::CloudTrail::Trail': /^Properties\.S3BucketName$/,
  'AWS::Config::DeliveryChannel': /^Properties\.S3BucketName$/,
  'AWS::SageMaker::Model': /^Properties\.(PrimaryContainer|Containers\.\d+)\.ModelDataSource\.S3DataSource\.S3Uri$/,
  // This library's model upload custom resource.
  'Custom::SovereignMlModelUpload': /^Properties\.(SourceBucket|DestinationBucket)$/,
};

/**
 * RES-S3-LOCATION: every S3 URI and bucket reference — SageMaker `ModelDataUrl` and
 * `ModelDataSource`, data-capture destinations, async-inference output and failure
 * paths, monitoring outputs, Lambda code buckets, Firehose destinations, S3 ARNs in any
 * property — resolved to its bucket's location.
 */
export const s3LocationRule: ResidencyRule = {
  id: RuleId.S3_LOCATION,
  severity: 'error',
  description: 'An S3 URI or bucket reference points at a bucket outside the boundary',
  fix: 'Point at a bucket of this app in a region inside the boundary, or declare the bucket with DataResidency.declareExternal(stack, { bucketName, location })',
  checkResource(resource, ctx) {
    const out: Observation[] = [];
    const typed = BUCKET_PATHS[resource.type];
    for (const leaf of ctx.model.leaves(resource)) {
      if (ctx.isClaimed(resource, leaf.path)) continue;
      const isBucketProp = typed?.test(leaf.path) ?? false;
      if (isBucketProp) ctx.claim(resource, leaf.path);
      // An S3 ARN in a policy grants access rather than moving data: report it as a reference.
      const kind = /\.(PolicyDocument|Policies|AssumeRolePolicyDocument|KeyPolicy)\./.test(leaf.path) ? 'reference' : 's3';
      for (const expr of leaf.alternatives) {
        const what = `${leaf.path.replace(/^Properties\./, '')} of ${resource.logicalId}`;
        if (isBucketProp) {
          const ref = asResourceRef(expr);
          const located = ref ? ctx.model.locateResource(ref) : ctx.model.locateValue(expr) ?? ctx.model.locateBucketName(render(expr), expr);
          out.push(flowObservation(ctx, resource, leaf.path, 's3', located, what));
          continue;
        }
        const rendered = render(expr);
        for (const m of rendered.matchAll(/s3:\/\/([^/\s"',]+)/g)) {
          out.push(flowObservation(ctx, resource, leaf.path, kind, ctx.model.locateBucketName(m[1]!, expr), what));
        }
        for (const arn of parseArns(rendered)) {
          if (arn.service !== 's3' || arn.region) continue;
          const located = ctx.model.locateArn(arn, expr);
          if (located) out.push(flowObservation(ctx, resource, leaf.path, kind, located, what));
        }
      }
    }
    return out;
  },
};
