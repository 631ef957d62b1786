import * as path from 'node:path';
import type { IModelArtifact } from './model-artifact';
import { inspectModelFile, type ModelFileInfo } from '../../lib/model-file';

/**
 * The model an {@link OnnxFunction} serves: an artifact of the model registry (downloaded
 * from S3 at init and verified against its SHA-256) or a local file bundled into the
 * function's asset.
 */
export class OnnxModel {
  /** A model registered in a {@link ModelRegistry}: read grant on exactly that object and its key. */
  public static fromArtifact(artifact: IModelArtifact): OnnxModel {
    return new OnnxModel(artifact.modelName, artifact.version, artifact);
  }

  /**
   * A local `.onnx` file shipped inside the function's asset.
   * @param filePath path of the file
   * @param options name (default: the file name without `.onnx`) and version (default `1`)
   */
  public static fromFile(filePath: string, options: { readonly name?: string; readonly version?: string } = {}): OnnxModel {
    const file = inspectModelFile(filePath, 'OnnxModel.fromFile(path)');
    return new OnnxModel(options.name ?? path.basename(file.fileName, '.onnx'), options.version ?? '1', undefined, file);
  }

  private constructor(
    /** Model name served at `/v2/models/{name}`. */
    public readonly name: string,
    /** Model version. */
    public readonly version: string,
    /** The registry artifact, when the model comes from the registry. */
    public readonly artifact?: IModelArtifact,
    /** The local file, when the model is bundled. */
    public readonly file?: ModelFileInfo,
  ) {}
}
