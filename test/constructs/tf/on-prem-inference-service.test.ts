import * as path from 'node:path';
import { CaptureVolume, CloudModelRegistry, OnPremInferenceService, VolumeAccessMode, type OnPremInferenceServiceProps, type RegistryModel } from '../../../constructs/tf';
import { TerraformStack, TerraformVariable, Testing } from '../../../constructs/tf/private/cdktf';
import { HorizontalPodAutoscalerV2, NamespaceV1, PodDisruptionBudgetV1 } from '../../../constructs/tf/private/providers';
import { ErrorCode } from '../../../lib/errors';
import { errorOf } from '../../support/errors';
import { annotation, at, list, newStack, object, onlyResource, resources, strings, terraformJson } from './tf-support';

const MODEL: RegistryModel = {
  name: 'shipment-risk',
  version: '3',
  region: 'ap-east-1',
  s3Uri: 's3://gba-models/models/shipment-risk/3/fraud.onnx',
  objectKey: 'models/shipment-risk/3/fraud.onnx',
  sha256: 'a'.repeat(64),
};

const PROPS: OnPremInferenceServiceProps = {
  image: 'registry.site.internal/onnx-server:0.1.0',
  model: MODEL,
  credentialsSecretName: 'aws-model-pull',
  egress: { registryEndpointCidrs: ['10.80.1.0/28'], metricsEndpointCidrs: ['10.80.2.0/28'] },
};

function service(props: Partial<OnPremInferenceServiceProps> = {}, stack: TerraformStack = newStack()) {
  const s = new OnPremInferenceService(stack, 'Inference', { ...PROPS, ...props });
  return { stack, service: s, json: terraformJson(stack) };
}

