import { isIntrinsic } from '../expr';
import { RuleId, type Observation, type ResidencyRule } from '../rule';

/**
 * RES-PARTITION (fatal): literal `arn:aws:` ARNs or `amazonaws.com` hosts inside an aws-cn
 * boundary, and `arn:aws-cn:` ARNs or `amazonaws.com.cn` hosts inside an aws boundary.
 * Only text written in the template counts: `arn:${AWS::Partition}:…` is correct in both.
 * IAM service principals are exempt (`lambda.amazonaws.com` is valid in both partitions).
 */
export const partitionRule: ResidencyRule = {
  id: RuleId.PARTITION,
  severity: 'fatal',
  description: 'A literal ARN or endpoint of the other partition',
  fix: 'Build ARNs with Stack.of(this).formatArn(...) or ${AWS::Partition}, and hosts with ${AWS::URLSuffix}',
  checkResource(resource, ctx) {
    const partition = ctx.policy.boundary.partition;
    if (!partition) return [];
    const out: Observation[] = [];
    walkLiterals(resource.properties, 'Properties', (text, path) => {
      for (const problem of partitionProblems(text, partition)) {
        out.push({ resource, propertyPath: path, compliant: false, message: `${problem} in ${resource.logicalId} (${resource.type}) breaks the ${partition} boundary` });
      }
    });
    return out;
  },
};

/** The partition breaches in one literal string. */
export function partitionProblems(text: string, partition: string, options: { readonly hosts?: boolean } = {}): string[] {
  const out: string[] = [];
  const hosts = options.hosts ?? true;
  if (partition === 'aws-cn') {
    for (const m of text.matchAll(/arn:aws:[a-z0-9-]+:/g)) out.push(`literal ARN prefix ${JSON.stringify(m[0])} of partition aws`);
    if (hosts) for (const m of text.matchAll(/[a-z0-9.-]*\.amazonaws\.com(?!\.cn)(?![a-z0-9-])/g)) out.push(`host ${JSON.stringify(m[0])} of partition aws`);
  } else {
    for (const m of text.matchAll(/arn:aws-cn:[a-z0-9-]+:/g)) out.push(`literal ARN prefix ${JSON.stringify(m[0])} of partition aws-cn`);
    if (hosts) for (const m of text.matchAll(/[a-z0-9.-]*\.amazonaws\.com\.cn(?![a-z0-9-])/g)) out.push(`host ${JSON.stringify(m[0])} of partition aws-cn`);
  }
  return out;
}

/** Visits every literal string, including the literal pieces of Fn::Join and Fn::Sub. */
function walkLiterals(value: unknown, path: string, visit: (text: string, path: string) => void): void {
  if (typeof value === 'string') {
    visit(value, path);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => walkLiterals(v, `${path}.${i}`, visit));
  } else if (value && typeof value === 'object') {
    if (isIntrinsic(value) && 'Fn::Sub' in value) {
      const sub = value['Fn::Sub'];
      const template = Array.isArray(sub) ? sub[0] : sub;
      // Placeholders are not literal text.
      if (typeof template === 'string') visit(template.replace(/\$\{[^}]*\}/g, '\u0000'), `${path}.Fn::Sub`);
      if (Array.isArray(sub) && sub[1]) walkLiterals(sub[1], `${path}.Fn::Sub.1`, visit);
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Service' && path.endsWith('Principal')) continue;
      walkLiterals(v, `${path}.${k}`, visit);
    }
  }
}
