/**
 * Reading the Terraform stacks of a CDK for Terraform output directory (`cdktf.out`)
 * without cdktf: its `manifest.json` lists each stack with the path of its `cdk.tf.json`
 * (`stacks.<name>.synthesizedStackPath`); without a manifest, every
 * `stacks/<name>/cdk.tf.json` is a stack.
 */
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { ErrorCode, SovereignMlError } from '../errors';
import type { TerraformStackDocument } from '../residency/terraform/audit-terraform';
import { compareStrings, isRecord } from './cloud-assembly';
import { describeFsError, readTerraformFile } from './template-file';

/** The file cdktf writes for each stack. */
const STACK_FILE = 'cdk.tf.json';

/** Whether a parsed `manifest.json` is a cdktf manifest (a `stacks` object, no cloud-assembly `artifacts`). */
export function isCdktfManifest(manifest: unknown): boolean {
  return isRecord(manifest) && isRecord(manifest.stacks) && manifest.artifacts === undefined;
}

/**
 * The stacks of the cdktf output in `dir`, sorted by name. With `manifest` (the parsed
 * `manifest.json`), the stacks it lists: the name is the manifest's key, the construct
 * path its `constructPath`. Without, every folder under `stacks/`, named after the folder.
 * @throws SovereignMlError INVALID_PROPS naming the file when a manifest entry has no
 * stack path, or a stack's document is missing or is not Terraform JSON
 */
export async function readCdktfOutput(dir: string, manifest?: unknown): Promise<TerraformStackDocument[]> {
  const out: TerraformStackDocument[] = [];
  if (manifest === undefined) {
    const stacksDir = path.join(dir, 'stacks');
    const entries = await readdir(stacksDir, { withFileTypes: true }).catch((err: unknown) => {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `cannot read the stacks of cdktf output ${dir}: ${stacksDir}: ${describeFsError(err)}`, { cause: err });
    });
    for (const name of entries.filter((e) => e.isDirectory()).map((e) => e.name).sort(compareStrings)) {
      const file = path.join(stacksDir, name, STACK_FILE);
      out.push({ name, document: await readTerraformFile(file), path: file });
    }
    return out;
  }
  const manifestPath = path.join(dir, 'manifest.json');
  const stacks = (manifest as { stacks: Record<string, unknown> }).stacks;
  for (const name of Object.keys(stacks).sort(compareStrings)) {
    const entry = stacks[name];
    const where = `manifest ${manifestPath} stacks.${name}`;
    const file = isRecord(entry) ? entry.synthesizedStackPath : undefined;
    if (typeof file !== 'string' || file === '') {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `${where}.synthesizedStackPath must be the path of the stack's ${STACK_FILE}, got ${JSON.stringify(file)}`);
    }
    const constructPath = (entry as { constructPath?: unknown }).constructPath;
    const documentPath = path.join(dir, file);
    out.push({
      name, document: await readTerraformFile(documentPath), path: documentPath,
      ...(typeof constructPath === 'string' && constructPath !== '' ? { constructPath } : {}),
    });
  }
  return out;
}
