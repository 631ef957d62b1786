import { checkTerraform } from '../../../../../lib/residency/terraform/check-terraform';
import { HYBRID_POLICY, HYBRID_PROVIDERS, placed, problems, res, tfDoc } from '../tf-docs';

const server = (comment: unknown) => tfDoc(HYBRID_PROVIDERS, { kubernetes_deployment_v1: { server: { metadata: { name: 's' }, '//': comment } } });

describe('RES-ANNOTATION: malformed annotations fail closed', () => {
  test.each([
    ['an unknown data class', { 'sovereign-ml': { dataClasses: ['secret'] } }],
    ['a misspelt key', { 'sovereign-ml': { dataclasses: ['telemetry'] } }],
    ['a flow without a direction', { 'sovereign-ml': { dataClasses: ['telemetry'], flows: [{ kind: 'metrics', target: 'region:ap-east-1' }] } }],
    ['a flow of an unknown kind', { 'sovereign-ml': { flows: [{ kind: 'carrier-pigeon', direction: 'out', target: 'region:ap-east-1' }] } }],
    ['an annotation that is not an object', { 'sovereign-ml': 'inference-payload' }],
  ])('%s is reported', (_name, comment) => {
    expect(problems(checkTerraform(server(comment), HYBRID_POLICY))).toContain('RES-ANNOTATION kubernetes_deployment_v1.server //.sovereign-ml');
  });

  test('unreadable data classes are read as every class: nothing is allowed outside the strictest boundary', () => {
    const doc = tfDoc({ aws: [{ region: 'ap-east-1' }] }, { aws_s3_bucket: { b: res('b', {}, { dataClasses: 'personal' }) } });
    const findings = checkTerraform(doc, HYBRID_POLICY);
    expect(problems(findings)).toEqual(['RES-ANNOTATION aws_s3_bucket.b //.sovereign-ml', 'RES-STACK-REGION aws_s3_bucket.b provider']);
    expect(findings.find((f) => f.ruleId === 'RES-STACK-REGION')!.dataClasses).toContain('inference-payload');
  });

  test.each([
    ['a location that does not parse', 'site:Kwun Tong'],
    ['a location of the wrong type', 42],
    ['an unknown location', 'unknown'],
  ])('a provider annotated with %s is reported and placed nowhere, even an AWS provider with a region', (_name, location) => {
    const doc = tfDoc({ aws: [placed(location, { region: 'ap-east-1' })], kubernetes: [placed(location)] }, {
      aws_s3_bucket: { b: res('b') }, kubernetes_deployment_v1: { d: res('d') },
    });
    expect(problems(checkTerraform(doc, HYBRID_POLICY))).toEqual([
      'RES-ANNOTATION provider.aws //.sovereign-ml', 'RES-ANNOTATION provider.kubernetes //.sovereign-ml',
      'RES-UNKNOWN-LOCATION aws_s3_bucket.b provider', 'RES-UNKNOWN-LOCATION kubernetes_deployment_v1.d provider',
    ]);
  });
});
