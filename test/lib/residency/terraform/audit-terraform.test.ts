import type { Finding } from '../../../../lib/residency/audit';
import { auditTerraform } from '../../../../lib/residency/terraform/audit-terraform';
import { terraformSiteRule } from '../../../../lib/residency/terraform/rules/site';
import { cleanHybridDoc, violatingHybridDoc } from './hybrid-docs';
import { HYBRID_POLICY, placed, res, tfDoc } from './tf-docs';

const SITE_BASIS = 'via provider.kubernetes is annotated site:kwun-tong-dc';
const OPT_IN_FIX = 'Enable the region in the account (Account settings > AWS Regions) and use regional STS endpoints (sts_region / AWS_STS_REGIONAL_ENDPOINTS=regional)';

/** Findings as `severity ruleId logicalId propertyPath`. */
const brief = (findings: readonly Finding[]) => findings.map((f) => `${f.severity} ${f.ruleId} ${f.logicalId} ${f.propertyPath ?? ''}`.trim());

describe('auditTerraform: a clean hybrid stack', () => {
  const audit = () => auditTerraform([{ name: 'gba-hybrid', document: cleanHybridDoc(), path: 'cdktf.out/stacks/gba-hybrid/cdk.tf.json' }], HYBRID_POLICY);

  test('places the stack by its provider blocks: AWS in ap-east-1 and Kubernetes at the site', () => {
    expect(audit().stacks).toEqual([{
      stackName: 'gba-hybrid',
      constructPath: 'gba-hybrid',
      region: 'ap-east-1',
      templatePath: 'cdktf.out/stacks/gba-hybrid/cdk.tf.json',
      location: 'mixed',
      providers: [
        { key: 'aws', type: 'aws', location: 'region:ap-east-1', basis: 'provider.aws region ap-east-1' },
        { key: 'kubernetes', type: 'kubernetes', location: 'site:kwun-tong-dc', basis: 'provider.kubernetes is annotated site:kwun-tong-dc' },
      ],
    }]);
  });

  test('places each resource with its data classes', () => {
    expect(audit().resources).toEqual([
      { stackName: 'gba-hybrid', logicalId: 'aws_s3_bucket.registry', type: 'aws_s3_bucket', constructPath: 'hybrid/registry', location: 'region:ap-east-1', dataClasses: ['model-artifact'] },
      { stackName: 'gba-hybrid', logicalId: 'kubernetes_deployment_v1.server', type: 'kubernetes_deployment_v1', constructPath: 'hybrid/server', location: 'site:kwun-tong-dc', dataClasses: ['inference-payload'] },
      { stackName: 'gba-hybrid', logicalId: 'kubernetes_cron_job_v1.drift', type: 'kubernetes_cron_job_v1', constructPath: 'hybrid/drift', location: 'site:kwun-tong-dc', dataClasses: ['inference-payload'] },
    ]);
  });

  test('lists the declared flows: the model from the cloud to the site, telemetry from the site to the cloud', () => {
    expect(audit().flows).toEqual([
      {
        ruleId: 'RES-CROSS-REGION-REFERENCE', stackName: 'gba-hybrid', logicalId: 'kubernetes_deployment_v1.server', constructPath: 'hybrid/server',
        propertyPath: '//.sovereign-ml.flows.0', kind: 'model', from: 'region:ap-east-1', to: 'site:kwun-tong-dc', basis: SITE_BASIS,
        dataClasses: ['model-artifact'], allowed: true, description: 'pulls model risk version 3 from the registry',
      },
      {
        ruleId: 'RES-CROSS-REGION-REFERENCE', stackName: 'gba-hybrid', logicalId: 'kubernetes_cron_job_v1.drift', constructPath: 'hybrid/drift',
        propertyPath: '//.sovereign-ml.flows.0', kind: 'metrics', from: 'site:kwun-tong-dc', to: 'region:ap-east-1', basis: 'declared region:ap-east-1',
        dataClasses: ['telemetry'], allowed: true, description: 'sends aggregate drift metrics to CloudWatch',
      },
    ]);
  });

  test('has only the informational opt-in finding, named after the given stack', () => {
    expect(audit().findings).toEqual([{
      ruleId: 'RES-OPT-IN-REGION', severity: 'info', stackName: 'gba-hybrid', stackConstructPath: 'gba-hybrid',
      templatePath: 'cdktf.out/stacks/gba-hybrid/cdk.tf.json', logicalId: 'provider.aws', resourceType: 'aws', constructPath: undefined,
      propertyPath: 'region', message: 'provider.aws targets ap-east-1, an opt-in region: enable it in the account before applying', fix: OPT_IN_FIX, dataClasses: [],
    }]);
  });

  test('keeps the policy it was given', () => {
    expect(audit().policy).toBe(HYBRID_POLICY);
  });
});

