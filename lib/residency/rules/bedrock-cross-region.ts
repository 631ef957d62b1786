import { parseArns, parseRegionalHosts } from '../app-model';
import { governingBoundaries, isAllowed } from '../boundary';
import { render } from '../expr';
import { Location } from '../location';
import { RuleId, type Observation, type ResidencyRule } from '../rule';

/** Geography prefixes of system-defined cross-Region inference profiles. */
const GEOGRAPHIES = ['us-gov', 'us', 'eu', 'apac', 'global', 'jp', 'au', 'ca'];
/** Model providers on Bedrock whose models have cross-Region inference profiles. */
const PROVIDERS = ['anthropic', 'amazon', 'meta', 'mistral', 'cohere', 'deepseek', 'writer', 'ai21', 'twelvelabs', 'stability'];

/**
 * `<geography>.<provider>.<model>`, e.g. `apac.anthropic.claude-3-5-sonnet-20240620-v1:0`,
 * alone or at the end of an `inference-profile/` ARN. A model name has a hyphen (`-v1:0`),
 * which keeps host names such as `eu.amazon.com` out.
 */
const PROFILE_SOURCE = `(?<![A-Za-z0-9.-])(${GEOGRAPHIES.join('|')})\\.(${PROVIDERS.join('|')})\\.[a-z0-9][a-z0-9._]*-[a-z0-9._:-]*`;
const PROFILE_ID = new RegExp(PROFILE_SOURCE, 'g');
const HAS_PROFILE_ID = new RegExp(PROFILE_SOURCE);

/**
 * RES-BEDROCK-CROSS-REGION: a Bedrock cross-Region (system-defined) inference profile
 * (model id with a geography prefix such as `us.`, `eu.`, `apac.` or `global.`) routes each
 * request, prompt and completion included, to any of several destination regions of its
 * geography (any commercial region for `global.`), whatever the region it is called from.
 * Any string naming one, in any property (environment variables, IAM policies, JSON
 * strings such as agent or Step Functions definitions), is a violation wherever the
 * boundary governing the resource's data is restricted. A path whose only ARNs are
 * inference-profile ARNs (and which names no S3 URI or regional host) is claimed, so the
 * profile ARN is not reported again by RES-ARN-REGION; a path with other references too
 * (a JSON definition, say) is left to the generic scans as well, so that nothing else in
 * it goes unchecked.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/cross-region-inference.html
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html
 */
export const bedrockCrossRegionRule: ResidencyRule = {
  id: RuleId.BEDROCK_CROSS_REGION,
  severity: 'error',
  description: 'A Bedrock cross-Region inference profile routes requests to regions outside the boundary',
  fix: 'Invoke the model in a region inside the boundary by its in-Region model id (without the geography prefix), or through an application inference profile made from that in-Region model',
  checkResource(resource, ctx) {
    const out: Observation[] = [];
    for (const leaf of ctx.model.leaves(resource)) {
      const profiles = new Set(leaf.alternatives.flatMap((expr) => [...render(expr).matchAll(PROFILE_ID)].map((m) => m[0])));
      if (profiles.size === 0) continue;
      if (leaf.alternatives.every((expr) => onlyProfileReferences(render(expr)))) ctx.claim(resource, leaf.path);
      const restricted = governingBoundaries(ctx.policy, resource.dataClasses).filter((b) => !b.unrestricted);
      for (const profile of profiles) {
        const geography = profile.split('.')[0]!;
        const location = geography === 'global' ? Location.GLOBAL : Location.UNKNOWN;
        const destinations = geography === 'global' ? 'any commercial region' : `any destination region of the ${geography} geography`;
        out.push({
          resource,
          propertyPath: leaf.path,
          compliant: isAllowed(ctx.policy, resource.dataClasses, location),
          message: `property ${leaf.path.replace(/^Properties\./, '')} of ${resource.logicalId} names cross-Region inference profile ${profile}, which routes requests to ${destinations}, outside ${restricted.map((b) => b.describe()).join(' and ')}`,
          flow: { kind: 'model', target: { location, basis: `Bedrock cross-Region inference profile ${profile} routes to ${destinations}` }, dataClasses: resource.dataClasses },
        });
      }
    }
    return out;
  },
};

/** Whether the generic scans would find nothing in a value but inference-profile ARNs. */
function onlyProfileReferences(rendered: string): boolean {
  return parseArns(rendered).every((arn) => arn.service === 'bedrock' && HAS_PROFILE_ID.test(arn.resource))
    && !rendered.includes('s3://') && parseRegionalHosts(rendered).length === 0;
}
