import * as path from 'node:path';
import { ErrorCode, SovereignMlError } from '../../lib/errors';

/**
 * Access modes of a PersistentVolumeClaim, as its `spec.accessModes` lists them.
 * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes
 */
export enum VolumeAccessMode {
  /** Read-write by pods on one node at a time. */
  READ_WRITE_ONCE = 'ReadWriteOnce',
  /** Read-only by pods on many nodes. */
  READ_ONLY_MANY = 'ReadOnlyMany',
  /** Read-write by pods on many nodes. */
  READ_WRITE_MANY = 'ReadWriteMany',
  /** Read-write by a single pod. */
  READ_WRITE_ONCE_POD = 'ReadWriteOncePod',
}

/** Options of {@link CaptureVolume.persistentVolumeClaim}. */
export interface CaptureClaimOptions {
  /**
   * The claim's access modes, as its `spec.accessModes` lists them. The claim is created
   * outside this library, so they are known only when given here; the constructs that
   * mount the volume check them (see `OnPremInferenceServiceProps.capture`).
   * @default - unknown: not checked
   */
  readonly accessModes?: readonly VolumeAccessMode[];
}

const ACCESS_MODES = new Set<string>(Object.values(VolumeAccessMode));

/**
 * The site's local store of capture records: an {@link OnPremInferenceService} with
 * `capture` writes hourly capture files to it, an {@link OnPremDriftJob} reads them
 * (read-only). It never leaves the site.
 */
export abstract class CaptureVolume {
  /**
   * An existing PersistentVolumeClaim in the pods' namespace. For a service that writes
   * to it while the drift job reads it, ReadWriteMany (ReadWriteOnce only on a single node).
   */
  public static persistentVolumeClaim(claimName: string, options: CaptureClaimOptions = {}): CaptureVolume {
    if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(claimName)) {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `capture claimName must be a Kubernetes object name (lower-case letters, digits, "-" and "."), got ${JSON.stringify(claimName)}`);
    }
    const modes = options.accessModes;
    if (modes !== undefined) {
      const bad = modes.find((m) => !ACCESS_MODES.has(m));
      if (bad !== undefined || modes.length === 0) {
        throw new SovereignMlError(ErrorCode.INVALID_PROPS,
          `capture accessModes must list one or more of ${[...ACCESS_MODES].join(', ')}, got ${bad !== undefined ? JSON.stringify(bad) : 'an empty list'}`);
      }
    }
    return new ClaimVolume(claimName, modes ? [...new Set(modes)] : undefined);
  }

  /**
   * A directory on the node. Only for single-node sites or a path every node mounts from
   * shared storage: the pods may run on any node. The `restricted` Pod Security Standard
   * forbids host paths, so the namespace must allow `baseline` pods. `fsGroup` does not
   * apply to host paths: a server writing to it needs the directory writable by uid 1000.
   */
  public static hostPath(directory: string): CaptureVolume {
    if (!path.posix.isAbsolute(directory)) {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `capture hostPath must be an absolute directory, got ${JSON.stringify(directory)}`);
    }
    return new HostPathVolume(directory);
  }

  /** The claim's access modes when they were given; undefined for a host path or when unknown. */
  public abstract readonly accessModes?: readonly VolumeAccessMode[];

  /** @internal what it is, for error messages: `claim "risk-capture"`. */
  public abstract readonly _description: string;

  /** @internal the pod volume source; a claim is mounted read-only unless `writable`. */
  public abstract _volumeSource(writable?: boolean): { persistentVolumeClaim?: { claimName: string; readOnly: boolean }; hostPath?: { path: string; type: string } };

  /** @internal whether the source is a host path, which the `restricted` Pod Security Standard forbids. */
  public abstract readonly _isHostPath: boolean;
}

class ClaimVolume extends CaptureVolume {
  public readonly _description: string;
  public readonly _isHostPath = false;

  public constructor(private readonly claimName: string, public readonly accessModes: readonly VolumeAccessMode[] | undefined) {
    super();
    this._description = `claim ${JSON.stringify(claimName)}`;
  }

  public _volumeSource(writable = false) {
    return { persistentVolumeClaim: { claimName: this.claimName, readOnly: !writable } };
  }
}

class HostPathVolume extends CaptureVolume {
  public readonly accessModes = undefined;
  public readonly _description: string;
  public readonly _isHostPath = true;

  public constructor(private readonly directory: string) {
    super();
    this._description = `host path ${JSON.stringify(directory)}`;
  }

  public _volumeSource() {
    return { hostPath: { path: this.directory, type: 'Directory' } };
  }
}
