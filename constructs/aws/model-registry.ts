import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { ModelArtifact, type AddModelOptions } from './model-artifact';
import { ErrorCode, fail, validateProps } from './private/validate';
import { DataClass } from '../../lib/residency/data-class';
import { classifyData } from './private/classify';
import { registryPropsSchema } from './private/model-registry-schema';
import { accessLogsBucket } from './private/secure-bucket';

/**
 * S3 Object Lock for the registry bucket, so that a registered model version cannot be
 * overwritten or deleted during its retention period.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
 */
export class ObjectLock {
  /**
   * Governance mode: users with `s3:BypassGovernanceRetention` can still delete or
   * overwrite a locked version; nobody else can.
   */
  public static governance(retention: Duration): ObjectLock {
    return new ObjectLock('GOVERNANCE', retention);
  }

  /**
   * Compliance mode: nobody, the root user included, can delete or overwrite a locked
   * version until its retention ends, and the retention cannot be shortened.
   */
  public static compliance(retention: Duration): ObjectLock {
    return new ObjectLock('COMPLIANCE', retention);
  }

  private constructor(
    /** Retention mode. */
    public readonly mode: 'GOVERNANCE' | 'COMPLIANCE',
    /** Default retention of each new object version. */
    public readonly retention: Duration,
  ) {}
}

/** A model registry: a bucket of model artifacts and a SageMaker model package group. */
export interface IModelRegistry {
  /** The bucket holding model artifacts under `models/<group>/<version>/`. */
  readonly bucket: s3.IBucket;
  /** The KMS key encrypting the bucket, when known. */
  readonly encryptionKey?: kms.IKey;
  /** Name of the SageMaker model package group. */
  readonly modelPackageGroupName: string;
  /** ARN of the SageMaker model package group. */
  readonly modelPackageGroupArn: string;

  /**
   * Uploads a local model file and registers it as a model package version.
   * @param id construct id of the returned artifact
   */
  addModel(id: string, options: AddModelOptions): ModelArtifact;

  /**
   * Lets `grantee` read model artifacts (decrypting with the key) and describe the
   * group's model packages.
   */
  grantRead(grantee: iam.IGrantable): iam.Grant;

  /**
   * Lets `grantee` put new model artifacts (encrypting with the key) and create model
   * package versions in the group. Deleting is never granted: the registry is immutable.
   */
  grantWrite(grantee: iam.IGrantable): iam.Grant;
}

/** Properties of a {@link ModelRegistry}. */
export interface ModelRegistryProps {
  /**
   * Name of the SageMaker model package group, also the middle segment of every model's
   * object key. 1-63 letters, digits and hyphens.
   */
  readonly modelPackageGroupName: string;

  /**
   * Description of the model package group.
   * @default - none
   */
  readonly description?: string;

  /**
   * Customer-managed KMS key for the bucket.
   * @default - a new key with yearly rotation, retained on stack deletion
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How long an overwritten (noncurrent) object version is kept before it expires.
   * @default Duration.days(365)
   */
  readonly noncurrentVersionExpiration?: Duration;

  /**
   * How many noncurrent versions of each object are kept regardless of age.
   * @default 10
   */
  readonly noncurrentVersionsToRetain?: number;

  /**
   * Object Lock default retention for every new object version.
   * @default - no Object Lock
   */
  readonly objectLock?: ObjectLock;

  /**
   * Bucket that receives the registry bucket's server access logs.
   * @default - a new bucket (SSE-S3, TLS-only, public access blocked; S3 access logging
   *   cannot deliver to a bucket encrypted with a customer-managed KMS key)
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * What happens to the bucket and the key when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Attributes of a registry made elsewhere, for {@link ModelRegistry.fromModelRegistryAttributes}. */
export interface ModelRegistryAttributes {
  /** ARN of the registry bucket. */
  readonly bucketArn: string;
  /** Name of the SageMaker model package group. */
  readonly modelPackageGroupName: string;
  /**
   * ARN of the KMS key encrypting the bucket.
   * @default - no key grants (use this only for SSE-S3 buckets)
   */
  readonly encryptionKeyArn?: string;
}

abstract class ModelRegistryBase extends Construct implements IModelRegistry {
  public abstract readonly bucket: s3.IBucket;
  public abstract readonly encryptionKey?: kms.IKey;
  public abstract readonly modelPackageGroupName: string;
  public abstract readonly modelPackageGroupArn: string;
  private readonly versions = new Set<string>();

  public addModel(id: string, options: AddModelOptions): ModelArtifact {
    if (this.versions.has(options.version)) {
      fail(this, ErrorCode.MODEL_VERSION_DUPLICATE,
        `addModel.version ${JSON.stringify(options.version)} is already registered in ${this.modelPackageGroupName}; registered models are immutable, give the new model a new version`);
    }
    const artifact = new ModelArtifact(this, id, { ...options, registry: this });
    this.versions.add(options.version);
    return artifact;
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const objects = this.bucket.grantRead(grantee, 'models/*');
    const packages = iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:DescribeModelPackageGroup', 'sagemaker:DescribeModelPackage'],
      resourceArns: [this.modelPackageGroupArn, this.modelPackageArnPattern()],
    });
    return objects.combine(packages);
  }

  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    const objects = this.bucket.grantPut(grantee, 'models/*');
    const packages = iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:DescribeModelPackageGroup', 'sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage'],
      resourceArns: [this.modelPackageGroupArn, this.modelPackageArnPattern()],
    });
    return objects.combine(packages);
  }

  /** ARN pattern of the group's package versions; SageMaker lower-cases names in ARNs. */
  private modelPackageArnPattern(): string {
    return Stack.of(this).formatArn({
      service: 'sagemaker',
      resource: 'model-package',
      resourceName: `${this.modelPackageGroupName.toLowerCase()}/*`,
    });
  }
}

