import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { tempDir } from './temp-dir';

/** Repository root. */
export const ROOT = path.resolve(__dirname, '..', '..');

/** The context of cdk.json, so tests synthesize with the flags users get. */
export function cdkJsonContext(): Record<string, unknown> {
  return (JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
}

export { tempDir };

/** An app writing to a temporary folder, with cdk.json's context, and a Hong Kong stack in it. */
export function hkStack(context: Record<string, unknown> = {}): { app: App; stack: Stack } {
  const app = new App({ outdir: tempDir('cdk-out-'), context: { ...cdkJsonContext(), ...context } });
  const stack = new Stack(app, 'TestStack', { env: { account: '111111111111', region: 'ap-east-1' } });
  return { app, stack };
}

/** The fraud model of the example app. */
export const FRAUD_MODEL = path.join(ROOT, 'examples', 'hk-fraud', 'model', 'fraud.onnx');

/** A 3-byte fixture whose SHA-256 is the FIPS 180-2 "abc" test vector. */
export const ABC_FILE = path.join(ROOT, 'test', 'fixtures', 'abc.bin');
/** SHA-256("abc") from FIPS 180-2, appendix B.1. */
export const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
