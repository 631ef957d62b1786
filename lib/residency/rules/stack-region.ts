import { allowedRegions, isAllowed } from '../boundary';
import { classesOf, RuleId, type ResidencyRule } from '../rule';

/**
 * RES-STACK-REGION: every stack must deploy to a concrete region inside the boundaries
 * that govern the data its resources hold (the policy boundary for unclassified ones).
 */
export const stackRegionRule: ResidencyRule = {
  id: RuleId.STACK_REGION,
  severity: 'error',
  description: 'A stack is environment-agnostic or deploys to a region outside the boundary',
  fix: 'Give the stack an env with a region inside the boundary, e.g. new Stack(app, id, { env: { region: \'ap-east-1\' } })',
  checkStack(stack, ctx) {
    if (stack.region === undefined) {
      return [{ compliant: false, message: `stack ${stack.name} has no concrete region (environment-agnostic), so where its data lives cannot be proven` }];
    }
    // Each resource's classes; an unclassified resource is governed by the policy boundary.
    const groups = stack.resources.length ? stack.resources.map((r) => r.dataClasses) : [[]];
    const compliant = groups.every((classes) => isAllowed(ctx.policy, classes, stack.location));
    const allowed = groups
      .map((classes) => allowedRegions(ctx.policy, classes))
      .reduce<string[] | undefined>((acc, rs) => (rs === undefined ? acc : acc === undefined ? rs : acc.filter((r) => rs.includes(r))), undefined);
    const classes = classesOf(...groups);
    return [{
      compliant,
      message: `stack ${stack.name} deploys to ${stack.region}, outside the boundary for the data it holds (${classes.join(', ') || 'unclassified'}; allowed: ${allowed?.join(', ') || 'no region'})`,
    }];
  },
};
