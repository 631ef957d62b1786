import type { Duration } from 'aws-cdk-lib';

/** Options of {@link Deployment.allAtOnce}. */
export interface AllAtOnceOptions {
  /**
   * Baking period after all traffic has moved, while the rollback alarms are watched.
   * @default Duration.minutes(10)
   */
  readonly bakeTime?: Duration;
}

/** Options of {@link Deployment.canary}. */
export interface CanaryOptions {
  /** Share of the new fleet that takes traffic first: 1 to 50 percent. */
  readonly percent: number;
  /** Baking period of the canary before the rest of the traffic moves (0 to 60 minutes). */
  readonly bakeTime: Duration;
  /**
   * Wait before the old fleet is terminated once all traffic has moved (0 to 60 minutes).
   * @default Duration.minutes(0)
   */
  readonly terminationWait?: Duration;
}

/** Options of {@link Deployment.linear}. */
export interface LinearOptions {
  /** Share of the new fleet turned on per step: 10 to 50 percent. */
  readonly stepPercent: number;
  /** Baking period of each step (0 to 60 minutes). */
  readonly interval: Duration;
  /**
   * Wait before the old fleet is terminated (0 to 60 minutes).
   * @default Duration.minutes(0)
   */
  readonly terminationWait?: Duration;
}

/** Options of {@link Deployment.rolling}. */
export interface RollingOptions {
  /** Share of the fleet replaced per batch: 5 to 50 percent. */
  readonly batchPercent: number;
  /** Baking period of each batch (0 to 60 minutes). */
  readonly interval: Duration;
  /**
   * Share of capacity restored per batch on rollback.
   * @default - 100 (all at once)
   */
  readonly rollbackBatchPercent?: number;
  /**
   * Time limit of the whole deployment (10 minutes to 8 hours).
   * @default - SageMaker's default
   */
  readonly maxExecutionTime?: Duration;
}

/**
 * How an endpoint update moves traffic: blue/green all at once, canary or linear, or a
 * rolling update; each with automatic rollback on the endpoint's alarms.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails.html
 */
export abstract class Deployment {
  /** Blue/green: all traffic moves at once, then a baking period. */
  public static allAtOnce(options: AllAtOnceOptions = {}): Deployment {
    return new BlueGreenDeployment('ALL_AT_ONCE', options);
  }

  /** Blue/green with a canary: a share first, the rest after the bake time. */
  public static canary(options: CanaryOptions): Deployment {
    return new BlueGreenDeployment('CANARY', options);
  }

  /** Blue/green in equal steps. */
  public static linear(options: LinearOptions): Deployment {
    return new BlueGreenDeployment('LINEAR', options);
  }

  /** Rolling update in batches (instance endpoints only). */
  public static rolling(options: RollingOptions): Deployment {
    return new RollingDeployment(options);
  }

  /** The deployment mode. */
  public abstract readonly mode: 'ALL_AT_ONCE' | 'CANARY' | 'LINEAR' | 'ROLLING';

  /** Whether the mode shifts traffic gradually (a deployment guardrail beyond all-at-once). */
  public get isGuardrail(): boolean {
    return this.mode !== 'ALL_AT_ONCE';
  }
}

/** @internal */
export class BlueGreenDeployment extends Deployment {
  public constructor(public readonly mode: 'ALL_AT_ONCE' | 'CANARY' | 'LINEAR', public readonly options: AllAtOnceOptions & Partial<CanaryOptions> & Partial<LinearOptions>) {
    super();
  }
}

/** @internal */
export class RollingDeployment extends Deployment {
  public readonly mode = 'ROLLING';
  public constructor(public readonly options: RollingOptions) {
    super();
  }
}
