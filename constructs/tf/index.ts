/**
 * sovereign-ml for CDK for Terraform: the hybrid on-prem + cloud layer. A separate entry
 * point (`sovereign-ml/tf`) so that a CDK user never loads cdktf.
 *
 * - {@link CloudModelRegistry}: the cloud registry (AWS provider) and the site's pull-only identity
 * - {@link OnPremInferenceService}: the ONNX server on the site's Kubernetes cluster
 * - {@link OnPremDriftJob}: drift evaluation on the site, aggregate metrics to CloudWatch
 * - {@link TerraformResidency}: the residency engine on the synthesized Terraform JSON
 */
export { CloudModelRegistry, type CloudModelRegistryProps, type AddRegistryModelProps, type RegistryModel } from './cloud-model-registry';
export { SiteIdentity, type RolesAnywhereOptions, type BoundSiteIdentity } from './site-identity';
export { SiteMetricsIdentity, type SiteMetricsIdentityProps } from './site-metrics-identity';
export { OnPremInferenceService, type OnPremInferenceServiceProps, type InferenceCapture, type InferenceEgress, type InferenceScaling } from './on-prem-inference-service';
export { OnPremDriftJob, type OnPremDriftJobProps } from './on-prem-drift-job';
export { SiteBaseline } from './site-baseline';
export { CaptureVolume, VolumeAccessMode, type CaptureClaimOptions } from './capture-volume';
export { type ContainerResources } from './container-resources';
export { TerraformResidency, type TerraformResidencyOptions, type TerraformAcknowledgement, type TerraformFlow } from './data-residency';
export { Boundary, DataClass, Location, RuleId, type ResidencyPolicy } from '../../lib/residency';
