import { Boundary } from '../../../../lib/residency/boundary';
import { checkTerraform, renderTerraformFinding } from '../../../../lib/residency/terraform/check-terraform';
import { GBA_HYBRID, HYBRID_POLICY, HYBRID_PROVIDERS, placed, problems, res, tfDoc } from './tf-docs';

const REGISTRY_REF = '${aws_s3_bucket.registry.arn}';
const registry = { registry: res('registry', { bucket: 'fraud-models' }, { dataClasses: ['model-artifact'] }) };
const deployment = (annotation: unknown, env: Record<string, string> = {}) => ({
  server: res('server', {
    metadata: { name: 'onnx-server' },
    spec: { template: { metadata: {}, spec: { container: [{ name: 'server', image: 'onnx-server:1.4.0', env: Object.entries(env).map(([name, value]) => ({ name, value })) }] } } },
  }, annotation),
});
const check = (doc: unknown, policy = HYBRID_POLICY) => problems(checkTerraform(doc, policy));

describe('checkTerraform: the example hybrid document', () => {
  test('is clean: registry in ap-east-1, server at the site pulling the model, drift job sending telemetry to the cloud', () => {
    const doc = tfDoc(HYBRID_PROVIDERS, {
      aws_s3_bucket: registry,
      kubernetes_deployment_v1: deployment({
        dataClasses: ['inference-payload'],
        flows: [{ kind: 'model', direction: 'in', target: REGISTRY_REF, dataClasses: ['model-artifact'], description: 'model pull' }],
      }, { MODEL_URI: 's3://${aws_s3_bucket.registry.bucket}/fraud/3/model.onnx' }),
      kubernetes_cron_job_v1: {
        drift: res('drift', { metadata: { name: 'drift' } }, {
          dataClasses: ['inference-payload'],
          flows: [{ kind: 'metrics', direction: 'out', target: 'region:ap-east-1', dataClasses: ['telemetry'], description: 'aggregate drift metrics' }],
        }),
      },
    });
    expect(check(doc)).toEqual([]);
  });

  test('findings carry the stack, construct path, block address and a one-line rendering with the rule id', () => {
    const doc = tfDoc({ aws: [{ region: 'ap-east-1' }, { region: 'us-east-1', alias: 'us' }] }, { aws_s3_bucket: { logs: res('logs', { bucket: 'l', provider: 'aws.us' }) } });
    const [finding] = checkTerraform(doc, HYBRID_POLICY).filter((f) => f.severity !== 'info');
    expect(finding).toEqual(expect.objectContaining({
      ruleId: 'RES-STACK-REGION', severity: 'error', stackName: 'hybrid', stackConstructPath: 'hybrid',
      constructPath: 'hybrid/logs', logicalId: 'aws_s3_bucket.logs', resourceType: 'aws_s3_bucket', propertyPath: 'provider',
    }));
    expect(renderTerraformFinding(finding!)).toMatch(/^\[RES-STACK-REGION\] error at hybrid\/logs \(aws_s3_bucket\.logs, provider\): .*us-east-1.*Fix: /);
  });

  test('fails when the document is not Terraform JSON', () => {
    expect(() => checkTerraform({ resource: [] }, HYBRID_POLICY)).toThrow(expect.objectContaining({ code: 'INVALID_PROPS' }));
    expect(() => checkTerraform('{}', HYBRID_POLICY)).toThrow(/Terraform document is malformed/);
  });
});

