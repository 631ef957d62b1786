import { Construct } from 'constructs';
import * as z from 'zod';
import { DEFAULT_DRIFT_NAMESPACE, isMetricNamespace, METRIC_NAMESPACE_RULE } from '../../lib/drift/metric-namespace';
import { checkedString } from '../../lib/validation';
import { TerraformOutput } from './private/cdktf';
import { regionSchema } from './private/region';
import { SITE_IDENTITY_SUFFIX, siteIdentityName, siteNameSchema } from './private/site-name';
import { isUnresolved, validateProps } from './private/validate';
import { SiteIdentity } from './site-identity';

/** Props of {@link SiteMetricsIdentity}. */
export interface SiteMetricsIdentityProps {
  /** Region whose CloudWatch receives the site's metrics, such as `ap-east-1`. */
  readonly region: string;
  /**
   * CloudWatch namespace the site may write to (the drift job's `metricNamespace`): 1 to
   * 255 of letters, digits, `. - _ / # :` and space, not blank, not starting with `:` or `AWS/`.
   * @default 'SovereignML/Drift'
   */
  readonly metricNamespace?: string;
  /**
   * Name of the site, used for the identity's name (`sovereign-ml-<site>-metrics`):
   * 1-40 lower-case letters, digits and hyphens.
   * @default 'site'
   */
  readonly siteName?: string;
  /**
   * How the site authenticates.
   * @default SiteIdentity.user()
   */
  readonly identity?: SiteIdentity;
}

const schema = z.strictObject({
  region: regionSchema,
  metricNamespace: checkedString(isUnresolved, isMetricNamespace, METRIC_NAMESPACE_RULE).default(DEFAULT_DRIFT_NAMESPACE),
  siteName: siteNameSchema,
  identity: z.instanceof(SiteIdentity).optional(),
});

/**
 * The identity an {@link OnPremDriftJob} uses to send drift metrics: it may call
 * `cloudwatch:PutMetricData` for one namespace in one region, and nothing else.
 *
 * The policy's resource is `*` because PutMetricData supports no resource-level
 * permissions; the `cloudwatch:namespace` and `aws:RequestedRegion` conditions narrow it.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html
 */
export class SiteMetricsIdentity extends Construct {
  /** ARN of the IAM user or role. */
  public readonly identityArn: string;
  /** Name of the IAM user or role. */
  public readonly identityName: string;
  /** The CloudWatch namespace the identity may write to. */
  public readonly metricNamespace: string;

  public constructor(scope: Construct, id: string, props: SiteMetricsIdentityProps) {
    super(scope, id);
    const p = validateProps(this, schema, props, 'props');
    this.metricNamespace = p.metricNamespace;
    const bound = (p.identity ?? SiteIdentity.user())._bind(this, siteIdentityName(p.siteName, SITE_IDENTITY_SUFFIX.metrics), 'put-metrics', JSON.stringify({
      Version: '2012-10-17',
      Statement: [{
        Sid: 'PutDriftMetrics',
        Effect: 'Allow',
        Action: 'cloudwatch:PutMetricData',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': p.metricNamespace, 'aws:RequestedRegion': p.region } },
      }],
    }));
    this.identityArn = bound.arn;
    this.identityName = bound.name;
    new TerraformOutput(this, 'IdentityArnOutput', { value: bound.arn, description: `ARN of the site's metrics-only IAM ${bound.kind}` });
  }
}
