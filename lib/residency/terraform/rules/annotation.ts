import { RuleId } from '../../rule';
import type { TerraformObservation, TerraformRule } from '../terraform-rule';

/**
 * RES-ANNOTATION: a `//.sovereign-ml` annotation that does not match the conventions
 * (an unknown data class, a flow without a direction, a location that does not parse)
 * proves nothing, so it is reported rather than ignored. The reader also falls back to
 * the strictest reading: every data class, no declared flows, an unknown location.
 */
export const terraformAnnotationRule: TerraformRule = {
  id: RuleId.ANNOTATION,
  severity: 'error',
  description: 'A sovereign-ml annotation is malformed',
  fix: 'Write annotations with TerraformResidency.classify, placeAt and declareFlow rather than raw overrides',
  checkProvider(provider): TerraformObservation[] {
    return provider.issues.map((issue) => ({ provider, propertyPath: issue.propertyPath, compliant: false, message: `${provider.logicalId}: ${issue.message}` }));
  },
  checkResource(resource): TerraformObservation[] {
    return resource.issues.map((issue) => ({ resource, propertyPath: issue.propertyPath, compliant: false, message: `${resource.address}: ${issue.message}` }));
  },
};
