/**
 * sovereign-ml: typed AWS CDK constructs for production ML stacks with data-residency
 * boundaries checked as constraints.
 *
 * This is the package's main entry point (`import { … } from 'sovereign-ml'`). The CDK for
 * Terraform layer has its own entry point, `sovereign-ml/tf`, so a CDK user never loads cdktf.
 */
export * from './aws/model-registry';
export * from './aws/model-artifact';
export { ErrorCode, SovereignMlError } from '../lib/errors';
export * from './aws/data-residency';
export * from './aws/residency-checks';
export { Boundary, type BoundaryOptions, DataClass, Location } from '../lib/residency';
export * from './aws/onnx-function';
export * from './aws/onnx-model';
export * from './aws/serving-endpoint';
export { Compute, type InstanceComputeOptions, type ServerlessComputeOptions, type AsyncComputeOptions, type AsyncNotifications } from './aws/compute';
export { Deployment, type AllAtOnceOptions, type CanaryOptions, type LinearOptions, type RollingOptions } from './aws/deployment';
export * from './aws/inference-image';
export * from './aws/serving-dashboard';
export * from './aws/baseline';
export * from './aws/drift-engine';
export * from './aws/drift-monitor';
export * from './aws/on-drift';
export * from './aws/drift-source';
