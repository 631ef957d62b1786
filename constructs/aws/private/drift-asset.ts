/**
 * The Lambda asset of a drift job: the handler bundled by esbuild and, beside it, the
 * baseline as `baseline.json`, in a content-addressed folder.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assetFolder } from './asset-folder';
import { BUNDLE_FILE, bundleEntry } from './bundle';

/** Entry point of the drift job, relative to the package root. */
export const DRIFT_JOB_ENTRY = 'lambda/drift-monitor/index.ts';

/** Builds (or reuses) the asset folder for a baseline file and returns its path. */
export function buildDriftAsset(baselineFile: string): string {
  const bundleDir = bundleEntry(DRIFT_JOB_ENTRY);
  const files: Array<[from: string, to: string]> = [
    [path.join(bundleDir, BUNDLE_FILE.cjs), BUNDLE_FILE.cjs],
    [baselineFile, 'baseline.json'],
  ];
  const hash = createHash('sha256');
  for (const [from, to] of files) {
    const bytes = fs.readFileSync(from);
    hash.update(`${to}\0${bytes.length}\0`).update(bytes);
  }
  return assetFolder('sovereign-ml-drift-assets', hash.digest('hex').slice(0, 24), files);
}
