/**
 * The residency engine: boundaries, data classes, locations, and the checker over
 * synthesized CloudFormation and Terraform JSON, with report rendering.
 */
export { Boundary, type BoundaryOptions, type ResidencyPolicy, allowedRegions, governingBoundaries, isAllowed } from './boundary';
export { DataClass, ALL_DATA_CLASSES, DATA_CLASSES_METADATA_KEY, EXTERNALS_METADATA_KEY, isDataClass } from './data-class';
export { Location, type LocationKind } from './location';
export { checkCloudFormation, auditCloudFormation, type AuditOptions, type Finding, type Flow, type ProviderPlacement, type ResidencyAudit, type ResourcePlacement, type StackPlacement } from './audit';
export { RuleId, type ResidencyRule, type Severity, type FlowKind } from './rule';
export { ALL_RULES } from './rules';
export { renderJsonReport, renderMarkdownReport } from './report';
export { type StackDocument, type CfnTemplateJson, type CfnResourceJson, isCfnTemplate } from './template';
export { checkTerraform, renderTerraformFinding } from './terraform/check-terraform';
export { auditTerraform, type TerraformAuditOptions, type TerraformStackDocument } from './terraform/audit-terraform';
export { TERRAFORM_ANNOTATION_KEY, type TerraformFlowDeclaration, type TerraformFlowKind } from './terraform/terraform-document';
export { TERRAFORM_RULES } from './terraform/rules';
export { type TerraformRule } from './terraform/terraform-rule';
