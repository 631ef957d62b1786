/**
 * The seam between sovereign-ml and CDK for Terraform: every import of `cdktf` itself
 * goes through this file (provider bindings through `./providers`), so that moving to
 * the community fork CDK Terrain (`cdktn`) changes these two files, not the constructs.
 */
export { App, TerraformOutput, TerraformStack, TerraformVariable, Testing, Token, type TerraformProvider, type TerraformResource } from 'cdktf';
export { AssetType, TerraformAsset, type TerraformElement } from 'cdktf';
// The residency validation reports acknowledged findings and finds provider blocks' construct paths.
export { Annotations, TerraformProvider as TerraformProviderBase } from 'cdktf';
