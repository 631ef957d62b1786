import { GLOBAL_RESOURCE_TYPES, type Leaf, type ResourceView } from '../app-model';
import { governingBoundaries, isAllowed } from '../boundary';
import type { DataClass } from '../data-class';
import { asResourceRef, render } from '../expr';
import { Location } from '../location';
import { classesOf, RuleId, type Observation, type ResidencyRule, type RuleContext } from '../rule';

/** Lambda@Edge associations of a distribution's default and other cache behaviors. */
const EDGE_FUNCTION = /^Properties\.DistributionConfig\.(DefaultCacheBehavior|CacheBehaviors\.\d+)\.LambdaFunctionAssociations\.\d+\.LambdaFunctionARN$/;

/**
 * Where a global resource gets the data it carries: CloudFront origins and Global
 * Accelerator endpoints. An origin that references no classified resource of the app (an
 * unclassified bucket, an external host) carries unclassified data.
 */
const ORIGIN = /^Properties\.(DistributionConfig\.Origins\.\d+\.DomainName|EndpointConfigurations\.\d+\.EndpointId)$/;

/** How messages name each global resource type (messages start in lower case). */
const LABELS: Record<string, string> = {
  'AWS::CloudFront::Distribution': 'distribution',
  'AWS::GlobalAccelerator::Accelerator': 'accelerator',
  'AWS::GlobalAccelerator::Listener': 'accelerator listener',
  'AWS::GlobalAccelerator::EndpointGroup': 'accelerator endpoint group',
};

const EDGE_FIX = 'Remove the Lambda@Edge association and run the logic at a regional origin inside the boundary: '
  + 'Lambda@Edge functions are created in us-east-1 (CDK\'s cloudfront.experimental.EdgeFunction adds a support stack there) and replicated to every region with a regional edge cache, where they also write their logs';

/**
 * RES-GLOBAL-SERVICE: CloudFront distributions and Global Accelerator resources carry
 * data through edge locations worldwide. The data a global resource carries is its own
 * classes and those of every resource of the app it references (CloudFront origins such
 * as a bucket's `RegionalDomainName` or a Lambda function URL, Global Accelerator
 * endpoints, ...); the resource is a violation unless the policy allows all of those
 * classes everywhere. An unclassified distribution is governed by the policy boundary,
 * and so is one with an origin (`Origins[].DomainName`, `EndpointConfigurations[].EndpointId`)
 * that references no classified resource of the app (an external host, an unclassified
 * bucket), unless the global resource itself is classified.
 *
 * Each Lambda@Edge association (`LambdaFunctionAssociations[].LambdaFunctionARN` of the
 * default and other cache behaviors) is reported too: the function runs, with the
 * requests and responses it sees, in every region with a regional edge cache. It is
 * checked against the distribution's classes and its own (a function that is not a
 * classified resource of the app is governed by the policy boundary).
 *
 * CDK's `EdgeFunction` reads the function's ARN from us-east-1 with a
 * `Custom::CrossRegionStringParameterReader`: that reader is checked by
 * RES-CROSS-REGION-REFERENCE.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-cloudfront-distribution-origin.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-cloudfront-distribution-lambdafunctionassociation.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-globalaccelerator-endpointgroup.html
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-at-the-edge.html
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-functions-logs.html
 */
