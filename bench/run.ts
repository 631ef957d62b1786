/**
 * Runs every `bench/*.bench.ts` in its own process (so one benchmark's heap and JIT state
 * do not colour the next) and prints their figures. Usage: `npm run bench [-- filter]`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const filter = process.argv[2] ?? '';
const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.bench.ts') && f.includes(filter)).sort();
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n## ${file}\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', path.join(__dirname, file)], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    process.stdout.write(`benchmark ${file} exited with ${run.status}\n`);
  }
}
process.exit(failed ? 1 : 0);
