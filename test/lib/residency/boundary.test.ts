import { ErrorCode } from '../../../lib/errors';
import { allowedRegions, Boundary, isAllowed } from '../../../lib/residency/boundary';
import { DataClass } from '../../../lib/residency/data-class';
import { Location } from '../../../lib/residency/location';
import { errorOf } from '../../support/errors';

describe('Boundary', () => {
  test('HONG_KONG is ap-east-1 in partition aws', () => {
    expect(Boundary.HONG_KONG.regionNames).toEqual(['ap-east-1']);
    expect(Boundary.HONG_KONG.partition).toBe('aws');
    expect(Boundary.HONG_KONG.contains(Location.region('ap-east-1'))).toBe(true);
    expect(Boundary.HONG_KONG.contains(Location.region('ap-southeast-1'))).toBe(false);
  });

  test('MAINLAND_CHINA is the aws-cn partition', () => {
    expect(Boundary.MAINLAND_CHINA.regionNames).toEqual(['cn-north-1', 'cn-northwest-1']);
    expect(Boundary.MAINLAND_CHINA.partition).toBe('aws-cn');
  });

  test('custom boundaries with on-prem sites', () => {
    const b = Boundary.regions('hk-hybrid', ['ap-east-1'], { sites: ['kwun-tong-dc'] });
    expect(b.contains(Location.onPrem('kwun-tong-dc'))).toBe(true);
    expect(b.contains(Location.onPrem('shenzhen-dc'))).toBe(false);
    expect(b.describe()).toBe('hk-hybrid (ap-east-1, site kwun-tong-dc)');
  });

  test('unknown and global locations are never inside a restricted boundary', () => {
    expect(Boundary.HONG_KONG.contains(Location.UNKNOWN)).toBe(false);
    expect(Boundary.HONG_KONG.contains(Location.GLOBAL)).toBe(false);
    expect(Boundary.ANYWHERE.contains(Location.UNKNOWN)).toBe(true);
  });

  test('fails when regions mix partitions', () => {
    const e = errorOf(() => Boundary.regions('gba', ['ap-east-1', 'cn-north-1']));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toContain('mixes partitions aws and aws-cn');
  });

  test('fails on an unknown region, suggesting the nearest', () => {
    const e = errorOf(() => Boundary.regions('x', ['ap-east1']));
    expect(e.code).toBe(ErrorCode.REGION_UNKNOWN);
    expect(e.message).toContain('regions[0] "ap-east1" is not a known AWS region; did you mean ap-east-1');
  });

  test('fails when empty', () => {
    expect(errorOf(() => Boundary.regions('x', [])).message).toContain('must contain at least one region or site');
  });
});

describe('policy per data class', () => {
  const policy = { boundary: Boundary.HONG_KONG, dataClasses: { [DataClass.TELEMETRY]: Boundary.ANYWHERE, [DataClass.PERSONAL]: Boundary.HONG_KONG } };
  test.each([
    [[], 'ap-east-1', true],
    [[], 'us-east-1', false],
    [[DataClass.TELEMETRY], 'us-east-1', true],
    [[DataClass.TELEMETRY, DataClass.PERSONAL], 'us-east-1', false],
  ] as const)('classes %j at %s: %s', (classes, region, allowed) => {
    expect(isAllowed(policy, [...classes], Location.region(region))).toBe(allowed);
  });

  test('allowedRegions intersects the governing boundaries; undefined when unrestricted', () => {
    expect(allowedRegions(policy, [DataClass.TELEMETRY])).toBeUndefined();
    expect(allowedRegions(policy, [DataClass.TELEMETRY, DataClass.PERSONAL])).toEqual(['ap-east-1']);
  });
});

describe('Location', () => {
  test.each(['region:ap-east-1', 'site:kwun-tong-dc', 'global', 'unknown'])('parses its own string form %s', (text) => {
    expect(Location.parse(text).toString()).toBe(text);
  });

  test('fails on a malformed location or site', () => {
    expect(errorOf(() => Location.parse('mars')).message).toContain('location must be "region:<name>"');
    expect(errorOf(() => Location.onPrem('Kwun Tong')).message).toContain('site must be 1-63 lower-case letters');
    expect(errorOf(() => Location.region('hk-1')).code).toBe(ErrorCode.REGION_UNKNOWN);
  });
});
