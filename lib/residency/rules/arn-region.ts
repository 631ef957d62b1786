import { parseArns } from '../app-model';
import { render } from '../expr';
import { flowObservation, RuleId, type Observation, type ResidencyRule } from '../rule';

/**
 * RES-ARN-REGION: any ARN with a region, anywhere in properties (environment variables,
 * policies and JSON strings included), whose region is outside the boundary. Paths a
 * specific rule already checked are skipped.
 */
export const arnRegionRule: ResidencyRule = {
  id: RuleId.ARN_REGION,
  severity: 'error',
  description: 'An ARN names a resource in a region outside the boundary',
  fix: 'Reference a resource in a region inside the boundary; build ARNs from the stack region (Stack.of(this).formatArn)',
  checkResource(resource, ctx) {
    const out: Observation[] = [];
    for (const leaf of ctx.model.leaves(resource)) {
      if (ctx.isClaimed(resource, leaf.path)) continue;
      for (const expr of leaf.alternatives) {
        for (const arn of parseArns(render(expr))) {
          if (!arn.region) continue;
          const located = ctx.model.declaredArn(arn.text) ?? ctx.model.locateArn(arn, expr);
          if (located) {
            out.push(flowObservation(ctx, resource, leaf.path, 'arn', located, `${arn.service} ARN in ${leaf.path.replace(/^Properties\./, '')} of ${resource.logicalId}`));
          }
        }
      }
    }
    return out;
  },
};
