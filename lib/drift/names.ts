/**
 * Names the drift job (`lambda/drift-monitor`) and its constructs
 * (`constructs/aws/drift-monitor.ts`, `constructs/aws/private/drift-state-machine.ts`) must
 * agree on, defined once: the job writes under these keys and publishes these dimension
 * values; the constructs grant access to those keys and alarm on those metrics.
 */

/**
 * Key prefix, in the capture bucket, of the Distributed Map engine's manifest and partials:
 * `drift-work/<model>/<window end>/…`. The job's and the state machine's IAM grants cover
 * `drift-work/<model>/*`.
 */
export const DRIFT_WORK_PREFIX = 'drift-work/';

/** The `feature` dimension value of dataset-level drift metrics. */
export const DATASET_FEATURE = '__dataset__';

/** The `feature` dimension value of the model output's drift metrics. */
export const OUTPUT_FEATURE = '__output__';
