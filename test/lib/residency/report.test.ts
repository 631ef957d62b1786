import { auditCloudFormation, type ResidencyAudit } from '../../../lib/residency/audit';
import { Boundary, type ResidencyPolicy } from '../../../lib/residency/boundary';
import { DataClass, EXTERNALS_METADATA_KEY } from '../../../lib/residency/data-class';
import { auditVerdict, renderJsonReport, renderMarkdownReport } from '../../../lib/residency/report';
import { optInRegionRule } from '../../../lib/residency/rules/opt-in-region';
import { s3LocationRule } from '../../../lib/residency/rules/s3-location';
import { stackRegionRule } from '../../../lib/residency/rules/stack-region';
import type { CfnResourceJson, StackDocument } from '../../../lib/residency/template';
import { auditTerraform } from '../../../lib/residency/terraform/audit-terraform';
import { stackDoc } from '../../support/residency';
import { cleanHybridDoc, violatingHybridDoc } from './terraform/hybrid-docs';
import { HYBRID_POLICY } from './terraform/tf-docs';

/**
 * Audits with a fixed set of rules, so that these tests pin the rendering and not the
 * rule set (which grows: a global-service rule will flag the CloudFront stack below).
 */
function audit(stacks: StackDocument | StackDocument[], policy: ResidencyPolicy = { boundary: Boundary.HONG_KONG }): ResidencyAudit {
  return auditCloudFormation(Array.isArray(stacks) ? stacks : [stacks], policy, { rules: [stackRegionRule, optInRegionRule, s3LocationRule] });
}

/** An endpoint config whose data capture goes to `uri`. */
const capture = (uri: unknown, id = 'Config'): Record<string, CfnResourceJson> => ({
  [id]: {
    Type: 'AWS::SageMaker::EndpointConfig',
    Metadata: { 'aws:cdk:path': `Hk/Endpoint/${id}` },
    Properties: { ProductionVariants: [], DataCaptureConfig: { DestinationS3Uri: uri, InitialSamplingPercentage: 20, CaptureOptions: [{ CaptureMode: 'Input' }] } },
  },
});

/** One stack, capture into a bucket of the same stack. */
const cleanApp = () => [stackDoc({
  ...capture({ 'Fn::Join': ['', ['s3://', { Ref: 'Capture' }, '/capture']] }),
  Capture: { Type: 'AWS::S3::Bucket', Metadata: { 'aws:cdk:path': 'Hk/Capture/Resource', 'sovereign-ml:dataClasses': [DataClass.INFERENCE_PAYLOAD] } },
}, { name: 'Hk' })];

/**
 * Three stacks: Hk captures into a bucket of Us (us-east-1) and into a bucket outside the
 * app, and also into its own bucket; Edge holds a CloudFront distribution.
 */
const violatingApp = () => [
  stackDoc({
    ...capture('s3://us-lake/capture', 'ToUs'),
    ...capture('s3://partner-drop/capture', 'ToPartner'),
    ...capture({ 'Fn::Join': ['', ['s3://', { Ref: 'Local' }, '/capture']] }, 'ToLocal'),
    Local: { Type: 'AWS::S3::Bucket' },
  }, { name: 'Hk' }),
  stackDoc({ Lake: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'us-lake' } } }, { name: 'Us', region: 'us-east-1' }),
  stackDoc({ Cdn: { Type: 'AWS::CloudFront::Distribution', Properties: {} } }, { name: 'Edge' }),
];

/** The body of the report's Mermaid block, split into lines. */
function mermaidLines(md: string): string[] {
  const m = /```mermaid\n([\s\S]*?)\n```/.exec(md);
  expect(m).not.toBeNull();
  return m![1]!.split('\n');
}

