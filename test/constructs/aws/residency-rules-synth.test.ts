/**
 * One violating CDK app per residency rule: `DataResidency.enforce` fails synthesis with
 * that rule id and the construct path of the offending resource.
 */
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Boundary, DataResidency, Location } from '../../../constructs';
import { validatedSynth } from '../../support/validated-synth';

const HK = { account: '111111111111', region: 'ap-east-1' };

function fn(scope: Stack, id: string, environment: Record<string, string> = {}): lambda.Function {
  return new lambda.Function(scope, id, { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>1'), environment });
}

type Build = (app: App) => void;
const hk = (app: App) => new Stack(app, 'Hk', { env: HK });

const cases: Array<[rule: string, path: string, build: Build]> = [
  ['RES-STACK-REGION', 'Us', (app) => { new s3.Bucket(new Stack(app, 'Us', { env: { ...HK, region: 'us-east-1' } }), 'B'); }],
  ['RES-PARTITION', 'Hk/Scorer/Resource', (app) => { fn(hk(app), 'Scorer', { LAKE: 'arn:aws-cn:s3:::mainland-lake' }); }],
  ['RES-ARN-REGION', 'Hk/Scorer/Resource', (app) => { fn(hk(app), 'Scorer', { QUEUE: 'arn:aws:sqs:us-west-2:111111111111:q' }); }],
  ['RES-ENDPOINT-HOST', 'Hk/Scorer/Resource', (app) => { fn(hk(app), 'Scorer', { LLM_URL: 'https://bedrock-runtime.us-east-1.amazonaws.com' }); }],
  ['RES-IMAGE-REGION', 'Hk/Model', (app) => {
    new sagemaker.CfnModel(hk(app), 'Model', { executionRoleArn: 'arn:aws:iam::111111111111:role/sm', primaryContainer: { image: '785573368785.dkr.ecr.us-east-1.amazonaws.com/sagemaker-tritonserver:24.09-py3' } });
  }],
  ['RES-S3-LOCATION', 'Hk/Config', (app) => {
    const stack = hk(app);
    DataResidency.declareExternal(stack, { bucketName: 'sg-capture', location: Location.region('ap-southeast-1') });
    new sagemaker.CfnEndpointConfig(stack, 'Config', {
      productionVariants: [{ variantName: 'a', modelName: 'm', initialInstanceCount: 1, instanceType: 'ml.m5.large' }],
      dataCaptureConfig: { destinationS3Uri: 's3://sg-capture/x', initialSamplingPercentage: 10, captureOptions: [{ captureMode: 'Input' }] },
    });
  }],
  ['RES-S3-REPLICATION', 'Hk/Bucket/Resource', (app) => {
    const stack = hk(app);
    DataResidency.declareExternal(stack, { bucketName: 'dr-copy', location: Location.region('ap-southeast-1') });
    const bucket = new s3.Bucket(stack, 'Bucket', { versioned: true });
    (bucket.node.defaultChild as s3.CfnBucket).replicationConfiguration = { role: 'arn:aws:iam::111111111111:role/r', rules: [{ status: 'Enabled', destination: { bucket: 'arn:aws:s3:::dr-copy' } }] };
  }],
  ['RES-KMS', 'Hk/Key/Resource', (app) => { new kms.Key(hk(app), 'Key', { multiRegion: true, enableKeyRotation: true }); }],
  ['RES-LOGS-EGRESS', 'Hk/Forward', (app) => {
    const stack = hk(app);
    const group = new logs.LogGroup(stack, 'Group');
    new logs.CfnSubscriptionFilter(stack, 'Forward', {
      logGroupName: group.logGroupName, filterPattern: '', roleArn: 'arn:aws:iam::111111111111:role/cwl',
      destinationArn: 'arn:aws:firehose:us-east-1:111111111111:deliverystream/central',
    });
  }],
  ['RES-EVENT-EGRESS', 'Hk/Rule/Resource', (app) => {
    const rule = new events.Rule(hk(app), 'Rule', { eventPattern: { source: ['sovereign-ml'] } });
    rule.addTarget({ bind: () => ({ arn: 'arn:aws:sqs:eu-west-1:111111111111:audit', id: 'Audit' }) });
  }],
  ['RES-REPLICATED-STORE', 'Hk/Table/Resource', (app) => {
    new dynamodb.TableV2(hk(app), 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, replicas: [{ region: 'us-east-1' }] });
  }],
  ['RES-GLOBAL-SERVICE', 'Hk/Cdn', (app) => {
    new cloudfront.CfnDistribution(hk(app), 'Cdn', { distributionConfig: { enabled: true, defaultCacheBehavior: { targetOriginId: 'o', viewerProtocolPolicy: 'https-only', cachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6' }, origins: [{ id: 'o', domainName: 'scores.example.hk', customOriginConfig: { originProtocolPolicy: 'https-only' } }] } });
  }],
  ['RES-CROSS-REGION-REFERENCE', 'Hk/Reader', (app) => {
    new CfnResource(hk(app), 'Reader', { type: 'Custom::CrossRegionExportReader', properties: { ServiceToken: 'arn:aws:lambda:ap-east-1:111111111111:function:reader', ReaderProps: { region: 'us-east-1', prefix: 'Hk', imports: {} } } });
  }],
  ['RES-BEDROCK-CROSS-REGION', 'Hk/Scorer/Resource', (app) => { fn(hk(app), 'Scorer', { EXPLAINER_MODEL: 'apac.anthropic.claude-3-5-sonnet-20240620-v1:0' }); }],
  ['RES-UNKNOWN-LOCATION', 'Hk/Hook/Resource', (app) => {
    const stack = hk(app);
    const topic = new sns.Topic(stack, 'Topic');
    new sns.Subscription(stack, 'Hook', { topic, endpoint: 'https://hooks.partner.example/x', protocol: sns.SubscriptionProtocol.HTTPS });
  }],
];

describe.each(cases)('%s', (rule, constructPath, build) => {
  test(`fails synth with ${rule} at ${constructPath}`, () => {
    const result = validatedSynth((app) => {
      build(app);
      DataResidency.enforce(app, { boundary: Boundary.HONG_KONG, report: false });
    });
    expect(result.error).toBeDefined();
    const hits = result.violations.filter((v) => v.plugin === 'Residency' && v.ruleName === rule);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.flatMap((v) => v.constructPaths)).toContain(constructPath);
  });
});
