import type * as sns from 'aws-cdk-lib/aws-sns';

/** Options of {@link Compute.instances}. */
export interface InstanceComputeOptions {
  /** Instance type, `ml.*`, e.g. `ml.m5.large`. */
  readonly instanceType: string;
  /**
   * Fewest instances (autoscaling floor, and the initial count).
   * @default 1
   */
  readonly minCount?: number;
  /**
   * Most instances (autoscaling ceiling). Equal to minCount: no autoscaling.
   * @default - minCount
   */
  readonly maxCount?: number;
  /**
   * Target of the target-tracking policy on `SageMakerVariantInvocationsPerInstance`
   * (invocations per instance per minute).
   * @default 100
   */
  readonly targetInvocationsPerInstance?: number;
}

/** Options of {@link Compute.serverless}. */
export interface ServerlessComputeOptions {
  /** Memory: 1024 to 6144 MB in steps of 1024. */
  readonly memorySizeMb: number;
  /** Most concurrent invocations: 1 to 200. */
  readonly maxConcurrency: number;
  /**
   * Provisioned concurrency: 1 to maxConcurrency.
   * @default - none
   */
  readonly provisionedConcurrency?: number;
}

/** Notification topics of asynchronous inference. */
export interface AsyncNotifications {
  /**
   * Topic told of each success.
   * @default - none
   */
  readonly success?: sns.ITopic;
  /**
   * Topic told of each failure.
   * @default - none
   */
  readonly error?: sns.ITopic;
}

/** Options of {@link Compute.async}. */
export interface AsyncComputeOptions {
  /** Instance type, `ml.*`. */
  readonly instanceType: string;
  /**
   * Fewest instances; 0 scales to zero when the queue is empty.
   * @default 0
   */
  readonly minCount?: number;
  /** Most instances. */
  readonly maxCount: number;
  /**
   * Concurrent requests one instance takes from the queue.
   * @default - chosen by SageMaker
   */
  readonly maxConcurrentInvocationsPerInstance?: number;
  /**
   * Target queue backlog per instance for scaling.
   * @default 5
   */
  readonly targetBacklogPerInstance?: number;
  /**
   * Success and error topics.
   * @default - no notifications
   */
  readonly notify?: AsyncNotifications;
}

/** How an endpoint computes: real-time instances, serverless, or asynchronous instances. */
export abstract class Compute {
  /** Real-time inference on instances, with target-tracking autoscaling between min and max. */
  public static instances(options: InstanceComputeOptions): Compute {
    return new InstanceCompute(options);
  }

  /** Serverless inference. */
  public static serverless(options: ServerlessComputeOptions): Compute {
    return new ServerlessCompute(options);
  }

  /** Asynchronous inference: a queue, outputs in S3, scaling on backlog down to zero. */
  public static async(options: AsyncComputeOptions): Compute {
    return new AsyncCompute(options);
  }

  /** The compute mode. */
  public abstract readonly mode: 'instances' | 'serverless' | 'async';
}

/** @internal */
export class InstanceCompute extends Compute {
  public readonly mode = 'instances';
  public constructor(public readonly options: InstanceComputeOptions) {
    super();
  }
}

/** @internal */
export class ServerlessCompute extends Compute {
  public readonly mode = 'serverless';
  public constructor(public readonly options: ServerlessComputeOptions) {
    super();
  }
}

/** @internal */
export class AsyncCompute extends Compute {
  public readonly mode = 'async';
  public constructor(public readonly options: AsyncComputeOptions) {
    super();
  }
}