/** Node ids declared in a Mermaid block (`id["label"]`), edges (`a -->|"l"| b`), and linkStyle indices. */
function parseMermaid(lines: readonly string[]) {
  const nodes = new Map<string, string>();
  const edges: Array<{ from: string; to: string; label: string }> = [];
  const red: number[] = [];
  let depth = 0;
  for (const line of lines.slice(1)) {
    let m: RegExpExecArray | null;
    if ((m = /^\s*subgraph ([A-Za-z0-9_]+)\["[^"]*"\]$/.exec(line))) depth++;
    else if (/^\s*end$/.test(line)) depth--;
    else if ((m = /^\s*([A-Za-z0-9_]+)\["([^"]*)"\]$/.exec(line))) nodes.set(m[1]!, m[2]!);
    else if ((m = /^\s*([A-Za-z0-9_]+) -->\|"([^"]*)"\| ([A-Za-z0-9_]+)$/.exec(line))) edges.push({ from: m[1]!, label: m[2]!, to: m[3]! });
    else if ((m = /^\s*linkStyle (\d+) stroke:#d00$/.exec(line))) red.push(Number(m[1]));
    else throw new Error(`unexpected Mermaid line: ${line}`);
    expect(depth).toBeGreaterThanOrEqual(0);
  }
  expect(depth).toBe(0);
  return { nodes, edges, red };
}

/** Rows of the Markdown table under `heading`, split on unescaped pipes. */
function tableRows(md: string, heading: string): string[][] {
  const section = md.split(`## ${heading}\n\n`)[1]!.split('\n\n')[0]!;
  return section.split('\n').slice(2).map((row) => row.slice(2, -2).split(/ (?<!\\)\| /));
}

describe('renderMarkdownReport', () => {
  test('lists every resource in the resources table, with location and data classes', () => {
    const result = audit(violatingApp());
    const rows = tableRows(renderMarkdownReport(result), 'Resources');
    expect(rows).toHaveLength(result.resources.length);
    expect(rows).toEqual(expect.arrayContaining([
      ['Hk', '`ToUs`', 'AWS::SageMaker::EndpointConfig', '`Hk/Endpoint/ToUs`', 'region:ap-east-1', '—'],
      ['Us', '`Lake`', 'AWS::S3::Bucket', '', 'region:us-east-1', '—'],
      ['Edge', '`Cdn`', 'AWS::CloudFront::Distribution', '', 'global', '—'],
    ]));
    expect(tableRows(renderMarkdownReport(audit(cleanApp())), 'Resources')).toContainEqual(
      ['Hk', '`Capture`', 'AWS::S3::Bucket', '`Hk/Capture/Resource`', 'region:ap-east-1', 'inference-payload']);
  });

  test.each([
    ['a clean app', cleanApp, '**Verdict:** ✅ clean: 1 info in 1 stack'],
    ['an app with violations', violatingApp, '**Verdict:** ❌ violations: 3 error, 2 info in 3 stacks'],
  ])('states the verdict for %s', (_, app, line) => {
    expect(renderMarkdownReport(audit(app()))).toContain(line);
  });

  test('gives each stack its verdict and each flow ✅ or ❌', () => {
    const md = renderMarkdownReport(audit(violatingApp()));
    expect(tableRows(md, 'Stacks')).toEqual([
      ['Edge', '`Edge`', 'ap-east-1', '111111111111', '✅ clean'],
      ['Hk', '`Hk`', 'ap-east-1', '111111111111', '❌ 2 violations'],
      ['Us', '`Us`', 'us-east-1', '111111111111', '❌ 1 violation'],
    ]);
    const flows = tableRows(md, 'Data flows');
    expect(flows.map((r) => [r[0], r[3], r[6]])).toEqual([
      ['Hk/ToLocal', 'region:ap-east-1', '✅'],
      ['Hk/ToPartner', 'unknown', '❌'],
      ['Hk/ToUs', 'region:us-east-1', '❌'],
    ]);
  });

  test('groups findings by rule id with message, construct path, property path and fix', () => {
    const md = renderMarkdownReport(audit(violatingApp()));
    expect(md).toContain('### RES-S3-LOCATION (1 error)\n\n- **Hk/ToUs** (`Hk/Endpoint/ToUs`) at `Properties.DataCaptureConfig.DestinationS3Uri`: ');
    expect(md).toMatch(/### RES-STACK-REGION \(1 error\)\n\n- \*\*stack Us\*\* \(`Us`\): stack Us deploys to us-east-1.*\n {2}- Fix: Give the stack an env/);
    expect(md).toContain('### RES-UNKNOWN-LOCATION (1 error)');
    expect(md).toContain('### RES-OPT-IN-REGION (2 info)');
  });

  test('draws a well-formed Mermaid flowchart whose edges reference declared nodes', () => {
    const md = renderMarkdownReport(audit(violatingApp()));
    expect(md).toContain('```mermaid\nflowchart LR\n');
    const lines = mermaidLines(md);
    expect(lines[0]).toBe('flowchart LR');
    const { nodes, edges } = parseMermaid(lines);
    expect([...nodes.keys()].sort()).toEqual(['global', 'region_ap_east_1', 'region_us_east_1', 'unknown']);
    for (const e of edges) {
      expect(nodes.has(e.from)).toBe(true);
      expect(nodes.has(e.to)).toBe(true);
    }
    expect(edges).toHaveLength(3);
  });

  test('puts the boundary locations in a subgraph named after the boundary', () => {
    const lines = mermaidLines(renderMarkdownReport(audit(violatingApp())));
    const start = lines.indexOf('  subgraph boundary_hong_kong["hong-kong (ap-east-1)"]');
    expect(start).toBeGreaterThan(0);
    expect(lines.slice(start + 1, lines.indexOf('  end'))).toEqual(['    region_ap_east_1["ap-east-1<br/>4 resources"]']);
  });

  test('styles violating edges red and leaves allowed ones alone', () => {
    const { edges, red } = parseMermaid(mermaidLines(renderMarkdownReport(audit(violatingApp()))));
    const redEdges = red.map((i) => edges[i]);
    expect(redEdges).toEqual(expect.arrayContaining([
      { from: 'region_ap_east_1', to: 'region_us_east_1', label: 's3 ×1' },
      { from: 'region_ap_east_1', to: 'unknown', label: 's3 ×1' },
    ]));
    expect(red).toHaveLength(2);
    expect(edges).toContainEqual({ from: 'region_ap_east_1', to: 'region_ap_east_1', label: 's3 ×1' });
    expect(renderMarkdownReport(audit(cleanApp()))).not.toContain('stroke:#d00');
  });

  test('aggregates flows per (from, to, kind) with a count', () => {
    const stacks = [stackDoc({
      ...capture('s3://us-lake/a', 'A'),
      ...capture('s3://us-lake/b', 'B'),
    }, { name: 'Hk' }), stackDoc({ Lake: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'us-lake' } } }, { name: 'Us', region: 'us-east-1' })];
    const { edges, red } = parseMermaid(mermaidLines(renderMarkdownReport(audit(stacks))));
    expect(edges).toEqual([{ from: 'region_ap_east_1', to: 'region_us_east_1', label: 's3 ×2' }]);
    expect(red).toEqual([0]);
  });

  test('sanitizes Mermaid ids of sites and puts boundary sites in the subgraph', () => {
    const gba = Boundary.regions('gba-pilot', ['ap-east-1'], { sites: ['kwun-tong-dc'] });
    const result = audit(stackDoc(capture('s3://onprem-drop/capture'), {
      name: 'Hk', template: { Metadata: { [EXTERNALS_METADATA_KEY]: [{ bucketName: 'onprem-drop', location: 'site:kwun-tong-dc' }] } },
    }), { boundary: gba });
    const lines = mermaidLines(renderMarkdownReport(result));
    expect(lines).toContain('  subgraph boundary_gba_pilot["gba-pilot (ap-east-1, site kwun-tong-dc)"]');
    expect(lines).toContain('    site_kwun_tong_dc["site kwun-tong-dc"]');
    const { edges, red } = parseMermaid(lines);
    expect(edges).toEqual([{ from: 'region_ap_east_1', to: 'site_kwun_tong_dc', label: 's3 ×1' }]);
    expect(red).toEqual([]);
  });

  test('escapes | in table cells', () => {
    const result = audit(stackDoc({ Weird: { Type: 'Custom::A|B', Metadata: { 'aws:cdk:path': 'Hk/a|b/Resource' } } }, { name: 'Hk' }));
    const md = renderMarkdownReport(result);
    expect(md).toContain('| Hk | `Weird` | Custom::A\\|B | `Hk/a\\|b/Resource` | region:ap-east-1 | — |');
    expect(tableRows(md, 'Resources')[0]).toHaveLength(6);
  });

  test('lists per-class boundaries under the policy boundary', () => {
    const md = renderMarkdownReport(audit(cleanApp(), { boundary: Boundary.HONG_KONG, dataClasses: { [DataClass.TELEMETRY]: Boundary.ANYWHERE } }));
    expect(md).toContain('**Boundary:** hong-kong (ap-east-1)\n- telemetry data: anywhere\n');
  });

  test('is deterministic: the same twice, and independent of the order of the stacks', () => {
    const app = violatingApp();
    const md = renderMarkdownReport(audit(app));
    expect(renderMarkdownReport(audit(app))).toBe(md);
    expect(renderMarkdownReport(audit([...app].reverse()))).toBe(md);
    expect(renderMarkdownReport(audit([app[1]!, app[2]!, app[0]!]))).toBe(md);
  });
});

describe('renderJsonReport', () => {
  test('holds the boundary, a summary, and every stack, resource, flow and finding', () => {
    const result = audit(violatingApp(), { boundary: Boundary.HONG_KONG, dataClasses: { [DataClass.PERSONAL]: Boundary.HONG_KONG } });
    const report = JSON.parse(renderJsonReport(result));
    expect(report.boundary).toEqual({
      description: 'hong-kong (ap-east-1)', name: 'hong-kong', regions: ['ap-east-1'], sites: [], unrestricted: false,
      dataClasses: { personal: expect.objectContaining({ description: 'hong-kong (ap-east-1)' }) },
    });
    expect(report.summary).toEqual({
      verdict: 'violations', stacks: 3, resources: 6, flows: 3, violatingFlows: 2,
      findings: { total: 5, fatal: 0, error: 3, warning: 0, info: 2 },
    });
    expect(report.stacks.map((s: { stackName: string; verdict: string }) => [s.stackName, s.verdict])).toEqual([['Edge', 'clean'], ['Hk', 'violations'], ['Us', 'violations']]);
    expect(report.resources).toHaveLength(result.resources.length);
    expect(report.resources).toContainEqual({ stackName: 'Edge', logicalId: 'Cdn', type: 'AWS::CloudFront::Distribution', location: 'global', dataClasses: [] });
    expect(report.flows).toContainEqual(expect.objectContaining({ logicalId: 'ToUs', to: 'region:us-east-1', allowed: false, verdict: 'violation' }));
    expect(report.flows).toContainEqual(expect.objectContaining({ logicalId: 'ToLocal', allowed: true, verdict: 'allowed' }));
    expect(report.findings).toHaveLength(result.findings.length);
    expect(report.findings[0].severity).toBe('error');
  });

  test('a clean app has the clean verdict', () => {
    const result = audit(cleanApp());
    expect(auditVerdict(result)).toBe('clean');
    expect(JSON.parse(renderJsonReport(result)).summary.verdict).toBe('clean');
  });

  test('is deterministic: the same twice, and independent of the order of the stacks', () => {
    const app = violatingApp();
    const json = renderJsonReport(audit(app));
    expect(renderJsonReport(audit(app))).toBe(json);
    expect(renderJsonReport(audit([...app].reverse()))).toBe(json);
  });
});

describe('reports of Terraform audits', () => {
  const clean = () => auditTerraform([{ name: 'gba-hybrid', document: cleanHybridDoc() }], HYBRID_POLICY);
  const violating = () => auditTerraform([{ name: 'gba-hybrid', document: violatingHybridDoc() }], HYBRID_POLICY);

  test('the Mermaid diagram shows the site and the cloud region inside the boundary, with the flows between them', () => {
    expect(mermaidLines(renderMarkdownReport(clean()))).toEqual([
      'flowchart LR',
      '  subgraph boundary_gba_hybrid["gba-hybrid (ap-east-1, site kwun-tong-dc)"]',
      '    region_ap_east_1["ap-east-1<br/>1 resource"]',
      '    site_kwun_tong_dc["site kwun-tong-dc<br/>2 resources"]',
      '  end',
      '  region_ap_east_1 -->|"model ×1"| site_kwun_tong_dc',
      '  site_kwun_tong_dc -->|"metrics ×1"| region_ap_east_1',
    ]);
  });

  test('the Mermaid diagram puts regions outside the boundary outside the subgraph and colours violating flows red', () => {
    const lines = mermaidLines(renderMarkdownReport(violating()));
    expect(lines).toEqual([
      'flowchart LR',
      '  subgraph boundary_gba_hybrid["gba-hybrid (ap-east-1, site kwun-tong-dc)"]',
      '    region_ap_east_1["ap-east-1<br/>1 resource"]',
      '    site_kwun_tong_dc["site kwun-tong-dc<br/>1 resource"]',
      '  end',
      '  region_us_east_1["us-east-1<br/>1 resource"]',
      '  region_us_west_2["us-west-2"]',
      '  region_ap_east_1 -->|"model ×1"| site_kwun_tong_dc',
      '  site_kwun_tong_dc -->|"logs ×1"| region_ap_east_1',
      '  site_kwun_tong_dc -->|"reference ×1"| region_us_east_1',
      '  site_kwun_tong_dc -->|"endpoint ×1"| region_us_west_2',
      '  linkStyle 1 stroke:#d00',
      '  linkStyle 2 stroke:#d00',
      '  linkStyle 3 stroke:#d00',
    ]);
    expect(parseMermaid(lines).edges).toHaveLength(4);
  });

  test('the stacks table gives each provider block and its location; the flows table the declared descriptions', () => {
    const md = renderMarkdownReport(clean());
    expect(md).toContain('**Verdict:** ✅ clean: 1 info in 1 stack, 3 resources, 2 flows');
    expect(md).toContain('| Stack | Construct path | Providers | Account | Verdict |');
    expect(tableRows(md, 'Stacks')).toEqual([['gba-hybrid', '`gba-hybrid`', 'aws: ap-east-1, kubernetes: site kwun-tong-dc', 'unknown', '✅ clean']]);
    expect(tableRows(md, 'Data flows')).toEqual([
      ['gba-hybrid/kubernetes_cron_job_v1.drift', '`//.sovereign-ml.flows.0`', 'metrics', 'region:ap-east-1',
        'sends aggregate drift metrics to CloudWatch (declared region:ap-east-1)', 'telemetry', '✅'],
      ['gba-hybrid/kubernetes_deployment_v1.server', '`//.sovereign-ml.flows.0`', 'model', 'site:kwun-tong-dc',
        'pulls model risk version 3 from the registry (via provider.kubernetes is annotated site:kwun-tong-dc)', 'model-artifact', '✅'],
    ]);
    expect(tableRows(md, 'Resources')).toContainEqual(
      ['gba-hybrid', '`kubernetes_deployment_v1.server`', 'kubernetes_deployment_v1', '`hybrid/server`', 'site:kwun-tong-dc', 'inference-payload']);
  });

  test('the Markdown report of violations names the rules, the blocks and the fixes', () => {
    const md = renderMarkdownReport(violating());
    expect(md).toContain('**Verdict:** ❌ violations: 4 error, 1 info in 1 stack, 3 resources, 4 flows');
    expect(md).toContain('### RES-STACK-REGION (1 error)\n\n- **gba-hybrid/aws_s3_bucket.archive** (`hybrid/archive`) at `provider`: aws_s3_bucket.archive is placed at us-east-1');
    expect(md).toContain('### RES-ENDPOINT-HOST (1 error)');
    expect(tableRows(md, 'Stacks')).toEqual([['gba-hybrid', '`gba-hybrid`', 'aws: ap-east-1, aws.us: us-east-1, kubernetes: site kwun-tong-dc', 'unknown', '❌ 4 violations']]);
  });

  test('the JSON report holds the provider placements and the flows with their descriptions', () => {
    const report = JSON.parse(renderJsonReport(clean()));
    expect(report.summary).toEqual({ verdict: 'clean', stacks: 1, resources: 3, flows: 2, violatingFlows: 0, findings: { total: 1, fatal: 0, error: 0, warning: 0, info: 1 } });
    expect(report.stacks).toEqual([{
      stackName: 'gba-hybrid', constructPath: 'gba-hybrid', region: 'ap-east-1', location: 'mixed', verdict: 'clean',
      providers: [
        { key: 'aws', type: 'aws', location: 'region:ap-east-1', basis: 'provider.aws region ap-east-1' },
        { key: 'kubernetes', type: 'kubernetes', location: 'site:kwun-tong-dc', basis: 'provider.kubernetes is annotated site:kwun-tong-dc' },
      ],
    }]);
    expect(report.flows).toContainEqual(expect.objectContaining({
      logicalId: 'kubernetes_deployment_v1.server', kind: 'model', from: 'region:ap-east-1', to: 'site:kwun-tong-dc',
      description: 'pulls model risk version 3 from the registry', verdict: 'allowed',
    }));
  });
});
