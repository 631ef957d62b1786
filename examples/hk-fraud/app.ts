/**
 * Claims-fraud scoring for a Hong Kong insurer: the model registry and the registered
 * fraud model, in ap-east-1.
 *
 * Run with `npx cdk synth` from the repository root (cdk.json points here).
 */
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HkFraudStack } from './hk-fraud-stack';

/**
 * Placeholder account used when CDK_DEFAULT_ACCOUNT is not set (a machine with no AWS
 * credentials, such as CI). Synthesis only needs an account to render ARNs; deploy with
 * real credentials so that the CLI supplies the real one.
 */
export const PLACEHOLDER_ACCOUNT = '111111111111';

/** Builds the example app; tests call this with their own output directory. */
export function buildApp(app: App = new App()): App {
  new HkFraudStack(app, 'HkFraud', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT ?? PLACEHOLDER_ACCOUNT, region: 'ap-east-1' },
    modelPath: path.join(__dirname, 'model', 'fraud.onnx'),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
