import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { DataClass } from '../../../lib/residency/data-class';
import { classifyData } from './classify';

/** Options of {@link secureBucket}. */
export interface SecureBucketOptions {
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  /** Lifecycle of current objects, e.g. capture retention. */
  readonly expiration?: Duration;
  readonly serverAccessLogsBucket?: s3.IBucket;
  readonly serverAccessLogsPrefix: string;
}

/**
 * A bucket with the library's defaults: SSE-KMS with a bucket key, versioned, TLS 1.2+
 * only, public access blocked, owner-enforced, server access logs (to a new SSE-S3 log
 * bucket unless one is given), under a construct `id` holding `Resource` and `AccessLogs`.
 */
export function secureBucket(parent: Construct, id: string, options: SecureBucketOptions): { bucket: s3.Bucket; accessLogs: s3.IBucket } {
  const scope = new Construct(parent, id);
  // Access log delivery by bucket policy, whatever the app's feature flags say.
  scope.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
  const accessLogs = options.serverAccessLogsBucket ?? accessLogsBucket(scope, options.removalPolicy);
  const bucket = new s3.Bucket(scope, 'Resource', {
    versioned: true,
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: options.encryptionKey,
    bucketKeyEnabled: true,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    serverAccessLogsBucket: accessLogs,
    serverAccessLogsPrefix: options.serverAccessLogsPrefix,
    lifecycleRules: [{
      id: 'expire',
      expiration: options.expiration,
      noncurrentVersionExpiration: Duration.days(30),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    }],
    removalPolicy: options.removalPolicy,
  });
  return { bucket, accessLogs };
}

/**
 * A server-access-log destination: SSE-S3 (S3 cannot deliver access logs to an SSE-KMS
 * bucket), TLS-only, public access blocked, versioned, expiring after 400 days. Created
 * as `AccessLogs` under `scope`, whose context must allow log delivery by bucket policy.
 */
export function accessLogsBucket(scope: Construct, removalPolicy: RemovalPolicy): s3.Bucket {
  const logs = new s3.Bucket(scope, 'AccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(400), noncurrentVersionExpiration: Duration.days(30) }],
    removalPolicy,
  });
  Validations.of(logs).acknowledge({
    id: 'AwsSolutions-S1',
    reason: 'This bucket is the destination of server access logs; logging it into itself would loop and S3 forbids SSE-KMS on log destinations',
  });
  // Access logs hold request metadata (keys, requesters), not payloads.
  classifyData(logs, DataClass.TELEMETRY);
  return logs;
}
