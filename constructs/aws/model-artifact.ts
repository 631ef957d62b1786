import { CustomResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { inspectModelFile } from '../../lib/model-file';
import type { IModelRegistry } from './model-registry';
import { DataClass } from '../../lib/residency/data-class';
import { classifyData } from './private/classify';
import { addModelSchema } from './private/model-registry-schema';
import { ModelUploadProvider } from './private/model-upload-provider';
import { ErrorCode, fail, validateProps, withPath } from './private/validate';

/**
 * Approval status of a registered model package version.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-approve.html
 */
export enum ModelApprovalStatus {
  /** Approved for deployment. */
  APPROVED = 'Approved',
  /** Waiting for a person to approve or reject it (SageMaker's default). */
  PENDING_MANUAL_APPROVAL = 'PendingManualApproval',
  /** Rejected: not to be deployed. */
  REJECTED = 'Rejected',
}

/** Options of {@link IModelRegistry.addModel}. */
export interface AddModelOptions {
  /** Path of the local model file, relative to the working directory or absolute. */
  readonly path: string;
  /** Version of the model: 1-64 letters, digits, `.`, `_` and `-`. Part of the object key. */
  readonly version: string;
  /**
   * Lineage and other metadata recorded on the model package version, for example
   * `{ trainingData: 's3://…/claims-2026-10.csv', commit: 'a1b2c3d' }`. Keys 1-128 and
   * values up to 256 characters of letters, digits, spaces and `_ . : / = + - @`; at most
   * 45 entries. The keys `sha256`, `version`, `s3Uri`, `fileName` and `sizeBytes` are
   * written by the registry.
   * @default - none
   */
  readonly metadata?: Record<string, string>;
  /**
   * Description of the model package version.
   * @default - none
   */
  readonly description?: string;
  /**
   * Approval status of the model package version.
   * @default ModelApprovalStatus.PENDING_MANUAL_APPROVAL
   */
  readonly approvalStatus?: ModelApprovalStatus;
}

/** A model file stored in a registry bucket, identified by version and SHA-256. */
export interface IModelArtifact {
  /** The bucket holding the artifact. */
  readonly bucket: s3.IBucket;
  /** Key of the artifact in the bucket, `models/<group>/<version>/<file>` for registered models. */
  readonly objectKey: string;
  /** `s3://<bucket>/<key>` URL of the artifact. */
  readonly s3Url: string;
  /** Lower-case hex SHA-256 of the artifact, computed at synth time. */
  readonly sha256: string;
  /** Version of the model. */
  readonly version: string;
  /** Name of the model (the registry's model package group name). */
  readonly modelName: string;
  /** The KMS key encrypting the artifact, when known. */
  readonly encryptionKey?: kms.IKey;
  /** Lets `grantee` read this artifact and decrypt it. */
  grantRead(grantee: iam.IGrantable): iam.Grant;
}

/** Attributes of an artifact stored elsewhere, for {@link ModelArtifact.fromArtifactAttributes}. */
export interface ModelArtifactAttributes {
  /** The bucket holding the artifact. */
  readonly bucket: s3.IBucket;
  /** Key of the artifact in the bucket. */
  readonly objectKey: string;
  /** Lower-case hex SHA-256 of the artifact (64 characters). */
  readonly sha256: string;
  /** Version of the model. */
  readonly version: string;
  /** Name of the model. */
  readonly modelName: string;
  /**
   * The KMS key encrypting the artifact.
   * @default - the bucket's key, if the bucket has one
   */
  readonly encryptionKey?: kms.IKey;
}

/** Properties of a {@link ModelArtifact}; usually made through `registry.addModel`. */
export interface ModelArtifactProps extends AddModelOptions {
  /** The registry the model is stored and registered in. */
  readonly registry: IModelRegistry;
}

/** S3 copies a single object of at most 5 GiB in one CopyObject call. */
const MAX_UPLOAD_BYTES = 5 * 1024 ** 3;

/**
 * A model uploaded into a registry bucket at `models/<group>/<version>/<file>` and
 * registered as a SageMaker model package version whose customer metadata records the
 * artifact's SHA-256, version, location and lineage.
 *
 * The SHA-256 is computed from the local file at synth time, so the template states
 * exactly which bytes are deployed; consumers (inference functions, endpoints) verify it.
 */
export class ModelArtifact extends Construct implements IModelArtifact {
  /** Imports an artifact uploaded elsewhere. */
  public static fromArtifactAttributes(scope: Construct, id: string, attrs: ModelArtifactAttributes): IModelArtifact {
    if (!/^[0-9a-f]{64}$/.test(attrs.sha256)) {
      fail(scope, ErrorCode.INVALID_PROPS,
        `attrs.sha256 must be 64 lower-case hex characters, got ${JSON.stringify(attrs.sha256)}`);
    }
    class Import extends Construct implements IModelArtifact {
      public readonly bucket = attrs.bucket;
      public readonly objectKey = attrs.objectKey;
      public readonly s3Url = `s3://${attrs.bucket.bucketName}/${attrs.objectKey}`;
      public readonly sha256 = attrs.sha256;
      public readonly version = attrs.version;
      public readonly modelName = attrs.modelName;
      public readonly encryptionKey = attrs.encryptionKey ?? attrs.bucket.encryptionKey;
      public grantRead(grantee: iam.IGrantable): iam.Grant {
        return grantObjectRead(this, grantee);
      }
    }
    return new Import(scope, id);
  }

  public readonly bucket: s3.IBucket;
  public readonly objectKey: string;
  public readonly s3Url: string;
  public readonly sha256: string;
  public readonly version: string;
  public readonly modelName: string;
  public readonly encryptionKey?: kms.IKey;
  /** File name of the artifact, e.g. `fraud.onnx`. */
  public readonly fileName: string;
  /** Size of the artifact in bytes. */
  public readonly sizeBytes: number;
  /** The registered model package version. */
  public readonly modelPackage: sagemaker.CfnModelPackage;
  /** ARN of the registered model package version. */
  public readonly modelPackageArn: string;
  /**
   * The custom resource that copies the file into the registry and verifies its SHA-256;
   * depend on it to read the object.
   */
  public readonly upload: CustomResource;

  public constructor(scope: Construct, id: string, props: ModelArtifactProps) {
    super(scope, id);
    const valid = validateProps(this, addModelSchema, props, 'addModel');
    const file = withPath(this, () => inspectModelFile(valid.path, 'addModel.path'));
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(file.fileName)) {
      fail(this, ErrorCode.INVALID_PROPS,
        `addModel.path must name a file whose name has only letters, digits, ".", "_" and "-" (it becomes an S3 key), got ${JSON.stringify(file.fileName)}`);
    }
    if (file.sizeBytes > MAX_UPLOAD_BYTES) {
      fail(this, ErrorCode.MODEL_FILE_TOO_LARGE,
        `addModel.path names a file of ${file.sizeBytes} bytes; files over ${MAX_UPLOAD_BYTES} bytes (5 GiB, the S3 single-copy limit) cannot be registered during deployment: upload it yourself and use ModelArtifact.fromArtifactAttributes`);
    }

    const registry = props.registry;
    this.bucket = registry.bucket;
    this.encryptionKey = registry.encryptionKey;
    this.modelName = registry.modelPackageGroupName;
    this.version = valid.version;
    this.sha256 = file.sha256;
    this.fileName = file.fileName;
    this.sizeBytes = file.sizeBytes;
    const prefix = `models/${registry.modelPackageGroupName}/${valid.version}/`;
    this.objectKey = `${prefix}${file.fileName}`;
    this.s3Url = `s3://${this.bucket.bucketName}/${this.objectKey}`;

    const asset = new s3assets.Asset(this, 'Asset', { path: file.absolutePath });
    const provider = ModelUploadProvider.of(this);
    // Least privilege: the shared upload role gets exactly this source and this destination.
    provider.role.addToPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [asset.bucket.arnForObjects(asset.s3ObjectKey)],
    }));
    provider.role.addToPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: [this.bucket.arnForObjects(this.objectKey)],
    }));
    if (this.encryptionKey) {
      provider.role.addToPolicy(new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.encryptionKey.keyArn],
      }));
    }
    this.upload = new CustomResource(this, 'Upload', {
      serviceToken: provider.function.functionArn,
      resourceType: 'Custom::SovereignMlModelUpload',
      properties: {
        SourceBucket: asset.s3BucketName,
        SourceKey: asset.s3ObjectKey,
        DestinationBucket: this.bucket.bucketName,
        DestinationKey: this.objectKey,
        Sha256: file.sha256,
      },
    });
    // The function must be able to act before the resource asks it to.
    this.upload.node.addDependency(provider.role);

    const userMetadata = valid.metadata;
    this.modelPackage = new sagemaker.CfnModelPackage(this, 'Resource', {
      // The ARN (SageMaker accepts a name or an ARN) makes CloudFormation create the group first.
      modelPackageGroupName: registry.modelPackageGroupArn,
      modelPackageDescription: valid.description,
      modelApprovalStatus: props.approvalStatus ?? ModelApprovalStatus.PENDING_MANUAL_APPROVAL,
      customerMetadataProperties: {
        ...userMetadata,
        sha256: file.sha256,
        version: valid.version,
        s3Uri: this.s3Url,
        fileName: file.fileName,
        sizeBytes: String(file.sizeBytes),
      },
    });
    this.modelPackage.node.addDependency(this.upload);
    this.modelPackageArn = this.modelPackage.attrModelPackageArn;
    classifyData(this, DataClass.MODEL_ARTIFACT);
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return grantObjectRead(this, grantee);
  }
}

/** `s3:GetObject` on exactly the artifact's object, and `kms:Decrypt` on its key: nothing else. */
function grantObjectRead(artifact: IModelArtifact, grantee: iam.IGrantable): iam.Grant {
  const object = iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [artifact.bucket.arnForObjects(artifact.objectKey)] });
  return artifact.encryptionKey ? object.combine(artifact.encryptionKey.grantDecrypt(grantee)) : object;
}
