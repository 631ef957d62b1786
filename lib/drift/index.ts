/**
 * Drift statistics between a reference and a current sample, agreeing with SciPy.
 */
export { ksTwoSample, type KsMethod, type KsTwoSampleOptions, type KsTwoSampleResult } from './ks';
export { psi, psiFromCounts, type PsiOptions } from './psi';
export { wassersteinDistance } from './wasserstein';
export { jensenShannonDistance } from './jensen-shannon';
export { chiSquareTest, type ChiSquareResult } from './chi-square';
export { lInfinityDistance } from './distances';
export { baselineSchema, parseBaseline, parseBaselineText, readBaselineFile, OTHER_CATEGORY, type BaselineDocument, type FeatureBaseline, type NumericFeatureBaseline, type CategoricalFeatureBaseline } from './baseline';
export { BaselineBuilder, type BaselineBuilderOptions, type BuildStats, type Cell } from './baseline-builder';
export { baselineFromCsv, baselineFromJsonLines, parseCsvLine } from './baseline-input';
export { emptyWindow, addValue, addHashedValue, addHashedRow, recordHash, fnv1a, mergeWindows, sampleValues, type FeatureWindow, type NumericWindow, type CategoricalWindow } from './window';
export { selectMethod, evaluateFeature, evaluateDrift, type DriftMethod, type DriftPolicy, type DriftReport, type FeatureDrift, type MethodChoice } from './evaluate';
export { DRIFT_WORK_PREFIX, DATASET_FEATURE, OUTPUT_FEATURE } from './names';
export { baselineFromModelMonitorStatistics, kllSample, type ModelMonitorStatisticsOptions } from './model-monitor';
