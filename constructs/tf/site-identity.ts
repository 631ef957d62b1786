import type { Construct } from 'constructs';
import { IamRole, IamRolePolicy, IamUser, IamUserPolicy } from './private/providers';

/** Options of {@link SiteIdentity.rolesAnywhere}. */
export interface RolesAnywhereOptions {
  /**
   * ARN of the IAM Roles Anywhere trust anchor holding the site's certificate authority.
   * The role trusts `rolesanywhere.amazonaws.com` only for sessions created through it.
   */
  readonly trustAnchorArn: string;
}

/** The identity created for a site, as seen by the registry. */
export interface BoundSiteIdentity {
  /** ARN of the IAM user or role. */
  readonly arn: string;
  /** Name of the IAM user or role. */
  readonly name: string;
  /** `user` or `role`. */
  readonly kind: 'user' | 'role';
}

/**
 * How an on-prem site authenticates to AWS: to pull models from a
 * {@link CloudModelRegistry}, or to send drift metrics through a {@link SiteMetricsIdentity}.
 *
 * Whatever the choice, the identity gets one inline policy from the construct using it,
 * and no secret is created, so none lands in the Terraform state.
 */
export abstract class SiteIdentity {
  /**
   * An IAM user without access keys. Create its key out of band (`aws iam
   * create-access-key`) and store it in the site's Kubernetes secret: a key created by
   * Terraform would be kept in the state file in clear text.
   */
  public static user(): SiteIdentity {
    return new UserIdentity();
  }

  /**
   * A role for IAM Roles Anywhere: the site exchanges its X.509 certificate for
   * short-lived credentials, so no long-lived key exists at all.
   * @see https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html
   */
  public static rolesAnywhere(options: RolesAnywhereOptions): SiteIdentity {
    return new RolesAnywhereIdentity(options.trustAnchorArn);
  }

  /** @internal creates the identity under `scope` with the inline policy `policyJson` named `policyName`. */
  public abstract _bind(scope: Construct, name: string, policyName: string, policyJson: string): BoundSiteIdentity;
}

class UserIdentity extends SiteIdentity {
  public _bind(scope: Construct, name: string, policyName: string, policyJson: string): BoundSiteIdentity {
    const user = new IamUser(scope, 'SiteUser', { name, tags: { 'sovereign-ml:purpose': policyName } });
    new IamUserPolicy(scope, 'SiteUserPolicy', { user: user.name, name: policyName, policy: policyJson });
    return { arn: user.arn, name: user.name, kind: 'user' };
  }
}

class RolesAnywhereIdentity extends SiteIdentity {
  public constructor(private readonly trustAnchorArn: string) {
    super();
  }

  public _bind(scope: Construct, name: string, policyName: string, policyJson: string): BoundSiteIdentity {
    const role = new IamRole(scope, 'SiteRole', {
      name,
      maxSessionDuration: 3600,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Principal: { Service: 'rolesanywhere.amazonaws.com' },
          Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
          // Only sessions through this trust anchor: another anchor in the account cannot use the role.
          Condition: { ArnEquals: { 'aws:SourceArn': this.trustAnchorArn } },
        }],
      }),
      tags: { 'sovereign-ml:purpose': policyName },
    });
    new IamRolePolicy(scope, 'SiteRolePolicy', { role: role.name, name: policyName, policy: policyJson });
    return { arn: role.arn, name: role.name, kind: 'role' };
  }
}
