/**
 * Hand-written Terraform JSON documents in the shape cdktf synthesizes (`cdk.tf.json`),
 * with the sovereign-ml annotations of the Terraform conventions.
 */
import { Boundary } from '../../../../lib/residency/boundary';
import type { ResidencyPolicy } from '../../../../lib/residency/boundary';
import type { Finding } from '../../../../lib/residency/audit';

/** The example hybrid policy: ap-east-1 and the Kwun Tong site; inference payloads stay on the site. */
export const GBA_HYBRID = Boundary.regions('gba-hybrid', ['ap-east-1'], { sites: ['kwun-tong-dc'] });
export const HYBRID_POLICY: ResidencyPolicy = {
  boundary: GBA_HYBRID,
  dataClasses: {
    'inference-payload': Boundary.regions('kwun-tong-dc-only', [], { sites: ['kwun-tong-dc'] }),
    'model-artifact': GBA_HYBRID,
    telemetry: GBA_HYBRID,
  },
};

type Block = Record<string, unknown>;

/** A resource block with cdktf's metadata comment and, optionally, a sovereign-ml annotation. */
export function res(name: string, args: Block = {}, annotation?: unknown): Block {
  return { ...args, '//': { metadata: { path: `hybrid/${name}`, uniqueId: name }, ...(annotation === undefined ? {} : { 'sovereign-ml': annotation }) } };
}

/** A provider block placed at a location by annotation. */
export function placed(location: unknown, args: Block = {}): Block {
  return { ...args, '//': { 'sovereign-ml': { location } } };
}

/** A document with the given provider and resource sections. */
export function tfDoc(provider: Record<string, Block[]>, resource: Record<string, Record<string, Block>>, data?: Record<string, Record<string, Block>>): unknown {
  return {
    '//': { metadata: { version: '0.21.0', stackName: 'hybrid', backend: 'local' }, outputs: {} },
    terraform: { required_providers: { aws: { source: 'aws', version: '6.25.0' } } },
    provider,
    resource,
    ...(data ? { data } : {}),
  };
}

/** The usual providers: AWS in ap-east-1 and a Kubernetes cluster at the Kwun Tong site. */
export const HYBRID_PROVIDERS = { aws: [{ region: 'ap-east-1' }], kubernetes: [placed('site:kwun-tong-dc')] };

/** Findings other than informational ones, as `ruleId logicalId propertyPath`. */
export function problems(findings: readonly Finding[]): string[] {
  return findings.filter((f) => f.severity !== 'info').map((f) => `${f.ruleId} ${f.logicalId} ${f.propertyPath ?? ''}`.trim());
}
