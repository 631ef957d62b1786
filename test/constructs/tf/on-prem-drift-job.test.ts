import * as fs from 'node:fs';
import * as path from 'node:path';
import { CaptureVolume, OnPremDriftJob, SiteBaseline, type OnPremDriftJobProps } from '../../../constructs/tf';
import { TerraformVariable, Testing } from '../../../constructs/tf/private/cdktf';
import { CronJobV1 } from '../../../constructs/tf/private/providers';
import { ErrorCode } from '../../../lib/errors';
import { errorOf } from '../../support/errors';
import { annotation, at, list, newStack, object, onlyResource, parseJson, resources, strings, terraformJson, text } from './tf-support';
import { tempDir } from '../../support/temp-dir';

const BASELINE = path.join(__dirname, '..', '..', '..', 'examples', 'hk-fraud', 'model', 'baseline.json');

const props = (): OnPremDriftJobProps => ({
  namespace: 'shipment-risk',
  image: 'registry.site.internal/onnx-server:0.1.0',
  modelName: 'shipment-risk',
  baseline: SiteBaseline.fromFile(BASELINE),
  capture: CaptureVolume.persistentVolumeClaim('shipment-risk-capture'),
  cloudWatchRegion: 'ap-east-1',
  metricsEndpointCidrs: ['10.80.2.0/28'],
  credentialsSecretName: 'aws-drift-metrics',
});

function driftJob(overrides: Partial<OnPremDriftJobProps> = {}) {
  const stack = newStack();
  const job = new OnPremDriftJob(stack, 'Drift', { ...props(), ...overrides });
  return { stack, job, json: terraformJson(stack) };
}

