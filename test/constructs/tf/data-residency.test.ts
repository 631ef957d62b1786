import * as fs from 'node:fs';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketReplicationConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-replication-configuration';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, Fn, S3Backend, TerraformHclModule, TerraformStack, Testing } from 'cdktf';
import { TerraformResidency, type TerraformResidencyOptions } from '../../../constructs/tf/data-residency';
import { ErrorCode } from '../../../lib/errors';
import { Boundary } from '../../../lib/residency/boundary';
import { DataClass } from '../../../lib/residency/data-class';
import { Location } from '../../../lib/residency/location';
import { RuleId } from '../../../lib/residency/rule';
import { errorOf } from '../../support/errors';
import { at, parseJson } from './tf-support';
import { tempDir } from '../../support/temp-dir';

const GBA_HYBRID = Boundary.regions('gba-hybrid', ['ap-east-1'], { sites: ['kwun-tong-dc'] });
const POLICY: TerraformResidencyOptions = {
  boundary: GBA_HYBRID,
  dataClasses: {
    [DataClass.INFERENCE_PAYLOAD]: Boundary.regions('kwun-tong-dc-only', [], { sites: ['kwun-tong-dc'] }),
    [DataClass.MODEL_ARTIFACT]: GBA_HYBRID,
    [DataClass.TELEMETRY]: GBA_HYBRID,
  },
};

/** The example hybrid stack: a model registry bucket in ap-east-1 and an inference server at the Kwun Tong site. */
function hybridStack(options: { site?: string; env?: Record<string, string>; pull?: boolean } = {}) {
  const stack = new TerraformStack(Testing.app({ outdir: tempDir('cdktf-') }), 'hybrid');
  const aws = new AwsProvider(stack, 'aws', { region: 'ap-east-1' });
  const cluster = new KubernetesProvider(stack, 'cluster', { configPath: '~/.kube/config' });
  if (options.site !== undefined) TerraformResidency.placeAt(cluster, Location.onPrem(options.site));
  const registry = new S3Bucket(stack, 'Registry', { bucket: 'fraud-models' });
  TerraformResidency.classify(registry, DataClass.MODEL_ARTIFACT);
  const server = new DeploymentV1(stack, 'Server', {
    metadata: { name: 'onnx-server' },
    spec: {
      selector: { matchLabels: { app: 'onnx-server' } },
      template: {
        metadata: { labels: { app: 'onnx-server' } },
        spec: { container: [{ name: 'server', image: 'onnx-server:1.4.0', env: Object.entries({ MODEL_BUCKET: registry.bucket, ...options.env }).map(([name, value]) => ({ name, value })) }] },
      },
    },
  });
  TerraformResidency.classify(server, DataClass.INFERENCE_PAYLOAD);
  if (options.pull ?? true) {
    TerraformResidency.declareFlow(server, { kind: 'model', direction: 'in', target: registry, dataClasses: [DataClass.MODEL_ARTIFACT], description: 'pulls the model file from the registry' });
  }
  return { stack, aws, cluster, registry, server };
}

