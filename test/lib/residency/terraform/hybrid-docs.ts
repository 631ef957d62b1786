/**
 * Two hand-written hybrid stacks in the shape cdktf synthesizes, annotated as
 * TerraformResidency.placeAt / classify / declareFlow write them: a clean one and one
 * with violations. Shared by the audit, report and CLI tests.
 */
import { HYBRID_PROVIDERS, placed, res, tfDoc } from './tf-docs';

/** A Kubernetes deployment whose single container has `env`. */
const deployment = (name: string, env: Record<string, string>, annotation: unknown) => res(name, {
  metadata: { name },
  spec: { template: { metadata: {}, spec: { container: [{ name, image: 'onnx-server:0.1.0', env: Object.entries(env).map(([n, value]) => ({ name: n, value })) }] } } },
}, annotation);

/**
 * The model registry bucket in ap-east-1 (model-artifact); at the Kwun Tong site a server
 * (inference-payload) pulling the model from the bucket, and a drift job
 * (inference-payload) sending aggregate metrics (telemetry) to ap-east-1.
 */
export function cleanHybridDoc(): unknown {
  return tfDoc(HYBRID_PROVIDERS, {
    aws_s3_bucket: { registry: res('registry', { bucket: 'gba-models' }, { dataClasses: ['model-artifact'] }) },
    kubernetes_deployment_v1: {
      server: deployment('server', { MODEL_URI: 's3://${aws_s3_bucket.registry.bucket}/risk/3/model.onnx' }, {
        dataClasses: ['inference-payload'],
        flows: [{ kind: 'model', direction: 'in', target: '${aws_s3_bucket.registry}', dataClasses: ['model-artifact'], description: 'pulls model risk version 3 from the registry' }],
      }),
    },
    kubernetes_cron_job_v1: {
      drift: res('drift', { metadata: { name: 'drift' } }, {
        dataClasses: ['inference-payload'],
        flows: [{ kind: 'metrics', direction: 'out', target: 'region:ap-east-1', dataClasses: ['telemetry'], description: 'sends aggregate drift metrics to CloudWatch' }],
      }),
    },
  });
}

/**
 * Like the clean one, with a payload archive bucket on the provider alias `aws.us`
 * (us-east-1), and a server that references it (an undeclared flow), ships prediction
 * logs to ap-east-1 (payloads may only be at the site) and calls CloudWatch in us-west-2.
 */
export function violatingHybridDoc(): unknown {
  return tfDoc({ aws: [{ region: 'ap-east-1' }, { alias: 'us', region: 'us-east-1' }], kubernetes: [placed('site:kwun-tong-dc')] }, {
    aws_s3_bucket: {
      registry: res('registry', { bucket: 'gba-models' }, { dataClasses: ['model-artifact'] }),
      archive: res('archive', { provider: 'aws.us', bucket: 'payload-archive' }, { dataClasses: ['inference-payload'] }),
    },
    kubernetes_deployment_v1: {
      server: deployment('server', { ARCHIVE: '${aws_s3_bucket.archive.arn}', METRICS: 'https://monitoring.us-west-2.amazonaws.com' }, {
        dataClasses: ['inference-payload'],
        flows: [
          { kind: 'model', direction: 'in', target: '${aws_s3_bucket.registry}', dataClasses: ['model-artifact'], description: 'pulls the model' },
          { kind: 'logs', direction: 'out', target: 'region:ap-east-1', dataClasses: ['inference-payload'], description: 'ships prediction logs to CloudWatch Logs' },
        ],
      }),
    },
  });
}
