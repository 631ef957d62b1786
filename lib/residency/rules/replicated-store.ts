import type { Located, ResourceView } from '../app-model';
import { governingBoundaries } from '../boundary';
import { asResourceRef, asText, render, type Expr } from '../expr';
import { Location } from '../location';
import { flowObservation, RuleId, type Observation, type ResidencyRule, type RuleContext } from '../rule';

/** Properties naming a replica region (plain region names), per resource type. */
const REGION_PATHS: Record<string, RegExp> = {
  'AWS::DynamoDB::GlobalTable': /^Properties\.Replicas\.\d+\.Region$/,
  'AWS::SecretsManager::Secret': /^Properties\.ReplicaRegions\.\d+\.Region$/,
  'AWS::ECR::ReplicationConfiguration': /^Properties\.ReplicationConfiguration\.Rules\.\d+\.Destinations\.\d+\.Region$/,
  'AWS::ElastiCache::GlobalReplicationGroup': /^Properties\.Members\.\d+\.ReplicationGroupRegion$/,
};

/** Properties naming a replica by ARN, per resource type. */
const ARN_PATHS: Record<string, RegExp> = {
  'AWS::Backup::BackupPlan': /^Properties\.BackupPlan\.BackupPlanRule\.\d+\.CopyActions\.\d+\.DestinationBackupVaultArn$/,
};

/**
 * RES-REPLICATED-STORE: stores that keep copies of their data in other regions.
 *
 * - DynamoDB global table replicas (`Replicas[].Region`), Secrets Manager secret replicas
 *   (`ReplicaRegions[].Region`), ECR registry replication (`Rules[].Destinations[].Region`)
 *   and ElastiCache global datastore members (`Members[].ReplicationGroupRegion`): every
 *   region named must be inside (the stack's own region included). A computed region
 *   fails closed.
 * - AWS Backup copy actions (`CopyActions[].DestinationBackupVaultArn`): the vault's
 *   region must be inside.
 * - An Aurora global database (`AWS::RDS::GlobalCluster`) exists to span regions, and a
 *   DB cluster joining a global database that is not part of the app
 *   (`GlobalClusterIdentifier`) replicates to regions that cannot be seen: both are
 *   violations wherever the governing boundary is restricted.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-dynamodb-globaltable-replicaspecification.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-secretsmanager-secret-replicaregion.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecr-replicationconfiguration-replicationdestination.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-elasticache-globalreplicationgroup-globalreplicationgroupmember.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-backup-backupplan-copyactionresourcetype.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-globalcluster.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbcluster.html#cfn-rds-dbcluster-globalclusteridentifier
 */
export const replicatedStoreRule: ResidencyRule = {
  id: RuleId.REPLICATED_STORE,
  severity: 'error',
  description: 'A store keeps a replica or a copy of its data in a region outside the boundary',
  fix: 'Keep replicas and backup copies only in regions inside the boundary, or remove the replica',
  checkResource(resource, ctx) {
    if (resource.type === 'AWS::RDS::GlobalCluster') return [globalDatabase(resource, ctx, undefined, `global database ${resource.logicalId} (AWS::RDS::GlobalCluster) replicates its clusters across regions`)];
    if (resource.type === 'AWS::RDS::DBCluster') return globalMember(resource, ctx);
    const regionPath = REGION_PATHS[resource.type];
    const arnPath = ARN_PATHS[resource.type];
    if (!regionPath && !arnPath) return [];
    const out: Observation[] = [];
    for (const leaf of ctx.model.leaves(resource)) {
      const isRegion = regionPath?.test(leaf.path) ?? false;
      if (!isRegion && !(arnPath?.test(leaf.path) ?? false)) continue;
      ctx.claim(resource, leaf.path);
      const what = `replica ${leaf.path.replace(/^Properties\./, '')} of ${resource.logicalId}`;
      for (const expr of leaf.alternatives) {
        out.push(flowObservation(ctx, resource, leaf.path, 'store-replica', isRegion ? locateRegion(expr) : locateArn(ctx, expr), what));
      }
    }
    return out;
  },
};

/** A DB cluster joining a global database: fine when the global cluster is a resource of the app (checked itself). */
function globalMember(resource: ResourceView, ctx: RuleContext): Observation[] {
  const leaf = ctx.model.leaves(resource).find((l) => l.path === 'Properties.GlobalClusterIdentifier');
  if (!leaf) return [];
  ctx.claim(resource, leaf.path);
  const external = leaf.alternatives.filter((expr) => {
    const ref = asResourceRef(expr);
    return !(ref && ctx.model.resource(ref.stack, ref.logicalId)?.type === 'AWS::RDS::GlobalCluster');
  });
  if (external.length === 0) return [];
  const names = external.map((expr) => shown(render(expr))).join(', ');
  return [globalDatabase(resource, ctx, leaf.path, `cluster ${resource.logicalId} (AWS::RDS::DBCluster) joins global database ${names} (GlobalClusterIdentifier), whose other regions are not in the app`)];
}

function globalDatabase(resource: ResourceView, ctx: RuleContext, path: string | undefined, what: string): Observation {
  const restricted = governingBoundaries(ctx.policy, resource.dataClasses).filter((b) => !b.unrestricted);
  return {
    resource,
    propertyPath: path,
    compliant: restricted.length === 0,
    message: `${what}, outside ${restricted.map((b) => b.describe()).join(' and ')}`,
    fix: 'Use a regional Aurora cluster (with replicas in other Availability Zones of a region inside the boundary) instead of a global database',
  };
}

/** A plain region name; a computed one is unknown. */
function locateRegion(expr: Expr): Located {
  const name = asText(expr);
  if (name === undefined) {
    const why = expr.map((p) => (p.kind === 'unknown' ? p.reason : p.kind === 'resource' ? `resource ${p.logicalId}` : undefined)).filter((x) => x !== undefined);
    return { location: Location.UNKNOWN, basis: `the region depends on ${why.join(', ')}` };
  }
  return { location: Location.ofRegionName(name), basis: `replica region ${name}` };
}

function locateArn(ctx: RuleContext, expr: Expr): Located {
  const ref = asResourceRef(expr);
  if (ref) return ctx.model.locateResource(ref);
  return ctx.model.locateValue(expr) ?? { location: Location.UNKNOWN, basis: `${shown(render(expr))} is not a regional ARN or a resource of this app` };
}

function shown(rendered: string): string {
  return rendered.replace(/[\u0001\u0002]\d+[\u0001\u0002]/g, '<computed>');
}