describe('RES-STACK-REGION: provider regions, aliases and the v6 per-resource region', () => {
  const aliased = { aws: [{ region: 'ap-east-1' }, { region: 'us-east-1', alias: 'us' }] };
  test.each([
    ['a bucket on the default provider in ap-east-1', { aws: [{ region: 'ap-east-1' }] }, { bucket: 'b' }, []],
    ['a bucket on the alias aws.us (us-east-1)', aliased, { bucket: 'b', provider: 'aws.us' }, ['RES-STACK-REGION aws_s3_bucket.b provider']],
    ['a region argument (eu-west-1) overriding the provider region ap-east-1', { aws: [{ region: 'ap-east-1' }] }, { bucket: 'b', region: 'eu-west-1' }, ['RES-STACK-REGION aws_s3_bucket.b region']],
    ['a region argument (ap-east-1) overriding the alias region us-east-1; the alias, used for nothing else, is still checked', aliased, { bucket: 'b', provider: 'aws.us', region: 'ap-east-1' }, ['RES-STACK-REGION provider.aws.us region']],
    ['a bucket in a GovCloud region outside the catalog', { aws: [{ region: 'us-gov-west-1' }] }, { bucket: 'b' }, ['RES-STACK-REGION aws_s3_bucket.b provider']],
  ])('%s', (_name, provider, args, expected) => {
    expect(check(tfDoc(provider, { aws_s3_bucket: { b: res('b', args) } }))).toEqual(expected);
  });

  test('an unused provider alias outside the boundary is reported on the provider block', () => {
    expect(check(tfDoc({ aws: [{ region: 'ap-east-1' }, { region: 'eu-central-1', alias: 'eu' }] }, { aws_s3_bucket: { b: res('b', { bucket: 'b' }) } })))
      .toEqual(['RES-STACK-REGION provider.aws.eu region']);
  });

  test('the boundary follows the data class: telemetry allowed anywhere may sit in us-east-1, unclassified data may not', () => {
    const policy = { boundary: GBA_HYBRID, dataClasses: { telemetry: Boundary.ANYWHERE } };
    const doc = tfDoc({ aws: [{ region: 'us-east-1' }] }, { aws_s3_bucket: { t: res('t', { bucket: 't' }, { dataClasses: ['telemetry'] }), u: res('u', { bucket: 'u' }) } });
    expect(check(doc, policy)).toEqual(['RES-STACK-REGION aws_s3_bucket.u provider']);
  });

  test('a provider given as one object instead of a list is read the same', () => {
    expect(check({ provider: { aws: { region: 'us-west-2' } }, resource: { aws_s3_bucket: { b: res('b') } } })).toEqual(['RES-STACK-REGION aws_s3_bucket.b provider']);
  });
});

describe('RES-OPT-IN-REGION (info)', () => {
  // ap-east-1 and me-south-1 are opt-in regions; us-east-1 is enabled by default (AWS Account Management reference, "Enable or disable AWS Regions").
  test.each([
    ['ap-east-1', ['provider.aws']],
    ['me-south-1', ['provider.aws']],
    ['us-east-1', []],
  ])('a provider in %s', (region, expected) => {
    const findings = checkTerraform(tfDoc({ aws: [{ region }] }, {}), { boundary: Boundary.ANYWHERE });
    expect(findings.filter((f) => f.ruleId === 'RES-OPT-IN-REGION').map((f) => [f.logicalId, f.severity])).toEqual(expected.map((id) => [id, 'info']));
  });

  test('a resource whose region argument is its provider\'s opt-in region is covered by the provider\'s finding', () => {
    const findings = checkTerraform(tfDoc({ aws: [{ region: 'ap-east-1' }] }, {
      aws_s3_bucket: { a: res('a', { region: 'ap-east-1' }), b: res('b', { region: 'me-south-1' }), c: res('c', {}) },
    }), { boundary: Boundary.ANYWHERE });
    expect(findings.filter((f) => f.ruleId === 'RES-OPT-IN-REGION').map((f) => f.logicalId)).toEqual(['provider.aws', 'aws_s3_bucket.b']);
  });

  test('a resource region argument naming an opt-in region', () => {
    const findings = checkTerraform(tfDoc({ aws: [{ region: 'us-east-1' }] }, { aws_s3_bucket: { b: res('b', { region: 'af-south-1' }) } }), { boundary: Boundary.ANYWHERE });
    expect(findings.map((f) => `${f.ruleId} ${f.severity} ${f.logicalId}`)).toEqual(['RES-OPT-IN-REGION info aws_s3_bucket.b']);
  });
});

