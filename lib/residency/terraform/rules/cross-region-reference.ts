import { RuleId } from '../../rule';
import { TERRAFORM_ANNOTATION_KEY } from '../terraform-document';
import { interpolations, referencedAddresses } from '../terraform-expression';
import { arrivalObservation, type TerraformObservation, type TerraformRule } from '../terraform-rule';

/**
 * RES-CROSS-REGION-REFERENCE on Terraform: data flows between resources at different
 * locations (regions, on-prem sites), by data class.
 *
 * - A declared flow (`//.sovereign-ml.flows[i]`) moves its data classes (the resource's
 *   when it names none) to its destination: the resource itself for `in`, the target for
 *   `out`. Model artifacts pulled from a cloud registry to a site, or aggregate metrics
 *   sent from a site to the cloud, pass when the policy allows their classes there.
 * - A classified resource whose arguments interpolate a managed resource at another
 *   location (`${aws_s3_bucket.registry.arn}`), with no declared flow to it, is taken to
 *   send all of its own data classes there (fail closed).
 */
export const terraformCrossRegionReferenceRule: TerraformRule = {
  id: RuleId.CROSS_REGION_REFERENCE,
  severity: 'error',
  description: 'Data flows between resources at different locations to a location not allowed for its classes',
  fix: 'Keep the data where it is allowed, or declare what actually flows with TerraformResidency.declareFlow(resource, { kind, direction, target, dataClasses }) so that only those classes are checked',
  checkResource(resource, ctx) {
    if (resource.mode !== 'managed') return [];
    const own = ctx.model.locate(resource);
    const out: TerraformObservation[] = [];
    const declared = new Set<string>();
    resource.flows.forEach((flow, i) => {
      const target = ctx.model.locateTarget(flow.target);
      if (target.address) declared.add(target.address);
      const destination = flow.direction === 'in' ? own : target;
      // The resource's own unknown location is reported by RES-UNKNOWN-LOCATION.
      if (flow.direction === 'in' && !own.location.isKnown) return;
      const what = `declared ${flow.kind} flow ${flow.direction === 'in' ? `from ${flow.target} to` : `to ${flow.target} from`} ${resource.address}${flow.description ? ` (${flow.description})` : ''}`;
      out.push(arrivalObservation(ctx, { resource }, `//.${TERRAFORM_ANNOTATION_KEY}.flows.${i}`, destination, flow.dataClasses ?? resource.dataClasses, what,
        { kind: flow.kind, from: flow.direction === 'in' ? target : own, description: flow.description }));
    });
    if (resource.dataClasses.length === 0 || !own.location.isKnown) return out;
    const reported = new Set<string>();
    for (const leaf of ctx.model.leaves(resource)) {
      if (ctx.isClaimed(resource, leaf.path)) continue;
      for (const { body } of interpolations(leaf.text)) {
        for (const { address } of referencedAddresses(body, ctx.model.addresses)) {
          if (address.startsWith('data.') || address === resource.address || declared.has(address) || reported.has(address)) continue;
          const target = ctx.model.locate(ctx.model.resource(address)!);
          // A target whose location is unknown is reported as such on its own.
          if (!target.location.isKnown || target.location.equals(own.location)) continue;
          reported.add(address);
          out.push(arrivalObservation(ctx, { resource }, leaf.path, { location: target.location, basis: `${address} ${target.basis}` }, resource.dataClasses,
            `reference to ${address} in ${leaf.path} of ${resource.address} (an undeclared flow, so all of its data is taken to go there)`, { kind: 'reference', from: own }));
        }
      }
    }
    return out;
  },
};
