import { Construct } from 'constructs';
import * as z from 'zod';
import { MODEL_NAME_PATTERN, MODEL_NAME_RULE } from '../../lib/model-names';
import { DataClass } from '../../lib/residency/data-class';
import { checkedNumber, checkedString } from '../../lib/validation';
import type { CloudModelRegistry, RegistryModel } from './cloud-model-registry';
import { CaptureVolume, VolumeAccessMode } from './capture-volume';
import type { ContainerResources } from './container-resources';
import { TerraformStack } from './private/cdktf';
import {
  CONTAINER_SECURITY_CONTEXT, DNS_EGRESS, POD_SECURITY_CONTEXT, cidrList, dnsLabel, httpsEgress, isDns1035Label, labelValue, labelsFor, pinnedImage,
  resourcesSchema, serviceName,
} from './private/kubernetes';
import { DeploymentV1, HorizontalPodAutoscalerV2, NamespaceV1, NetworkPolicyV1, PodDisruptionBudgetV1, ServiceV1 } from './private/providers';
import { regionSchema } from './private/region';
import { classifyResource, declareResourceFlow } from './private/residency-annotations';
import { isUnresolved, validateProps } from './private/validate';

/**
 * Where the site's pods may connect. Kubernetes network policies match IP blocks, not
 * host names, so give the addresses the AWS endpoints have FROM THE SITE: an interface
 * VPC endpoint reached over Direct Connect or VPN (whose private DNS makes
 * `s3.<region>.amazonaws.com` resolve to it), or a site egress proxy in front of them.
 */
export interface InferenceEgress {
  /** CIDR blocks of the registry's regional S3 endpoint (HTTPS). */
  readonly registryEndpointCidrs: readonly string[];
  /**
   * CIDR blocks of the CloudWatch metrics endpoint (HTTPS).
   * @default - none: the server itself sends no metrics
   */
  readonly metricsEndpointCidrs?: readonly string[];
}

/** How the service scales. */
export interface InferenceScaling {
  /**
   * Fewest pods; 2 or more keeps the service up while a node drains.
   * @default - 2, or 1 when `maxReplicas` is 1 (a single-node site)
   */
  readonly minReplicas?: number;
  /**
   * Most pods.
   * @default 6
   */
  readonly maxReplicas?: number;
  /**
   * Average CPU use, in percent of the request, that the autoscaler aims at.
   * @default 70
   */
  readonly targetCpuUtilizationPercent?: number;
}

/** Where and how much the service captures; see {@link OnPremInferenceServiceProps.capture}. */
export interface InferenceCapture {
  /** Percent of requests, from 0 to 100, whose inputs and outputs are written as capture records. */
  readonly percent: number;
  /** The volume the capture files are written to, the one the {@link OnPremDriftJob} reads. */
  readonly volume: CaptureVolume;
}

/** Props of {@link OnPremInferenceService}. */
export interface OnPremInferenceServiceProps {
  /** The on-prem ONNX server image (holding `server.js`), pinned by tag or digest. */
  readonly image: string;
  /** The model to serve; the server downloads it from S3 and serves it only if its SHA-256 matches. */
  readonly model: RegistryModel;
  /**
   * Name of an existing Kubernetes secret in the namespace whose keys become the
   * container's environment: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` (and
   * `AWS_SESSION_TOKEN` for temporary credentials) of the registry's pull identity. Created
   * outside Terraform so that the key never lands in the state.
   */
  readonly credentialsSecretName: string;
  /** Addresses the pods may reach, besides the cluster DNS. */
  readonly egress: InferenceEgress;
  /**
   * Namespace of every object.
   * @default 'sovereign-ml'
   */
  readonly namespace?: string;
  /**
   * Whether to create the namespace (labelled to enforce the `restricted` Pod Security
   * Standard). Set to false when it exists, e.g. because the credentials secret was put
   * there first.
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * Name of the deployment, service and their companions: a DNS-1035 label (1-63 lower-case
   * letters, digits and hyphens, starting with a letter), as Kubernetes requires of a Service.
   * @default - the model name, lower-cased, with other characters than a-z, 0-9 and - replaced
   * by -, after `model-` when it starts with a digit
   */
  readonly name?: string;
  /**
   * Scaling bounds and target.
   * @default - 2 to 6 pods at 70% CPU
   */
  readonly scaling?: InferenceScaling;
  /**
   * CPU and memory per pod.
   * @default - requests 500m CPU and 512Mi, limits 2 CPU and 1Gi
   */
  readonly resources?: ContainerResources;
  /**
   * Capture a share of requests to files on the site's capture volume, for the
   * {@link OnPremDriftJob} that reads the same volume. The volume is mounted read-write at
   * `/capture` and the server writes `/capture/YYYY/MM/DD/HH/<writer-id>.jsonl` (UTC hour
   * of the record), one file per server process, so any number of pods may share the
   * directory. The pods run as uid 1000 with `fsGroup` 1000, which makes a claim writable
   * when its CSI driver applies `fsGroup` (many NFS drivers do not: then the directory must
   * be writable by uid 1000); the server exits with code 2 at start when it cannot write.
   *
   * Pods on different nodes write at once (up to `scaling.maxReplicas`, plus one during a
   * rolling update), so the claim must be ReadWriteMany; ReadWriteOnce works only with
   * `maxReplicas` 1 on a single-node site. When the volume states its access modes
   * (`CaptureVolume.persistentVolumeClaim(name, { accessModes })`) they are checked.
   * @default - nothing is captured (`--capture-percent 0`)
   */
  readonly capture?: InferenceCapture;
  /**
   * Largest request body accepted, in bytes.
   * @default 6291456
   */
  readonly maxBodyBytes?: number;
  /**
   * CIDR blocks of clients outside the cluster allowed to call the service.
   * @default - only pods in the same namespace
   */
  readonly allowedClientCidrs?: readonly string[];
}

