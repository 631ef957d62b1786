import { RuleId, type ResidencyRule } from '../rule';

/**
 * RES-OPT-IN-REGION (info): a stack targets a region that must be enabled in the account
 * before use, and whose STS calls need the regional endpoint.
 * @see https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html
 */
export const optInRegionRule: ResidencyRule = {
  id: RuleId.OPT_IN_REGION,
  severity: 'info',
  description: 'The target region is opt-in',
  fix: 'Enable the region in the account (Account settings > AWS Regions) and use regional STS endpoints (AWS_STS_REGIONAL_ENDPOINTS=regional)',
  checkStack(stack) {
    if (!stack.location.isOptInRegion) return [];
    return [{
      compliant: false,
      message: `stack ${stack.name} deploys to ${stack.region}, an opt-in region: enable it in account ${stack.account ?? '(unknown)'} and use regional STS endpoints before deploying`,
    }];
  },
};
