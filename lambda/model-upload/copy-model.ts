/**
 * The model-upload custom resource: copies a model file from the CDK asset bucket to its
 * registry key with an S3 SHA-256 checksum, and fails the deployment unless the checksum
 * S3 computed equals the SHA-256 computed at synth time.
 *
 * A registry never deletes: Delete events leave the object in place.
 */
import { CopyObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** Resource properties the construct passes. */
export interface CopyModelProperties {
  readonly SourceBucket: string;
  readonly SourceKey: string;
  readonly DestinationBucket: string;
  readonly DestinationKey: string;
  /** Lower-case hex SHA-256 computed at synth time. */
  readonly Sha256: string;
}

/** The part of a CloudFormation custom resource event the handler reads. */
export interface CopyModelEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: CopyModelProperties & { readonly ServiceToken?: string };
}

/** What the handler returns to CloudFormation. */
export interface CopyModelResult {
  readonly PhysicalResourceId: string;
  readonly Data: { readonly VersionId: string; readonly ChecksumSHA256: string; readonly Copied: string };
}

/** Raised when the copied bytes differ from the synthesized SHA-256; the deployment fails. */
export class ChecksumMismatchError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ChecksumMismatchError';
  }
}

/** Converts a lower-case hex digest to the base64 form S3 reports checksums in. */
export function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

/**
 * Handles one custom resource event. Create and Update copy the object unless the
 * destination already holds the same bytes (a replayed or no-op update); Delete keeps it.
 */
export async function copyModel(event: CopyModelEvent, s3: S3Client): Promise<CopyModelResult> {
  const p = event.ResourceProperties;
  const physicalId = `s3://${p.DestinationBucket}/${p.DestinationKey}`;
  const expected = hexToBase64(p.Sha256);
  if (event.RequestType === 'Delete') {
    return { PhysicalResourceId: event.PhysicalResourceId ?? physicalId, Data: { VersionId: '', ChecksumSHA256: '', Copied: 'false' } };
  }
  const existing = await headChecksum(s3, p.DestinationBucket, p.DestinationKey);
  if (existing && existing.checksum === expected) {
    return { PhysicalResourceId: physicalId, Data: { VersionId: existing.versionId, ChecksumSHA256: expected, Copied: 'false' } };
  }
  const out = await s3.send(new CopyObjectCommand({
    Bucket: p.DestinationBucket,
    Key: p.DestinationKey,
    CopySource: `${p.SourceBucket}/${encodeURIComponent(p.SourceKey)}`,
    ChecksumAlgorithm: 'SHA256',
    MetadataDirective: 'REPLACE',
    Metadata: { sha256: p.Sha256 },
  }));
  const actual = out.CopyObjectResult?.ChecksumSHA256;
  if (actual !== expected) {
    throw new ChecksumMismatchError(
      `model copied to ${physicalId} has SHA-256 ${actual ?? '(none reported)'} (base64) but the template expects ${expected} (hex ${p.Sha256}); the asset does not hold the synthesized model`);
  }
  return { PhysicalResourceId: physicalId, Data: { VersionId: out.VersionId ?? '', ChecksumSHA256: actual, Copied: 'true' } };
}

async function headChecksum(s3: S3Client, bucket: string, key: string): Promise<{ checksum?: string; versionId: string } | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
    return { checksum: head.ChecksumSHA256, versionId: head.VersionId ?? '' };
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || (e as { name?: string }).name === 'NotFound') {
      return undefined;
    }
    throw e;
  }
}
