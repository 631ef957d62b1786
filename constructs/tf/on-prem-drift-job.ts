import { Construct } from 'constructs';
import * as z from 'zod';
import { DEFAULT_DRIFT_NAMESPACE, isMetricNamespace, METRIC_NAMESPACE_RULE } from '../../lib/drift/metric-namespace';
import { MODEL_NAME_PATTERN, MODEL_NAME_RULE } from '../../lib/model-names';
import { DataClass } from '../../lib/residency/data-class';
import { checkedNumber, checkedString } from '../../lib/validation';
import { CaptureVolume } from './capture-volume';
import type { ContainerResources } from './container-resources';
import {
  CONTAINER_SECURITY_CONTEXT, DNS_EGRESS, POD_SECURITY_CONTEXT, cidrList, dnsLabel, dnsName, httpsEgress, isDnsLabel, labelValue, labelsFor, pinnedImage,
  resourcesSchema,
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
  /**
   * Model name, the `Model` dimension of the drift metrics: 1-64 letters, digits, `.`, `_`
   * and `-`, starting with a letter or digit.
   */
  readonly modelName: string;
  /** The baseline the captured traffic is compared with. */
  readonly baseline: SiteBaseline;
  /**
   * The site's volume of capture records, mounted read-only: the one an
   * {@link OnPremInferenceService} writes with `capture`, whose hour partitions
   * `YYYY/MM/DD/HH/` (UTC) each run reads.
   */
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
   * Length of the window each run evaluates, in minutes from 5 to 1440: the records of
   * the `windowMinutes` before the run starts (`--window-minutes`). The CLI reads whole
   * UTC hour partitions, so a window is widened to the hours it touches.
   *
   * A whole-hour window on a schedule that runs at most once an hour (an interval of whole
   * hours, or a single minute such as `15 9 * * 1-5`) ends at the start of the hour the run
   * starts in (`--window-end hour`): each run reads only complete hours, and consecutive
   * runs read each hour once. Other windows end when the run starts, and runs less than an
   * hour apart read the current hour again (a schedule such as `0,30 * * * *` ending at the
   * hour would send the same finished hour's metrics twice).
   *
   * When the schedule has a fixed interval (`@hourly`, `@daily`, every N minutes, a fixed
   * minute every hour or every N hours, a fixed time every day), the window must be at least
   * that long: a shorter one would leave records between two windows that no run evaluates.
   * A longer one is allowed (a sliding window; each run's metrics carry its own time).
   * @default - the schedule's interval when it has one (at least 5 minutes, at most 1440);
   * else 1440 for a schedule that runs at most once a day (a fixed hour, such as
   * `0 9 * * 1-5`, or `@weekly`, `@monthly`, `@yearly`), and 60 for any other
   */
  readonly windowMinutes?: number;
  /**
   * IANA time zone of the schedule.
   * @default 'Etc/UTC'
   */
  readonly timeZone?: string;
  /**
   * CloudWatch namespace of the metrics: 1 to 255 of letters, digits, `. - _ / # :` and
   * space, not blank, not starting with `:`, `AWS/` or `--` (what the CLI's `--namespace` takes).
   * @default 'SovereignML/Drift'
   */
  readonly metricNamespace?: string;
  /**
   * Name of the CronJob and its companions: a DNS label of at most 52 characters (Kubernetes
   * adds 11 to name each run's Job, and refuses longer CronJob names).
   * @default - `<model name>-drift`, the model name lower-cased with other characters than
   * a-z, 0-9 and - replaced by - (as the inference service's default name)
   */
  readonly name?: string;
  /**
   * CPU and memory of the job's pod.
   * @default - requests 250m CPU and 512Mi, limits 1 CPU and 1Gi
   */
  readonly resources?: ContainerResources;
}

/**
 * Most characters of a CronJob name: Kubernetes adds 11 characters to name each Job
 * (`-<minutes since the epoch>`) and refuses CronJob names over 52.
 */
const CRON_JOB_NAME_MAX = 52;

/** Suffix of the default name, after the model name. */
const DRIFT_SUFFIX = '-drift';

/** Fewest and most minutes of `windowMinutes`. */
const WINDOW_BOUNDS = { min: 5, max: 1440 };

function inWindowBounds(v: number): boolean {
  return Number.isInteger(v) && v >= WINDOW_BOUNDS.min && v <= WINDOW_BOUNDS.max;
}

const schema = z.strictObject({
  namespace: dnsLabel,
  image: pinnedImage,
  // A CLI argument (--model): a leading "-" would be read as an option.
  modelName: z.string().regex(MODEL_NAME_PATTERN, MODEL_NAME_RULE),
  baseline: z.instanceof(SiteBaseline, { error: 'must be a SiteBaseline (SiteBaseline.fromFile or SiteBaseline.fromPath)' }),
  capture: z.instanceof(CaptureVolume, { error: 'must be a CaptureVolume (CaptureVolume.persistentVolumeClaim or CaptureVolume.hostPath)' }),
  cloudWatchRegion: regionSchema,
  metricsEndpointCidrs: cidrList,
  credentialsSecretName: dnsLabel,
  schedule: checkedString(isUnresolved, (v) => /^(@(hourly|daily|weekly|monthly|yearly)|(\S+\s+){4}\S+)$/.test(v.trim()),
    'must be a cron expression of five fields, such as "0 * * * *", or @hourly, @daily, @weekly, @monthly, @yearly').default('0 * * * *'),
  timeZone: checkedString(isUnresolved, (v) => /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(v), 'must be an IANA time zone such as "Asia/Hong_Kong"').default('Etc/UTC'),
  // The CLI's rule; and the CLI reads a value starting with "--" as the next option.
  metricNamespace: checkedString(isUnresolved, (v) => isMetricNamespace(v) && !v.startsWith('--'), `${METRIC_NAMESPACE_RULE} or "--"`)
    .default(DEFAULT_DRIFT_NAMESPACE),
  windowMinutes: checkedNumber(isUnresolved, inWindowBounds, `must be a whole number of minutes from ${WINDOW_BOUNDS.min} to ${WINDOW_BOUNDS.max} (a day)`).optional(),
  name: checkedString(isUnresolved, (v) => isDnsLabel(v, CRON_JOB_NAME_MAX),
    `must be a DNS label of 1-${CRON_JOB_NAME_MAX} lower-case letters, digits and hyphens, starting and ending with a letter or digit (Kubernetes refuses CronJob names over ${CRON_JOB_NAME_MAX} characters)`).optional(),
  resources: resourcesSchema({ cpuRequest: '250m', cpuLimit: '1', memoryRequest: '512Mi', memoryLimit: '1Gi' }),
}).superRefine((p, ctx) => {
  if (p.windowMinutes === undefined || isUnresolved(p.windowMinutes) || !inWindowBounds(p.windowMinutes) || isUnresolved(p.schedule)) return;
  const interval = scheduleIntervalMinutes(p.schedule);
  if (interval !== undefined && p.windowMinutes < interval) {
    ctx.addIssue({
      code: 'custom', path: ['windowMinutes'], input: p.windowMinutes,
      message: `must be at least the interval of the schedule ${JSON.stringify(p.schedule)}, ${interval} minutes: records between two windows would never be evaluated`,
    });
  }
});

/**
 * Minutes between two runs of a schedule with a fixed interval, for the common forms
 * (every N minutes dividing an hour, hourly, every N hours dividing a day, daily); undefined
 * for anything else (lists, ranges, days of the month or week, @weekly and longer).
 */
function scheduleIntervalMinutes(schedule: string): number | undefined {
  const s = schedule.trim();
  if (s === '@hourly') return 60;
  if (s === '@daily') return 1440;
  const fields = s.split(/\s+/);
  if (fields.length !== 5 || fields.slice(2).some((f) => f !== '*')) return undefined;
  const [minute, hour] = fields as [string, string];
  const every = (field: string, unit: number) => {
    const m = /^\*\/(\d+)$/.exec(field);
    const n = m ? Number(m[1]) : NaN;
    return n >= 1 && n <= unit && unit % n === 0 ? n : undefined;
  };
  const fixed = (field: string, max: number) => /^\d+$/.test(field) && Number(field) <= max;
  if (hour === '*') {
    if (fixed(minute, 59)) return 60;
    return every(minute, 60);
  }
  if (!fixed(minute, 59)) return undefined;
  if (fixed(hour, 23)) return 1440;
  const hours = every(hour, 24);
  return hours !== undefined ? hours * 60 : undefined;
}

/** The five fields of the macros the schema accepts, as cron defines them. */
const MACROS: Record<string, string> = {
  '@hourly': '0 * * * *', '@daily': '0 0 * * *', '@weekly': '0 0 * * 0', '@monthly': '0 0 1 * *', '@yearly': '0 0 1 1 *',
};

/** The minute and hour fields of a schedule (a macro spelled out); undefined when it does not have five fields. */
function minuteAndHour(schedule: string): { minute: string; hour: string } | undefined {
  const s = schedule.trim();
  const fields = (MACROS[s] ?? s).split(/\s+/);
  return fields.length === 5 ? { minute: fields[0]!, hour: fields[1]! } : undefined;
}

/** Whether a cron field is a single literal number: the schedule fires at one value of it. */
function isSingle(field: string): boolean {
  return /^\d+$/.test(field);
}

/** Whether a schedule runs at most once an hour: a single minute (whatever the hours and days). */
function runsAtMostHourly(schedule: string): boolean {
  const f = minuteAndHour(schedule);
  return f !== undefined && isSingle(f.minute);
}

/** Whether a schedule runs at most once a day: a single minute and a single hour (whatever the days). */
function runsAtMostDaily(schedule: string): boolean {
  const f = minuteAndHour(schedule);
  return f !== undefined && isSingle(f.minute) && isSingle(f.hour);
}

/**
 * The default window of a schedule without a fixed interval: a schedule that runs at most
 * once a day (a fixed hour on some days, or weekly and rarer) gets the longest window, a
 * day; any other (several times an hour or a day, on irregular minutes) an hour.
 */
function irregularWindowMinutes(schedule: string): number {
  return runsAtMostDaily(schedule) ? WINDOW_BOUNDS.max : 60;
}

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
    const name = p.name ?? `${dnsName(p.modelName, CRON_JOB_NAME_MAX - DRIFT_SUFFIX.length)}${DRIFT_SUFFIX}`;
    // The same label as the model's OnPremInferenceService: one selector finds both.
    const labels = labelsFor(name, 'drift', { 'sovereign-ml/model': labelValue(p.modelName) });
    const namespace = p.namespace;
    const interval = isUnresolved(p.schedule) ? undefined : scheduleIntervalMinutes(p.schedule);
    const windowMinutes = p.windowMinutes
      ?? (interval !== undefined ? Math.min(Math.max(interval, WINDOW_BOUNDS.min), WINDOW_BOUNDS.max) : irregularWindowMinutes(p.schedule));
    // Whole hours, at most one run an hour: end at the hour so that runs read complete, disjoint hours.
    // Runs more often than hourly would each read the same finished hour and send its metrics again.
    const atMostHourly = !isUnresolved(p.schedule) && (interval !== undefined ? interval % 60 === 0 : runsAtMostHourly(p.schedule));
    const wholeHours = !isUnresolved(windowMinutes) && windowMinutes % 60 === 0 && atMostHourly;

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
                    'drift', '--baseline', p.baseline._containerPath, '--capture', '/capture', '--window-minutes', String(windowMinutes),
                    ...(wholeHours ? ['--window-end', 'hour'] : []),
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