/** Port of the server (the image's health check assumes it). */
const PORT = 8080;

/** Where the capture volume is mounted, the server's `--capture-dir`. */
const CAPTURE_PATH = '/capture';

/** Fewest pods by default: one can be drained while the other serves. */
const DEFAULT_MIN_REPLICAS = 2;

const schema = z.strictObject({
  image: pinnedImage,
  model: z.object({
    // Server arguments (--name, --version): a leading "-" would be read as an option.
    name: z.string().regex(MODEL_NAME_PATTERN, MODEL_NAME_RULE),
    version: z.string().regex(MODEL_NAME_PATTERN, MODEL_NAME_RULE),
    region: regionSchema,
    s3Uri: z.string().refine((v) => isUnresolved(v) || /^s3:\/\/[^/]+\/.+/.test(v), { message: 'must be an s3://bucket/key URI' }),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
  }).passthrough(),
  credentialsSecretName: dnsLabel,
  egress: z.strictObject({ registryEndpointCidrs: cidrList, metricsEndpointCidrs: cidrList.optional() }),
  namespace: dnsLabel.default('sovereign-ml'),
  createNamespace: z.boolean().default(true),
  // The Service's name too, which Kubernetes wants a DNS-1035 label.
  name: checkedString(isUnresolved, isDns1035Label,
    'must be a DNS-1035 label (a Service name): 1-63 lower-case letters, digits and hyphens, starting with a letter and ending with a letter or digit').optional(),
  scaling: z.strictObject({
    minReplicas: checkedNumber(isUnresolved, (v) => Number.isInteger(v) && v >= 1 && v <= 100, 'must be a whole number from 1 to 100').optional(),
    maxReplicas: checkedNumber(isUnresolved, (v) => Number.isInteger(v) && v >= 1 && v <= 100, 'must be a whole number from 1 to 100').default(6),
    targetCpuUtilizationPercent: checkedNumber(isUnresolved, (v) => Number.isInteger(v) && v >= 10 && v <= 100, 'must be a whole percentage from 10 to 100').default(70),
  }).default({ maxReplicas: 6, targetCpuUtilizationPercent: 70 })
    // 2 pods unless at most 1 may run: `maxReplicas: 1` alone is a valid single-node setting.
    .transform(({ minReplicas, ...s }) => ({
      ...s, minReplicas: minReplicas ?? (!isUnresolved(s.maxReplicas) && s.maxReplicas < DEFAULT_MIN_REPLICAS ? s.maxReplicas : DEFAULT_MIN_REPLICAS),
    }))
    .superRefine((s, ctx) => {
      if (!isUnresolved(s.minReplicas) && !isUnresolved(s.maxReplicas) && s.minReplicas > s.maxReplicas) {
        ctx.addIssue({ code: 'custom', path: ['minReplicas'], input: s.minReplicas, message: `must not exceed maxReplicas ${s.maxReplicas}` });
      }
    }),
  resources: resourcesSchema({ cpuRequest: '500m', cpuLimit: '2', memoryRequest: '512Mi', memoryLimit: '1Gi' }),
  capture: z.strictObject({
    percent: checkedNumber(isUnresolved, (v) => v >= 0 && v <= 100, 'must be a percentage from 0 to 100'),
    volume: z.instanceof(CaptureVolume, { error: 'must be a CaptureVolume (CaptureVolume.persistentVolumeClaim or CaptureVolume.hostPath)' }),
  }).optional(),
  maxBodyBytes: checkedNumber(isUnresolved, (v) => Number.isInteger(v) && v >= 1024 && v <= 256 * 1024 * 1024, 'must be a whole number of bytes from 1024 to 268435456').default(6 * 1024 * 1024),
  allowedClientCidrs: z.array(z.union([z.cidrv4(), z.cidrv6()], { error: 'must be an IPv4 or IPv6 CIDR block such as "10.20.0.0/24"' })).optional(),
}).superRefine((p, ctx) => {
  const volume = p.capture?.volume;
  if (!volume) return;
  const issue = (message: string, input: string) => ctx.addIssue({ code: 'custom', path: ['capture', 'volume'], input, message });
  if (volume._isHostPath && p.createNamespace) {
    issue('is a host path, which the `restricted` Pod Security Standard of the namespace this construct creates forbids; use a claim, or createNamespace false and a namespace that allows `baseline` pods', volume._description);
  }
  const modes = volume.accessModes;
  if (modes === undefined) return;
  const maxReplicas = p.scaling.maxReplicas;
  if (modes.includes(VolumeAccessMode.READ_WRITE_MANY)) return;
  if (modes.includes(VolumeAccessMode.READ_WRITE_ONCE)) {
    if (!isUnresolved(maxReplicas) && maxReplicas > 1) {
      issue(`must be ReadWriteMany when up to ${maxReplicas} pods (scaling.maxReplicas) write to it: a ReadWriteOnce claim cannot be mounted by pods on other nodes; use a ReadWriteMany claim, or scaling.maxReplicas 1 on a single-node site`, modes.join(', '));
    }
    return;
  }
  // ReadWriteOncePod: the new pod of a rolling update and the drift job could never mount it; ReadOnlyMany: not writable.
  issue('must be ReadWriteMany (or ReadWriteOnce on a single-node site with scaling.maxReplicas 1): the server writes to it while the drift job reads it and, during a rolling update, while the new pod starts', modes.join(', '));
});