export const globalServiceRule: ResidencyRule = {
  id: RuleId.GLOBAL_SERVICE,
  severity: 'error',
  description: 'A global service (CloudFront, Global Accelerator) carries data through edge locations worldwide',
  fix: 'Serve the data from a regional endpoint inside the boundary (an API Gateway regional endpoint, a load balancer), or classify it as data the policy allows anywhere (e.g. DataClass.TELEMETRY with Boundary.ANYWHERE)',
  checkResource(resource, ctx) {
    if (!GLOBAL_RESOURCE_TYPES.has(resource.type)) return [];
    const leaves = ctx.model.leaves(resource);
    const referenced = referencedResources(resource, ctx, leaves, resource.properties);
    const classes = classesOf(resource.dataClasses, ...referenced.map((r) => r.dataClasses));
    const carriers = referenced.filter((r) => r.dataClasses.length > 0).map((r) => `${r.logicalId} (${r.dataClasses.join(', ')})`);
    // A classified global resource declares what it carries; otherwise an origin without
    // classified resources behind it carries unclassified data.
    const unclassified = resource.dataClasses.length > 0 ? [] : leaves
      .filter((leaf) => ORIGIN.test(leaf.path))
      .filter((leaf) => referencedResources(resource, ctx, [leaf], rawValue(resource.properties, leaf.path)).every((r) => r.dataClasses.length === 0))
      .map((leaf) => leaf.path.replace(/^Properties\./, ''));
    const sources = [...carriers, ...(unclassified.length ? [`unclassified origin ${unclassified.join(', ')}`] : [])];
    const governing = unclassified.length ? boundaries(ctx, classes, []) : boundaries(ctx, classes);
    const out: Observation[] = [{
      resource,
      compliant: isAllowed(ctx.policy, classes, Location.GLOBAL) && (unclassified.length === 0 || isAllowed(ctx.policy, [], Location.GLOBAL)),
      message: `${LABELS[resource.type] ?? 'global resource'} ${resource.logicalId} (${resource.type}) carries ${describeData(classes, unclassified.length > 0)}${sources.length ? ` from ${sources.join(', ')}` : ''} through edge locations worldwide, outside ${governing}`,
      flow: { kind: 'edge', target: { location: Location.GLOBAL, basis: `${resource.type} ${resource.logicalId} is a global service` }, dataClasses: classes },
    }];
    for (const leaf of leaves) {
      if (!EDGE_FUNCTION.test(leaf.path)) continue;
      ctx.claim(resource, leaf.path);
      for (const expr of leaf.alternatives) {
        const ref = asResourceRef(expr);
        const fn = ref ? ctx.model.resource(ref.stack, ref.logicalId) : undefined;
        const name = ref ? `${ref.logicalId}${ref.attribute ? `.${ref.attribute}` : ''}` : render(expr).replace(/[\u0001\u0002]\d+[\u0001\u0002]/g, '<computed>');
        // The function sees the distribution's data, and is itself governed by its own
        // classes (by the policy boundary when unclassified or not a resource of the app).
        const own = fn?.dataClasses ?? [];
        const fnClasses = classesOf(classes, own);
        out.push({
          resource,
          propertyPath: leaf.path,
          compliant: isAllowed(ctx.policy, classes, Location.GLOBAL) && isAllowed(ctx.policy, own, Location.GLOBAL),
          message: `edge function ${name} (Lambda@Edge) in ${leaf.path.replace(/^Properties\./, '')} of ${resource.logicalId} runs on ${describeData(fnClasses)} in every region with a regional edge cache, outside ${boundaries(ctx, classes, own)}`,
          fix: EDGE_FIX,
          flow: { kind: 'edge', target: { location: Location.GLOBAL, basis: `Lambda@Edge function ${name} is replicated to every edge region` }, dataClasses: fnClasses },
        });
      }
    }
    return out;
  },
};

/**
 * Every other resource of the app that `leaves` (evaluated) or `raw` (the template JSON)
 * reference. The raw walk finds references that evaluation loses, such as the function
 * URL inside `Fn::Select [2, Fn::Split ['/', GetAtt Url.FunctionUrl]]` (CDK's
 * FunctionUrlOrigin); evaluation finds those through `Fn::ImportValue`.
 */
function referencedResources(resource: ResourceView, ctx: RuleContext, leaves: readonly Leaf[], raw: unknown): ResourceView[] {
  const out = new Map<string, ResourceView>();
  const add = (stack: string, logicalId: string) => {
    const r = ctx.model.resource(stack, logicalId);
    if (r && r !== resource) out.set(`${stack}/${logicalId}`, r);
  };
  for (const leaf of leaves) {
    for (const expr of leaf.alternatives) {
      for (const part of expr) if (part.kind === 'resource') add(part.stack, part.logicalId);
    }
  }
  for (const id of rawReferences(raw)) add(resource.stack.name, id);
  return [...out.values()];
}

/** Logical ids named by Ref, Fn::GetAtt and Fn::Sub anywhere in a JSON value. */
function rawReferences(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    value.forEach((v) => rawReferences(v, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string') {
        out.push(v);
      } else if (key === 'Fn::GetAtt') {
        out.push(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0]!);
      } else if (key === 'Fn::Sub') {
        const template: unknown = Array.isArray(v) ? v[0] : v;
        if (typeof template === 'string') for (const m of template.matchAll(/\$\{([^}!.]+)[^}]*\}/g)) out.push(m[1]!);
        if (Array.isArray(v)) rawReferences(v[1], out);
      } else {
        rawReferences(v, out);
      }
    }
  }
  return out;
}

/** The template JSON at a leaf path (`Properties.A.0.B`). */
function rawValue(properties: Record<string, unknown>, path: string): unknown {
  return path.split('.').slice(1).reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), properties);
}

function describeData(classes: readonly DataClass[], unclassified = false): string {
  const names = [...classes, ...(unclassified && classes.length ? ['unclassified'] : [])];
  return names.length ? `${names.join(', ')} data` : 'data';
}

/** The restricted boundaries governing each group of classes (an empty group: the policy boundary). */
function boundaries(ctx: RuleContext, ...groups: ReadonlyArray<readonly DataClass[]>): string {
  const names = groups.flatMap((classes) => governingBoundaries(ctx.policy, classes).filter((b) => !b.unrestricted).map((b) => b.describe()));
  return [...new Set(names)].join(' and ');
}
