/**
 * The Lambda asset of an ONNX function: the handler bundled by esbuild with
 * onnxruntime-node left external, and beside it only what onnxruntime-node needs at run
 * time on Lambda — its JavaScript, the native binding and shared library of ONE
 * platform (`bin/napi-v6/linux/<arch>`), and onnxruntime-common's CommonJS build.
 * All platforms together are 288 MB, over Lambda's 250 MB limit; one is 45 MB
 * unzipped (x64) and about 18 MB zipped.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assetFolder } from './asset-folder';
import { BUNDLE_FILE, bundleEntry } from './bundle';

/** Lambda architectures, as named in onnxruntime-node's binary folders. */
export type OnnxArch = 'x64' | 'arm64';

/** Options of {@link buildOnnxAsset}. */
export interface OnnxAssetOptions {
  /** Entry point to bundle, relative to the package root. */
  readonly entry: string;
  /** Output file name of the bundle. */
  readonly outputName: string;
  readonly arch: OnnxArch;
  /** A model file to ship in the asset as `model/<file name>`. */
  readonly modelFile?: string;
}

const RUNTIME_EXTENSIONS = new Set(['.js', '.json', '.node']);

/** Builds (or reuses) the asset folder and returns its path. */
export function buildOnnxAsset(options: OnnxAssetOptions): string {
  const format = options.outputName.endsWith('.mjs') ? 'esm' : 'cjs';
  const bundleDir = bundleEntry(options.entry, { external: ['onnxruntime-node'], format });
  const ortNode = path.dirname(require.resolve('onnxruntime-node/package.json'));
  // onnxruntime-common's exports map hides package.json: find it from the CommonJS entry (dist/cjs/index.js).
  const ortCommon = path.resolve(path.dirname(require.resolve('onnxruntime-common', { paths: [ortNode] })), '..', '..');
  const files: Array<[from: string, to: string]> = [
    [path.join(bundleDir, BUNDLE_FILE[format]), options.outputName],
    // Chunks of a split ES module bundle, beside the entry.
    ...fs.readdirSync(bundleDir).filter((f) => f.startsWith('chunk-')).map((f) => [path.join(bundleDir, f), f] as [string, string]),
    [path.join(ortNode, 'package.json'), 'node_modules/onnxruntime-node/package.json'],
    ...listFiles(path.join(ortNode, 'dist')).filter(isRuntimeFile).map((f) => [f, `node_modules/onnxruntime-node/dist/${path.relative(path.join(ortNode, 'dist'), f)}`] as [string, string]),
    ...listFiles(path.join(ortNode, 'bin', 'napi-v6', 'linux', options.arch)).map((f) => [f, `node_modules/onnxruntime-node/bin/napi-v6/linux/${options.arch}/${path.basename(f)}`] as [string, string]),
    [path.join(ortCommon, 'package.json'), 'node_modules/onnxruntime-common/package.json'],
    ...listFiles(path.join(ortCommon, 'dist', 'cjs')).filter(isRuntimeFile).map((f) => [f, `node_modules/onnxruntime-common/dist/cjs/${path.relative(path.join(ortCommon, 'dist', 'cjs'), f)}`] as [string, string]),
  ];
  if (options.modelFile) files.push([options.modelFile, `model/${path.basename(options.modelFile)}`]);

  // Content address: the bundle's bytes, the runtime's version and arch, the model's path and size.
  const hash = createHash('sha256');
  for (const [from, to] of files) {
    const stat = fs.statSync(from);
    hash.update(`${to}\0${stat.size}\0`);
    if (to === options.outputName || to.startsWith('chunk-') || to.endsWith('package.json') || to.startsWith('model/')) hash.update(fs.readFileSync(from));
  }
  return assetFolder('sovereign-ml-onnx-assets', hash.digest('hex').slice(0, 24), files);
}

function isRuntimeFile(file: string): boolean {
  return RUNTIME_EXTENSIONS.has(path.extname(file)) && !file.endsWith('.d.ts');
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(p) : e.isFile() ? [p] : [];
  });
}
