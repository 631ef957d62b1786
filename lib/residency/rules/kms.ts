import { parseArns, type Leaf, type Located, type ResourceView } from '../app-model';
import { governingBoundaries } from '../boundary';
import { asResourceRef, asText, render, type Expr } from '../expr';
import { Location } from '../location';
import { flowObservation, RuleId, type Observation, type ResidencyRule, type RuleContext } from '../rule';

/**
 * Properties that name the KMS key encrypting a resource's data, by the last segment of
 * their path, in any resource type (`KmsKeyId` of SageMaker, Logs, Secrets Manager;
 * `KMSMasterKeyID` of S3 default encryption; `KmsMasterKeyId` of SNS and SQS;
 * `ReplicaKmsKeyID` of S3 replication; ...).
 */
const KEY_PROPERTY = /\.(KmsKeyId|KmsKeyArn|KMSMasterKeyID|KmsMasterKeyId|KmsKey|EncryptionKey|KeyArn|KmsKeyIdentifier|VolumeKmsKeyId|ReplicaKmsKeyID)$/i;

/**
 * RES-KMS: where the keys that protect the data are.
 *
 * - An `AWS::KMS::Key` with `MultiRegion: true` can be replicated into any region (its key
 *   material with it), so it is a violation wherever the boundary governing it is
 *   restricted.
 * - An `AWS::KMS::ReplicaKey` copies the key material of `PrimaryKeyArn`: the primary
 *   key's region must be inside too.
 * - Any key property (see {@link KEY_PROPERTY}) holding a key ARN (literal, built, or a
 *   reference to a key of the app) is placed at the key's region. A bare key id or alias
 *   names a key in the stack's own region. A key whose region cannot be proven fails
 *   closed.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html#cfn-kms-key-multiregion
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-replicakey.html#cfn-kms-replicakey-primarykeyarn
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html
 */
export const kmsRule: ResidencyRule = {
  id: RuleId.KMS,
  severity: 'error',
  description: 'A KMS key protecting the data is, or can be replicated, outside the boundary',
  fix: 'Use a single-Region KMS key created in a region inside the boundary (a key of the stack, or an alias in the stack region)',
  checkResource(resource, ctx) {
    const out: Observation[] = [];
    for (const leaf of ctx.model.leaves(resource)) {
      if (resource.type === 'AWS::KMS::Key' && leaf.path === 'Properties.MultiRegion') {
        ctx.claim(resource, leaf.path);
        out.push(...multiRegionKey(resource, leaf, ctx));
      } else if (resource.type === 'AWS::KMS::ReplicaKey' && leaf.path === 'Properties.PrimaryKeyArn') {
        ctx.claim(resource, leaf.path);
        for (const expr of leaf.alternatives) {
          out.push(flowObservation(ctx, resource, leaf.path, 'kms', locateKey(ctx, resource, expr), `primary key PrimaryKeyArn of replica key ${resource.logicalId}`));
        }
      } else if (KEY_PROPERTY.test(leaf.path)) {
        ctx.claim(resource, leaf.path);
        for (const expr of leaf.alternatives) {
          if (asText(expr) === '') continue;
          out.push(flowObservation(ctx, resource, leaf.path, 'kms', locateKey(ctx, resource, expr), `encryption key ${leaf.path.replace(/^Properties\./, '')} of ${resource.logicalId}`));
        }
      }
    }
    return out;
  },
};

function multiRegionKey(resource: ResourceView, leaf: Leaf, ctx: RuleContext): Observation[] {
  if (!leaf.alternatives.some((expr) => asText(expr) === 'true')) return [];
  const restricted = governingBoundaries(ctx.policy, resource.dataClasses).filter((b) => !b.unrestricted);
  return [{
    resource,
    propertyPath: leaf.path,
    compliant: restricted.length === 0,
    message: `multi-Region key ${resource.logicalId} (MultiRegion: true) can be replicated with its key material to any region, outside ${restricted.map((b) => b.describe()).join(' and ')}`,
    fix: 'Set MultiRegion to false: use a single-Region key, and a separate key in each region inside the boundary',
  }];
}

/** Where the key a value names is: a key of the app, the region of a key ARN, or the stack region for a bare key id or alias. */
function locateKey(ctx: RuleContext, resource: ResourceView, expr: Expr): Located {
  const ref = asResourceRef(expr);
  if (ref) return ctx.model.locateResource(ref);
  const rendered = render(expr);
  const arn = parseArns(rendered)[0];
  if (arn && arn.start === 0) {
    return ctx.model.declaredArn(arn.text) ?? ctx.model.locateArn(arn, expr)
      ?? { location: Location.UNKNOWN, basis: `${shown(rendered)} is not a regional KMS ARN` };
  }
  if (/^[\u0001\u0002]/.test(rendered)) {
    // Starts with a computed value: it may be a whole ARN.
    return ctx.model.locateValue(expr) ?? { location: Location.UNKNOWN, basis: `key ${shown(rendered)} is computed` };
  }
  // A key id, alias name or alias/... : resolved by KMS in the region of the stack.
  const stack = resource.stack;
  return {
    location: stack.location,
    basis: stack.location.isKnown ? `key ${shown(rendered)} is resolved in the stack region ${stack.location.label}` : `key ${shown(rendered)} is resolved in the region of stack ${stack.name}, which is not known`,
  };
}

function shown(rendered: string): string {
  return rendered.replace(/[\u0001\u0002]\d+[\u0001\u0002]/g, '<computed>');
}