/**
 * The on-prem side of a hybrid deployment, with the Terraform Kubernetes provider: the
 * ONNX HTTP server (Open Inference Protocol) serving a model pulled from a
 * {@link CloudModelRegistry}, verified by SHA-256 before it is served.
 *
 * Creates a namespace, a deployment (non-root, read-only root file system with an
 * emptyDir `/tmp` for the downloaded model, readiness on `/v2/health/ready`, liveness on
 * `/v2/health/live`, requests and limits), a horizontal pod autoscaler, a pod disruption
 * budget, a ClusterIP service, and a network policy: ingress on the server port from the
 * namespace (and `allowedClientCidrs`), egress only to the registry endpoint, the metrics
 * endpoint and the cluster DNS. Payloads and predictions stay on the site; with `capture`,
 * sampled records go to hourly files on the site's capture volume, mounted read-write at
 * `/capture`, for the drift job.
 *
 * For the residency engine the deployment holds `inference-payload` and declares the
 * model pull, an inbound flow of `model-artifact` from the registry.
 */
export class OnPremInferenceService extends Construct {
  /** Namespace of the service. */
  public readonly namespaceName: string;
  /** Name of the deployment and service. */
  public readonly serviceName: string;
  /** Port of the service. */
  public readonly port = PORT;
  /** In-cluster URL of the service, e.g. `http://fraud.sovereign-ml.svc:8080`. */
  public readonly url: string;

