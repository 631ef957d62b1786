import type { Located, ResourceView } from '../app-model';
import { asText, type Expr } from '../expr';
import { Location } from '../location';
import { flowObservation, RuleId, type Observation, type ResidencyRule, type RuleContext } from '../rule';

/**
 * The region property of each CDK cross-region reference custom resource, as aws-cdk-lib
 * renders it (checked against aws-cdk-lib 2.x):
 *
 * - `core/lib/custom-resource-provider/cross-region-export-providers/export-writer-provider.js`:
 *   `new CustomResource(this, 'Resource', { resourceType: 'Custom::CrossRegionExportWriter',
 *   properties: { WriterProps: { region, exports } } })`, where `region` is the consuming
 *   stack's region the values are written to (as SSM parameters under `/cdk/exports/`).
 * - `export-reader-provider.js`: `Custom::CrossRegionExportReader` with
 *   `properties: { ReaderProps: { region: stack.region, prefix, imports } }`, `region` being
 *   the region the reader (and the parameters it reads) is in.
 * - `aws-cloudfront/lib/experimental/edge-function.js`: `Custom::CrossRegionStringParameterReader`
 *   with top-level `properties: { Region: 'us-east-1', ParameterName, RefreshToken }`
 *   (not `ReaderProps`; `ReaderProps.region` is accepted as well in case that changes).
 */
const REGION_PATHS: Record<string, RegExp> = {
  'Custom::CrossRegionExportWriter': /^Properties\.WriterProps\.region$/,
  'Custom::CrossRegionExportReader': /^Properties\.ReaderProps\.region$/,
  'Custom::CrossRegionStringParameterReader': /^Properties\.(Region|ReaderProps\.region)$/,
};

const WHAT: Record<string, string> = {
  'Custom::CrossRegionExportWriter': 'cross-region export writer',
  'Custom::CrossRegionExportReader': 'cross-region export reader',
  'Custom::CrossRegionStringParameterReader': 'cross-region SSM parameter reader',
};

/**
 * RES-CROSS-REGION-REFERENCE: CDK `crossRegionReferences` (and `EdgeFunction`) pass values
 * between stacks of different regions through SSM parameters written and read by custom
 * resources. The region each of them writes to or reads from must be inside the
 * boundary; a computed or missing region fails closed.
 *
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.StackProps.html#crossregionreferences
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_cloudfront.experimental.EdgeFunction.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html
 */
export const crossRegionReferenceRule: ResidencyRule = {
  id: RuleId.CROSS_REGION_REFERENCE,
  severity: 'error',
  description: 'A CDK cross-region reference writes or reads values in a region outside the boundary',
  fix: 'Keep producing and consuming stacks in regions inside the boundary (drop crossRegionReferences), or pass the value some other way that stays inside it',
  checkResource(resource, ctx) {
    const pattern = REGION_PATHS[resource.type];
    if (!pattern) return [];
    const what = WHAT[resource.type]!;
    const leaves = ctx.model.leaves(resource).filter((leaf) => pattern.test(leaf.path));
    if (leaves.length === 0) {
      return [flowObservation(ctx, resource, 'Properties', 'reference', { location: Location.UNKNOWN, basis: `${resource.type} names no region` }, `${what} ${resource.logicalId}`)];
    }
    const out: Observation[] = [];
    for (const leaf of leaves) {
      ctx.claim(resource, leaf.path);
      for (const expr of leaf.alternatives) {
        out.push(flowObservation(ctx, resource, leaf.path, 'reference', locateRegion(expr, resource),
          `${what} ${resource.logicalId} (${leaf.path.replace(/^Properties\./, '')}${exportCount(resource, ctx)})`));
      }
    }
    return out;
  },
};

/** The SSM parameters of a region; a computed region is unknown. */
function locateRegion(expr: Expr, resource: ResourceView): Located {
  const name = asText(expr);
  if (name === undefined) {
    const why = expr.map((p) => (p.kind === 'unknown' ? p.reason : p.kind === 'resource' ? `resource ${p.logicalId}` : undefined)).filter((x) => x !== undefined);
    return { location: Location.UNKNOWN, basis: `the region of ${resource.logicalId} depends on ${why.join(', ')}` };
  }
  return { location: Location.ofRegionName(name), basis: `SSM parameters in ${name}` };
}

/** `, N exports` for a writer whose exports are a literal map. */
function exportCount(resource: ResourceView, ctx: RuleContext): string {
  if (resource.type !== 'Custom::CrossRegionExportWriter') return '';
  const names = new Set(ctx.model.leaves(resource)
    .filter((leaf) => leaf.path.startsWith('Properties.WriterProps.exports.'))
    .map((leaf) => leaf.path.slice('Properties.WriterProps.exports.'.length)));
  return names.size ? `, ${names.size} export${names.size === 1 ? '' : 's'}` : '';
}
