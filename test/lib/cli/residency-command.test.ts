import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../../lib/cli/main';

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
