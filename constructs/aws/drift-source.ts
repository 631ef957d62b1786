import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import type { OnnxFunction } from './onnx-function';
import { ErrorCode, fail } from './private/validate';
import type { ServingEndpoint } from './serving-endpoint';

/** How the drift job parses captured records. */
export type CaptureFormat = 'sagemaker' | 'onnx';

/** Where a source's captured inferences are, as the drift job needs it. */
export interface DriftSourceConfig {
  /** The capture bucket. */
  readonly bucket: s3.IBucket;
  /** Prefix of capture records in the bucket, ending in `/`. */
  readonly prefix: string;
  /** Record format: SageMaker data capture JSON Lines or the ONNX function's capture records. */
  readonly format: CaptureFormat;
  /** Name of the model in metrics, alarms and report keys. */
  readonly modelName: string;
}

/**
 * What a {@link DriftMonitor} watches: the captured inferences of a serving endpoint or an
 * ONNX function. The source must have capture configured.
 */
export abstract class DriftSource {
  /**
   * The data capture of a SageMaker endpoint (`endpoint-capture/<endpointName>/` in its
   * capture bucket); the model name in metrics is the endpoint name.
   */
  public static endpoint(endpoint: ServingEndpoint): DriftSource {
    return new (class extends DriftSource {
      public bind(scope: IConstruct): DriftSourceConfig {
        if (!endpoint.captureBucket || !endpoint.captureS3Uri) {
          fail(scope, ErrorCode.INVALID_PROPS, `source: endpoint ${endpoint.node.path} has no data capture; set its dataCapture prop to monitor drift`);
        }
        return { bucket: endpoint.captureBucket, prefix: `endpoint-capture/${endpoint.endpointName}/`, format: 'sagemaker', modelName: endpoint.endpointName };
      }
    })();
  }

  /**
   * The capture of an ONNX function (`capture/<model>/<version>/` in its capture bucket);
   * the model name in metrics is the model's name.
   */
  public static onnxFunction(fn: OnnxFunction): DriftSource {
    return new (class extends DriftSource {
      public bind(scope: IConstruct): DriftSourceConfig {
        if (!fn.captureBucket || !fn.capturePrefix) {
          fail(scope, ErrorCode.INVALID_PROPS, `source: ONNX function ${fn.node.path} has no capture; set its capture prop to monitor drift`);
        }
        return { bucket: fn.captureBucket, prefix: fn.capturePrefix, format: 'onnx', modelName: fn.model.name };
      }
    })();
  }

  /**
   * The capture location, or an INVALID_PROPS error naming `source` and `scope` when the
   * source has no capture.
   */
  public abstract bind(scope: IConstruct): DriftSourceConfig;
}
