import { Construct } from 'constructs';
import * as z from 'zod';
import { DataClass } from '../../lib/residency/data-class';
import { checkedString } from '../../lib/validation';
import { CaptureVolume } from './capture-volume';
import type { ContainerResources } from './container-resources';
import {
  CONTAINER_SECURITY_CONTEXT, DNS_EGRESS, POD_SECURITY_CONTEXT, cidrList, dnsLabel, httpsEgress, labelsFor, pinnedImage, resourcesSchema,
} from './private/kubernetes';
import { ConfigMapV1, CronJobV1, NetworkPolicyV1 } from './private/providers';
import { classifyResource, declareResourceFlow } from './private/residency-annotations';
import { isUnresolved, validateProps } from './private/validate';
import { regionSchema } from './private/region';
import { SiteBaseline } from './site-baseline';

/** Props of {@link OnPremDriftJob}. */
export interface OnPremDriftJobProps {
  /** Namespace of the job (the inference service's, say). */
  readonly namespace: string;
  /** The on-prem image holding `sovereign-ml.js` (the same image as the server), pinned by tag or digest. */
  readonly image: string;
  /** Model name, the `Model` dimension of the drift metrics. */
  readonly modelName: string;
  /** The baseline the captured traffic is compared with. */
  readonly baseline: SiteBaseline;
  /** The site's volume of capture records, mounted read-only. */
  readonly capture: CaptureVolume;
  /** Region of the CloudWatch endpoint receiving the aggregate drift metrics, such as `ap-east-1`. */
  readonly cloudWatchRegion: string;
  /**
   * CIDR blocks of the CloudWatch metrics endpoint as seen from the site (an interface VPC
   * endpoint over Direct Connect or VPN, or a site egress proxy); the job reaches nothing
   * else but the cluster DNS.
   */
  readonly metricsEndpointCidrs: readonly string[];
  /**
   * Name of an existing Kubernetes secret whose keys become the job's environment:
   * credentials allowed `cloudwatch:PutMetricData` (and nothing else is needed).
   */
  readonly credentialsSecretName: string;
  /**
   * Cron schedule, five fields.
   * @default '0 * * * *' (hourly)
   */
  readonly schedule?: string;
  /**
   * IANA time zone of the schedule.
   * @default 'Etc/UTC'
   */
  readonly timeZone?: string;
  /**
   * CloudWatch namespace of the metrics.
   * @default 'SovereignML/Drift'
   */
  readonly metricNamespace?: string;
  /**
   * Name of the CronJob and its companions.
   * @default - `<model name>-drift`, lower-cased
   */
  readonly name?: string;
  /**
   * CPU and memory of the job's pod.
   * @default - requests 250m CPU and 512Mi, limits 1 CPU and 1Gi
   */
  readonly resources?: ContainerResources;
}

