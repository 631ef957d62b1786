import { Construct } from 'constructs';
import { DataClass } from '../../../lib/residency/data-class';
import {
  S3Bucket, S3BucketLifecycleConfiguration, S3BucketLogging, S3BucketOwnershipControls, S3BucketPolicy, S3BucketPublicAccessBlock,
  S3BucketServerSideEncryptionConfiguration,
} from './providers';
import { classifyResource } from './residency-annotations';
import { tlsOnlyPolicy } from './tls-only-policy';

/**
 * Server access logs of `source` into a new bucket under `scope` (construct `AccessLogs`):
 * SSE-S3 (S3 cannot deliver access logs to an SSE-KMS bucket), public access blocked,
 * TLS 1.2 or later only, log delivery allowed for this source bucket only, logs expiring after 400 days.
 * The logs say who fetched which model when; they hold request metadata, not models.
 */
export function accessLogs(scope: Construct, region: string, source: S3Bucket): S3Bucket {
  const parent = new Construct(scope, 'AccessLogs');
  const logs = new S3Bucket(parent, 'Resource', { region, bucketPrefix: 'sovereign-ml-model-logs-' });
  classifyResource(logs, DataClass.TELEMETRY);
  const bucket = logs.id;
  new S3BucketServerSideEncryptionConfiguration(parent, 'Encryption', { region, bucket, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] });
  new S3BucketPublicAccessBlock(parent, 'PublicAccessBlock', {
    region, bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(parent, 'OwnershipControls', { region, bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
  new S3BucketLifecycleConfiguration(parent, 'Lifecycle', {
    region, bucket, rule: [{ id: 'expire-access-logs', status: 'Enabled', filter: [{ prefix: '' }], expiration: [{ days: 400 }] }],
  });
  new S3BucketPolicy(parent, 'Policy', {
    region,
    bucket,
    // TLS 1.2 or later only, as the registry bucket.
    policy: tlsOnlyPolicy(logs.arn, {
      // Bucket names are global, so the source bucket's ARN names one bucket: no other bucket's logs land here.
      Sid: 'AllowLogDelivery', Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject',
      Resource: `${logs.arn}/*`, Condition: { ArnLike: { 'aws:SourceArn': source.arn } },
    }),
  });
  new S3BucketLogging(scope, 'Logging', { region, bucket: source.id, targetBucket: logs.id, targetPrefix: 'registry/' });
  return logs;
}
