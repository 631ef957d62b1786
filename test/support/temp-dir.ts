import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Directories made by {@link tempDir} in this test file, removed after it (test/support/remove-temp-dirs.ts). */
const made: string[] = [];

/** A fresh temporary directory, removed when the test file has run. */
export function tempDir(prefix = 'sovereign-ml-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes the directories {@link tempDir} made so far (synthesized assemblies are tens of MB each). */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
