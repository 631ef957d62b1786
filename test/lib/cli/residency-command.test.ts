import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../../lib/cli/main';
import { cleanHybridDoc, violatingHybridDoc } from '../residency/terraform/hybrid-docs';

// readFile passes through to node's, recording the files read (node:fs/promises' own exports cannot be spied on).
jest.mock('node:fs/promises', () => {
  const actual = jest.requireActual<typeof import('node:fs/promises')>('node:fs/promises');
  return { ...actual, readFile: jest.fn(actual.readFile) };
});
const readFileCalls = () => (jest.requireMock<{ readFile: jest.Mock }>('node:fs/promises')).readFile.mock.calls as unknown[][];

const REPO = path.resolve(__dirname, '../../..');

/** Runs the CLI in-process, capturing its output. */
async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; } });
  return { code, stdout, stderr };
}

/** A template holding one bucket, with a literal name when given. */
const bucketTemplate = (bucketName?: string) => ({
  Resources: { Data: { Type: 'AWS::S3::Bucket', Metadata: { 'aws:cdk:path': 'App/Data/Resource' }, ...(bucketName ? { Properties: { BucketName: bucketName } } : {}) } },
});

/** A template whose endpoint config captures to the bucket named `bucket`. */
const captureTemplate = (bucket: string) => ({
  Resources: {
    Config: {
      Type: 'AWS::SageMaker::EndpointConfig',
      Metadata: { 'aws:cdk:path': 'Serving/Endpoint/Config' },
      Properties: { ProductionVariants: [], DataCaptureConfig: { DestinationS3Uri: `s3://${bucket}/capture`, InitialSamplingPercentage: 20, CaptureOptions: [{ CaptureMode: 'Input' }] } },
    },
  },
});

/** A cloud assembly with one stack `id` deployed to `environment`. */
function writeAssembly(dir: string, id: string, environment: string, template: object): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    version: '55.0.0',
    artifacts: {
      [`${id}.assets`]: { type: 'cdk:asset-manifest', properties: { file: `${id}.assets.json` } },
      [id]: { type: 'aws:cloudformation:stack', environment, properties: { templateFile: `${id}.template.json` }, displayName: id },
      Tree: { type: 'cdk:tree', properties: { file: 'tree.json' } },
    },
  }));
  writeFileSync(path.join(dir, `${id}.template.json`), JSON.stringify(template));
}

