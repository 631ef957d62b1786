/**
 * Content-addressed asset folders assembled from files, built once per content.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Returns `<tmp>/<kind>/<digest>`, creating it from `files` ([source, relative target])
 * when it does not exist yet. The folder is staged and renamed into place whole, so an
 * existing folder is always complete, and parallel synths of the same content agree.
 */
export function assetFolder(kind: string, digest: string, files: ReadonlyArray<readonly [from: string, to: string]>): string {
  const dir = path.join(os.tmpdir(), kind, digest);
  if (fs.existsSync(dir)) return dir;
  const staging = `${dir}.${process.pid}.tmp`;
  fs.rmSync(staging, { recursive: true, force: true });
  for (const [from, to] of files) {
    const dest = path.join(staging, to);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(from, dest);
  }
  try {
    fs.renameSync(staging, dir);
  } catch (e) {
    // Another synth in parallel got there first with the same content.
    fs.rmSync(staging, { recursive: true, force: true });
    if (!fs.existsSync(dir)) throw e;
  }
  return dir;
}
