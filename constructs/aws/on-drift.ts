import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/** What the drift job does when the dataset drifts, besides the alarm. */
export abstract class OnDrift {
  /** Starts a SageMaker pipeline (a retraining pipeline, say) in the monitor's account and region. */
  public static startPipeline(pipelineName: string): OnDrift {
    return new (class extends OnDrift {
      public bind(scope: Construct, role: iam.IRole): Record<string, string> {
        const arn = Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: pipelineName.toLowerCase() });
        role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:StartPipelineExecution'], resources: [arn] }));
        return { ON_DRIFT_PIPELINE_NAME: pipelineName };
      }
    })();
  }

  /**
   * Puts a `sovereign-ml.drift` event with the report's summary on an event bus.
   * @param eventBus the bus
   * @default eventBus - the account's default event bus
   */
  public static putEvent(eventBus?: events.IEventBus): OnDrift {
    return new (class extends OnDrift {
      public bind(scope: Construct, role: iam.IRole): Record<string, string> {
        const bus = eventBus ?? events.EventBus.fromEventBusName(scope, 'DefaultEventBus', 'default');
        bus.grantPutEventsTo(role);
        return { ON_DRIFT_EVENT_BUS: bus.eventBusArn };
      }
    })();
  }

  /** Grants `role` the action and returns the job's environment variables. */
  public abstract bind(scope: Construct, role: iam.IRole): Record<string, string>;
}