describe('OnPremDriftJob', () => {
  test('runs the drift CLI hourly over the capture volume against the baseline ConfigMap', () => {
    const { stack, json } = driftJob();
    expect(Testing.synth(stack)).toHaveResourceWithProperties(CronJobV1, {
      spec: expect.objectContaining({ schedule: '0 * * * *', timezone: 'Etc/UTC', concurrency_policy: 'Forbid' }),
    });
    const cronJob = onlyResource(json, 'kubernetes_cron_job_v1');
    const pod = object(at(cronJob, 'spec.job_template.spec.template.spec'));
    const container = object(at(pod, 'container.0'));
    expect(container.command).toEqual(['node', 'sovereign-ml.js']);
    expect(container.args).toEqual([
      'drift', '--baseline', '/baseline/baseline.json', '--capture', '/capture', '--window-minutes', '60', '--window-end', 'hour',
      '--cloudwatch-region', 'ap-east-1', '--model', 'shipment-risk', '--namespace', 'SovereignML/Drift',
    ]);
    expect(container.env_from).toEqual([{ secret_ref: { name: 'aws-drift-metrics' } }]);
    expect(container.volume_mount).toEqual(expect.arrayContaining([
      { name: 'capture', mount_path: '/capture', read_only: true },
      { name: 'baseline', mount_path: '/baseline', read_only: true },
      { name: 'tmp', mount_path: '/tmp' },
    ]));
    expect(pod.volume).toEqual(expect.arrayContaining([
      { name: 'capture', persistent_volume_claim: { claim_name: 'shipment-risk-capture', read_only: true } },
      { name: 'baseline', config_map: { name: expect.stringMatching(/^\$\{kubernetes_config_map_v1\.\w+\.metadata\[0\]\.name\}$/) } },
    ]));
    const configMap = onlyResource(json, 'kubernetes_config_map_v1');
    expect(parseJson(text(at(configMap, ['data', 'baseline.json'])))).toEqual(parseJson(fs.readFileSync(BASELINE, 'utf8')));
  });

  const argAfter = (json: ReturnType<typeof driftJob>['json'], flag: string) => {
    const args: string[] = strings(at(onlyResource(json, 'kubernetes_cron_job_v1'), 'spec.job_template.spec.template.spec.container.0.args'));
    return args[args.indexOf(flag) + 1];
  };

  test.each([
    ['0 * * * *', '60'],
    ['@hourly', '60'],
    ['*/15 * * * *', '15'],
    ['*/2 * * * *', '5'], // the interval, raised to the 5-minute floor
    ['5 */6 * * *', '360'],
    ['30 2 * * *', '1440'],
    ['@daily', '1440'],
    ['0 9 * * 1-5', '1440'], // no fixed interval, at most daily: a day
    ['15 3 1 * *', '1440'],
    ['@weekly', '1440'],
    ['@monthly', '1440'],
    ['0,30 * * * *', '60'], // no fixed interval, more often: an hour
    ['0 8-18 * * *', '60'],
  ])('the window defaults to the interval of the schedule %s: --window-minutes %s', (schedule, minutes) => {
    expect(argAfter(driftJob({ schedule }).json, '--window-minutes')).toBe(minutes);
  });

  const windowEnd = (json: ReturnType<typeof driftJob>['json']) => {
    const args: string[] = strings(at(onlyResource(json, 'kubernetes_cron_job_v1'), 'spec.job_template.spec.template.spec.container.0.args'));
    return args.includes('--window-end') ? args[args.indexOf('--window-end') + 1] : undefined;
  };

  test.each([
    // [schedule, windowMinutes, --window-end]: whole hours, at most one run an hour, end at the hour.
    ['0 * * * *', undefined, 'hour'],
    ['5 */6 * * *', undefined, 'hour'],
    ['30 2 * * *', undefined, 'hour'],
    ['0 9 * * 1-5', undefined, 'hour'], // no fixed interval, a day's window
    ['15 9 * * 1-5', undefined, 'hour'], // no fixed interval, one minute: at most hourly
    ['0 8-18 * * *', undefined, 'hour'], // no fixed interval, one minute of several hours
    ['@weekly', undefined, 'hour'],
    ['0,30 * * * *', undefined, undefined], // twice an hour: ending at the hour would send the same finished hour twice
    ['* * * * *', undefined, undefined], // every minute
    ['0,30 * * * *', 120, undefined],
    ['0 * * * *', 180, 'hour'],
    ['*/15 * * * *', 60, undefined], // four runs an hour: ending at the hour would repeat one window
    ['*/15 * * * *', undefined, undefined],
    ['0 9 * * 1-5', 5, undefined],
    ['0 * * * *', 90, undefined],
  ] as const)('schedule %s, windowMinutes %s: --window-end %s', (schedule, windowMinutes, end) => {
    expect(windowEnd(driftJob({ schedule, ...(windowMinutes !== undefined ? { windowMinutes } : {}) }).json)).toBe(end);
  });

  test('a schedule from a Terraform variable, which may run more than hourly, gets no --window-end', () => {
    const stack = newStack();
    const schedule = new TerraformVariable(stack, 'schedule', { type: 'string' }).stringValue;
    new OnPremDriftJob(stack, 'Drift', { ...props(), schedule });
    const args: string[] = strings(at(onlyResource(terraformJson(stack), 'kubernetes_cron_job_v1'), 'spec.job_template.spec.template.spec.container.0.args'));
    expect(args.slice(args.indexOf('--window-minutes'), args.indexOf('--window-minutes') + 2)).toEqual(['--window-minutes', '60']);
    expect(args).not.toContain('--window-end');
  });

  test('a window from a Terraform variable is passed as its reference, without --window-end', () => {
    const stack = newStack();
    const windowMinutes = new TerraformVariable(stack, 'window_minutes', { type: 'number' }).numberValue;
    new OnPremDriftJob(stack, 'Drift', { ...props(), windowMinutes });
    const args: string[] = strings(at(onlyResource(terraformJson(stack), 'kubernetes_cron_job_v1'), 'spec.job_template.spec.template.spec.container.0.args'));
    expect(args[args.indexOf('--window-minutes') + 1]).toBe('${var.window_minutes}');
    expect(args).not.toContain('--window-end');
  });

  test('takes a window longer than the schedule interval (a sliding window)', () => {
    expect(argAfter(driftJob({ windowMinutes: 180 }).json, '--window-minutes')).toBe('180');
    expect(argAfter(driftJob({ schedule: '*/15 * * * *', windowMinutes: 60 }).json, '--window-minutes')).toBe('60');
    expect(argAfter(driftJob({ schedule: '0 9 * * 1-5', windowMinutes: 5 }).json, '--window-minutes')).toBe('5');
  });

  test.each([4, 1441, 7.5, 0])('fails when windowMinutes is %s, outside whole minutes from 5 to 1440', (windowMinutes) => {
    const e = errorOf(() => driftJob({ windowMinutes }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.detail).toBe(`props.windowMinutes must be a whole number of minutes from 5 to 1440 (a day), got ${windowMinutes}`);
  });

  test('fails when the window is shorter than the schedule interval, leaving records unevaluated', () => {
    const e = errorOf(() => driftJob({ windowMinutes: 30 }));
    expect(e.detail).toBe('props.windowMinutes must be at least the interval of the schedule "0 * * * *", 60 minutes: records between two windows would never be evaluated, got 30');
    expect(e.constructPath).toBe('test/Drift');
    expect(errorOf(() => driftJob({ schedule: '@daily', windowMinutes: 1439 })).detail).toMatch(/interval of the schedule "@daily", 1440 minutes.*got 1439$/);
  });

  test.each([
    // [model name, CronJob name, sovereign-ml/model label]: the label is the inference service's.
    ['shipment_risk', 'shipment-risk-drift', 'shipment_risk'],
    ['risk.', 'risk-drift', 'risk'],
    ['Risk_Model.v2-', 'risk-model-v2-drift', 'Risk_Model.v2'],
    ['r'.repeat(64), `${'r'.repeat(46)}-drift`, 'r'.repeat(63)],
    [`${'x'.repeat(45)}_yz`, `${'x'.repeat(45)}-drift`, `${'x'.repeat(45)}_yz`], // cut to 46, then no trailing "-"
    [`${'l'.repeat(62)}.z`, `${'l'.repeat(46)}-drift`, 'l'.repeat(62)], // label cut to 63, then no trailing "."
    ['a-_.b', 'a--b-drift', 'a-_.b'], // each run of other characters is one "-"
  ])('model %j: CronJob %j, label sovereign-ml/model %j', (modelName, name, label) => {
    const json = driftJob({ modelName }).json;
    for (const type of ['kubernetes_cron_job_v1', 'kubernetes_network_policy_v1', 'kubernetes_config_map_v1']) {
      const metadata = object(at(onlyResource(json, type), 'metadata'));
      expect(metadata.name).toBe(type === 'kubernetes_config_map_v1' ? `${name}-baseline` : name);
      expect(at(metadata, ['labels', 'sovereign-ml/model'])).toBe(label);
      expect(at(metadata, ['labels', 'app.kubernetes.io/name'])).toBe(name);
    }
    expect(at(onlyResource(json, 'kubernetes_cron_job_v1'), ['spec', 'job_template', 'spec', 'template', 'metadata', 'labels', 'sovereign-ml/model'])).toBe(label);
  });

  test('takes a name of 52 characters and refuses 53, which Kubernetes refuses for a CronJob', () => {
    const name52 = 'shipment-risk-drift-0123456789-0123456789-0123456789';
    expect(name52).toHaveLength(52);
    expect(at(onlyResource(driftJob({ name: name52 }).json, 'kubernetes_cron_job_v1'), 'metadata.name')).toBe(name52);
    const e = errorOf(() => driftJob({ name: `${name52}a` }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.detail).toBe('props.name must be a DNS label of 1-52 lower-case letters, digits and hyphens, starting and ending with a letter or digit (Kubernetes refuses CronJob names over 52 characters), got "shipment-risk-drift-0123456789-0123456789-0123456789a"');
    expect(errorOf(() => driftJob({ name: 'Risk' })).detail).toMatch(/^props\.name must be a DNS label of 1-52 /);
  });

  test('does not retry when the CLI answers drift (1) or unusable input (2)', () => {
    const spec = object(at(onlyResource(driftJob().json, 'kubernetes_cron_job_v1'), 'spec.job_template.spec'));
    expect(spec.pod_failure_policy).toEqual({ rule: [{ action: 'FailJob', on_exit_codes: { container_name: 'drift', operator: 'In', values: [1, 2] } }] });
    expect(at(spec, 'template.spec.restart_policy')).toBe('Never');
  });

  test('runs non-root with a read-only root file system and limits', () => {
    const pod = object(at(onlyResource(driftJob().json, 'kubernetes_cron_job_v1'), 'spec.job_template.spec.template.spec'));
    expect(pod.security_context).toMatchObject({ run_as_non_root: true, seccomp_profile: { type: 'RuntimeDefault' } });
    expect(at(pod, 'container.0.security_context')).toMatchObject({ read_only_root_filesystem: true, allow_privilege_escalation: false });
    expect(at(pod, 'container.0.resources')).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } });
  });

  test('reaches only the metrics endpoint and cluster DNS, and accepts no connections', () => {
    const policy = onlyResource(driftJob().json, 'kubernetes_network_policy_v1');
    expect(at(policy, 'spec.policy_types')).toEqual(['Ingress', 'Egress']);
    expect(at(policy, 'spec.ingress')).toBeUndefined();
    expect(at(policy, 'spec.egress')).toEqual([
      { to: [{ ip_block: { cidr: '10.80.2.0/28' } }], ports: [{ port: '443', protocol: 'TCP' }] },
      expect.objectContaining({ ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }] }),
    ]);
  });

  test('holds inference payloads and sends only telemetry to the CloudWatch region', () => {
    expect(annotation(onlyResource(driftJob().json, 'kubernetes_cron_job_v1'))).toEqual({
      dataClasses: ['inference-payload'],
      flows: [{ kind: 'metrics', direction: 'out', target: 'region:ap-east-1', dataClasses: ['telemetry'], description: expect.stringContaining('aggregate drift metrics') }],
    });
  });

  test('takes a baseline path and a host path without a ConfigMap', () => {
    const { json } = driftJob({ baseline: SiteBaseline.fromPath('/app/baseline.json'), capture: CaptureVolume.hostPath('/srv/capture'), schedule: '*/15 * * * *' });
    expect(resources(json, 'kubernetes_config_map_v1')).toHaveLength(0);
    const cronJob = onlyResource(json, 'kubernetes_cron_job_v1');
    expect(at(cronJob, 'spec.schedule')).toBe('*/15 * * * *');
    const pod = object(at(cronJob, 'spec.job_template.spec.template.spec'));
    expect(list(at(pod, 'container.0.args')).slice(0, 3)).toEqual(['drift', '--baseline', '/app/baseline.json']);
    expect(pod.volume).toEqual(expect.arrayContaining([{ name: 'capture', host_path: { path: '/srv/capture', type: 'Directory' } }]));
  });

  test('fails when the schedule, region or metric namespace is malformed', () => {
    const e = errorOf(() => driftJob({ schedule: 'every hour' }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toMatch(/props\.schedule must be a cron expression of five fields.*got "every hour"/);
    expect(errorOf(() => driftJob({ cloudWatchRegion: 'hk-1' })).message).toMatch(/props\.cloudWatchRegion must be an AWS region in the catalog/);
    expect(errorOf(() => driftJob({ metricsEndpointCidrs: ['10.80.2.0'] })).message).toMatch(/props\.metricsEndpointCidrs\[0\] must be an IPv4 or IPv6 CIDR block/);
  });

  test.each([['..'], ['.'], ['-x'], ['--namespace']])('fails when the model name is %j, which the CLI would read as an option or which is no name', (modelName) => {
    const e = errorOf(() => driftJob({ modelName }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.detail).toBe(`props.modelName must be 1-64 letters, digits, ".", "_" and "-", starting with a letter or digit, got ${JSON.stringify(modelName)}`);
  });

  test.each([[':x'], ['AWS/EC2'], ['   '], ['--x'], ['Drift|prod']])('fails at synth when the metric namespace is %j, which the CLI refuses every run', (metricNamespace) => {
    const e = errorOf(() => driftJob({ metricNamespace }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.detail).toBe(`props.metricNamespace must be 1 to 255 of letters, digits, . - _ / # : and space, not blank, not starting with ":" or "AWS/" or "--", got ${JSON.stringify(metricNamespace)}`);
  });

  test('fails when the metric namespace is longer than 255 characters', () => {
    expect(argAfter(driftJob({ metricNamespace: 'n'.repeat(255) }).json, '--namespace')).toBe('n'.repeat(255));
    expect(errorOf(() => driftJob({ metricNamespace: 'n'.repeat(256) })).detail)
      .toBe(`props.metricNamespace must be 1 to 255 of letters, digits, . - _ / # : and space, not blank, not starting with ":" or "AWS/" or "--", got "${'n'.repeat(77)}..."`);
  });

  test('passes a namespace with spaces, # and : to the CLI as one argument', () => {
    expect(argAfter(driftJob({ metricNamespace: 'Sovereign ML/Drift#hk:1' }).json, '--namespace')).toBe('Sovereign ML/Drift#hk:1');
  });

  test('fails when the baseline is not a baseline file or too large for a ConfigMap', () => {
    const dir = tempDir('tf-baseline-');
    const notBaseline = path.join(dir, 'not-baseline.json');
    fs.writeFileSync(notBaseline, JSON.stringify({ hello: 'world' }));
    expect(errorOf(() => SiteBaseline.fromFile(notBaseline)).code).toBe(ErrorCode.INVALID_PROPS);
    const big = path.join(dir, 'big.json');
    const doc = parseJson(fs.readFileSync(BASELINE, 'utf8'));
    fs.writeFileSync(big, JSON.stringify(doc, null, 1) + ' '.repeat(1024 * 1024));
    expect(errorOf(() => SiteBaseline.fromFile(big)).message).toMatch(/more than a ConfigMap holds.*SiteBaseline\.fromPath/);
    expect(errorOf(() => SiteBaseline.fromPath('baseline.json')).message).toMatch(/baseline path must be an absolute file path/);
  });

  test('refuses a baseline file too large for a ConfigMap before reading it, and names a file that cannot be read or parsed', () => {
    const dir = tempDir('tf-baseline-');
    // Not JSON at all: the size alone refuses it, so it is never read nor parsed.
    const big = path.join(dir, 'big.json');
    fs.writeFileSync(big, '{'.repeat(1024 * 1024));
    expect(errorOf(() => SiteBaseline.fromFile(big)).detail)
      .toBe(`baseline ${JSON.stringify(big)} is 1048576 bytes, more than a ConfigMap holds (1 MiB with its metadata); put it on a volume and use SiteBaseline.fromPath`);
    const missing = path.join(dir, 'missing.json');
    expect(errorOf(() => SiteBaseline.fromFile(missing)).detail).toBe(`baseline file ${missing} cannot be read`);
    expect(errorOf(() => SiteBaseline.fromFile(dir)).detail).toBe(`baseline file ${dir} cannot be read`);
    const notJson = path.join(dir, 'not-json.json');
    fs.writeFileSync(notJson, '{"features": ');
    const parseError = (() => { try { JSON.parse('{"features": '); } catch (e) { return (e as Error).message; } return ''; })();
    expect(errorOf(() => SiteBaseline.fromFile(notJson)).detail).toBe(`baseline file ${notJson} is not JSON: ${parseError}`);
  });
});
