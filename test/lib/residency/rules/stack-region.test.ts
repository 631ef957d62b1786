import { Boundary } from '../../../../lib/residency/boundary';
import { DataClass } from '../../../../lib/residency/data-class';
import { audit, findingsOf, stackDoc } from '../../../support/residency';

const bucket = (classes?: string[]) => ({ Type: 'AWS::S3::Bucket', ...(classes ? { Metadata: { 'sovereign-ml:dataClasses': classes } } : {}) });

describe('RES-STACK-REGION', () => {
  test('compliant: a stack in ap-east-1 under Boundary.HONG_KONG', () => {
    expect(findingsOf(audit(stackDoc({ B: bucket() })), 'RES-STACK-REGION')).toEqual([]);
  });

  test.each(['us-east-1', 'ap-southeast-1', 'cn-north-1'])('violating: a stack in %s', (region) => {
    const f = findingsOf(audit(stackDoc({ B: bucket() }, { region })), 'RES-STACK-REGION');
    expect(f).toEqual([expect.objectContaining({ severity: 'error', stackName: 'S', logicalId: undefined })]);
    expect(f[0]!.message).toBe(`stack S deploys to ${region}, outside the boundary for the data it holds (unclassified; allowed: ap-east-1)`);
  });

  test('violating: an environment-agnostic stack', () => {
    const f = findingsOf(audit(stackDoc({ B: bucket() }, { region: null })), 'RES-STACK-REGION');
    expect(f[0]!.message).toContain('has no concrete region (environment-agnostic)');
  });

  test('a telemetry-only stack may sit where the policy lets telemetry go', () => {
    const policy = { boundary: Boundary.HONG_KONG, dataClasses: { [DataClass.TELEMETRY]: Boundary.regions('apac', ['ap-east-1', 'ap-southeast-1']) } };
    expect(findingsOf(audit(stackDoc({ B: bucket([DataClass.TELEMETRY]) }, { region: 'ap-southeast-1' }), policy), 'RES-STACK-REGION')).toEqual([]);
    const mixed = audit(stackDoc({ B: bucket([DataClass.TELEMETRY]), P: bucket([DataClass.PERSONAL]) }, { region: 'ap-southeast-1' }), policy);
    expect(findingsOf(mixed, 'RES-STACK-REGION')[0]!.message).toContain('(personal, telemetry; allowed: ap-east-1)');
  });

  test('mainland China boundary accepts both China regions only', () => {
    expect(findingsOf(audit(stackDoc({ B: bucket() }, { region: 'cn-northwest-1' }), { boundary: Boundary.MAINLAND_CHINA }), 'RES-STACK-REGION')).toEqual([]);
    expect(findingsOf(audit(stackDoc({ B: bucket() }, { region: 'ap-east-1' }), { boundary: Boundary.MAINLAND_CHINA }), 'RES-STACK-REGION')).toHaveLength(1);
  });
});

describe('RES-OPT-IN-REGION', () => {
  // Opt-in regions: AWS Account Management guide, "Enable or disable AWS Regions".
  test.each([
    ['ap-east-1', 1],
    ['me-south-1', 1],
    ['us-east-1', 0],
    ['cn-north-1', 0],
  ])('%s gives %d info finding(s)', (region, count) => {
    const f = findingsOf(audit(stackDoc({ B: bucket() }, { region }), { boundary: Boundary.ANYWHERE }), 'RES-OPT-IN-REGION');
    expect(f).toHaveLength(count);
    f.forEach((x) => expect(x.severity).toBe('info'));
  });
});
