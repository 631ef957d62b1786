/**
 * Drift verdicts: which statistic each feature uses (defaults like Evidently's, each
 * overridable), the score against the baseline, and the dataset verdict.
 *
 * Defaults: numeric with ≤ 1000 reference rows → Kolmogorov–Smirnov, drift when p < 0.05;
 * numeric with more → Wasserstein distance divided by the reference standard deviation,
 * drift when ≥ 0.1; categorical with ≤ 1000 → chi-square, drift when p < 0.05; more →
 * Jensen–Shannon distance, drift when ≥ 0.1. PSI is always reported. The dataset drifts
 * when the share of drifted features is at least 0.5. A window with fewer records than
 * the minimum gets "insufficient data", never a verdict.
 * @see https://docs.evidentlyai.com/metrics/explainer_drift
 */
import { ErrorCode, SovereignMlError } from '../errors';
import { OTHER_CATEGORY, type BaselineDocument, type FeatureBaseline } from './baseline';
import { chiSquareTest } from './chi-square';
import { jensenShannonDistance } from './jensen-shannon';
import { ksTwoSample } from './ks';
import { psiFromCounts } from './psi';
import { wassersteinDistance } from './wasserstein';
import { sampleValues, type FeatureWindow } from './window';

/** A drift statistic. */
export type DriftMethod = 'ks' | 'wasserstein' | 'chi-square' | 'jensen-shannon' | 'psi';

/** A method choice for one feature. */
export interface MethodChoice {
  readonly method: DriftMethod;
  /** Drift when the p-value is below it (ks, chi-square) or the score at or above it (others). */
  readonly threshold: number;
}

/** How drift is judged. */
export interface DriftPolicy {
  /**
   * Fewest records a window needs for a verdict.
   * @default 100
   */
  readonly minRecords?: number;
  /**
   * Share of drifted features at which the dataset drifts.
   * @default 0.5
   */
  readonly datasetDriftShare?: number;
  /**
   * Reference rows above which the distance methods replace the tests.
   * @default 1000
   */
  readonly largeReference?: number;
  /**
   * Per-feature overrides.
   * @default - the defaults above
   */
  readonly features?: Readonly<Record<string, Partial<MethodChoice>>>;
}

/** The verdict for one feature (or the output). */
export interface FeatureDrift {
  readonly feature: string;
  readonly method: DriftMethod;
  readonly threshold: number;
  /** The statistic (KS D, chi-square), distance or PSI, per the method. */
  readonly score: number;
  /** The p-value, for the tests. */
  readonly pValue?: number;
  readonly drifted: boolean;
  readonly psi: number;
  readonly count: number;
  readonly missing: number;
  /** True when the window had no value of this feature (all missing): no verdict. */
  readonly insufficientData?: boolean;
}

/** The verdict for a window. */
export type DriftReport =
  | { readonly status: 'insufficient-data'; readonly records: number; readonly minRecords: number }
  | { readonly status: 'ok'; readonly records: number; readonly features: FeatureDrift[]; readonly output?: FeatureDrift; readonly driftedShare: number; readonly datasetDrift: boolean };

/** The default method of a feature, with any override applied. */
export function selectMethod(feature: FeatureBaseline, policy: DriftPolicy = {}): MethodChoice {
  const large = feature.count > (policy.largeReference ?? 1000);
  const base: MethodChoice = feature.kind === 'numeric'
    ? (large ? { method: 'wasserstein', threshold: 0.1 } : { method: 'ks', threshold: 0.05 })
    : (large ? { method: 'jensen-shannon', threshold: 0.1 } : { method: 'chi-square', threshold: 0.05 });
  const override = policy.features?.[feature.name];
  if (override?.method && override.method !== base.method && override.threshold === undefined) {
    return { method: override.method, threshold: DEFAULT_THRESHOLD[override.method] };
  }
  return { method: override?.method ?? base.method, threshold: override?.threshold ?? base.threshold };
}

const DEFAULT_THRESHOLD: Record<DriftMethod, number> = { 'ks': 0.05, 'chi-square': 0.05, 'wasserstein': 0.1, 'jensen-shannon': 0.1, 'psi': 0.2 };

