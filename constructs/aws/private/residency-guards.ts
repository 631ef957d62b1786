import { Annotations, Aws, CfnResource, CfnRule, Fn, Lazy, Stack, Validations, type IAspect } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { allRegions } from '../../../lib/regions';
import { allowedRegions, type ResidencyPolicy } from '../../../lib/residency/boundary';
import { DATA_CLASSES_METADATA_KEY, isDataClass } from '../../../lib/residency/data-class';

const RULE_ID = 'SovereignMlResidencyRegion';
const BOUNDARY_ID = 'SovereignMlResidencyPermissionsBoundary';

/**
 * Actions exempt from the region condition because their services are global or answer
 * only in us-east-1.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html#example-scp-deny-region
 */
export const GLOBAL_SERVICE_ACTIONS = [
  'a4b:*', 'acm:*', 'aws-marketplace-management:*', 'aws-marketplace:*', 'aws-portal:*', 'budgets:*', 'ce:*',
  'chime:*', 'cloudfront:*', 'config:*', 'cur:*', 'directconnect:*', 'ec2:DescribeRegions', 'ec2:DescribeTransitGateways',
  'ec2:DescribeVpnGateways', 'fms:*', 'globalaccelerator:*', 'health:*', 'iam:*', 'importexport:*',
  'mobileanalytics:*', 'networkmanager:*', 'organizations:*', 'pricing:*', 'route53:*', 'route53domains:*',
  'route53-recovery-cluster:*', 'route53-recovery-control-config:*', 'route53-recovery-readiness:*',
  's3:GetAccountPublic*', 's3:ListAllMyBuckets', 's3:ListMultiRegionAccessPoints', 's3:PutAccountPublic*', 'shield:*',
  'sts:*', 'support:*', 'trustedadvisor:*', 'waf-regional:*', 'waf:*', 'wafv2:*', 'wellarchitected:*',
];

/** Options of {@link ResidencyGuards}. */
export interface ResidencyGuardsOptions {
  readonly deployTimeGuard: boolean;
  readonly permissionsBoundary: boolean;
}

/**
 * Adds the deploy-time guard (a CloudFormation Rules assertion on the region) and the
 * run-time guard (a permissions boundary on every role) to every stack it visits.
 * Regions are computed when the template is rendered, from the data classes that the
 * stack's resources carry by then.
 */
export class ResidencyGuards implements IAspect {
  /** Regions per stack, computed once when the first guard is rendered. */
  private readonly regionsByStack = new WeakMap<Stack, string[]>();

  public constructor(private readonly policy: ResidencyPolicy, private readonly options: ResidencyGuardsOptions) {}

  public visit(node: IConstruct): void {
    if (Stack.isStack(node)) {
      if (this.options.deployTimeGuard && !node.node.tryFindChild(RULE_ID)) this.addRegionRule(node);
      if (this.options.permissionsBoundary && !node.node.tryFindChild(BOUNDARY_ID)) this.addBoundaryPolicy(node);
      return;
    }
    if (this.options.permissionsBoundary && node instanceof iam.CfnRole) {
      const stack = Stack.of(node);
      const policy = stack.node.tryFindChild(BOUNDARY_ID) as iam.ManagedPolicy | undefined;
      if (!policy) return;
      if (node.permissionsBoundary === undefined) {
        node.permissionsBoundary = policy.managedPolicyArn;
      } else if (node.permissionsBoundary !== policy.managedPolicyArn) {
        Annotations.of(node).addWarningV2('sovereign-ml:permissionsBoundaryKept',
          'this role already has a permissions boundary; the residency boundary was not applied to it, so its region is not limited at run time');
      }
    }
  }

  private regionsOf(stack: Stack): string[] {
    let regions = this.regionsByStack.get(stack);
    if (!regions) {
      regions = this.computeRegions(stack);
      this.regionsByStack.set(stack, regions);
    }
    return regions;
  }

  private computeRegions(stack: Stack): string[] {
    let result: string[] | undefined;
    for (const child of stack.node.findAll()) {
      if (!CfnResource.isCfnResource(child) || Stack.of(child) !== stack) continue;
      const raw = child.getMetadata(DATA_CLASSES_METADATA_KEY);
      const classes = Array.isArray(raw) ? raw.filter(isDataClass) : [];
      const allowed = allowedRegions(this.policy, classes);
      if (allowed) result = result === undefined ? allowed : result.filter((r) => allowed.includes(r));
    }
    const partition = this.policy.boundary.partition;
    return result ?? allRegions().filter((r) => !partition || r.partition === partition).map((r) => r.name);
  }

  private addRegionRule(stack: Stack): void {
    const regions = Lazy.list({ produce: () => this.regionsOf(stack) });
    new CfnRule(stack, RULE_ID, {
      assertions: [{
        assert: Fn.conditionContains(regions, Aws.REGION),
        assertDescription: `sovereign-ml data residency: this stack holds data that must stay in ${this.policy.boundary.describe()}; deploy it only to an allowed region`,
      }],
    });
  }

  private addBoundaryPolicy(stack: Stack): void {
    const regions = Lazy.list({ produce: () => this.regionsOf(stack) });
    const policy = new iam.ManagedPolicy(stack, BOUNDARY_ID, {
      description: `sovereign-ml data residency: denies regional actions outside ${this.policy.boundary.describe()}`.slice(0, 1000),
      statements: [
        new iam.PolicyStatement({
          sid: 'AllowWhatIdentityPoliciesAllow',
          actions: ['*'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'DenyOutsideResidencyBoundary',
          effect: iam.Effect.DENY,
          notActions: GLOBAL_SERVICE_ACTIONS,
          resources: ['*'],
          conditions: { StringNotEquals: { 'aws:RequestedRegion': regions } },
        }),
      ],
    });
    Validations.of(policy).acknowledge(
      { id: 'AwsSolutions-IAM5[Action::*]', reason: 'A permissions boundary only limits: effective permissions are the intersection with each role\'s identity policies, so the allow statement grants nothing by itself' },
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'A permissions boundary only limits: the region deny must cover every resource, and the allow grants nothing by itself' },
    );
  }
}
