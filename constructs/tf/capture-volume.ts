import * as path from 'node:path';
import { ErrorCode, SovereignMlError } from '../../lib/errors';

/**
 * The site's local store of capture records that an {@link OnPremDriftJob} reads,
 * mounted read-only. It is filled outside this library (the site's log collector writes
 * the server's capture lines, from stdout, into it) and never leaves the site.
 */
export abstract class CaptureVolume {
  /** An existing PersistentVolumeClaim in the job's namespace (ReadOnlyMany or ReadWriteMany when the collector writes at the same time). */
  public static persistentVolumeClaim(claimName: string): CaptureVolume {
    if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(claimName)) {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `capture claimName must be a Kubernetes object name (lower-case letters, digits, "-" and "."), got ${JSON.stringify(claimName)}`);
    }
    return new ClaimVolume(claimName);
  }

  /**
   * A directory on the node. Only for single-node sites or a path every node mounts from
   * shared storage: the job may run on any node. The `restricted` Pod Security Standard
   * forbids host paths, so the namespace must allow `baseline` pods.
   */
  public static hostPath(directory: string): CaptureVolume {
    if (!path.posix.isAbsolute(directory)) {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `capture hostPath must be an absolute directory, got ${JSON.stringify(directory)}`);
    }
    return new HostPathVolume(directory);
  }

  /** @internal the pod volume source. */
  public abstract _volumeSource(): { persistentVolumeClaim?: { claimName: string; readOnly: boolean }; hostPath?: { path: string; type: string } };
}

class ClaimVolume extends CaptureVolume {
  public constructor(private readonly claimName: string) {
    super();
  }

  public _volumeSource() {
    return { persistentVolumeClaim: { claimName: this.claimName, readOnly: true } };
  }
}

class HostPathVolume extends CaptureVolume {
  public constructor(private readonly directory: string) {
    super();
  }

  public _volumeSource() {
    return { hostPath: { path: this.directory, type: 'Directory' } };
  }
}
