import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import * as path from 'node:path';
import {
  Baseline, Compute, Deployment, DriftEngine, DriftMonitor, DriftSource, InferenceImage, ModelApprovalStatus, ModelRegistry, ObjectLock, OnnxFunction,
  ServingDashboard, ServingEndpoint, type ModelArtifact,
} from '../../constructs';

/** Properties of the {@link HkFraudStack}. */
export interface HkFraudStackProps extends StackProps {
  /** Path of the fraud model file. */
  readonly modelPath: string;
}

/** The insurer's fraud-scoring stack in Hong Kong. */
export class HkFraudStack extends Stack {
  /** The model registry. */
  public readonly registry: ModelRegistry;
  /** The registered fraud model, version 3. */
  public readonly model: ModelArtifact;
  /** The claims scorer: the registered model over the Open Inference Protocol, capturing 10%. */
  public readonly scorer: OnnxFunction;
  /** The real-time endpoint for the claims system: Triton, capture 20%, canary deployment. */
  public readonly endpoint: ServingEndpoint;

  public constructor(scope: Construct, id: string, props: HkFraudStackProps) {
    super(scope, id, props);
    this.registry = new ModelRegistry(this, 'Registry', {
      modelPackageGroupName: 'hk-claims-fraud',
      description: 'Claims-fraud models of the Hong Kong motor and health book',
      objectLock: ObjectLock.governance(Duration.days(365)),
    });
    this.model = this.registry.addModel('FraudV3', {
      path: props.modelPath,
      version: '3',
      approvalStatus: ModelApprovalStatus.APPROVED,
      metadata: {
        trainingData: 'examples/hk-fraud/model/training-sample.csv',
        trainer: 'examples/hk-fraud/model/train_fraud_model.py',
        algorithm: 'logistic-regression',
      },
    });
    this.scorer = new OnnxFunction(this, 'Scorer', {
      model: this.model,
      memorySize: 2048,
      capture: { samplingPercent: 10 },
    });
    this.endpoint = new ServingEndpoint(this, 'Endpoint', {
      model: this.model,
      image: InferenceImage.triton('24.09'),
      compute: Compute.instances({ instanceType: 'ml.m5.large', minCount: 2, maxCount: 6, targetInvocationsPerInstance: 200 }),
      dataCapture: { samplingPercent: 20 },
      deployment: Deployment.canary({ percent: 10, bakeTime: Duration.minutes(10) }),
    });
    // Drift on both serving paths, against the training sample's baseline
    // (`npx sovereign-ml baseline model/training-sample.csv --out model/baseline.json --target is_fraud`).
    const baseline = Baseline.fromFile(path.join(__dirname, 'model', 'baseline.json'));
    // The endpoint captures 20% of up to six instances' traffic: its windows are read by a
    // Distributed Map, one child per 20 capture objects, at most 20 at once.
    const endpointDrift = new DriftMonitor(this, 'EndpointDrift', {
      source: DriftSource.endpoint(this.endpoint), baseline,
      engine: DriftEngine.distributedMap({ maxConcurrency: 20 }),
    });
    const scorerDrift = new DriftMonitor(this, 'ScorerDrift', { source: DriftSource.onnxFunction(this.scorer), baseline, featureAlarms: true });
    new ServingDashboard(this, 'Dashboard', { endpoints: [this.endpoint], functions: [this.scorer], driftMonitors: [endpointDrift, scorerDrift] });
  }
}
