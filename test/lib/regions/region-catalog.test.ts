import * as fs from 'node:fs';
import * as path from 'node:path';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { ErrorCode } from '../../../lib/errors';
import { allRegions, imageRegistryAccount, imageRegistryHost, isKnownRegion, nearestRegionNames, regionFacts } from '../../../lib/regions';
import { renderCatalog, type SageMakerImageTables } from '../../../scripts/region-catalog-source';
import { ROOT } from '../../support/app';
import { errorOf } from '../../support/errors';

describe('region facts', () => {
  // Partition and domain suffix: AWS General Reference, "AWS service endpoints"; opt-in:
  // AWS Account Management guide, "Enable or disable AWS Regions in your account"
  // (Regions introduced after 2019-03-20 are disabled by default).
  test.each([
    ['ap-east-1', 'aws', 'amazonaws.com', true],
    ['af-south-1', 'aws', 'amazonaws.com', true],
    ['me-south-1', 'aws', 'amazonaws.com', true],
    ['eu-south-1', 'aws', 'amazonaws.com', true],
    ['ap-southeast-3', 'aws', 'amazonaws.com', true],
    ['il-central-1', 'aws', 'amazonaws.com', true],
    ['us-east-1', 'aws', 'amazonaws.com', false],
    ['eu-west-1', 'aws', 'amazonaws.com', false],
    ['ap-northeast-1', 'aws', 'amazonaws.com', false],
    ['ap-southeast-1', 'aws', 'amazonaws.com', false],
    ['cn-north-1', 'aws-cn', 'amazonaws.com.cn', false],
    ['cn-northwest-1', 'aws-cn', 'amazonaws.com.cn', false],
  ])('%s: partition %s, suffix %s, opt-in %s', (name, partition, suffix, optIn) => {
    const facts = regionFacts(name);
    expect(facts.partition).toBe(partition);
    expect(facts.domainSuffix).toBe(suffix);
    expect(facts.optIn).toBe(optIn);
  });

  test('covers every commercial region and the two China regions, and nothing else', () => {
    const names = allRegions().map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining([
      'af-south-1', 'ap-east-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2',
      'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ca-central-1', 'ca-west-1',
      'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3',
      'il-central-1', 'me-central-1', 'me-south-1', 'sa-east-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
      'cn-north-1', 'cn-northwest-1',
    ]));
    expect(names.filter((n) => n.startsWith('us-gov') || n.includes('-iso') || n.startsWith('eusc'))).toEqual([]);
    expect(new Set(allRegions().map((r) => r.partition))).toEqual(new Set(['aws', 'aws-cn']));
  });

  test('is the output of the generator for the installed aws-cdk-lib (regenerate with npm run regions:generate)', () => {
    const tables = JSON.parse(fs.readFileSync(path.join(ROOT, 'scripts/data/sagemaker-image-accounts.json'), 'utf8')) as SageMakerImageTables;
    const committed = fs.readFileSync(path.join(ROOT, 'lib/regions/catalog.generated.ts'), 'utf8');
    expect(renderCatalog(RegionInfo.regions, tables).text).toBe(committed);
  });
});

describe('SageMaker image registry accounts', () => {
  // AWS docs, "Docker Registry Paths and Example Code" per region, and the SageMaker
  // Python SDK image_uri_config tables.
  test.each([
    ['ap-east-1', 'deep-learning', '871362719292'],
    ['ap-east-1', 'triton', '871362719292'],
    ['ap-east-1', 'huggingface', '871362719292'],
    ['ap-east-1', 'sklearn', '651117190479'],
    ['ap-east-1', 'xgboost', '651117190479'],
    ['cn-north-1', 'deep-learning', '727897471807'],
    ['cn-northwest-1', 'deep-learning', '727897471807'],
    ['us-east-1', 'deep-learning', '763104351884'],
    ['us-east-1', 'sklearn', '683313688378'],
  ] as const)('%s %s -> %s', (region, family, account) => {
    expect(imageRegistryAccount(region, family)).toBe(account);
  });

  test('builds the registry host with the partition suffix', () => {
    expect(imageRegistryHost('ap-east-1', 'triton')).toBe('871362719292.dkr.ecr.ap-east-1.amazonaws.com');
    expect(imageRegistryHost('cn-north-1', 'deep-learning')).toBe('727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn');
  });

  test('fails when a family is not published in the region, naming both and where it is', () => {
    const missing = allRegions().find((r) => !r.imageAccounts.triton)!;
    const e = errorOf(() => imageRegistryAccount(missing.name, 'triton'));
    expect(e.code).toBe(ErrorCode.IMAGE_NOT_IN_REGION);
    expect(e.message).toContain(`triton images are not published in ${missing.name}`);
    expect(e.message).toContain('ap-east-1');
  });
});

describe('unknown regions', () => {
  test.each([
    ['ap-east1', 'ap-east-1'],
    ['ap-esat-1', 'ap-east-1'],
    ['us-east-l', 'us-east-1'],
    ['cn-nrth-1', 'cn-north-1'],
    ['AP-EAST-1', 'ap-east-1'],
  ])('fails for %s and suggests %s first', (typo, nearest) => {
    expect(isKnownRegion(typo)).toBe(false);
    const e = errorOf(() => regionFacts(typo));
    expect(e.code).toBe(ErrorCode.REGION_UNKNOWN);
    expect(e.message).toContain(`region ${JSON.stringify(typo)} is not a known AWS region; did you mean ${nearest}`);
    expect(nearestRegionNames(typo)[0]).toBe(nearest);
  });
});
