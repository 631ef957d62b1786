/**
 * Delivery of capture records from a function's log group to the capture bucket: a
 * subscription filter selecting capture lines, and a Firehose stream that decompresses
 * CloudWatch Logs batches, extracts each message, and writes them one per line under
 * hour-partitioned prefixes, all encrypted with the capture key.
 */
import { ArnFormat, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CAPTURE_FILTER_PATTERN } from '../../../lib/capture';
import { DataClass } from '../../../lib/residency/data-class';
import { classifyData } from './classify';

/** Properties of {@link CaptureDelivery}. */
export interface CaptureDeliveryProps {
  readonly logGroup: logs.ILogGroup;
  readonly bucket: s3.IBucket;
  readonly encryptionKey: kms.IKey;
  /** Prefix under which records land, e.g. `capture/hk-claims-fraud/3/`. */
  readonly prefix: string;
}

/** The log-to-bucket pipeline of captured inferences. */
export class CaptureDelivery extends Construct {
  public readonly deliveryStream: firehose.CfnDeliveryStream;
  public readonly subscriptionFilter: logs.CfnSubscriptionFilter;

  public constructor(scope: Construct, id: string, props: CaptureDeliveryProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const firehoseRole = new iam.Role(this, 'DeliveryRole', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', { conditions: { StringEquals: { 'sts:ExternalId': stack.account } } }),
      description: 'sovereign-ml capture: writes capture records into the capture bucket',
    });
    firehoseRole.addToPolicy(new iam.PolicyStatement({
      actions: ['s3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
      resources: [props.bucket.bucketArn],
    }));
    firehoseRole.addToPolicy(new iam.PolicyStatement({
      actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
      resources: [props.bucket.arnForObjects(`${props.prefix}*`), props.bucket.arnForObjects('capture-errors/*')],
    }));
    const bucketResource = props.bucket.node.defaultChild;
    if (CfnResource.isCfnResource(bucketResource)) {
      const arn = `<${stack.getLogicalId(bucketResource)}.Arn>`;
      Validations.of(firehoseRole).acknowledge(
        { id: `AwsSolutions-IAM5[Resource::${arn}/${props.prefix}*]`, reason: 'Firehose writes a new object per buffer under the capture prefix; the names are generated, so the grant is the prefix' },
        { id: `AwsSolutions-IAM5[Resource::${arn}/capture-errors/*]`, reason: 'Firehose writes records it could not process under this error prefix, with generated names' },
      );
    }
    firehoseRole.addToPolicy(new iam.PolicyStatement({
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [props.encryptionKey.keyArn],
    }));

    this.deliveryStream = new firehose.CfnDeliveryStream(this, 'Resource', {
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: { keyType: 'CUSTOMER_MANAGED_CMK', keyArn: props.encryptionKey.keyArn },
      extendedS3DestinationConfiguration: {
        bucketArn: props.bucket.bucketArn,
        roleArn: firehoseRole.roleArn,
        prefix: `${props.prefix}!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/!{timestamp:HH}/`,
        errorOutputPrefix: 'capture-errors/!{firehose:error-output-type}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/!{timestamp:HH}/',
        bufferingHints: { intervalInSeconds: 60, sizeInMBs: 5 },
        compressionFormat: 'GZIP',
        encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: props.encryptionKey.keyArn } },
        processingConfiguration: {
          enabled: true,
          processors: [
            { type: 'Decompression', parameters: [{ parameterName: 'CompressionFormat', parameterValue: 'GZIP' }] },
            { type: 'CloudWatchLogProcessing', parameters: [{ parameterName: 'DataMessageExtraction', parameterValue: 'true' }] },
            { type: 'AppendDelimiterToRecord', parameters: [{ parameterName: 'Delimiter', parameterValue: '\\n' }] },
          ],
        },
      },
    });
    this.deliveryStream.node.addDependency(firehoseRole);

    const logsRole = new iam.Role(this, 'SubscriptionRole', {
      // Only this account's log groups in this region may use the role (confused deputy).
      assumedBy: new iam.ServicePrincipal('logs.amazonaws.com', { conditions: { StringLike: { 'aws:SourceArn': stack.formatArn({ service: 'logs', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME }) } } }),
      description: 'sovereign-ml capture: lets CloudWatch Logs put capture records into the delivery stream',
    });
    logsRole.addToPolicy(new iam.PolicyStatement({
      actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
      resources: [this.deliveryStream.attrArn],
    }));
    this.subscriptionFilter = new logs.CfnSubscriptionFilter(this, 'Subscription', {
      logGroupName: props.logGroup.logGroupName,
      filterPattern: CAPTURE_FILTER_PATTERN,
      destinationArn: this.deliveryStream.attrArn,
      roleArn: logsRole.roleArn,
    });
    this.subscriptionFilter.node.addDependency(logsRole);
    classifyData(this, DataClass.INFERENCE_PAYLOAD);
  }
}
