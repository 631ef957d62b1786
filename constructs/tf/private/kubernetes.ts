/**
 * Pieces shared by the on-prem Kubernetes constructs: prop schemas (CIDRs, quantities,
 * names, images), the restricted security contexts and the egress rules.
 */
import * as z from 'zod';
import { checkedString } from '../../../lib/validation';
import { isUnresolved } from './validate';

/** Whether `v` is a DNS-1123 label of at most `max` characters (at most 63). */
export function isDnsLabel(v: string, max = 63): boolean {
  return v.length <= max && /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v);
}

/** A DNS-1123 label: Kubernetes object and namespace names. */
export const dnsLabel = checkedString(isUnresolved, (v) => isDnsLabel(v),
  'must be a DNS label: 1-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit');

/** An image reference pinned by tag or digest: an untagged image means `latest`, which changes under a running deployment. */
export const pinnedImage = checkedString(isUnresolved,
  (v) => !/\s/.test(v) && (/@sha256:[0-9a-f]{64}$/.test(v) || /:[\w][\w.-]{0,127}$/.test(v.slice(v.lastIndexOf('/') + 1))) && !/:latest$/.test(v),
  'must be an image reference pinned by a tag other than "latest" or by a digest, such as "registry.example/onnx-server:1.4.0"');

/** An IPv4 or IPv6 CIDR block. */
export const cidr = z.union([z.cidrv4(), z.cidrv6()], { error: 'must be an IPv4 or IPv6 CIDR block such as "10.20.0.0/24"' });

/** A non-empty list of CIDR blocks. */
export const cidrList = z.array(cidr).min(1, 'must list at least one CIDR block');

const cpu = checkedString(isUnresolved, (v) => /^(\d+m|\d+(\.\d{1,3})?)$/.test(v) && parseCpu(v) > 0, 'must be a positive CPU quantity such as "500m" or "2"');
const memory = checkedString(isUnresolved, (v) => /^\d+(Ki|Mi|Gi|Ti|k|M|G|T)?$/.test(v) && parseMemory(v) > 0, 'must be a positive memory quantity such as "512Mi" or "1Gi"');

/** Schema of {@link ContainerResources} with the given defaults, checking request <= limit. */
export function resourcesSchema(defaults: { cpuRequest: string; cpuLimit: string; memoryRequest: string; memoryLimit: string }) {
  return z.strictObject({
    cpuRequest: cpu.default(defaults.cpuRequest),
    cpuLimit: cpu.default(defaults.cpuLimit),
    memoryRequest: memory.default(defaults.memoryRequest),
    memoryLimit: memory.default(defaults.memoryLimit),
  }).default({ ...defaults }).superRefine((r, ctx) => {
    if (![r.cpuRequest, r.cpuLimit].some(isUnresolved) && parseCpu(r.cpuRequest) > parseCpu(r.cpuLimit)) {
      ctx.addIssue({ code: 'custom', path: ['cpuRequest'], input: r.cpuRequest, message: `must not exceed cpuLimit ${JSON.stringify(r.cpuLimit)}` });
    }
    if (![r.memoryRequest, r.memoryLimit].some(isUnresolved) && parseMemory(r.memoryRequest) > parseMemory(r.memoryLimit)) {
      ctx.addIssue({ code: 'custom', path: ['memoryRequest'], input: r.memoryRequest, message: `must not exceed memoryLimit ${JSON.stringify(r.memoryLimit)}` });
    }
  });
}

function parseCpu(v: string): number {
  return v.endsWith('m') ? Number(v.slice(0, -1)) / 1000 : Number(v);
}

const MEMORY_UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

function parseMemory(v: string): number {
  const m = /^(\d+)([A-Za-z]*)$/.exec(v);
  return m ? Number(m[1]) * (MEMORY_UNITS[m[2] ?? ''] ?? NaN) : NaN;
}

/** Most characters of a Kubernetes label value, and of a DNS-1123 label. */
export const LABEL_MAX = 63;

/**
 * A valid Kubernetes label value from `text` (a model name or version): characters other
 * than letters, digits, `-`, `_` and `.` become `-`, the value is cut to `max` characters
 * (at most 63) and trimmed to start and end with a letter or digit; `fallback` when
 * nothing is left. A valid value comes back unchanged: `shipment_risk` stays `shipment_risk`.
 */
export function labelValue(text: string, max = LABEL_MAX, fallback = 'model'): string {
  const cut = text.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, Math.min(max, LABEL_MAX));
  return trimToAlphanumeric(cut) || fallback;
}

/**
 * A DNS-1123 label (a Kubernetes object name) from `text`: lower-cased, characters other
 * than letters, digits and `-` become `-`, cut to `max` characters (at most 63) and trimmed
 * to start and end with a letter or digit; `fallback` when nothing is left. `shipment_risk`
 * becomes `shipment-risk`, `risk.` becomes `risk`.
 */
export function dnsName(text: string, max = LABEL_MAX, fallback = 'model'): string {
  const cut = trimToAlphanumeric(text.toLowerCase().replace(/[^a-z0-9-]+/g, '-')).slice(0, Math.min(max, LABEL_MAX));
  return trimToAlphanumeric(cut) || fallback;
}

/**
 * A DNS-1035 label (the name of a Service, which must start with a letter) from `text`:
 * {@link dnsName}, after `prefix` when that would start with a digit (`3d-risk` becomes
 * `model-3d-risk`).
 */
export function serviceName(text: string, prefix = 'model'): string {
  const name = dnsName(text);
  return /^[a-z]/.test(name) ? name : dnsName(`${prefix}-${name}`);
}

/** Whether `v` is a DNS-1035 label: a DNS-1123 label starting with a letter (Service names). */
export function isDns1035Label(v: string): boolean {
  return isDnsLabel(v) && /^[a-z]/.test(v);
}

function trimToAlphanumeric(text: string): string {
  return text.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** Standard labels; `selector` is the immutable subset used by selectors. */
export function labelsFor(name: string, component: string, extra: Record<string, string> = {}): { selector: Record<string, string>; all: Record<string, string> } {
  const selector = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': component };
  return { selector, all: { ...selector, 'app.kubernetes.io/part-of': 'sovereign-ml', 'app.kubernetes.io/managed-by': 'terraform', ...extra } };
}

/** The `restricted` Pod Security Standard at pod level: non-root uid 1000 (the image's `node` user), RuntimeDefault seccomp. */
export const POD_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: '1000',
  runAsGroup: '1000',
  fsGroup: '1000',
  seccompProfile: { type: 'RuntimeDefault' },
};

/** The `restricted` Pod Security Standard at container level, plus a read-only root file system. */
export const CONTAINER_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** An egress rule to `cidrs` on TCP 443 (HTTPS to AWS endpoints). */
export function httpsEgress(cidrs: readonly string[]) {
  return { to: cidrs.map((c) => ({ ipBlock: { cidr: c } })), ports: [{ port: '443', protocol: 'TCP' }] };
}

/**
 * DNS to the cluster's resolver only: pods labelled `k8s-app: kube-dns` in `kube-system`
 * (CoreDNS keeps that label), UDP and TCP 53. Pods resolve AWS host names through it.
 */
export const DNS_EGRESS = {
  to: [{
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
    podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
  }],
  ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }],
};
