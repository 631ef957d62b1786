import * as path from 'node:path';
import type { Construct } from 'constructs';
import { CloudModelRegistry, SiteMetricsIdentity, type RegistryModel } from '../../constructs/tf';
import { TerraformStack } from '../../constructs/tf/private/cdktf';
import { AwsProvider } from '../../constructs/tf/private/providers';

/** Props of {@link GbaCloudStack}. */
export interface GbaCloudStackProps {
  /** Region of the registry and of the drift metrics. */
  readonly region: string;
  /** Name of the registry bucket, known to the site stack without a cross-stack reference. */
  readonly bucketName: string;
  /** The on-prem site. */
  readonly siteName: string;
  /** CloudWatch namespace of the drift metrics. */
  readonly metricNamespace: string;
}

/**
 * The cloud side: the model registry in Hong Kong (ap-east-1) with the fraud model, the
 * site's pull-only identity, and the site's metrics-only identity.
 */
export class GbaCloudStack extends TerraformStack {
  /** The registered model the site serves. */
  public readonly model: RegistryModel;

  public constructor(scope: Construct, id: string, props: GbaCloudStackProps) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: props.region });
    const registry = new CloudModelRegistry(this, 'Registry', {
      region: props.region,
      bucketName: props.bucketName,
      siteName: props.siteName,
    });
    // The Hong Kong example's model: its SHA-256 is computed here, streamed from disk.
    this.model = registry.addModel('ShipmentRisk', {
      path: path.join(__dirname, '..', 'hk-fraud', 'model', 'fraud.onnx'),
      name: 'shipment-risk',
      version: '3',
    });
    new SiteMetricsIdentity(this, 'SiteMetrics', { region: props.region, siteName: props.siteName, metricNamespace: props.metricNamespace });
  }
}
