/**
 * Residency reports: a JSON document for machines and a Markdown document (tables and a
 * Mermaid diagram) for auditors, both rendered from a {@link ResidencyAudit}.
 *
 * Both are deterministic: every list is sorted by content, never by the order the
 * stacks were given in, so that two reports of the same app diff cleanly.
 */
import type { Finding, Flow, ResidencyAudit, ResourcePlacement, StackPlacement } from './audit';
import type { Boundary } from './boundary';
import type { DataClass } from './data-class';
import { Location } from './location';
import type { Severity } from './rule';

/** Whether an audit holds violations or only informational findings (or none). */
export type AuditVerdict = 'clean' | 'violations';

const SEVERITIES: readonly Severity[] = ['fatal', 'error', 'warning', 'info'];

/**
 * Whether a finding is a violation: every severity except `info`. An audit with a
 * violation fails a CI gate; `info` findings (opt-in regions) are notes.
 */
export function isViolation(finding: Finding): boolean {
  return finding.severity !== 'info';
}

/** `violations` when any finding is a violation (see {@link isViolation}), else `clean`. */
export function auditVerdict(audit: ResidencyAudit): AuditVerdict {
  return audit.findings.some(isViolation) ? 'violations' : 'clean';
}

/**
 * Orders findings for reports: by severity (fatal first), rule id, stack, logical id,
 * property path and message.
 */
export function compareFindings(a: Finding, b: Finding): number {
  return SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity)
    || compareKeys([a.ruleId, a.stackName, a.logicalId, a.propertyPath, a.message], [b.ruleId, b.stackName, b.logicalId, b.propertyPath, b.message]);
}

/**
 * Renders an audit as pretty-printed JSON: `boundary` (the policy boundary and the
 * per-class ones), `summary` (counts and verdict), `stacks` (each with its verdict),
 * `resources` (every resource with its location and data classes), `flows` (each with
 * its verdict) and `findings`.
 */
