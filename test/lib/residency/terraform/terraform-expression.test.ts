import { interpolations, isLiteral, referencedAddresses, templateExpr } from '../../../../lib/residency/terraform/terraform-expression';

// Template syntax from the Terraform language reference, "Strings and Templates":
// `${ ... }` interpolates, `$${` is a literal `${`.
describe('Terraform string templates', () => {
  test.each([
    ['plain text', 'arn:aws:s3:::models', []],
    ['one reference', 's3://${aws_s3_bucket.registry.bucket}/m.onnx', ['aws_s3_bucket.registry.bucket']],
    ['an escaped interpolation is literal text', 'echo $${HOME}', []],
    ['braces inside a function call and inside a quoted string', '${jsonencode({ a = "}" })}-x', ['jsonencode({ a = "}" })']],
    ['two interpolations', '${var.a}:${local.b}', ['var.a', 'local.b']],
  ])('%s', (_name, template, bodies) => {
    expect(interpolations(template).map((i) => i.body)).toEqual(bodies);
    expect(isLiteral(template)).toBe(bodies.length === 0);
  });

  const known = new Set(['aws_s3_bucket.registry', 'data.aws_region.current']);

  test('references name resources and data sources of the document only', () => {
    expect(referencedAddresses('merge(var.tags, { b = aws_s3_bucket.registry.arn, r = data.aws_region.current.region, o = aws_s3_bucket.other.arn })', known))
      .toEqual([{ address: 'aws_s3_bucket.registry', attribute: 'arn' }, { address: 'data.aws_region.current', attribute: 'region' }]);
    expect(referencedAddresses('var.aws_s3_bucket', known)).toEqual([]);
  });

  test('an interpolation that is exactly one reference is a resource part; anything else is unknown', () => {
    expect(templateExpr('arn:aws:sqs:${data.aws_region.current.region}:1:q', 'hybrid', known)).toEqual([
      { kind: 'text', text: 'arn:aws:sqs:' },
      { kind: 'resource', stack: 'hybrid', logicalId: 'data.aws_region.current', attribute: 'region' },
      { kind: 'text', text: ':1:q' },
    ]);
    expect(templateExpr('${upper(aws_s3_bucket.registry.id)}', 'hybrid', known)).toEqual([{ kind: 'unknown', reason: '${upper(aws_s3_bucket.registry.id)}' }]);
  });
});
