import { Boundary } from '../../../../../lib/residency/boundary';
import { checkTerraform } from '../../../../../lib/residency/terraform/check-terraform';
import { GBA_HYBRID, HYBRID_POLICY, HYBRID_PROVIDERS, problems, res, tfDoc } from '../tf-docs';

const REGISTRY = '${aws_s3_bucket.registry.arn}';
const withServer = (annotation: unknown, env = '') => tfDoc(HYBRID_PROVIDERS, {
  aws_s3_bucket: { registry: res('registry', { bucket: 'fraud-models' }, { dataClasses: ['model-artifact'] }) },
  kubernetes_deployment_v1: { server: res('server', { metadata: { name: 's' }, spec: { template: { spec: { container: [{ name: 's', image: 'i:1', env: [{ name: 'SOURCE', value: env }] }] } } } }, annotation) },
});
const flow = (kind: string, direction: string, target: string, dataClasses?: string[]) => ({ kind, direction, target, description: `${kind} flow`, ...(dataClasses ? { dataClasses } : {}) });
const check = (doc: unknown, policy = HYBRID_POLICY) => problems(checkTerraform(doc, policy));

describe('RES-CROSS-REGION-REFERENCE: declared flows by data class', () => {
  test.each([
    ['model artifacts pulled from the cloud registry to the site', [flow('model', 'in', REGISTRY, ['model-artifact'])], []],
    ['telemetry sent from the site to ap-east-1', [flow('metrics', 'out', 'region:ap-east-1', ['telemetry'])], []],
    ['telemetry sent from the site to the registry bucket (a reference)', [flow('metrics', 'out', REGISTRY, ['telemetry'])], []],
    ['inference payloads sent from the site to the registry bucket', [flow('s3', 'out', REGISTRY, ['inference-payload'])], ['RES-CROSS-REGION-REFERENCE kubernetes_deployment_v1.server //.sovereign-ml.flows.0']],
    ['a flow without classes carries the resource\'s own (inference payloads) to ap-east-1', [flow('logs', 'out', 'region:ap-east-1')], ['RES-CROSS-REGION-REFERENCE kubernetes_deployment_v1.server //.sovereign-ml.flows.0']],
    ['telemetry sent to us-east-1, outside the telemetry boundary', [flow('metrics', 'out', 'region:us-east-1', ['telemetry'])], ['RES-CROSS-REGION-REFERENCE kubernetes_deployment_v1.server //.sovereign-ml.flows.0']],
    ['a flow to a target that is neither a resource nor a location', [flow('endpoint', 'out', 'https://partner.example', ['telemetry'])], ['RES-UNKNOWN-LOCATION kubernetes_deployment_v1.server //.sovereign-ml.flows.0']],
  ])('%s', (_name, flows, expected) => {
    expect(check(withServer({ dataClasses: ['inference-payload'], flows }))).toEqual(expected);
  });

  test('telemetry to us-east-1 passes when the policy leaves telemetry free', () => {
    const policy = { ...HYBRID_POLICY, dataClasses: { ...HYBRID_POLICY.dataClasses, telemetry: Boundary.ANYWHERE } };
    expect(check(withServer({ dataClasses: ['inference-payload'], flows: [flow('metrics', 'out', 'region:us-east-1', ['telemetry'])] }), policy)).toEqual([]);
  });

  test('the message names the classes, the destination and its boundary', () => {
    const [f] = checkTerraform(withServer({ dataClasses: ['inference-payload'], flows: [flow('s3', 'out', REGISTRY, ['inference-payload'])] }), HYBRID_POLICY).filter((x) => x.severity !== 'info');
    expect(f!.message).toContain('moves inference-payload data to ap-east-1');
    expect(f!.message).toContain('outside kwun-tong-dc-only (site kwun-tong-dc)');
    expect(f!.constructPath).toBe('hybrid/server');
  });
});

describe('RES-CROSS-REGION-REFERENCE: implicit flows from references', () => {
  test('a classified site resource referencing the cloud registry with no declared flow sends all its data there', () => {
    expect(check(withServer({ dataClasses: ['inference-payload'] }, REGISTRY)))
      .toEqual(['RES-CROSS-REGION-REFERENCE kubernetes_deployment_v1.server spec.template.spec.container.0.env.0.value']);
  });

  test('a declared flow to the same resource covers the reference (another attribute of it)', () => {
    expect(check(withServer({ dataClasses: ['inference-payload'], flows: [flow('model', 'in', REGISTRY, ['model-artifact'])] }, 's3://${aws_s3_bucket.registry.bucket}/m.onnx'))).toEqual([]);
  });

  test('a reference inside a function call is followed too', () => {
    expect(check(withServer({ dataClasses: ['inference-payload'] }, '${jsonencode({ bucket = aws_s3_bucket.registry.id })}'))).toHaveLength(1);
  });

  test('unclassified resources and references to the same location are not flows', () => {
    expect(check(withServer(undefined, REGISTRY))).toEqual([]);
    const sameRegion = tfDoc({ aws: [{ region: 'ap-east-1' }] }, {
      aws_s3_bucket: { a: res('a', {}, { dataClasses: ['personal'] }), b: res('b', { tags: { peer: '${aws_s3_bucket.a.arn}' } }, { dataClasses: ['personal'] }) },
    });
    expect(check(sameRegion, { boundary: GBA_HYBRID })).toEqual([]);
  });

  test('a cloud resource referencing a site resource sends its classes to the site', () => {
    const policy = { ...HYBRID_POLICY, dataClasses: { ...HYBRID_POLICY.dataClasses, personal: Boundary.HONG_KONG } };
    const doc = tfDoc(HYBRID_PROVIDERS, {
      kubernetes_service_v1: { svc: res('svc', { metadata: { name: 'svc' } }) },
      aws_ssm_parameter: { p: res('p', { value: '${kubernetes_service_v1.svc.status}' }, { dataClasses: ['personal'] }) },
    });
    expect(check(doc, policy)).toEqual(['RES-CROSS-REGION-REFERENCE aws_ssm_parameter.p value']);
  });
});