let dir: string;
const at = (...parts: string[]) => path.join(dir, ...parts);

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sovereign-ml-cli-'));
  writeFileSync(at('data.template.json'), JSON.stringify(bucketTemplate()));
  writeFileSync(at('serving.template.json'), JSON.stringify(captureTemplate('us-lake')));
  writeFileSync(at('broken.template.json'), '{ "Resources": { ');
  writeFileSync(at('not-a-template.json'), JSON.stringify({ artifacts: {} }));
  writeFileSync(at('untyped.json'), JSON.stringify({ Resources: { Data: { Properties: {} } } }));
  writeFileSync(at('bad-external.json'), JSON.stringify({ ...bucketTemplate(), Metadata: { 'sovereign-ml:externals': [{ bucketName: 'drop', location: 'mars' }] } }));
  mkdirSync(at('empty-dir'));
  mkdirSync(at('broken-manifest.out'));
  writeFileSync(at('broken-manifest.out', 'manifest.json'), '{ "artifacts": ');
  writeAssembly(at('lost-template.out'), 'Lost', 'aws://111111111111/ap-east-1', bucketTemplate());
  rmSync(at('lost-template.out', 'Lost.template.json'));
  writeAssembly(at('hk.out'), 'HkData', 'aws://111111111111/ap-east-1', bucketTemplate());
  writeAssembly(at('us.out'), 'UsData', 'aws://111111111111/us-east-1', bucketTemplate());
  writeAssembly(at('us-lake.out'), 'UsLake', 'aws://111111111111/us-east-1', bucketTemplate('us-lake'));
  writeAssembly(at('us-telemetry.out'), 'UsTelemetry', 'aws://111111111111/us-east-1', {
    Resources: { Metrics: { Type: 'AWS::S3::Bucket', Metadata: { 'aws:cdk:path': 'UsTelemetry/Metrics/Resource', 'sovereign-ml:dataClasses': ['telemetry'] } } },
  });
  writeAssembly(at('agnostic.out'), 'Agnostic', 'aws://unknown-account/unknown-region', bucketTemplate());
  // A stage: the top-level manifest points at a nested assembly in a sub-directory.
  writeAssembly(at('staged.out', 'assembly-Prod'), 'ProdData', 'aws://111111111111/ap-east-1', bucketTemplate());
  writeFileSync(at('staged.out', 'manifest.json'), JSON.stringify({
    version: '55.0.0',
    artifacts: { 'assembly-Prod': { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod', displayName: 'Prod' } } },
  }));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('sovereign-ml residency', () => {
  test('a clean template file with --region exits 0 with a summary line', async () => {
    const r = await run('residency', at('data.template.json'), '--boundary', 'hk', '--region', 'ap-east-1');
    expect(r).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    expect(r.stdout).toContain('residency: 0 violations, 1 info in 1 stack (boundary hong-kong (ap-east-1))\n');
    expect(r.stdout).toContain('info RES-OPT-IN-REGION data: ');
  });

  test('a template file without --region has an unknown region: RES-STACK-REGION, exit 1', async () => {
    const r = await run('residency', at('data.template.json'), '--boundary', 'hk');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^error RES-STACK-REGION data: stack data has no concrete region.*\n {2}fix: /m);
  });

  test('a violation across a template file and a cloud assembly exits 1 and names the rule, resource and property', async () => {
    const r = await run('residency', at('serving.template.json'), at('us-lake.out'), '--boundary=hk', '--region=ap-east-1');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error RES-S3-LOCATION serving/Config (Serving/Endpoint/Config) Properties.DataCaptureConfig.DestinationS3Uri: '
      + 'DataCaptureConfig.DestinationS3Uri of Config sends data to us-east-1 (bucket us-lake is Data of stack UsLake), outside hong-kong (ap-east-1)\n  fix: ');
    expect(r.stdout).toContain('error RES-STACK-REGION UsLake: ');
    expect(r.stdout).toContain('residency: 2 violations, 1 info in 2 stacks (boundary hong-kong (ap-east-1))');
  });

  test('--json prints the JSON report', async () => {
    const r = await run('residency', at('serving.template.json'), at('us-lake.out'), '--boundary', 'hk', '--region', 'ap-east-1', '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.summary).toEqual(expect.objectContaining({ verdict: 'violations', stacks: 2 }));
    expect(report.findings).toContainEqual(expect.objectContaining({ ruleId: 'RES-S3-LOCATION', stackName: 'serving', templatePath: at('serving.template.json') }));
  });

  test('reads each manifest.json of a cloud assembly once (nested assemblies included)', async () => {
    const before = readFileCalls().length;
    const r = await run('residency', at('staged.out'), '--boundary', 'hk');
    expect(r.code).toBe(0);
    const manifests = readFileCalls().slice(before).map(([file]) => String(file)).filter((file) => path.basename(file) === 'manifest.json');
    expect(manifests).toEqual([at('staged.out', 'manifest.json'), at('staged.out', 'assembly-Prod', 'manifest.json')]);
  });

  test.each([
    ['hk.out', 0, 'residency: 0 violations, 1 info in 1 stack'],
    ['us.out', 1, 'error RES-STACK-REGION HkData'],
    ['agnostic.out', 1, 'error RES-STACK-REGION Agnostic: stack Agnostic has no concrete region'],
  ])('reads the environment of a cloud assembly stack (%s)', async (assembly, code, text) => {
    const r = await run('residency', at(assembly), '--boundary', 'hk');
    expect(r.code).toBe(code);
    expect(r.stdout).toContain(text.replace('HkData', 'UsData'));
  });

  test('takes region and account from the manifest and the construct path from the display name', async () => {
    const report = JSON.parse((await run('residency', at('hk.out'), '--boundary', 'hk', '--json')).stdout);
    expect(report.stacks).toEqual([{
      stackName: 'HkData', constructPath: 'HkData', region: 'ap-east-1', account: '111111111111',
      templatePath: at('hk.out', 'HkData.template.json'), location: 'region:ap-east-1', verdict: 'clean',
    }]);
  });

  test('follows nested assemblies', async () => {
    const report = JSON.parse((await run('residency', at('staged.out'), '--boundary', 'hk', '--json')).stdout);
    expect(report.stacks).toEqual([expect.objectContaining({ stackName: 'ProdData', region: 'ap-east-1' })]);
  });

  test('a custom boundary with regions and sites', async () => {
    const r = await run('residency', at('us.out'), '--boundary', 'regions:us-east-1,us-west-2@kwun-tong-dc');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(boundary custom (us-east-1, us-west-2, site kwun-tong-dc))');
  });

  test('--class-boundary widens the boundary for one data class: telemetry in us-east-1 fails under hk alone, passes with telemetry allowed there', async () => {
    const hkOnly = await run('residency', at('us-telemetry.out'), '--boundary', 'hk');
    expect(hkOnly.code).toBe(1);
    expect(hkOnly.stdout).toContain('error RES-STACK-REGION UsTelemetry: stack UsTelemetry deploys to us-east-1, outside the boundary for the data it holds (telemetry; allowed: ap-east-1)\n');

    const r = await run('residency', at('us-telemetry.out'), '--boundary', 'hk', '--class-boundary', 'telemetry=regions:ap-east-1,us-east-1');
    expect(r).toEqual({ code: 0, stderr: '', stdout: 'residency: 0 violations, 0 info in 1 stack (boundary hong-kong (ap-east-1); telemetry data: custom (ap-east-1, us-east-1))\n' });
  });

  test('--class-boundary <class>=anywhere lifts the restriction for that class only', async () => {
    const r = await run('residency', at('us-telemetry.out'), '--boundary', 'hk', '--class-boundary', 'telemetry=anywhere');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^residency: 0 violations, 0 info in 1 stack \(boundary hong-kong \(ap-east-1\); telemetry data: anywhere\b/m);
    // Only for --class-boundary: a whole policy without a boundary would check nothing.
    const whole = await run('residency', at('us-telemetry.out'), '--boundary', 'anywhere');
    expect(whole.code).toBe(2);
    expect(whole.stderr).toContain('--boundary must be hk, cn or regions:<r1,r2>[@site1,site2], got "anywhere"');
  });

  test('--class-boundary is repeatable, takes the --option=value form and regions:@site for a sites-only boundary; the summary lists the classes by name', async () => {
    const r = await run('residency', at('hk.out'), '--boundary', 'hk', '--class-boundary=telemetry=regions:ap-east-1,us-east-1', '--class-boundary', 'inference-payload=regions:@kwun-tong-dc', '--class-boundary', 'personal=cn');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('residency: 0 violations, 1 info in 1 stack (boundary hong-kong (ap-east-1); inference-payload data: custom (site kwun-tong-dc); '
      + 'personal data: mainland-china (cn-north-1, cn-northwest-1); telemetry data: custom (ap-east-1, us-east-1))\n');
  });

  test('--report-dir with --class-boundary: the JSON and Markdown reports show the per-class boundaries', async () => {
    const out = at('class-reports');
    expect((await run('residency', at('hk.out'), '--boundary', 'hk', '--class-boundary', 'inference-payload=regions:@kwun-tong-dc', '--report-dir', out)).code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(out, 'residency-report.json'), 'utf8')).boundary).toEqual({
      description: 'hong-kong (ap-east-1)', name: 'hong-kong', regions: ['ap-east-1'], sites: [], unrestricted: false,
      dataClasses: { 'inference-payload': { description: 'custom (site kwun-tong-dc)', name: 'custom', regions: [], sites: ['kwun-tong-dc'], unrestricted: false } },
    });
    expect(readFileSync(path.join(out, 'residency-report.md'), 'utf8')).toContain('**Boundary:** hong-kong (ap-east-1)\n- inference-payload data: custom (site kwun-tong-dc)\n');
  });

  test('--report-dir writes the JSON and Markdown reports', async () => {
    const out = at('reports', 'nested');
    const r = await run('residency', at('us.out'), '--boundary', 'hk', '--report-dir', out);
    expect(r.code).toBe(1);
    expect(JSON.parse(readFileSync(path.join(out, 'residency-report.json'), 'utf8')).summary.verdict).toBe('violations');
    const md = readFileSync(path.join(out, 'residency-report.md'), 'utf8');
    expect(md).toMatch(/^# Data-residency report\n/);
    expect(md).toContain('```mermaid\nflowchart LR\n');
  });

  test.each([
    ['malformed JSON', () => [at('broken.template.json'), '--boundary', 'hk'], () => `template ${at('broken.template.json')} is not valid JSON`],
    ['a JSON file that is not a template', () => [at('not-a-template.json'), '--boundary', 'hk'], () => `template ${at('not-a-template.json')} is not a CloudFormation template`],
    ['a resource without a Type', () => [at('untyped.json'), '--boundary', 'hk'], () => `template ${at('untyped.json')} Resources.Data must be an object with a string "Type"`],
    ['an external declared at a bad location', () => [at('bad-external.json'), '--boundary', 'hk'], () => `template ${at('bad-external.json')} Metadata.sovereign-ml:externals[0].location: location must be`],
    ['a missing file', () => [at('missing.json'), '--boundary', 'hk'], () => `cannot read ${at('missing.json')}: no such file or directory`],
    ['a directory without manifest.json', () => [at('empty-dir'), '--boundary', 'hk'], () => `directory ${at('empty-dir')} is not a cloud assembly`],
    ['a malformed manifest.json', () => [at('broken-manifest.out'), '--boundary', 'hk'], () => `manifest ${at('broken-manifest.out', 'manifest.json')} is not valid JSON`],
    ['a manifest listing a missing template', () => [at('lost-template.out'), '--boundary', 'hk'], () => `cannot read template ${at('lost-template.out', 'Lost.template.json')}: no such file or directory`],
    ['an unknown boundary', () => [at('data.template.json'), '--boundary', 'mars'], () => '--boundary must be hk, cn or regions:<r1,r2>[@site1,site2], got "mars"'],
    ['an unknown region in a custom boundary', () => [at('data.template.json'), '--boundary', 'regions:ap-east-9'], () => '--boundary "regions:ap-east-9": boundary "custom" regions[0] "ap-east-9" is not a known AWS region; did you mean ap-east-1'],
    ['a custom boundary mixing partitions', () => [at('data.template.json'), '--boundary', 'regions:ap-east-1,cn-north-1'], () => 'mixes partitions'],
    ['an empty custom boundary', () => [at('data.template.json'), '--boundary', 'regions:'], () => 'must contain at least one region or site'],
    ['a bad site name', () => [at('data.template.json'), '--boundary', 'regions:ap-east-1@Kwun Tong'], () => 'site must be 1-63 lower-case letters'],
    ['a missing --boundary', () => [at('data.template.json')], () => '--boundary is required'],
    ['--class-boundary without --boundary', () => [at('data.template.json'), '--class-boundary', 'personal=hk'], () => '--boundary is required'],
    ['an unknown data class', () => [at('data.template.json'), '--boundary', 'hk', '--class-boundary', 'payloads=hk'],
      () => '--class-boundary "payloads=hk": unknown data class "payloads"; the classes are model-artifact, inference-payload, training-data, personal, telemetry'],
    ['a data class given twice', () => [at('data.template.json'), '--boundary', 'hk', '--class-boundary', 'personal=hk', '--class-boundary', 'personal=cn'],
      () => '--class-boundary personal was given twice; give each data class one boundary'],
    ['a --class-boundary without a data class', () => [at('data.template.json'), '--boundary', 'hk', '--class-boundary=hk'], () => '--class-boundary must be <data-class>=<boundary>, got "hk"'],
    ['a --class-boundary with an empty data class', () => [at('data.template.json'), '--boundary', 'hk', '--class-boundary', '=hk'], () => '--class-boundary must be <data-class>=<boundary>, got "=hk"'],
    ['a --class-boundary without a value', () => [at('data.template.json'), '--boundary', 'hk', '--class-boundary'], () => '--class-boundary needs a value'],
    ['an unknown class boundary', () => [at('data.template.json'), '--boundary', 'hk', '--class-boundary', 'personal=mars'],
      () => '--class-boundary personal must be hk, cn or regions:<r1,r2>[@site1,site2], got "mars"'],
    ['an empty class boundary', () => [at('data.template.json'), '--boundary', 'hk', '--class-boundary', 'personal='],
      () => '--class-boundary personal must be hk, cn or regions:<r1,r2>[@site1,site2], got ""'],
    ['an unknown region in a class boundary', () => [at('data.template.json'), '--boundary', 'hk', '--class-boundary', 'personal=regions:ap-east-9'],
      () => '--class-boundary personal "regions:ap-east-9": boundary "custom" regions[0] "ap-east-9" is not a known AWS region; did you mean ap-east-1'],
    ['a class boundary mixing partitions', () => [at('data.template.json'), '--boundary', 'hk', '--class-boundary', 'personal=regions:ap-east-1,cn-north-1'],
      () => '--class-boundary personal "regions:ap-east-1,cn-north-1": boundary "custom" mixes partitions'],
    ['a class boundary with no region or site', () => [at('data.template.json'), '--boundary', 'hk', '--class-boundary', 'personal=regions:@'],
      () => '--class-boundary personal "regions:@": boundary "custom" must contain at least one region or site'],
    ['an empty site name in a class boundary', () => [at('data.template.json'), '--boundary', 'hk', '--class-boundary', 'personal=regions:@kwun-tong-dc,'],
      () => '--class-boundary personal "regions:@kwun-tong-dc," has an empty site name'],
    ['a bad site name in a class boundary', () => [at('data.template.json'), '--boundary', 'hk', '--class-boundary', 'personal=regions:@Kwun Tong'],
      () => '--class-boundary personal "regions:@Kwun Tong": site must be 1-63 lower-case letters'],
    ['a --boundary without a value', () => [at('data.template.json'), '--boundary'], () => '--boundary needs a value'],
    ['an unknown --region', () => [at('data.template.json'), '--boundary', 'hk', '--region', 'ap-east1'], () => '--region "ap-east1" is not a known AWS region; did you mean ap-east-1'],
    ['--region with only a cloud assembly', () => [at('hk.out'), '--boundary', 'hk', '--region', 'ap-east-1'], () => '--region applies to template files only'],
    ['an unknown option', () => [at('data.template.json'), '--boundary', 'hk', '--strict'], () => 'unknown option --strict'],
    ['no input', () => ['--boundary', 'hk'], () => 'no input'],
    ['two stacks of one name', () => [at('data.template.json'), at('hk.out'), at('hk.out', 'HkData.template.json'), '--boundary', 'hk', '--region', 'ap-east-1'], () => 'stack name "HkData" is used by both'],
  ])('fails with exit 2 and one line on stderr for %s', async (_, argv, message) => {
    const r = await run('residency', ...argv());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message());
    expect(r.stderr).toMatch(/^sovereign-ml residency: [^\n]*\n$/);
  });

  test('--help prints the usage and exits 0', async () => {
    const r = await run('residency', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: sovereign-ml residency <cdk\.out dir \| template files\.\.\.> --boundary <boundary>/);
    expect(r.stdout).toContain('  --class-boundary <data-class>=<b>\n');
    expect(r.stdout).toContain('Classes: model-artifact, inference-payload, training-data, personal, telemetry\n');
  });

  test('the bin launcher runs the CLI in a real node process', async () => {
    const fixture = path.join('test', 'fixtures', 'cli', 'partner-capture.template.json');
    expect(existsSync(path.join(REPO, fixture))).toBe(true);
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, ['bin/sovereign-ml.js', 'residency', fixture, '--boundary', 'hk'], { cwd: REPO, timeout: 60_000 },
        (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }));
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('error RES-UNKNOWN-LOCATION partner-capture/CaptureConfig (PartnerCapture/Endpoint/Config) Properties.DataCaptureConfig.DestinationS3Uri');
    expect(result.stdout).toMatch(/residency: 2 violations, 0 info in 1 stack \(boundary hong-kong \(ap-east-1\)\)\n$/);
  }, 60_000);
});

