/**
 * Claims-fraud scoring for a Hong Kong insurer: the model registry and the registered
 * fraud model, in ap-east-1, with data residency enforced.
 *
 * Run with `npx cdk synth` from the repository root (cdk.json points here).
 */
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Boundary, DataResidency } from '../../constructs';
import { HkFraudStack } from './hk-fraud-stack';

/**
 * Placeholder account used when CDK_DEFAULT_ACCOUNT is not set (a machine with no AWS
 * credentials, such as CI). Synthesis only needs an account to render ARNs; deploy with
 * real credentials so that the CLI supplies the real one.
 */
export const PLACEHOLDER_ACCOUNT = '111111111111';

/** Options of {@link buildApp}. */
export interface BuildOptions {
  /**
   * Enforce the Hong Kong boundary (benchmarks turn it off to measure its cost).
   * @default true
   */
  readonly enforceResidency?: boolean;
}

/** Builds the example app; tests call this with their own output directory. */
export function buildApp(app: App = new App(), options: BuildOptions = {}): App {
  new HkFraudStack(app, 'HkFraud', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT ?? PLACEHOLDER_ACCOUNT, region: 'ap-east-1' },
    modelPath: path.join(__dirname, 'model', 'fraud.onnx'),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  // Everything stays in Hong Kong: synth fails on any resource or flow outside ap-east-1,
  // CloudFormation refuses the templates in any other region, and every role is bounded
  // to ap-east-1 at run time.
  if (options.enforceResidency ?? true) {
    DataResidency.enforce(app, { boundary: Boundary.HONG_KONG, permissionsBoundary: true });
  }
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
