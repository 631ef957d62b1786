/**
 * Classes of data, so that a boundary can govern some data more strictly than other
 * data (PIPL personal data in the mainland partition, aggregate telemetry anywhere).
 */
export const DataClass = {
  /** Model files and their registry entries. */
  MODEL_ARTIFACT: 'model-artifact',
  /** Captured inference inputs and outputs, prediction logs. */
  INFERENCE_PAYLOAD: 'inference-payload',
  /** Data sets used for training, validation and baselines. */
  TRAINING_DATA: 'training-data',
  /** Personal data (PDPO in Hong Kong, PIPL in the mainland). */
  PERSONAL: 'personal',
  /** Aggregate metrics and operational logs without payloads. */
  TELEMETRY: 'telemetry',
} as const;

/** One of the values of {@link DataClass}. */
export type DataClass = (typeof DataClass)[keyof typeof DataClass];

/** Every data class, in a stable order. */
export const ALL_DATA_CLASSES: readonly DataClass[] = Object.values(DataClass);

/** Whether `x` is a data class name. */
export function isDataClass(x: unknown): x is DataClass {
  return typeof x === 'string' && (ALL_DATA_CLASSES as readonly string[]).includes(x);
}

/**
 * Resource metadata key under which the data classes of a resource are recorded in a
 * synthesized template (`Metadata: { "sovereign-ml:dataClasses": ["personal"] }`).
 */
export const DATA_CLASSES_METADATA_KEY = 'sovereign-ml:dataClasses';

/**
 * Template metadata key under which `DataResidency.declareExternal` records the
 * locations of things outside the app (buckets, ARNs, URLs).
 */
export const EXTERNALS_METADATA_KEY = 'sovereign-ml:externals';
