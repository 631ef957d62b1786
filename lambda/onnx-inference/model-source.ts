/**
 * Where the model comes from: a file (in the bundle, or any path) or the registry in S3,
 * downloaded once into a temporary folder and verified against its SHA-256.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';

/** The model's location and identity, as configured. */
export interface ModelSource {
  /** A local file; wins over `s3Uri`. */
  readonly path?: string;
  /** `s3://bucket/key` of the model in the registry. */
  readonly s3Uri?: string;
  /** Lower-case hex SHA-256 the file must have (required with `s3Uri`). */
  readonly sha256?: string;
  readonly name?: string;
  readonly version?: string;
}

/** A model that cannot be loaded: init must fail loudly. */
export class ModelLoadError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ModelLoadError';
  }
}

/**
 * Reads `MODEL_PATH`, `MODEL_S3_URI`, `MODEL_SHA256`, `MODEL_NAME` and `MODEL_VERSION`.
 * A relative `MODEL_PATH` is resolved against `baseDir` (the Lambda task root).
 */
export function modelSourceFromEnv(env: NodeJS.ProcessEnv, baseDir: string): ModelSource {
  const file = env.MODEL_PATH ? path.resolve(baseDir, env.MODEL_PATH) : undefined;
  if (!file && !env.MODEL_S3_URI) {
    throw new ModelLoadError('set MODEL_PATH (a model file) or MODEL_S3_URI with MODEL_SHA256 (a model in the registry)');
  }
  if (!file && !env.MODEL_SHA256) {
    throw new ModelLoadError(`MODEL_S3_URI ${env.MODEL_S3_URI} needs MODEL_SHA256: a model from S3 is only used after its SHA-256 is verified`);
  }
  if (env.MODEL_SHA256 !== undefined && !/^[0-9a-f]{64}$/.test(env.MODEL_SHA256)) {
    throw new ModelLoadError(`MODEL_SHA256 must be 64 lower-case hex characters, got ${JSON.stringify(env.MODEL_SHA256)}`);
  }
  return { path: file, s3Uri: file ? undefined : env.MODEL_S3_URI, sha256: env.MODEL_SHA256, name: env.MODEL_NAME, version: env.MODEL_VERSION };
}

/** Parses `s3://bucket/key`. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) throw new ModelLoadError(`model location must be s3://<bucket>/<key>, got ${JSON.stringify(uri)}`);
  return { bucket: m[1]!, key: m[2]! };
}

/**
 * Returns a local path of the verified model file (`deps.s3` overrides the default S3 client): the given file (checked when a SHA-256
 * is configured), or the S3 object downloaded into `tmpDir` (reused across warm starts
 * when already there and intact).
 * @throws ModelLoadError on a missing file, a failed download or a SHA-256 mismatch
 */
export async function resolveModelFile(source: ModelSource, deps: { s3?: () => S3Client; tmpDir: string }): Promise<string> {
  if (source.path) {
    if (!fs.existsSync(source.path)) throw new ModelLoadError(`model file ${source.path} does not exist`);
    if (source.sha256) await verify(source.path, source.sha256, source.path);
    return source.path;
  }
  const { bucket, key } = parseS3Uri(source.s3Uri!);
  const target = path.join(deps.tmpDir, `model-${source.sha256}${path.extname(key) || '.onnx'}`);
  if (fs.existsSync(target) && (await sha256OfFile(target)) === source.sha256) return target;
  const partial = `${target}.${process.pid}.part`;
  try {
    // Loaded here, not at the top: only a model from the registry needs the S3 client,
    // and a cold start with a bundled model should not parse it.
    const loaded = await import('@aws-sdk/client-s3');
    // A bundler may hand a CommonJS build back as the default export of the chunk.
    const sdk = typeof loaded.S3Client === 'function' ? loaded : (loaded as unknown as { default: typeof loaded }).default;
    const client = deps.s3 ? deps.s3() : new sdk.S3Client({});
    const out = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!out.Body) throw new ModelLoadError(`s3://${bucket}/${key} returned no body`);
    await pipeline(out.Body as NodeJS.ReadableStream, fs.createWriteStream(partial));
  } catch (e) {
    fs.rmSync(partial, { force: true });
    if (e instanceof ModelLoadError) throw e;
    throw new ModelLoadError(`cannot download s3://${bucket}/${key}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  await verify(partial, source.sha256!, `s3://${bucket}/${key}`);
  fs.renameSync(partial, target);
  return target;
}

async function verify(file: string, expected: string, label: string): Promise<void> {
  const actual = await sha256OfFile(file);
  if (actual !== expected) {
    fs.rmSync(`${file}`, { force: true, recursive: false });
    throw new ModelLoadError(`model ${label} has SHA-256 ${actual} but ${expected} was expected; refusing to serve it`);
  }
}

/** SHA-256 of a file, streamed. */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}
