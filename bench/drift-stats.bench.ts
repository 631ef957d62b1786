/**
 * Two-sample KS test on 1e6 against 1e6 normal doubles: `ksTwoSample` against SciPy's
 * `ks_2samp` on the same data (written to a temporary file and loaded by numpy). At this
 * size 'auto' chooses the asymptotic p-value in both. Prints the median of 5 timed runs
 * after 3 untimed warm-up runs on each side (excluding data generation and Python
 * start-up), our first cold call for reference, and the ratio ours / SciPy of the
 * medians; the target is <= 0.5. Skips SciPy when `/usr/bin/python3` cannot import it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ksTwoSample } from '../lib/drift';
import { uniforms } from './fixtures/sagemaker-capture-files';

const N = Number(process.env.BENCH_KS_N ?? 1_000_000);
const ROUNDS = 5;
const PYTHON = '/usr/bin/python3';


/** n normal doubles with mean `shift` (Box-Muller on mulberry32). */
function normals(n: number, seed: number, shift: number): Float64Array {
  const u = uniforms(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u()));
    const theta = 2 * Math.PI * u();
    out[i] = shift + r * Math.cos(theta);
    if (i + 1 < n) out[i + 1] = shift + r * Math.sin(theta);
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)]!;
}

interface Timing { readonly medianMs: number; readonly statistic: number; readonly pValue: number }

const WARM_UP = 3;

function elapsedMs(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** The first (cold) call, then the median of ROUNDS calls after WARM_UP untimed ones. */
function timeOurs(a: Float64Array, b: Float64Array): Timing & { readonly coldMs: number } {
  const c0 = process.hrtime.bigint();
  let result = ksTwoSample(a, b);
  const coldMs = elapsedMs(c0);
  // V8 needs a few calls to finish optimizing the sort and merge loops (each is entered
  // once per call, so it is first compiled on-stack mid-loop).
  for (let r = 1; r < WARM_UP; r++) ksTwoSample(a, b);
  // No forced gc() between runs: collections that the runs cause are part of their cost,
  // as freeing numpy's temporaries is part of SciPy's.
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    result = ksTwoSample(a, b);
    times.push(elapsedMs(t0));
  }
  return { coldMs, medianMs: median(times), statistic: result.statistic, pValue: result.pValue };
}

const PY_TIMER = `
import json, sys, time
try:
    import numpy as np
    import scipy
    from scipy import stats
except ImportError as e:
    print(json.dumps({"missing": str(e)}))
    sys.exit(0)
a = np.fromfile(sys.argv[1], dtype="<f8")
b = np.fromfile(sys.argv[2], dtype="<f8")
for _ in range(int(sys.argv[4])):
    stats.ks_2samp(a, b)  # warm-up, as for ours
times = []
for _ in range(int(sys.argv[3])):
    t0 = time.perf_counter()
    r = stats.ks_2samp(a, b, alternative="two-sided", method="auto")
    times.append((time.perf_counter() - t0) * 1e3)
times.sort()
print(json.dumps({"version": scipy.__version__, "medianMs": times[len(times) // 2],
                  "statistic": float(r.statistic), "pValue": float(r.pvalue)}))
`;

function timeScipy(a: Float64Array, b: Float64Array): (Timing & { readonly version: string }) | string {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} not found`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ks-'));
  try {
    const fa = path.join(dir, 'a.f64');
    const fb = path.join(dir, 'b.f64');
    fs.writeFileSync(fa, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    fs.writeFileSync(fb, new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    const run = spawnSync(PYTHON, ['-c', PY_TIMER, fa, fb, String(ROUNDS), String(WARM_UP)], { encoding: 'utf8' });
    if (run.status !== 0) return `python exited with ${run.status}: ${run.stderr.trim().split('\n').pop()}`;
    const out = JSON.parse(run.stdout) as { missing?: string; version: string; medianMs: number; statistic: number; pValue: number };
    return out.missing !== undefined ? `scipy cannot be imported (${out.missing})` : out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`ksTwoSample: ${N} vs ${N} normal doubles; median of ${ROUNDS} runs after ${WARM_UP} warm-up runs (both sides)`);
for (const [label, shift] of [['same distribution', 0], ['second shifted by 0.005 sd', 0.005]] as const) {
  const a = normals(N, 1, 0);
  const b = normals(N, 2, shift);
  const ours = timeOurs(a, b);
  const scipy = timeScipy(a, b);
  console.log(`\n${label}`);
  console.log(`  ours   ${ours.medianMs.toFixed(1).padStart(8)} ms   D=${ours.statistic}  p=${ours.pValue.toPrecision(10)}  (first, cold call: ${ours.coldMs.toFixed(0)} ms)`);
  if (typeof scipy === 'string') {
    console.log(`  scipy  skipped: ${scipy}`);
    continue;
  }
  console.log(`  scipy  ${scipy.medianMs.toFixed(1).padStart(8)} ms   D=${scipy.statistic}  p=${scipy.pValue.toPrecision(10)}  (SciPy ${scipy.version})`);
  const pDiff = Math.abs(ours.pValue - scipy.pValue) / Math.max(scipy.pValue, 1e-300);
  console.log(`  ratio ours/scipy: ${(ours.medianMs / scipy.medianMs).toFixed(2)} (target <= 0.5); `
    + `statistic ${ours.statistic === scipy.statistic ? 'identical' : `differs by ${Math.abs(ours.statistic - scipy.statistic)}`}, `
    + `p-value relative difference ${pDiff.toExponential(1)}`);
}
