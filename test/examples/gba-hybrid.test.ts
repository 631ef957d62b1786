import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildGbaHybrid, GBA_HYBRID_POLICY, SITE } from '../../examples/gba-hybrid/app';
import { main } from '../../lib/cli/main';
import { Boundary, DataClass, checkTerraform, type Finding } from '../../lib/residency';
import { at, object, parseTerraformJson, resources, strings, text, type TerraformJson } from '../constructs/tf/tf-support';
import { tempDir } from '../support/temp-dir';

describe('examples/gba-hybrid', () => {
  let outdir: string;
  const stackDoc = (name: string) => parseTerraformJson(fs.readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
  const count = (doc: TerraformJson, type: string) => Object.keys(doc.resource?.[type] ?? {}).length;
  const problems = (findings: Finding[]) => findings.filter((f) => f.severity !== 'info');

  beforeAll(() => {
    outdir = tempDir('gba-hybrid-');
    buildGbaHybrid({ outdir, bucketName: 'gba-hybrid-test-models' }).app.synth();
  });

  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('writes a cloud stack and a site stack', () => {
    expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(['gba-hybrid-cloud', 'gba-hybrid-site']);
  });

  test('the cloud stack holds the registry, its access logs, the model and the two site identities in ap-east-1', () => {
    const cloud = stackDoc('gba-hybrid-cloud');
    expect(cloud.provider!.aws).toEqual([{ region: 'ap-east-1' }]);
    expect(count(cloud, 'aws_s3_bucket')).toBe(2); // models, access logs
    expect(count(cloud, 'aws_s3_bucket_logging')).toBe(1);
    expect(count(cloud, 'aws_kms_key')).toBe(1);
    expect(count(cloud, 'aws_s3_object')).toBe(1);
    expect(count(cloud, 'aws_iam_user')).toBe(2);
    expect(cloud.data).toBeUndefined();
    const s3Object = Object.values(cloud.resource!.aws_s3_object!)[0]!;
    expect(fs.existsSync(path.join(outdir, 'stacks', 'gba-hybrid-cloud', text(s3Object.source)))).toBe(true);
  });

  test('the site stack serves the model from the registry and runs the drift job, at the site', () => {
    const site = stackDoc('gba-hybrid-site');
    expect(at(site.provider!.kubernetes![0], ['//', 'sovereign-ml'])).toEqual({ location: `site:${SITE}` });
    for (const type of ['kubernetes_deployment_v1', 'kubernetes_service_v1', 'kubernetes_horizontal_pod_autoscaler_v2', 'kubernetes_pod_disruption_budget_v1', 'kubernetes_cron_job_v1', 'kubernetes_config_map_v1']) {
      expect(count(site, type)).toBe(1);
    }
    expect(count(site, 'kubernetes_network_policy_v1')).toBe(2);
    // No cross-stack reference: the site needs no access to the cloud stack's state.
    expect(site.data).toBeUndefined();
    const args: string[] = strings(at(resources(site, 'kubernetes_deployment_v1')[0], 'spec.template.spec.container.0.args'));
    expect(args[args.indexOf('--model') + 1]).toBe('s3://gba-hybrid-test-models/models/shipment-risk/3/fraud.onnx');
    expect(args[args.indexOf('--sha256') + 1]).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the servers capture 20% to the claim the drift job reads, over a 60-minute window', () => {
    const site = stackDoc('gba-hybrid-site');
    const pod = object(at(resources(site, 'kubernetes_deployment_v1')[0], 'spec.template.spec'));
    const args: string[] = strings(at(pod, 'container.0.args'));
    expect(args[args.indexOf('--capture-dir') + 1]).toBe('/capture');
    expect(args[args.indexOf('--capture-percent') + 1]).toBe('20');
    expect(at(pod, 'container.0.volume_mount')).toContainEqual({ name: 'capture', mount_path: '/capture', read_only: false });
    expect(pod.volume).toContainEqual({ name: 'capture', persistent_volume_claim: { claim_name: 'shipment-risk-capture', read_only: false } });
    expect(at(pod, 'security_context.fs_group')).toBe('1000');

    const job = object(at(resources(site, 'kubernetes_cron_job_v1')[0], 'spec.job_template.spec.template.spec'));
    const jobArgs: string[] = strings(at(job, 'container.0.args'));
    expect(jobArgs[jobArgs.indexOf('--capture') + 1]).toBe('/capture');
    expect(jobArgs[jobArgs.indexOf('--window-minutes') + 1]).toBe('60');
    expect(jobArgs[jobArgs.indexOf('--window-end') + 1]).toBe('hour');
    expect(at(job, 'container.0.volume_mount')).toContainEqual({ name: 'capture', mount_path: '/capture', read_only: true });
    expect(job.volume).toContainEqual({ name: 'capture', persistent_volume_claim: { claim_name: 'shipment-risk-capture', read_only: true } });
  });

  test('is clean under the hybrid policy (only the informational opt-in region note, once, at the AWS provider)', () => {
    for (const name of ['gba-hybrid-cloud', 'gba-hybrid-site']) {
      const findings = checkTerraform(stackDoc(name), GBA_HYBRID_POLICY);
      expect(problems(findings)).toEqual([]);
      expect(findings.map((f) => `${f.ruleId} ${f.logicalId}`)).toEqual(name.endsWith('cloud') ? ['RES-OPT-IN-REGION provider.aws'] : []);
    }
  });

  test('the residency CLI audits the synthesized cdktf.out: clean, the model pulled from the cloud to the site, drift metrics sent back', async () => {
    let stdout = '';
    let stderr = '';
    const code = await main(['residency', outdir, '--boundary', 'regions:ap-east-1@kwun-tong-dc', '--json'], { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; } });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.summary.verdict).toBe('clean');
    expect(report.stacks.map((s: { stackName: string; location: string }) => [s.stackName, s.location])).toEqual([
      ['gba-hybrid-cloud', 'region:ap-east-1'],
      ['gba-hybrid-site', 'site:kwun-tong-dc'],
    ]);
    const crossing = report.flows.filter((f: { from: string; to: string }) => f.from !== f.to)
      .map((f: { stackName: string; kind: string; from: string; to: string; dataClasses: string[]; description: string; verdict: string }) => [f.stackName, f.kind, f.from, f.to, f.dataClasses, f.description, f.verdict]);
    expect(crossing).toEqual([
      ['gba-hybrid-site', 'metrics', 'site:kwun-tong-dc', 'region:ap-east-1', ['telemetry'], 'sends aggregate drift metrics of shipment-risk to CloudWatch', 'allowed'],
      ['gba-hybrid-site', 'model', 'region:ap-east-1', 'site:kwun-tong-dc', ['model-artifact'], 'pulls model shipment-risk version 3 from the registry', 'allowed'],
    ]);
  });

  test('the residency CLI audits the synthesized cdktf.out under the example\'s full policy, given on the command line: clean', async () => {
    const run = async (...extra: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await main(['residency', outdir, '--boundary', 'regions:ap-east-1@kwun-tong-dc',
        '--class-boundary', 'inference-payload=regions:@kwun-tong-dc',
        '--class-boundary', 'model-artifact=regions:ap-east-1@kwun-tong-dc',
        '--class-boundary', 'telemetry=regions:ap-east-1@kwun-tong-dc', ...extra], { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; } });
      return { code, stdout, stderr };
    };
    const text = await run();
    expect(text).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    expect(text.stdout).toMatch(/\nresidency: 0 violations, 1 info in 2 stacks \(boundary custom \(ap-east-1, site kwun-tong-dc\); inference-payload data: custom \(site kwun-tong-dc\); model-artifact data: custom \(ap-east-1, site kwun-tong-dc\); telemetry data: custom \(ap-east-1, site kwun-tong-dc\)\)\n$/);

    const report = JSON.parse((await run('--json')).stdout);
    expect(report.summary.verdict).toBe('clean');
    // The command line states GBA_HYBRID_POLICY: the same regions and sites for the same classes.
    const places = (b: { regions: readonly string[]; sites: readonly string[] }) => ({ regions: [...b.regions], sites: [...b.sites] });
    expect(places(report.boundary)).toEqual(places({ regions: GBA_HYBRID_POLICY.boundary.regionNames, sites: GBA_HYBRID_POLICY.boundary.siteNames }));
    expect(Object.fromEntries(Object.entries(report.boundary.dataClasses).map(([c, b]) => [c, places(b as { regions: string[]; sites: string[] })]))).toEqual(
      Object.fromEntries(Object.entries(GBA_HYBRID_POLICY.dataClasses ?? {}).map(([c, b]) => [c, places({ regions: b!.regionNames, sites: b!.siteNames })])));
    expect(report.flows.filter((f: { from: string; to: string }) => f.from !== f.to).map((f: { kind: string; dataClasses: string[]; verdict: string }) => [f.kind, f.dataClasses, f.verdict])).toEqual([
      ['metrics', ['telemetry'], 'allowed'],
      ['model', ['model-artifact'], 'allowed'],
    ]);
  });

  const cloudOnly = { ...GBA_HYBRID_POLICY, dataClasses: { ...GBA_HYBRID_POLICY.dataClasses, [DataClass.INFERENCE_PAYLOAD]: Boundary.HONG_KONG } };

  test('the annotations are what makes it clean: payloads kept in the cloud region only would fail at the site', () => {
    const findings = problems(checkTerraform(stackDoc('gba-hybrid-site'), cloudOnly));
    expect(findings.map((f) => f.resourceType).sort()).toEqual(expect.arrayContaining(['kubernetes_cron_job_v1', 'kubernetes_deployment_v1']));
  });

  test('fails synthesis under a policy the site breaks, naming the rule and the construct', () => {
    const failing = tempDir('gba-hybrid-failing-');
    try {
      const { app } = buildGbaHybrid({ outdir: failing, bucketName: 'gba-hybrid-test-models', policy: cloudOnly });
      expect(() => app.synth()).toThrow(/RES-SITE.*gba-hybrid-site\/ShipmentRisk\/Deployment/s);
    } finally {
      fs.rmSync(failing, { recursive: true, force: true });
    }
  });
});
