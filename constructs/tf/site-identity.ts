import { Construct } from 'constructs';
import { IamRole, IamRolePolicy, IamUser, IamUserPolicy } from './private/providers';

/** Options of {@link SitePullIdentity.rolesAnywhere}. */
export interface RolesAnywherePullOptions {
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
 * How an on-prem site authenticates when it pulls models from a {@link CloudModelRegistry}.
 *
 * Whatever the choice, the identity can only read objects under the registry's model
 * prefix and decrypt with the registry's key through S3; no secret is created, so none
 * lands in the Terraform state.
 */
export abstract class SitePullIdentity {
  /**
   * An IAM user without access keys. Create its key out of band (`aws iam
   * create-access-key`) and store it in the site's Kubernetes secret: a key created by
   * Terraform would be kept in the state file in clear text.
   */
  public static user(): SitePullIdentity {
    return new UserIdentity();
  }

  /**
   * A role for IAM Roles Anywhere: the site exchanges its X.509 certificate for
   * short-lived credentials, so no long-lived key exists at all.
   * @see https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html
   */
  public static rolesAnywhere(options: RolesAnywherePullOptions): SitePullIdentity {
    return new RolesAnywhereIdentity(options.trustAnchorArn);
  }

  /** @internal creates the identity under `scope` with the inline pull policy `policyJson`. */
  public abstract _bind(scope: Construct, name: string, policyJson: string): BoundSiteIdentity;
}

class UserIdentity extends SitePullIdentity {
  public _bind(scope: Construct, name: string, policyJson: string): BoundSiteIdentity {
    const user = new IamUser(scope, 'SiteUser', { name, tags: { 'sovereign-ml:purpose': 'model-pull' } });
    new IamUserPolicy(scope, 'SiteUserPolicy', { user: user.name, name: 'model-pull', policy: policyJson });
    return { arn: user.arn, name: user.name, kind: 'user' };
  }
}

class RolesAnywhereIdentity extends SitePullIdentity {
  public constructor(private readonly trustAnchorArn: string) {
    super();
  }

  public _bind(scope: Construct, name: string, policyJson: string): BoundSiteIdentity {
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
      tags: { 'sovereign-ml:purpose': 'model-pull' },
    });
    new IamRolePolicy(scope, 'SiteRolePolicy', { role: role.name, name: 'model-pull', policy: policyJson });
    return { arn: role.arn, name: role.name, kind: 'role' };
  }
}