/** Evaluates one feature's window against its baseline. */
export function evaluateFeature(feature: FeatureBaseline, window: FeatureWindow, policy: DriftPolicy = {}): FeatureDrift {
  const choice = selectMethod(feature, policy);
  if (window.count === 0) {
    // Every value missing: no distribution to compare, so no verdict (and no drift claimed).
    return { feature: feature.name, method: choice.method, threshold: choice.threshold, score: Number.NaN, drifted: false, psi: Number.NaN, count: 0, missing: window.missing, insufficientData: true };
  }
  if (feature.kind === 'numeric' && window.kind === 'numeric') {
    const psi = psiFromCounts(feature.binCounts, window.binCounts);
    let score: number;
    let pValue: number | undefined;
    switch (choice.method) {
      case 'ks': {
        const r = ksTwoSample(feature.sample, sampleValues(window));
        score = r.statistic;
        pValue = r.pValue;
        break;
      }
      case 'wasserstein': {
        const d = wassersteinDistance(feature.sample, sampleValues(window));
        score = feature.std > 0 ? d / feature.std : d === 0 ? 0 : Infinity;
        break;
      }
      case 'psi': score = psi; break;
      default: throw unsupported(feature, choice.method);
    }
    return verdict(feature, window, choice, score, pValue, psi);
  }
  if (feature.kind === 'categorical' && window.kind === 'categorical') {
    const names = Object.keys(feature.categories);
    if (!names.includes(OTHER_CATEGORY) && (window.categories[OTHER_CATEGORY] ?? 0) > 0) names.push(OTHER_CATEGORY);
    const expected = names.map((n) => feature.categories[n] ?? 0);
    const actual = names.map((n) => window.categories[n] ?? 0);
    const psi = psiFromCounts(expected, actual);
    let score: number;
    let pValue: number | undefined;
    switch (choice.method) {
      case 'chi-square': {
        const r = chiSquareTest(expected, actual);
        score = r.statistic;
        pValue = r.pValue;
        break;
      }
      case 'jensen-shannon': score = jensenShannonDistance(expected, actual); break;
      case 'psi': score = psi; break;
      default: throw unsupported(feature, choice.method);
    }
    return verdict(feature, window, choice, score, pValue, psi);
  }
  throw new SovereignMlError(ErrorCode.INVALID_PROPS, `feature ${feature.name} is ${feature.kind} in the baseline but its window is ${window.kind}`);
}

/** Evaluates a window of all features (and the output) against a baseline. */
export function evaluateDrift(baseline: BaselineDocument, windows: ReadonlyMap<string, FeatureWindow>, records: number, policy: DriftPolicy = {}, outputWindow?: FeatureWindow): DriftReport {
  const minRecords = policy.minRecords ?? 100;
  if (records < minRecords) return { status: 'insufficient-data', records, minRecords };
  const features = baseline.features.map((f) => {
    const w = windows.get(f.name);
    if (!w) throw new SovereignMlError(ErrorCode.INVALID_PROPS, `no window for feature ${f.name}`);
    return evaluateFeature(f, w, policy);
  });
  const driftedShare = features.filter((f) => f.drifted).length / features.length;
  const output = baseline.output && outputWindow ? evaluateFeature(baseline.output, outputWindow, policy) : undefined;
  return { status: 'ok', records, features, ...(output ? { output } : {}), driftedShare, datasetDrift: driftedShare >= (policy.datasetDriftShare ?? 0.5) };
}

function verdict(feature: FeatureBaseline, window: FeatureWindow, choice: MethodChoice, score: number, pValue: number | undefined, psi: number): FeatureDrift {
  const isTest = choice.method === 'ks' || choice.method === 'chi-square';
  const drifted = isTest ? (pValue ?? 1) < choice.threshold : score >= choice.threshold;
  return { feature: feature.name, method: choice.method, threshold: choice.threshold, score, ...(pValue !== undefined ? { pValue } : {}), drifted, psi, count: window.count, missing: window.missing };
}

function unsupported(feature: FeatureBaseline, method: DriftMethod): SovereignMlError {
  return new SovereignMlError(ErrorCode.INVALID_PROPS, `method ${method} does not apply to ${feature.kind} feature ${feature.name}`);
}
