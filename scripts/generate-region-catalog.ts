/**
 * Generates lib/regions/catalog.generated.ts.
 *
 * Sources:
 * - partition, domain suffix, opt-in flag and the Deep Learning Containers account:
 *   aws-cdk-lib's region-info facts (`aws-cdk-lib/region-info`, the version pinned in
 *   package.json), which AWS maintains from its own region metadata;
 * - SageMaker prebuilt image registry accounts per family:
 *   scripts/data/sagemaker-image-accounts.json, transcribed from the published tables in
 *   aws/sagemaker-python-sdk `src/sagemaker/image_uri_config/*.json` (the file records the
 *   commit and the version of each table it used).
 *
 * Run: `npm run regions:generate`. The output is committed; a test checks that it is
 * current with respect to the installed aws-cdk-lib.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { renderCatalog, type SageMakerImageTables } from './region-catalog-source';

const root = path.resolve(__dirname, '..');
const tables = JSON.parse(fs.readFileSync(path.join(root, 'scripts/data/sagemaker-image-accounts.json'), 'utf8')) as SageMakerImageTables;
const { text, warnings } = renderCatalog(RegionInfo.regions, tables);
for (const warning of warnings) {
  process.stderr.write(`warning: ${warning}\n`);
}
const out = path.join(root, 'lib/regions/catalog.generated.ts');
fs.writeFileSync(out, text);
process.stdout.write(`wrote ${path.relative(root, out)}\n`);
