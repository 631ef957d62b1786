/**
 * What the CloudFormation and Terraform audits share: the claims rules make on
 * properties, the severity of a finding, and reporting each fact once.
 */
import type { Observation, ResidencyRule, Severity } from './rule';

/**
 * Claims on the properties of resources: a specific rule claims what it checked, so the
 * generic scans skip that property and everything under it.
 */
export function claimRegistry<R>(): { claim(resource: R, path: string): void; isClaimed(resource: R, path: string): boolean } {
  const claims = new Map<R, string[]>();
  return {
    claim: (r, path) => { const list = claims.get(r) ?? []; list.push(path); claims.set(r, list); },
    isClaimed: (r, path) => (claims.get(r) ?? []).some((c) => path === c || path.startsWith(`${c}.`)),
  };
}

/**
 * The severity of a finding: the observation's own, else `error` when it is reported under
 * another rule's id (RES-UNKNOWN-LOCATION), else the rule's.
 */
export function findingSeverity(rule: Pick<ResidencyRule, 'id' | 'severity'>, obs: Pick<Observation, 'ruleId' | 'severity'>): Severity {
  return obs.severity ?? (obs.ruleId && obs.ruleId !== rule.id ? 'error' : rule.severity);
}

/** The same fact found through several alternatives of one value is reported once (the first). */
export function dedupeBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
