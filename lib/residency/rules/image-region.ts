import { parseRegionalHosts, type Leaf, type ResourceView } from '../app-model';
import { asResourceRef, partsIn, render } from '../expr';
import { Location } from '../location';
import { flowObservation, RuleId, type Observation, type ResidencyRule, type RuleContext } from '../rule';

/** Property paths that name container images, per resource type. */
const IMAGE_PATHS: Record<string, RegExp> = {
  'AWS::SageMaker::Model': /^Properties\.(PrimaryContainer|Containers\.\d+)\.Image$/,
  'AWS::SageMaker::ModelPackage': /^Properties\.(InferenceSpecification|AdditionalInferenceSpecifications\.\d+)\.Containers\.\d+\.Image$/,
  'AWS::Lambda::Function': /^Properties\.Code\.ImageUri$/,
  'AWS::ECS::TaskDefinition': /^Properties\.ContainerDefinitions\.\d+\.Image$/,
};

/**
 * RES-IMAGE-REGION: container images (SageMaker Model and ModelPackage containers, Lambda
 * `ImageUri`, ECS task definitions) must come from an ECR registry inside the boundary;
 * a pull from elsewhere copies model code and weights across it.
 */
export const imageRegionRule: ResidencyRule = {
  id: RuleId.IMAGE_REGION,
  severity: 'error',
  description: 'A container image is pulled from a registry outside the boundary',
  fix: 'Use the image from the ECR registry of a region inside the boundary (InferenceImage picks it for the stack region), or replicate the repository into the boundary',
  checkResource(resource, ctx) {
    const pattern = IMAGE_PATHS[resource.type];
    if (!pattern) return [];
    const out: Observation[] = [];
    for (const leaf of ctx.model.leaves(resource)) {
      if (!pattern.test(leaf.path)) continue;
      ctx.claim(resource, leaf.path);
      out.push(...observeImage(leaf, resource, ctx));
    }
    return out;
  },
};

function observeImage(leaf: Leaf, resource: ResourceView, ctx: RuleContext): Observation[] {
  return leaf.alternatives.map((expr) => {
    const ref = asResourceRef(expr);
    if (ref) return flowObservation(ctx, resource, leaf.path, 'image', ctx.model.locateResource(ref), `image of ${resource.logicalId}`);
    const rendered = render(expr);
    const host = parseRegionalHosts(rendered).find((h) => h.host.includes('.dkr.ecr.'));
    if (!host) {
      return flowObservation(ctx, resource, leaf.path, 'image', { location: Location.UNKNOWN, basis: `image ${rendered.replace(/[\u0001\u0002]\d+[\u0001\u0002]/g, '<computed>')} is not in an ECR registry` }, `image of ${resource.logicalId}`);
    }
    const unknownRegion = partsIn(expr, host.region).length > 0;
    const location = unknownRegion ? Location.UNKNOWN : Location.ofRegionName(host.region);
    return flowObservation(ctx, resource, leaf.path, 'image', { location, basis: unknownRegion ? 'the registry region is computed' : `ECR registry ${host.host}` }, `image of ${resource.logicalId}`);
  });
}
