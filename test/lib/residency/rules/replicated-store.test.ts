import { Boundary } from '../../../../lib/residency/boundary';
import { audit, findingsOf, problems, stackDoc } from '../../../support/residency';

/** [resource type, properties naming `region` as a replica, checked path]. */
const regionCases = (region: unknown): Array<[string, Record<string, unknown>, string]> => [
  ['AWS::DynamoDB::GlobalTable', { AttributeDefinitions: [], KeySchema: [], Replicas: [{ Region: { Ref: 'AWS::Region' } }, { Region: region }] }, 'Properties.Replicas.1.Region'],
  ['AWS::SecretsManager::Secret', { ReplicaRegions: [{ Region: region }] }, 'Properties.ReplicaRegions.0.Region'],
  ['AWS::ECR::ReplicationConfiguration', { ReplicationConfiguration: { Rules: [{ Destinations: [{ Region: region, RegistryId: '111111111111' }] }] } }, 'Properties.ReplicationConfiguration.Rules.0.Destinations.0.Region'],
  ['AWS::ElastiCache::GlobalReplicationGroup', { Members: [{ ReplicationGroupId: 'a', ReplicationGroupRegion: region, Role: 'SECONDARY' }] }, 'Properties.Members.0.ReplicationGroupRegion'],
];

const backupPlan = (vaultArn: unknown) => ({
  Plan: {
    Type: 'AWS::Backup::BackupPlan',
    Properties: { BackupPlan: { BackupPlanName: 'p', BackupPlanRule: [{ RuleName: 'daily', TargetBackupVault: 'Default', CopyActions: [{ DestinationBackupVaultArn: vaultArn }] }] } },
  },
});
const COPY_PATH = 'Properties.BackupPlan.BackupPlanRule.0.CopyActions.0.DestinationBackupVaultArn';

describe('RES-REPLICATED-STORE', () => {
  test.each(regionCases('ap-east-1'))('compliant: %s with its replicas in ap-east-1', (type, properties, path) => {
    const result = audit(stackDoc({ R: { Type: type, Properties: properties } }));
    expect(problems(result)).toEqual([]);
    expect(result.flows).toContainEqual(expect.objectContaining({ ruleId: 'RES-REPLICATED-STORE', kind: 'store-replica', propertyPath: path, to: 'region:ap-east-1', allowed: true }));
  });

  test.each(regionCases('ap-southeast-1'))('violating: %s with a replica in ap-southeast-1', (type, properties, path) => {
    const f = findingsOf(audit(stackDoc({ R: { Type: type, Properties: properties } })), 'RES-REPLICATED-STORE');
    expect(f).toEqual([expect.objectContaining({ logicalId: 'R', propertyPath: path, severity: 'error' })]);
    expect(f[0]!.message).toBe(`replica ${path.replace(/^Properties\./, '')} of R sends data to ap-southeast-1 (replica region ap-southeast-1), outside hong-kong (ap-east-1)`);
  });

  test.each(regionCases({ Ref: 'ReplicaRegion' }))('a replica region given as a parameter fails closed: %s', (type, properties, path) => {
    const f = findingsOf(audit(stackDoc({ R: { Type: type, Properties: properties } }, { template: { Parameters: { ReplicaRegion: { Type: 'String' } } } })), 'RES-UNKNOWN-LOCATION');
    expect(f).toEqual([expect.objectContaining({ logicalId: 'R', propertyPath: path })]);
    expect(f[0]!.message).toContain('the region depends on parameter ReplicaRegion');
  });

  test('a replica in the stack region of a stack outside the boundary is a violation too', () => {
    const result = audit(stackDoc({ T: { Type: 'AWS::DynamoDB::GlobalTable', Properties: { Replicas: [{ Region: 'us-east-1' }] } } }, { region: 'us-east-1' }));
    expect(findingsOf(result, 'RES-REPLICATED-STORE')).toEqual([expect.objectContaining({ propertyPath: 'Properties.Replicas.0.Region' })]);
  });

  test.each([
    ['a vault of the stack', { 'Fn::GetAtt': ['Vault', 'BackupVaultArn'] }, 0],
    ['a vault ARN in ap-east-1', 'arn:aws:backup:ap-east-1:111111111111:backup-vault:copies', 0],
    ['a vault ARN in us-west-2', 'arn:aws:backup:us-west-2:111111111111:backup-vault:copies', 1],
  ])('a backup copy action to %s', (_, arn, count) => {
    const result = audit(stackDoc({ ...backupPlan(arn), Vault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'copies' } } }));
    expect(findingsOf(result, 'RES-REPLICATED-STORE')).toEqual(Array(count).fill(expect.objectContaining({ logicalId: 'Plan', propertyPath: COPY_PATH })));
    expect(findingsOf(result, 'RES-ARN-REGION')).toEqual([]);
    if (count === 0) expect(problems(result)).toEqual([]);
  });

  test('violating: an Aurora global database', () => {
    const f = findingsOf(audit(stackDoc({ G: { Type: 'AWS::RDS::GlobalCluster', Properties: { GlobalClusterIdentifier: 'g', Engine: 'aurora-postgresql' } } })), 'RES-REPLICATED-STORE');
    expect(f).toEqual([expect.objectContaining({ logicalId: 'G', propertyPath: undefined })]);
    expect(f[0]!.message).toBe('global database G (AWS::RDS::GlobalCluster) replicates its clusters across regions, outside hong-kong (ap-east-1)');
  });

  test('a DB cluster joining a global database outside the app is a violation; one of the app is reported on the global cluster only', () => {
    const cluster = (id: unknown) => ({ C: { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-postgresql', GlobalClusterIdentifier: id } } });
    expect(findingsOf(audit(stackDoc(cluster('partner-global'))), 'RES-REPLICATED-STORE')).toEqual([expect.objectContaining({ logicalId: 'C', propertyPath: 'Properties.GlobalClusterIdentifier' })]);
    const own = findingsOf(audit(stackDoc({ ...cluster({ Ref: 'G' }), G: { Type: 'AWS::RDS::GlobalCluster' } })), 'RES-REPLICATED-STORE');
    expect(own.map((f) => f.logicalId)).toEqual(['G']);
  });

  test('compliant: global stores under an unrestricted boundary', () => {
    const result = audit(stackDoc({
      G: { Type: 'AWS::RDS::GlobalCluster' },
      T: { Type: 'AWS::DynamoDB::GlobalTable', Properties: { Replicas: [{ Region: 'us-east-1' }] } },
    }), { boundary: Boundary.ANYWHERE });
    expect(findingsOf(result, 'RES-REPLICATED-STORE')).toEqual([]);
  });
});
