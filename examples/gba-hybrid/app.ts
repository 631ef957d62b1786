/**
 * Greater Bay Area cross-border logistics, hybrid: the shipment-risk model is registered
 * in the cloud (ap-east-1) and served at the company's on-prem site in Kwun Tong, where
 * shipment declarations (which name consignees and consignors) never leave the building.
 * The site pulls the model; only aggregate drift metrics go back to the cloud.
 *
 * `npm run synth:hybrid` writes `cdktf.out/` (no cdktf CLI or terraform binary needed).
 */
import { Boundary, DataClass, TerraformResidency, type ResidencyPolicy } from '../../constructs/tf';
import { App } from '../../constructs/tf/private/cdktf';
import { GbaCloudStack } from './cloud-stack';
import { GbaSiteStack } from './site-stack';

/** Region of the registry and of CloudWatch. */
export const REGION = 'ap-east-1';
/** The on-prem site. */
export const SITE = 'kwun-tong-dc';
/** CloudWatch namespace of the drift metrics. */
export const METRIC_NAMESPACE = 'SovereignML/Drift';

const boundary = Boundary.regions('gba-hybrid', [REGION], { sites: [SITE] });

/**
 * Models and telemetry may be in ap-east-1 or at the site; inference payloads only at
 * the site.
 */
export const GBA_HYBRID_POLICY: ResidencyPolicy = {
  boundary,
  dataClasses: {
    [DataClass.INFERENCE_PAYLOAD]: Boundary.regions('kwun-tong-dc-only', [], { sites: [SITE] }),
    [DataClass.MODEL_ARTIFACT]: boundary,
    [DataClass.TELEMETRY]: boundary,
  },
};

/** Options of {@link buildGbaHybrid}. */
export interface GbaHybridOptions {
  /**
   * Output directory.
   * @default - CDKTF_OUTDIR (set by the cdktf CLI), else 'cdktf.out'
   */
  readonly outdir?: string;
  /**
   * Name of the registry bucket (bucket names are global: set GBA_MODEL_BUCKET to your own).
   * @default - GBA_MODEL_BUCKET, else 'gba-logistics-models-ap-east-1'
   */
  readonly bucketName?: string;
  /**
   * The residency policy enforced on both stacks (tests pass stricter ones).
   * @default GBA_HYBRID_POLICY
   */
  readonly policy?: ResidencyPolicy;
}

/** Builds the app: the cloud stack and the site stack, both under the residency policy. Call `app.synth()` to write them. */
export function buildGbaHybrid(options: GbaHybridOptions = {}): { app: App; cloud: GbaCloudStack; site: GbaSiteStack } {
  const app = new App({ outdir: options.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out' });
  const cloud = new GbaCloudStack(app, 'gba-hybrid-cloud', {
    region: REGION,
    bucketName: options.bucketName ?? process.env.GBA_MODEL_BUCKET ?? 'gba-logistics-models-ap-east-1',
    siteName: SITE,
    metricNamespace: METRIC_NAMESPACE,
  });
  const site = new GbaSiteStack(app, 'gba-hybrid-site', { siteName: SITE, model: cloud.model, metricsRegion: REGION, metricNamespace: METRIC_NAMESPACE });
  // Synthesis fails on any resource or flow outside the policy, naming the rule and the construct.
  for (const stack of [cloud, site]) TerraformResidency.enforce(stack, options.policy ?? GBA_HYBRID_POLICY);
  return { app, cloud, site };
}
