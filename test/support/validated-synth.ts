import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { cdkJsonContext, tempDir } from './app';

/** One violation in CDK's policy validation report. */
export interface ReportedViolation {
  readonly plugin: string;
  readonly ruleName: string;
  readonly severity: string;
  readonly description: string;
  readonly constructPaths: string[];
}

/** The outcome of a synthesis with CDK's validation plugins. */
export interface ValidatedSynth {
  readonly assembly?: CloudAssembly;
  readonly error?: Error;
  readonly violations: ReportedViolation[];
}

interface ReportJson {
  pluginReports: Array<{
    pluginName: string;
    violations: Array<{ ruleName: string; severity?: string; description: string; violatingConstructs: Array<{ constructPath: string }> }>;
  }>;
}

/**
 * Synthesizes an app built by `build` with cdk.json's context (so AWS's bundled
 * CloudFormation validator runs, as `cdk synth` runs it) and returns every reported
 * violation from every plugin (CloudFormation Validate, cdk-nag, residency).
 */
export function validatedSynth(build: (app: App) => void): ValidatedSynth {
  const outdir = tempDir('validated-synth-');
  const app = new App({ outdir, context: cdkJsonContext() });
  build(app);
  let assembly: CloudAssembly | undefined;
  let error: Error | undefined;
  try {
    assembly = app.synth();
  } catch (e) {
    error = e as Error;
  }
  const reportPath = path.join(outdir, 'validation-report.json');
  const report: ReportJson = fs.existsSync(reportPath) ? JSON.parse(fs.readFileSync(reportPath, 'utf8')) : { pluginReports: [] };
  const violations = report.pluginReports.flatMap((p) => p.violations.map((v) => ({
    plugin: p.pluginName,
    ruleName: v.ruleName,
    severity: v.severity ?? 'error',
    description: v.description,
    constructPaths: v.violatingConstructs.map((c) => c.constructPath),
  })));
  return { assembly, error, violations };
}

/** Violations that fail a build: errors from any plugin. */
export function errorViolations(result: ValidatedSynth): ReportedViolation[] {
  return result.violations.filter((v) => v.severity.toLowerCase() === 'error');
}