describe('RES-SITE: Kubernetes resources at on-prem sites', () => {
  test.each([
    ['inference payloads at the Kwun Tong site', 'site:kwun-tong-dc', ['inference-payload'], HYBRID_POLICY, []],
    ['inference payloads at a site outside the boundary', 'site:mong-kok-dc', ['inference-payload'], HYBRID_POLICY, ['RES-SITE kubernetes_deployment_v1.server provider']],
    ['model artifacts at a site when model artifacts must stay in ap-east-1', 'site:kwun-tong-dc', ['model-artifact'], { ...HYBRID_POLICY, dataClasses: { 'model-artifact': Boundary.HONG_KONG } }, ['RES-SITE kubernetes_deployment_v1.server provider']],
    ['unclassified resources at a site the boundary contains', 'site:kwun-tong-dc', undefined, HYBRID_POLICY, []],
  ])('%s', (_name, site, dataClasses, policy, expected) => {
    const doc = tfDoc({ aws: [{ region: 'ap-east-1' }], kubernetes: [placed(site)] }, { kubernetes_deployment_v1: deployment(dataClasses ? { dataClasses } : undefined) });
    expect(check(doc, policy)).toEqual(expected);
  });

  test('a Kubernetes provider at an outside site with no resources is reported on the provider', () => {
    expect(check(tfDoc({ aws: [{ region: 'ap-east-1' }], kubernetes: [placed('site:mong-kok-dc', { alias: 'mk' })] }, {}))).toEqual(['RES-SITE provider.kubernetes.mk //.sovereign-ml.location']);
  });
});

describe('RES-UNKNOWN-LOCATION: what cannot be proven fails closed', () => {
  test.each([
    ['a Kubernetes provider without a site', { kubernetes: [{}] }, 'kubernetes_deployment_v1', {}],
    ['an AWS provider whose region is a variable', { aws: [{ region: '${var.region}' }] }, 'aws_s3_bucket', {}],
    ['an AWS provider without a region (taken from the environment)', { aws: [{}] }, 'aws_s3_bucket', {}],
    ['a provider alias with no provider block', { aws: [{ region: 'ap-east-1' }] }, 'aws_s3_bucket', { provider: 'aws.missing' }],
    ['a resource of a provider type with no block at all', {}, 'random_id', {}],
  ])('%s', (_name, provider, type, args) => {
    expect(check(tfDoc(provider as Record<string, Record<string, unknown>[]>, { [type]: { x: res('x', args) } }))).toEqual([`RES-UNKNOWN-LOCATION ${type}.x provider`]);
  });

  test('a computed per-resource region', () => {
    expect(check(tfDoc({ aws: [{ region: 'ap-east-1' }] }, { aws_s3_bucket: { x: res('x', { region: '${var.replica_region}' }) } })))
      .toEqual(['RES-UNKNOWN-LOCATION aws_s3_bucket.x region']);
  });

  test('a module call: the resources it creates are not in the document', () => {
    const doc = {
      ...(tfDoc({ aws: [{ region: 'ap-east-1' }] }, {}) as object),
      module: { Bucket: { source: 'terraform-aws-modules/s3-bucket/aws', version: '4.1.0', bucket: 'x', '//': { metadata: { path: 'hybrid/Bucket', uniqueId: 'Bucket' } } } },
    };
    const [finding, ...rest] = checkTerraform(doc, HYBRID_POLICY).filter((f) => f.severity !== 'info');
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      ruleId: 'RES-UNKNOWN-LOCATION', severity: 'error', logicalId: 'module.Bucket', resourceType: 'module', constructPath: 'hybrid/Bucket', propertyPath: 'source',
      message: 'module.Bucket (source "terraform-aws-modules/s3-bucket/aws" version 4.1.0) creates resources that are not in the synthesized Terraform JSON: where they are and what data they hold cannot be proven',
    });
  });
});

describe('RES-STACK-REGION: where the Terraform state is stored', () => {
  const withBackend = (backend: Record<string, unknown>) => ({ ...(tfDoc({ aws: [{ region: 'ap-east-1' }] }, {}) as object), terraform: { backend } });
  test.each([
    ['an S3 backend in ap-east-1', { s3: { bucket: 'state', key: 'hybrid.tfstate', region: 'ap-east-1' } }, []],
    ['an S3 backend in us-east-1', { s3: { bucket: 'state', key: 'hybrid.tfstate', region: 'us-east-1' } }, ['RES-STACK-REGION terraform.backend.s3 terraform.backend.s3.region']],
    ['an S3 backend whose region is a variable', { s3: { bucket: 'state', key: 'k', region: '${var.state_region}' } }, ['RES-UNKNOWN-LOCATION terraform.backend.s3 terraform.backend.s3.region']],
    ['the local backend (not checked)', { local: { path: 'terraform.tfstate' } }, []],
  ])('%s', (_name, backend, expected) => {
    expect(check(withBackend(backend))).toEqual(expected);
  });
});
