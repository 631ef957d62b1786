import type { IConstruct } from 'constructs';
import * as z from 'zod';
import { checkedNumber } from '../../lib/validation';
import { isUnresolved, validateProps } from './private/validate';

/** Options of {@link DriftEngine.distributedMap}. */
export interface DistributedMapEngineOptions {
  /**
   * Most child workflows running at once, from 1 to 10,000 (the Distributed Map limit).
   * Each child is one Lambda invocation: keep it within the account's Lambda concurrency.
   * @default 10
   */
  readonly maxConcurrency?: number;
  /**
   * Capture objects each child reads, from 1 to 1,000. Firehose and SageMaker write objects
   * of a few MB, so the default keeps a child well inside Lambda's 15 minutes.
   * @default 20
   */
  readonly objectsPerChild?: number;
}

/** The engine's settings, validated, for the monitor. */
export type DriftEngineConfig =
  | { readonly kind: 'function' }
  | { readonly kind: 'distributed-map'; readonly maxConcurrency: number; readonly objectsPerChild: number };

const distributedSchema = z.strictObject({
  maxConcurrency: checkedNumber(isUnresolved, (v) => Number.isInteger(v) && v >= 1 && v <= 10_000, 'must be a whole number from 1 to 10000').default(10),
  objectsPerChild: checkedNumber(isUnresolved, (v) => Number.isInteger(v) && v >= 1 && v <= 1000, 'must be a whole number from 1 to 1000').default(20),
});

/**
 * How a {@link DriftMonitor} runs its job.
 *
 * - `DriftEngine.singleFunction()`: one Lambda invocation reads the whole window. Fits a
 *   window it can read within 5 minutes (about 40 million records at the measured rate).
 * - `DriftEngine.distributedMap({ maxConcurrency })`: a Step Functions state machine plans
 *   the window (lists and batches its objects into a manifest), a Distributed Map runs one
 *   child per batch that builds partial windows, and a reducer merges them, exactly, into
 *   the report a single run would give.
 */
export abstract class DriftEngine {
  /** One Lambda invocation per window. */
  public static singleFunction(): DriftEngine {
    return new (class extends DriftEngine {
      public config(): DriftEngineConfig {
        return { kind: 'function' };
      }
    })();
  }

  /**
   * A Step Functions Distributed Map over the window's capture objects.
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
   */
  public static distributedMap(options: DistributedMapEngineOptions = {}): DriftEngine {
    return new (class extends DriftEngine {
      public config(scope: IConstruct): DriftEngineConfig {
        const valid = validateProps(scope, distributedSchema, options, 'props.engine');
        return { kind: 'distributed-map', maxConcurrency: valid.maxConcurrency, objectsPerChild: valid.objectsPerChild };
      }
    })();
  }

  /**
   * The validated settings; errors name `scope` (the monitor).
   * @internal
   */
  public abstract config(scope: IConstruct): DriftEngineConfig;
}