/**
 * A versioned, encrypted, immutable model registry: an S3 bucket that holds model
 * artifacts at `models/<group>/<version>/<file>` and a SageMaker model package group
 * whose package versions record each artifact's SHA-256, version and lineage.
 *
 * The bucket is versioned, encrypted with a customer-managed KMS key (rotation on,
 * S3 bucket key on), TLS-only, blocks all public access, logs server access to a log
 * bucket, expires noncurrent versions and can lock objects with S3 Object Lock.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry.html
 */
export class ModelRegistry extends ModelRegistryBase {
  /** Imports a registry made elsewhere; `addModel` and the grants work on it too. */
  public static fromModelRegistryAttributes(scope: Construct, id: string, attrs: ModelRegistryAttributes): IModelRegistry {
    const validated = validateProps(scope, registryPropsSchema.pick({ modelPackageGroupName: true }),
      { modelPackageGroupName: attrs.modelPackageGroupName }, 'attrs');
    class Import extends ModelRegistryBase {
      public readonly bucket: s3.IBucket;
      public readonly encryptionKey?: kms.IKey;
      public readonly modelPackageGroupName = validated.modelPackageGroupName;
      public readonly modelPackageGroupArn = Stack.of(scope).formatArn({
        service: 'sagemaker',
        resource: 'model-package-group',
        resourceName: validated.modelPackageGroupName.toLowerCase(),
      });

      public constructor() {
        super(scope, id);
        this.encryptionKey = attrs.encryptionKeyArn ? kms.Key.fromKeyArn(this, 'Key', attrs.encryptionKeyArn) : undefined;
        this.bucket = s3.Bucket.fromBucketAttributes(this, 'Bucket', { bucketArn: attrs.bucketArn, encryptionKey: this.encryptionKey });
      }
    }
    return new Import();
  }

  public readonly bucket: s3.Bucket;
  public readonly encryptionKey: kms.IKey;
  public readonly modelPackageGroupName: string;
  public readonly modelPackageGroupArn: string;
  /** The bucket receiving server access logs of the registry bucket. */
  public readonly serverAccessLogsBucket: s3.IBucket;
  /** The model package group. */
  public readonly modelPackageGroup: sagemaker.CfnModelPackageGroup;

  public constructor(scope: Construct, id: string, props: ModelRegistryProps) {
    super(scope, id);
    const valid = validateProps(this, registryPropsSchema, {
      ...props,
      noncurrentVersionExpiration: props.noncurrentVersionExpiration?.toDays({ integral: false }),
    }, 'props');
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const objectLock = props.objectLock ? this.validateObjectLock(props.objectLock) : undefined;

    // Deliver access logs through a bucket policy whatever the app's feature flags say:
    // the legacy ACL path conflicts with BucketOwnerEnforced object ownership.
    this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    this.encryptionKey = props.encryptionKey ?? new kms.Key(this, 'Key', {
      description: `sovereign-ml model registry ${valid.modelPackageGroupName}`,
      enableKeyRotation: true,
      removalPolicy,
    });

    this.serverAccessLogsBucket = props.serverAccessLogsBucket ?? accessLogsBucket(this, removalPolicy);

    this.bucket = new s3.Bucket(this, 'Bucket', {
      versioned: true,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.encryptionKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.serverAccessLogsBucket,
      serverAccessLogsPrefix: 'registry/',
      objectLockEnabled: objectLock ? true : undefined,
      objectLockDefaultRetention: objectLock,
      lifecycleRules: [{
        id: 'expire-noncurrent-versions',
        noncurrentVersionExpiration: Duration.days(valid.noncurrentVersionExpiration),
        noncurrentVersionsToRetain: valid.noncurrentVersionsToRetain,
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      }],
      removalPolicy,
    });

    this.modelPackageGroupName = valid.modelPackageGroupName;
    this.modelPackageGroup = new sagemaker.CfnModelPackageGroup(this, 'Resource', {
      modelPackageGroupName: valid.modelPackageGroupName,
      modelPackageGroupDescription: valid.description,
    });
    this.modelPackageGroup.applyRemovalPolicy(removalPolicy);
    this.modelPackageGroupArn = this.modelPackageGroup.attrModelPackageGroupArn;

    classifyData(this.bucket, DataClass.MODEL_ARTIFACT);
    classifyData(this.modelPackageGroup, DataClass.MODEL_ARTIFACT);
    if (!props.encryptionKey) classifyData(this.encryptionKey, DataClass.MODEL_ARTIFACT);
  }

  private validateObjectLock(lock: ObjectLock): s3.ObjectLockRetention {
    const days = lock.retention.toDays({ integral: false });
    if (!Number.isInteger(days) || days < 1 || days > 36500) {
      fail(this, ErrorCode.INVALID_PROPS,
        `props.objectLock.retention must be a whole number of days between 1 and 36500, got ${lock.retention.toHumanString()}`);
    }
    const retention = Duration.days(days);
    return lock.mode === 'GOVERNANCE' ? s3.ObjectLockRetention.governance(retention) : s3.ObjectLockRetention.compliance(retention);
  }
}
