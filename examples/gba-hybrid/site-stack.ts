import * as path from 'node:path';
import type { Construct } from 'constructs';
import { CaptureVolume, Location, OnPremDriftJob, OnPremInferenceService, SiteBaseline, TerraformResidency, VolumeAccessMode, type RegistryModel } from '../../constructs/tf';
import { TerraformStack } from '../../constructs/tf/private/cdktf';
import { KubernetesProvider } from '../../constructs/tf/private/providers';

/** Props of {@link GbaSiteStack}. */
export interface GbaSiteStackProps {
  /** The on-prem site, also the kubeconfig context of its cluster. */
  readonly siteName: string;
  /** The model to serve, from the cloud stack. */
  readonly model: RegistryModel;
  /** Region of CloudWatch, for the drift metrics. */
  readonly metricsRegion: string;
  /** CloudWatch namespace of the drift metrics. */
  readonly metricNamespace: string;
}

/** The on-prem ONNX server image, built from lambda/onnx-inference/Dockerfile and pushed to the site's registry. */
const IMAGE = 'registry.kwun-tong-dc.internal/sovereign-ml/onnx-server:0.1.0';

/**
 * Addresses of the AWS endpoints as the site reaches them: interface VPC endpoints in
 * ap-east-1 over Direct Connect, their private DNS resolving the regional host names
 * (`s3.ap-east-1.amazonaws.com`, `monitoring.ap-east-1.amazonaws.com`) through a Route 53
 * Resolver inbound endpoint.
 */
const S3_ENDPOINT_CIDRS = ['10.80.1.0/28'];
const MONITORING_ENDPOINT_CIDRS = ['10.80.2.0/28'];

/**
 * The on-prem side at the Kwun Tong data centre: inference on shipment declarations and
 * the drift job. Payloads, predictions and capture records stay here; only aggregate drift
 * metrics go to CloudWatch in ap-east-1.
 */
export class GbaSiteStack extends TerraformStack {
  public constructor(scope: Construct, id: string, props: GbaSiteStackProps) {
    super(scope, id);
    const cluster = new KubernetesProvider(this, 'kubernetes', { configPath: '~/.kube/config', configContext: props.siteName });
    // Everything this provider manages is at the site: the residency engine places it there.
    TerraformResidency.placeAt(cluster, Location.onPrem(props.siteName));

    // One ReadWriteMany claim (on the site's NFS, say), created with kubectl like the secrets:
    // every server pod writes its own hourly capture files to it, the drift job reads them.
    const capture = CaptureVolume.persistentVolumeClaim('shipment-risk-capture', { accessModes: [VolumeAccessMode.READ_WRITE_MANY] });

    const service = new OnPremInferenceService(this, 'ShipmentRisk', {
      image: IMAGE,
      model: props.model,
      credentialsSecretName: 'aws-model-pull',
      egress: { registryEndpointCidrs: S3_ENDPOINT_CIDRS },
      namespace: 'shipment-risk',
      // The secret is created with kubectl before the first apply, so the namespace exists already.
      createNamespace: false,
      capture: { percent: 20, volume: capture },
      allowedClientCidrs: ['10.60.0.0/16'],
    });

    new OnPremDriftJob(this, 'ShipmentRiskDrift', {
      namespace: service.namespaceName,
      image: IMAGE,
      modelName: props.model.name,
      baseline: SiteBaseline.fromFile(path.join(__dirname, '..', 'hk-fraud', 'model', 'baseline.json')),
      capture,
      cloudWatchRegion: props.metricsRegion,
      metricsEndpointCidrs: MONITORING_ENDPOINT_CIDRS,
      credentialsSecretName: 'aws-drift-metrics',
      metricNamespace: props.metricNamespace,
      timeZone: 'Asia/Hong_Kong',
      // Hourly runs (the default schedule), each over the hour before it.
      windowMinutes: 60,
    });
  }
}
