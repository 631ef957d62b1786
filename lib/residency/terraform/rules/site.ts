import { RuleId } from '../../rule';
import { placementRule, type TerraformRule } from '../terraform-rule';

/**
 * RES-SITE: a resource managed by a provider placed at an on-prem site (a Kubernetes
 * cluster in a data centre, say) holds its data at that site; the site must be inside the
 * boundaries that govern the resource's data. A provider block no resource uses is
 * checked against the policy boundary.
 */
export const terraformSiteRule: TerraformRule = placementRule({
  id: RuleId.SITE,
  severity: 'error',
  description: 'A resource is placed at an on-prem site not allowed for its data classes',
  fix: 'Place the provider at a site inside the boundary for the resource\'s data (Boundary.regions(name, regions, { sites })), or keep that data elsewhere',
}, ['site']);
