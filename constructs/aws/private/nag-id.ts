import type { Stack } from 'aws-cdk-lib';

/**
 * A value as cdk-nag names it in a finding id (`AwsSolutions-IAM5[Resource::<value>]`):
 * the resolved CloudFormation flattened the way cdk-nag 3 flattens it (`Fn::Join` joined,
 * `Ref` and `Fn::GetAtt` in angle brackets, anything else as JSON). Acknowledging by the
 * exact id keeps every other wildcard a finding.
 */
export function nagId(stack: Stack, value: unknown): string {
  const visit = (node: unknown): string => {
    if (node === undefined) return '';
    if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
    const n = node as Record<string, unknown>;
    if (Array.isArray(n['Fn::Join'])) {
      const [delimiter, items] = n['Fn::Join'] as [string, unknown[]];
      return items.map(visit).join(delimiter);
    }
    if (n['Fn::Sub'] !== undefined) return visit(n['Fn::Sub']);
    if (Array.isArray(n['Fn::GetAtt'])) {
      const [resource, attribute] = n['Fn::GetAtt'] as [unknown, unknown];
      return `<${visit(resource)}.${visit(attribute)}>`;
    }
    if (n['Fn::ImportValue'] !== undefined) return visit(n['Fn::ImportValue']);
    if (n.Ref !== undefined) return `<${visit(n.Ref)}>`;
    return JSON.stringify(node);
  };
  return visit(stack.resolve(value));
}
