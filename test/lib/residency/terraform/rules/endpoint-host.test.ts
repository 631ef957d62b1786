import { checkTerraform } from '../../../../../lib/residency/terraform/check-terraform';
import { HYBRID_POLICY, HYBRID_PROVIDERS, placed, problems, res, tfDoc } from '../tf-docs';

const withEnv = (value: string, annotation?: unknown) => tfDoc(HYBRID_PROVIDERS, {
  kubernetes_deployment_v1: { server: res('server', { spec: { template: { spec: { container: [{ name: 's', image: 'i:1', env: [{ name: 'URL', value }] }] } } } }, annotation) },
});

describe('RES-ENDPOINT-HOST', () => {
  test.each([
    ['a queue URL in ap-east-1', 'https://sqs.ap-east-1.amazonaws.com/111111111111/q', []],
    ['a queue URL in us-west-2', 'https://sqs.us-west-2.amazonaws.com/111111111111/q', ['RES-ENDPOINT-HOST kubernetes_deployment_v1.server spec.template.spec.container.0.env.0.value']],
    ['an S3 host in eu-west-1', 's3.eu-west-1.amazonaws.com', ['RES-ENDPOINT-HOST kubernetes_deployment_v1.server spec.template.spec.container.0.env.0.value']],
    ['a host whose region is computed is left to the rules that place it', 'https://sqs.${var.region}.amazonaws.com/1/q', []],
    ['a URL in us-west-2 inside a function call', '${format("https://sqs.us-west-2.amazonaws.com/%s/q", var.account)}', ['RES-ENDPOINT-HOST kubernetes_deployment_v1.server spec.template.spec.container.0.env.0.value']],
    ['a URL in ap-east-1 inside a function call', '${format("https://sqs.ap-east-1.amazonaws.com/%s/q", var.account)}', []],
  ])('%s', (_name, value, expected) => {
    expect(problems(checkTerraform(withEnv(value), HYBRID_POLICY))).toEqual(expected);
  });

  test('the AWS provider\'s endpoint overrides are checked on the provider block', () => {
    const doc = tfDoc({ aws: [{ region: 'ap-east-1', endpoints: [{ s3: 'https://s3.us-east-1.amazonaws.com' }] }], kubernetes: [placed('site:kwun-tong-dc')] }, {});
    expect(problems(checkTerraform(doc, HYBRID_POLICY))).toEqual(['RES-ENDPOINT-HOST provider.aws endpoints.0.s3']);
  });
});
