/**
 * Capture formats: the ONNX function's capture records and SageMaker data-capture JSON
 * lines, read from plain or gzip streams and turned into rows for the drift job.
 */
export * from './capture-record';
export * from './csv';
export * from './payload';
export * from './sagemaker-capture';
export * from './capture-reader';
export * from './lines';
export * from './hour-partitions';
