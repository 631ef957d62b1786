import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseBaselineText } from '../../lib/drift';
import { ErrorCode, SovereignMlError } from '../../lib/errors';

/** Largest ConfigMap Kubernetes stores (1 MiB, data and metadata together). */
const CONFIG_MAP_MAX_BYTES = 1024 * 1024;

/**
 * The drift baseline of an {@link OnPremDriftJob}: a baseline JSON file (from
 * `sovereign-ml baseline`) put into a ConfigMap, or a path the job's container already sees.
 */
export abstract class SiteBaseline {
  /**
   * A local baseline file, checked now (it must parse as a baseline) and stored in a
   * ConfigMap mounted read-only into the job.
   * @throws SovereignMlError INVALID_PROPS when the file cannot be read, is not a baseline, or
   *   exceeds the 1 MiB ConfigMap limit (use {@link SiteBaseline.fromPath} then; checked before
   *   the file is read)
   */
  public static fromFile(file: string): SiteBaseline {
    // The size first: a file too large for a ConfigMap is refused without reading it.
    let bytes: number;
    try {
      const stat = fs.statSync(file);
      if (!stat.isFile()) throw new Error('not a regular file');
      bytes = stat.size;
    } catch (cause) {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `baseline file ${file} cannot be read`, { cause });
    }
    if (bytes > CONFIG_MAP_MAX_BYTES - 16 * 1024) {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS,
        `baseline ${JSON.stringify(file)} is ${bytes} bytes, more than a ConfigMap holds (1 MiB with its metadata); put it on a volume and use SiteBaseline.fromPath`);
    }
    // Read once: the text checked is the text stored.
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (cause) {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `baseline file ${file} cannot be read`, { cause });
    }
    parseBaselineText(text, file);
    return new ConfigMapBaseline(path.basename(file), text);
  }

  /** A baseline file at an absolute path inside the job's container (baked into the image, say). */
  public static fromPath(containerPath: string): SiteBaseline {
    if (!path.posix.isAbsolute(containerPath) || containerPath.endsWith('/')) {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `baseline path must be an absolute file path inside the container, got ${JSON.stringify(containerPath)}`);
    }
    return new PathBaseline(containerPath);
  }

  /** @internal the ConfigMap contents, when the baseline is a file. */
  public abstract readonly _configMap?: { readonly fileName: string; readonly text: string };
  /** @internal path of the baseline inside the container (the ConfigMap is mounted at `/baseline`). */
  public abstract readonly _containerPath: string;
}

class ConfigMapBaseline extends SiteBaseline {
  public readonly _configMap: { readonly fileName: string; readonly text: string };
  public readonly _containerPath: string;

  public constructor(fileName: string, text: string) {
    super();
    this._configMap = { fileName, text };
    this._containerPath = `/baseline/${fileName}`;
  }
}

class PathBaseline extends SiteBaseline {
  public readonly _configMap = undefined;

  public constructor(public readonly _containerPath: string) {
    super();
  }
}
