/**
 * The seam for provider bindings: every provider class sovereign-ml uses is imported here
 * by deep path (`@cdktf/provider-aws/lib/s3-bucket`), never from a provider's barrel, which
 * loads every binding of the provider (about 2 s and 500 MB for AWS). Constructs import
 * from this file only, so that a switch to CDK Terrain (`cdktn`) bindings touches it and
 * `./cdktf`, not the constructs.
 */
export { AwsProvider } from '@cdktf/provider-aws/lib/provider';
export { IamRole } from '@cdktf/provider-aws/lib/iam-role';
export { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
export { IamUser } from '@cdktf/provider-aws/lib/iam-user';
export { IamUserPolicy } from '@cdktf/provider-aws/lib/iam-user-policy';
export { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
export { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
export { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
export { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
export { S3BucketLoggingA as S3BucketLogging } from '@cdktf/provider-aws/lib/s3-bucket-logging';
export { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
export { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
export { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
export { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
export { S3BucketVersioningA as S3BucketVersioning } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
export { S3Object } from '@cdktf/provider-aws/lib/s3-object';

export { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
export { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
export { CronJobV1 } from '@cdktf/provider-kubernetes/lib/cron-job-v1';
export { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
export { HorizontalPodAutoscalerV2 } from '@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2';
export { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
export { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
export { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
export { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