const schema = z.strictObject({
  namespace: dnsLabel,
  image: pinnedImage,
  modelName: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" and "-"'),
  baseline: z.instanceof(SiteBaseline, { error: 'must be a SiteBaseline (SiteBaseline.fromFile or SiteBaseline.fromPath)' }),
  capture: z.instanceof(CaptureVolume, { error: 'must be a CaptureVolume (CaptureVolume.persistentVolumeClaim or CaptureVolume.hostPath)' }),
  cloudWatchRegion: regionSchema,
  metricsEndpointCidrs: cidrList,
  credentialsSecretName: dnsLabel,
  schedule: checkedString(isUnresolved, (v) => /^(@(hourly|daily|weekly|monthly|yearly)|(\S+\s+){4}\S+)$/.test(v.trim()),
    'must be a cron expression of five fields, such as "0 * * * *", or @hourly, @daily, @weekly, @monthly, @yearly').default('0 * * * *'),
  timeZone: checkedString(isUnresolved, (v) => /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(v), 'must be an IANA time zone such as "Asia/Hong_Kong"').default('Etc/UTC'),
  metricNamespace: checkedString(isUnresolved, (v) => /^[A-Za-z0-9._\-/#:]{1,255}$/.test(v) && !v.startsWith('AWS/'),
    'must be 1-255 letters, digits and . _ - / # : and not start with "AWS/"').default('SovereignML/Drift'),
  name: dnsLabel.optional(),
  resources: resourcesSchema({ cpuRequest: '250m', cpuLimit: '1', memoryRequest: '512Mi', memoryLimit: '1Gi' }),
});

/**
 * Exit codes of `sovereign-ml drift` that retrying cannot change: 1 drift found, 2 unusable
 * input. Exit 3 (publishing the metrics failed) and crashes are retried, up to `backoffLimit`.
 */
const FINAL_EXIT_CODES = [1, 2];

/**
 * A Kubernetes CronJob that evaluates the site's captured traffic against a baseline with
 * `sovereign-ml drift` and sends only aggregate drift metrics (per-feature statistics,
 * the dataset verdict) to CloudWatch in the cloud region. Capture records stay on the
 * site: the job reads them from a read-only volume, and its network policy lets it reach
 * the metrics endpoint and the cluster DNS only.
 *
 * For the residency engine the job holds `inference-payload` and declares an outbound
 * flow of `telemetry` to the CloudWatch region.
 */
export class OnPremDriftJob extends Construct {
  /** Name of the CronJob. */
  public readonly cronJobName: string;

  public constructor(scope: Construct, id: string, props: OnPremDriftJobProps) {
    super(scope, id);
    const p = validateProps(this, schema, props, 'props');
    const name = p.name ?? `${p.modelName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+/, '').slice(0, 46).replace(/-+$/, '') || 'model'}-drift`;
    const labels = labelsFor(name, 'drift', { 'sovereign-ml/model': p.modelName.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').slice(0, 63) });
    const namespace = p.namespace;

    const volumes: Array<Record<string, unknown>> = [
      { name: 'capture', ...p.capture._volumeSource() },
      { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
    ];
    const mounts = [{ name: 'capture', mountPath: '/capture', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }];
    const configMap = p.baseline._configMap;
    if (configMap) {
      const cm = new ConfigMapV1(this, 'Baseline', {
        metadata: { name: `${name}-baseline`, namespace, labels: labels.all },
        data: { [configMap.fileName]: configMap.text },
      });
      volumes.push({ name: 'baseline', configMap: { name: cm.metadata.name } });
      mounts.push({ name: 'baseline', mountPath: '/baseline', readOnly: true });
    }

    const cronJob = new CronJobV1(this, 'Resource', {
      metadata: { name, namespace, labels: labels.all },
      spec: {
        schedule: p.schedule,
        timezone: p.timeZone,
        // Windows must not overlap: two runs would send the same window's metrics twice.
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels: labels.all },
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 3600,
            ttlSecondsAfterFinished: '86400',
            // Drift found (1) or unusable input (2) is an answer, not a transient failure: no retry.
            podFailurePolicy: { rule: [{ action: 'FailJob', onExitCodes: { containerName: 'drift', operator: 'In', values: FINAL_EXIT_CODES } }] },
            template: {
              metadata: { labels: labels.all },
              spec: {
                restartPolicy: 'Never',
                automountServiceAccountToken: false,
                securityContext: POD_SECURITY_CONTEXT,
                container: [{
                  name: 'drift',
                  image: p.image,
                  command: ['node', 'sovereign-ml.js'],
                  args: [
                    'drift', '--baseline', p.baseline._containerPath, '--capture', '/capture',
                    '--cloudwatch-region', p.cloudWatchRegion, '--model', p.modelName, '--namespace', p.metricNamespace,
                  ],
                  env: [{ name: 'AWS_REGION', value: p.cloudWatchRegion }],
                  envFrom: [{ secretRef: { name: p.credentialsSecretName } }],
                  resources: {
                    requests: { cpu: p.resources.cpuRequest, memory: p.resources.memoryRequest },
                    limits: { cpu: p.resources.cpuLimit, memory: p.resources.memoryLimit },
                  },
                  securityContext: CONTAINER_SECURITY_CONTEXT,
                  volumeMount: mounts,
                }],
                volume: volumes,
              },
            },
          },
        },
      },
    });
    this.cronJobName = cronJob.metadata.name;
    classifyResource(cronJob, DataClass.INFERENCE_PAYLOAD);
    declareResourceFlow(cronJob, {
      kind: 'metrics',
      direction: 'out',
      target: `region:${p.cloudWatchRegion}`,
      dataClasses: [DataClass.TELEMETRY],
      description: `sends aggregate drift metrics of ${p.modelName} to CloudWatch`,
    });

    new NetworkPolicyV1(this, 'NetworkPolicy', {
      metadata: { name, namespace, labels: labels.all },
      spec: {
        podSelector: { matchLabels: labels.selector },
        // No ingress rule: nothing may connect to the job.
        policyTypes: ['Ingress', 'Egress'],
        egress: [httpsEgress(p.metricsEndpointCidrs), DNS_EGRESS],
      },
    });
  }
}