/** Synthesizes with validations, as `cdktf synth` does; returns the error message or undefined. */
function synthError(stack: TerraformStack): string | undefined {
  try {
    Testing.synth(stack, true);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('TerraformResidency.enforce', () => {
  test('a clean hybrid stack synthesizes, through App.synth too', () => {
    const outdir = tempDir('tf-residency-');
    try {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, 'hybrid');
      new AwsProvider(stack, 'aws', { region: 'ap-east-1' });
      const cluster = new KubernetesProvider(stack, 'cluster', {});
      TerraformResidency.placeAt(cluster, Location.onPrem('kwun-tong-dc'));
      TerraformResidency.enforce(stack, POLICY);
      expect(() => app.synth()).not.toThrow();
      const written = parseJson(fs.readFileSync(path.join(outdir, 'stacks', 'hybrid', 'cdk.tf.json'), 'utf8'));
      expect(at(written, ['provider', 'kubernetes', 0, '//'])).toEqual({ 'sovereign-ml': { location: 'site:kwun-tong-dc' } });
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('the example stack (model pulled from the cloud to the site) synthesizes clean', () => {
    const { stack } = hybridStack({ site: 'kwun-tong-dc' });
    TerraformResidency.enforce(stack, POLICY);
    expect(synthError(stack)).toBeUndefined();
    expect(() => Testing.fullSynth(stack)).not.toThrow();
  });

  test('fails App.synth with the rule id and the construct path', () => {
    const outdir = tempDir('tf-residency-');
    try {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, 'hybrid');
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      const bucket = new S3Bucket(stack, 'Captures', { bucket: 'captures' });
      TerraformResidency.enforce(stack, POLICY);
      expect(() => app.synth()).toThrow(new RegExp(`\\[RES-STACK-REGION\\] error at ${bucket.node.path} `));
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  describe('fails synthesis with the rule id and the construct path', () => {
    const cases: Array<[string, RuleId, (s: ReturnType<typeof hybridStack>) => { node: { path: string } }, { site?: string }?]> = [
      ['a bucket on a provider alias in us-east-1', RuleId.STACK_REGION, ({ stack }) => {
        const us = new AwsProvider(stack, 'us', { region: 'us-east-1', alias: 'us' });
        return new S3Bucket(stack, 'Backup', { bucket: 'backup', provider: us });
      }],
      ['a bucket whose v6 region argument is eu-west-1', RuleId.STACK_REGION, ({ stack }) => new S3Bucket(stack, 'Elsewhere', { bucket: 'elsewhere', region: 'eu-west-1' })],
      ['an unused provider alias outside the boundary (reported at the provider)', RuleId.STACK_REGION, ({ stack }) => new AwsProvider(stack, 'eu', { region: 'eu-central-1', alias: 'eu' })],
      ['inference payloads at a site outside the boundary', RuleId.SITE, ({ server }) => server, { site: 'mong-kok-dc' }],
      ['a Kubernetes cluster that is not placed anywhere', RuleId.UNKNOWN_LOCATION, ({ server }) => server, {}],
      ['a literal aws-cn ARN in an aws boundary', RuleId.PARTITION, ({ stack }) => new IamPolicy(stack, 'ChinaPolicy', {
        policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws-cn:s3:::models/*' }] }),
      })],
      ['an ARN of a queue in us-west-2', RuleId.ARN_REGION, ({ stack }) => new IamPolicy(stack, 'QueuePolicy', {
        policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-west-2:111111111111:q' }] }),
      })],
      ['an ARN of a queue in us-west-2 in a policy built with Fn.jsonencode', RuleId.ARN_REGION, ({ stack }) => new IamPolicy(stack, 'EncodedPolicy', {
        policy: Fn.jsonencode({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-west-2:111111111111:q' }] }),
      })],
      ['an endpoint host in us-west-2 in a container environment', RuleId.ENDPOINT_HOST, ({ stack }) => new DeploymentV1(stack, 'Forwarder', {
        metadata: { name: 'fwd' },
        spec: { template: { metadata: {}, spec: { container: [{ name: 'fwd', image: 'fwd:1.0.0', env: [{ name: 'QUEUE_URL', value: 'https://sqs.us-west-2.amazonaws.com/111111111111/q' }] }] } } },
      })],
      ['replication of the registry to a bucket in ap-southeast-1', RuleId.S3_REPLICATION, ({ stack, registry }) => {
        const replica = new S3Bucket(stack, 'Replica', { bucket: 'replica', region: 'ap-southeast-1' });
        return new S3BucketReplicationConfigurationA(stack, 'Replication', {
          bucket: registry.id, role: 'arn:aws:iam::111111111111:role/replication',
          rule: [{ id: 'all', status: 'Enabled', destination: { bucket: replica.arn } }],
        });
      }],
      ['inference payloads sent from the site to the cloud registry', RuleId.CROSS_REGION_REFERENCE, ({ server, registry }) => {
        TerraformResidency.declareFlow(server, { kind: 's3', direction: 'out', target: registry, dataClasses: [DataClass.INFERENCE_PAYLOAD], description: 'uploads captured requests' });
        return server;
      }],
      ['Terraform state in an S3 bucket in us-east-1 (reported at the stack)', RuleId.STACK_REGION, ({ stack }) => {
        new S3Backend(stack, { bucket: 'tf-state', key: 'hybrid.tfstate', region: 'us-east-1' });
        return stack;
      }],
      ['a module call, whose resources cannot be seen', RuleId.UNKNOWN_LOCATION, ({ stack }) => new TerraformHclModule(stack, 'LogsBucket', {
        source: 'terraform-aws-modules/s3-bucket/aws', version: '4.1.0', variables: { bucket: 'site-logs' },
      })],
      ['a malformed annotation written by hand', RuleId.ANNOTATION, ({ server }) => {
        server.addOverride('//.sovereign-ml', { dataClasses: ['secret'] });
        return server;
      }],
    ];
    test.each(cases)('%s: %s', (_name, ruleId, violate, build = { site: 'kwun-tong-dc' }) => {
      const parts = hybridStack(build);
      const culprit = violate(parts);
      TerraformResidency.enforce(parts.stack, POLICY);
      const error = synthError(parts.stack);
      expect(error).toContain(`[${ruleId}]`);
      expect(error).toMatch(new RegExp(`\\[${ruleId}\\] (error|fatal) at ${culprit.node.path.replace(/[/.]/g, '\\$&')}[ :]`));
    });
  });

  test('an undeclared reference from the site to the cloud registry is an implicit flow of all the server\'s data', () => {
    const { stack, server } = hybridStack({ site: 'kwun-tong-dc', pull: false });
    TerraformResidency.enforce(stack, POLICY);
    expect(synthError(stack)).toMatch(new RegExp(`\\[RES-CROSS-REGION-REFERENCE\\] error at ${server.node.path} .*aws_s3_bucket\\.Registry.*inference-payload data to ap-east-1`));
  });

  test('telemetry sent from the site to the cloud is allowed', () => {
    const { stack, server } = hybridStack({ site: 'kwun-tong-dc' });
    TerraformResidency.declareFlow(server, { kind: 'metrics', direction: 'out', target: Location.region('ap-east-1'), dataClasses: [DataClass.TELEMETRY], description: 'aggregate latency metrics' });
    TerraformResidency.enforce(stack, POLICY);
    expect(synthError(stack)).toBeUndefined();
  });
});

describe('acknowledging findings', () => {
  const withBackup = () => {
    const parts = hybridStack({ site: 'kwun-tong-dc' });
    const backup = new S3Bucket(parts.stack, 'Backup', { bucket: 'backup', region: 'ap-southeast-1' });
    return { ...parts, backup };
  };

  test('an acknowledged finding with a reason no longer fails synthesis and is kept as a warning', () => {
    const { stack, backup } = withBackup();
    TerraformResidency.enforce(stack, { ...POLICY, acknowledge: [{ ruleId: RuleId.STACK_REGION, constructPath: backup.node.path, reason: 'disaster-recovery copy approved by the DPO (ticket DPO-112)' }] });
    expect(synthError(stack)).toBeUndefined();
    const warnings = stack.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringMatching(/^\[RES-STACK-REGION\] error at hybrid\/Backup .*\(acknowledged: disaster-recovery copy approved by the DPO \(ticket DPO-112\)\)$/)]);
  });

  test('a module call passes once acknowledged at its construct path with a reason', () => {
    const { stack } = hybridStack({ site: 'kwun-tong-dc' });
    const module = new TerraformHclModule(stack, 'LogsBucket', { source: 'terraform-aws-modules/s3-bucket/aws', version: '4.1.0', variables: { bucket: 'site-logs' } });
    TerraformResidency.enforce(stack, { ...POLICY, acknowledge: [{ ruleId: RuleId.UNKNOWN_LOCATION, constructPath: module.node.path, reason: 'module 4.1.0 reviewed: one bucket on the default provider (ap-east-1)' }] });
    expect(synthError(stack)).toBeUndefined();
  });

  test('an acknowledgement covers the constructs under its path, for its rule only', () => {
    const { stack } = withBackup();
    TerraformResidency.enforce(stack, { ...POLICY, acknowledge: [{ ruleId: RuleId.SITE, constructPath: 'hybrid', reason: 'not this rule' }] });
    expect(synthError(stack)).toContain('[RES-STACK-REGION] error at hybrid/Backup');
  });

  test.each([
    ['an empty reason', { ruleId: RuleId.STACK_REGION, constructPath: 'hybrid/Backup', reason: '  ' }, /acknowledge\[0\]\.reason must say why/],
    ['a fatal rule', { ruleId: RuleId.PARTITION, constructPath: 'hybrid/Backup', reason: 'we know' }, /RES-PARTITION is fatal and cannot be acknowledged/],
    ['an unknown rule id', { ruleId: 'RES-NOPE' as RuleId, constructPath: 'hybrid/Backup', reason: 'we know' }, /must be a residency rule id/],
  ])('fails when an acknowledgement has %s', (_name, ack, message) => {
    const { stack } = withBackup();
    expect(() => TerraformResidency.enforce(stack, { ...POLICY, acknowledge: [ack] })).toThrow(message);
  });

  test.each([[RuleId.KMS], [RuleId.LOGS_EGRESS], [RuleId.BEDROCK_CROSS_REGION]])('fails when an acknowledgement names %s, which no Terraform finding carries', (ruleId) => {
    const { stack } = withBackup();
    const e = errorOf(() => TerraformResidency.enforce(stack, { ...POLICY, acknowledge: [{ ruleId, constructPath: 'hybrid/Backup', reason: 'we know' }] }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.detail).toBe(`acknowledge[0].ruleId ${ruleId} is checked on CloudFormation templates only, so no Terraform finding carries it and the acknowledgement would never match; `
      + 'Terraform findings carry RES-ANNOTATION, RES-ARN-REGION, RES-CROSS-REGION-REFERENCE, RES-ENDPOINT-HOST, RES-OPT-IN-REGION, RES-PARTITION, RES-S3-REPLICATION, RES-SITE, RES-STACK-REGION, RES-UNKNOWN-LOCATION');
  });

  test('fails when enforced twice on one stack', () => {
    const { stack } = withBackup();
    TerraformResidency.enforce(stack, POLICY);
    expect(() => TerraformResidency.enforce(stack, POLICY)).toThrow(/already called/);
  });
});

describe('annotations written into the Terraform JSON', () => {
  test('placeAt, classify and declareFlow write the conventions\' // annotations and keep cdktf\'s metadata', () => {
    const { stack, server } = hybridStack({ site: 'kwun-tong-dc' });
    TerraformResidency.declareFlow(server, { kind: 'metrics', direction: 'out', target: Location.region('ap-east-1'), dataClasses: [DataClass.TELEMETRY], description: 'aggregate metrics' });
    const json = parseJson(JSON.stringify(stack.toTerraform()));
    expect(at(json, ['provider', 'kubernetes', 0, '//'])).toEqual({ 'sovereign-ml': { location: 'site:kwun-tong-dc' } });
    expect(at(json, ['resource', 'kubernetes_deployment_v1', 'Server', '//'])).toEqual({
      metadata: expect.objectContaining({ path: 'hybrid/Server' }),
      'sovereign-ml': {
        dataClasses: ['inference-payload'],
        flows: [
          { kind: 'model', direction: 'in', target: '${aws_s3_bucket.Registry}', dataClasses: ['model-artifact'], description: 'pulls the model file from the registry' },
          { kind: 'metrics', direction: 'out', target: 'region:ap-east-1', dataClasses: ['telemetry'], description: 'aggregate metrics' },
        ],
      },
    });
  });

  test('placeAt merges with other content of the provider\'s // comment, and a later call replaces the location', () => {
    const { stack, cluster } = hybridStack();
    cluster.addOverride('//.owner', 'platform-team');
    TerraformResidency.placeAt(cluster, Location.onPrem('tsuen-wan-dc'));
    TerraformResidency.placeAt(cluster, Location.onPrem('kwun-tong-dc'));
    expect(at(parseJson(JSON.stringify(stack.toTerraform())), ['provider', 'kubernetes', 0, '//'])).toEqual({ owner: 'platform-team', 'sovereign-ml': { location: 'site:kwun-tong-dc' } });
  });

  test.each([
    ['classify without classes', ({ server }: ReturnType<typeof hybridStack>) => TerraformResidency.classify(server), /needs at least one data class/],
    ['classify with an unknown class', ({ server }: ReturnType<typeof hybridStack>) => TerraformResidency.classify(server, 'secret' as DataClass), /classes\[0\] must be a DataClass/],
    ['placeAt an unknown location', ({ cluster }: ReturnType<typeof hybridStack>) => TerraformResidency.placeAt(cluster, Location.UNKNOWN), /placing a provider at an unknown location proves nothing/],
    ['declareFlow without classes', ({ server, registry }: ReturnType<typeof hybridStack>) => TerraformResidency.declareFlow(server, { kind: 'model', direction: 'in', target: registry, dataClasses: [], description: 'x' }), /flow\.dataClasses must list at least one/],
    ['declareFlow to a resource of another stack', ({ server }: ReturnType<typeof hybridStack>) => TerraformResidency.declareFlow(server, { kind: 'model', direction: 'in', target: new S3Bucket(new TerraformStack(Testing.app({ outdir: tempDir('cdktf-') }), 'cloud'), 'Registry'), dataClasses: [DataClass.MODEL_ARTIFACT], description: 'x' }), /is in another stack/],
  ])('fails on %s, naming the construct', (_name, act, message) => {
    const parts = hybridStack({ site: 'kwun-tong-dc' });
    expect(() => act(parts)).toThrow(message);
    expect(() => act(parts)).toThrow(/\(at hybrid\//);
  });
});
