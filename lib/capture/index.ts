/**
 * Capture formats: the ONNX function's capture records (and, later, SageMaker
 * data-capture JSON lines) turned into rows for the drift job.
 */
export * from './capture-record';
