import { RuleId } from '../../rule';
import { locateRegionArgument } from '../terraform-model';
import type { TerraformObservation, TerraformRule } from '../terraform-rule';

/**
 * RES-STACK-REGION for the Terraform state: the state holds every attribute of every
 * resource (bucket policies, parameter values, Kubernetes manifests), so an S3 backend
 * must keep it in a region inside the policy boundary; a computed region fails closed.
 * The state holds the configuration, not the data the resources hold at run time, so the
 * policy boundary governs it, not the data classes. Other backend types are not checked
 * (`local` keeps the state where Terraform runs).
 *
 * @see https://developer.hashicorp.com/terraform/language/backend/s3
 */
export const terraformStateBackendRule: TerraformRule = {
  id: RuleId.STACK_REGION,
  severity: 'error',
  description: 'The Terraform state is stored in a region outside the boundary',
  fix: 'Keep the state in an S3 bucket in a region inside the boundary (new S3Backend(stack, { bucket, key, region }))',
  checkDocument(ctx): TerraformObservation[] {
    return ctx.model.document.backends.filter((b) => b.type === 's3').map((backend) => {
      const block = 'terraform.backend.s3';
      const { location, basis } = locateRegionArgument(backend.args.region, 'the S3 state backend');
      const compliant = ctx.policy.boundary.contains(location);
      return location.isKnown
        ? { block, propertyPath: `${block}.region`, compliant, dataClasses: [], message: `the Terraform state of ${ctx.model.stackName} is stored in ${location.label} (${basis}), outside ${ctx.policy.boundary.describe()}` }
        : { block, propertyPath: `${block}.region`, compliant: false, dataClasses: [], ruleId: RuleId.UNKNOWN_LOCATION, message: `where the Terraform state of ${ctx.model.stackName} is stored cannot be proven (${basis}); unknown fails closed` };
    });
  },
};

