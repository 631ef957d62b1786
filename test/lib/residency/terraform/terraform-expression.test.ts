import { interpolations, isLiteral, quotedLiterals, referencedAddresses, templateExpr } from '../../../../lib/residency/terraform/terraform-expression';

// Template syntax from the Terraform language reference, "Strings and Templates":
// `${ ... }` interpolates, `$${` is a literal `${`.
describe('Terraform string templates', () => {
  test.each([
    ['plain text', 'arn:aws:s3:::models', []],
    ['one reference', 's3://${aws_s3_bucket.registry.bucket}/m.onnx', ['aws_s3_bucket.registry.bucket']],
    ['an escaped interpolation is literal text', 'echo $${HOME}', []],
    ['braces inside a function call and inside a quoted string', '${jsonencode({ a = "}" })}-x', ['jsonencode({ a = "}" })']],
    ['two interpolations', '${var.a}:${local.b}', ['var.a', 'local.b']],
    ['an escaped backslash before a closing quote', '${replace(var.p, "\\\\", "/")}-x', ['replace(var.p, "\\\\", "/")']],
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

  // HCL quoted templates (Terraform language reference, "Strings and Templates"): escapes
  // \n \r \t \" \\ \uNNNN \UNNNNNNNN; `${` inside a quoted string starts an interpolation.
  test.each([
    ['none', 'upper(var.a)', []],
    ['object values', 'jsonencode({"Action" = "sqs:SendMessage", "Resource" = "arn:aws:sqs:us-west-2:1:q"})', ['Action', 'sqs:SendMessage', 'Resource', 'arn:aws:sqs:us-west-2:1:q']],
    ['escapes resolved', String.raw`format("a\"b\\c\n\u00e9\U0001F600%s", var.x)`, ['a"b\\c\né\u{1F600}%s']],
    ['an interpolation inside a literal stays in it, with its own literals', 'join(",", ["x-${lookup(var.m, "k")}", "y"])', [',', 'x-${lookup(var.m, "k")}', 'y']],
    ['braces and quotes inside a nested interpolation', '"a${jsonencode({ b = "}\\"" })}c"', ['a${jsonencode({ b = "}\\"" })}c']],
    ['an unterminated literal runs to the end', 'f("abc', ['abc']],
    ['an out-of-range \\U escape is kept as written', String.raw`f("\UFFFFFFFF")`, [String.raw`\UFFFFFFFF`]],
  ])('quoted literals of an interpolation body: %s', (_name, body, literals) => {
    expect(quotedLiterals(body)).toEqual(literals);
  });

  test('the literals of an unknown interpolation are read as templates, each fenced by unknown parts', () => {
    const template = '${jsonencode({"Resource" = "arn:aws:s3:::${aws_s3_bucket.registry.bucket}/*"})}';
    const unknown = { kind: 'unknown', reason: template };
    expect(templateExpr(template, 'hybrid', known)).toEqual([
      unknown,
      { kind: 'text', text: 'Resource' },
      unknown,
      { kind: 'text', text: 'arn:aws:s3:::' },
      { kind: 'resource', stack: 'hybrid', logicalId: 'aws_s3_bucket.registry', attribute: 'bucket' },
      { kind: 'text', text: '/*' },
      unknown,
    ]);
  });
});