describe('auditTerraform: a hybrid stack with violations', () => {
  const audit = () => auditTerraform([{ name: 'violating', document: violatingHybridDoc(), constructPath: 'app/violating' }], HYBRID_POLICY);

  test('places the resources of a provider alias in its region', () => {
    const result = audit();
    expect(result.stacks[0]!.providers).toContainEqual({ key: 'aws.us', type: 'aws', alias: 'us', location: 'region:us-east-1', basis: 'provider.aws.us region us-east-1' });
    expect(result.stacks[0]!.constructPath).toBe('app/violating');
    expect(result.resources.map((r) => [r.logicalId, r.location])).toEqual([
      ['aws_s3_bucket.registry', 'region:ap-east-1'],
      ['aws_s3_bucket.archive', 'region:us-east-1'],
      ['kubernetes_deployment_v1.server', 'site:kwun-tong-dc'],
    ]);
  });

  test('reports what checkTerraform reports: the misplaced bucket, the declared and the undeclared flows, the endpoint', () => {
    expect(brief(audit().findings)).toEqual([
      'info RES-OPT-IN-REGION provider.aws region',
      'error RES-STACK-REGION aws_s3_bucket.archive provider',
      'error RES-CROSS-REGION-REFERENCE kubernetes_deployment_v1.server //.sovereign-ml.flows.1',
      'error RES-CROSS-REGION-REFERENCE kubernetes_deployment_v1.server spec.template.spec.container.0.env.0.value',
      'error RES-ENDPOINT-HOST kubernetes_deployment_v1.server spec.template.spec.container.0.env.1.value',
    ]);
    expect(audit().findings).toContainEqual(expect.objectContaining({
      ruleId: 'RES-CROSS-REGION-REFERENCE', stackName: 'violating', stackConstructPath: 'app/violating', constructPath: 'hybrid/server',
      message: 'declared logs flow to region:ap-east-1 from kubernetes_deployment_v1.server (ships prediction logs to CloudWatch Logs) moves inference-payload data to ap-east-1 '
        + '(declared region:ap-east-1), outside kwun-tong-dc-only (site kwun-tong-dc)',
    }));
  });

  test('lists every flow with its verdict, from where the data is to where it goes', () => {
    expect(audit().flows.map((f) => [f.ruleId, f.kind, f.from, f.to, f.basis, f.dataClasses.join(','), f.allowed])).toEqual([
      ['RES-CROSS-REGION-REFERENCE', 'model', 'region:ap-east-1', 'site:kwun-tong-dc', SITE_BASIS, 'model-artifact', true],
      ['RES-CROSS-REGION-REFERENCE', 'logs', 'site:kwun-tong-dc', 'region:ap-east-1', 'declared region:ap-east-1', 'inference-payload', false],
      ['RES-CROSS-REGION-REFERENCE', 'reference', 'site:kwun-tong-dc', 'region:us-east-1', 'aws_s3_bucket.archive via provider.aws.us region us-east-1', 'inference-payload', false],
      ['RES-ENDPOINT-HOST', 'endpoint', 'site:kwun-tong-dc', 'region:us-west-2', 'host monitoring.us-west-2.amazonaws.com', 'inference-payload', false],
    ]);
  });
});

