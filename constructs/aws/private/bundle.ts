/**
 * Bundles a Lambda entry point with esbuild at synth time into a content-addressed
 * folder, so the asset hash is the hash of what actually ships.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';

/** Options of {@link bundleEntry}. */
export interface BundleOptions {
  /** Packages left out of the bundle (provided by a layer or copied beside it). */
  readonly external?: readonly string[];
  /**
   * Module format. An ES module can await at top level (the ONNX function loads its model
   * during init that way).
   * @default 'cjs'
   */
  readonly format?: 'cjs' | 'esm';
}

/** Gives an ES module bundle the `require` and `__dirname` that bundled CommonJS code expects. */
const ESM_BANNER = [
  "import { createRequire as __smlCreateRequire } from 'node:module';",
  "import { fileURLToPath as __smlFileURLToPath } from 'node:url';",
  "import { dirname as __smlDirname } from 'node:path';",
  'const require = __smlCreateRequire(import.meta.url);',
  'const __filename = __smlFileURLToPath(import.meta.url);',
  'const __dirname = __smlDirname(__filename);',
].join('\n');

const cache = new Map<string, string>();

/** File name of the bundle in its folder, by format. */
export const BUNDLE_FILE = { cjs: 'index.js', esm: 'index.mjs' } as const;

/** The repository root (this file is constructs/aws/private/bundle.ts). */
export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * Bundles `entry` (a path relative to the package root, e.g. `lambda/model-upload/index.ts`)
 * for the Node.js Lambda runtime and returns the folder holding `index.js`.
 */
export function bundleEntry(entry: string, options: BundleOptions = {}): string {
  const format = options.format ?? 'cjs';
  const key = `${entry}|${format}|${(options.external ?? []).join(',')}`;
  const cached = cache.get(key);
  if (cached) {
    return cached;
  }
  // ES modules are split, so code only some paths need (the S3 client, loaded when the
  // model comes from the registry) is a chunk imported on demand, not parsed at every cold start.
  const result = buildSync({
    entryPoints: { index: path.join(PACKAGE_ROOT, entry) },
    bundle: true,
    platform: 'node',
    target: 'node22',
    format,
    splitting: format === 'esm',
    outExtension: format === 'esm' ? { '.js': '.mjs' } : undefined,
    chunkNames: 'chunk-[hash]',
    banner: format === 'esm' ? { js: ESM_BANNER } : undefined,
    minify: true,
    legalComments: 'none',
    external: [...(options.external ?? [])],
    write: false,
    outdir: '/bundle',
    logLevel: 'silent',
  });
  const files = result.outputFiles.map((f) => ({ name: path.relative('/bundle', f.path), contents: f.contents }));
  const digest = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name))) digest.update(f.name).update(f.contents);
  const dir = path.join(os.tmpdir(), 'sovereign-ml-bundles', digest.digest('hex').slice(0, 24));
  if (!fs.existsSync(path.join(dir, BUNDLE_FILE[format]))) {
    fs.mkdirSync(dir, { recursive: true });
    // Chunks first, the entry last and renamed into place, so an existing entry means a complete folder.
    for (const f of [...files].sort((a) => (a.name === BUNDLE_FILE[format] ? 1 : -1))) {
      const target = path.join(dir, f.name);
      const tmp = `${target}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, f.contents);
      fs.renameSync(tmp, target);
    }
  }
  cache.set(key, dir);
  return dir;
}

/** Lambda code for a bundled entry point; the handler is `index.handler`. */
export function bundledCode(entry: string, options: BundleOptions = {}): lambda.Code {
  return lambda.Code.fromAsset(bundleEntry(entry, options));
}