describe('OnPremInferenceService', () => {
  test('numbers from Terraform variables reach the arguments and the replica count as references', () => {
    const stack = newStack();
    const number = (name: string) => new TerraformVariable(stack, name, { type: 'number' }).numberValue;
    const capture = CaptureVolume.persistentVolumeClaim('risk-capture', { accessModes: [VolumeAccessMode.READ_WRITE_MANY] });
    const { json } = service({
      maxBodyBytes: number('max_body_bytes'),
      scaling: { minReplicas: number('min_replicas'), maxReplicas: 6 },
      capture: { percent: number('capture_percent'), volume: capture },
    }, stack);
    const deployment = onlyResource(json, 'kubernetes_deployment_v1');
    const args: string[] = strings(at(deployment, 'spec.template.spec.container.0.args'));
    expect(args[args.indexOf('--max-body-bytes') + 1]).toBe('${var.max_body_bytes}');
    expect(args[args.indexOf('--capture-percent') + 1]).toBe('${var.capture_percent}');
    expect(at(deployment, 'spec.replicas')).toBe('${var.min_replicas}');
  });

  test('runs the ONNX server on the S3 model with its SHA-256, credentials from the secret', () => {
    const { json, service: s } = service();
    const deployment = onlyResource(json, 'kubernetes_deployment_v1');
    const container = object(at(deployment, 'spec.template.spec.container.0'));
    expect(container.image).toBe(PROPS.image);
    expect(container.command).toEqual(['node', 'server.js']);
    expect(container.args).toEqual([
      '--model', MODEL.s3Uri, '--sha256', MODEL.sha256, '--name', 'shipment-risk', '--version', '3',
      '--port', '8080', '--host', '0.0.0.0', '--max-body-bytes', '6291456', '--capture-percent', '0',
    ]);
    expect(container.env).toEqual([{ name: 'AWS_REGION', value: 'ap-east-1' }]);
    expect(container.env_from).toEqual([{ secret_ref: { name: 'aws-model-pull' } }]);
    expect(s.url).toBe('http://shipment-risk.sovereign-ml.svc:8080');
  });

  test('captures to hourly files on the capture claim, mounted read-write at /capture, with fsGroup 1000', () => {
    const volume = CaptureVolume.persistentVolumeClaim('shipment-risk-capture', { accessModes: [VolumeAccessMode.READ_WRITE_MANY] });
    const pod = object(at(onlyResource(service({ capture: { percent: 20, volume } }).json, 'kubernetes_deployment_v1'), 'spec.template.spec'));
    const container = object(at(pod, 'container.0'));
    expect(list(container.args).slice(-4)).toEqual(['--capture-dir', '/capture', '--capture-percent', '20']);
    expect(list(container.args).filter((a) => a === '--capture-percent')).toHaveLength(1);
    expect(container.volume_mount).toEqual([
      { name: 'tmp', mount_path: '/tmp' },
      { name: 'capture', mount_path: '/capture', read_only: false },
    ]);
    expect(pod.volume).toEqual([
      { name: 'tmp', empty_dir: { size_limit: '2Gi' } },
      { name: 'capture', persistent_volume_claim: { claim_name: 'shipment-risk-capture', read_only: false } },
    ]);
    expect(pod.security_context).toEqual({
      run_as_non_root: true, run_as_user: '1000', run_as_group: '1000', fs_group: '1000', fs_group_change_policy: 'OnRootMismatch',
      seccomp_profile: { type: 'RuntimeDefault' },
    });
    // The root file system stays read-only: only the volumes are writable.
    expect(at(container, 'security_context.read_only_root_filesystem')).toBe(true);
  });

  test('captures nothing without a capture volume, and mounts none', () => {
    const pod = object(at(onlyResource(service().json, 'kubernetes_deployment_v1'), 'spec.template.spec'));
    expect(at(pod, 'container.0.args')).not.toContain('--capture-dir');
    expect(list(at(pod, 'container.0.args')).slice(-2)).toEqual(['--capture-percent', '0']);
    expect(list(pod.volume).map((v) => object(v).name)).toEqual(['tmp']);
    expect(at(pod, 'security_context.fs_group_change_policy')).toBeUndefined();
  });

  test('takes a ReadWriteOnce claim with one replica, and a claim whose access modes are unknown with several', () => {
    const rwo = CaptureVolume.persistentVolumeClaim('capture', { accessModes: [VolumeAccessMode.READ_WRITE_ONCE] });
    const one = onlyResource(service({ capture: { percent: 5, volume: rwo }, scaling: { minReplicas: 1, maxReplicas: 1 } }).json, 'kubernetes_deployment_v1');
    expect(list(at(one, 'spec.template.spec.container.0.args')).slice(-4)).toEqual(['--capture-dir', '/capture', '--capture-percent', '5']);
    expect(() => service({ capture: { percent: 5, volume: CaptureVolume.persistentVolumeClaim('capture') } })).not.toThrow();
  });

  test('fails when the capture percent is out of range', () => {
    const volume = CaptureVolume.persistentVolumeClaim('capture');
    const e = errorOf(() => service({ capture: { percent: 120, volume } }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toMatch(/props\.capture\.percent must be a percentage from 0 to 100, got 120/);
    expect(errorOf(() => service({ capture: { percent: -1, volume } })).message).toMatch(/props\.capture\.percent must be a percentage from 0 to 100, got -1/);
    expect(errorOf(() => service({ capture: { percent: 20, volume: 'shipment-risk-capture' as unknown as CaptureVolume } })).message)
      .toMatch(/props\.capture\.volume must be a CaptureVolume/);
  });

  test('fails when a ReadWriteOnce capture claim would be written by more than one replica', () => {
    const volume = CaptureVolume.persistentVolumeClaim('capture', { accessModes: [VolumeAccessMode.READ_WRITE_ONCE] });
    const e = errorOf(() => service({ capture: { percent: 20, volume } }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toMatch(/props\.capture\.volume must be ReadWriteMany when up to 6 pods \(scaling\.maxReplicas\) write to it: .*, got "ReadWriteOnce"/);
    expect(e.message).toMatch(/use a ReadWriteMany claim, or scaling\.maxReplicas 1 on a single-node site/);
    expect(e.constructPath).toBe('test/Inference');
    expect(errorOf(() => service({ capture: { percent: 20, volume }, scaling: { minReplicas: 1, maxReplicas: 2 } })).message).toMatch(/when up to 2 pods/);
  });

  test('fails when the capture claim is read-only or single-pod, or a host path in a restricted namespace', () => {
    const rox = CaptureVolume.persistentVolumeClaim('capture', { accessModes: [VolumeAccessMode.READ_ONLY_MANY] });
    expect(errorOf(() => service({ capture: { percent: 20, volume: rox }, scaling: { minReplicas: 1, maxReplicas: 1 } })).message)
      .toMatch(/props\.capture\.volume must be ReadWriteMany \(or ReadWriteOnce on a single-node site with scaling\.maxReplicas 1\).*, got "ReadOnlyMany"/);
    const rwop = CaptureVolume.persistentVolumeClaim('capture', { accessModes: [VolumeAccessMode.READ_WRITE_ONCE_POD] });
    expect(errorOf(() => service({ capture: { percent: 20, volume: rwop }, scaling: { minReplicas: 1, maxReplicas: 1 } })).message).toMatch(/got "ReadWriteOncePod"/);
    const host = CaptureVolume.hostPath('/srv/capture');
    expect(errorOf(() => service({ capture: { percent: 20, volume: host } })).message)
      .toMatch(/props\.capture\.volume is a host path, which the `restricted` Pod Security Standard .* forbids; .*, got "host path \\"\/srv\/capture\\""/);
    const pod = object(at(onlyResource(service({ capture: { percent: 20, volume: host }, createNamespace: false }).json, 'kubernetes_deployment_v1'), 'spec.template.spec'));
    expect(pod.volume).toContainEqual({ name: 'capture', host_path: { path: '/srv/capture', type: 'Directory' } });
  });

  test('probes the health routes and sets requests and limits', () => {
    const container = object(at(onlyResource(service().json, 'kubernetes_deployment_v1'), 'spec.template.spec.container.0'));
    expect(at(container, 'readiness_probe.http_get')).toEqual({ path: '/v2/health/ready', port: '8080' });
    expect(at(container, 'liveness_probe.http_get')).toEqual({ path: '/v2/health/live', port: '8080' });
    expect(container.resources).toEqual({ requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '1Gi' } });
  });

  test('runs non-root with a read-only root file system and a writable /tmp', () => {
    const pod = object(at(onlyResource(service().json, 'kubernetes_deployment_v1'), 'spec.template.spec'));
    expect(pod.security_context).toMatchObject({ run_as_non_root: true, run_as_user: '1000', seccomp_profile: { type: 'RuntimeDefault' } });
    expect(pod.automount_service_account_token).toBe(false);
    const container = object(at(pod, 'container.0'));
    expect(container.security_context).toMatchObject({ read_only_root_filesystem: true, allow_privilege_escalation: false, capabilities: { drop: ['ALL'] } });
    expect(container.volume_mount).toEqual([{ name: 'tmp', mount_path: '/tmp' }]);
    expect(pod.volume).toEqual([{ name: 'tmp', empty_dir: { size_limit: '2Gi' } }]);
  });

  test('creates a restricted namespace, an autoscaler, a disruption budget and a service', () => {
    const { stack, json } = service({ scaling: { minReplicas: 3, maxReplicas: 9, targetCpuUtilizationPercent: 60 } });
    const synthesized = Testing.synth(stack);
    expect(synthesized).toHaveResourceWithProperties(NamespaceV1, { metadata: expect.objectContaining({ name: 'sovereign-ml', labels: expect.objectContaining({ 'pod-security.kubernetes.io/enforce': 'restricted' }) }) });
    expect(synthesized).toHaveResourceWithProperties(HorizontalPodAutoscalerV2, { spec: expect.objectContaining({ min_replicas: 3, max_replicas: 9 }) });
    expect(synthesized).toHaveResource(PodDisruptionBudgetV1);
    const deployment = onlyResource(json, 'kubernetes_deployment_v1');
    expect(at(deployment, 'spec.replicas')).toBe('3');
    expect(deployment.lifecycle).toEqual({ ignore_changes: ['spec[0].replicas'] });
    const hpa = onlyResource(json, 'kubernetes_horizontal_pod_autoscaler_v2');
    expect(at(hpa, 'spec.scale_target_ref')).toMatchObject({ kind: 'Deployment', name: expect.stringMatching(/^\$\{kubernetes_deployment_v1\.\w+\.metadata\[0\]\.name\}$/) });
    expect(at(hpa, 'spec.metric')).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', average_utilization: 60 } } }]);
    const selector = at(onlyResource(json, 'kubernetes_deployment_v1'), 'spec.selector.match_labels');
    expect(onlyResource(json, 'kubernetes_pod_disruption_budget_v1').spec).toEqual({ max_unavailable: '1', selector: { match_labels: selector } });
    expect(onlyResource(json, 'kubernetes_service_v1').spec).toMatchObject({ type: 'ClusterIP', selector, port: [expect.objectContaining({ port: 8080, target_port: 'http' })] });
  });

  test('uses an existing namespace when asked', () => {
    const { json, service: s } = service({ namespace: 'shipment-risk', createNamespace: false });
    expect(resources(json, 'kubernetes_namespace_v1')).toHaveLength(0);
    expect(s.namespaceName).toBe('shipment-risk');
    expect(at(onlyResource(json, 'kubernetes_deployment_v1'), 'metadata.namespace')).toBe('shipment-risk');
  });

  test('network policy: egress only to the registry and metrics endpoints and cluster DNS', () => {
    const policy = onlyResource(service({ allowedClientCidrs: ['10.60.0.0/16'] }).json, 'kubernetes_network_policy_v1');
    expect(at(policy, 'spec.policy_types')).toEqual(['Ingress', 'Egress']);
    expect(at(policy, 'spec.egress')).toEqual([
      { to: [{ ip_block: { cidr: '10.80.1.0/28' } }], ports: [{ port: '443', protocol: 'TCP' }] },
      { to: [{ ip_block: { cidr: '10.80.2.0/28' } }], ports: [{ port: '443', protocol: 'TCP' }] },
      {
        to: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'kube-system' } }, pod_selector: { match_labels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }],
      },
    ]);
    expect(at(policy, 'spec.ingress')).toEqual([{ from: [{ pod_selector: {} }, { ip_block: { cidr: '10.60.0.0/16' } }], ports: [{ port: '8080', protocol: 'TCP' }] }]);
  });

  test('the deployment holds inference payloads and pulls the model from the region of another stack', () => {
    const deployment = onlyResource(service().json, 'kubernetes_deployment_v1');
    expect(annotation(deployment)).toEqual({
      dataClasses: ['inference-payload'],
      flows: [{ kind: 'model', direction: 'in', target: 'region:ap-east-1', dataClasses: ['model-artifact'], description: expect.stringContaining('shipment-risk') }],
    });
  });

  test('in the registry\'s own stack, the model flow names the bucket', () => {
    const stack = newStack();
    const registry = new CloudModelRegistry(stack, 'Registry', { region: 'ap-east-1' });
    const model = registry.addModel('Model', { path: path.join(__dirname, '..', '..', '..', 'examples', 'hk-fraud', 'model', 'fraud.onnx'), name: 'fraud', version: '1' });
    const { json } = service({ model }, stack);
    const bucketName = Object.keys(json.resource!.aws_s3_bucket!)[0];
    expect(at(annotation(onlyResource(json, 'kubernetes_deployment_v1')), 'flows.0.target')).toBe(`\${aws_s3_bucket.${bucketName}.arn}`);
  });

  test('fails when the image is not pinned', () => {
    const e = errorOf(() => service({ image: 'registry.site.internal/onnx-server' }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toMatch(/props\.image must be an image reference pinned by a tag other than "latest" or by a digest/);
    expect(errorOf(() => service({ image: 'onnx-server:latest' })).message).toMatch(/props\.image/);
    expect(() => service({ image: `registry:5000/onnx-server@sha256:${'b'.repeat(64)}` })).not.toThrow();
  });

  test.each([
    // [model name, version, object name, sovereign-ml/model label, sovereign-ml/model-version label]: labels as the drift job's.
    ['shipment_risk', '1.0.0', 'shipment-risk', 'shipment_risk', '1.0.0'],
    ['risk.', 'v2_', 'risk', 'risk', 'v2'],
    [`${'l'.repeat(62)}.z`, '3', 'l'.repeat(62), 'l'.repeat(62), '3'], // 64 characters: cut to 63, then no trailing "-" or "."
    ['Risk_Model', 'RC1', 'risk-model', 'Risk_Model', 'RC1'],
    ['3d-risk', '1', 'model-3d-risk', '3d-risk', '1'], // a Service name starts with a letter
    [`9${'n'.repeat(63)}`, '1', `model-9${'n'.repeat(56)}`, `9${'n'.repeat(62)}`, '1'],
  ])('model %j version %j: objects named %j, labels %j and %j', (name, version, objectName, modelLabel, versionLabel) => {
    const json = service({ model: { ...MODEL, name, version } }).json;
    for (const type of ['kubernetes_deployment_v1', 'kubernetes_service_v1', 'kubernetes_network_policy_v1', 'kubernetes_horizontal_pod_autoscaler_v2', 'kubernetes_pod_disruption_budget_v1']) {
      const metadata = object(at(onlyResource(json, type), 'metadata'));
      expect(metadata.name).toBe(objectName);
      expect(at(metadata, ['labels', 'sovereign-ml/model'])).toBe(modelLabel);
    }
    const podLabels = object(at(onlyResource(json, 'kubernetes_deployment_v1'), 'spec.template.metadata.labels'));
    expect(podLabels['sovereign-ml/model']).toBe(modelLabel);
    expect(podLabels['sovereign-ml/model-version']).toBe(versionLabel);
  });

  test('fails when the name starts with a digit, which Kubernetes refuses for a Service', () => {
    const e = errorOf(() => service({ name: '3d-risk' }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.detail).toBe('props.name must be a DNS-1035 label (a Service name): 1-63 lower-case letters, digits and hyphens, starting with a letter and ending with a letter or digit, got "3d-risk"');
    expect(at(onlyResource(service({ name: 'risk-3d' }).json, 'kubernetes_service_v1'), 'metadata.name')).toBe('risk-3d');
  });

  test('fails when an egress CIDR is malformed or missing', () => {
    expect(errorOf(() => service({ egress: { registryEndpointCidrs: ['s3.ap-east-1.amazonaws.com'] } })).message)
      .toMatch(/props\.egress\.registryEndpointCidrs\[0\] must be an IPv4 or IPv6 CIDR block/);
    expect(errorOf(() => service({ egress: { registryEndpointCidrs: [] } })).message).toMatch(/props\.egress\.registryEndpointCidrs must list at least one CIDR block/);
  });

  test('scaling.maxReplicas 1 alone runs one pod (the setting a ReadWriteOnce capture claim asks for)', () => {
    const rwo = CaptureVolume.persistentVolumeClaim('capture', { accessModes: [VolumeAccessMode.READ_WRITE_ONCE] });
    const { json } = service({ capture: { percent: 5, volume: rwo }, scaling: { maxReplicas: 1 } });
    expect(at(onlyResource(json, 'kubernetes_deployment_v1'), 'spec.replicas')).toBe('1');
    expect(at(onlyResource(json, 'kubernetes_horizontal_pod_autoscaler_v2'), 'spec')).toMatchObject({ min_replicas: 1, max_replicas: 1 });
    // Otherwise the default stays 2, whatever maxReplicas.
    const three = service({ scaling: { maxReplicas: 3 } }).json;
    expect(at(onlyResource(three, 'kubernetes_horizontal_pod_autoscaler_v2'), 'spec')).toMatchObject({ min_replicas: 2, max_replicas: 3 });
    const defaults = service().json;
    expect(at(onlyResource(defaults, 'kubernetes_horizontal_pod_autoscaler_v2'), 'spec')).toMatchObject({ min_replicas: 2, max_replicas: 6, metric: [{ resource: { target: { average_utilization: 70 } } }] });
  });

  test('fails when scaling or resources contradict themselves', () => {
    expect(errorOf(() => service({ scaling: { minReplicas: 5, maxReplicas: 2 } })).message).toMatch(/props\.scaling\.minReplicas must not exceed maxReplicas/);
    expect(errorOf(() => service({ resources: { cpuRequest: '3', cpuLimit: '2' } })).message).toMatch(/props\.resources\.cpuRequest must not exceed cpuLimit/);
    expect(errorOf(() => service({ resources: { memoryLimit: '1 GB' } })).message).toMatch(/props\.resources\.memoryLimit must be a positive memory quantity/);
  });

  test.each([['..'], ['.'], ['-x'], ['--port']])('fails when the model name or version is %j, which the server would read as an option or which is no name', (bad) => {
    const rule = 'must be 1-64 letters, digits, ".", "_" and "-", starting with a letter or digit';
    const e = errorOf(() => service({ model: { ...MODEL, name: bad } }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.detail).toBe(`props.model.name ${rule}, got ${JSON.stringify(bad)}`);
    expect(errorOf(() => service({ model: { ...MODEL, version: bad } })).detail).toBe(`props.model.version ${rule}, got ${JSON.stringify(bad)}`);
  });

  test('fails when the model hash or URI is malformed', () => {
    expect(errorOf(() => service({ model: { ...MODEL, sha256: 'ABC' } })).message).toMatch(/props\.model\.sha256 must be 64 lower-case hex digits/);
    expect(errorOf(() => service({ model: { ...MODEL, s3Uri: 'https://bucket/key' } })).message).toMatch(/props\.model\.s3Uri must be an s3:\/\/bucket\/key URI/);
  });
});