  public constructor(scope: Construct, id: string, props: OnPremInferenceServiceProps) {
    super(scope, id);
    const p = validateProps(this, schema, props, 'props');
    const model = props.model;
    const name = p.name ?? serviceName(model.name);
    const labels = labelsFor(name, 'inference', { 'sovereign-ml/model': labelValue(model.name) });

    if (p.createNamespace) {
      const ns = new NamespaceV1(this, 'Namespace', {
        metadata: {
          name: p.namespace,
          labels: { 'app.kubernetes.io/part-of': 'sovereign-ml', 'pod-security.kubernetes.io/enforce': 'restricted' },
        },
      });
      this.namespaceName = ns.metadata.name;
    } else {
      this.namespaceName = p.namespace;
    }
    const namespace = this.namespaceName;
    this.serviceName = name;
    this.url = `http://${name}.${p.namespace}.svc:${PORT}`;

    const deployment = new DeploymentV1(this, 'Deployment', {
      // The autoscaler changes the replica count; without this every apply would reset it.
      lifecycle: { ignoreChanges: ['spec[0].replicas'] },
      metadata: { name, namespace, labels: labels.all },
      spec: {
        replicas: String(p.scaling.minReplicas),
        selector: { matchLabels: labels.selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1', maxUnavailable: '0' } },
        template: {
          metadata: { labels: { ...labels.all, 'sovereign-ml/model-version': labelValue(model.version) } },
          spec: {
            automountServiceAccountToken: false,
            // The server drains requests in flight for up to 10 s after SIGTERM.
            terminationGracePeriodSeconds: 30,
            // fsGroup 1000 (the image's group) makes the capture claim writable; OnRootMismatch
            // spares the kubelet a recursive chown of every capture file at each pod start.
            securityContext: p.capture ? { ...POD_SECURITY_CONTEXT, fsGroupChangePolicy: 'OnRootMismatch' } : POD_SECURITY_CONTEXT,
            container: [{
              name: 'server',
              image: p.image,
              command: ['node', 'server.js'],
              args: [
                '--model', model.s3Uri, '--sha256', model.sha256, '--name', model.name, '--version', model.version,
                '--port', String(PORT), '--host', '0.0.0.0', '--max-body-bytes', String(p.maxBodyBytes),
                // Explicitly 0 without a volume: capture on stdout would reach the site's log shipping.
                ...(p.capture ? ['--capture-dir', CAPTURE_PATH, '--capture-percent', String(p.capture.percent)] : ['--capture-percent', '0']),
              ],
              port: [{ name: 'http', containerPort: PORT, protocol: 'TCP' }],
              env: [{ name: 'AWS_REGION', value: model.region }],
              envFrom: [{ secretRef: { name: p.credentialsSecretName } }],
              readinessProbe: { httpGet: { path: '/v2/health/ready', port: String(PORT) }, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 2 },
              livenessProbe: { httpGet: { path: '/v2/health/live', port: String(PORT) }, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 },
              resources: {
                requests: { cpu: p.resources.cpuRequest, memory: p.resources.memoryRequest },
                limits: { cpu: p.resources.cpuLimit, memory: p.resources.memoryLimit },
              },
              securityContext: CONTAINER_SECURITY_CONTEXT,
              // The model is downloaded to /tmp; everything else but the capture volume is read-only.
              volumeMount: [
                { name: 'tmp', mountPath: '/tmp' },
                ...(p.capture ? [{ name: 'capture', mountPath: CAPTURE_PATH, readOnly: false }] : []),
              ],
            }],
            volume: [
              { name: 'tmp', emptyDir: { sizeLimit: '2Gi' } },
              ...(p.capture ? [{ name: 'capture', ...p.capture.volume._volumeSource(true) }] : []),
            ],
          },
        },
      },
    });
    classifyResource(deployment, DataClass.INFERENCE_PAYLOAD);
    declareResourceFlow(deployment, {
      kind: 'model',
      direction: 'in',
      target: registryTarget(this, model),
      dataClasses: [DataClass.MODEL_ARTIFACT],
      description: `pulls model ${model.name} version ${model.version} from the registry`,
    });

    new HorizontalPodAutoscalerV2(this, 'Autoscaler', {
      metadata: { name, namespace, labels: labels.all },
      spec: {
        minReplicas: p.scaling.minReplicas,
        maxReplicas: p.scaling.maxReplicas,
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name },
        metric: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: p.scaling.targetCpuUtilizationPercent } } }],
      },
    });

    new PodDisruptionBudgetV1(this, 'DisruptionBudget', {
      metadata: { name, namespace, labels: labels.all },
      // One pod at a time: drains proceed even at minReplicas 1, and never take the service down at 2 or more.
      spec: { maxUnavailable: '1', selector: { matchLabels: labels.selector } },
    });

    new ServiceV1(this, 'Service', {
      metadata: { name, namespace, labels: labels.all },
      spec: { type: 'ClusterIP', selector: labels.selector, port: [{ name: 'http', port: PORT, targetPort: 'http', protocol: 'TCP' }] },
    });

    new NetworkPolicyV1(this, 'NetworkPolicy', {
      metadata: { name, namespace, labels: labels.all },
      spec: {
        podSelector: { matchLabels: labels.selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{
          from: [{ podSelector: {} }, ...(p.allowedClientCidrs ?? []).map((c) => ({ ipBlock: { cidr: c } }))],
          ports: [{ port: String(PORT), protocol: 'TCP' }],
        }],
        egress: [
          httpsEgress(p.egress.registryEndpointCidrs),
          ...(p.egress.metricsEndpointCidrs ? [httpsEgress(p.egress.metricsEndpointCidrs)] : []),
          DNS_EGRESS,
        ],
      },
    });
  }
}

/** The bucket itself when it is in the same Terraform document, else the registry's region. */
function registryTarget(scope: Construct, model: RegistryModel): string {
  const registry: CloudModelRegistry | undefined = model.registry;
  if (registry && TerraformStack.of(registry) === TerraformStack.of(scope)) return registry.bucketArn;
  return `region:${model.region}`;
}
