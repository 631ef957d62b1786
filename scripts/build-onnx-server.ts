/**
 * Builds the on-prem ONNX server folder: the HTTP server adapter bundled by esbuild,
 * onnxruntime-node for one Linux architecture, the `sovereign-ml` CLI bundled with its
 * CloudWatch drift publisher (so the same image runs the drift CronJob:
 * `node sovereign-ml.js drift ... --cloudwatch-region <r> --model <m>`), and the
 * Dockerfile that turns the folder into an image. The model is not in the folder: the
 * image reads it from a volume (`/models/model.onnx`) or from S3 with
 * `--model s3://... --sha256 <hex>`.
 *
 * Run: `npx tsx scripts/build-onnx-server.ts [--arch x64|arm64] [--out dist/onnx-server]`,
 * then `docker build -t sovereign-ml-onnx <out>`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { buildOnnxAsset, type OnnxArch } from '../constructs/aws/private/onnx-asset';

/** The repository root (this file is scripts/build-onnx-server.ts). */
const ROOT = path.resolve(__dirname, '..');
const DOCKERFILE = path.join(ROOT, 'lambda', 'onnx-inference', 'Dockerfile');
const ARCHES: readonly OnnxArch[] = ['x64', 'arm64'];
/** File name of the bundled CLI in the folder. */
export const CLI_BUNDLE = 'sovereign-ml.js';

/**
 * Builds the server folder into `outDir`, replacing what a previous build left there,
 * and returns its absolute path. The folder runs as `node server.js --model <file>`.
 *
 * @throws Error when `outDir` is the repository (or above it), or a non-empty folder
 *   that is not a previous build (no `server.js`): it is never deleted
 */
export function buildOnnxServer(outDir: string, arch: OnnxArch): string {
  const out = path.resolve(outDir);
  const rel = path.relative(out, ROOT);
  if (rel === '' || !rel.startsWith('..')) {
    throw new Error(`--out must not be the repository or a folder above it, got ${out}`);
  }
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0 && !fs.existsSync(path.join(out, 'server.js'))) {
    throw new Error(`--out ${out} is a non-empty folder without server.js; refusing to replace it: remove it or choose another folder`);
  }
  const asset = buildOnnxAsset({ entry: 'lambda/onnx-inference/server.ts', outputName: 'server.js', arch });
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.cpSync(asset, out, { recursive: true });
  fs.copyFileSync(DOCKERFILE, path.join(out, 'Dockerfile'));
  bundleCli(path.join(out, CLI_BUNDLE));
  return out;
}

/**
 * Bundles bin/sovereign-ml.js (the CLI with the CloudWatch publisher wired in) into one
 * file that runs with plain node: no tsx, no node_modules.
 */
function bundleCli(outFile: string): void {
  buildSync({
    entryPoints: [path.join(ROOT, 'bin', 'sovereign-ml.js')],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    // The entry skips `require('tsx/cjs')` when this is '1'; tsx stays out either way.
    define: { 'process.env.SOVEREIGN_ML_BUNDLE': '"1"' },
    external: ['tsx', 'tsx/*'],
    logLevel: 'silent',
  });
}

/** Parses `--arch` and `--out`. */
function parseArgs(argv: readonly string[]): { outDir: string; arch: OnnxArch } {
  let arch: OnnxArch = process.arch === 'arm64' ? 'arm64' : 'x64';
  let outDir = path.join(ROOT, 'dist', 'onnx-server');
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]!;
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${key} needs a value`);
    if (key === '--arch') {
      if (!ARCHES.includes(value as OnnxArch)) throw new Error(`--arch must be one of ${ARCHES.join(', ')}, got ${JSON.stringify(value)}`);
      arch = value as OnnxArch;
    } else if (key === '--out') {
      outDir = value;
    } else {
      throw new Error(`unknown option ${JSON.stringify(key)}; options are --arch, --out`);
    }
  }
  return { outDir, arch };
}

if (require.main === module) {
  try {
    const { outDir, arch } = parseArgs(process.argv.slice(2));
    process.stdout.write(`${buildOnnxServer(outDir, arch)}\n`);
  } catch (e) {
    process.stderr.write(`build-onnx-server: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  }
}
