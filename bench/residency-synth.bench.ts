/**
 * What the residency checker adds to `cdk synth` of the Hong Kong example: the same app
 * synthesized with and without `DataResidency.enforce` (CloudFormation validation and
 * cdk-nag run in both), interleaved, median of N rounds each. Target: at most +15%.
 *
 * Two figures: the app as `cdk synth` runs it (a fresh Node process per synthesis, which
 * is what a user waits for), and the stricter in-process figure (warm modules, only the
 * synthesis itself), where the checker's fixed cost weighs most.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../examples/hk-fraud/app';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const context = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

function synthOnce(enforceResidency: boolean): number {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  // The validation report (the opt-in region notice) is printed on every synth; keep the
  // benchmark's output to its figures. Both variants pay for the silenced writes alike.
  const write = process.stderr.write.bind(process.stderr);
  const log = console.log;
  const error = console.error;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  console.log = () => undefined;
  console.error = () => undefined;
  try {
    const t0 = process.hrtime.bigint();
    buildApp(new App({ outdir, context }), { enforceResidency }).synth();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  } finally {
    process.stderr.write = write;
    console.log = log;
    console.error = error;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

// Warm-up: module loading, the validator's WASM, the esbuild bundle cache.
synthOnce(true);
synthOnce(false);
const without: number[] = [];
const withChecker: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  // Alternate which variant goes first, so garbage collection debt is shared fairly.
  if (i % 2 === 0) {
    without.push(synthOnce(false));
    withChecker.push(synthOnce(true));
  } else {
    withChecker.push(synthOnce(true));
    without.push(synthOnce(false));
  }
}
const base = median(without);
const checked = median(withChecker);

const PROCESS_ROUNDS = Number(process.env.BENCH_PROCESS_ROUNDS ?? 5);
function synthProcess(mode: 'with' | 'without'): number {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-proc-'));
  const t0 = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'synth-entry.ts'), mode, outdir], { stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  fs.rmSync(outdir, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`synth ${mode} exited with ${run.status}`);
  return ms;
}
const procWithout: number[] = [];
const procWith: number[] = [];
for (let i = 0; i < PROCESS_ROUNDS; i++) {
  procWithout.push(synthProcess('without'));
  procWith.push(synthProcess('with'));
}
const pBase = median(procWithout);
const pChecked = median(procWith);

console.log(`examples/hk-fraud synth (CloudFormation validator and cdk-nag in both variants)`);
console.log(`as cdk synth runs it, fresh process, median of ${PROCESS_ROUNDS}:`);
console.log(`  without residency ${pBase.toFixed(0).padStart(7)} ms`);
console.log(`  with residency    ${pChecked.toFixed(0).padStart(7)} ms`);
console.log(`  ratio with/without: ${(pChecked / pBase).toFixed(3)} (target <= 1.15)`);
console.log(`in-process, warm, median of ${ROUNDS} interleaved rounds:`);
console.log(`  without residency ${base.toFixed(1).padStart(7)} ms`);
console.log(`  with residency    ${checked.toFixed(1).padStart(7)} ms`);
console.log(`  ratio with/without: ${(checked / base).toFixed(3)} (${(checked - base).toFixed(1)} ms added)`);