describe('auditTerraform: flows of the argument rules', () => {
  const providers = { aws: [{ region: 'ap-east-1' }, { alias: 'sg', region: 'ap-southeast-1' }] };
  const bucket = res('claims', { bucket: 'claims' }, { dataClasses: ['personal'] });
  test.each([
    ['S3 replication to a bucket on the alias aws.sg', {
      aws_s3_bucket: { claims: bucket, replica: res('replica', { bucket: 'claims-replica', provider: 'aws.sg' }) },
      aws_s3_bucket_replication_configuration: {
        rep: res('rep', { bucket: '${aws_s3_bucket.claims.id}', role: 'arn:aws:iam::111111111111:role/replication', rule: [{ id: 'all', status: 'Enabled', destination: { bucket: '${aws_s3_bucket.replica.arn}' } }] }),
      },
    }, ['RES-S3-REPLICATION', 'replication', 'aws_s3_bucket_replication_configuration.rep', 'rule.0.destination.bucket', 'region:ap-east-1', 'region:ap-southeast-1', 'personal', false]],
    ['a KMS key ARN in eu-west-1 in a bucket\'s encryption', {
      aws_s3_bucket: { claims: bucket },
      aws_s3_bucket_server_side_encryption_configuration: {
        sse: res('sse', { bucket: '${aws_s3_bucket.claims.id}', rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: 'arn:aws:kms:eu-west-1:111111111111:key/abcd' } }] }, { dataClasses: ['personal'] }),
      },
    }, ['RES-ARN-REGION', 'arn', 'aws_s3_bucket_server_side_encryption_configuration.sse', 'rule.0.apply_server_side_encryption_by_default.kms_master_key_id', 'region:ap-east-1', 'region:eu-west-1', 'personal', false]],
    ['an endpoint host in ap-east-1', {
      aws_s3_bucket: { claims: bucket },
      aws_lambda_function: { fn: res('fn', { function_name: 'f', environment: { variables: { S3: 'https://s3.ap-east-1.amazonaws.com' } } }, { dataClasses: ['personal'] }) },
    }, ['RES-ENDPOINT-HOST', 'endpoint', 'aws_lambda_function.fn', 'environment.variables.S3', 'region:ap-east-1', 'region:ap-east-1', 'personal', true]],
  ])('%s', (_, resources, expected) => {
    const { flows } = auditTerraform([{ name: 's', document: tfDoc(providers, resources) }], { boundary: HYBRID_POLICY.boundary });
    expect(flows.map((f) => [f.ruleId, f.kind, f.logicalId, f.propertyPath, f.from, f.to, f.dataClasses.join(','), f.allowed])).toEqual([expected]);
  });
});

describe('auditTerraform: stacks', () => {
  test.each([
    ['an AWS provider only', 'region:ap-east-1', { aws: [{ region: 'ap-east-1' }] }, 'ap-east-1'],
    ['a Kubernetes provider at a site only', 'site:kwun-tong-dc', { kubernetes: [placed('site:kwun-tong-dc')] }, undefined],
    ['providers at two locations', 'mixed', { aws: [{ region: 'ap-east-1' }], kubernetes: [placed('site:kwun-tong-dc')] }, 'ap-east-1'],
    ['two AWS providers in one region', 'region:ap-east-1', { aws: [{ region: 'ap-east-1' }, { alias: 'again', region: 'ap-east-1' }] }, 'ap-east-1'],
    ['an AWS provider with a computed region', 'unknown', { aws: [{ region: '${var.region}' }] }, undefined],
    ['a Kubernetes provider without a location annotation', 'unknown', { kubernetes: [{ config_path: '~/.kube/config' }] }, undefined],
    ['no provider blocks', 'unknown', {}, undefined],
  ])('a stack with %s is at %s', (_, location, provider, region) => {
    const [stack] = auditTerraform([{ name: 's', document: tfDoc(provider, {}) }], HYBRID_POLICY).stacks;
    expect(stack!.location).toBe(location);
    expect(stack!.region).toBe(region);
  });

  test('audits several documents, each under its own name', () => {
    const result = auditTerraform([{ name: 'clean', document: cleanHybridDoc() }, { name: 'violating', document: violatingHybridDoc() }], HYBRID_POLICY);
    expect(result.stacks.map((s) => s.stackName)).toEqual(['clean', 'violating']);
    expect(new Set(result.findings.filter((f) => f.severity !== 'info').map((f) => f.stackName))).toEqual(new Set(['violating']));
    expect(result.flows.filter((f) => f.stackName === 'clean')).toHaveLength(2);
  });

  test('runs only the given rules', () => {
    const doc = tfDoc({ kubernetes: [placed('site:tsuen-wan-dc')] }, { kubernetes_deployment_v1: { server: res('server', {}, { dataClasses: ['inference-payload'] }) } });
    const result = auditTerraform([{ name: 's', document: doc }], HYBRID_POLICY, { rules: [terraformSiteRule] });
    expect(brief(result.findings)).toEqual(['error RES-SITE kubernetes_deployment_v1.server provider']);
  });

  test('fails when two documents have one name', () => {
    expect(() => auditTerraform([{ name: 'a', document: cleanHybridDoc() }, { name: 'a', document: cleanHybridDoc() }], HYBRID_POLICY))
      .toThrow('stack name "a" appears twice; each stack must have its own name');
  });

  test('fails when a document is not Terraform JSON, naming the stack and its file', () => {
    expect(() => auditTerraform([{ name: 'broken', document: { resource: [] }, path: 'out/broken.tf.json' }], HYBRID_POLICY))
      .toThrow(expect.objectContaining({ code: 'INVALID_PROPS', message: expect.stringMatching(/^stack broken \(out\/broken\.tf\.json\): the Terraform document is malformed: /) }));
  });
});