export function renderJsonReport(audit: ResidencyAudit): string {
  const r = sortedAudit(audit);
  const report = {
    boundary: {
      description: audit.policy.boundary.describe(),
      ...boundaryJson(audit.policy.boundary),
      dataClasses: Object.fromEntries(perClassBoundaries(audit).map(([c, b]) => [c, { description: b.describe(), ...boundaryJson(b) }])),
    },
    summary: {
      verdict: auditVerdict(audit),
      stacks: r.stacks.length,
      resources: r.resources.length,
      flows: r.flows.length,
      violatingFlows: r.flows.filter((f) => !f.allowed).length,
      findings: Object.fromEntries([['total', r.findings.length], ...SEVERITIES.map((s) => [s, r.findings.filter((f) => f.severity === s).length])]),
    },
    stacks: r.stacks.map((s) => ({ ...s, verdict: stackVerdict(s, r.findings) })),
    resources: r.resources,
    flows: r.flows.map((f) => ({ ...f, verdict: f.allowed ? 'allowed' : 'violation' })),
    findings: r.findings,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * Renders an audit as Markdown for auditors: the boundary, a verdict line, tables of
 * stacks, resources and flows, the findings grouped by rule with their fixes, and a
 * Mermaid flowchart of where data moves (violating edges in red).
 */
export function renderMarkdownReport(audit: ResidencyAudit): string {
  const r = sortedAudit(audit);
  const out: string[] = ['# Data-residency report', ''];
  out.push(`**Boundary:** ${audit.policy.boundary.describe()}`);
  for (const [c, b] of perClassBoundaries(audit)) out.push(`- ${c} data: ${b.describe()}`);
  out.push('', `**Verdict:** ${verdictLine(r)}`, '');

  out.push('## Stacks', '');
  // Terraform stacks are where their provider blocks are: a region, a site, or several.
  const byProviders = r.stacks.some((s) => s.providers !== undefined);
  out.push(...table(['Stack', 'Construct path', byProviders ? 'Providers' : 'Region', 'Account', 'Verdict'], r.stacks.map((s) => {
    const bad = r.findings.filter((f) => f.stackName === s.stackName && isViolation(f)).length;
    return [s.stackName, code(s.constructPath), stackWhere(s), s.account ?? 'unknown', bad ? `❌ ${plural(bad, 'violation')}` : '✅ clean'];
  })), '');

  out.push('## Resources', '');
  out.push(...table(['Stack', 'Logical ID', 'Type', 'Construct path', 'Location', 'Data classes'], r.resources.map((x) => [
    x.stackName, code(x.logicalId), x.type, x.constructPath ? code(x.constructPath) : '', x.location, classes(x.dataClasses),
  ])), '');

  out.push('## Data flows', '');
  if (r.flows.length === 0) {
    out.push('_No data flows were followed._', '');
  } else {
    out.push(...table(['Source', 'Property', 'Kind', 'Target', 'Basis', 'Data classes', 'Verdict'], r.flows.map((f) => [
      `${f.stackName}/${f.logicalId}`, code(f.propertyPath), f.kind, f.to, f.description ? `${f.description} (${f.basis})` : f.basis, classes(f.dataClasses), f.allowed ? '✅' : '❌',
    ])), '');
  }

  out.push('## Findings', '');
  if (r.findings.length === 0) out.push('_No findings._', '');
  for (const [ruleId, group] of groupBy(r.findings, (f) => f.ruleId)) {
    out.push(`### ${ruleId} (${severityCounts(group)})`, '');
    for (const f of group) {
      const where = f.logicalId ? `${f.stackName}/${f.logicalId}` : `stack ${f.stackName}`;
      const path = f.logicalId ? f.constructPath : f.stackConstructPath;
      out.push(`- **${inline(where)}**${path ? ` (${code(path)})` : ''}${f.propertyPath ? ` at ${code(f.propertyPath)}` : ''}: ${inline(f.message)}`);
      out.push(`  - Fix: ${inline(f.fix)}`);
    }
    out.push('');
  }

  out.push('## Where data goes', '', ...mermaid(audit.policy.boundary, r), '');
  return out.join('\n');
}

/** The audit with every list sorted by content and identical flows listed once. */
function sortedAudit(audit: ResidencyAudit): Omit<ResidencyAudit, 'policy'> {
  const flowKey = (f: Flow) => [f.stackName, f.logicalId, f.propertyPath, f.kind, f.to, f.ruleId, f.from, f.basis, String(f.allowed), f.dataClasses.join(',')];
  const seen = new Set<string>();
  const flows = audit.flows.filter((f) => {
    const key = JSON.stringify(flowKey(f));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return {
    stacks: [...audit.stacks].sort((a, b) => compareKeys([a.stackName, a.constructPath], [b.stackName, b.constructPath])),
    resources: [...audit.resources].sort((a: ResourcePlacement, b: ResourcePlacement) => compareKeys([a.stackName, a.logicalId], [b.stackName, b.logicalId])),
    flows: flows.sort((a, b) => compareKeys(flowKey(a), flowKey(b))),
    findings: [...audit.findings].sort(compareFindings),
  };
}

function boundaryJson(b: Boundary): { name: string; regions: string[]; sites: string[]; unrestricted: boolean } {
  return { name: b.name, regions: [...b.regionNames], sites: [...b.siteNames], unrestricted: b.unrestricted };
}

/** The policy's per-class boundaries, by data class name. */
export function perClassBoundaries(audit: ResidencyAudit): Array<[DataClass, Boundary]> {
  return (Object.entries(audit.policy.dataClasses ?? {}) as Array<[DataClass, Boundary | undefined]>)
    .filter((e): e is [DataClass, Boundary] => e[1] !== undefined)
    .sort((a, b) => compareKeys([a[0]], [b[0]]));
}

/** The region of a stack, or the location of each provider block of a Terraform stack (`aws: ap-east-1, kubernetes: site kwun-tong-dc`). */
function stackWhere(stack: StackPlacement): string {
  if (stack.providers === undefined) return stack.region ?? 'unknown';
  if (stack.providers.length === 0) return 'no provider blocks';
  return [...stack.providers].sort((a, b) => compareKeys([a.key], [b.key])).map((p) => `${p.key}: ${locationLabel(p.location)}`).join(', ');
}

function stackVerdict(stack: StackPlacement, findings: readonly Finding[]): AuditVerdict {
  return findings.some((f) => f.stackName === stack.stackName && isViolation(f)) ? 'violations' : 'clean';
}

function verdictLine(r: Omit<ResidencyAudit, 'policy'>): string {
  const detail = severityCounts(r.findings) || 'no findings';
  const head = r.findings.some(isViolation) ? '❌ violations' : '✅ clean';
  return `${head}: ${detail} in ${plural(r.stacks.length, 'stack')}, ${plural(r.resources.length, 'resource')}, ${plural(r.flows.length, 'flow')}`;
}

/** Counts by severity, worst first, e.g. `2 error, 1 info` (empty for no findings). */
function severityCounts(findings: readonly Finding[]): string {
  return SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`).join(', ');
}

/** A Mermaid flowchart: one node per location, boundary locations in a subgraph, edges per (from, to, kind). */
function mermaid(boundary: Boundary, r: Omit<ResidencyAudit, 'policy'>): string[] {
  const locations = new Set<string>([
    ...boundary.regionNames.map((n) => `region:${n}`),
    ...boundary.siteNames.map((n) => `site:${n}`),
    ...r.stacks.flatMap((s) => s.providers?.map((p) => p.location) ?? [s.location]),
    ...r.resources.map((x) => x.location),
    ...r.flows.flatMap((f) => [f.from, f.to]),
  ]);
  const sorted = [...locations].sort((a, b) => compareKeys([a], [b]));
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const loc of sorted) {
    const base = loc.replace(/[^A-Za-z0-9_]/g, '_');
    let id = base;
    for (let i = 2; used.has(id); i++) id = `${base}_${i}`;
    used.add(id);
    ids.set(loc, id);
  }
  const node = (loc: string) => {
    const n = r.resources.filter((x) => x.location === loc).length;
    return `${ids.get(loc)}["${mermaidText(locationLabel(loc))}${n ? `<br/>${plural(n, 'resource')}` : ''}"]`;
  };
  const inside = sorted.filter((loc) => boundary.contains(toLocation(loc)));
  const outside = sorted.filter((loc) => !inside.includes(loc));
  const out = ['```mermaid', 'flowchart LR'];
  out.push(`  subgraph boundary_${boundary.name.replace(/[^A-Za-z0-9_]/g, '_')}["${mermaidText(boundary.describe())}"]`);
  for (const loc of inside) out.push(`    ${node(loc)}`);
  out.push('  end');
  for (const loc of outside) out.push(`  ${node(loc)}`);
  const edges = groupBy(r.flows.slice().sort((a, b) => compareKeys([a.from, a.to, a.kind], [b.from, b.to, b.kind])), (f) => JSON.stringify([f.from, f.to, f.kind]));
  const red: number[] = [];
  [...edges.values()].forEach((group, i) => {
    const f = group[0]!;
    const bad = group.filter((x) => !x.allowed).length;
    if (bad) red.push(i);
    const label = `${f.kind} ×${group.length}${bad && bad < group.length ? ` (${bad} violating)` : ''}`;
    out.push(`  ${ids.get(f.from)} -->|"${mermaidText(label)}"| ${ids.get(f.to)}`);
  });
  for (const i of red) out.push(`  linkStyle ${i} stroke:#d00`);
  out.push('```');
  return out;
}

/** A location from its string form, without checking region names against the catalog. */
function toLocation(text: string): Location {
  if (text === 'global') return Location.GLOBAL;
  if (text.startsWith('region:')) return Location.observedRegion(text.slice('region:'.length));
  if (text.startsWith('site:')) return Location.onPrem(text.slice('site:'.length));
  return Location.UNKNOWN;
}

function locationLabel(text: string): string {
  return text.startsWith('site:') ? `site ${text.slice('site:'.length)}` : text.replace(/^region:/, '');
}

function mermaidText(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/[\r\n]+/g, ' ');
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)];
}

/** A table cell: one line, `|` escaped so it does not split the cell. */
function cell(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');
}

/** Text on one line of a list item. */
function inline(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}

/** A code span that survives backticks in the text. */
function code(s: string): string {
  if (!s) return '';
  const fence = s.includes('`') ? '``' : '`';
  return `${fence}${fence.length > 1 ? ' ' : ''}${s}${fence.length > 1 ? ' ' : ''}${fence}`;
}

function classes(list: readonly DataClass[]): string {
  return list.length ? [...list].sort().join(', ') : '—';
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function groupBy<T>(items: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of items) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
}

/** Compares key tuples element by element, by code unit (locale-independent). */
function compareKeys(a: ReadonlyArray<string | undefined>, b: ReadonlyArray<string | undefined>): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
