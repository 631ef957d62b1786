import { parseRegionalHosts } from '../app-model';
import { partsIn, render } from '../expr';
import { Location } from '../location';
import { flowObservation, RuleId, type Observation, type ResidencyRule } from '../rule';

/**
 * RES-ENDPOINT-HOST: any `*.<region>.amazonaws.com[.cn]` host, anywhere in properties
 * (environment variables, URLs, policy conditions), whose region is outside the boundary.
 */
export const endpointHostRule: ResidencyRule = {
  id: RuleId.ENDPOINT_HOST,
  severity: 'error',
  description: 'An AWS endpoint host is in a region outside the boundary',
  fix: 'Use the endpoint of a region inside the boundary, built from ${AWS::Region} and ${AWS::URLSuffix}',
  checkResource(resource, ctx) {
    const out: Observation[] = [];
    for (const leaf of ctx.model.leaves(resource)) {
      if (ctx.isClaimed(resource, leaf.path)) continue;
      for (const expr of leaf.alternatives) {
        for (const host of parseRegionalHosts(render(expr))) {
          const computed = partsIn(expr, host.region).length > 0;
          if (computed) continue; // a computed region is a resource attribute or ${AWS::Region}: placed by its own rules
          const location = Location.ofRegionName(host.region);
          out.push(flowObservation(ctx, resource, leaf.path, 'endpoint', { location, basis: `host ${host.host}` }, `endpoint in ${leaf.path.replace(/^Properties\./, '')} of ${resource.logicalId}`));
        }
      }
    }
    return out;
  },
};
