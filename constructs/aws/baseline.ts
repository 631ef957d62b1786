import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SovereignMlError } from '../../lib/errors';
import { baselineFromModelMonitorStatistics, readBaselineFile, selectMethod, type BaselineDocument, type DriftMethod } from '../../lib/drift';
import type { DriftPolicyOptions } from './drift-monitor';
import { ErrorCode } from './private/validate';

/**
 * The reference distribution drift is measured against: a `sovereign-ml.baseline` document
 * (built with `sovereign-ml baseline` or `BaselineBuilder`), shipped beside the drift job.
 */
export class Baseline {
  /**
   * A baseline file, read and validated now.
   * @param file path of the file, relative to the working directory
   * @throws SovereignMlError INVALID_PROPS naming the file when it is unreadable or invalid
   */
  public static fromFile(file: string): Baseline {
    const absolute = path.resolve(file);
    return new Baseline(absolute, readBaselineFile(absolute));
  }

  /**
   * An existing SageMaker Model Monitor `statistics.json` (KLL buckets), converted now. PSI
   * and chi-square use its buckets exactly; KS and Wasserstein use a sample rebuilt from
   * the KLL sketch, an approximation.
   * @throws SovereignMlError INVALID_PROPS naming the file and the bad field
   */
  public static fromModelMonitorStatistics(file: string): Baseline {
    const absolute = path.resolve(file);
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(absolute, 'utf8'));
    } catch (cause) {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `Model Monitor statistics ${absolute} cannot be read as JSON: ${(cause as Error).message}`, { cause });
    }
    const doc = baselineFromModelMonitorStatistics(json, { source: absolute });
    const text = `${JSON.stringify(doc)}\n`;
    const converted = path.join(os.tmpdir(), 'sovereign-ml-baselines', `${createHash('sha256').update(text).digest('hex').slice(0, 24)}.json`);
    fs.mkdirSync(path.dirname(converted), { recursive: true });
    fs.writeFileSync(converted, text);
    return new Baseline(converted, doc);
  }

  /** Names of the features, in baseline order (the model output is not one of them). */
  public readonly featureNames: readonly string[];
  /** Whether the baseline holds the model output's distribution (so output drift is measured). */
  public readonly hasOutput: boolean;

  private constructor(
    /** Absolute path of the baseline file. */
    public readonly file: string,
    private readonly document: BaselineDocument,
  ) {
    this.featureNames = document.features.map((f) => f.name);
    this.hasOutput = document.output !== undefined;
  }

  /** The method and threshold a feature (or the output) gets under a policy, if the baseline has it. */
  public methodOf(feature: string, policy: DriftPolicyOptions = {}): { method: DriftMethod; threshold: number } | undefined {
    const f = this.document.features.find((x) => x.name === feature) ?? (this.document.output?.name === feature ? this.document.output : undefined);
    return f ? selectMethod(f, policy) : undefined;
  }
}