describe('sovereign-ml residency over Terraform JSON', () => {
  const BOUNDARY = ['--boundary', 'regions:ap-east-1@kwun-tong-dc'];
  let tf: string;
  const tfAt = (...parts: string[]) => path.join(tf, ...parts);

  /** A cdktf output in `dir` holding `stacks` (name to document or raw text), listed in a manifest unless `manifest` is false. */
  function writeCdktfOut(dir: string, stacks: Record<string, unknown>, manifest = true): void {
    for (const [name, doc] of Object.entries(stacks)) {
      mkdirSync(path.join(dir, 'stacks', name), { recursive: true });
      writeFileSync(path.join(dir, 'stacks', name, 'cdk.tf.json'), typeof doc === 'string' ? doc : JSON.stringify(doc));
    }
    if (manifest) {
      writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
        version: '0.21.0',
        stacks: Object.fromEntries(Object.keys(stacks).map((name) => [name, {
          name, constructPath: name, synthesizedStackPath: `stacks/${name}/cdk.tf.json`, workingDirectory: `stacks/${name}`,
          stackMetadataPath: `stacks/${name}/metadata.json`, annotations: [], dependencies: [],
        }])),
      }));
    }
  }

  /** The clean hybrid stack whose server also ships prediction logs (inference payloads) to ap-east-1. */
  function predictionLogDoc(): unknown {
    const doc = cleanHybridDoc() as { resource: { kubernetes_deployment_v1: { server: { '//': { 'sovereign-ml': { flows: unknown[] } } } } } };
    doc.resource.kubernetes_deployment_v1.server['//']['sovereign-ml'].flows.push(
      { kind: 'logs', direction: 'out', target: 'region:ap-east-1', dataClasses: ['inference-payload'], description: 'ships prediction logs to CloudWatch Logs' });
    return doc;
  }

  beforeAll(() => {
    tf = mkdtempSync(path.join(tmpdir(), 'sovereign-ml-cli-tf-'));
    writeCdktfOut(tfAt('clean.out'), { 'gba-hybrid': cleanHybridDoc() });
    writeCdktfOut(tfAt('violating.out'), { violating: violatingHybridDoc() });
    writeCdktfOut(tfAt('prediction-logs.out'), { 'prediction-logs': predictionLogDoc() });
    writeCdktfOut(tfAt('unlisted.out'), { b: cleanHybridDoc(), a: cleanHybridDoc() }, false);
    writeCdktfOut(tfAt('broken.out'), { broken: '{ "resource": ' });
    writeCdktfOut(tfAt('malformed.out'), { bad: { resource: [] } });
    writeCdktfOut(tfAt('not-terraform.out'), { odd: { Resources: { Data: { Type: 'AWS::S3::Bucket' } } } });
    writeCdktfOut(tfAt('lost.out'), { lost: cleanHybridDoc() });
    rmSync(tfAt('lost.out', 'stacks', 'lost', 'cdk.tf.json'));
    mkdirSync(tfAt('no-path.out'));
    writeFileSync(tfAt('no-path.out', 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks: { site: { name: 'site', constructPath: 'site' } } }));
    mkdirSync(tfAt('empty.out'));
    writeFileSync(tfAt('empty.out', 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks: {} }));
    writeCdktfOut(tfAt('half.out'), { full: cleanHybridDoc() }, false);
    mkdirSync(tfAt('half.out', 'stacks', 'empty'));
    writeFileSync(tfAt('site.tf.json'), JSON.stringify(cleanHybridDoc()));
    mkdirSync(tfAt('other', 'a'), { recursive: true });
    writeFileSync(tfAt('other', 'a', 'cdk.tf.json'), JSON.stringify(cleanHybridDoc()));
    writeFileSync(tfAt('broken.tf.json'), '{ "provider": { "aws": [ ');
    writeFileSync(tfAt('malformed.tf.json'), JSON.stringify({ resource: [] }));
    writeFileSync(tfAt('neither.json'), JSON.stringify({ variable: { region: {} } }));
    writeFileSync(tfAt('modules.tf.json'), JSON.stringify({ module: { Bucket: {
      source: 'terraform-aws-modules/s3-bucket/aws', version: '4.1.0', bucket: 'x', '//': { metadata: { path: 'modules/Bucket', uniqueId: 'Bucket' } },
    } } }));
    writeFileSync(tfAt('lookups.tf.json'), JSON.stringify({ data: { aws_region: { current: {} } } }));
    writeFileSync(tfAt('data.template.json'), JSON.stringify(bucketTemplate()));
    writeAssembly(tfAt('hk.out'), 'HkData', 'aws://111111111111/ap-east-1', bucketTemplate());
  });

  afterAll(() => {
    rmSync(tf, { recursive: true, force: true });
  });

  test('a clean cdktf.out exits 0 with a summary line', async () => {
    const r = await run('residency', tfAt('clean.out'), ...BOUNDARY);
    expect(r).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    expect(r.stdout).toBe('info RES-OPT-IN-REGION gba-hybrid/provider.aws region: provider.aws targets ap-east-1, an opt-in region: enable it in the account before applying\n'
      + '  fix: Enable the region in the account (Account settings > AWS Regions) and use regional STS endpoints (sts_region / AWS_STS_REGIONAL_ENDPOINTS=regional)\n'
      + 'residency: 0 violations, 1 info in 1 stack (boundary custom (ap-east-1, site kwun-tong-dc))\n');
  });

  test('--class-boundary inference-payload=regions:@kwun-tong-dc: prediction logs shipped to ap-east-1 pass under the boundary alone, fail with payloads kept at the site', async () => {
    const boundaryOnly = await run('residency', tfAt('prediction-logs.out'), ...BOUNDARY);
    expect(boundaryOnly).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    expect(boundaryOnly.stdout).toContain('residency: 0 violations, 1 info in 1 stack (boundary custom (ap-east-1, site kwun-tong-dc))\n');

    const r = await run('residency', tfAt('prediction-logs.out'), ...BOUNDARY, '--class-boundary', 'inference-payload=regions:@kwun-tong-dc');
    expect(r).toEqual(expect.objectContaining({ code: 1, stderr: '' }));
    expect(r.stdout).toContain('error RES-CROSS-REGION-REFERENCE prediction-logs/kubernetes_deployment_v1.server (hybrid/server) //.sovereign-ml.flows.1: '
      + 'declared logs flow to region:ap-east-1 from kubernetes_deployment_v1.server (ships prediction logs to CloudWatch Logs) moves inference-payload data to ap-east-1 '
      + '(declared region:ap-east-1), outside custom (site kwun-tong-dc)\n  fix: ');
    expect(r.stdout).toMatch(/residency: 1 violation, 1 info in 1 stack \(boundary custom \(ap-east-1, site kwun-tong-dc\); inference-payload data: custom \(site kwun-tong-dc\)\)\n$/);
  });

  test('--class-boundary inference-payload=regions:@kwun-tong-dc: the clean stack, whose payloads stay at the site, still passes', async () => {
    const r = await run('residency', tfAt('clean.out'), ...BOUNDARY, '--class-boundary', 'inference-payload=regions:@kwun-tong-dc', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).flows.map((f: { kind: string; dataClasses: string[]; verdict: string }) => [f.kind, f.dataClasses, f.verdict])).toEqual([
      ['metrics', ['telemetry'], 'allowed'],
      ['model', ['model-artifact'], 'allowed'],
    ]);
  });

  test('a cdktf.out with violations exits 1 and names the rule, the block, its construct path and the argument', async () => {
    const r = await run('residency', tfAt('violating.out'), ...BOUNDARY);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error RES-STACK-REGION violating/aws_s3_bucket.archive (hybrid/archive) provider: aws_s3_bucket.archive is placed at us-east-1 '
      + '(via provider.aws.us region us-east-1), outside custom (ap-east-1, site kwun-tong-dc) for its data (inference-payload)\n  fix: ');
    expect(r.stdout).toContain('error RES-CROSS-REGION-REFERENCE violating/kubernetes_deployment_v1.server (hybrid/server) spec.template.spec.container.0.env.0.value: ');
    expect(r.stdout).toContain('error RES-ENDPOINT-HOST violating/kubernetes_deployment_v1.server (hybrid/server) spec.template.spec.container.0.env.1.value: ');
    expect(r.stdout).toMatch(/residency: 3 violations, 1 info in 1 stack \(boundary custom \(ap-east-1, site kwun-tong-dc\)\)\n$/);
  });

  test('--json prints the Terraform audit: the manifest\'s stacks with their providers, and the flows', async () => {
    const r = await run('residency', tfAt('clean.out'), ...BOUNDARY, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.stacks).toEqual([{
      stackName: 'gba-hybrid', constructPath: 'gba-hybrid', region: 'ap-east-1', templatePath: tfAt('clean.out', 'stacks', 'gba-hybrid', 'cdk.tf.json'),
      location: 'mixed', verdict: 'clean',
      providers: [
        { key: 'aws', type: 'aws', location: 'region:ap-east-1', basis: 'provider.aws region ap-east-1' },
        { key: 'kubernetes', type: 'kubernetes', location: 'site:kwun-tong-dc', basis: 'provider.kubernetes is annotated site:kwun-tong-dc' },
      ],
    }]);
    expect(report.flows.map((f: { kind: string; from: string; to: string; verdict: string }) => [f.kind, f.from, f.to, f.verdict])).toEqual([
      ['metrics', 'site:kwun-tong-dc', 'region:ap-east-1', 'allowed'],
      ['model', 'region:ap-east-1', 'site:kwun-tong-dc', 'allowed'],
    ]);
  });

  test('without a manifest, reads every stacks/<name>/cdk.tf.json, named after its folder', async () => {
    const report = JSON.parse((await run('residency', tfAt('unlisted.out'), ...BOUNDARY, '--json')).stdout);
    expect(report.stacks.map((s: { stackName: string; templatePath: string }) => [s.stackName, s.templatePath])).toEqual([
      ['a', tfAt('unlisted.out', 'stacks', 'a', 'cdk.tf.json')],
      ['b', tfAt('unlisted.out', 'stacks', 'b', 'cdk.tf.json')],
    ]);
  });

  test('reads Terraform JSON files: cdk.tf.json named after its folder, others after the file name without .tf.json', async () => {
    const r = await run('residency', tfAt('site.tf.json'), tfAt('violating.out', 'stacks', 'violating', 'cdk.tf.json'), ...BOUNDARY, '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.stacks.map((s: { stackName: string; verdict: string }) => [s.stackName, s.verdict])).toEqual([['site', 'clean'], ['violating', 'violations']]);
  });

  test('--report-dir writes a Markdown report whose diagram has the site, the region and the flows between them', async () => {
    const out = tfAt('reports');
    expect((await run('residency', tfAt('clean.out'), ...BOUNDARY, '--report-dir', out)).code).toBe(0);
    const md = readFileSync(path.join(out, 'residency-report.md'), 'utf8');
    expect(md).toContain([
      '```mermaid',
      'flowchart LR',
      '  subgraph boundary_custom["custom (ap-east-1, site kwun-tong-dc)"]',
      '    region_ap_east_1["ap-east-1<br/>1 resource"]',
      '    site_kwun_tong_dc["site kwun-tong-dc<br/>2 resources"]',
      '  end',
      '  region_ap_east_1 -->|"model ×1"| site_kwun_tong_dc',
      '  site_kwun_tong_dc -->|"metrics ×1"| region_ap_east_1',
      '```',
    ].join('\n'));
    expect(JSON.parse(readFileSync(path.join(out, 'residency-report.json'), 'utf8')).summary.verdict).toBe('clean');
  });

  test('a .tf.json file of module calls only is Terraform JSON, and fails closed: RES-UNKNOWN-LOCATION, exit 1', async () => {
    const r = await run('residency', tfAt('modules.tf.json'), ...BOUNDARY);
    expect(r).toEqual(expect.objectContaining({ code: 1, stderr: '' }));
    expect(r.stdout).toBe('error RES-UNKNOWN-LOCATION modules/module.Bucket (modules/Bucket) source: module.Bucket (source "terraform-aws-modules/s3-bucket/aws" version 4.1.0)'
      + ' creates resources that are not in the synthesized Terraform JSON: where they are and what data they hold cannot be proven\n'
      + '  fix: Read the module: if everything it creates stays inside the boundary, acknowledge RES-UNKNOWN-LOCATION at the module\'s construct path with that reason;'
      + ' otherwise write its resources in the stack, where they are checked\n'
      + 'residency: 1 violation, 0 info in 1 stack (boundary custom (ap-east-1, site kwun-tong-dc))\n');
  });

  test('a .tf.json file of data sources only is Terraform JSON', async () => {
    const r = await run('residency', tfAt('lookups.tf.json'), ...BOUNDARY);
    expect(r).toEqual({ code: 0, stderr: '', stdout: 'residency: 0 violations, 0 info in 1 stack (boundary custom (ap-east-1, site kwun-tong-dc))\n' });
  });

  test.each([
    ['malformed JSON in a cdktf.out', () => [tfAt('broken.out')], () => `Terraform document ${tfAt('broken.out', 'stacks', 'broken', 'cdk.tf.json')} is not valid JSON`],
    ['a malformed .tf.json file', () => [tfAt('broken.tf.json')], () => `Terraform document ${tfAt('broken.tf.json')} is not valid JSON`],
    ['a .tf.json file that is not a Terraform document', () => [tfAt('malformed.tf.json')], () => `stack malformed (${tfAt('malformed.tf.json')}): the Terraform document is malformed: resource`],
    ['a cdktf.out stack that is not a Terraform document', () => [tfAt('malformed.out')], () => `stack bad (${tfAt('malformed.out', 'stacks', 'bad', 'cdk.tf.json')}): the Terraform document is malformed: resource`],
    ['a cdktf.out stack that is not Terraform JSON', () => [tfAt('not-terraform.out')], () => `Terraform document ${tfAt('not-terraform.out', 'stacks', 'odd', 'cdk.tf.json')} is not Terraform JSON: expected a JSON object with a "resource", "data", "module", "provider" or "terraform" object`],
    ['a JSON file that is neither', () => [tfAt('neither.json')], () => `template ${tfAt('neither.json')} is not a CloudFormation template or Terraform JSON`],
    ['a CloudFormation template and a cdktf.out', () => [tfAt('data.template.json'), tfAt('clean.out'), '--region', 'ap-east-1'],
      () => `cannot audit CloudFormation and Terraform in one run: ${tfAt('data.template.json')} is CloudFormation, ${tfAt('clean.out')} is Terraform JSON`],
    ['a cloud assembly and a .tf.json file', () => [tfAt('site.tf.json'), tfAt('hk.out')],
      () => `cannot audit CloudFormation and Terraform in one run: ${tfAt('hk.out')} is CloudFormation, ${tfAt('site.tf.json')} is Terraform JSON`],
    ['--region with Terraform', () => [tfAt('clean.out'), '--region', 'ap-east-1'], () => '--region applies to CloudFormation template files only; Terraform documents name their regions in their provider blocks'],
    ['a manifest stack without a path', () => [tfAt('no-path.out')], () => `manifest ${tfAt('no-path.out', 'manifest.json')} stacks.site.synthesizedStackPath must be the path of the stack's cdk.tf.json, got undefined`],
    ['a manifest listing a missing document', () => [tfAt('lost.out')], () => `cannot read Terraform document ${tfAt('lost.out', 'stacks', 'lost', 'cdk.tf.json')}: no such file or directory`],
    ['a manifest listing no stacks', () => [tfAt('empty.out')], () => `cdktf output ${tfAt('empty.out')} has no stacks`],
    ['a stack folder without cdk.tf.json', () => [tfAt('half.out')], () => `cannot read Terraform document ${tfAt('half.out', 'stacks', 'empty', 'cdk.tf.json')}: no such file or directory`],
    ['two stacks of one name', () => [tfAt('unlisted.out'), tfAt('other', 'a', 'cdk.tf.json')],
      () => `stack name "a" is used by both ${tfAt('unlisted.out', 'stacks', 'a', 'cdk.tf.json')} and ${tfAt('other', 'a', 'cdk.tf.json')}`],
  ])('fails with exit 2 and one line on stderr for %s', async (_, argv, message) => {
    const r = await run('residency', ...argv(), ...BOUNDARY);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message());
    expect(r.stderr).toMatch(/^sovereign-ml residency: [^\n]*\n$/);
  });
});
